import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newOrderedId } from '../../shared/ids.ts';
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../audit/audit.service.ts';
import { findCase, insertCaseEvents, updateCase } from '../cases/case.repository.ts';
import { caseEvent } from '../cases/case-event.ts';
import { retryDelayMs } from '../jobs/backoff.ts';
import type { OutgoingPurpose } from './mail.table.ts';
import { findMailboxById, listSendingMailboxes, type MailboxRow } from './mailbox.repository.ts';
import { MissingMailboxSecret } from './mailbox-credentials.ts';
import {
  composeMessage,
  createMailTransport,
  describeSmtpError,
  type MailTransport,
  SmtpNotConfigured,
  type TransportOptions,
} from './mailer.ts';
import {
  claimOutgoingMail,
  countOutbox,
  findOutgoingMail,
  insertOutgoingMail,
  insertOutgoingMails,
  listDueOutgoingMails,
  listOutbox,
  markWaitingWithoutMailbox,
  type OutboxStatusFilter,
  type OutgoingMailRow,
  requeueOutgoingMail,
  requeueStaleSending,
  updateOutgoingMail,
} from './outgoing-mail.repository.ts';
import { outgoingMessageId } from './threading.ts';

export interface OutgoingMailInput {
  organisationId: string;
  caseId?: string | null;
  mailboxId: string | null;
  purpose: OutgoingPurpose;
  /** Une seule mise en file par clé (« acknowledgment:<dossier> ») : jamais deux envois. */
  uniqueKey?: string | null;
  to: { address: string; name?: string | null };
  subject: string;
  bodyText: string;
  inReplyTo?: string | null;
  references?: string | null;
  attachments?: { filename: string; contentType: string; contentBase64: string }[];
  createdByUserId?: string | null;
}

/** Domaine des Message-ID : celui de l'adresse d'expédition, sinon celui de l'adresse publique de Vigie. */
export function messageIdDomain(ctx: AppContext, fromAddress: string | null): string {
  const fromDomain = fromAddress?.split('@')[1];
  return fromDomain || new URL(ctx.config.publicUrl).hostname || 'vigie.invalid';
}

/**
 * Met un courriel en file, dans la transaction de l'appelant (le dossier et son accusé sont écrits
 * ensemble). Le Message-ID est fixé ici : chaque nouvel essai renvoie le même message.
 */
export async function enqueueOutgoingMail(
  db: Executor,
  ctx: AppContext,
  input: OutgoingMailInput,
  fromAddress: string | null,
): Promise<{ id: string; messageId: string; queued: boolean }> {
  const row = outgoingMailRow(ctx, input, fromAddress);
  const queued = await insertOutgoingMail(db, row);
  return { id: row.id, messageId: row.message_id, queued };
}

/**
 * Plusieurs courriels mis en file ensemble, dans la transaction de l'appelant : les accusés des dossiers
 * qu'un lot de la relève vient de créer, dont la clé d'unicité (« acknowledgment:<dossier> ») est neuve.
 * Une clé déjà prise fait échouer la transaction (la relève rejoue alors son lot message par message).
 */
export async function enqueueOutgoingMails(
  db: Executor,
  ctx: AppContext,
  mails: { input: OutgoingMailInput; fromAddress: string | null }[],
): Promise<{ id: string; messageId: string }[]> {
  const rows = mails.map((m) => outgoingMailRow(ctx, m.input, m.fromAddress));
  await insertOutgoingMails(db, rows);
  return rows.map((row) => ({ id: row.id, messageId: row.message_id }));
}

function outgoingMailRow(ctx: AppContext, input: OutgoingMailInput, fromAddress: string | null) {
  const id = newOrderedId();
  const now = ctx.clock.now().toISOString();
  return {
    id,
    organisation_id: input.organisationId,
    case_id: input.caseId ?? null,
    mailbox_id: input.mailboxId,
    purpose: input.purpose,
    unique_key: input.uniqueKey ?? null,
    to_address: input.to.address,
    to_name: input.to.name ?? null,
    subject: input.subject,
    body_text: input.bodyText,
    message_id: outgoingMessageId(id, messageIdDomain(ctx, fromAddress)),
    in_reply_to: input.inReplyTo ?? null,
    references_header: input.references ?? null,
    attachments_json: input.attachments && input.attachments.length > 0 ? JSON.stringify(input.attachments) : null,
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    sent_at: null,
    created_by_user_id: input.createdByUserId ?? null,
    created_at: now,
    updated_at: now,
  };
}

// ——— Envoi ———

