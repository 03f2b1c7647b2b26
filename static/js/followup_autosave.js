// Autosave of a yearly report draft: the form is posted in the background a moment after
// the last keystroke; the status line says when it was saved. Without JavaScript the
// « Enregistrer le brouillon » button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  function save() {
    var data = new FormData(form);
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: { "X-Autosave": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      if (status) {
        status.textContent = response.ok ? form.dataset.savedText : form.dataset.errorText;
      }
    }).catch(function () {
      if (status) { status.textContent = form.dataset.errorText; }
    });
  }
  form.addEventListener("input", function (event) {
    if (event.target.type === "file") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  });
})();
