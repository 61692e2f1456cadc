// Service worker de la borne (portée /borne/) : la page et ses fichiers restent disponibles hors connexion.
// Les envois de réponses (POST) ne passent jamais par le cache : la file est tenue par la page (IndexedDB).
const VERSION = '__VERSION__';
const ASSETS = JSON.parse('__ASSETS__');
const PAGE = ASSETS[0];
const FONTS = ['/dsfr/fonts/Marianne-Regular.woff2', '/dsfr/fonts/Marianne-Bold.woff2'];
const CACHE = `vigie-borne-${VERSION}`;

/** La page de la borne n'est gardée que si c'est bien elle (ni la page d'appairage, ni un refus). */
async function keepPage(cache, response) {
  if (response.ok && !response.redirected) await cache.put(PAGE, response.clone());
  return response;
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([...ASSETS.slice(1), ...FONTS]);
      await keepPage(cache, await fetch(PAGE, { credentials: 'same-origin' }));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('vigie-borne-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** La page : réseau d'abord (questionnaire à jour, borne révoquée détectée), cache sans réseau. */
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    return await keepPage(cache, await fetch(request));
  } catch (error) {
    const cached = await cache.match(PAGE);
    if (cached) return cached;
    throw error;
  }
}

/** Fichiers versionnés et polices : cache d'abord. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(networkFirst(request));
  } else if (ASSETS.includes(url.pathname + url.search) || FONTS.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