/** Au 8e essai manqué, le courriel passe en échec (l'admin peut le relancer depuis la file). */
export const MAX_SEND_ATTEMPTS = 8;
/** Un envoi « en cours » depuis plus longtemps a été interrompu (processus arrêté) : il est repris. */
export const STALE_SENDING_MS = 10 * 60_000;
export const NO_SENDING_MAILBOX =
  'En attente : aucune boîte d’expédition configurée. Ajoutez une boîte fonctionnelle avec un relais SMTP (Courrier › Boîtes fonctionnelles) : le courriel partira alors.';
const INTERRUPTED =
  'Envoi interrompu (processus arrêté pendant l’envoi) : nouvel essai avec le même Message-ID, que la messagerie du destinataire sait dédoublonner.';

export interface FlushOptions extends TransportOptions {
  /** Courriels traités au plus par passage (50 par défaut). */
  limit?: number;
}

export interface FlushReport {
  sent: number;
  failed: number;
  retried: number;
  /** Courriels dus qui attendent une boîte d'expédition. */
  waiting: number;
}

const PURPOSE_SENT: Record<OutgoingPurpose, string> = {
  acknowledgment: 'Accusé de réception envoyé',
  reorientation: 'Avis de réorientation envoyé',
  answer: 'Réponse envoyée par courriel',
  reminder: 'Récapitulatif envoyé',
  other: 'Courriel envoyé',
};

export const PURPOSE_LABELS: Record<OutgoingPurpose, string> = {
  acknowledgment: 'Accusé de réception',
  reorientation: 'Avis de réorientation',
  answer: 'Réponse',
  reminder: 'Récapitulatif quotidien',
  other: 'Autre',
};

/**
 * Une panne du relais (connexion, délai, authentification, configuration) vaut pour tous les
 * courriels de la boîte : on ne la réessaie pas courriel par courriel dans le même passage.
 */
function isRelayFailure(error: unknown): boolean {
  if (error instanceof MissingMailboxSecret || error instanceof SmtpNotConfigured) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['ETIMEDOUT', 'ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH', 'EPROTOCOL'].includes(code);
}

async function markSent(ctx: AppContext, row: OutgoingMailRow, mailbox: MailboxRow, attempts: number) {
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateOutgoingMail(trx, row.id, {
      status: 'sent',
      sent_at: now,
      last_error: null,
      mailbox_id: mailbox.id,
      updated_at: now,
    });
    if (!row.case_id) return;
    await insertCaseEvents(trx, [
      caseEvent(
        row.case_id,
        'mail_sent',
        SYSTEM_ACTOR,
        `${PURPOSE_SENT[row.purpose]} depuis ${mailbox.address}${attempts > 1 ? ` (au ${attempts}e essai)` : ''}`,
        now,
        { outgoingMailId: row.id, messageId: row.message_id, attempts, mailboxId: mailbox.id, to: row.to_address },
      ),
    ]);
    // L'accusé parti, le dossier reçu passe « accusé de réception envoyé ».
    if (row.purpose === 'acknowledgment') {
      const current = await findCase(trx, row.organisation_id, row.case_id);
      if (current?.status === 'received') {
        await updateCase(trx, row.organisation_id, row.case_id, { status: 'acknowledged', updated_at: now });
      }
    }
  });
}

async function markAttemptFailed(
  ctx: AppContext,
  row: OutgoingMailRow,
  attempts: number,
  reason: string,
): Promise<'failed' | 'retried'> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  if (attempts < MAX_SEND_ATTEMPTS) {
    await updateOutgoingMail(ctx.db, row.id, {
      status: 'pending',
      last_error: reason,
      next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts)).toISOString(),
      updated_at: nowIso,
    });
    return 'retried';
  }
  await ctx.db.transaction().execute(async (trx) => {
    await updateOutgoingMail(trx, row.id, { status: 'failed', last_error: reason, updated_at: nowIso });
    if (!row.case_id) return;
    await insertCaseEvents(trx, [
      caseEvent(
        row.case_id,
        'mail_failed',
        SYSTEM_ACTOR,
        // La raison du relais cite souvent l'adresse : elle reste dans la file et dans les données.
        `Échec de l’envoi (${PURPOSE_LABELS[row.purpose].toLowerCase()}) après ${attempts} essais : voir la file d’envoi`,
        nowIso,
        { outgoingMailId: row.id, messageId: row.message_id, attempts, to: row.to_address, reason },
      ),
    ]);
  });
  return 'failed';
}

/**
 * Envoie les courriels dus : chaque ligne est prise par une mise à jour conditionnelle (un seul
 * processus l'envoie), part avec son Message-ID fixé, puis est marquée envoyée ou reprogrammée
 * selon `retryDelayMs`, jusqu'à l'échec au 8e essai. Sans boîte d'expédition, les courriels
 * attendent sans perdre d'essai.
 */
