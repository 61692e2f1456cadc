import { ImapFlow } from 'imapflow';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newOrderedId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { organisationCalendar } from '../calendar/calendar.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { advanceMailboxCursor, recordPollOutcome, resetMailboxCursor } from '../mail/inbound-message.repository.ts';
import { readInboundMessage } from '../mail/inbound-message.ts';
import { describeIntakeFailure } from '../mail/intake.service.ts';
import { findMailbox, findMailboxById, type MailboxRow } from '../mail/mailbox.repository.ts';
import { testMailboxConnection } from '../mail/mailbox.service.ts';
import { MissingMailboxSecret, mailboxCredentials } from '../mail/mailbox-credentials.ts';
import { headerValue } from '../mail/message-classifier.ts';
import { enqueueOutgoingMail } from '../mail/outbox.service.ts';
import { updateOutgoingMail } from '../mail/outgoing-mail.repository.ts';
import { signatureParts } from '../mail/signature.ts';
import { listSignatures } from '../mail/template.repository.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { findOrganisationById, listServices } from '../organisations/organisation.repository.ts';
import {
  type EmailContactRow,
  findCampaignById,
  insertMysteryMessage,
  listEmailContacts,
  listMessagesOfCampaigns,
  listWatchedCampaigns,
  listWatchedMysteryMailboxes,
  reorientedContactIds,
  seenMessageIds,
  updateContact,
} from './mystery-mail.repository.ts';
import {
  AUTO_EMAIL_KEYS,
  arrivalInstant,
  classifyIncoming,
  type MatchCandidate,
  matchContact,
  measureContact,
  reminderDue,
  reminderText,
  type SignatureRules,
  sendInstant,
} from './mystery-mail.ts';

/**
 * Courriels mystère mesurés par Vigie : mise en file des courriels d'une campagne confirmée (chacun à
 * son heure dans sa demi-journée, depuis la boîte mystère), puis la tâche périodique qui suit la boîte
 * mystère — contacts partis, lecture IMAP des accusés et réponses, relances, mesures et grille.
 */

export const MYSTERY_MAIL_JOB = 'mystery.mail';
/** Toutes les 5 minutes : l'heure d'un accusé est celle de son en-tête Date, pas celle de la lecture. */
export const MYSTERY_MAIL_SCHEDULE_MS = 5 * 60_000;
/** Une campagne close reste suivie 30 jours : une réponse tardive est encore mesurée. */
const CLOSED_WATCH_MS = 30 * 86_400_000;
/** Messages lus au plus par passage et par boîte ; le reste au passage suivant. */
const READ_LIMIT = 500;
const MAX_BODY = 20_000;

const JOB_ACTOR = { userId: null, label: 'Enquêtes mystère (tâche de suivi des courriels)' };

// ——— Boîte mystère joignable ———

/**
 * Avant de confirmer une campagne avec des courriels : la boîte est une boîte mystère de l'organisation,
 * sa relève IMAP et son relais SMTP répondent. Lève une AppError en français sinon.
 */
export async function checkMysteryMailbox(ctx: AppContext, organisationId: string, mailboxId: string): Promise<void> {
  const mailbox = await findMailbox(ctx.db, organisationId, mailboxId);
  const field = (message: string) => new AppError('mystery_mailbox_unreachable', { mysteryMailboxId: message });
  if (!mailbox) throw field('Boîte des enquêtes mystère : choisissez une boîte de la liste.');
  if (mailbox.kind !== 'mystery')
    throw field(`La boîte ${mailbox.address} est une boîte fonctionnelle : choisissez une boîte des enquêtes mystère.`);
  if (!mailbox.imap_host || !mailbox.smtp_host)
    throw field(
      `La boîte ${mailbox.address} doit avoir une relève IMAP (pour lire accusés et réponses) et un relais SMTP (pour envoyer les courriels).`,
    );
  const probe = await testMailboxConnection(ctx, organisationId, mailboxId);
  const failures = [probe.imap, probe.smtp].filter((p) => p && !p.ok).map((p) => p?.message ?? '');
  if (failures.length > 0) throw field(`La boîte ${mailbox.address} ne peut pas être jointe : ${failures.join(' ')}`);
}

