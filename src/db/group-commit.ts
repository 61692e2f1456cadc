import { type Kysely, sql, type Transaction } from 'kysely';

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
 * - attente du disque hors de la boucle d'événements (`deferredSync`, SQLite fichier) : `node:sqlite` est
 *   synchrone, une validation `synchronous=FULL` bloque donc tout le processus pendant le fsync du journal.
 *   Le lot est validé en `synchronous=NORMAL` (ses pages sont écrites dans le journal WAL, confiées au
 *   système : un kill -9 ne les perd plus), puis le journal est synchronisé (fdatasync) dans le pool de fils
 *   de libuv ; les écritures du lot ne sont acquittées qu'après cette synchronisation, qui rend le lot aussi
 *   durable qu'une validation FULL (coupure de courant comprise). Pendant ce temps, le serveur reçoit et
 *   contrôle les requêtes suivantes ; elles forment le lot suivant, écrit dès la synchronisation finie. Le réglage FULL est rétabli aussitôt la transaction finie, sur la même connexion, réservée
 *   au lot entre les deux : aucune autre transaction n'est validée en NORMAL.
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
  /** Synchronisation différée du journal (SQLite fichier en `synchronous=FULL`), voir plus haut. */
  deferredSync?: DeferredSync;
}

/** Ce qu'il faut pour valider sans attendre le disque, puis attendre le disque hors du fil principal. */
export interface DeferredSync {
  /** Instruction hors transaction avant le lot : la validation n'attend plus le disque. */
  relax: string;
  /** Instruction hors transaction après le lot : le réglage habituel de la connexion. */
  restore: string;
  /** Résolue quand tout ce qui a été validé jusqu'ici est sur le disque. */
  sync(): Promise<void>;
  /** À la fermeture de la base. */
  close(): Promise<void>;
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
  /** Synchronisations différées du journal (fdatasync) : la plus longue, et celles de plus de 25 ms. */
  slowestSyncMs: number;
  slowSyncs: number;
  /** Suspensions (remise à zéro du journal WAL) : leur nombre et la plus longue, de la demande à la reprise. */
  pauses: number;
  longestPauseMs: number;
}

export class GroupCommit<DB> {
  readonly #db: Kysely<DB>;
  readonly #maxBatch: number;
  readonly #lingerMs: number;
  readonly #deferredSync: DeferredSync | undefined;
  #queue: Pending<DB>[] = [];
  #running = false;
  #scheduled = false;
  #paused = false;
  #pausedAt = 0;
  #lastDurable: Promise<void> = Promise.resolve();
  /** Résolues quand le lot en cours d'écriture est validé (pendant une pause demandée). */
  #idle: (() => void)[] = [];
  readonly stats: GroupCommitStats = {
    batches: 0,
    writes: 0,
    replays: 0,
    largestBatch: 0,
    slowestSyncMs: 0,
    slowSyncs: 0,
    pauses: 0,
    longestPauseMs: 0,
  };

  constructor(db: Kysely<DB>, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 200);
    this.#lingerMs = Math.max(0, options.lingerMs ?? 0);
    this.#deferredSync = options.deferredSync;
  }

  /** Met l'écriture en file ; résolue avec son résultat une fois sa transaction validée. */
  submit<R>(write: GroupWrite<DB, R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /**
   * Résolue quand tout ce qui est validé est sur le disque : un renvoi d'une écriture déjà validée (même
   * identifiant) n'est acquitté qu'après, comme l'écriture elle-même.
   */
  durable(): Promise<void> {
    return this.#deferredSync?.sync() ?? Promise.resolve();
  }

  /**
   * Suspend les lots (ceux qui arrivent attendent en file) ; résolue quand plus aucun n'est en cours de
   * validation. Sert au point de reprise qui remet le journal WAL à zéro (`wal-checkpointer.ts`).
   */
  pause(): Promise<void> {
    this.#paused = true;
    this.#pausedAt = performance.now();
    this.stats.pauses++;
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  resume(): void {
    if (this.#paused) this.stats.longestPauseMs = Math.max(this.stats.longestPauseMs, performance.now() - this.#pausedAt);
    this.#paused = false;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#running || this.#scheduled || this.#paused) return;
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
      while (this.#queue.length > 0 && !this.#paused) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#write(batch);
        // Le lot suivant attend que celui-ci soit sur le disque et emporte tout ce qui est arrivé entre-temps :
        // un lot par synchronisation, les pages communes (feuilles de droite, index) écrites une fois.
        await this.#lastDurable;
      }
    } finally {
      this.#running = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #write(batch: Pending<DB>[]): Promise<void> {
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let committed: Committed<unknown[]>;
    try {
      committed = await this.#commitItems(batch);
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
    this.#acknowledge(batch, committed);
  }

  async #writeAlone(item: Pending<DB>): Promise<void> {
    try {
      this.#acknowledge([item], await this.#commitItems([item]));
    } catch (error) {
      item.reject(error);
    }
  }

  /** Les écritures dans une transaction, puis leurs lignes confiées au lot ; un résultat par écriture. */
  #commitItems(items: Pending<DB>[]): Promise<Committed<unknown[]>> {
    return this.#commit(async (trx) => {
      const lines = new BatchLines<DB>();
      const out: unknown[] = [];
      for (const item of items) out.push(await item.write(trx, lines));
      await lines.flush(trx);
      return out;
    });
  }

  /** Acquittement après la synchronisation du journal ; son échec va à chaque écriture. */
  #acknowledge(items: Pending<DB>[], committed: Committed<unknown[]>): void {
    this.#lastDurable = committed.durable.catch(() => undefined);
    committed.durable.then(
      () => {
        items.forEach((item, i) => {
          item.resolve(committed.result[i]);
        });
      },
      (error: unknown) => {
        for (const item of items) item.reject(error);
      },
    );
  }

  /**
   * Une transaction hors des lots, validée sans attendre le disque quand la synchronisation est différée :
   * pour un écrivain qui fait ses propres lots (relève du courrier) et prépare le suivant pendant que le
   * précédent se synchronise. Il attend `durable` avant de rendre quoi que ce soit visible hors du processus.
   */
  transactDeferred<R>(body: (trx: Transaction<DB>) => Promise<R>): Promise<Committed<R>> {
    return this.#commit(body);
  }

  /** Une transaction ; `durable` résolue quand elle est sur le disque (tout de suite sans synchronisation différée). */
  async #commit<R>(body: (trx: Transaction<DB>) => Promise<R>): Promise<Committed<R>> {
    const deferred = this.#deferredSync;
    if (!deferred) return { result: await this.#db.transaction().execute(body), durable: Promise.resolve() };
    // La connexion est réservée au lot de `relax` à `restore` : rien d'autre n'y est validé en NORMAL.
    const result = await this.#db.connection().execute(async (connection) => {
      await sql.raw(deferred.relax).execute(connection);
      try {
        return await connection.transaction().execute(body);
      } finally {
        await sql.raw(deferred.restore).execute(connection);
      }
    });
    const began = performance.now();
    const durable = deferred.sync().then(() => {
      // L'attente du disque fait la queue des latences : gardée pour la lire (banc, exploitation).
      const waited = performance.now() - began;
      this.stats.slowestSyncMs = Math.max(this.stats.slowestSyncMs, waited);
      if (waited > 25) this.stats.slowSyncs++;
    });
    return { result, durable };
  }
}

export interface Committed<R> {
  result: R;
  durable: Promise<void>;
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
