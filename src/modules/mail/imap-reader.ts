import { Worker } from 'node:worker_threads';
import type { TriagedMessage } from './intake-triage.ts';

/**
 * Lecture IMAP de la relève dans un fil à part (`imap-reader.worker.ts`) : connexion, lecture des
 * sources par lots et analyse MIME s'y font pendant que le fil principal écrit en base le lot
 * précédent — sur deux cœurs, la lecture et l'écriture ne s'additionnent plus. Le fil est créé à la
 * première relève puis gardé (le créer coûte plus qu'un lot) ; il ne retient pas le processus quand
 * aucune relève n'est en cours.
 */

export interface ImapConnection {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folder: string;
}

export interface OpenedFolder {
  uidValidity: string;
  exists: number;
  uidNext: number;
}

/** Ce que le tri a besoin de savoir de la boîte. */
export interface TriageMailbox {
  address: string;
  serviceId: string;
}

export interface SerializedFailure {
  message: string;
  code: string | undefined;
  authenticationFailed: true | undefined;
  serverResponseCode: string | undefined;
  responseText: string | undefined;
}

export type ReaderRequest =
  | { type: 'open'; session: number; connection: ImapConnection }
  | {
      type: 'read';
      session: number;
      cursor: number;
      maxMessages: number | null;
      /** La première tranche, plus petite : le fil principal commence à écrire plus tôt. */
      firstBatchMessages: number;
      batchMessages: number;
      batchBytes: number;
      mailbox: TriageMailbox;
      /** L'heure de la relève, pour un message sans date interne. */
      now: string;
    }
  | { type: 'credit'; session: number }
  | { type: 'close'; session: number; logout: boolean };

/** Les pièces jointes arrivent en Uint8Array (copie structurée) : rendues en Buffer par `toBuffers`. */
export type WireMessage = Omit<TriagedMessage, 'attachments'> & {
  attachments: (Omit<TriagedMessage['attachments'][number], 'bytes'> & { bytes: Uint8Array })[];
};

export type ReaderReply =
  | { type: 'opened'; session: number; folder: OpenedFolder }
  | { type: 'batch'; session: number; messages: WireMessage[] }
  | { type: 'end'; session: number }
  | { type: 'failed'; session: number; error: SerializedFailure }
  | { type: 'closed'; session: number };

/** Une panne rapportée par le fil de lecture, avec les champs d'imapflow que la relève traduit en français. */
export class ImapReadError extends Error {
  readonly code: string | undefined;
  readonly authenticationFailed: boolean | undefined;
  readonly serverResponseCode: string | undefined;
  readonly responseText: string | undefined;
  constructor(failure: SerializedFailure) {
    super(failure.message);
    this.code = failure.code;
    this.authenticationFailed = failure.authenticationFailed;
    this.serverResponseCode = failure.serverResponseCode;
    this.responseText = failure.responseText;
  }
}

type Listener = (reply: ReaderReply) => void;

interface ReaderThread {
  worker: Worker;
  listeners: Map<number, Listener>;
  next: number;
}

let shared: ReaderThread | null = null;

function readerThread(): ReaderThread {
  if (shared) return shared;
  const worker = new Worker(new URL('./imap-reader.worker.ts', import.meta.url));
  const state: ReaderThread = { worker, listeners: new Map<number, Listener>(), next: 1 };
  worker.unref();
  worker.on('message', (reply: ReaderReply) => state.listeners.get(reply.session)?.(reply));
  const fail = (error: unknown) => {
    // Fil perdu (erreur imprévue, arrêt) : chaque relève en cours échoue, la prochaine en recrée un.
    if (shared === state) shared = null;
    const failure: SerializedFailure = {
      message: `fil de lecture IMAP arrêté : ${error instanceof Error ? error.message : String(error)}`,
      code: undefined,
      authenticationFailed: undefined,
      serverResponseCode: undefined,
      responseText: undefined,
    };
    for (const [session, listener] of [...state.listeners]) listener({ type: 'failed', session, error: failure });
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`code de sortie ${code}`)));
  shared = state;
  return state;
}

/** CPU consommé par le fil de lecture depuis sa création (pour le banc de mesure), ou null s'il n'existe pas. */
export async function readerThreadCpuUsage(): Promise<NodeJS.CpuUsage | null> {
  return shared ? shared.worker.cpuUsage() : null;
}

