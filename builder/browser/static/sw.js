// The service worker: after a first visit, the guide and its tools work with the network off.
// - The site build writes this file at the site root, with VERSION (a hash of every file of the
//   site) and FILES (every file a reader may load, as URLs relative to this file).
// - It keeps the site's own public files only, in one cache named for the version. Nothing a reader
//   types is ever in it: only GET requests for the listed files are answered or cached, and they
//   are cached under the file's address without its query string.
// - A new version of the site installs a new cache and deletes this site's older ones (only
//   theirs: other sites may share the origin, as project sites on github.io do).
const VERSION = "__VERSION__";
const FILES = [] /* __FILES__ */;
const PREFIX = "iep-follow-through-";
const CACHE = PREFIX + VERSION;
// Files whose names carry a version or a content hash never change: they are served from the
// cache first, and a new version of the site takes them from the old cache, not the network.
const VERSIONED = /\/assets\/(runtime|py)\/|\.[0-9a-f]{8}\.min\.(js|css)$/;
const listed = new Set(FILES.map((file) => new URL(file, self.registration.scope).href));

async function download(url) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response;
}

async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(
    [...listed].map(async (url) => {
      const kept = VERSIONED.test(url) && (await caches.match(url));
      await cache.put(url, kept || (await download(url)));
    }),
  );
}

async function removeOlderVersions() {
  const names = await caches.keys();
  const older = names.filter((name) => name.startsWith(PREFIX) && name !== CACHE);
  await Promise.all(older.map((name) => caches.delete(name)));
  await self.clients.claim();
}

async function cacheFirst(url, event) {
  return (await caches.match(url)) || fetch(event.request);
}

// Pages and unversioned files: the network when there is one (so an update shows at once), the
// cached copy when there is not, or when the network has not answered within NETWORK_WAIT_MS: a
// connection that never answers (a weak signal, a captive portal) must not leave the reader
// waiting on a blank page. The network's answer, if it comes later, is still kept for next time.
const NETWORK_WAIT_MS = 4000;

async function networkFirst(url, event) {
  const fromNetwork = fetch(event.request).then(async (response) => {
    if (response.ok) await (await caches.open(CACHE)).put(url, response.clone());
    return response;
  });
  event.waitUntil(fromNetwork.catch(() => {})); // kept even when the cached copy answers first
  const keptAfterWaiting = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS)).then(
    async () => (await caches.match(url)) || fromNetwork,
  );
  try {
    return await Promise.race([fromNetwork, keptAfterWaiting]);
  } catch (error) {
    const cached = await caches.match(url);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => event.waitUntil(removeOlderVersions()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (!listed.has(url.href)) return; // anything else goes to the network as if this did not exist
  const answer = VERSIONED.test(url.href) ? cacheFirst : networkFirst;
  event.respondWith(answer(url.href, event));
});
