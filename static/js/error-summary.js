// A form sent back with errors opens with the focus on its error summary, so keyboard and
// screen-reader users start from the list of what to fix; each item links to its field.
// The summary carries tabindex="-1" and data-error-summary (templates/includes/_form_errors.html).
// Running before the first rendering also stops a field's autofocus from taking the focus back.
// In a function: a page with two forms loads this file twice.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary && !summary.contains(document.activeElement)) {
    summary.focus();
  }
})();