function toBuffers(wire: WireMessage): TriagedMessage {
  if (wire.attachments.length === 0) return wire as TriagedMessage;
  return {
    ...wire,
    attachments: wire.attachments.map((a) => ({
      ...a,
      bytes: Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength),
    })),
  };
}

/** Une relève ouverte dans le fil de lecture : le dossier sélectionné, puis ses lots. */
export class MailboxReader {
  readonly folder: OpenedFolder;
  readonly #session: number;
  readonly #thread: ReaderThread;
  readonly #queue: ReaderReply[] = [];
  #waiting: ((reply: ReaderReply) => void) | null = null;
  #done = false;

  private constructor(thread: ReaderThread, session: number, folder: OpenedFolder, queue: ReaderReply[]) {
    this.#thread = thread;
    this.#session = session;
    this.folder = folder;
    this.#queue = queue;
  }

  /** Connexion, authentification et sélection du dossier (avec son verrou) ; lève `ImapReadError`. */
  static async open(connection: ImapConnection): Promise<MailboxReader> {
    const thread = readerThread();
    const session = thread.next++;
    const queue: ReaderReply[] = [];
    let waiting: ((reply: ReaderReply) => void) | null = null;
    let reader: MailboxReader | null = null;
    thread.listeners.set(session, (reply) => {
      if (reader) return reader.#receive(reply);
      if (waiting) waiting(reply);
      else queue.push(reply);
    });
    // Une relève en cours garde le processus en vie (l'attente d'un message du fil ne le ferait pas).
    thread.worker.ref();
    thread.worker.postMessage({ type: 'open', session, connection } satisfies ReaderRequest);
    const reply = queue.shift() ?? (await new Promise<ReaderReply>((resolve) => (waiting = resolve)));
    if (reply.type !== 'opened') {
      MailboxReader.#forget(thread, session);
      throw reply.type === 'failed'
        ? new ImapReadError(reply.error)
        : new Error(`réponse inattendue du fil de lecture : ${reply.type}`);
    }
    reader = new MailboxReader(thread, session, reply.folder, queue);
    return reader;
  }

  static #forget(thread: ReaderThread, session: number) {
    thread.listeners.delete(session);
    if (thread.listeners.size === 0) thread.worker.unref();
  }

  #receive(reply: ReaderReply) {
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve(reply);
    } else this.#queue.push(reply);
  }

  #nextReply(): Promise<ReaderReply> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  #post(request: ReaderRequest) {
    this.#thread.worker.postMessage(request);
  }

  /**
   * Les messages d'UID supérieur à `cursor`, par lots (au plus `batchMessages` messages et
   * `batchBytes` octets, un message plus gros faisant un lot à lui seul), dans l'ordre des UID, lus,
   * analysés et triés (`intake-triage.ts`) d'avance pendant que l'appelant écrit le lot précédent.
   * Lève `ImapReadError`.
   */
  async *batches(options: {
    cursor: number;
    maxMessages?: number | undefined;
    firstBatchMessages?: number | undefined;
    batchMessages: number;
    batchBytes: number;
    mailbox: TriageMailbox;
    now: string;
  }): AsyncGenerator<TriagedMessage[]> {
    this.#post({
      type: 'read',
      session: this.#session,
      cursor: options.cursor,
      maxMessages: options.maxMessages ?? null,
      firstBatchMessages: options.firstBatchMessages ?? options.batchMessages,
      batchMessages: options.batchMessages,
      batchBytes: options.batchBytes,
      mailbox: options.mailbox,
      now: options.now,
    });
    for (;;) {
      const reply = await this.#nextReply();
      if (reply.type === 'end') return;
      if (reply.type === 'failed') throw new ImapReadError(reply.error);
      if (reply.type !== 'batch') throw new Error(`réponse inattendue du fil de lecture : ${reply.type}`);
      // Un lot reçu libère la place d'un autre : le fil lit le suivant pendant que celui-ci est écrit.
      this.#post({ type: 'credit', session: this.#session });
      yield reply.messages.map(toBuffers);
    }
  }

  /** Déconnexion propre (`logout`), ou coupure après une panne. N'échoue jamais. */
  async close(options: { logout: boolean }): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#post({ type: 'close', session: this.#session, logout: options.logout });
    // Les réponses encore en route (lot lu d'avance) sont ignorées jusqu'à la fermeture.
    for (;;) {
      const reply = await this.#nextReply();
      if (reply.type === 'closed' || reply.type === 'failed') break;
    }
    MailboxReader.#forget(this.#thread, this.#session);
  }
}
