/* Field forms (inspections, transfers): pick a ledger enterprise from the search results,
   show the new-enterprise section for a new find, hide new-team inputs when a team is chosen,
   and fill latitude/longitude from the phone's browser (navigator.geolocation). */
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".enterprise-option");
    if (!option) { return; }
    byId("id_enterprise").value = option.dataset.id;
    byId("enterprise-chosen").textContent = "已选：" + option.dataset.label;
    byId("enterprise-results").innerHTML = "";
  });

  var newFind = byId("id_new_find");
  function toggleNewFind() {
    var on = newFind && newFind.checked;
    var section = byId("new-enterprise");
    if (section) { section.style.display = on ? "" : "none"; }
    var picker = byId("enterprise-picker");
    if (picker) { picker.style.display = on ? "none" : ""; }
    var place = byId("place-fields");
    if (place) { place.style.display = on ? "none" : ""; }
    if (on && byId("id_enterprise")) { byId("id_enterprise").value = ""; }
  }
  if (newFind) { newFind.addEventListener("change", toggleNewFind); toggleNewFind(); }

  var team = byId("id_team");
  function toggleTeam() {
    var section = byId("new-team");
    if (section && team) { section.style.display = team.value ? "none" : ""; }
  }
  if (team) { team.addEventListener("change", toggleTeam); toggleTeam(); }

  var locate = byId("locate");
  if (locate) {
    locate.addEventListener("click", function () {
      var status = byId("locate-status");
      if (!navigator.geolocation) { status.textContent = "此浏览器不支持定位，请手动填写。"; return; }
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (position) {
        byId("id_latitude").value = position.coords.latitude.toFixed(6);
        byId("id_longitude").value = position.coords.longitude.toFixed(6);
        status.textContent = "已获取位置（精度约 " + Math.round(position.coords.accuracy) + " 米）。";
      }, function () {
        status.textContent = "无法获取位置：请允许浏览器使用定位，或手动填写。";
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
})();
