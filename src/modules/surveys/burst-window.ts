import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { recentPointReceipts } from './response.repository.ts';

/**
 * Débit d'un point public, tenu en mémoire : les instants de réception des `limit` dernières réponses de
 * chaque point. Une réponse arrivée quand `limit` réponses du même point ont été reçues dans les
 * `windowMs` précédentes est signalée (jamais écartée) : la même règle que le compte en base
 * (`countPointResponsesSince`, plafonné à `limit`), sans une lecture par réponse.
 *
 * La mémoire d'un point est amorcée depuis la base à sa première réponse dans le processus (`seed`) : un
 * redémarrage n'efface pas la fenêtre. Elle ne voit que les réponses reçues par ce processus : elle sert
 * quand un seul processus reçoit les réponses (SQLite) ; plusieurs serveurs sur PostgreSQL comptent en base.
 */
export class BurstWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  /** Par point : les réceptions les plus récentes (au plus `limit`), la plus ancienne d'abord. */
  readonly #points = new Map<string, { at: number; id: string }[]>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  has(pointId: string): boolean {
    return this.#points.has(pointId);
  }

  /** Amorce un point avec les réceptions lues en base (instants en millisecondes). */
  seed(pointId: string, receipts: readonly { at: number; id: string }[]): void {
    if (this.#points.has(pointId)) return;
    this.#prune();
    this.#points.set(pointId, [...receipts].sort((a, b) => a.at - b.at).slice(-this.#limit));
  }

  /**
   * Enregistre la réception de la réponse `id` à l'instant `at` ; vrai si `limit` réponses du point ou plus
   * avaient été reçues dans la fenêtre qui précède (la réponse est alors à signaler).
   */
  record(pointId: string, id: string, at: number): boolean {
    let receipts = this.#points.get(pointId);
    if (!receipts) {
      receipts = [];
      this.#points.set(pointId, receipts);
    }
    const since = at - this.#windowMs;
    let recent = 0;
    for (const receipt of receipts) if (receipt.at > since) recent++;
    receipts.push({ at, id });
    if (receipts.length > this.#limit) receipts.shift();
    return recent >= this.#limit;
  }

  /** Retire une réception dont l'écriture a échoué (elle n'existe pas en base). */
  forget(pointId: string, id: string): void {
    const receipts = this.#points.get(pointId);
    const index = receipts?.findIndex((r) => r.id === id) ?? -1;
    if (receipts && index >= 0) receipts.splice(index, 1);
  }

  /** Borne la mémoire : au-delà de 10 000 points suivis, tout est oublié ; chaque point est ré-amorcé depuis la base. */
  #prune(): void {
    if (this.#points.size >= 10_000) this.#points.clear();
  }
}

interface Windows {
  window: BurstWindow;
  seeding: Map<string, Promise<void>>;
}

const windows = new WeakMap<object, Windows>();

/**
 * Enregistre la réception d'une réponse publique dans la mémoire du processus pour cette base ; vrai si elle
 * dépasse le débit admis (`limit` réponses du point déjà reçues dans les `windowMs` précédentes). Le point
 * est amorcé depuis la base à sa première réponse.
 */
export async function recordPublicReceipt(
  db: Kysely<Database>,
  rule: { limit: number; windowMs: number },
  point: { campaignId: string; pointId: string },
  responseId: string,
  at: Date,
): Promise<boolean> {
  let state = windows.get(db);
  if (!state) {
    state = { window: new BurstWindow(rule.limit, rule.windowMs), seeding: new Map() };
    windows.set(db, state);
  }
  const { window, seeding } = state;
  if (!window.has(point.pointId)) {
    let seeded = seeding.get(point.pointId);
    if (!seeded) {
      const since = new Date(at.getTime() - rule.windowMs).toISOString();
      seeded = recentPointReceipts(db, point.campaignId, point.pointId, since, rule.limit)
        .then((rows) =>
          window.seed(
            point.pointId,
            rows.map((r) => ({ at: Date.parse(r.received_at), id: r.id })),
          ),
        )
        .finally(() => seeding.delete(point.pointId));
      seeding.set(point.pointId, seeded);
    }
    await seeded;
  }
  return window.record(point.pointId, responseId, at.getTime());
}

/** Retire une réception dont l'écriture a échoué. */
export function forgetPublicReceipt(db: Kysely<Database>, pointId: string, responseId: string): void {
  windows.get(db)?.window.forget(pointId, responseId);
}
