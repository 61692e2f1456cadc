import type { Kysely, Transaction } from 'kysely';

/**
 * Écriture groupée (« group commit ») : des écritures concurrentes, chacune déjà validée par son appelant,
 * sont mises en file et exécutées ensemble dans UNE transaction. Avec `synchronous=FULL`, chaque validation
 * attend le disque (fsync) : une transaction par écriture plafonne au rythme du disque, un lot le paie une
 * fois pour toutes ses écritures.
 *
 * Garanties :
 * - un appelant n'est acquitté (sa promesse résolue) qu'APRÈS la validation de la transaction qui contient
 *   son écriture : ce qui est acquitté est durable ;
 * - un lot est borné (`maxBatch`) ; un seul lot s'écrit à la fois, le suivant démarre dès que le précédent
 *   est validé, avec tout ce qui est arrivé entre-temps (la file se vide au rythme du disque) ;
 * - une écriture en erreur ne fait pas échouer les autres : si le lot échoue, il est rejoué écriture par
 *   écriture, chacune dans sa transaction, et seule l'écriture fautive reçoit son erreur (comme la relève
 *   du courrier). Une écriture doit donc pouvoir être rejouée : tout son effet est dans la transaction ;
 * - les lignes qu'une écriture confie au lot (`batch.append`) sont écrites à la fin du lot avec celles des
 *   autres écritures, en un INSERT à plusieurs lignes par clé, avant la validation : une instruction par lot
 *   au lieu d'une par écriture. Une ligne ainsi confiée n'est pas encore lisible par les écritures suivantes
 *   du lot : une contrainte d'unicité qui les départage fait échouer le lot, qui est alors rejoué écriture
 *   par écriture (chacune écrit ses lignes à la fin de sa propre transaction) et l'erreur va à la bonne.
 *
 * Fonctionne pareil sur SQLite (une connexion : les lots s'y suivent de toute façon) et PostgreSQL.
 */
export interface GroupCommitOptions {
  /** Écritures au plus par transaction. */
  maxBatch?: number;
  /**
   * Attente avant d'ouvrir un lot quand rien ne s'écrit : 0 = le tour suivant de la boucle d'événements
   * (les requêtes déjà lues y ont fait leurs contrôles), sinon ce nombre de millisecondes au plus.
   */
  lingerMs?: number;
}

/** Le lot en cours, vu d'une écriture. */
export interface GroupBatch<DB> {
  /**
   * Confie des lignes au lot : toutes celles confiées sous la même `key` sont passées ensemble à `flush` (celle
   * de la première écriture qui a utilisé la clé), à la fin du lot. Les clés s'écrivent dans l'ordre de leur
   * première utilisation (les réponses avant leurs valeurs : clés étrangères).
   */
  append<Row>(key: string, rows: readonly Row[], flush: (trx: Transaction<DB>, rows: Row[]) => Promise<void>): void;
}

export type GroupWrite<DB, R> = (trx: Transaction<DB>, batch: GroupBatch<DB>) => Promise<R>;

interface Pending<DB> {
  write: GroupWrite<DB, unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  batches: number;
  writes: number;
  /** Lots rejoués écriture par écriture après un échec. */
  replays: number;
  largestBatch: number;
}

export class GroupCommit<DB> {
  readonly #db: Kysely<DB>;
  readonly #maxBatch: number;
  readonly #lingerMs: number;
  #queue: Pending<DB>[] = [];
  #running = false;
  #scheduled = false;
  readonly stats: GroupCommitStats = { batches: 0, writes: 0, replays: 0, largestBatch: 0 };

  constructor(db: Kysely<DB>, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 200);
    this.#lingerMs = Math.max(0, options.lingerMs ?? 0);
  }

  /** Met l'écriture en file ; résolue avec son résultat une fois sa transaction validée. */
  submit<R>(write: GroupWrite<DB, R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#running || this.#scheduled) return;
    this.#scheduled = true;
    const start = () => {
      this.#scheduled = false;
      void this.#drain();
    };
    if (this.#lingerMs > 0) setTimeout(start, this.#lingerMs);
    else setImmediate(start);
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#write(batch);
      }
    } finally {
      this.#running = false;
    }
  }

  async #write(batch: Pending<DB>[]): Promise<void> {
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let results: unknown[];
    try {
      results = await this.#db.transaction().execute(async (trx) => {
        const lines = new BatchLines<DB>();
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.write(trx, lines));
        await lines.flush(trx);
        return out;
      });
    } catch (error) {
      // Une écriture du lot a échoué (conflit, contrainte) : tout le lot est annulé, on rejoue une par une.
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      this.stats.replays++;
      for (const item of batch) await this.#writeAlone(item);
      return;
    }
    batch.forEach((item, i) => {
      item.resolve(results[i]);
    });
  }

  async #writeAlone(item: Pending<DB>): Promise<void> {
    try {
      item.resolve(
        await this.#db.transaction().execute(async (trx) => {
          const lines = new BatchLines<DB>();
          const result = await item.write(trx, lines);
          await lines.flush(trx);
          return result;
        }),
      );
    } catch (error) {
      item.reject(error);
    }
  }
}

/** Les lignes confiées au lot, par clé, dans l'ordre de la première utilisation de chaque clé. */
class BatchLines<DB> implements GroupBatch<DB> {
  readonly #byKey = new Map<string, { rows: unknown[]; flush: (trx: Transaction<DB>, rows: unknown[]) => Promise<void> }>();

  append<Row>(key: string, rows: readonly Row[], flush: (trx: Transaction<DB>, rows: Row[]) => Promise<void>): void {
    const entry = this.#byKey.get(key);
    if (entry) entry.rows.push(...rows);
    else this.#byKey.set(key, { rows: [...rows], flush: flush as (trx: Transaction<DB>, rows: unknown[]) => Promise<void> });
  }

  async flush(trx: Transaction<DB>): Promise<void> {
    for (const { rows, flush } of this.#byKey.values()) if (rows.length > 0) await flush(trx, rows);
  }
}

const committers = new WeakMap<object, GroupCommit<never>>();

/** L'écriture groupée d'une base (une par base, partagée par tous ses appelants). */
export function groupCommitOf<DB>(db: Kysely<DB>, options?: GroupCommitOptions): GroupCommit<DB> {
  let committer = committers.get(db) as GroupCommit<DB> | undefined;
  if (!committer) {
    committer = new GroupCommit(db, options);
    committers.set(db, committer as unknown as GroupCommit<never>);
  }
  return committer;
}
