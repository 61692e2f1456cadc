import type { Transaction } from 'kysely';
import { groupCommitOf } from '../../db/group-commit.ts';
import type { Database } from '../../db/schema.ts';
import type { AppContext } from '../../shared/context.ts';
import { newId, newOrderedId } from '../../shared/ids.ts';
import { formatBytes } from '../../ui/format.ts';
import { type Actor, type AuditInput, recordAudit, recordAudits } from '../audit/audit.service.ts';
import {
  type CaseRow,
  casesByReferences,
  countAttachments,
  findCase,
  insertAttachment,
  insertCaseEvents,
  updateCase,
} from '../cases/case.repository.ts';
import {
  type CaseCreationContext,
  type CaseDraft,
  creationRecords,
  draftValidatedCase,
  insertNewCases,
  prepareCaseCreation,
} from '../cases/case.service.ts';
import { checkAttachment, MAX_ATTACHMENTS_PER_CASE, safeFilename } from '../cases/case-attachment.service.ts';
import { caseEvent } from '../cases/case-event.ts';
import { type MysteryIntakeCache, mysteryContactsOfLot } from '../mystery/mystery-case.ts';
import {
  type AcknowledgmentContext,
  acknowledgmentNotSentEvent,
  acknowledgmentQueuedFact,
  composeAcknowledgment,
  prepareAcknowledgments,
} from './correspondence.service.ts';
import { MailboxReader } from './imap-reader.ts';
import {
  advanceMailboxCursor,
  casesByMessageIds,
  findSeenMessages,
  insertInboundMessages,
  outgoingByMessageIds,
  recordPollOutcome,
  resetMailboxCursor,
} from './inbound-message.repository.ts';
import type { InboundAttachment } from './inbound-message.ts';
import { failureDetail, lotsOf, MAX_SUBJECT, type Requester, type TriagedMessage, truncate } from './intake-triage.ts';
import type { InboundOutcome } from './mail.table.ts';
import { findMailboxById, type MailboxRow } from './mailbox.repository.ts';
import { MissingMailboxSecret, mailboxCredentials } from './mailbox-credentials.ts';
import type { Verdict } from './message-classifier.ts';
import { enqueueOutgoingMails, type OutgoingMailInput } from './outbox.service.ts';
import { updateOutgoingMail } from './outgoing-mail.repository.ts';
import type { MailTemplateRow } from './template.repository.ts';
import { pickThread, replyReferences } from './threading.ts';

/**
 * Relève IMAP d'une boîte fonctionnelle : chaque nouveau message devient un dossier (ou rejoint le
 * fil d'un dossier, ou est ignoré, signalé, rejeté). Les messages sont traités par lots : un lot, une
 * transaction, avec l'avance du curseur de la boîte. Idempotente : un message déjà vu (même UID, ou
 * même Message-ID après une renumérotation) est sauté ; un arrêt brutal perd au plus le lot en cours,
 * refait au passage suivant.
 */

export interface PollReport {
  fetched: number;
  created: number;
  threaded: number;
  ignored: number;
  flagged: number;
  rejected: number;
  error?: string;
}

/** Lots de lecture IMAP : assez gros pour amortir les allers-retours, bornés en mémoire. */
const FETCH_MESSAGES = 200;
/**
 * La première tranche lue, plus petite : le fil principal attend la première avant d'écrire quoi que ce soit,
 * et commence ainsi plus tôt (au banc de 2 000 messages, ~4 % de temps en moins à la médiane).
 */
const FIRST_FETCH_MESSAGES = 50;
const FETCH_BYTES = 32 * 1024 * 1024;
/**
 * Lots d'écriture (une transaction chacun, validée sans attendre le disque : la synchronisation du
 * journal se fait pendant le lot suivant, et la relève ne finit qu'une fois tous ses lots sur le disque).
 * Un arrêt brutal perd au plus le lot en cours (une coupure de courant, les lots pas encore
 * synchronisés), curseur compris : refait au passage suivant.
 */
const LOT_MESSAGES = 200;
const LOT_BYTES = 8 * 1024 * 1024;

function intakeActor(mailbox: MailboxRow): Actor {
  return { userId: null, label: `Relève de ${mailbox.address}` };
}

