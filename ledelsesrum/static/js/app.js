// Small behaviours that would otherwise be inline handlers, which the Content-Security-Policy
// (script-src 'self') forbids: a "back" link and a preview form that must never submit.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-no-submit]")) {
      event.preventDefault();
    }
  }, true);
})();
