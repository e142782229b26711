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
  // Questionnaires: keep "3 of 9 answered" up to date as answers are chosen.
  document.querySelectorAll("form[data-questionnaire]").forEach(function (form) {
    var progress = form.querySelector("[data-total]");
    if (!progress) { return; }
    var total = progress.getAttribute("data-total");
    form.addEventListener("change", function () {
      var names = {};
      form.querySelectorAll("input[type=radio]:checked").forEach(function (r) { names[r.name] = true; });
      progress.textContent = Object.keys(names).length + " of " + total + " answered";
    });
  });
})();
