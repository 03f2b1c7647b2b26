/*
 * Dossier d'intention: autosave of a section while typing.
 *
 * The form carries its settings in data attributes (no inline script): data-autosave-url,
 * data-autosave-key (localStorage key) and the data-msg-* texts. After a pause in typing,
 * the whole section is POSTed (with the CSRF token) to the autosave endpoint, which saves the
 * fields that validate and answers JSON. The status line (role="status") says when the draft
 * was saved.
 *
 * Typed text is never lost: every change is first copied to localStorage; the copy is dropped
 * only once the server holds exactly that text. If a save fails, the text stays in the page
 * and in the copy, an error is shown, and the save is tried again later. A copy left over from
 * a previous visit (closed tab, lost connection) is offered back with "Reprendre cette saisie".
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }

  var url = form.getAttribute("data-autosave-url");
  var key = form.getAttribute("data-autosave-key");
  var statusLine = document.getElementById("autosave-status");
  var restoreBox = document.getElementById("autosave-restore");
  var DELAY = 2000;
  var RETRY_DELAYS = [15, 30, 60, 120];
  var SKIPPED = { csrfmiddlewaretoken: true, action: true };

  var timer = null;
  var inFlight = false;
  var pending = false;
  var failures = 0;
  var stopped = false;
  var submitting = false;

  function message(name, values) {
    var template = form.getAttribute("data-msg-" + name) || "";
    return template.replace(/%\((\w+)\)s/g, function (match, k) {
      return values && k in values ? values[k] : match;
    });
  }

  function say(text, isError) {
    if (!statusLine) {
      return;
    }
    statusLine.textContent = text;
    statusLine.classList.toggle("is-error", Boolean(isError));
  }

  function entries() {
    var list = [];
    new FormData(form).forEach(function (value, name) {
      if (!SKIPPED[name] && typeof value === "string") {
        list.push([name, value]);
      }
    });
    return list;
  }

  function snapshot() {
    return JSON.stringify(entries());
  }

  // localStorage may be missing or full (private browsing): the autosave still works.
  function readCopy() {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  function writeCopy(copy) {
    try {
      window.localStorage.setItem(key, JSON.stringify(copy));
    } catch (error) {
      /* nothing to do: the page still holds the text */
    }
  }

  function dropCopy() {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      /* ignore */
    }
  }

  var savedSnapshot = snapshot();

  function keepCopy() {
    writeCopy({ at: new Date().toISOString(), entries: entries() });
  }

  function fieldLabel(name) {
    var field = form.elements[name];
    var element = field && field.length && !field.tagName ? field[0] : field;
    if (element && element.id) {
      var label = form.querySelector("label[for='" + element.id + "']");
      if (label) {
        return label.textContent.replace(/\s+/g, " ").trim();
      }
    }
    if (element && element.closest) {
      var legend = element.closest("fieldset") && element.closest("fieldset").querySelector("legend");
      if (legend) {
        return legend.textContent.replace(/\s+/g, " ").trim();
      }
    }
    return name;
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function retryLater() {
    var seconds = RETRY_DELAYS[Math.min(failures, RETRY_DELAYS.length - 1)];
    failures += 1;
    say(message("failed", { seconds: seconds }), true);
    schedule(seconds * 1000);
  }

  function save() {
    if (stopped || submitting) {
      return;
    }
    if (inFlight) {
      pending = true;
      return;
    }
    var sent = snapshot();
    if (sent === savedSnapshot) {
      return;
    }
    inFlight = true;
    say(message("saving"), false);
    var body = new FormData(form);
    body.delete("action");
    window.fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        "X-Requested-With": "XMLHttpRequest",
        "Accept": "application/json"
      }
    }).then(function (response) {
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!isJson) {
        if (response.status === 403) {
          // The CSRF check refused: the page is too old. Reloading it offers the copy back.
          stopped = true;
          say(message("expired"), true);
          return null;
        }
        throw new Error("HTTP " + response.status);
      }
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (result) {
      if (!result) {
        return;
      }
      if (result.status >= 500) {
        throw new Error("HTTP " + result.status);
      }
      if (result.status === 401 || result.status === 403 || result.data.error) {
        stopped = true;
        say(message("refused", { reason: result.data.error || "" }), true);
        return;
      }
      failures = 0;
      savedSnapshot = sent;
      var errors = Object.keys(result.data.errors || {});
      if (errors.length) {
        // The fields in error kept their saved value: the copy keeps what was typed.
        say(message("partial", {
          time: result.data.saved_at,
          fields: errors.map(fieldLabel).join(", ")
        }), true);
      } else {
        say(message("saved", { time: result.data.saved_at }), false);
        if (snapshot() === sent) {
          dropCopy();
        }
      }
    }).catch(function () {
      retryLater();
    }).then(function () {
      inFlight = false;
      if (pending) {
        pending = false;
        schedule(DELAY);
      }
    });
  }

  function onChange() {
    if (snapshot() === savedSnapshot) {
      return;
    }
    keepCopy();
    if (!stopped) {
      schedule(DELAY);
    }
  }

  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);

  form.addEventListener("submit", function () {
    // The server now receives the whole section: it saves it or shows it back with the
    // errors, so the copy is no longer needed once a page of ours comes back.
    submitting = true;
    window.clearTimeout(timer);
    var copy = readCopy();
    if (copy) {
      copy.submitted = true;
      writeCopy(copy);
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && snapshot() !== savedSnapshot) {
      keepCopy();
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A copy from an earlier visit: offer it back if it differs from what the server holds.
  function restore(copy) {
    var counts = {};
    copy.entries.forEach(function (pair) {
      var match = /^(.+)-TOTAL_FORMS$/.exec(pair[0]);
      if (match) {
        counts[match[1]] = parseInt(pair[1], 10);
      }
    });
    Object.keys(counts).forEach(function (prefix) {
      document.dispatchEvent(new CustomEvent("dossier:ensure-rows", {
        detail: { prefix: prefix, count: counts[prefix] }
      }));
    });
    var values = {};
    copy.entries.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIPPED[name] || element.type === "file" || /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) {
        return;
      }
      var kept = values[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = kept.indexOf(element.value) >= 0;
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = kept.indexOf(option.value) >= 0;
        });
      } else if (kept.length) {
        element.value = kept[0];
      }
      element.dispatchEvent(new Event("input", { bubbles: true }));
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  var leftOver = readCopy();
  // The server answered our last submit (saved, or shown back with its errors in the page):
  // the copy has served its purpose. A submit that never reached the server keeps it.
  var answered = form.getAttribute("data-just-saved") === "true" ||
    form.getAttribute("data-has-errors") === "true";
  if (leftOver && leftOver.submitted && answered) {
    dropCopy();
  } else if (leftOver && leftOver.entries && JSON.stringify(leftOver.entries) !== savedSnapshot && restoreBox) {
    var text = restoreBox.querySelector("[data-restore-text]");
    var when = new Date(leftOver.at);
    var date = isNaN(when.getTime()) ? "" : when.toLocaleString(document.documentElement.lang || "fr", {
      day: "numeric", month: "long", hour: "2-digit", minute: "2-digit"
    });
    text.textContent = text.getAttribute("data-msg-template").replace("%(date)s", date);
    restoreBox.hidden = false;
    restoreBox.querySelector("[data-restore-apply]").addEventListener("click", function () {
      restoreBox.hidden = true;
      restore(leftOver);
      onChange();
      var first = form.querySelector("input:not([type=hidden]), textarea, select");
      if (first) {
        first.focus();
      }
    });
    restoreBox.querySelector("[data-restore-discard]").addEventListener("click", function () {
      restoreBox.hidden = true;
      dropCopy();
    });
  } else if (leftOver) {
    dropCopy();
  }
})();
