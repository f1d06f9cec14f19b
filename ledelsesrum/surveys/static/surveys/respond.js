// Save-on-change and the page buttons must not race: an autosave still on its way when "Næste"
// is pressed could reach the server after the page's full save and store an older state of the
// page (the blur of a text field fires its autosave in the same click). Two guards:
// 1. every save of this page load carries the load's id and a rising number, and the server
//    ignores a save that arrives after a higher number (answering.save_section);
// 2. a button press waits until every autosave of the form has been answered, then submits with
//    the same button, so the next page never shows an answer that is still on its way.
(function () {
  "use strict";
  var WAIT_LIMIT_MS = 5000;

  function newLoadId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "p" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
    return input;
  }

  function setUp(form) {
    var pending = 0;
    var waiting = null;
    var timer = null;
    var count = 0;
    hidden(form, "save_load", newLoadId());
    var number = hidden(form, "save_number", "0");

    function stamp() {
      count += 1;
      number.value = String(count);
    }

    function submitNow() {
      var submitter = waiting;
      waiting = null;
      clearTimeout(timer);
      stamp();
      form.dataset.autosaveReady = "1";
      if (form.requestSubmit) {
        form.requestSubmit(submitter);
      } else {
        hidden(form, submitter.name, submitter.value);  // old browsers: carry the button
        form.submit();
      }
    }

    // Capture phase: runs before htmx reads the form for the autosave this change triggers.
    form.addEventListener("change", stamp, true);
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
      if (pending === 0) {
        stamp();
        return;
      }
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
