/* 定位: a button #locate fills #id_latitude / #id_longitude from the phone's browser
   (navigator.geolocation) and says how it went in #locate-status. Shared by the inspection,
   transfer and enterprise forms. */
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var locate = byId("locate");
  if (!locate) { return; }
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
})();
