import type { Insertable, Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId, newOrderedId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, type AuditInput, recordAudit, recordAudits } from '../audit/audit.service.ts';
import { localDateOf, organisationCalendar, type ResolvedCalendar } from '../calendar/calendar.service.ts';
import { mailboxForCase, queueReorientationNotice } from '../mail/correspondence.service.ts';
import { listPerimeter, listServices } from '../organisations/organisation.repository.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import { listIndicators } from '../referentiel/referentiel.repository.ts';
import {
  answeredAround,
  type CaseFilters,
  type CaseRow,
  caseFactsBetween,
  caseGroupsBetween,
  casesByReferences,
  countCases,
  findCase,
  findCaseImport,
  insertCaseEvents,
  insertCases,
  insertCaseThemes,
  insertThemes,
  listCaseEvents,
  listCases,
  listThemes,
  reserveReferences,
  themesOfCases,
  updateCase,
} from './case.repository.ts';
import { answerSchema, appointmentSchema, newCaseSchema, reassignSchema, reclassifySchema } from './case.schemas.ts';
import type { CaseEventTable } from './case.table.ts';
import { caseEvent } from './case-event.ts';
import { dueDatesFor } from './deadline-rules.ts';
import { monthsOf, type Period, parsePeriod } from './period.ts';
import {
  type CaseFacts,
  computeRegisterIndicator,
  type IndicatorResult,
  type IndicatorSummary,
  indicatorFromGroups,
  type RegisterIndicatorDefinition,
  registerIndicatorsFor,
} from './register-indicators.ts';
import { type CaseChannel, type CaseKind, CHANNEL_LABELS, DEFAULT_THEMES, KIND_LABELS, type UpdateTarget } from './vocabulary.ts';

