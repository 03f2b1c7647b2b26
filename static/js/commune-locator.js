/*
 * Dossier d'intention: the small map beside the commune picker follows the checkboxes
 * (progressive enhancement; the server draws the map with the saved choice already lit).
 *
 * Each commune of the map is a path with data-insee; each checkbox of the picker sits in an
 * element with data-commune-code. A checked commune is drawn lit; when "tout le territoire"
 * is checked, every commune is. The map is decorative (aria-hidden): the picker's own count
 * of checked communes tells screen readers the same. No inline script: CSP-safe.
 */
(function () {
  "use strict";

  // A page may hold several pickers, each with its map, and loads this script once per
  // picker: each map follows the picker of its own field (data-commune-field), once.
  function setUp(locator) {
    var field = locator.closest("[data-commune-field]");
    var picker = field && field.querySelector("[data-commune-picker]");
    if (!picker || locator.hasAttribute("data-locator-ready")) {
      return;
    }
    locator.setAttribute("data-locator-ready", "");
    var territoryId = picker.getAttribute("data-territory");
    var territory = territoryId ? document.getElementById(territoryId) : null;
    var paths = {};
    Array.prototype.forEach.call(locator.querySelectorAll("path[data-insee]"), function (path) {
      paths[path.getAttribute("data-insee")] = path;
    });
    var items = Array.prototype.map.call(
      picker.querySelectorAll("[data-commune-code]"),
      function (item) {
        return {
          path: paths[item.getAttribute("data-commune-code")],
          box: item.querySelector("input[type=checkbox]")
        };
      }
    );

    function update() {
      var wide = Boolean(territory && territory.checked);
      items.forEach(function (item) {
        if (item.path && item.box) {
          item.path.classList.toggle("locator-lit", wide || item.box.checked);
        }
      });
    }

    // A commune's checkbox, "tout le territoire", or a draft restored into the form (the
    // restore sets many boxes at once, then sends "change" to the form itself). Typing in the
    // other fields of the form is left alone.
    var form = picker.closest("form") || document;

    function onChange(event) {
      var target = event.target;
      if (
        target === form ||
        target === territory ||
        (target.type === "checkbox" && picker.contains(target))
      ) {
        update();
      }
    }

    form.addEventListener("change", onChange);
    form.addEventListener("input", onChange);
    form.addEventListener("reset", function () {
      window.setTimeout(update, 0);
    });
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-commune-locator]"), setUp);
})();
