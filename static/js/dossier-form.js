/*
 * Dossier d'intention: small enhancements of the section forms (the forms work without them).
 * - focus the error summary after a refused save;
 * - "Ajouter une ligne" for the financing plan, from the <template> of an empty row;
 * - the live total of the financing plan against the total cost;
 * - a question asked only for some answer of another is hidden while that answer is not given
 *   (the server drops the answer of a hidden question on save: this only spares the typing).
 * The character counters of long texts are static/js/callforms-counter.js's (the preview's too).
 * Texts come from data-msg-* attributes written by the templates (translated server-side).
 */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  // Error summary: move the focus there so screen readers read it first.
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }

  var lang = document.documentElement.lang || "fr";

  // Amounts typed the French way ("12 000,50 €").
  function parseAmount(text) {
    var value = (text || "").replace(/[\s\u00a0\u202f€]/g, "");
    if (value.indexOf(",") >= 0 && value.indexOf(".") >= 0) {
      value = value.lastIndexOf(",") > value.lastIndexOf(".")
        ? value.replace(/\./g, "").replace(",", ".")
        : value.replace(/,/g, "");
    } else {
      value = value.replace(",", ".");
    }
    if (value === "" || isNaN(Number(value))) {
      return null;
    }
    return Math.round(Number(value) * 100);
  }

  function formatCents(cents) {
    return (cents / 100).toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  // Financing plan: extra rows and live total.
  Array.prototype.forEach.call(document.querySelectorAll("[data-formset]"), function (fieldset) {
    var prefix = fieldset.getAttribute("data-formset-prefix");
    var body = fieldset.querySelector("[data-formset-body]");
    var template = fieldset.querySelector("template[data-formset-template]");
    var addButton = fieldset.querySelector("[data-formset-add]");
    var total = fieldset.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var maxForms = fieldset.querySelector("#id_" + prefix + "-MAX_NUM_FORMS");
    var live = fieldset.querySelector("[data-financing-live]");
    var costInput = document.getElementById("id_total_cost");

    function addRow() {
      var index = parseInt(total.value, 10);
      if (maxForms && index >= parseInt(maxForms.value, 10)) {
        return null;
      }
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var row = body.lastElementChild;
      return row;
    }

    if (addButton && template && total) {
      addButton.hidden = false;
      addButton.addEventListener("click", function () {
        var row = addRow();
        if (row) {
          var first = row.querySelector("input");
          if (first) {
            first.focus();
          }
          fieldset.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      // The autosave's restore asks for as many rows as the kept copy had.
      document.addEventListener("dossier:ensure-rows", function (event) {
        if (event.detail && event.detail.prefix === prefix) {
          while (parseInt(total.value, 10) < event.detail.count && addRow()) {
            /* add until there are enough rows */
          }
        }
      });
    }

    function updateTotal() {
      if (!live) {
        return;
      }
      var financed = 0;
      Array.prototype.forEach.call(body.querySelectorAll("[data-formset-row]"), function (row) {
        var remove = row.querySelector("input[name$='-DELETE']");
        var amount = row.querySelector("[data-financing-amount]");
        var cents = amount ? parseAmount(amount.value) : null;
        if (cents !== null && !(remove && remove.checked)) {
          financed += cents;
        }
      });
      var cost = costInput ? parseAmount(costInput.value) : null;
      var values = { financed: formatCents(financed) };
      var key = "nocost";
      if (cost !== null) {
        values.cost = formatCents(cost);
        values.gap = formatCents(Math.abs(cost - financed));
        key = cost === financed ? "balanced" : (financed < cost ? "gap" : "excess");
      }
      live.textContent = format(live.getAttribute("data-msg-" + key), values);
      live.hidden = false;
    }

    // After a pause, so a screen reader hears the total once rather than at every key.
    var totalTimer = null;
    function scheduleTotal() {
      window.clearTimeout(totalTimer);
      totalTimer = window.setTimeout(updateTotal, 800);
    }
    fieldset.addEventListener("input", scheduleTotal);
    fieldset.addEventListener("change", scheduleTotal);
    if (costInput) {
      costInput.addEventListener("input", scheduleTotal);
    }
  });

  // Conditional questions (one level): [data-condition-key] wraps a question shown only when
  // the question named by the key has the answer data-condition-value.
  var form = document.getElementById("dossier-form");
  function answerOf(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    if (!inputs.length) {
      return null;
    }
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }
  if (form) {
    var conditional = form.querySelectorAll("[data-condition-key]");
    var refresh = function () {
      Array.prototype.forEach.call(conditional, function (wrapper) {
        var values = answerOf(wrapper.getAttribute("data-condition-key"));
        if (values === null) {
          return; // the condition's question is in another section: the server decides
        }
        wrapper.hidden = values.indexOf(wrapper.getAttribute("data-condition-value")) === -1;
      });
    };
    if (conditional.length) {
      form.addEventListener("change", refresh);
      refresh();
    }
  }
})();
