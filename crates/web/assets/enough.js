// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Fill a time zone field with the browser's own zone when the server only guessed.
  document.querySelectorAll("input[data-detect-time-zone]").forEach(function (input) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && input.value === input.getAttribute("data-detect-time-zone")) {
        input.value = zone;
      }
    } catch (e) { /* keep the server's value */ }
  });
  // Print buttons only make sense with JavaScript; without it the browser's menu prints.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
