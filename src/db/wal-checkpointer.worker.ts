import { once } from 'node:events';
import { DatabaseSync } from 'node:sqlite';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerOptions } from './wal-checkpointer.ts';

/**
 * Fil des points de reprise du journal WAL (voir `wal-checkpointer.ts`), avec sa propre connexion.
 * Chaque tour : un point de reprise PASSIVE, qui ne bloque ni les lectures ni les écritures des autres
 * connexions et dont les attentes du disque (fsync du journal puis de la base) se font ici. Quand le journal
 * a dépassé `restartFrames` pages, le fil demande au fil principal de suspendre un instant ses lots
 * (« hold »), recopie les quelques pages écrites entre-temps, puis rend la main (« release ») : le journal
 * étant alors entièrement recopié, la validation suivante le reprend au début au lieu de l'allonger.
 */
const { path, intervalMs, restartFrames, holdTimeoutMs } = workerData as { path: string } & Required<CheckpointerOptions>;
if (!parentPort) throw new Error('wal-checkpointer.worker : à lancer comme fil (worker_threads)');
const port: MessagePort = parentPort;
const db = new DatabaseSync(path);
db.exec('PRAGMA busy_timeout = 5000');
db.exec('PRAGMA synchronous = FULL');
const statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const checkpoint = () => statement.get() as { busy: number; log: number; checkpointed: number };

/** Pages arrivées pendant une passe en dessous desquelles la suspension peut commencer. */
const CATCH_UP_FRAMES = 128;

let stopping = false;
let timer: NodeJS.Timeout | undefined;
const replies = new EventTarget();

port.on('message', (message: unknown) => {
  if (message === 'held') replies.dispatchEvent(new Event('held'));
  if (message === 'stop') {
    stopping = true;
    if (timer) clearTimeout(timer);
    finish();
  }
});

function finish() {
  // Dernier point de reprise : le journal est rendu court à l'arrêt.
  checkpoint();
  db.close();
  port.close();
}

async function tick() {
  timer = undefined;
  let { log } = checkpoint();
  if (log >= restartFrames && !stopping) {
    // Rattrapage avant de suspendre : chaque passe recopie ce qui est arrivé pendant la précédente, plus
    // courte à chaque fois ; la suspension n'a plus que quelques pages à recopier.
    for (let pass = 0; pass < 4; pass++) {
      const previous = log;
      ({ log } = checkpoint());
      if (log - previous <= CATCH_UP_FRAMES) break;
    }
    port.postMessage('hold');
    const held = await Promise.race([
      once(replies, 'held').then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), holdTimeoutMs)),
    ]);
    try {
      if (held && !stopping) checkpoint();
    } finally {
      port.postMessage('release');
    }
  }
  if (!stopping) timer = setTimeout(() => void tick(), intervalMs);
}

timer = setTimeout(() => void tick(), intervalMs);
port.postMessage('ready');