// ——— Mise en file à la confirmation ———

/**
 * Met en file, dans la transaction de la confirmation, chaque contact « courriel » encore prévu : envoi
 * à son heure dans sa demi-journée (fuseau du département), depuis la boîte mystère, objet et texte du
 * scénario ; le Message-ID fixé est gardé sur le contact (`sent_message_id`) pour reconnaître le fil.
 */
export async function scheduleCampaignEmails(
  trx: Transaction<Database>,
  ctx: AppContext,
  campaignId: string,
): Promise<{ scheduled: number }> {
  const campaign = await findCampaignById(trx, campaignId);
  if (!campaign) throw new AppError('not_found', {}, 'Campagne introuvable.');
  const contacts = (await listEmailContacts(trx, [campaignId])).filter((c) => c.status === 'planned' && !c.outgoing_mail_id);
  if (contacts.length === 0) return { scheduled: 0 };
  const mailbox = campaign.mystery_mailbox_id
    ? await findMailbox(trx, campaign.organisation_id, campaign.mystery_mailbox_id)
    : undefined;
  if (mailbox?.kind !== 'mystery' || !mailbox.smtp_host) {
    throw new AppError('validation_failed', {
      mysteryMailboxId:
        'Boîte des enquêtes mystère : choisissez une boîte mystère avec un relais SMTP pour envoyer les courriels.',
    });
  }
  const errors: Record<string, string> = {};
  for (const c of contacts) {
    if (!c.target_address)
      errors[`contact-${c.rank}`] = `Contact n° ${c.rank} : la cible « ${c.target_label} » n’a pas d’adresse électronique.`;
    else if (!c.scenario_subject?.trim() || !c.scenario_body?.trim())
      errors[`contact-${c.rank}`] = `Contact n° ${c.rank} : choisissez un scénario de courriel (objet et texte).`;
  }
  if (Object.keys(errors).length > 0) throw new AppError('validation_failed', errors);
  const organisation = await findOrganisationById(trx, campaign.organisation_id);
  const timeZone = departmentTimeZone(organisation?.department_code);
  const now = ctx.clock.now().toISOString();
  for (const c of contacts) {
    const at = sendInstant(c.date, c.half_day, c.rank, timeZone).toISOString();
    const queued = await enqueueOutgoingMail(
      trx,
      ctx,
      {
        organisationId: campaign.organisation_id,
        caseId: null,
        mailboxId: mailbox.id,
        // « other » : ni Auto-Submitted ni mention d'un accusé, le courriel doit ressembler à celui d'un usager.
        purpose: 'other',
        uniqueKey: `mystery:${c.id}`,
        to: { address: c.target_address ?? '' },
        subject: (c.scenario_subject ?? '').trim(),
        bodyText: `${(c.scenario_body ?? '').trim()}\n`,
      },
      mailbox.address,
    );
    await updateOutgoingMail(trx, queued.id, { next_attempt_at: at, updated_at: now });
    await updateContact(trx, c.id, {
      scheduled_at: at,
      outgoing_mail_id: queued.id,
      sent_message_id: queued.messageId,
      updated_at: now,
    });
  }
  await recordAudit(trx, ctx.clock, {
    organisationId: campaign.organisation_id,
    actor: JOB_ACTOR,
    action: 'mystery.emails_scheduled',
    entityType: 'mystery_campaign',
    entityId: campaignId,
    summary: `${contacts.length} courriel${contacts.length > 1 ? 's' : ''} mystère mis en file, chacun à son heure, depuis ${mailbox.address}`,
    after: { contacts: contacts.length, mailboxId: mailbox.id },
  });
  return { scheduled: contacts.length };
}

// ——— Suivi périodique ———

