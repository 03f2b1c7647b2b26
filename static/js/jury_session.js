// The jury in session: the screen follows the leader by polling a small fragment.
// Progressive enhancement: without this script the page works with its "Actualiser" link.
(function () {
  "use strict";
  var screen = document.getElementById("ecran-seance");
  if (!screen || !window.fetch) {
    return;
  }
  var url = screen.getAttribute("data-screen-url");
  var key = screen.getAttribute("data-screen-key");
  var delay = 3000;

  function busy() {
    // Never replace a form the member is filling in (a vote chosen but not yet sent).
    var active = document.activeElement;
    return active && screen.contains(active) && active.form;
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.key !== key && !busy()) {
          key = data.key;
          screen.innerHTML = data.html;
        }
        delay = 3000;
      })
      .catch(function () {
        // A dropped connection: try again, less often, and keep what is shown.
        delay = Math.min(delay * 2, 30000);
      })
      .then(function () {
        window.setTimeout(refresh, delay);
      });
  }

  window.setTimeout(refresh, delay);
})();
