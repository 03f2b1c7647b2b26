// The progress bar of an export (templates/applications/export_job.html).
// Without JavaScript the « Actualiser » link reloads the page; this polls the export's JSON
// state every two seconds and updates the bar, the status line (with the file's row count
// once done) and the buttons (with the reason of a failure) in place, until the export is
// done or has failed.
(function () {
  "use strict";
  var section = document.querySelector("[data-export-job]");
  if (!section) {
    return;
  }
  var url = section.dataset.stateUrl;
  var bar = section.querySelector("progress");
  var label = section.querySelector("[data-export-status-label]");
  var percent = section.querySelector("[data-export-percent]");
  var done = section.querySelector("[data-export-done]");
  var failed = section.querySelector("[data-export-failed]");
  var pending = section.querySelector("[data-export-pending]");
  var download = section.querySelector("[data-export-download]");
  var rows = section.querySelector("[data-export-rows]");
  var error = section.querySelector("[data-export-error]");
  var delay = 2000;

  function show(state) {
    bar.value = state.progress;
    bar.setAttribute("aria-valuenow", String(state.progress));
    bar.textContent = state.progress + " %";
    label.textContent = state.status_label;
    percent.textContent = String(state.progress);
    // Once done, how many rows the file holds; once failed, why (both worded by the server).
    rows.textContent = state.row_count_label || "";
    error.textContent = state.error_message || "";
    var finished = state.status === "done" || state.status === "failed";
    pending.hidden = finished;
    failed.hidden = state.status !== "failed";
    done.hidden = state.status !== "done";
    if (state.status === "done" && state.download_url) {
      download.href = state.download_url;
      // The new button is where the keyboard user goes next.
      download.focus();
    }
    return finished;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        if (!show(state)) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // A lost answer is retried more slowly; the « Actualiser » link stays.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  if (!pending.hidden) {
    window.setTimeout(poll, delay);
  }
})();