export interface MysteryMailboxReport {
  mailboxId: string;
  sent: number;
  read: number;
  matched: number;
  reminders: number;
  measured: number;
  error?: string;
}

/** La tâche `mystery.mail` : chaque boîte mystère d'une campagne en cours (ou close depuis peu). */
export async function runMysteryMail(ctx: AppContext): Promise<MysteryMailboxReport[]> {
  const closedSince = new Date(ctx.clock.now().getTime() - CLOSED_WATCH_MS).toISOString();
  const reports: MysteryMailboxReport[] = [];
  for (const mailbox of await listWatchedMysteryMailboxes(ctx.db, closedSince)) {
    reports.push(await followMysteryMailbox(ctx, mailbox));
  }
  return reports;
}

interface Followed {
  calendar: WorkingCalendar;
  timeZone: string;
  rules: SignatureRules;
  campaignIds: string[];
  confirmed: Set<string>;
}

/**
 * Une boîte mystère : contacts partis, lecture des nouveaux messages (curseur UIDVALIDITY/UID de la
 * boîte, Message-ID enregistrés une fois), relances dues, puis mesures et grille de chaque contact. Une
 * panne de la relève est écrite sur la boîte (comme pour une boîte fonctionnelle) ; le reste continue.
 */
export async function followMysteryMailbox(ctx: AppContext, mailbox: MailboxRow): Promise<MysteryMailboxReport> {
  const report: MysteryMailboxReport = { mailboxId: mailbox.id, sent: 0, read: 0, matched: 0, reminders: 0, measured: 0 };
  const closedSince = new Date(ctx.clock.now().getTime() - CLOSED_WATCH_MS).toISOString();
  const campaigns = await listWatchedCampaigns(ctx.db, mailbox.id, closedSince);
  if (campaigns.length === 0) return report;
  const organisation = await findOrganisationById(ctx.db, mailbox.organisation_id);
  if (!organisation) return report;
  const { calendar, department } = await organisationCalendar(ctx, organisation.id, organisation.department_code);
  const followed: Followed = {
    calendar,
    timeZone: department.timeZone,
    rules: await signatureRules(ctx.db, organisation.id, organisation.name),
    campaignIds: campaigns.map((c) => c.id),
    confirmed: new Set(campaigns.filter((c) => c.status === 'confirmed').map((c) => c.id)),
  };
  report.sent = await markSentContacts(ctx, followed);
  if (mailbox.imap_host) {
    try {
      const read = await readMysteryMailbox(ctx, mailbox, followed);
      report.read = read.read;
      report.matched = read.matched;
      await recordPollOutcome(ctx.db, mailbox.id, { polledAt: ctx.clock.now().toISOString(), error: null });
    } catch (error) {
      report.error = describeIntakeFailure(error, mailbox);
      await recordPollOutcome(ctx.db, mailbox.id, { error: report.error, errorAt: ctx.clock.now().toISOString() });
    }
  }
  report.reminders = await sendReminders(ctx, mailbox, followed);
  report.measured = await measureContacts(ctx, followed);
  return report;
}

/** Ce que l'organisation a déclaré pour ses signatures : noms des services et lignes des libellés saisis. */
async function signatureRules(db: Executor, organisationId: string, organisationName: string): Promise<SignatureRules> {
  const [services, signatures] = await Promise.all([listServices(db, organisationId), listSignatures(db, organisationId)]);
  const labels = new Set<string>();
  for (const service of services) {
    const parts = signatureParts({
      serviceName: service.name,
      organisationName,
      stored: signatures.find((s) => s.service_id === service.id),
    });
    labels.add(service.name);
    for (const line of parts.serviceLabel?.split('\n') ?? []) if (line.trim()) labels.add(line.trim());
  }
  return { organisationName, serviceLabels: [...labels] };
}

