import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { sha256 } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, type AuditInput, recordAudit, SYSTEM_ACTOR } from '../audit/audit.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { type CaseRow, findCase, insertCaseEvents } from '../cases/case.repository.ts';
import { recordAnswer } from '../cases/case.service.ts';
import { caseEvent } from '../cases/case-event.ts';
import { answerWorkingDays } from '../cases/deadline-rules.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { findOrganisationById, listServices, type Organisation, type Service } from '../organisations/organisation.repository.ts';
import { listMailboxes, type MailboxRow } from './mailbox.repository.ts';
import { enqueueOutgoingMail, type OutgoingMailInput } from './outbox.service.ts';
import { type SignatureForm, signatureBlock, signatureParts } from './signature.ts';
import {
  findSignature,
  findTemplate,
  listSignatures,
  listTemplates,
  type MailTemplateRow,
  type ServiceSignatureRow,
} from './template.repository.ts';
import { type AnswerEmailInput, answerEmailSchema } from './template.schemas.ts';
import { ensureDefaultTemplates } from './template.service.ts';
import { chooseTemplate, formatLongDate, renderTemplate, type TemplateValues } from './template.ts';

/** Tout ce qu'il faut pour remplir les variables d'un modèle pour un dossier. */
export interface TemplateSources {
  organisation: Pick<Organisation, 'name'>;
  caseRow: Pick<CaseRow, 'reference' | 'subject' | 'received_local_date' | 'due_date' | 'requester_name' | 'kind' | 'channel'>;
  service: Pick<Service, 'name' | 'mailbox_address'> | undefined;
  storedSignature: ServiceSignatureRow | undefined;
  mailbox: Pick<MailboxRow, 'address'> | null;
  signatureForm: SignatureForm;
  agent?: { name: string | null; title: string | null } | undefined;
  targetService?: Pick<Service, 'name'> | undefined;
  /** Date locale du jour (fuseau du département). */
  today: string;
}

/** Les valeurs des variables pour un dossier (domaine pur : les lectures sont faites avant). */
export function caseTemplateValues(s: TemplateSources): TemplateValues {
  const parts = signatureParts({
    serviceName: s.service?.name ?? null,
    organisationName: s.organisation.name,
    stored: s.storedSignature,
    email: s.mailbox?.address ?? s.service?.mailbox_address ?? null,
    agentName: s.agent?.name,
    agentTitle: s.agent?.title,
  });
  const workingDays = answerWorkingDays(s.caseRow.kind, s.caseRow.channel);
  return {
    'organisation.nom': s.organisation.name,
    'dossier.reference': s.caseRow.reference,
    'dossier.objet': s.caseRow.subject,
    'dossier.date_reception': formatLongDate(s.caseRow.received_local_date),
    echeance: s.caseRow.due_date ? formatLongDate(s.caseRow.due_date) : null,
    delai_jours_ouvres: workingDays === null ? null : String(workingDays),
    'demandeur.nom': s.caseRow.requester_name,
    'service.nom': s.service?.name ?? null,
    'service.signature': signatureBlock(s.signatureForm, parts),
    'service.adresse': parts.postalAddress,
    'service.telephone': parts.phone,
    'service.site': parts.website,
    'service.courriel': parts.email,
    'agent.nom': s.agent?.name ?? null,
    'agent.fonction': s.agent?.title ?? null,
    'service_destinataire.nom': s.targetService?.name ?? null,
    date_du_jour: formatLongDate(s.today),
  };
}

/** Lectures communes, toutes dans l'exécuteur de l'appelant (jamais `ctx.db` pendant sa transaction). */
async function loadOrganisationSources(db: Executor, ctx: AppContext, organisationId: string) {
  const organisation = await findOrganisationById(db, organisationId);
  if (!organisation) throw new Error(`Organisation ${organisationId} introuvable`);
  const timeZone = departmentTimeZone(organisation.department_code);
  const today = instantToLocalDate(ctx.clock.now(), timeZone);
  const services = await listServices(db, organisationId);
  return { organisation, services, today };
}

