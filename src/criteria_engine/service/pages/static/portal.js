/* Small progressive enhancement; every page works without it.
   - a button with data-confirm asks before submitting (submitting a survey locks it);
   - a form with data-warn-unsaved warns before leaving with changes not saved;
   - a search box with data-filter hides the rows of its table that do not match. */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
      .replace(/Đ/g, "D").toLowerCase();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  var dirty = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    var rows = document.querySelectorAll(box.getAttribute("data-filter"));
    box.addEventListener("input", function () {
      var wanted = fold(box.value.trim());
      rows.forEach(function (row) {
        row.hidden = wanted !== "" && fold(row.textContent).indexOf(wanted) === -1;
      });
    });
  });
})();
