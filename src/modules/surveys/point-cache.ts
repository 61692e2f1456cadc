/**
 * Mémoire courte des points de collecte publics (lien, QR code, borne) : une soumission publique relisait à
 * chaque fois le point, sa campagne, son questionnaire et l'organisation (une requête jointe, puis la lecture
 * du JSON du questionnaire). Sous un afflux, c'était la même ligne des milliers de fois par seconde.
 *
 * Décisions :
 * - **Retard borné** : une entrée sert au plus `POINT_CACHE_TTL_MS` (2 s), puis le point est relu. Une
 *   modification faite par un autre processus (commande `vigie`, autre serveur sur la même base PostgreSQL)
 *   est donc vue au plus 2 s après ; de même une modification d'organisation (nom, département) ou d'un
 *   questionnaire encore sans réponse.
 * - **Oubli immédiat dans le processus** : la clôture, la modification d'une campagne, l'archivage d'un point
 *   et la révocation d'une borne appellent `forgetCollectionPoints` : la soumission suivante relit la base,
 *   une campagne close est refusée dès la réponse suivante.
 * - Seules les lectures réussies sont gardées (un jeton inconnu est relu à chaque fois : rien à retenir
 *   d'une adresse tapée au hasard) ; la taille est bornée.
 * - Une mémoire par base (comme l'écriture groupée) : deux bases ouvertes dans un processus (tests) ne se
 *   voient pas.
 */

/** Durée de vie d'une entrée : le plus long retard possible sur une modification faite hors du processus. */
export const POINT_CACHE_TTL_MS = 2000;
const MAX_ENTRIES = 5000;

interface Entry {
  expires: number;
  value: Promise<unknown>;
}

export class PointCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;

  constructor(ttlMs = POINT_CACHE_TTL_MS) {
    this.#ttlMs = ttlMs;
  }

  /** La valeur gardée sous `key`, ou celle que `load` lit (les appels simultanés partagent la même lecture). */
  get<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = performance.now();
    const cached = this.#entries.get(key);
    if (cached && cached.expires > now) return cached.value as Promise<T | undefined>;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    const value = load();
    const entry: Entry = { expires: now + this.#ttlMs, value };
    this.#entries.set(key, entry);
    // Absent ou en erreur : rien n'est gardé (seulement si l'entrée n'a pas été remplacée entre-temps).
    const drop = () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    value.then((found) => {
      if (found === undefined) drop();
    }, drop);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}

const caches = new WeakMap<object, PointCache>();

/** La mémoire des points d'une base. */
export function pointCacheOf(db: object): PointCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new PointCache();
    caches.set(db, cache);
  }
  return cache;
}

/** Oublie tous les points gardés pour cette base : à appeler après toute modification d'un point ou d'une campagne. */
export function forgetCollectionPoints(ctx: { db: object }): void {
  caches.get(ctx.db)?.clear();
}