async function outgoingByKey(db: Executor, uniqueKey: string) {
  return db.selectFrom('outgoing_mails').select(['id', 'message_id']).where('unique_key', '=', uniqueKey).executeTakeFirst();
}

export const NO_REQUESTER_EMAIL = 'Pas d’adresse électronique du demandeur : aucun courriel ne peut lui être envoyé.';

/** Ce que les accusés de réception d'une organisation lisent : chargé une fois (la relève le garde pour un lot). */
export interface AcknowledgmentContext {
  organisation: Organisation;
  services: Service[];
  /** Date locale du jour (fuseau du département). */
  today: string;
  /** Modèles d'accusé actifs. */
  templates: MailTemplateRow[];
  signatures: ReadonlyMap<string, ServiceSignatureRow>;
}

/** Lectures des accusés, dans l'exécuteur de l'appelant ; crée les modèles de départ qui manquent. */
export async function prepareAcknowledgments(
  db: Executor,
  ctx: AppContext,
  organisationId: string,
): Promise<AcknowledgmentContext> {
  const { organisation, services, today } = await loadOrganisationSources(db, ctx, organisationId);
  await ensureDefaultTemplates(db, ctx, organisationId, services);
  const templates = await listTemplates(db, organisationId, { purpose: 'acknowledgment' });
  const signatures = new Map((await listSignatures(db, organisationId)).map((s) => [s.service_id, s]));
  return { organisation, services, today, templates, signatures };
}

export interface AcknowledgmentInput {
  caseRow: CaseRow;
  mailbox: MailboxRow | null;
  inReplyTo: string | null;
  references?: string | null;
}

/**
 * L'accusé d'un dossier, composé sans rien écrire : le courriel à mettre en file (modèle du service et
 * de la nature, échéance, référence, signature), ou la raison de ne pas l'envoyer.
 */
export function composeAcknowledgment(
  prepared: AcknowledgmentContext,
  input: AcknowledgmentInput,
): { mail: OutgoingMailInput; fromAddress: string | null; template: MailTemplateRow } | { reason: string } {
  const { caseRow, mailbox } = input;
  if (!caseRow.requester_email) return { reason: NO_REQUESTER_EMAIL };
  const serviceId = caseRow.service_id ?? mailbox?.service_id ?? null;
  const template = chooseTemplate(prepared.templates, 'acknowledgment', serviceId, caseRow.kind);
  if (!template) return { reason: 'Aucun modèle d’accusé de réception actif : accusé non envoyé (voir Courrier › Modèles).' };
  const values = caseTemplateValues({
    organisation: prepared.organisation,
    caseRow,
    service: prepared.services.find((s) => s.id === serviceId),
    storedSignature: serviceId ? prepared.signatures.get(serviceId) : undefined,
    mailbox,
    signatureForm: 'functional',
    today: prepared.today,
  });
  return {
    template,
    fromAddress: mailbox?.address ?? null,
    mail: {
      organisationId: caseRow.organisation_id,
      caseId: caseRow.id,
      mailboxId: mailbox?.id ?? null,
      purpose: 'acknowledgment',
      uniqueKey: `acknowledgment:${caseRow.id}`,
      to: { address: caseRow.requester_email, name: caseRow.requester_name },
      subject: renderTemplate(template.subject, values).trim(),
      bodyText: renderTemplate(template.body, values),
      inReplyTo: input.inReplyTo,
      references: input.references ?? input.inReplyTo,
    },
  };
}

/** L'historique d'un accusé non envoyé (sans adresse, sans modèle). */
export function acknowledgmentNotSentEvent(caseRow: Pick<CaseRow, 'id'>, reason: string, now: string) {
  const summary = reason === NO_REQUESTER_EMAIL ? `Accusé de réception non envoyé : ${NO_REQUESTER_EMAIL}` : reason;
  return caseEvent(caseRow.id, 'acknowledgment_not_sent', SYSTEM_ACTOR, summary, now);
}

