// A typed place filter (accounts.filters.PlaceAutocomplete): the field shows the township's name,
// a hidden input of the filter's name sends its code (or id). Typing asks accounts:place_options
// for the matching townships of the user's area and offers them in the field's <datalist>;
// choosing one (or typing its name in full) copies the option's data-value into the hidden input.
// Text that names no offered place is sent as typed, so the filter answers with its error.
(function () {
  var timers = new WeakMap();

  function sync(field) {
    var hidden = document.getElementById(field.dataset.placeTarget);
    if (!hidden) return;
    var text = field.value.trim();
    var chosen = null;
    if (field.list) {
      for (var option of field.list.options) {
        if (option.value === text) { chosen = option; break; }
      }
    }
    var value = chosen ? chosen.dataset.value : text;
    if (hidden.value === value) return;
    hidden.value = value;
    // What listens to the filter's value (the ledger's village list, through htmx) hears it.
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function offer(field) {
    var text = field.value.trim();
    if (!text || !field.list) return;
    var query = new URLSearchParams({ field: field.dataset.placeField, value: field.dataset.placeValue });
    query.set(field.dataset.placeField, text);
    fetch(field.dataset.placeOptions + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (field.value.trim() !== text) return;  // typed on meanwhile: a newer answer follows
        field.list.innerHTML = html;
        sync(field);
      });
  }

  function onInput(event) {
    var field = event.target;
    if (!field.matches || !field.matches("input[data-place-options]")) return;
    sync(field);
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { offer(field); }, 300));
  }

  document.addEventListener("input", onInput);
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-place-options]")) sync(event.target);
  });
})();
