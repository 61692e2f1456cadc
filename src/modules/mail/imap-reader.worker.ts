import { parentPort } from 'node:worker_threads';
import { ImapFlow } from 'imapflow';
import type { ReaderReply, ReaderRequest, SerializedFailure, WireMessage } from './imap-reader.ts';
import { readInboundMessage } from './inbound-message.ts';
import { failureDetail, lotsOf, type TriagedMessage, triageMessage } from './intake-triage.ts';

/**
 * Fil de lecture de la relève (worker_threads) : la connexion IMAP, la lecture des sources et leur
 * analyse MIME se font ici, pendant que le fil principal écrit en base le lot précédent. Plusieurs
 * relèves peuvent être ouvertes en même temps, chacune par son numéro de session.
 */

/**
 * Lots lus d'avance sans accusé du fil principal : un, lu pendant qu'il écrit le précédent (en mémoire,
 * au plus deux lots de lecture à la fois, comme une lecture dans le fil principal qui lirait d'avance).
 */
const READ_AHEAD = 1;

interface Session {
  client: ImapFlow;
  release: () => void;
  credits: number;
  wake: (() => void) | null;
  closed: boolean;
}

const port = parentPort;
if (!port) throw new Error('imap-reader.worker.ts se lance comme fil de travail (worker_threads)');
const sessions = new Map<number, Session>();

function send(reply: ReaderReply, transfer: ArrayBuffer[] = []) {
  port?.postMessage(reply, transfer);
}

/** Ce que `describeIntakeFailure` lit d'une panne d'imapflow (un objet Error ne traverse pas avec ses champs). */
function serialize(error: unknown): SerializedFailure {
  const e = (error ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof e[key] === 'string' ? (e[key] as string) : undefined);
  return {
    message: error instanceof Error ? error.message : String(error),
    code: text('code'),
    authenticationFailed: e.authenticationFailed === true ? true : undefined,
    serverResponseCode: text('serverResponseCode'),
    responseText: text('responseText'),
  };
}

async function open(id: number, request: Extract<ReaderRequest, { type: 'open' }>) {
  const { connection } = request;
  const client = new ImapFlow({
    host: connection.host,
    port: connection.port,
    secure: connection.secure,
    auth: { user: connection.user, pass: connection.password },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableAutoIdle: true,
  });
  // Une panne réseau arrive aussi en événement : sans écouteur, elle arrêterait le fil.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const lock = await client.getMailboxLock(connection.folder);
    const box = client.mailbox;
    if (!box) throw new Error(`dossier « ${connection.folder} » non sélectionné`);
    sessions.set(id, { client, release: () => lock.release(), credits: READ_AHEAD, wake: null, closed: false });
    send({
      type: 'opened',
      session: id,
      folder: { uidValidity: String(box.uidValidity), exists: box.exists, uidNext: box.uidNext },
    });
  } catch (error) {
    client.close();
    send({ type: 'failed', session: id, error: serialize(error) });
  }
}

/**
 * Le tri d'un message ; une erreur imprévue le fait rejeter avec sa raison (il reste sur le serveur)
 * plutôt que d'arrêter la relève de toute la boîte sur lui.
 */
function triageSafely(...[message, source, mailbox]: Parameters<typeof triageMessage>): TriagedMessage {
  try {
    return triageMessage(message, source, mailbox);
  } catch (error) {
    return {
      ...source,
      messageId: message.messageId,
      headerMessageId: message.headerMessageId,
      from: message.from,
      subject: message.subject,
      references: message.references,
      attachments: [],
      notes: message.notes,
      verdict: {
        outcome: 'rejected',
        category: 'unreadable',
        reason: `Traitement impossible : ${failureDetail(error)}`.slice(0, 1000),
      },
      hints: { messageIds: [], subjectReferences: [] },
      replyText: '',
      intake: null,
    };
  }
}

/**
 * Les UID supérieurs à `cursor`, croissants, d'une seule recherche (une ligne de réponse) plutôt que d'un
 * FETCH de toute la boîte.
 */