/** Ce que l'historique d'un dossier dit d'un accusé mis en file : le fait (sans personne nommée), et ses données. */
export function acknowledgmentQueuedFact(
  caseRow: Pick<CaseRow, 'requester_email'>,
  template: Pick<MailTemplateRow, 'id' | 'name'>,
  queued: { id: string; messageId: string },
) {
  return {
    summary: `accusé de réception mis en file pour le demandeur (modèle « ${template.name} »)`,
    data: { outgoingMailId: queued.id, messageId: queued.messageId, templateId: template.id, to: caseRow.requester_email },
  };
}

/** L'historique et l'audit d'un accusé mis en file. */
export function acknowledgmentQueuedRecords(
  caseRow: Pick<CaseRow, 'id' | 'organisation_id' | 'reference' | 'requester_email'>,
  template: Pick<MailTemplateRow, 'id' | 'name'>,
  queued: { id: string; messageId: string },
  now: string,
): { event: ReturnType<typeof caseEvent>; audit: AuditInput } {
  const fact = acknowledgmentQueuedFact(caseRow, template, queued);
  return {
    event: caseEvent(
      caseRow.id,
      'acknowledgment_queued',
      SYSTEM_ACTOR,
      `${fact.summary.charAt(0).toUpperCase()}${fact.summary.slice(1)}`,
      now,
      fact.data,
    ),
    audit: {
      organisationId: caseRow.organisation_id,
      actor: SYSTEM_ACTOR,
      action: 'mail.acknowledgment_queued',
      entityType: 'case',
      entityId: caseRow.id,
      summary: `Accusé de réception du dossier ${caseRow.reference} mis en file`,
      after: { outgoingMailId: queued.id, templateId: template.id },
    },
  };
}

const ALREADY_QUEUED = 'L’accusé de réception de ce dossier est déjà en file ou envoyé.';

/**
 * Accusé de réception d'un dossier, mis en file dans la transaction `db` de l'appelant (la relève crée
 * le dossier et son accusé ensemble). Une seule fois par dossier (clé « acknowledgment:<dossier> ») ;
 * sans adresse du demandeur, rien n'est mis en file et la raison est rendue, sans exception.
 */
export async function queueAcknowledgment(
  db: Executor,
  ctx: AppContext,
  input: AcknowledgmentInput,
): Promise<{ queued: boolean; reason?: string }> {
  const { caseRow } = input;
  const now = ctx.clock.now().toISOString();
  if (!caseRow.requester_email) {
    await insertCaseEvents(db, [acknowledgmentNotSentEvent(caseRow, NO_REQUESTER_EMAIL, now)]);
    return { queued: false, reason: NO_REQUESTER_EMAIL };
  }
  if (await outgoingByKey(db, `acknowledgment:${caseRow.id}`)) return { queued: false, reason: ALREADY_QUEUED };
  const composed = composeAcknowledgment(await prepareAcknowledgments(db, ctx, caseRow.organisation_id), input);
  if ('reason' in composed) {
    await insertCaseEvents(db, [acknowledgmentNotSentEvent(caseRow, composed.reason, now)]);
    return { queued: false, reason: composed.reason };
  }
  const result = await enqueueOutgoingMail(db, ctx, composed.mail, composed.fromAddress);
  if (!result.queued) return { queued: false, reason: ALREADY_QUEUED };
  const records = acknowledgmentQueuedRecords(caseRow, composed.template, result, now);
  await insertCaseEvents(db, [records.event]);
  await recordAudit(db, ctx.clock, records.audit);
  return { queued: true };
}

/** Un Message-ID utilisable dans un en-tête (la relève garde une empreinte quand le message n'en a pas). */
function isHeaderMessageId(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^<[^<>\s]+@[^<>\s]+>$/.test(value);
}

/**
 * En-têtes du fil du demandeur : In-Reply-To = le message d'origine relevé pour ce dossier, sinon
 * l'accusé de réception envoyé ; References = tout le fil connu, du plus ancien au plus récent.
 */
