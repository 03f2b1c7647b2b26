// « Tout sélectionner » on the staff table, without reloading the page.
// Without JavaScript the link reloads the table with every box ticked (?tout=1): this only
// saves the round trip, and keeps the link's text and target in step with the boxes.
(function () {
  "use strict";
  document.querySelectorAll("a[data-select-all]").forEach(function (link) {
    var form = link.closest("form");
    if (!form) {
      return;
    }
    link.setAttribute("role", "button");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var on = link.dataset.selectAll !== "on";
      form.querySelectorAll('input[type="checkbox"][name="ids"]').forEach(function (box) {
        box.checked = on;
      });
      link.dataset.selectAll = on ? "on" : "off";
      link.textContent = on ? link.dataset.labelOn : link.dataset.labelOff;
    });
    // A link acting as a button answers the space bar too.
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        link.click();
      }
    });
  });
})();
