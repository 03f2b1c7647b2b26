/*
 * Dossier d'intention: searchable list of the 150 communes (progressive enhancement).
 *
 * Without JavaScript the page shows every commune as a checkbox, grouped by agglomeration.
 * This script reveals a search box that narrows the list as one types (accents, case, hyphens
 * and apostrophes ignored; INSEE codes too), announces the number of matches in a live region
 * after a short pause, keeps the count of checked communes, and disables the list while
 * "tout le territoire" is checked. Checked communes stay checked while hidden by a search.
 * Escape in the search box clears it.
 *
 * A page may hold several pickers (the portal's communes question and those staff added to
 * the wave's form): each one works on its own parts, found inside it, never by a fixed id.
 * Only a picker whose question offers "tout le territoire" names its box (data-territory).
 */
(function () {
  "use strict";

  function setUp(picker) {
    var tools = picker.querySelector("[data-commune-tools]");
    var input = picker.querySelector("[data-commune-filter]");
    var countLine = picker.querySelector("[data-commune-count]");
    var selectedLine = picker.querySelector("[data-commune-selected]");
    var groups = picker.querySelectorAll("[data-commune-group]");
    var items = picker.querySelectorAll("[data-commune-name]");
    var territoryId = picker.getAttribute("data-territory");
    var territory = territoryId ? document.getElementById(territoryId) : null;
    var timer = null;

    function message(name, values) {
      var template = picker.getAttribute("data-msg-" + name) || "";
      return template.replace(/%\((\w+)\)s/g, function (match, key) {
        return key in values ? values[key] : match;
      });
    }

    function normalise(text) {
      return (text || "")
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/œ/g, "oe")
        .replace(/[-'’\s]+/g, " ")
        .trim();
    }

    var index = Array.prototype.map.call(items, function (item) {
      return {
        element: item,
        name: normalise(item.getAttribute("data-commune-name")),
        code: item.getAttribute("data-commune-code") || "",
        box: item.querySelector("input[type=checkbox]")
      };
    });

    function applyFilter() {
      var query = normalise(input.value);
      var shown = 0;
      index.forEach(function (entry) {
        var match = !query || entry.name.indexOf(query) >= 0 || entry.code.indexOf(query) === 0;
        entry.element.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      Array.prototype.forEach.call(groups, function (group) {
        group.hidden = !group.querySelector("[data-commune-name]:not([hidden])");
      });
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (!query) {
          countLine.textContent = "";
        } else if (shown === 0) {
          countLine.textContent = message("count-none", { query: input.value.trim() });
        } else {
          countLine.textContent = message(shown === 1 ? "count-one" : "count-many", {
            count: shown,
            query: input.value.trim()
          });
        }
      }, 500);
    }

    function updateSelected() {
      if (territory && territory.checked) {
        selectedLine.textContent = message("disabled", {});
        return;
      }
      var checked = index.filter(function (entry) {
        return entry.box.checked;
      }).length;
      selectedLine.textContent = message("selected", { count: checked });
    }

    function applyTerritory() {
      var wide = Boolean(territory && territory.checked);
      index.forEach(function (entry) {
        entry.box.disabled = wide;
      });
      input.disabled = wide;
      updateSelected();
    }

    tools.hidden = false;
    input.addEventListener("input", applyFilter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        applyFilter();
      }
    });
    // Enter in the search box must not submit the section.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    picker.addEventListener("change", function (event) {
      if (event.target !== input) {
        updateSelected();
      }
    });
    if (territory) {
      territory.addEventListener("change", applyTerritory);
    }
    // A draft restored into the form sets many boxes at once, then sends "change" to the form.
    var form = picker.closest("form");
    if (form) {
      form.addEventListener("change", function (event) {
        if (event.target === form) {
          applyTerritory();
        }
      });
    }
    applyTerritory();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-commune-picker]"), setUp);
})();
