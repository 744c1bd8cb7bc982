// Service worker of 四争一树 Field: keeps the app shell on the tablet so the app opens with no network.
//
// scripts/stamp-sw.py rewrites the two constants below after every Trunk build: the version is a
// hash over every file of the build, so a new build is a new service worker (and a new cache),
// and the precache list names every file with its Subresource-Integrity hash, so a tablet never
// keeps a half-old, half-new shell. Unstamped (a plain copy), the worker precaches nothing.
//
// Rules:
// * /api/ and /healthz are never answered from, nor written to, any cache.
// * The server's own pages (SERVER_PAGES: the /import upload page, …) are never answered with
//   the app shell: a navigation to one goes to the server; with no server, a short page says so.
//   crates/server/tests/api/static_files.rs checks that every page of the server's route table
//   is listed here.
// * Other navigations get the cached index.html first (the app shell), the network only when the
//   shell is not cached yet; each navigation also asks the browser to look for a new worker.
// * A new worker installs, then WAITS: it takes over only when the page posts
//   {type: "SKIP_WAITING"} (the page's update banner does that once nothing is left unsaved).
// * On activation every older shell cache is deleted.

const BUILD_VERSION = "unstamped";
const PRECACHE = [];

const CACHE_PREFIX = "sizheng-shell-";
const CACHE_NAME = CACHE_PREFIX + BUILD_VERSION;
const SHELL_URL = "/index.html";

// Pages the server renders itself (route table tag "pages"): never the app shell.
const SERVER_PAGES = ["/import"];

function isNeverCached(url) {
  return url.pathname.startsWith("/api/") || url.pathname === "/healthz";
}

function isServerPage(url) {
  return SERVER_PAGES.some(
    (page) => url.pathname === page || url.pathname.startsWith(page + "/"),
  );
}

function serverPageOffline() {
  const body =
    '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>四争一树</title><p>此页面由办公室服务器提供，现在连接不上服务器。请在服务器运行时再打开。</p></html>";
  return new Response(body, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

// A file of the precache list, checked against its integrity hash. From the browser's HTTP cache
// when it holds this build's copy: the files the page has just fetched (the main module, the
// first screen's) are not fetched over the line a second time (PERFORMANCE.md, "Session 33").
// "only-if-cached" never asks the network; a file not in that cache, or a copy there from
// another build (which fails the integrity check), comes from the network: joining the page's
// own request when the page is fetching it at that moment (PERFORMANCE.md, "Session 46").
//
// The app shell is the page the browser has just loaded, kept in that cache under the address it
// was opened at ("/"), not as "/index.html": the server answers both with the same file, and the
// integrity hash holds either copy to this build's.
const HTTP_CACHE_ALIASES = { [SHELL_URL]: ["/"] };

async function fetchChecked(url, integrity) {
  for (const kept of [...(HTTP_CACHE_ALIASES[url] || []), url]) {
    try {
      const cached = await fetch(
        new Request(kept, { cache: "only-if-cached", mode: "same-origin", integrity }),
      );
      if (cached.ok) {
        return cached;
      }
    } catch (_) {
      // Not in the HTTP cache, or another build's copy there: the next address, or the network.
    }
  }
  // Not there yet: through that cache all the same, not past it, so that a file the page is
  // fetching right now (a module it loads as the worker installs) is not fetched over the line a
  // second time: the browser lets this request wait for the page's and answers it from that
  // copy. The files named by their hash are cached as immutable, so a copy of one is this
  // build's; the others (index.html, shell.js, boot.js, the manifest, the icons) are "no-cache"
  // or without a lifetime, and that cache may still answer with an old copy (an icon kept by
  // its date, a copy the server calls unmodified): the integrity check refuses it, and, as
  // after any other failure, the file is fetched once more past the cache.
  let response;
  try {
    response = await fetch(new Request(url, { cache: "default", integrity }));
  } catch (_) {
    response = await fetch(new Request(url, { cache: "reload", integrity }));
  }
  if (!response.ok) {
    throw new Error(`precache ${url}: HTTP ${response.status}`);
  }
  return response;
}

async function precacheShell() {
  const cache = await caches.open(CACHE_NAME);
  await Promise.all(
    PRECACHE.map(async ({ url, integrity }) => {
      await cache.put(url, await fetchChecked(url, integrity));
    }),
  );
}

async function deleteOldShells() {
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
      .map((name) => caches.delete(name)),
  );
}

function offlineResponse() {
  const body =
    '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>四争一树</title><p>暂时无法连接服务器，且本机还没有保存应用。请联网后再打开一次。</p></html>";
  return new Response(body, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

async function serveNavigation(request) {
  const cache = await caches.open(CACHE_NAME);
  const shell = await cache.match(SHELL_URL);
  if (shell) {
    return shell;
  }
  try {
    return await fetch(request);
  } catch (error) {
    return offlineResponse();
  }
}

async function serveAsset(request) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(request);
  if (cached) {
    return cached;
  }
  return fetch(request);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precacheShell());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(deleteOldShells().then(() => self.clients.claim()));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isNeverCached(url)) {
    return; // straight to the network, untouched
  }
  if (isServerPage(url)) {
    if (request.mode === "navigate") {
      event.respondWith(fetch(request).catch(() => serverPageOffline()));
    }
    return; // the server's page, never the shell nor a cache
  }
  if (request.mode === "navigate") {
    event.respondWith(serveNavigation(request));
    event.waitUntil(self.registration.update().catch(() => undefined));
    return;
  }
  event.respondWith(serveAsset(request));
});