export async function threadHeaders(
  db: Executor,
  caseId: string,
): Promise<{ inReplyTo: string | null; references: string | null }> {
  const inbound = (
    await db
      .selectFrom('inbound_messages')
      .select('message_id')
      .where('case_id', '=', caseId)
      .orderBy('received_at')
      .orderBy('created_at')
      .execute()
  )
    .map((r) => r.message_id)
    .filter(isHeaderMessageId);
  const origin = inbound[0];
  if (origin) return { inReplyTo: origin, references: [...new Set(inbound)].join(' ') };
  const acknowledgment = await db
    .selectFrom('outgoing_mails')
    .select(['message_id', 'in_reply_to', 'references_header'])
    .where('case_id', '=', caseId)
    .where('purpose', '=', 'acknowledgment')
    .executeTakeFirst();
  if (!acknowledgment) return { inReplyTo: null, references: null };
  const earlier = acknowledgment.references_header ?? acknowledgment.in_reply_to;
  return {
    inReplyTo: acknowledgment.message_id,
    references: [earlier, acknowledgment.message_id].filter(Boolean).join(' '),
  };
}

/**
 * La boîte qui écrit au demandeur : celle qui a reçu son message (même fil), sinon celle du service
 * (`preferServiceId`, puis celui du dossier), sinon la première boîte qui a un relais SMTP ; aucune :
 * le courriel attend en file qu'une boîte soit configurée.
 */
