// Service worker. The server serves this file at /sw.js with two lines prepended:
//   const BMM_VERSION = "<hash>";
//   const BMM_PRECACHE = ["/offline", "/assets/…", …];
// so a new deploy (new hash) installs a fresh cache and drops the old one.

/* global BMM_VERSION, BMM_PRECACHE */

const VERSION = typeof BMM_VERSION === 'string' ? BMM_VERSION : 'dev';
const PRECACHE_URLS = typeof BMM_PRECACHE !== 'undefined' && Array.isArray(BMM_PRECACHE) ? BMM_PRECACHE : [];
const CACHE_PREFIX = 'bmm-';
const STATIC_CACHE = `${CACHE_PREFIX}${VERSION}`;
const PAGES_CACHE = `${CACHE_PREFIX}pages-${VERSION}`;
const OFFLINE_URL = '/offline';
const MAX_CACHED_PAGES = 40;

// Live data and anything per-user must always come from the network.
const NEVER_CACHE_PREFIXES = ['/v1/', '/mcp/', '/oauth/', '/.well-known/'];
const NEVER_CACHE_PATHS = ['/healthz', '/readyz', '/status', '/sw.js'];

function isNeverCached(pathname) {
  if (NEVER_CACHE_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return true;
  return NEVER_CACHE_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));
}

function isCacheable(response) {
  if (!response || response.status !== 200 || response.type !== 'basic') return false;
  const cacheControl = response.headers.get('Cache-Control') ?? '';
  // Signed-in pages are sent with no-store; they must never land in a shared cache.
  return !/no-store|private/i.test(cacheControl);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC_CACHE);
      await cache.addAll(PRECACHE_URLS.map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([STATIC_CACHE, PAGES_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && !keep.has(name)).map((name) => caches.delete(name)),
      );
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable().catch(() => {});
      }
      await self.clients.claim();
    })(),
  );
});

async function trimPages(cache) {
  const keys = await cache.keys();
  const excess = keys.length - MAX_CACHED_PAGES;
  for (let index = 0; index < excess; index += 1) {
    await cache.delete(keys[index]);
  }
}

// A static host may redirect /offline to /offline/ (python -m http.server, GitHub Pages, S3): the response kept
// then says it was redirected, and a browser refuses such a response as the answer to a navigation, showing its
// own error page. The same response without that mark is the page.
function withoutRedirectMark(response) {
  if (!response || !response.redirected) return response;
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

// The page kept for a navigation, also under the other spelling of its folder: such a host answered /docs/faq from
// /docs/faq/, and the page was kept under the address the browser was redirected to.
async function cachedPage(request) {
  const match = await caches.match(request, { ignoreVary: true });
  if (match) return match;
  const url = new URL(request.url);
  if (url.pathname === '/') return undefined;
  url.pathname = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : `${url.pathname}/`;
  return caches.match(url.href, { ignoreVary: true });
}

async function offlineFallback(request) {
  const page = await cachedPage(request);
  if (page) return withoutRedirectMark(page);
  const offline = await caches.match(OFFLINE_URL);
  if (offline) return withoutRedirectMark(offline);
  return new Response('You are offline.', {
    status: 503,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

async function navigate(event, cachePage) {
  const { request } = event;
  try {
    const preloaded = await event.preloadResponse;
    const response = preloaded ?? (await fetch(request));
    if (cachePage && isCacheable(response)) {
      const copy = response.clone();
      event.waitUntil(
        caches
          .open(PAGES_CACHE)
          .then((cache) => cache.put(request, copy).then(() => trimPages(cache)))
          .catch(() => {}),
      );
    }
    return response;
  } catch {
    return cachePage ? offlineFallback(request) : withoutRedirectMark(await caches.match(OFFLINE_URL)) ?? Response.error();
  }
}

async function cacheFirst(event) {
  const { request } = event;
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (isCacheable(response)) {
    const copy = response.clone();
    event.waitUntil(
      caches
        .open(STATIC_CACHE)
        .then((cache) => cache.put(request, copy))
        .catch(() => {}),
    );
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  const neverCache = isNeverCached(url.pathname);
  if (request.mode === 'navigate') {
    // Live pages (e.g. /status) are still fetched fresh, but fall back to the offline page.
    event.respondWith(navigate(event, !neverCache));
    return;
  }
  if (neverCache) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(event));
  }
});