/** Le courriel parti (file d'envoi « envoyé ») : le contact passe « envoyé », à l'heure réelle du départ. */
async function markSentContacts(ctx: AppContext, followed: Followed): Promise<number> {
  let sent = 0;
  for (const c of await listEmailContacts(ctx.db, followed.campaignIds)) {
    if (c.status !== 'planned' || c.outgoing_status !== 'sent' || !c.sent_message_id) continue;
    const at = c.outgoing_sent_at ?? ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await updateContact(trx, c.id, { status: 'sent', sent_at: at, updated_at: ctx.clock.now().toISOString() });
      await insertMysteryMessage(trx, {
        id: newOrderedId(),
        campaign_id: c.campaign_id,
        contact_id: c.id,
        direction: 'out',
        kind: 'sent',
        message_id: c.sent_message_id ?? '',
        in_reply_to: null,
        from_address: null,
        subject: c.scenario_subject,
        at,
        body_text: c.scenario_body,
        attachment_count: 0,
        created_at: ctx.clock.now().toISOString(),
      });
    });
    sent++;
  }
  return sent;
}

function candidatesOf(
  contacts: EmailContactRow[],
  messages: Awaited<ReturnType<typeof listMessagesOfCampaigns>>,
): MatchCandidate[] {
  return contacts
    .filter((c) => c.sent_message_id && (c.sent_at || c.outgoing_status === 'sent'))
    .map((c) => ({
      contactId: c.id,
      messageIds: [
        c.sent_message_id ?? '',
        ...messages.filter((m) => m.contact_id === c.id && m.direction === 'out').map((m) => m.message_id),
      ],
      subject: c.scenario_subject,
      targetAddress: c.target_address?.toLowerCase() ?? null,
      sentAt: c.sent_at ?? c.outgoing_sent_at,
    }));
}

/**
 * Lecture IMAP des messages arrivés depuis le dernier passage (curseur de la boîte ; un nouveau
 * UIDVALIDITY fait tout relire, les Message-ID déjà enregistrés sont sautés). Chaque message est
 * rattaché à son contact, trié, et enregistré avec l'avance du curseur dans une transaction.
 */
