// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Time zones: on a first visit the list is set to this device's own zone; in settings, a
  // zone different from the saved one is offered ("This device is set to …. Use it").
  document.querySelectorAll("[data-detect-time-zone]").forEach(function (field) {
    var mode = field.getAttribute("data-detect-time-zone");
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    if (zone === "Etc/UTC") { zone = "UTC"; }
    var option = null;
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].value === zone) { option = field.options[i]; }
      }
      if (!option) { return; }
    }
    if (mode === "replace") {
      field.value = zone;
    } else if (mode === "offer" && field.value !== zone) {
      var offer = field.parentNode.querySelector("[data-browser-zone]");
      if (!offer) { return; }
      offer.querySelector("[data-browser-zone-name]").textContent = option ? option.textContent : zone;
      offer.hidden = false;
      offer.querySelector("[data-use-browser-zone]").addEventListener("click", function () {
        field.value = zone;
        offer.hidden = true;
        field.focus();
      });
    }
  });
  // Crisis lines: when neither a chosen country nor the browser's language said where someone
  // is, tell the server the browser's time zone (a cookie, not a secret) and reload once. The
  // server maps the zone to a country; without JavaScript the country chooser does the job.
  if (document.querySelector("[data-guess-country]") && document.cookie.indexOf("enough_tz=") === -1) {
    try {
      var crisisZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (crisisZone && /^[A-Za-z0-9\/_+-]{1,64}$/.test(crisisZone)) {
        document.cookie = "enough_tz=" + crisisZone + "; path=/; max-age=31536000; samesite=lax";
        if (document.cookie.indexOf("enough_tz=") !== -1) { window.location.reload(); }
      }
    } catch (e) { /* the chooser is still there */ }
  }
  // Print buttons only make sense with JavaScript; without it the browser's menu prints.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // The exercise timer: counts down in the page; without JavaScript a timer page does it.
  document.querySelectorAll("[data-timer]").forEach(function (box) {
    var start = box.querySelector("[data-timer-start]");
    var fallback = box.querySelector("[data-timer-fallback]");
    var display = box.querySelector(".timer-display");
    var done = box.querySelector(".timer-done");
    if (!start || !display) { return; }
    start.hidden = false;
    if (fallback) { fallback.hidden = true; }
    function minutes() {
      var input = document.querySelector("input[data-minutes-input]");
      var typed = input ? parseInt(input.value, 10) : NaN;
      return typed > 0 && typed <= 240 ? typed : parseInt(box.getAttribute("data-minutes"), 10) || 25;
    }
    function show(seconds) {
      var m = Math.floor(seconds / 60), s = seconds % 60;
      display.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    }
    var timer = null;
    start.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; start.textContent = "Start again"; return; }
      var end = Date.now() + minutes() * 60000;
      if (done) { done.hidden = true; }
      start.textContent = "Stop";
      timer = setInterval(function () {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        show(left);
        if (left === 0) {
          clearInterval(timer); timer = null;
          start.textContent = "Start again";
          if (done) { done.hidden = false; }
        }
      }, 250);
    });
  });
  // Uploads: show how much of the file has been sent (without JavaScript the form posts as usual).
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var bar = form.querySelector("progress");
    if (!bar || !window.XMLHttpRequest || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
      });
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () { form.submit(); });
      xhr.open("POST", form.action);
      xhr.send(new FormData(form));
    });
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
// Copy buttons: an invitation code, a calendar address, a new token. Without JavaScript the
// button stays hidden and the text is selectable as it is.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", status);
    button.hidden = false;
    function done(ok) {
      status.textContent = ok ? "Copied" : "Select the text and copy it";
      setTimeout(function () { status.textContent = ""; }, 4000);
    }
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
        return;
      }
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    });
  });
})();
