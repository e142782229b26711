// Offline: the service worker keeps the log and crisis pages; a day logged without a
// connection waits on this device (IndexedDB) and is sent when the connection returns. The
// server checks it then like any other save; if it refuses, the reason is shown here, and if
// the day changed on the server meanwhile, the person chooses which to keep. Every page works
// without this file.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* online-only, as before */ });
  }
  var signedIn = document.body.getAttribute("data-signed-in") || "";
  try {
    var controller = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (signedIn && controller && navigator.onLine && sessionStorage.getItem("enough-kept") !== signedIn) {
      controller.postMessage("keep-pages");
      sessionStorage.setItem("enough-kept", signedIn);
    }
  } catch (e) { /* kept on the next visit instead */ }
  if (!window.indexedDB || !window.fetch || !window.DOMParser) { return; }

  // Whose days these are: a kept day is only ever sent while the same account is signed in.
  var person = document.body.getAttribute("data-signed-in") || "";
  function mine(entry) { return entry.person === person; }
  var FIELDS = ["date", "daylight_hours", "energy", "mood", "outside_morning", "habits", "note"];

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("enough-offline", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("days", { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("days", mode);
        var result = work(tx.objectStore("days"));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function all() { return store("readonly", function (s) { return s.getAll(); }).then(function (r) { return r || []; }); }
  // One kept entry per account and day: saving the same day again offline replaces it.
  function put(entry) {
    entry.key = entry.person + " " + entry.date;
    return store("readwrite", function (s) { return s.put(entry); });
  }
  function remove(entry) { return store("readwrite", function (s) { return s.delete(entry.person + " " + entry.date); }); }

  // A day form's values, as [name, value] pairs; `initial` reads what the server filled in.
  function values(form, initial) {
    var out = {};
    FIELDS.forEach(function (name) { out[name] = name === "habits" ? [] : ""; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (FIELDS.indexOf(el.name) === -1) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        var on = initial ? el.defaultChecked : el.checked;
        if (!on) { return; }
        if (el.name === "habits") { out.habits.push(el.value); } else { out[el.name] = el.value; }
      } else {
        out[el.name] = initial ? el.defaultValue : el.value;
      }
    });
    out.habits.sort();
    return out;
  }
  function same(a, b) {
    return FIELDS.every(function (k) { return k === "date" || JSON.stringify(a[k]) === JSON.stringify(b[k]); });
  }
  function dayWords(date) {
    var d = new Date(date + "T12:00:00");
    return isNaN(d) ? date : d.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });
  }

  // The box that says plainly what is waiting, at the top of the page.
  var box = document.createElement("section");
  box.className = "card offline-status";
  box.setAttribute("data-offline-status", "");
  box.setAttribute("role", "status");
  box.setAttribute("aria-live", "polite");
  box.hidden = true;
  var main = document.getElementById("main");
  if (main) { main.insertBefore(box, main.firstChild); }
  var notes = [];

  function button(text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button-secondary button";
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }
  function paragraph(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }
  function show() {
    return all().then(function (waiting) {
      box.textContent = "";
      notes.forEach(function (n) { box.appendChild(paragraph(n)); });
      var others = waiting.filter(function (e) { return !mine(e); }).length;
      if (others > 0) {
        box.appendChild(paragraph("A day logged offline is waiting on this device for its account: it will be sent when that account is signed in here."));
      }
      waiting.filter(mine).forEach(function (entry) {
        var words = dayWords(entry.date);
        var item = document.createElement("div");
        item.className = "offline-item";
        if (entry.refused) {
          item.appendChild(paragraph("The entry for " + words + " was not saved: " + entry.refused));
          item.appendChild(button("Put it back in the form", function () {
            window.location.href = "/days/" + entry.date + "#restore-offline";
          }));
          item.appendChild(button("Discard it", function () { remove(entry).then(show); }));
        } else if (entry.conflict) {
          item.appendChild(paragraph("While you were offline, the entry for " + words +
            " changed on the server. Which one should stay?"));
          item.appendChild(button("Keep the one from this device", function () {
            entry.conflict = false; entry.confirmed = true;
            put(entry).then(send);
          }));
          item.appendChild(button("Keep the server's", function () {
            remove(entry).then(function () { notes.push("Kept the server's entry for " + words + "."); show(); });
          }));
        } else {
          item.appendChild(paragraph("Waiting to be sent: your entry for " + words +
            ", saved on this device. It will be sent when you are back online."));
        }
        box.appendChild(item);
      });
      box.hidden = waiting.length === 0 && notes.length === 0;
    });
  }

  // A log page kept from an earlier day (opened offline the next morning): say so, and point
  // the form at today, so that yesterday's entry is not overwritten by mistake.
  function localToday() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  var dateField = document.querySelector("form[action='/days'] input[name='date']");
  if (dateField && !navigator.onLine && dateField.max && dateField.max < localToday()) {
    dateField.max = localToday();
    if (dateField.value < localToday() && window.location.pathname === "/") {
      dateField.value = localToday();
    }
    notes.push("This page was kept on this device from an earlier day. Check the day and the answers before saving.");
  }

  // Offline: the day form is kept here instead of being sent.
  document.querySelectorAll("form[action='/days']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var entry = values(form, false);
      entry.base = values(form, true);
      entry.person = person;
      entry.kept_at = new Date().toISOString();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.date)) {
        notes = ["Please give the day's date; nothing was kept yet."];
        show();
        return;
      }
      put(entry).then(function () {
        notes = [];
        show().then(function () { box.scrollIntoView({ block: "start" }); });
      });
    });
  });

  // Back from a refusal: the kept entry goes back into the form, with the reason.
  if (window.location.hash === "#restore-offline") {
    var form = document.querySelector("form[action='/days']");
    var date = form && form.elements.date && form.elements.date.value;
    all().then(function (waiting) {
      var entry = waiting.filter(function (e) { return mine(e) && e.date === date; })[0];
      if (!entry) { return; }
      Array.prototype.forEach.call(form.elements, function (el) {
        if (FIELDS.indexOf(el.name) === -1 || el.name === "date") { return; }
        if (el.type === "radio") { el.checked = entry[el.name] === el.value; }
        else if (el.type === "checkbox") { el.checked = entry.habits.indexOf(el.value) !== -1; }
        else { el.value = entry[el.name]; }
      });
      notes = ["Your entry from this device is back in the form. The server said: " + entry.refused];
      remove(entry).then(show);
    });
  }

  var sending = false;
  function send() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return all().then(function (waiting) {
      return waiting.filter(function (e) { return mine(e) && !e.refused && !e.conflict; })
        .reduce(function (previous, entry) { return previous.then(function () { return sendOne(entry); }); }, Promise.resolve());
    }).catch(function () { /* still offline: try again later */ })
      .then(function () { sending = false; return show(); });
  }

  // One kept day: read the server's copy (and a fresh form token), ask if it changed, then save.
  function sendOne(entry) {
    var words = dayWords(entry.date);
    return fetch("/days/" + entry.date, { credentials: "same-origin", redirect: "manual" }).then(function (r) {
      if (r.type === "opaqueredirect" || r.status === 401 || r.status === 403) {
        notes = ["Sign in again to send what is waiting on this device."];
        return null;
      }
      if (!r.ok) { throw new Error("not reachable"); }
      return r.text();
    }).then(function (html) {
      if (html === null) { return; }
      var page = new DOMParser().parseFromString(html, "text/html");
      var form = page.querySelector("form[action='/days']");
      if (!form) { throw new Error("no form"); }
      if (!entry.confirmed && !same(values(form, true), entry.base)) {
        entry.conflict = true;
        return put(entry);
      }
      var body = new URLSearchParams();
      body.append("csrf", form.elements.csrf.value);
      FIELDS.forEach(function (name) {
        if (name === "habits") { entry.habits.forEach(function (h) { body.append("habits", h); }); }
        else { body.append(name, entry[name]); }
      });
      return fetch("/days", { method: "POST", body: body, credentials: "same-origin", redirect: "manual" }).then(function (r) {
        if (r.type === "opaqueredirect") {
          notes.push("Sent: your entry for " + words + " is saved.");
          return remove(entry);
        }
        return r.text().then(function (text) {
          if (r.status === 422) {
            var answer = new DOMParser().parseFromString(text, "text/html");
            var reasons = Array.prototype.map.call(answer.querySelectorAll(".field-error"), function (e) { return e.textContent.trim(); });
            entry.refused = reasons.length ? reasons.join(" ") : "the server could not read it.";
            return put(entry);
          }
          if (r.ok) {
            // Saved, and the server has something to say (support after worrying words).
            return remove(entry).then(function () {
              document.open(); document.write(text); document.close();
            });
          }
          entry.refused = "the server answered " + r.status + ". Please try again later.";
          return put(entry);
        });
      });
    });
  }

  // The one-tap rows need the server; offline they say where the day can be kept instead.
  document.addEventListener("htmx:sendError", function () {
    var status = document.getElementById("quick-status");
    if (status && !navigator.onLine) {
      status.textContent = "You are offline, so that tap was not saved. The form below keeps your day on this device and sends it when you are back online.";
    }
  });

  window.addEventListener("online", send);
  window.addEventListener("offline", show);
  show().then(send);
})();
