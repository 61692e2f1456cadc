import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** Le réglage par défaut de SQLite : un point de reprise quand le journal dépasse 1 000 pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointerOptions {
  /** Intervalle entre deux points de reprise, en ms. */
  intervalMs?: number;
  /** Taille du journal (en pages) à partir de laquelle il est remis à zéro. */
  restartFrames?: number;
  /** Au-delà, le fil principal n'a pas suspendu ses écritures : on réessaiera au tour suivant. */
  holdTimeoutMs?: number;
}

/** Les écritures que le fil principal suspend le temps de la remise à zéro du journal. */
export interface WriteHold {
  pause(): Promise<void>;
  resume(): void;
}

/**
 * Points de reprise du journal WAL hors du fil principal. Par défaut, SQLite fait le point de reprise dans
 * la validation qui fait dépasser 1 000 pages au journal : avec `node:sqlite` (synchrone), cette validation
 * bloque alors le serveur le temps de recopier les pages et d'attendre deux fsync (quelques ms à quelques
 * dizaines de ms), ce qui fait la queue des latences sous charge. Ici la connexion principale ne fait plus de
 * point de reprise ; un fil à part (`wal-checkpointer.worker.ts`), avec sa connexion, les fait. Un point de
 * reprise PASSIVE ne peut remettre le journal à zéro que s'il rattrape toutes les écritures : sous charge
 * continue il ne les rattrape jamais, d'où la courte suspension des lots (`WriteHold`) quand le journal est
 * long — les requêtes continuent d'être reçues et contrôlées, seule leur validation attend.
 * Si le fil s'arrête de lui-même (erreur), la connexion principale reprend le réglage par défaut : le journal
 * ne grandit jamais sans fin.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #main: DatabaseSync;
  readonly #hold: WriteHold;
  #stopping = false;
  #holding = false;
  #exited = false;
  /** Résolue quand le fil a ouvert sa connexion : la connexion principale cesse alors ses points de reprise. */
  readonly ready: Promise<void>;

  private constructor(path: string, main: DatabaseSync, hold: WriteHold, options: CheckpointerOptions) {
    this.#main = main;
    this.#hold = hold;
    const settings: Required<CheckpointerOptions> = {
      intervalMs: options.intervalMs ?? 500,
      restartFrames: options.restartFrames ?? 16384,
      holdTimeoutMs: options.holdTimeoutMs ?? 1000,
    };
    this.#worker = new Worker(new URL('./wal-checkpointer.worker.ts', import.meta.url), {
      workerData: { path, ...settings },
    });
    // Le fil n'empêche pas le processus de s'arrêter.
    this.#worker.unref();
    let ready: () => void = () => {};
    this.ready = new Promise((resolve) => {
      ready = resolve;
    });
    this.#worker.on('message', (message: unknown) => {
      if (message === 'ready') {
        // Jusque-là, la connexion principale garde ses points de reprise : le journal ne grandit pas pendant
        // le démarrage du fil.
        if (!this.#stopping && main.isOpen) main.exec('PRAGMA wal_autocheckpoint = 0');
        ready();
      } else if (message === 'hold') {
        this.#holding = true;
        void hold.pause().then(() => this.#worker.postMessage('held'));
      } else if (message === 'release') this.#release();
    });
    const fallBack = () => {
      ready();
      this.#release();
      if (!this.#stopping) this.#restoreAutocheckpoint();
    };
    this.#worker.on('error', fallBack);
    this.#worker.on('exit', () => {
      this.#exited = true;
      fallBack();
    });
  }

  static start(path: string, main: DatabaseSync, hold: WriteHold, options: CheckpointerOptions = {}): WalCheckpointer {
    return new WalCheckpointer(path, main, hold, options);
  }

  /** Arrête le fil après un dernier point de reprise ; la connexion principale reprend le réglage par défaut. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#exited) return this.#restoreAutocheckpoint();
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // Le processus attend la fin du fil (son dernier point de reprise) au lieu de s'arrêter avant.
    this.#worker.ref();
    this.#worker.postMessage('stop');
    await exited;
    this.#restoreAutocheckpoint();
  }

  #release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.#hold.resume();
  }

  #restoreAutocheckpoint(): void {
    if (this.#main.isOpen) this.#main.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }
}
