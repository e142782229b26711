// enough's service worker: keeps the page shell, the log page and the crisis page (with the
// person's own country's lines) for when the connection drops. Same origin only; it sends
// nothing anywhere. Days logged offline are kept by offline.js, not here.
"use strict";
const SHELL_ASSETS = [];
const VERSION = "__VERSION__";
const SHELL = "enough-shell-" + VERSION;
const PAGES = "enough-pages";
// Pages kept for offline use: the log and crisis help.
const KEPT = ["/", "/crisis"];

async function keep(path, response) {
  if (!KEPT.includes(path) || !response.ok || response.redirected || response.type !== "basic") {
    return;
  }
  const cache = await caches.open(PAGES);
  await cache.put(path, response);
}

async function keepAll() {
  await Promise.all(KEPT.map(async (path) => {
    try {
      const response = await fetch(path, { credentials: "same-origin", redirect: "manual" });
      await keep(path, response);
    } catch (e) { /* kept on the next visit instead */ }
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL);
    await shell.addAll(SHELL_ASSETS);
    await keepAll();
    await self.skipWaiting();
  })());
});

// After signing in, the page asks once for fresh copies (the person's own log and country).
self.addEventListener("message", (event) => {
  if (event.data === "keep-pages") { event.waitUntil(keepAll()); }
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("enough-shell-") && key !== SHELL) { await caches.delete(key); }
    }
    await self.clients.claim();
  })());
});

function offlinePage() {
  const style = SHELL_ASSETS.find((a) => a.endsWith(".css")) || "/assets/style.css";
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · enough</title>
<link rel="stylesheet" href="${style}"></head><body><header class="site-header">
<a class="brand" href="/">enough</a><a class="crisis-link" href="/crisis">Need help now?</a></header>
<main id="main" class="container"><h1>You are offline</h1>
<p>This page needs a connection. Logging today and crisis help still work here.</p>
<p><a class="button" href="/">Log today</a></p><p><a href="/crisis">Need help now?</a></p>
</main></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && (url.pathname === "/sign-out" || url.pathname === "/settings/sign-out-everywhere")) {
    // Signing out leaves no personal page behind on this device.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") { return; }
  if (SHELL_ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode !== "navigate") { return; }
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (url.search === "") { event.waitUntil(keep(url.pathname, response.clone())); }
      return response;
    } catch (e) {
      const cached = await caches.match(url.pathname, { cacheName: PAGES });
      return cached || offlinePage();
    }
  })());
});