export async function mailboxForCase(
  db: Executor,
  caseRow: Pick<CaseRow, 'id' | 'organisation_id' | 'service_id'>,
  preferServiceId?: string | null,
): Promise<MailboxRow | null> {
  const received = await db
    .selectFrom('inbound_messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'inbound_messages.mailbox_id')
    .selectAll('mailboxes')
    .where('inbound_messages.case_id', '=', caseRow.id)
    .orderBy('inbound_messages.received_at')
    .executeTakeFirst();
  if (received) return received;
  const mailboxes = (await listMailboxes(db, caseRow.organisation_id)).sort(
    (a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id),
  );
  const sending = (m: MailboxRow) => m.smtp_host !== null;
  for (const serviceId of [preferServiceId, caseRow.service_id]) {
    if (!serviceId) continue;
    const own = mailboxes.filter((m) => m.service_id === serviceId);
    const found = own.find(sending) ?? own[0];
    if (found) return found;
  }
  return mailboxes.find(sending) ?? mailboxes[0] ?? null;
}

/**
 * Avis de réorientation au demandeur, dans la transaction de la réaffectation : les usagers mystères
 * des CLU n'étaient « pas informés en cas de transfert ». Rend la phrase de l'historique (« avis de
 * réorientation envoyé à … » ou « pas d'adresse : avis non envoyé ») ; l'événement est écrit ici, sauf
 * si l'appelant l'ajoute à son propre événement (`recordEvent: false`).
 */
export async function queueReorientationNotice(
  db: Executor,
  ctx: AppContext,
  input: {
    caseRow: CaseRow;
    fromService: Pick<Service, 'id' | 'name'> | null;
    toService: Pick<Service, 'id' | 'name'>;
    mailbox: MailboxRow | null;
    actor: Actor;
    recordEvent?: boolean;
  },
): Promise<{ queued: boolean; reason?: string; summary: string }> {
  const { caseRow, toService, mailbox, actor } = input;
  const now = ctx.clock.now().toISOString();
  const record = async (type: string, summary: string, data?: unknown) => {
    if (input.recordEvent === false) return;
    await insertCaseEvents(db, [caseEvent(caseRow.id, type, actor, summary, now, data)]);
  };
  const notSent = async (reason: string, summary: string) => {
    await record('reorientation_notice_not_sent', summary);
    return { queued: false, reason, summary };
  };
  if (!caseRow.requester_email) {
    return notSent(NO_REQUESTER_EMAIL, 'pas d’adresse électronique : avis de réorientation non envoyé');
  }
  const organisationId = caseRow.organisation_id;
  await ensureDefaultTemplates(db, ctx, organisationId);
  const template = chooseTemplate(
    await listTemplates(db, organisationId, { purpose: 'reorientation' }),
    'reorientation',
    toService.id,
    caseRow.kind,
  );
  if (!template) {
    const reason = 'Aucun modèle d’avis de réorientation actif (voir Courrier › Modèles).';
    return notSent(reason, 'aucun modèle actif : avis de réorientation non envoyé');
  }
  const { organisation, services, today } = await loadOrganisationSources(db, ctx, organisationId);
  // Le service qui écrit (et signe) est celui qui transmet : la boîte d'origine, sinon l'ancien service.
  const senderId = mailbox?.service_id ?? input.fromService?.id ?? toService.id;
  const values = caseTemplateValues({
    organisation,
    caseRow,
    service: services.find((s) => s.id === senderId),
    storedSignature: await findSignature(db, organisationId, senderId),
    mailbox,
    signatureForm: 'functional',
    targetService: toService,
    today,
  });
  const thread = await threadHeaders(db, caseRow.id);
  const result = await enqueueOutgoingMail(
    db,
    ctx,
    {
      organisationId,
      caseId: caseRow.id,
      mailboxId: mailbox?.id ?? null,
      purpose: 'reorientation',
      uniqueKey: `reorientation:${caseRow.id}:${toService.id}:${now}`,
      to: { address: caseRow.requester_email, name: caseRow.requester_name },
      subject: renderTemplate(template.subject, values).trim(),
      bodyText: renderTemplate(template.body, values),
      inReplyTo: thread.inReplyTo,
      references: thread.references,
      createdByUserId: actor.userId,
    },
    mailbox?.address ?? null,
  );
  if (!result.queued) {
    return { queued: false, reason: 'Avis de réorientation déjà en file.', summary: 'avis de réorientation déjà en file' };
  }
  // Pas d'adresse dans le résumé : l'historique survit à l'effacement des données personnelles.
  const summary = 'avis de réorientation envoyé au demandeur (en file d’envoi)';
  await record('reorientation_notice_queued', `Avis de réorientation vers ${toService.name} : ${summary}`, {
    outgoingMailId: result.id,
    messageId: result.messageId,
    templateId: template.id,
    to: caseRow.requester_email,
  });
  return { queued: true, summary };
}

async function agentOf(db: Executor, actor: Actor) {
  if (!actor.userId) return { name: null, title: null };
  const user = await db
    .selectFrom('users')
    .select(['display_name', 'job_title'])
    .where('id', '=', actor.userId)
    .executeTakeFirst();
  return { name: user?.display_name ?? null, title: user?.job_title ?? null };
}

export interface AnswerDraft {
  to: { address: string; name: string | null };
  subject: string;
  bodyText: string;
  mailbox: MailboxRow | null;
  inReplyTo: string | null;
  references: string | null;
  templateId: string | null;
}

/**
 * Le courriel exact qui partira : variables remplies, signature choisie (ajoutée à la fin si le texte
 * ne l'appelle pas : jamais de réponse sans signature complète), fil du demandeur.
 */
async function composeAnswer(
  db: Executor,
  ctx: AppContext,
  caseRow: CaseRow,
  data: AnswerEmailInput,
  actor: Actor,
): Promise<AnswerDraft> {
  if (!caseRow.requester_email) throw new AppError('no_requester_email');
  const organisationId = caseRow.organisation_id;
  if (data.templateId) {
    const template = await findTemplate(db, organisationId, data.templateId);
    if (template?.purpose !== 'answer') {
      throw new AppError('validation_failed', { templateId: 'Modèle : choisissez un modèle de réponse de la liste.' });
    }
  }
  const { organisation, services, today } = await loadOrganisationSources(db, ctx, organisationId);
  const mailbox = await mailboxForCase(db, caseRow);
  const serviceId = caseRow.service_id ?? mailbox?.service_id ?? null;
  const values = caseTemplateValues({
    organisation,
    caseRow,
    service: services.find((s) => s.id === serviceId),
    storedSignature: serviceId ? await findSignature(db, organisationId, serviceId) : undefined,
    mailbox,
    signatureForm: data.signatureForm,
    agent: await agentOf(db, actor),
    today,
  });
  const body = /\{\{\s*service\.signature\s*\}\}/.test(data.body) ? data.body : `${data.body.trimEnd()}\n\n{{service.signature}}`;
  const thread = await threadHeaders(db, caseRow.id);
  return {
    to: { address: caseRow.requester_email, name: caseRow.requester_name },
    subject: renderTemplate(data.subject, values).replace(/\s+/g, ' ').trim(),
    bodyText: renderTemplate(body, values),
    mailbox,
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    templateId: data.templateId,
  };
}

async function answerableCase(ctx: AppContext, organisationId: string, caseId: string): Promise<CaseRow> {
  const caseRow = await findCase(ctx.db, organisationId, caseId);
  if (!caseRow) throw new AppError('not_found', {}, 'Dossier introuvable.');
  if (!caseRow.requester_email) throw new AppError('no_requester_email');
  return caseRow;
}

/** Aperçu de la réponse par courriel : exactement ce qui partira, sans rien enregistrer. */
export async function previewAnswerEmail(
  ctx: AppContext,
  organisationId: string,
  caseId: string,
  input: unknown,
  actor: Actor,
): Promise<AnswerDraft> {
  const data = validate(answerEmailSchema, input);
  const caseRow = await answerableCase(ctx, organisationId, caseId);
  return composeAnswer(ctx.db, ctx, caseRow, data, actor);
}

/**
 * Répond au demandeur par courriel : la réponse est enregistrée au dossier (canal courriel, date et
 * délai en jours ouvrés à l'heure de l'envoi, texte envoyé) et le courriel mis en file dans son fil,
 * dans une seule transaction. Un second envoi identique (double clic) est refusé.
 */
export async function sendAnswerByEmail(
  ctx: AppContext,
  organisationId: string,
  caseId: string,
  input: unknown,
  actor: Actor,
): Promise<{ delay: number; answeredLocalDate: string; outgoingMailId: string; to: string }> {
  const data = validate(answerEmailSchema, input);
  const caseRow = await answerableCase(ctx, organisationId, caseId);
  // Le courriel est composé d'abord (lectures seules) : le texte enregistré est exactement celui envoyé.
  const draft = await composeAnswer(ctx.db, ctx, caseRow, data, actor);
  let outgoingMailId = '';
  const answer = await recordAnswer(
    ctx,
    organisationId,
    caseId,
    { answeredAt: ctx.clock.now().toISOString(), answerChannel: 'email', answerText: draft.bodyText },
    actor,
    {
      within: async (trx) => {
        const queued = await enqueueOutgoingMail(
          trx,
          ctx,
          {
            organisationId,
            caseId,
            mailboxId: draft.mailbox?.id ?? null,
            purpose: 'answer',
            uniqueKey: `answer:${caseId}:${sha256(`${draft.subject}\n${draft.bodyText}`).slice(0, 32)}`,
            to: draft.to,
            subject: draft.subject,
            bodyText: draft.bodyText,
            inReplyTo: draft.inReplyTo,
            references: draft.references,
            createdByUserId: actor.userId,
          },
          draft.mailbox?.address ?? null,
        );
        if (!queued.queued) throw new AppError('duplicate_answer');
        outgoingMailId = queued.id;
        await insertCaseEvents(trx, [
          caseEvent(
            caseId,
            'answer_email_queued',
            actor,
            'Réponse au demandeur mise en file d’envoi',
            ctx.clock.now().toISOString(),
            {
              outgoingMailId: queued.id,
              messageId: queued.messageId,
              templateId: draft.templateId,
              to: draft.to.address,
              subject: draft.subject,
            },
          ),
        ]);
      },
    },
  );
  return { ...answer, outgoingMailId, to: draft.to.address };
}

/** Ce que la page « Répondre par courriel » propose : les réponses types actives, et le modèle choisi. */
export async function answerEmailForm(ctx: AppContext, organisationId: string, caseId: string, templateId?: string) {
  const caseRow = await findCase(ctx.db, organisationId, caseId);
  if (!caseRow) throw new AppError('not_found', {}, 'Dossier introuvable.');
  await ctx.db.transaction().execute((trx) => ensureDefaultTemplates(trx, ctx, organisationId));
  const templates = await listTemplates(ctx.db, organisationId, { purpose: 'answer' });
  const selected = templateId ? templates.find((t) => t.id === templateId) : undefined;
  return { caseRow, templates, selected };
}