async function readMysteryMailbox(
  ctx: AppContext,
  mailbox: MailboxRow,
  followed: Followed,
): Promise<{ read: number; matched: number }> {
  const current = (await findMailboxById(ctx.db, mailbox.id)) ?? mailbox;
  if (!current.imap_host || !current.imap_port || !current.imap_user)
    throw new MissingMailboxSecret('Relève IMAP : serveur, port ou identifiant non configuré.');
  const { imapPassword } = mailboxCredentials(ctx.config, current);
  const client = new ImapFlow({
    host: current.imap_host,
    port: current.imap_port,
    secure: current.imap_tls === 1,
    auth: { user: current.imap_user, pass: imapPassword ?? '' },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableAutoIdle: true,
  });
  // Une panne réseau arrive aussi en événement : sans écouteur, elle arrêterait le processus.
  client.on('error', () => undefined);
  let read = 0;
  let matched = 0;
  try {
    await client.connect();
    const lock = await client.getMailboxLock(current.imap_folder);
    try {
      const box = client.mailbox;
      if (!box) throw new Error(`dossier « ${current.imap_folder} » non sélectionné`);
      const uidValidity = String(box.uidValidity);
      let cursor = current.last_uid;
      if (current.uid_validity !== uidValidity) {
        await resetMailboxCursor(ctx.db, current.id, uidValidity, ctx.clock.now().toISOString());
        cursor = 0;
      }
      if (box.exists === 0 || box.uidNext <= cursor + 1) return { read, matched };
      // « N:* » rend toujours le dernier message, même d'UID inférieur à N : on filtre.
      const uids = (await client.fetchAll(`${cursor + 1}:*`, { uid: true }, { uid: true }))
        .map((m) => m.uid)
        .filter((uid) => uid > cursor)
        .sort((a, b) => a - b)
        .slice(0, READ_LIMIT);
      // Les contacts et leurs envois ne changent pas pendant la lecture : lus une fois.
      const contacts = await listEmailContacts(ctx.db, followed.campaignIds);
      const candidates = candidatesOf(contacts, await listMessagesOfCampaigns(ctx.db, followed.campaignIds));
      for (let i = 0; i < uids.length; i += 50) {
        const chunk = uids.slice(i, i + 50);
        const fetched = (await client.fetchAll(chunk.join(','), { uid: true, source: true, internalDate: true }, { uid: true }))
          .filter((m) => m.uid > cursor)
          .sort((a, b) => a.uid - b.uid);
        for (const m of fetched) {
          read++;
          const internal = m.internalDate ? new Date(m.internalDate).toISOString() : null;
          const source = m.source ?? Buffer.alloc(0);
          if (
            await recordIncoming(ctx, current, { uidValidity, uid: m.uid, source, internal }, followed, { contacts, candidates })
          )
            matched++;
        }
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } catch (error) {
    client.close();
    throw error;
  }
  return { read, matched };
}

/** Un message reçu : rattaché, trié, enregistré une fois (Message-ID), curseur avancé dans la même transaction. */
async function recordIncoming(
  ctx: AppContext,
  mailbox: MailboxRow,
  fetched: { uidValidity: string; uid: number; source: Buffer; internal: string | null },
  followed: Followed,
  known: { contacts: EmailContactRow[]; candidates: MatchCandidate[] },
): Promise<boolean> {
  const { uidValidity, uid } = fetched;
  const message = await readInboundMessage(fetched.source);
  const now = ctx.clock.now();
  const at = arrivalInstant(headerValue(message.headers, 'date'), fetched.internal, now).toISOString();
  const seen = await seenMessageIds(ctx.db, followed.campaignIds, [message.messageId]);
  let contactId: string | null = null;
  let campaignId = followed.campaignIds.at(-1) ?? '';
  if (!seen.has(message.messageId)) {
    const match = matchContact(
      {
        inReplyTo: message.inReplyTo,
        references: message.references,
        subject: message.subject,
        from: message.from?.address ?? null,
        at,
      },
      known.candidates,
    );
    const contact = match ? known.contacts.find((c) => c.id === match.contactId) : undefined;
    if (contact) {
      contactId = contact.id;
      campaignId = contact.campaign_id;
    }
  }
  const kind = contactId
    ? classifyIncoming({
        subject: message.subject,
        text: message.text,
        autoSubmitted: headerValue(message.headers, 'auto-submitted'),
      })
    : 'other';
  await ctx.db.transaction().execute(async (trx) => {
    if (!seen.has(message.messageId) && campaignId) {
      await insertMysteryMessage(trx, {
        id: newOrderedId(),
        campaign_id: campaignId,
        contact_id: contactId,
        direction: 'in',
        kind,
        message_id: message.messageId,
        in_reply_to: message.inReplyTo[0] ?? null,
        from_address: message.from?.address.slice(0, 320) ?? null,
        subject: message.subject?.slice(0, 300) ?? null,
        at,
        body_text: message.text.slice(0, MAX_BODY),
        attachment_count: message.attachments.length,
        created_at: now.toISOString(),
      });
    }
    await advanceMailboxCursor(trx, mailbox.id, uidValidity, uid);
  });
  return contactId !== null;
}

/** Relances dues (campagnes en cours) : dans le fil du courriel mystère, depuis la boîte mystère, 2 au plus. */
async function sendReminders(ctx: AppContext, mailbox: MailboxRow, followed: Followed): Promise<number> {
  const campaignIds = [...followed.confirmed];
  if (campaignIds.length === 0 || !mailbox.smtp_host) return 0;
  const contacts = await listEmailContacts(ctx.db, campaignIds);
  const messages = await listMessagesOfCampaigns(ctx.db, campaignIds);
  const now = ctx.clock.now();
  let queued = 0;
  for (const c of contacts) {
    if (c.status !== 'sent' || !c.sent_at || !c.sent_message_id || !c.target_address) continue;
    const own = messages.filter((m) => m.contact_id === c.id);
    const reminders = own.filter((m) => m.direction === 'out' && m.kind === 'reminder');
    const due = reminderDue({
      sentAt: c.sent_at,
      reminderDates: reminders.map((m) => m.at),
      answered: own.some((m) => m.direction === 'in' && m.kind === 'answer'),
      now,
      calendar: followed.calendar,
      timeZone: followed.timeZone,
    });
    if (!due) continue;
    const count = reminders.length + 1;
    const text = reminderText({
      subject: c.scenario_subject ?? '',
      body: c.scenario_body ?? '',
      sentDay: instantToLocalDate(new Date(c.sent_at), followed.timeZone),
      count,
    });
    const chain = [c.sent_message_id, ...reminders.map((m) => m.message_id)];
    await ctx.db.transaction().execute(async (trx) => {
      const result = await enqueueOutgoingMail(
        trx,
        ctx,
        {
          organisationId: mailbox.organisation_id,
          caseId: null,
          mailboxId: mailbox.id,
          purpose: 'other',
          uniqueKey: `mystery-reminder:${c.id}:${count}`,
          to: { address: c.target_address ?? '' },
          subject: text.subject,
          bodyText: text.body,
          inReplyTo: chain.at(-1) ?? c.sent_message_id,
          references: chain.join(' '),
        },
        mailbox.address,
      );
      if (!result.queued) return;
      await insertMysteryMessage(trx, {
        id: newOrderedId(),
        campaign_id: c.campaign_id,
        contact_id: c.id,
        direction: 'out',
        kind: 'reminder',
        message_id: result.messageId,
        in_reply_to: chain.at(-1) ?? null,
        from_address: mailbox.address,
        subject: text.subject,
        at: now.toISOString(),
        body_text: text.body,
        attachment_count: 0,
        created_at: now.toISOString(),
      });
      await recordAudit(trx, ctx.clock, {
        organisationId: mailbox.organisation_id,
        actor: JOB_ACTOR,
        action: 'mystery.reminder_queued',
        entityType: 'mystery_contact',
        entityId: c.id,
        summary: `Relance n° ${count} du courriel mystère n° ${c.rank} mise en file (aucune réponse après 5 jours ouvrés)`,
        after: { outgoingMailId: result.id, count },
      });
      queued++;
    });
  }
  return queued;
}

/** Mesures (`measured_json`) et réponses automatiques de la grille (`answers_json`, les autres clés gardées). */
async function measureContacts(ctx: AppContext, followed: Followed): Promise<number> {
  const contacts = (await listEmailContacts(ctx.db, followed.campaignIds)).filter((c) => c.sent_at);
  const messages = await listMessagesOfCampaigns(ctx.db, followed.campaignIds);
  const reoriented = await reorientedContactIds(
    ctx.db,
    contacts.map((c) => c.id),
  );
  const now = ctx.clock.now();
  let changed = 0;
  for (const c of contacts) {
    const { measured, answers } = measureContact({
      sentAt: c.sent_at,
      messages: messages
        .filter((m) => m.contact_id === c.id)
        .map((m) => ({
          direction: m.direction === 'in' ? 'in' : 'out',
          kind: m.kind,
          at: m.at,
          bodyText: m.body_text,
          attachmentCount: Number(m.attachment_count),
        })),
      calendar: followed.calendar,
      timeZone: followed.timeZone,
      now,
      rules: followed.rules,
      reoriented: reoriented.has(c.id),
    });
    const grid = parseAnswers(c.answers_json);
    for (const key of AUTO_EMAIL_KEYS) {
      const value = answers[key];
      if (value === undefined) delete grid[key];
      else grid[key] = value;
    }
    const measuredJson = JSON.stringify(measured);
    const answersJson = JSON.stringify(grid);
    if (measuredJson === c.measured_json && answersJson === (c.answers_json ?? '{}')) continue;
    await updateContact(ctx.db, c.id, { measured_json: measuredJson, answers_json: answersJson, updated_at: now.toISOString() });
    changed++;
  }
  return changed;
}

function parseAnswers(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  } catch {
    return {};
  }
}