export function formatReference(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(5, '0')}`;
}

/** Le calendrier de l'organisation et son département (fuseau, jours fériés, fermetures). */
export async function organisationContext(ctx: AppContext, organisationId: string) {
  const organisation = await getOrganisation(ctx, organisationId);
  const resolved = await organisationCalendar(ctx, organisationId, organisation.department_code);
  return { organisation, ...resolved };
}

/** Taxonomie des thèmes ; créée avec les thèmes de départ à la première lecture. */
export async function themesOf(ctx: AppContext, organisationId: string, options: { includeArchived?: boolean } = {}) {
  let themes = await listThemes(ctx.db, organisationId);
  if (themes.length === 0) {
    const now = ctx.clock.now().toISOString();
    await insertThemes(
      ctx.db,
      DEFAULT_THEMES.map((label) => ({
        id: newId(),
        organisation_id: organisationId,
        label,
        archived_at: null,
        created_at: now,
      })),
    );
    themes = await listThemes(ctx.db, organisationId);
  }
  // Un thème archivé n'est plus proposé à la saisie, mais reste attaché aux dossiers qui l'ont.
  return options.includeArchived ? themes : themes.filter((t) => t.archived_at === null);
}

function checkTarget(kind: CaseKind, target: UpdateTarget | undefined): UpdateTarget | null {
  if (kind === 'update_request') {
    if (!target)
      throw new AppError('validation_failed', { target: 'Cible : indiquez svi (serveur vocal) ou website (site internet).' });
    return target;
  }
  return null;
}

/** Ce que la création d'un dossier lit de son organisation : chargé une fois (la relève le garde pour un lot). */
export interface CaseCreationContext {
  organisationId: string;
  department: ResolvedCalendar['department'];
  calendar: ResolvedCalendar['calendar'];
  serviceIds: ReadonlySet<string>;
  themeIds: ReadonlySet<string>;
}

/**
 * Lit l'organisation, son calendrier, ses services et ses thèmes. `ctx.db` peut être la transaction
 * de l'appelant (sur SQLite, une lecture par `ctx.db` pendant une transaction l'attendrait sans fin).
 */
export async function prepareCaseCreation(ctx: AppContext, organisationId: string): Promise<CaseCreationContext> {
  const { department, calendar } = await organisationContext(ctx, organisationId);
  const services = await listServices(ctx.db, organisationId);
  const themes = await themesOf(ctx, organisationId);
  return {
    organisationId,
    department,
    calendar,
    serviceIds: new Set(services.map((s) => s.id)),
    themeIds: new Set(themes.map((t) => t.id)),
  };
}

/** Un dossier validé, échéances calculées, prêt à écrire ; sa référence est attribuée à l'écriture. */
export interface CaseDraft {
  row: Omit<CaseRow, 'reference'>;
  themeIds: string[];
}

/** Les règles de la saisie (dates, cible, service, thèmes, échéances) sur une saisie déjà validée par zod. */
function draftFrom(ctx: AppContext, prepared: CaseCreationContext, data: z.infer<typeof newCaseSchema>): CaseDraft {
  const { department, calendar } = prepared;
  const target = checkTarget(data.kind, data.target);
  const received = localDateOf(data.receivedAt, department, 'receivedAt', 'Date de réception');
  let deposit: string | null = null;
  if (data.depositedAt) {
    deposit = localDateOf(data.depositedAt, department, 'depositedAt', 'Date de dépôt');
    if (deposit > received)
      throw new AppError('validation_failed', { depositedAt: 'Date de dépôt : elle ne peut pas suivre la relève de l’urne.' });
  }
  if (data.serviceId && !prepared.serviceIds.has(data.serviceId)) {
    throw new AppError('validation_failed', { serviceId: 'Service inconnu.' });
  }
  if (data.themeIds.some((id) => !prepared.themeIds.has(id)))
    throw new AppError('validation_failed', { themeIds: 'Thème inconnu.' });
  const dues = dueDatesFor(data.kind, data.channel, received, (r, n) => calendar.dueDate(r, n));
  const now = ctx.clock.now().toISOString();
  return {
    row: {
      id: newOrderedId(),
      organisation_id: prepared.organisationId,
      kind: data.kind,
      channel: data.channel,
      audience: data.audience,
      target,
      service_id: data.serviceId ?? null,
      status: 'received',
      received_at: data.receivedAt,
      received_local_date: received,
      deposit_local_date: deposit,
      due_date: dues.answer,
      appointment_fixed_due: dues.appointmentFixed,
      appointment_held_due: dues.appointmentHeld,
      appointment_fixed_local_date: null,
      appointment_held_local_date: null,
      requester_name: data.requesterName ?? null,
      requester_email: data.requesterEmail ?? null,
      requester_address: data.requesterAddress ?? null,
      subject: data.subject ?? null,
      body: data.body ?? null,
      answered_at: null,
      answered_local_date: null,
      answer_delay: null,
      answer_channel: null,
      answer_text: null,
      follow_up: null,
      import_id: null,
      closed_at: null,
      personal_data_erased_at: null,
      mystery_contact_id: null,
      created_at: now,
      updated_at: now,
    },
    themeIds: data.themeIds,
  };
}

/** Les règles de la saisie sur une saisie déjà validée par `newCaseSchema` (la relève la valide hors du fil principal). */
export function draftValidatedCase(
  ctx: AppContext,
  prepared: CaseCreationContext,
  data: z.infer<typeof newCaseSchema>,
): CaseDraft {
  return draftFrom(ctx, prepared, data);
}

/** Valide une saisie de dossier (erreurs par champ) sans rien écrire. */
export function draftCase(ctx: AppContext, prepared: CaseCreationContext, input: unknown): CaseDraft {
  return draftFrom(ctx, prepared, validate(newCaseSchema, input));
}

/** `count` références libres de l'année ; un numéro déjà pris (dossier importé à la forme de Vigie) est sauté. */
async function freeReferences(trx: Executor, organisationId: string, year: number, count: number): Promise<string[]> {
  const free: string[] = [];
  while (free.length < count) {
    const needed = count - free.length;
    const first = await reserveReferences(trx, organisationId, year, needed);
    const candidates = Array.from({ length: needed }, (_, i) => formatReference(year, first + i));
    const taken = new Set((await casesByReferences(trx, organisationId, candidates)).map((c) => c.reference));
    free.push(...candidates.filter((r) => !taken.has(r)));
  }
  return free;
}

/**
 * L'événement « reçu » de l'historique et l'audit de création d'un dossier. `insertNewCases` les écrit ;
 * un appelant qui a davantage à dire (la relève : le courriel, l'accusé) les complète et les écrit lui-même.
 */
export function creationRecords(row: CaseRow, actor: Actor): { event: Insertable<CaseEventTable>; audit: AuditInput } {
  return {
    event: caseEvent(
      row.id,
      'received',
      actor,
      `${KIND_LABELS[row.kind]} reçue par ${CHANNEL_LABELS[row.channel].toLowerCase()} le ${row.received_local_date}${row.due_date ? `, échéance le ${row.due_date}` : ''}`,
      row.created_at,
    ),
    audit: {
      organisationId: row.organisation_id,
      actor,
      action: 'case.created',
      entityType: 'case',
      entityId: row.id,
      summary: `Dossier ${row.reference} enregistré`,
      after: {
        reference: row.reference,
        kind: row.kind,
        channel: row.channel,
        receivedLocalDate: row.received_local_date,
        dueDate: row.due_date,
      },
    },
  };
}

/**
 * Écrit des dossiers préparés par `draftCase` dans la transaction de l'appelant : références, dossiers,
 * thèmes, et (sauf `records: false`, l'appelant les écrivant alors) événement « reçu » et audit, chaque
 * sorte en une écriture groupée. Rend les lignes dans l'ordre.
 */
export async function insertNewCases(
  trx: Transaction<Database>,
  ctx: AppContext,
  prepared: CaseCreationContext,
  drafts: CaseDraft[],
  actor: Actor,
  options: { records?: boolean } = {},
): Promise<CaseRow[]> {
  const organisationId = prepared.organisationId;
  const byYear = new Map<number, number[]>();
  drafts.forEach((draft, index) => {
    const year = Number(draft.row.received_local_date.slice(0, 4));
    byYear.set(year, [...(byYear.get(year) ?? []), index]);
  });
  const references: string[] = [];
  for (const [year, indexes] of byYear) {
    const free = await freeReferences(trx, organisationId, year, indexes.length);
    indexes.forEach((index, i) => {
      references[index] = free[i] as string;
    });
  }
  const rows: CaseRow[] = drafts.map((draft, index) => ({ ...draft.row, reference: references[index] as string }));
  await insertCases(trx, rows, ctx.engine);
  await insertCaseThemes(
    trx,
    drafts.flatMap((draft) => draft.themeIds.map((theme_id) => ({ case_id: draft.row.id, theme_id }))),
  );
  if (options.records !== false) {
    const records = rows.map((row) => creationRecords(row, actor));
    await insertCaseEvents(
      trx,
      records.map((r) => r.event),
    );
    await recordAudits(
      trx,
      ctx.clock,
      records.map((r) => r.audit),
    );
  }
  return rows;
}

export async function createCase(
  ctx: AppContext,
  organisationId: string,
  input: unknown,
  actor: Actor,
  options?: {
    /** Écritures liées (message relevé, pièces jointes, accusé) : dans la même transaction, tout ou rien. */
    within?: (trx: Transaction<Database>, row: CaseRow) => Promise<void>;
  },
): Promise<CaseRow> {
  const data = validate(newCaseSchema, input);
  const prepared = await prepareCaseCreation(ctx, organisationId);
  const draft = draftFrom(ctx, prepared, data);
  let row: CaseRow | undefined;
  await ctx.db.transaction().execute(async (trx) => {
    [row] = await insertNewCases(trx, ctx, prepared, [draft], actor);
    if (row && options?.within) await options.within(trx, row);
  });
  if (!row) throw new AppError('internal');
  return row;
}

async function existingCase(ctx: AppContext, organisationId: string, caseId: string): Promise<CaseRow> {
  const row = await findCase(ctx.db, organisationId, caseId);
  if (!row) throw new AppError('not_found', {}, 'Dossier introuvable.');
  return row;
}

export async function recordAnswer(
  ctx: AppContext,
  organisationId: string,
  caseId: string,
  input: unknown,
  actor: Actor,
  options?: {
    /** Ce qui accompagne la réponse (courriel mis en file, lettre jointe) : même transaction, tout ou rien. */
    within?: (trx: Transaction<Database>, row: CaseRow) => Promise<void>;
  },
) {
  const data = validate(answerSchema, input);
  const row = await existingCase(ctx, organisationId, caseId);
  const { department, calendar } = await organisationContext(ctx, organisationId);
  const answered = localDateOf(data.answeredAt, department, 'answeredAt', 'Date de réponse');
  if (answered < row.received_local_date) {
    throw new AppError('answer_before_receipt', {
      answeredAt: `Date de réponse : elle précède la réception (${row.received_local_date}).`,
    });
  }
  const delay = calendar.delay(row.received_local_date, answered);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateCase(trx, organisationId, caseId, {
      status: 'answered',
      answered_at: data.answeredAt,
      answered_local_date: answered,
      answer_delay: delay,
      answer_channel: data.answerChannel,
      answer_text: data.answerText ?? null,
      follow_up: data.followUp ?? row.follow_up,
      updated_at: now,
    });
    await insertCaseEvents(trx, [
      caseEvent(
        caseId,
        'answered',
        actor,
        `Réponse par ${CHANNEL_LABELS[data.answerChannel].toLowerCase()} le ${answered} (délai : ${delay} jour${delay > 1 ? 's' : ''} ouvré${delay > 1 ? 's' : ''})`,
        now,
      ),
    ]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'case.answered',
      entityType: 'case',
      entityId: caseId,
      summary: `Réponse au dossier ${row.reference}`,
      before: { status: row.status, answeredLocalDate: row.answered_local_date },
      after: { status: 'answered', answeredLocalDate: answered, delay },
    });
    if (options?.within) await options.within(trx, row);
  });
  return { delay, answeredLocalDate: answered };
}

/** Requalification : nature, canal, public ; les échéances sont recalculées. */
export async function reclassifyCase(ctx: AppContext, organisationId: string, caseId: string, input: unknown, actor: Actor) {
  const data = validate(reclassifySchema, input);
  const row = await existingCase(ctx, organisationId, caseId);
  const { calendar } = await organisationContext(ctx, organisationId);
  const target = checkTarget(data.kind, data.target);
  const dues = dueDatesFor(data.kind, data.channel, row.received_local_date, (r, n) => calendar.dueDate(r, n));
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateCase(trx, organisationId, caseId, {
      kind: data.kind,
      channel: data.channel,
      audience: data.audience,
      target,
      due_date: dues.answer,
      appointment_fixed_due: dues.appointmentFixed,
      appointment_held_due: dues.appointmentHeld,
      updated_at: now,
    });
    await insertCaseEvents(trx, [
      caseEvent(
        caseId,
        'reclassified',
        actor,
        `Requalifié : ${KIND_LABELS[row.kind]} → ${KIND_LABELS[data.kind]}, ${CHANNEL_LABELS[row.channel].toLowerCase()} → ${CHANNEL_LABELS[data.channel].toLowerCase()}${data.reason ? ` (${data.reason})` : ''}`,
        now,
      ),
    ]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'case.reclassified',
      entityType: 'case',
      entityId: caseId,
      summary: `Dossier ${row.reference} requalifié`,
      before: { kind: row.kind, channel: row.channel, audience: row.audience, dueDate: row.due_date },
      after: { kind: data.kind, channel: data.channel, audience: data.audience, dueDate: dues.answer },
    });
  });
}

/** Réaffectation à un autre service ; « réorienté » quand le dossier part vers le service compétent. */
export async function reassignCase(ctx: AppContext, organisationId: string, caseId: string, input: unknown, actor: Actor) {
  const data = validate(reassignSchema, input);
  const row = await existingCase(ctx, organisationId, caseId);
  const services = await listServices(ctx.db, organisationId);
  const service = services.find((s) => s.id === data.serviceId);
  if (!service) throw new AppError('validation_failed', { serviceId: 'Service inconnu.' });
  const previous = services.find((s) => s.id === row.service_id);
  const now = ctx.clock.now().toISOString();
  const status = data.reorient && row.status !== 'answered' && row.status !== 'closed' ? 'reoriented' : row.status;
  await ctx.db.transaction().execute(async (trx) => {
    await updateCase(trx, organisationId, caseId, { service_id: service.id, status, updated_at: now });
    // Réorientation : le demandeur en est averti par courriel, dans la même transaction.
    const notice = data.reorient
      ? await queueReorientationNotice(trx, ctx, {
          caseRow: row,
          fromService: previous ?? null,
          toService: service,
          mailbox: await mailboxForCase(trx, row, previous?.id),
          actor,
          recordEvent: false,
        })
      : null;
    await insertCaseEvents(trx, [
      caseEvent(
        caseId,
        data.reorient ? 'reoriented' : 'reassigned',
        actor,
        `${data.reorient ? 'Réorienté' : 'Réaffecté'} : ${previous?.name ?? 'aucun service'} → ${service.name}${data.note ? ` (${data.note})` : ''}${notice ? ` ; ${notice.summary}` : ''}`,
        now,
      ),
    ]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: data.reorient ? 'case.reoriented' : 'case.reassigned',
      entityType: 'case',
      entityId: caseId,
      summary: `Dossier ${row.reference} confié à ${service.name}`,
      before: { serviceId: row.service_id, status: row.status },
      after: { serviceId: service.id, status },
    });
  });
}

/** Rendez-vous d'élu : date à laquelle le rendez-vous a été fixé, puis date où il s'est tenu. */
export async function recordAppointment(ctx: AppContext, organisationId: string, caseId: string, input: unknown, actor: Actor) {
  const data = validate(appointmentSchema, input);
  const row = await existingCase(ctx, organisationId, caseId);
  if (row.kind !== 'elected_official_appointment')
    throw new AppError('validation_failed', { fixedAt: 'Ce dossier n’est pas une demande de rendez-vous.' });
  const { department, calendar } = await organisationContext(ctx, organisationId);
  const fixed = data.fixedAt
    ? localDateOf(data.fixedAt, department, 'fixedAt', 'Date de fixation')
    : row.appointment_fixed_local_date;
  const held = data.heldAt
    ? localDateOf(data.heldAt, department, 'heldAt', 'Date du rendez-vous')
    : row.appointment_held_local_date;
  for (const [field, value] of [
    ['fixedAt', fixed],
    ['heldAt', held],
  ] as const) {
    if (value && value < row.received_local_date)
      throw new AppError('answer_before_receipt', { [field]: `Cette date précède la réception (${row.received_local_date}).` });
  }
  if (fixed && held && held < fixed)
    throw new AppError('validation_failed', { heldAt: 'Le rendez-vous ne peut pas précéder le jour où il a été fixé.' });
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateCase(trx, organisationId, caseId, {
      appointment_fixed_local_date: fixed,
      appointment_held_local_date: held,
      status: held ? 'answered' : row.status === 'received' ? 'in_progress' : row.status,
      answered_local_date: held ?? row.answered_local_date,
      answer_delay: held ? calendar.delay(row.received_local_date, held) : row.answer_delay,
      updated_at: now,
    });
    await insertCaseEvents(trx, [
      caseEvent(caseId, 'appointment', actor, `Rendez-vous : fixé le ${fixed ?? '—'}, tenu le ${held ?? '—'}`, now),
    ]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'case.appointment',
      entityType: 'case',
      entityId: caseId,
      summary: `Rendez-vous du dossier ${row.reference}`,
      after: { fixed, held },
    });
  });
}

export async function closeCase(ctx: AppContext, organisationId: string, caseId: string, actor: Actor) {
  const row = await existingCase(ctx, organisationId, caseId);
  if (row.status === 'closed') return;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateCase(trx, organisationId, caseId, { status: 'closed', closed_at: now, updated_at: now });
    await insertCaseEvents(trx, [caseEvent(caseId, 'closed', actor, 'Dossier clos', now)]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'case.closed',
      entityType: 'case',
      entityId: caseId,
      summary: `Dossier ${row.reference} clos`,
      before: { status: row.status },
      after: { status: 'closed' },
    });
  });
}

export async function caseDetail(ctx: AppContext, organisationId: string, caseId: string) {
  const row = await existingCase(ctx, organisationId, caseId);
  const [recorded, themes, imported] = await Promise.all([
    listCaseEvents(ctx.db, caseId),
    themesOfCases(ctx.db, [caseId]),
    row.import_id ? findCaseImport(ctx.db, organisationId, row.import_id) : Promise.resolve(undefined),
  ]);
  // Un dossier importé commence son historique par l'import (une ligne par import, pas par dossier).
  const events = imported
    ? [
        {
          id: imported.id,
          case_id: caseId,
          type: 'imported',
          actor_user_id: imported.actor_user_id,
          actor_label: imported.actor_label,
          summary: `Importé${imported.file_name ? ` depuis ${imported.file_name}` : ''}`,
          data_json: null,
          occurred_at: imported.occurred_at,
        },
        ...recorded,
      ]
    : recorded;
  return { case: row, events, themes: themes.map((t) => ({ id: t.theme_id, label: t.label })) };
}

export async function searchCases(ctx: AppContext, organisationId: string, filters: CaseFilters, page: number, pageSize: number) {
  const total = await countCases(ctx.db, organisationId, filters);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = await listCases(ctx.db, organisationId, filters, pageSize, (current - 1) * pageSize);
  return { total, page: current, pageCount, rows };
}

/** Ligne lue par `caseFactsBetween` → faits du calcul (sans donnée personnelle). */
function factsOf(r: Awaited<ReturnType<typeof caseFactsBetween>>[number]): CaseFacts {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind,
    channel: r.channel as CaseChannel,
    audience: r.audience,
    target: r.target,
    receivedLocalDate: r.received_local_date,
    answeredLocalDate: r.answered_local_date,
    appointmentFixedLocalDate: r.appointment_fixed_local_date,
    appointmentHeldLocalDate: r.appointment_held_local_date,
    answerDelay: r.answer_delay,
  };
}

export interface IndicatorValue extends IndicatorResult {
  label: string;
  period: string;
  asOf: string;
}

/**
 * Indicateurs du registre pour une période à une date d'arrêté, selon le périmètre de l'organisation
 * (module 4 compris s'il y est), avec les dossiers derrière chaque valeur.
 */
export async function registerIndicators(
  ctx: AppContext,
  organisationId: string,
  periodText: string,
  asOfText: string,
): Promise<IndicatorValue[]> {
  const period = parsePeriod(periodText);
  if (!period) {
    throw new AppError('validation_failed', {
      period: `Période : « ${periodText} » attendue sous la forme 2026-03 (mois), 2026-Q1 (trimestre) ou 2026 (année).`,
    });
  }
  const { department, calendar } = await organisationContext(ctx, organisationId);
  const asOf = localDateOf(asOfText, department, 'asOf', 'Date d’arrêté');
  const [perimeter, labels, rows] = await Promise.all([
    listPerimeter(ctx.db, organisationId),
    listIndicators(ctx.db),
    caseFactsBetween(ctx.db, organisationId, period.start, period.end),
  ]);
  const facts = rows.map(factsOf);
  return registerIndicatorsFor(perimeter).map((definition) => ({
    ...computeRegisterIndicator(definition, facts, period, asOf, calendar),
    label: labels.find((l) => l.key === definition.key)?.label ?? definition.key,
    period: period.key,
    asOf,
  }));
}

export interface IndicatorTableRow {
  key: string;
  label: string;
  unit: 'percent' | 'working_days';
  /** Une valeur par mois, puis celle de toute la période (recalculée, jamais une moyenne de taux). */
  months: IndicatorSummary[];
  total: IndicatorSummary;
}

/**
 * Le tableau mensuel des indicateurs du registre (celui des CLU) : une lecture agrégée de la période
 * entière, puis chaque mois et le total à partir des agrégats.
 */
export async function registerIndicatorTable(ctx: AppContext, organisationId: string, periodText: string, asOfText: string) {
  const period = parsePeriod(periodText);
  if (!period) {
    throw new AppError('validation_failed', {
      period: `Période : « ${periodText} » attendue sous la forme 2026-03 (mois), 2026-Q1 (trimestre) ou 2026 (année).`,
    });
  }
  const { department, calendar } = await organisationContext(ctx, organisationId);
  const asOf = localDateOf(asOfText, department, 'asOf', 'Date d’arrêté');
  const [perimeter, labels, groups, appointments] = await Promise.all([
    listPerimeter(ctx.db, organisationId),
    listIndicators(ctx.db),
    caseGroupsBetween(ctx.db, organisationId, period.start, period.end, asOf),
    caseFactsBetween(ctx.db, organisationId, period.start, period.end, true),
  ]);
  const appointmentFacts = appointments.map(factsOf);
  const months = monthsOf(period);
  const valueFor = (definition: RegisterIndicatorDefinition, p: Period) => {
    if (definition.milestone === 'answer') return indicatorFromGroups(definition, groups, p, asOf);
    const { cases, ...rest } = computeRegisterIndicator(definition, appointmentFacts, p, asOf, calendar);
    return { ...rest, pending: cases.pending.length };
  };
  const rows: IndicatorTableRow[] = registerIndicatorsFor(perimeter).map((definition) => ({
    key: definition.key,
    label: labels.find((l) => l.key === definition.key)?.label ?? definition.key,
    unit: definition.unit,
    months: months.map((m) => valueFor(definition, m)),
    total: valueFor(definition, period),
  }));
  return { period, months, asOf, rows };
}

/**
 * Un jour de fermeture ajouté ou retiré change le délai des réponses qui l'enjambent : on les
 * recalcule (les échéances annoncées aux usagers, elles, restent celles de la réception).
 */
export async function recomputeAnswerDelays(ctx: AppContext, organisationId: string, date: string): Promise<number> {
  const { calendar } = await organisationContext(ctx, organisationId);
  const rows = await answeredAround(ctx.db, organisationId, date);
  let changed = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const row of rows) {
      if (!row.answered_local_date) continue;
      const delay = calendar.delay(row.received_local_date, row.answered_local_date);
      if (delay !== row.answer_delay) {
        await updateCase(trx, organisationId, row.id, { answer_delay: delay });
        changed++;
      }
    }
  });
  return changed;
}
