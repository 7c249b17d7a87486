/* Field forms (inspections, transfers): pick a ledger enterprise from the search results,
   show the new-enterprise section for a new find, hide new-team inputs when a team is chosen.
   定位 (latitude/longitude from the phone) is static/js/locate.js, shared with the ledger. */
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

})();
