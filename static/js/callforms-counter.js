/*
 * The call's form (preview and dossier): a character counter under each textarea that has
 * data-maxlength, announced to screen readers after a pause. The form works without it: no
 * maxlength on purpose (a paste is never cut), the server refuses what is over with a message.
 * Loaded as a file (Content-Security-Policy: no inline script).
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "fr";
  var texts = lang.indexOf("en") === 0
    ? { left: "%(count)s characters left out of %(max)s", over: "%(count)s characters too many (maximum %(max)s)" }
    : { left: "Il reste %(count)s caractères sur %(max)s", over: "%(count)s caractères de trop (maximum %(max)s)" };

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function setup(textarea) {
    var max = parseInt(textarea.getAttribute("data-maxlength"), 10);
    if (!max || !textarea.id || textarea.hasAttribute("data-counter-ready")) {
      return;
    }
    textarea.setAttribute("data-counter-ready", "");
    var visible = document.createElement("p");
    visible.className = "form-text callforms-counter";
    visible.id = textarea.id + "-counter";
    visible.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", visible);
    visible.insertAdjacentElement("afterend", spoken);
    var timer = null;

    function message() {
      // Count as the server does: one character per code point, one per line break.
      var length = Array.from(textarea.value.replace(/\r\n/g, "\n")).length;
      var over = length > max;
      visible.classList.toggle("text-danger", over);
      visible.classList.toggle("fw-semibold", over);
      return format(over ? texts.over : texts.left, {
        count: over ? length - max : max - length,
        max: max
      });
    }

    function update() {
      visible.textContent = message();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        spoken.textContent = message();
      }, 1200);
    }

    visible.textContent = message();
    textarea.addEventListener("input", update);
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-maxlength]"), setup);
}());
