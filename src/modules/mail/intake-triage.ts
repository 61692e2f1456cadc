import { z } from 'zod';
import { isAppError } from '../../shared/errors.ts';
import { validate } from '../../shared/validation.ts';
import { newCaseSchema } from '../cases/case.schemas.ts';
import type { InboundAttachment, InboundMessage } from './inbound-message.ts';
import { classifyMessage, type Verdict } from './message-classifier.ts';
import { type ThreadHints, threadHints } from './threading.ts';

/**
 * Ce que la relève décide d'un message sans la base : son tri (demande, réponse automatique, liste,
 * rebond, illisible), les indices de fil, et la saisie du dossier qu'il deviendrait, validée par les
 * règles du registre. Domaine pur : le fil de lecture le fait pendant que le fil principal écrit le lot
 * précédent ; il ne reste à ce dernier que ce qui lit ou écrit la base (fil, calendrier, références).
 */

export const MAX_SUBJECT = 300;
export const MAX_BODY = 20_000;
const MAX_NAME = 200;

const emailAddress = z.email();

export function truncate(text: string, max: number): { value: string; truncated: boolean } {
  // Pas plus d'unités UTF-16 que la borne : pas plus de caractères non plus, rien à découper.
  if (text.length <= max) return { value: text, truncated: false };
  const chars = [...text];
  if (chars.length <= max) return { value: text, truncated: false };
  return { value: `${chars.slice(0, max - 1).join('')}…`, truncated: true };
}

/** Une erreur en une phrase, avec le message de chaque champ en faute. */
export function failureDetail(error: unknown): string {
  if (isAppError(error)) return [error.message, ...Object.values(error.fields)].join(' ');
  return error instanceof Error ? error.message : String(error);
}

export interface Requester {
  name: string | null;
  email: string | null;
  note: string | null;
}

function requesterOf(message: InboundMessage): Requester {
  if (!message.from) return { name: null, email: null, note: null };
  const name = message.from.name ? truncate(message.from.name, MAX_NAME).value : null;
  const address = message.from.address;
  if (address.length <= 200 && emailAddress.safeParse(address).success) return { name, email: address, note: null };
  return {
    name: name ?? address.slice(0, MAX_NAME),
    email: null,
    note: `Adresse de l’expéditeur illisible (« ${address.slice(0, 200)} ») : aucun accusé de réception possible.`,
  };
}

/** La saisie validée du dossier qu'un message deviendrait, ou la raison de son rejet. */
export type CaseIntake =
  | { ok: true; data: z.output<typeof newCaseSchema>; notes: string[]; requester: Requester }
  | { ok: false; reason: string };

/** La saisie du dossier tirée d'un message (objet et texte bornés), et les remarques pour son historique. */
function caseIntakeOf(message: InboundMessage, serviceId: string, receivedAt: string): CaseIntake {
  const requester = requesterOf(message);
  const subject = message.subject ? truncate(message.subject, MAX_SUBJECT) : null;
  const body = message.text ? truncate(message.text, MAX_BODY) : null;
  const notes = [...message.notes];
  if (message.textSource === 'html')
    notes.push('Texte tiré de la partie HTML du message, assainie (scripts et mise en forme retirés).');
  if (body?.truncated)
    notes.push(`Texte tronqué à ${MAX_BODY.toLocaleString('fr-FR')} caractères (message complet sur le serveur IMAP).`);
  if (subject?.truncated) notes.push(`Objet tronqué à ${MAX_SUBJECT} caractères.`);
  if (requester.note) notes.push(requester.note);
  try {
    const data = validate(newCaseSchema, {
      kind: 'information_request',
      channel: 'email',
      audience: 'public',
      serviceId,
      receivedAt,
      requesterName: requester.name ?? undefined,
      requesterEmail: requester.email ?? undefined,
      subject: subject?.value,
      body: body?.value,
    });
    return { ok: true, data, notes, requester };
  } catch (error) {
    // Saisie refusée par les règles du registre : le message sera rejeté avec la raison.
    return { ok: false, reason: `Traitement impossible : ${failureDetail(error)}`.slice(0, 1000) };
  }
}

/** Un message relevé tel que la relève l'écrit : ce qu'elle en garde, et ce qu'elle en a décidé. */
export interface TriagedMessage {
  uid: number;
  /** Taille de la source, en octets. */
  size: number;
  /** Date interne du serveur IMAP, sinon l'heure de la relève. */
  receivedAt: string;
  messageId: string;
  headerMessageId: string | null;
  from: { address: string; name: string | null } | null;
  subject: string | null;
  references: string[];
  attachments: InboundAttachment[];
  notes: string[];
  verdict: Verdict;
  hints: ThreadHints;
  /** Texte borné, pour une réponse rattachée à un dossier (seulement quand il y a des indices de fil). */
  replyText: string;
  /** Le dossier qu'il deviendrait (seulement pour une demande acceptée). */
  intake: CaseIntake | null;
}

export function triageMessage(
  message: InboundMessage,
  source: { uid: number; size: number; receivedAt: string },
  mailbox: { address: string; serviceId: string },
): TriagedMessage {
  const verdict = classifyMessage({
    headers: message.headers,
    fromAddress: message.from?.address ?? null,
    subject: message.subject,
    contentType: message.contentType,
    reportType: message.reportType,
    reportText: message.reportText,
    mimeProblem: message.mimeProblem,
    mailboxAddress: mailbox.address,
  });
  const accepted = verdict.outcome === 'accept';
  const hints = accepted
    ? threadHints({ inReplyTo: message.inReplyTo, references: message.references, subject: message.subject })
    : { messageIds: [], subjectReferences: [] };
  const threaded = hints.messageIds.length > 0 || hints.subjectReferences.length > 0;
  return {
    ...source,
    messageId: message.messageId,
    headerMessageId: message.headerMessageId,
    from: message.from,
    subject: message.subject,
    references: message.references,
    attachments: message.attachments,
    notes: message.notes,
    verdict,
    hints,
    replyText: threaded && message.text ? truncate(message.text, MAX_BODY).value : '',
    intake: accepted ? caseIntakeOf(message, mailbox.serviceId, source.receivedAt) : null,
  };
}

/** Découpe en lots bornés en nombre et en octets (un message plus gros que la borne fait un lot à lui seul). */
export function lotsOf<T>(items: T[], maxCount: number, maxBytes: number, sizeOf: (item: T) => number): T[][] {
  const lots: T[][] = [];
  let lot: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (lot.length > 0 && (lot.length >= maxCount || bytes + size > maxBytes)) {
      lots.push(lot);
      lot = [];
      bytes = 0;
    }
    lot.push(item);
    bytes += size;
  }
  if (lot.length > 0) lots.push(lot);
  return lots;
}
