// A <select data-autosubmit> submits its form when changed: the pickers of the public list and
// the report periods. A static file rather than onchange="…", which the Content-Security-Policy refuses.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