async function listUids(client: ImapFlow, cursor: number): Promise<number[]> {
  const found = await client.search({ uid: `${cursor + 1}:*` }, { uid: true });
  if (found === false || found === undefined) throw new Error('recherche des nouveaux messages refusée par le serveur IMAP');
  // « N:* » rend toujours le dernier message, même d'UID inférieur à N : on filtre.
  return found.filter((uid) => uid > cursor).sort((a, b) => a - b);
}

async function read(id: number, request: Extract<ReaderRequest, { type: 'read' }>) {
  const session = sessions.get(id);
  if (!session) return;
  const { client } = session;
  const { cursor } = request;
  try {
    const uids = await listUids(client, cursor);
    const wanted = request.maxMessages !== null && request.maxMessages >= 0 ? uids.slice(0, request.maxMessages) : uids;
    let slice = Math.max(1, request.firstBatchMessages);
    for (let start = 0; start < wanted.length; start += slice, slice = request.batchMessages) {
      // Les tailles, tranche par tranche plutôt que pour toute la boîte d'abord : le premier lot part tout
      // de suite, et la tranche suivante se lit pendant que le fil principal écrit la précédente.
      const sized = (
        await client.fetchAll(wanted.slice(start, start + slice).join(','), { uid: true, size: true }, { uid: true })
      )
        .filter((m) => m.uid > cursor)
        .map((m) => ({ uid: m.uid, size: m.size ?? 0 }))
        .sort((a, b) => a.uid - b.uid);
      for (const batch of lotsOf(sized, request.batchMessages, request.batchBytes, (m) => m.size)) {
        while (session.credits === 0 && !session.closed) await new Promise<void>((resolve) => (session.wake = resolve));
        if (session.closed) return;
        session.credits--;
        const fetched = (
          await client.fetchAll(batch.map((m) => m.uid).join(','), { uid: true, source: true, internalDate: true }, { uid: true })
        )
          .filter((m) => m.uid > cursor)
          .sort((a, b) => a.uid - b.uid);
        const transfer: ArrayBuffer[] = [];
        const messages: WireMessage[] = [];
        for (const m of fetched) {
          const source = m.source ?? Buffer.alloc(0);
          const internal = m.internalDate ? new Date(m.internalDate) : null;
          const receivedAt = internal && !Number.isNaN(internal.getTime()) ? internal.toISOString() : request.now;
          const triaged = triageSafely(
            await readInboundMessage(source),
            { uid: m.uid, size: source.length, receivedAt },
            request.mailbox,
          );
          // Copie à la taille exacte : un Buffer découpé dans un plus grand (pool, source) enverrait tout le bloc.
          const attachments = triaged.attachments.map((a) => {
            const bytes = new Uint8Array(a.bytes);
            transfer.push(bytes.buffer);
            return { ...a, bytes };
          });
          messages.push({ ...triaged, attachments });
        }
        if (session.closed) return;
        send({ type: 'batch', session: id, messages }, transfer);
      }
    }
    send({ type: 'end', session: id });
  } catch (error) {
    if (!session.closed) send({ type: 'failed', session: id, error: serialize(error) });
  }
}

async function close(id: number, logout: boolean) {
  const session = sessions.get(id);
  if (!session) {
    send({ type: 'closed', session: id });
    return;
  }
  sessions.delete(id);
  session.closed = true;
  session.wake?.();
  try {
    session.release();
    if (logout) await session.client.logout();
    else session.client.close();
  } catch {
    session.client.close();
  }
  send({ type: 'closed', session: id });
}

port.on('message', (request: ReaderRequest) => {
  switch (request.type) {
    case 'open':
      void open(request.session, request);
      break;
    case 'read':
      void read(request.session, request);
      break;
    case 'credit': {
      const session = sessions.get(request.session);
      if (!session) break;
      session.credits++;
      session.wake?.();
      session.wake = null;
      break;
    }
    case 'close':
      void close(request.session, request.logout);
      break;
  }
});