/** La panne en français, pour la boîte (`last_error`) et le rapport. */
export function describeIntakeFailure(
  error: unknown,
  mailbox: Pick<MailboxRow, 'imap_host' | 'imap_port' | 'imap_folder'>,
): string {
  const server = `${mailbox.imap_host ?? '?'}:${mailbox.imap_port ?? '?'}`;
  if (error instanceof MissingMailboxSecret) return error.message;
  const e = error as {
    code?: string;
    authenticationFailed?: boolean;
    serverResponseCode?: string;
    responseText?: string;
    message?: string;
  };
  if (e?.authenticationFailed || e?.serverResponseCode === 'AUTHENTICATIONFAILED')
    return `Relève IMAP : identifiant ou mot de passe refusé par ${server}.`;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `Relève IMAP : serveur ${server} injoignable (connexion refusée).`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Relève IMAP : nom de serveur inconnu (${mailbox.imap_host ?? '?'}).`;
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
    case 'ETIMEOUT':
      return `Relève IMAP : le serveur ${server} ne répond pas (délai dépassé).`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'NoConnection':
    case 'EConnectionClosed':
      return `Relève IMAP : connexion à ${server} interrompue ; la relève reprendra au prochain passage.`;
  }
  const said = e?.responseText ? `${e.message ?? ''} (${e.responseText})` : (e?.message ?? String(error));
  if (e?.serverResponseCode === 'NONEXISTENT' || /doesn.t exist|nonexistent|not found/i.test(said))
    return `Relève IMAP : dossier « ${mailbox.imap_folder} » introuvable sur ${server}.`;
  return `Relève IMAP interrompue : ${said.slice(0, 300)}`;
}

class IntakeConfigurationError extends Error {}

/**
 * Relève une boîte. Ne lève jamais : une panne (serveur injoignable, mot de passe refusé, base
 * indisponible) est rendue dans `error` et écrite sur la boîte ; un passage réussi l'efface.
 */
export async function pollMailbox(
  ctx: AppContext,
  mailbox: MailboxRow,
  options: { maxMessages?: number } = {},
): Promise<PollReport> {
  const report: PollReport = { fetched: 0, created: 0, threaded: 0, ignored: 0, flagged: 0, rejected: 0 };
  let reader: MailboxReader | undefined;
  let current = mailbox;
  try {
    // Le curseur a pu avancer depuis la lecture de l'appelant (autre passage, relève interrompue).
    current = (await findMailboxById(ctx.db, mailbox.id)) ?? mailbox;
    if (!current.imap_host || !current.imap_port || !current.imap_user)
      throw new IntakeConfigurationError('Relève IMAP : serveur, port ou identifiant non configuré.');
    const { imapPassword } = mailboxCredentials(ctx.config, current);
    reader = await MailboxReader.open({
      host: current.imap_host,
      port: current.imap_port,
      secure: current.imap_tls === 1,
      user: current.imap_user,
      password: imapPassword ?? '',
      folder: current.imap_folder,
    });
    await drain(ctx, reader, current, report, options.maxMessages);
    await reader.close({ logout: true });
    await recordPollOutcome(ctx.db, current.id, { polledAt: ctx.clock.now().toISOString(), error: null });
  } catch (error) {
    report.error = error instanceof IntakeConfigurationError ? error.message : describeIntakeFailure(error, current);
    await reader?.close({ logout: false });
    await recordPollOutcome(ctx.db, current.id, { error: report.error, errorAt: ctx.clock.now().toISOString() }).catch(
      () => undefined,
    );
  }
  return report;
}

async function drain(ctx: AppContext, reader: MailboxReader, mailbox: MailboxRow, report: PollReport, maxMessages?: number) {
  const box = reader.folder;
  const uidValidity = box.uidValidity;
  let cursor = mailbox.last_uid;
  if (mailbox.uid_validity !== uidValidity) {
    // Dossier recréé ou renuméroté : on relit tout, les Message-ID déjà vus seront sautés.
    await ctx.db.transaction().execute(async (trx) => {
      await resetMailboxCursor(trx, mailbox.id, uidValidity, ctx.clock.now().toISOString());
      if (mailbox.uid_validity !== null)
        await recordAudit(trx, ctx.clock, {
          organisationId: mailbox.organisation_id,
          actor: intakeActor(mailbox),
          action: 'mailbox.uid_validity_changed',
          entityType: 'mailbox',
          entityId: mailbox.id,
          summary: `Dossier IMAP « ${mailbox.imap_folder} » renuméroté : relecture complète, messages déjà relevés sautés`,
          before: { uidValidity: mailbox.uid_validity, lastUid: mailbox.last_uid },
          after: { uidValidity, lastUid: 0 },
        });
    });
    cursor = 0;
  }
  if (box.exists === 0 || box.uidNext <= cursor + 1) return;

  const seenThisPass = new Set<string>();
  const contexts: LotContexts = {};
  // Le fil de lecture lit et analyse le lot suivant pendant l'écriture du lot courant.
  const batches = reader.batches({
    cursor,
    maxMessages: maxMessages !== undefined && maxMessages >= 0 ? maxMessages : undefined,
    firstBatchMessages: FIRST_FETCH_MESSAGES,
    batchMessages: FETCH_MESSAGES,
    batchBytes: FETCH_BYTES,
    mailbox: { address: mailbox.address, serviceId: mailbox.service_id },
    now: ctx.clock.now().toISOString(),
  });
  const durability = new LotDurability();
  try {
    for await (const items of batches) {
      for (const lot of lotsOf(items, LOT_MESSAGES, LOT_BYTES, (item) => item.size)) {
        await processLot(ctx, mailbox, uidValidity, lot, report, seenThisPass, contexts, durability);
      }
    }
  } finally {
    // Rien ne sort de la relève (accusés envoyés ensuite par la file) avant que ses lots soient sur le disque.
    await durability.settled();
  }
}

/**
 * Les synchronisations des lots validés sans attendre le disque (SQLite fichier) : le lot suivant se
 * prépare pendant que le précédent se synchronise. Une synchronisation en échec fait échouer la relève :
 * après une erreur d'écriture, le système a pu abandonner les pages, une synchronisation suivante réussie ne
 * prouverait rien.
 */
class LotDurability {
  readonly #syncs: Promise<void>[] = [];
  #failure: unknown = undefined;

  add(durable: Promise<void>) {
    // Écoutée dès maintenant : un échec n'attend pas la fin de la relève pour être pris en compte. Toutes
    // sont attendues, sans compter sur l'ordre dans lequel la synchronisation différée les résout.
    this.#syncs.push(
      durable.catch((error: unknown) => {
        this.#failure ??= error;
      }),
    );
  }

  async settled() {
    await Promise.all(this.#syncs);
    if (this.#failure !== undefined) throw this.#failure;
  }
}

type Item = TriagedMessage;

type Outcome = InboundOutcome | 'skipped';

/**
 * Un lot, une transaction : ses dossiers, accusés, traces et l'avance du curseur sont validés
 * ensemble ; un arrêt brutal perd au plus ce lot, que la relève suivante refait. Si le lot échoue
 * (erreur imprévue, autre relève concurrente), il est rejoué message par message : un message en
 * faute est rejeté avec sa raison sans faire perdre les autres.
 */
async function processLot(
  ctx: AppContext,
  mailbox: MailboxRow,
  uidValidity: string,
  lot: Item[],
  report: PollReport,
  seenThisPass: Set<string>,
  contexts: LotContexts,
  durability: LotDurability,
) {
  const last = lot.at(-1);
  if (!last) return;
  const seen = await findSeenMessages(
    ctx.db,
    mailbox.id,
    uidValidity,
    lot.map((item) => item.uid),
    lot.map((item) => item.messageId),
  );
  const seenUids = new Set(seen.filter((s) => s.uid_validity === uidValidity).map((s) => s.uid));
  for (const s of seen) seenThisPass.add(s.message_id);
  // Déjà relevé (même UID, ou même Message-ID plus tôt dans la boîte ou dans ce passage) : sauté.
  const fresh: Item[] = [];
  const inLot = new Set<string>();
  for (const item of lot) {
    report.fetched++;
    const id = item.messageId;
    if (seenUids.has(item.uid) || seenThisPass.has(id) || inLot.has(id)) continue;
    inLot.add(id);
    fresh.push(item);
  }
  if (fresh.length === 0) {
    await advanceMailboxCursor(ctx.db, mailbox.id, uidValidity, last.uid);
    return;
  }
  let outcomes: Outcome[];
  try {
    // Validé sans attendre le disque : la relève attend la synchronisation de ses lots avant de finir (`drain`).
    const committed = await groupCommitOf(ctx.db).transactDeferred((trx) =>
      writeLot(trx, ctx, mailbox, uidValidity, fresh, last.uid, contexts),
    );
    outcomes = committed.result;
    durability.add(committed.durable);
  } catch {
    // Ce qui a été lu (ou créé : modèles de départ) dans la transaction annulée n'est plus sûr.
    contexts.cases = undefined;
    contexts.acknowledgments = undefined;
    outcomes = [];
    for (const item of fresh) outcomes.push(await processAlone(ctx, mailbox, uidValidity, item));
    await advanceMailboxCursor(ctx.db, mailbox.id, uidValidity, last.uid);
  }
  for (const outcome of outcomes) {
    if (outcome === 'case_created') report.created++;
    else if (outcome !== 'skipped') report[outcome]++;
  }
  for (const id of inLot) seenThisPass.add(id);
}

/**
 * Un message seul, dans sa transaction (rejeu d'un lot en échec). Une erreur imprévue le fait rejeter
 * avec sa raison (il reste sur le serveur) plutôt que de bloquer la boîte ; si même ce rejet ne peut
 * être écrit (base indisponible), la relève s'arrête sans avancer le curseur.
 */
async function processAlone(ctx: AppContext, mailbox: MailboxRow, uidValidity: string, item: Item): Promise<Outcome> {
  try {
    const [outcome] = await ctx.db.transaction().execute((trx) => writeLot(trx, ctx, mailbox, uidValidity, [item], item.uid, {}));
    return outcome ?? 'skipped';
  } catch (error) {
    // Un autre passage concurrent a pu enregistrer ce message entre-temps : rien à refaire.
    const again = await findSeenMessages(ctx.db, mailbox.id, uidValidity, [item.uid], [item.messageId]);
    if (again.length > 0) return 'skipped';
    const now = ctx.clock.now().toISOString();
    const writes = new LotWrites(ctx, mailbox, uidValidity, now);
    writes.trace(item, 'rejected', `Traitement impossible : ${failureDetail(error)}`.slice(0, 1000));
    await ctx.db.transaction().execute(async (trx) => {
      await writes.flush(trx);
      await advanceMailboxCursor(trx, mailbox.id, uidValidity, item.uid);
    });
    return 'rejected';
  }
}

function inboundRow(
  mailbox: MailboxRow,
  uidValidity: string,
  item: Item,
  outcome: InboundOutcome,
  reason: string | null,
  caseId: string | null,
  now: string,
) {
  return {
    id: newOrderedId(),
    organisation_id: mailbox.organisation_id,
    mailbox_id: mailbox.id,
    uid_validity: uidValidity,
    uid: item.uid,
    message_id: item.messageId,
    from_address: item.from?.address.slice(0, 320) ?? null,
    subject: item.subject ? truncate(item.subject, MAX_SUBJECT).value : null,
    received_at: item.receivedAt,
    outcome,
    reason,
    case_id: caseId,
    created_at: now,
  };
}

/** Les écritures simples d'un lot (traces, historique, audit), faites ensemble. */
class LotWrites {
  readonly inbound: ReturnType<typeof inboundRow>[] = [];
  readonly events: ReturnType<typeof caseEvent>[] = [];
  readonly audits: AuditInput[] = [];
  readonly #ctx: AppContext;
  readonly #mailbox: MailboxRow;
  readonly #uidValidity: string;
  readonly #now: string;

  constructor(ctx: AppContext, mailbox: MailboxRow, uidValidity: string, now: string) {
    this.#ctx = ctx;
    this.#mailbox = mailbox;
    this.#uidValidity = uidValidity;
    this.#now = now;
  }

  /** Message ignoré ou rejeté : la trace seule (le journal de relève de la boîte l'affiche avec sa raison). */
  trace(item: Item, outcome: 'ignored' | 'rejected', reason: string) {
    const mailbox = this.#mailbox;
    this.inbound.push(inboundRow(mailbox, this.#uidValidity, item, outcome, reason, null, this.#now));
    if (outcome === 'rejected')
      this.audits.push({
        organisationId: mailbox.organisation_id,
        actor: intakeActor(mailbox),
        action: 'mail.inbound_rejected',
        entityType: 'mailbox',
        entityId: mailbox.id,
        summary: `Message rejeté dans ${mailbox.address} (UID ${item.uid}) : ${reason}`,
        after: { uid: item.uid, uidValidity: this.#uidValidity, messageId: item.messageId },
      });
  }

  async flush(trx: Transaction<Database>) {
    await insertInboundMessages(trx, this.inbound.splice(0));
    await insertCaseEvents(trx, this.events.splice(0));
    await recordAudits(trx, this.#ctx.clock, this.audits.splice(0));
  }
}

/**
 * Ce que la création des dossiers et des accusés lit de l'organisation, lu dans la transaction du
 * premier lot qui en a besoin puis gardé pour le passage ; oublié si ce lot est annulé.
 */
interface LotContexts {
  cases?: CaseCreationContext | undefined;
  acknowledgments?: AcknowledgmentContext | undefined;
  mystery?: MysteryIntakeCache | undefined;
}

/** La ligne d'historique d'un dossier créé par la relève, complétée par son accusé avant l'écriture. */
interface ReceivedLine {
  event: ReturnType<typeof caseEvent>;
  head: string;
  tail: string;
  data: Record<string, unknown>;
}

/** Un dossier à créer pour un message : sa saisie validée et ce que l'historique en dira. */
interface PendingCase {
  item: Item;
  draft: CaseDraft;
  notes: string[];
  requester: Requester;
}

/**
 * Le traitement d'un lot dans sa transaction : tri de chaque message, puis écritures groupées. Le
 * contexte (organisation, calendrier, services, thèmes, modèles d'accusé, signatures) est lu une fois.
 * Les dossiers en attente sont écrits avant tout message qui cherche un dossier en base (réponse,
 * rebond) : une réponse rejoint ainsi un dossier créé plus tôt dans le même lot.
 */
async function writeLot(
  trx: Transaction<Database>,
  ctx: AppContext,
  mailbox: MailboxRow,
  uidValidity: string,
  items: Item[],
  lastUid: number,
  contexts: LotContexts,
): Promise<Outcome[]> {
  const now = ctx.clock.now().toISOString();
  const actor = intakeActor(mailbox);
  const scoped: AppContext = { ...ctx, db: trx };
  const writes = new LotWrites(ctx, mailbox, uidValidity, now);
  const outcomes: Outcome[] = [];
  let pending: PendingCase[] = [];

  const flushCases = async () => {
    const cases = contexts.cases;
    if (pending.length === 0 || !cases) return;
    const batch = pending;
    pending = [];
    // L'événement « reçu » et l'audit de création sont écrits ici, complétés du courriel et de l'accusé.
    const rows = await insertNewCases(
      trx,
      ctx,
      cases,
      batch.map((p) => p.draft),
      actor,
      { records: false },
    );
    contexts.acknowledgments ??= await prepareAcknowledgments(trx, ctx, mailbox.organisation_id);
    const acknowledgments = contexts.acknowledgments;
    const audits: (AuditInput & { after: Record<string, unknown> })[] = [];
    const receivedLines: ReceivedLine[] = [];
    const mails: {
      audit: (typeof audits)[number];
      received: ReceivedLine;
      caseRow: CaseRow;
      mail: OutgoingMailInput;
      fromAddress: string | null;
      template: MailTemplateRow;
    }[] = [];
    for (const [index, caseRow] of rows.entries()) {
      const { item, notes, requester } = batch[index] as PendingCase;
      writes.inbound.push(inboundRow(mailbox, uidValidity, item, 'case_created', null, caseRow.id, now));
      const { events: attachmentEvents, ...attachments } =
        item.attachments.length > 0
          ? await storeAttachments(trx, caseRow.id, item.attachments, actor, now, 0)
          : { stored: [], refused: [], events: [] };
      const creation = creationRecords(caseRow, actor);
      // Reçu, relevé et accusé mis en file sont un seul fait : une ligne d'historique et une ligne d'audit
      // par message. La ligne prend sa place (avant les pièces) ; l'accusé la complète une fois en file.
      const received: ReceivedLine = {
        event: caseEvent(caseRow.id, 'mail_received', actor, '', now),
        head: `${creation.event.summary} ; courriel relevé dans ${mailbox.address}`,
        tail: notes.length > 0 ? `. ${notes.join(' ')}` : '',
        data: { messageId: item.messageId, uid: item.uid, uidValidity, from: item.from?.address ?? null },
      };
      receivedLines.push(received);
      writes.events.push(received.event, ...attachmentEvents);
      const audit = {
        ...creation.audit,
        summary: `${creation.audit.summary} depuis un courriel relevé dans ${mailbox.address}`,
        after: {
          ...(creation.audit.after as Record<string, unknown>),
          messageId: item.messageId,
          uid: item.uid,
          uidValidity,
          ...attachments,
          acknowledgment: null as { outgoingMailId: string; templateId: string } | null,
        },
      };
      audits.push(audit);
      if (!item.from)
        writes.events.push(
          caseEvent(
            caseRow.id,
            'acknowledgment_not_sent',
            actor,
            'Message sans expéditeur (From absent ou illisible) : dossier créé sans demandeur, aucun accusé de réception envoyé.',
            now,
          ),
        );
      if (requester.email) {
        const composed = composeAcknowledgment(acknowledgments, {
          caseRow,
          mailbox,
          inReplyTo: item.headerMessageId,
          references: replyReferences(item.references, item.headerMessageId),
        });
        if ('reason' in composed) writes.events.push(acknowledgmentNotSentEvent(caseRow, composed.reason, now));
        else mails.push({ audit, received, caseRow, ...composed });
      }
    }
    const queued = await enqueueOutgoingMails(
      trx,
      ctx,
      mails.map((m) => ({ input: m.mail, fromAddress: m.fromAddress })),
    );
    for (const [index, result] of queued.entries()) {
      const { audit, received, caseRow, template } = mails[index] as (typeof mails)[number];
      const fact = acknowledgmentQueuedFact(caseRow, template, result);
      received.head += ` ; ${fact.summary}`;
      received.data.acknowledgment = fact.data;
      audit.summary += ', accusé de réception mis en file';
      audit.after.acknowledgment = { outgoingMailId: result.id, templateId: template.id };
    }
    for (const { event, head, tail, data } of receivedLines) {
      event.summary = `${head}${tail}`;
      event.data_json = JSON.stringify(data);
    }
    writes.audits.push(...audits);
  };
  const flush = async () => {
    await flushCases();
    await writes.flush(trx);
  };

  // Un courriel envoyé par une boîte mystère devient un dossier comme un autre, qui porte son contact
  // (hors des indicateurs de production, marque invisible des agents pendant la campagne).
  contexts.mystery ??= {};
  const mysteryContacts = await mysteryContactsOfLot(trx, mailbox, items, contexts.mystery);
  for (const [index, item] of items.entries()) {
    const { verdict, hints, intake } = item;
    if (verdict.outcome === 'rejected' || verdict.outcome === 'ignored') {
      writes.trace(item, verdict.outcome, verdict.reason);
      outcomes.push(verdict.outcome);
      continue;
    }
    if (verdict.outcome === 'flagged') {
      await flush();
      await recordBounce(trx, ctx, mailbox, uidValidity, item, verdict);
      outcomes.push('flagged');
      continue;
    }
    if (hints.messageIds.length > 0 || hints.subjectReferences.length > 0) {
      await flush();
      const byMessageId = await casesByMessageIds(trx, mailbox.organisation_id, hints.messageIds);
      const referenced =
        hints.subjectReferences.length > 0 ? await casesByReferences(trx, mailbox.organisation_id, hints.subjectReferences) : [];
      const match = pickThread(hints, byMessageId, new Map(referenced.map((c) => [c.reference, c.id])));
      const caseRow = match ? await findCase(trx, mailbox.organisation_id, match.caseId) : undefined;
      if (match && caseRow) {
        const via = match.via === 'headers' ? 'en-têtes de réponse' : `référence ${match.key} dans l’objet`;
        await appendReply(trx, ctx, mailbox, uidValidity, item, caseRow, via);
        outcomes.push('threaded');
        continue;
      }
    }
    if (!intake?.ok) {
      // Saisie refusée par les règles du registre : rien n'a été écrit pour ce message, il est rejeté
      // avec la raison et le lot continue.
      writes.trace(item, 'rejected', intake?.reason ?? 'Traitement impossible : message non trié');
      outcomes.push('rejected');
      continue;
    }
    contexts.cases ??= await prepareCaseCreation(scoped, mailbox.organisation_id);
    let draft: CaseDraft;
    try {
      draft = draftValidatedCase(ctx, contexts.cases, intake.data);
    } catch (error) {
      // Date hors du calendrier, service inconnu : même traitement.
      writes.trace(item, 'rejected', `Traitement impossible : ${failureDetail(error)}`.slice(0, 1000));
      outcomes.push('rejected');
      continue;
    }
    // Identifiant ordonné (UUID v7) : les index sur le dossier (historique, messages, accusés) croissent à
    // droite, au lieu de réécrire à chaque lot une page au hasard de chacun.
    draft.row.id = newOrderedId();
    draft.row.mystery_contact_id = mysteryContacts[index] ?? null;
    pending.push({ item, draft, notes: intake.notes, requester: intake.requester });
    outcomes.push('case_created');
  }
  await flush();
  await advanceMailboxCursor(trx, mailbox.id, uidValidity, lastUid);
  return outcomes;
}

/** Rebond : signalé ; le courriel sortant qu'il cite est marqué en échec, avec la raison, sur son dossier. */
async function recordBounce(
  trx: Transaction<Database>,
  ctx: AppContext,
  mailbox: MailboxRow,
  uidValidity: string,
  item: Item,
  verdict: Extract<Verdict, { outcome: 'flagged' }>,
) {
  const now = ctx.clock.now().toISOString();
  const actor = intakeActor(mailbox);
  const bounced = await outgoingByMessageIds(trx, mailbox.organisation_id, verdict.bouncedMessageIds);
  const reason =
    bounced.length > 0
      ? `${verdict.reason} — courriel non remis : ${bounced.map((b) => b.to_address).join(', ')}`
      : verdict.reason;
  await insertInboundMessages(trx, [
    inboundRow(mailbox, uidValidity, item, 'flagged', reason, bounced.find((b) => b.case_id)?.case_id ?? null, now),
  ]);
  for (const outgoing of bounced) {
    if (outgoing.status === 'failed') continue;
    const lastError = `Rebond reçu le ${now.slice(0, 10)} : ${verdict.diagnostic ?? 'avis de non-remise'}`.slice(0, 1000);
    await updateOutgoingMail(trx, outgoing.id, { status: 'failed', last_error: lastError, updated_at: now });
    if (outgoing.case_id)
      await insertCaseEvents(trx, [
        caseEvent(
          outgoing.case_id,
          'mail_bounced',
          actor,
          // Adresse, objet et diagnostic (qui cite souvent l'adresse) dans les données, effacées avec le dossier.
          'Courriel non remis : avis de non-remise reçu (voir la file d’envoi)',
          now,
          {
            outgoingMailId: outgoing.id,
            messageId: outgoing.message_id,
            to: outgoing.to_address,
            subject: outgoing.subject,
            diagnostic: verdict.diagnostic,
          },
        ),
      ]);
    await recordAudit(trx, ctx.clock, {
      organisationId: mailbox.organisation_id,
      actor,
      action: 'mail.bounced',
      entityType: 'outgoing_mail',
      entityId: outgoing.id,
      summary: 'Courriel sortant non remis (rebond)',
      before: { status: outgoing.status },
      after: { status: 'failed', lastError },
    });
  }
}

interface AttachmentOutcome {
  stored: { filename: string; size: number; type: string }[];
  refused: { filename: string; size: number; reason: string }[];
  /** Les lignes d'historique, écrites par l'appelant avec les autres événements du message. */
  events: ReturnType<typeof caseEvent>[];
}

/** Pièces jointes d'un courriel : règles de la saisie ; une pièce refusée est notée, jamais stockée. */
async function storeAttachments(
  trx: Transaction<Database>,
  caseId: string,
  attachments: InboundAttachment[],
  actor: Actor,
  now: string,
  /** Pièces déjà jointes au dossier, quand l'appelant le sait (dossier créé dans ce lot : aucune). */
  existing?: number,
): Promise<AttachmentOutcome> {
  const result: AttachmentOutcome = { stored: [], refused: [], events: [] };
  if (attachments.length === 0) return result;
  let count = existing ?? (await countAttachments(trx, caseId));
  const events = result.events;
  for (const attachment of attachments) {
    const filename = safeFilename(attachment.filename);
    const size = attachment.bytes.length;
    const check = checkAttachment(attachment.bytes, null);
    const refusal = !check.ok
      ? check.code === 'attachment_too_large'
        ? 'trop volumineuse (10 Mo au plus)'
        : check.code === 'validation_failed'
          ? 'fichier vide'
          : `type non accepté (${attachment.contentType} ; PDF, JPEG, PNG ou TIFF seulement)`
      : count >= MAX_ATTACHMENTS_PER_CASE
        ? `${MAX_ATTACHMENTS_PER_CASE} pièces jointes au plus par dossier`
        : null;
    if (refusal !== null || !check.ok) {
      const reason = refusal ?? 'refusée';
      result.refused.push({ filename, size, reason });
      events.push(
        caseEvent(
          caseId,
          'attachment_refused',
          actor,
          `Pièce jointe non conservée : ${filename} (${formatBytes(size)}) — ${reason}`,
          now,
          {
            filename,
            size,
            contentType: attachment.contentType,
            reason,
          },
        ),
      );
      continue;
    }
    await insertAttachment(trx, {
      id: newId(),
      case_id: caseId,
      filename,
      content_type: check.type,
      size,
      content: attachment.bytes,
      created_at: now,
    });
    count++;
    result.stored.push({ filename, size, type: check.type });
    events.push(
      caseEvent(caseId, 'attachment_added', actor, `Pièce jointe reçue par courriel : ${filename} (${formatBytes(size)})`, now),
    );
  }
  return result;
}

/** Réponse du demandeur (ou message citant le dossier) : événement `requester_reply` sur le dossier, sans accusé. */
async function appendReply(
  trx: Transaction<Database>,
  ctx: AppContext,
  mailbox: MailboxRow,
  uidValidity: string,
  item: Item,
  caseRow: CaseRow,
  via: string,
) {
  const actor = intakeActor(mailbox);
  const now = ctx.clock.now().toISOString();
  await insertInboundMessages(trx, [
    inboundRow(mailbox, uidValidity, item, 'threaded', `Rattaché au dossier ${caseRow.reference} (${via}).`, caseRow.id, now),
  ]);
  const { events: attachmentEvents, ...attachments } = await storeAttachments(trx, caseRow.id, item.attachments, actor, now);
  await insertCaseEvents(trx, [
    caseEvent(
      caseRow.id,
      'requester_reply',
      actor,
      // Le texte est dans les données (affiché sur la fiche, effacé avec le dossier), pas dans le résumé qui reste.
      'Nouveau courriel du demandeur, rattaché au dossier',
      now,
      {
        messageId: item.messageId,
        from: item.from?.address ?? null,
        subject: item.subject,
        text: item.replyText,
        via,
        notes: item.notes,
      },
    ),
    ...attachmentEvents,
  ]);
  await updateCase(trx, caseRow.organisation_id, caseRow.id, { updated_at: now });
  await recordAudit(trx, ctx.clock, {
    organisationId: caseRow.organisation_id,
    actor,
    action: 'case.requester_reply',
    entityType: 'case',
    entityId: caseRow.id,
    summary: `Courriel rattaché au dossier ${caseRow.reference}`,
    after: { messageId: item.messageId, uid: item.uid, uidValidity, via, ...attachments },
  });
}
