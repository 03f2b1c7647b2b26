// Progress of a cahier's generation: asks the server where the version stands every two
// seconds and moves the <progress> bar; once the version is ready (or failed), the page is
// reloaded to list it with its download link. Without JavaScript, « Actualiser la page »
// does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("booklet-progress");
  if (!box) { return; }
  var bar = document.getElementById("booklet-progress-bar");
  var percent = box.querySelector("[data-progress-percent]");
  var text = box.querySelector("[data-progress-text]");
  var url = box.dataset.statusUrl;
  var failures = 0;

  function show(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + " %";
    if (percent) { percent.textContent = state.progress + " %"; }
    if (text) { text.textContent = state.message || state.status_label; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (state.done) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        // A network hiccup: try a few more times, more slowly, then leave the link to it.
        failures += 1;
        if (failures < 5) { window.setTimeout(poll, 5000); }
      });
  }

  window.setTimeout(poll, 1000);
})();