export async function flushOutbox(ctx: AppContext, options: FlushOptions = {}): Promise<FlushReport> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  await requeueStaleSending(ctx.db, new Date(now.getTime() - STALE_SENDING_MS).toISOString(), nowIso, INTERRUPTED);
  const report: FlushReport = {
    sent: 0,
    failed: 0,
    retried: 0,
    waiting: await markWaitingWithoutMailbox(ctx.db, nowIso, NO_SENDING_MAILBOX),
  };
  const due = await listDueOutgoingMails(ctx.db, nowIso, options.limit ?? 50);
  const senders = new Map<string, MailboxRow[]>();
  const transports = new Map<string, MailTransport>();
  /** Boîtes dont le relais est en panne pendant ce passage, avec la raison. */
  const relayDown = new Map<string, string>();
  const transportTimeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  try {
    for (const row of due) {
      const mailbox = await senderOf(ctx, row, senders);
      if (!mailbox) {
        // La boîte a été supprimée entre-temps : le courriel attend, comme sans boîte.
        await updateOutgoingMail(ctx.db, row.id, { last_error: NO_SENDING_MAILBOX, updated_at: nowIso });
        report.waiting++;
        continue;
      }
      if (!(await claimOutgoingMail(ctx.db, row.id, ctx.clock.now().toISOString()))) continue;
      const attempts = row.attempts + 1;
      const down = relayDown.get(mailbox.id);
      if (down !== undefined) {
        report[await markAttemptFailed(ctx, row, attempts, down)]++;
        continue;
      }
      try {
        let transport = transports.get(mailbox.id);
        if (!transport) {
          transport = createMailTransport(ctx.config, mailbox, transportTimeout);
          transports.set(mailbox.id, transport);
        }
        await transport.sendMail(composeMessage(row, mailbox, ctx.clock.now()));
      } catch (error) {
        const reason = describeSmtpError(error);
        if (isRelayFailure(error)) relayDown.set(mailbox.id, reason);
        report[await markAttemptFailed(ctx, row, attempts, reason)]++;
        continue;
      }
      await markSent(ctx, row, mailbox, attempts);
      report.sent++;
    }
  } finally {
    for (const transport of transports.values()) transport.close();
  }
  return report;
}

/** La boîte d'expédition : celle de la ligne si elle a un relais, sinon la première de l'organisation qui en a un. */
async function senderOf(
  ctx: AppContext,
  row: OutgoingMailRow,
  cache: Map<string, MailboxRow[]>,
): Promise<MailboxRow | undefined> {
  if (row.mailbox_id) {
    const own = await findMailboxById(ctx.db, row.mailbox_id);
    if (own?.smtp_host && own.organisation_id === row.organisation_id) return own;
  }
  let sending = cache.get(row.organisation_id);
  if (!sending) {
    sending = await listSendingMailboxes(ctx.db, row.organisation_id);
    cache.set(row.organisation_id, sending);
  }
  return sending[0];
}

// ——— File vue par l'admin ———

export const OUTBOX_PAGE_SIZE = 50;

export function isOutboxStatusFilter(value: string | undefined): value is OutboxStatusFilter {
  return value === 'pending' || value === 'sent' || value === 'failed';
}

export async function outboxPage(ctx: AppContext, organisationId: string, filter: OutboxStatusFilter | undefined, page: number) {
  const total = await countOutbox(ctx.db, organisationId, filter);
  const pageCount = Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = await listOutbox(ctx.db, organisationId, filter, OUTBOX_PAGE_SIZE, (current - 1) * OUTBOX_PAGE_SIZE);
  return { rows, total, page: current, pageCount };
}

/**
 * « Réessayer maintenant » : un courriel en attente ou en échec repart au prochain passage de
 * l'envoi (quelques secondes). Un courriel en échec a droit à un nouvel essai ; s'il échoue encore,
 * il repasse en échec.
 */
export async function retryOutgoingMail(ctx: AppContext, organisationId: string, id: string, actor: Actor): Promise<void> {
  const row = await findOutgoingMail(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Courriel introuvable.');
  if (row.status !== 'pending' && row.status !== 'failed') throw new AppError('outgoing_mail_not_retryable');
  const now = ctx.clock.now().toISOString();
  const reference = row.case_id ? (await findCase(ctx.db, organisationId, row.case_id))?.reference : undefined;
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await requeueOutgoingMail(trx, id, row.status, now))) throw new AppError('outgoing_mail_not_retryable');
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'outgoing_mail.retried',
      entityType: 'outgoing_mail',
      entityId: id,
      summary: `Nouvel essai d’envoi demandé : ${PURPOSE_LABELS[row.purpose].toLowerCase()}${reference ? `, dossier ${reference}` : ''}`,
      before: { status: row.status, attempts: row.attempts, nextAttemptAt: row.next_attempt_at },
      after: { status: 'pending', nextAttemptAt: now },
    });
  });
}
