// Save-on-change and the page buttons must not race: an autosave still on its way when "Næste"
// is pressed could reach the server after the page's full save and store an older state of the
// page (the blur of a text field fires its autosave in the same click). So a button press waits
// until every autosave of the form has been answered, then submits with the same button.
(function () {
  "use strict";
  var WAIT_LIMIT_MS = 5000;

  function setUp(form) {
    var pending = 0;
    var waiting = null;
    var timer = null;

    function submitNow() {
      var submitter = waiting;
      waiting = null;
      clearTimeout(timer);
      form.dataset.autosaveReady = "1";
      if (form.requestSubmit) {
        form.requestSubmit(submitter);
      } else {
        // Old browsers: carry the button's name and value in a hidden field.
        var carry = document.createElement("input");
        carry.type = "hidden";
        carry.name = submitter.name;
        carry.value = submitter.value;
        form.appendChild(carry);
        form.submit();
      }
    }

    form.addEventListener("htmx:beforeRequest", function () { pending += 1; });
    form.addEventListener("htmx:afterRequest", function () {
      pending = Math.max(0, pending - 1);
      if (waiting && pending === 0) {
        // A queued autosave starts right after this event; look again on the next tick.
        setTimeout(function () { if (waiting && pending === 0) { submitNow(); } }, 0);
      }
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.autosaveReady === "1") {
        delete form.dataset.autosaveReady;
        return;
      }
      if (pending === 0) { return; }
      event.preventDefault();
      waiting = event.submitter || form.querySelector("button[type=submit]");
      clearTimeout(timer);
      timer = setTimeout(submitNow, WAIT_LIMIT_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(setUp);
  });
})();
