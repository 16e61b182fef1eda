// sw.js — cache-first service worker for the hosted build, so the page reloads with the network
// off (a classroom without Wi-Fi). The cache name carries a hash of the build (filled in by
// cmake/service_worker.cmake), so a new build replaces the old files instead of mixing with them.
const VERSION = '@CS_BUILD_HASH@';
const CACHE = 'convscope-' + VERSION;
// Everything the page may ask for, incl. what it fetches after its first load (digits.bin and
// digitnet.safetensors when the digit lab or a digit lesson first needs them, digits-train.bin when the
// training panel first shows): the worker installs after the page is interactive, so caching the later
// files here costs the first load nothing and makes the whole lab work offline too.
const FILES = ['./', 'index.html', 'convscope.js', 'convscope.wasm', 'manifest.webmanifest', 'icon.svg'@CS_SW_LATER_FILES@];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('convscope-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET') return;
  event.respondWith(caches.open(CACHE).then((cache) =>
    cache.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request).catch(() =>
      event.request.mode === 'navigate' ? cache.match('index.html') : Response.error()))));
});
