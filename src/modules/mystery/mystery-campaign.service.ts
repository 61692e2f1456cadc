import type { Insertable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { actorDisplayName } from '../accounts/viewer.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { organisationCalendar } from '../calendar/calendar.service.ts';
import { MAX_YEAR, MIN_YEAR, parseCivilDate } from '../calendar/civil-date.ts';
import { listSchoolHolidays, organisationSchoolZone } from '../calendar/school-holiday.service.ts';
import { coverage } from '../calendar/school-holidays.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import type { MysteryContactTable } from './mystery.table.ts';
import {
  type CampaignRow,
  type ContactRow,
  countCampaigns,
  countContactsByCampaign,
  deleteContacts,
  deleteEvaluators,
  deleteTargets,
  type EvaluatorRow,
  findCampaign,
  insertCampaign,
  insertContacts,
  insertEvaluator,
  insertTarget,
  listCampaignPage,
  listContacts,
  listEvaluatorCandidates,
  listEvaluators,
  listMailboxesOfKind,
  listTargets,
  type TargetRow,
  updateCampaign,
  updateEvaluator,
  updateTarget,
} from './mystery-campaign.repository.ts';
import {
  type CampaignHeadInput,
  type ContactFormRow,
  campaignHeadSchema,
  channelsOf,
  type EvaluatorFormRow,
  evaluatorRowErrors,
  isHalfDay,
  isKeptContact,
  readContactRows,
  readEvaluatorRows,
  readTargetRows,
  type TargetFormRow,
  targetRowErrors,
} from './mystery-campaign.schemas.ts';
import { cancelPendingCampaignEmails } from './mystery-mail.repository.ts';
import { checkMysteryMailbox, scheduleCampaignEmails } from './mystery-mail.service.ts';
import {
  CHANNEL_LABELS,
  checkPlan,
  checkWindow,
  MIN_CONTACTS_PER_CHANNEL,
  type MysteryChannel,
  type PlannedContact,
  type PlanSetting,
  type PlanViolation,
  proposePlan,
  slotsOf,
} from './mystery-plan.ts';
import { listAllScenarios, type ScenarioRow } from './mystery-scenario.repository.ts';

export type { CampaignRow, ContactRow, EvaluatorRow, TargetRow };

export const CAMPAIGN_PAGE_SIZE = 20;

// ——— Lecture ———

export async function campaignPage(ctx: AppContext, organisationId: string, requestedPage: number) {
  const total = await countCampaigns(ctx.db, organisationId);
  const pageCount = Math.max(1, Math.ceil(total / CAMPAIGN_PAGE_SIZE));
  const page = Math.min(Math.max(1, requestedPage), pageCount);
  const rows = await listCampaignPage(ctx.db, organisationId, {
    limit: CAMPAIGN_PAGE_SIZE,
    offset: (page - 1) * CAMPAIGN_PAGE_SIZE,
  });
  const counts = await countContactsByCampaign(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    rows: rows.map((campaign) => ({
      campaign,
      calls: counts.find((c) => c.campaignId === campaign.id && c.channel === 'call')?.count ?? 0,
      emails: counts.find((c) => c.campaignId === campaign.id && c.channel === 'email')?.count ?? 0,
    })),
    total,
    page,
    pageCount,
  };
}

export async function getCampaign(ctx: AppContext, organisationId: string, id: string): Promise<CampaignRow> {
  const row = await findCampaign(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Campagne d’enquêtes mystère introuvable.');
  return row;
}

/** Ce que l'organisation offre au formulaire de campagne : services, boîtes, comptes qui peuvent enquêter. */
export async function campaignFormOptions(ctx: AppContext, organisationId: string) {
  const [services, mysteryMailboxes, functionalMailboxes, candidates] = await Promise.all([
    listServices(ctx.db, organisationId),
    listMailboxesOfKind(ctx.db, organisationId, 'mystery'),
    listMailboxesOfKind(ctx.db, organisationId, 'functional'),
    listEvaluatorCandidates(ctx.db, organisationId),
  ]);
  return { services, mysteryMailboxes, functionalMailboxes, candidates };
}
export type CampaignFormOptions = Awaited<ReturnType<typeof campaignFormOptions>>;

/** Cibles suggérées : le standard, chaque service (numéro à saisir), chaque adresse fonctionnelle connue. */
function suggestedTargets(options: CampaignFormOptions): Omit<TargetFormRow, 'index' | 'kind' | 'id' | 'include'>[] {
  const standard = options.services.find((s) => /standard/i.test(s.name));
  const rows: Omit<TargetFormRow, 'index' | 'kind' | 'id' | 'include'>[] = [
    { channel: 'call', label: 'Standard de la préfecture', address: '', serviceId: standard?.id ?? '' },
  ];
  for (const service of options.services) {
    if (service.id === standard?.id) continue;
    rows.push({ channel: 'call', label: service.name, address: '', serviceId: service.id });
  }
  const addresses = new Set<string>();
  for (const mailbox of options.functionalMailboxes) {
    addresses.add(mailbox.address.toLowerCase());
    rows.push({ channel: 'email', label: mailbox.label, address: mailbox.address, serviceId: mailbox.service_id });
  }
  for (const service of options.services) {
    if (!service.mailbox_address || addresses.has(service.mailbox_address.toLowerCase())) continue;
    addresses.add(service.mailbox_address.toLowerCase());
    rows.push({ channel: 'email', label: service.name, address: service.mailbox_address, serviceId: service.id });
  }
  return rows;
}

const BLANK_TARGET_ROWS = 3;
const BLANK_EVALUATOR_ROWS = 3;

/**
 * Les lignes du formulaire pour une campagne (ou une nouvelle) : cibles retenues, puis suggestions non
 * retenues (cochées d'avance pour une nouvelle campagne quand l'adresse est connue), puis lignes libres.
 */
export function campaignFormRows(
  options: CampaignFormOptions,
  current?: { targets: TargetRow[]; evaluators: EvaluatorRow[] },
): { targets: TargetFormRow[]; evaluators: EvaluatorFormRow[] } {
  const targets: TargetFormRow[] = [];
  for (const t of current?.targets ?? []) {
    targets.push({
      index: targets.length,
      kind: 'existing',
      id: t.id,
      include: true,
      channel: t.channel,
      label: t.label,
      address: t.address ?? '',
      serviceId: t.service_id ?? '',
    });
  }
  const taken = new Set(targets.map((t) => `${t.channel}|${t.label}|${t.address.toLowerCase()}`));
  const takenLabels = new Set(targets.map((t) => `${t.channel}|${t.label}`));
  for (const s of suggestedTargets(options)) {
    if (taken.has(`${s.channel}|${s.label}|${s.address.toLowerCase()}`) || takenLabels.has(`${s.channel}|${s.label}`)) continue;
    targets.push({ ...s, index: targets.length, kind: 'candidate', id: '', include: !current && s.channel === 'email' });
  }
  for (let i = 0; i < BLANK_TARGET_ROWS; i++) {
    targets.push({
      index: targets.length,
      kind: 'new',
      id: '',
      include: false,
      channel: 'call',
      label: '',
      address: '',
      serviceId: '',
    });
  }

  const evaluators: EvaluatorFormRow[] = [];
  for (const c of options.candidates) {
    const existing = current?.evaluators.find((e) => e.user_id === c.userId);
    evaluators.push({
      index: evaluators.length,
      kind: 'agent',
      id: existing?.id ?? '',
      include: existing !== undefined,
      userId: c.userId,
      label: c.displayName,
    });
  }
  for (const e of current?.evaluators ?? []) {
    if (e.user_id !== null && options.candidates.some((c) => c.userId === e.user_id)) continue;
    evaluators.push({ index: evaluators.length, kind: 'external', id: e.id, include: true, userId: '', label: e.label });
  }
  for (let i = 0; i < BLANK_EVALUATOR_ROWS; i++) {
    evaluators.push({ index: evaluators.length, kind: 'new', id: '', include: false, userId: '', label: '' });
  }
  return { targets, evaluators };
}

/** Les lignes renvoyées par le formulaire, pour le réafficher tel que saisi. */
export function campaignRowsFromBody(body: Record<string, unknown>) {
  return { targets: readTargetRows(body), evaluators: readEvaluatorRows(body) };
}

// ——— Cadre du planificateur ———

interface PlanFrame {
  setting: PlanSetting;
  scenarios: ScenarioRow[];
}

/**
 * Le cadre des règles pour une campagne : calendrier des jours ouvrés du département (fériés et
 * fermetures), vacances scolaires de sa zone avec leur couverture, cibles, enquêteurs (leurs services
 * relus dans leurs rattachements : un agent changé de service ne doit pas enquêter sur son nouveau
 * service), scénarios en service de la banque.
 */
async function planFrame(
  ctx: AppContext,
  organisationId: string,
  window: { from: string; to: string },
  channels: MysteryChannel[],
  targets: readonly Pick<TargetRow, 'id' | 'label' | 'channel' | 'service_id'>[],
  evaluators: readonly Pick<EvaluatorRow, 'id' | 'label' | 'user_id' | 'service_ids_json'>[],
): Promise<PlanFrame> {
  const organisation = await getOrganisation(ctx, organisationId);
  const [{ calendar }, zone, scenarios, candidates] = await Promise.all([
    organisationCalendar(ctx, organisationId, organisation.department_code),
    organisationSchoolZone(ctx, organisationId),
    listAllScenarios(ctx.db, organisationId),
    listEvaluatorCandidates(ctx.db, organisationId),
  ]);
  const periods = await listSchoolHolidays(ctx, organisationId, zone);
  const campaignTargets = targets.filter((t) => channels.includes(t.channel as MysteryChannel));
  const active = scenarios.filter((s) => s.archived_at === null && channels.includes(s.channel as MysteryChannel));
  return {
    scenarios,
    setting: {
      calendar,
      schoolHolidays: { zone, periods, coverage: (schoolYear) => coverage(periods, zone, schoolYear) },
      window,
      channels,
      targets: campaignTargets.map((t) => ({
        id: t.id,
        label: t.label,
        channel: t.channel as MysteryChannel,
        serviceId: t.service_id,
      })),
      evaluators: evaluators.map((e) => ({
        id: e.id,
        label: e.label,
        serviceIds:
          (e.user_id ? candidates.find((c) => c.userId === e.user_id)?.serviceIds : undefined) ??
          (JSON.parse(e.service_ids_json) as string[]),
      })),
      // Un scénario lié à un service ne convient qu'aux cibles de ce service ; s'il n'y en a aucune dans la
      // campagne, il ne convient à aucune (une liste vide voudrait dire « toutes »).
      scenarios: active.map((s) => {
        if (!s.service_id) return { id: s.id, label: s.label, channel: s.channel as MysteryChannel, targetIds: [] };
        const ids = campaignTargets.filter((t) => t.service_id === s.service_id && t.channel === s.channel).map((t) => t.id);
        return {
          id: s.id,
          label: s.label,
          channel: s.channel as MysteryChannel,
          targetIds: ids.length > 0 ? ids : [`aucune:${s.id}`],
        };
      }),
    },
  };
}

/** Les violations qui rendent une fenêtre impossible dès l'enregistrement de la campagne. */
function windowViolations(setting: Pick<PlanSetting, 'calendar' | 'schoolHolidays' | 'window'>): PlanViolation[] {
  const violations = checkWindow(setting);
  if (violations.some((v) => v.code === 'invalid_window')) return violations;
  const slots = slotsOf(setting.calendar, setting.window).length;
  if (slots < MIN_CONTACTS_PER_CHANNEL) {
    violations.push({
      code: 'window_too_short',
      message: `La fenêtre n’offre que ${slots} demi-journées ouvrées : il en faut au moins ${MIN_CONTACTS_PER_CHANNEL} pour ${MIN_CONTACTS_PER_CHANNEL} contacts par canal, un par demi-journée (deux semaines ouvrées).`,
    });
  }
  return violations;
}

/** Ce qui interdit une fenêtre pour l'organisation (dates, durée, vacances scolaires ou leur absence). */
export async function campaignWindowViolations(
  ctx: AppContext,
  organisationId: string,
  window: { from: string; to: string },
): Promise<PlanViolation[]> {
  const organisation = await getOrganisation(ctx, organisationId);
  const { calendar } = await organisationCalendar(ctx, organisationId, organisation.department_code);
  const zone = await organisationSchoolZone(ctx, organisationId);
  const periods = await listSchoolHolidays(ctx, organisationId, zone);
  return windowViolations({
    calendar,
    schoolHolidays: { zone, periods, coverage: (schoolYear) => coverage(periods, zone, schoolYear) },
    window,
  });
}

// ——— Enregistrement d'une campagne ———

interface ValidCampaign {
  head: CampaignHeadInput;
  channels: MysteryChannel[];
  targets: TargetFormRow[];
  evaluators: (EvaluatorFormRow & { serviceIds: string[] })[];
}

async function validCampaign(ctx: AppContext, organisationId: string, input: Record<string, unknown>): Promise<ValidCampaign> {
  const fields: Record<string, string> = {};
  let head: CampaignHeadInput | undefined;
  try {
    head = validate(campaignHeadSchema, input);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    Object.assign(fields, error.fields);
  }
  const options = await campaignFormOptions(ctx, organisationId);
  const channels = head ? channelsOf(head.channels) : [];
  const serviceIds = new Set(options.services.map((s) => s.id));

  const targets = readTargetRows(input).filter(
    (t) => t.include && (channels.length === 0 || channels.includes(t.channel as MysteryChannel)),
  );
  for (const row of targets) Object.assign(fields, targetRowErrors(row, serviceIds));
  const seen = new Map<string, TargetFormRow>();
  for (const row of targets) {
    const key = `${row.channel}|${row.address.toLowerCase()}`;
    const first = seen.get(key);
    if (first && row.address) {
      fields[`target_${row.index}_address`] =
        `Cible « ${row.label} » : même ${row.channel === 'call' ? 'numéro' : 'adresse'} que « ${first.label} ».`;
    } else seen.set(key, row);
  }
  for (const channel of channels) {
    if (!targets.some((t) => t.channel === channel)) {
      fields[`targets_${channel}`] =
        channel === 'call'
          ? 'Cibles : retenez au moins une cible pour les appels (le standard ou un service, avec le numéro appelé).'
          : 'Cibles : retenez au moins une boîte fonctionnelle (adresse électronique) pour les courriels.';
    }
  }

  const evaluators: ValidCampaign['evaluators'] = [];
  for (const row of readEvaluatorRows(input).filter((e) => e.include)) {
    Object.assign(fields, evaluatorRowErrors(row));
    if (row.kind === 'agent') {
      const candidate = options.candidates.find((c) => c.userId === row.userId);
      if (!candidate) {
        fields[`evaluator_${row.index}_include`] = 'Enquêteur : ce compte n’est pas un agent actif de la préfecture.';
        continue;
      }
      evaluators.push({ ...row, label: candidate.displayName, serviceIds: candidate.serviceIds });
    } else evaluators.push({ ...row, serviceIds: [] });
  }

  if (head?.mysteryMailboxId && channels.includes('email')) {
    if (!options.mysteryMailboxes.some((m) => m.id === head.mysteryMailboxId)) {
      fields.mysteryMailboxId = 'Boîte mystère : choisissez une boîte des enquêtes mystère de la liste.';
    }
  }

  if (head && !fields.windowFrom && !fields.windowTo) {
    const violations = await campaignWindowViolations(ctx, organisationId, { from: head.windowFrom, to: head.windowTo });
    if (violations.length > 0) fields.windowFrom = violations.map((v) => v.message).join(' ');
  }

  if (Object.keys(fields).length > 0 || !head) {
    const message = fields.windowFrom?.includes('vacances scolaires')
      ? 'La fenêtre de la campagne ne respecte pas les règles des enquêtes mystère : voir ci-dessous.'
      : undefined;
    throw new AppError('validation_failed', fields, message);
  }
  return { head, channels, targets, evaluators };
}

function campaignColumns(data: ValidCampaign) {
  return {
    name: data.head.name,
    channels: data.channels.join(','),
    window_from: data.head.windowFrom,
    window_to: data.head.windowTo,
    mystery_mailbox_id: data.channels.includes('email') ? (data.head.mysteryMailboxId ?? null) : null,
  };
}

export async function createCampaign(ctx: AppContext, organisationId: string, input: Record<string, unknown>, actor: Actor) {
  const data = await validCampaign(ctx, organisationId, input);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertCampaign(trx, {
      id,
      organisation_id: organisationId,
      ...campaignColumns(data),
      status: 'draft',
      findings_json: null,
      confirmed_at: null,
      confirmed_by_name: null,
      closed_at: null,
      created_at: now,
      updated_at: now,
    });
    await syncParts(trx, id, data, { targets: [], evaluators: [] });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_campaign.created',
      entityType: 'mystery_campaign',
      entityId: id,
      summary: `Campagne d’enquêtes mystère « ${data.head.name} » créée`,
      after: campaignColumns(data),
    });
  });
  return id;
}

/** Cibles et enquêteurs : ceux qui restent gardent leur identifiant (le plan les cite), les autres partent. */
async function syncParts(
  trx: Executor,
  campaignId: string,
  data: ValidCampaign,
  current: { targets: TargetRow[]; evaluators: EvaluatorRow[] },
) {
  const keptTargets = new Set<string>();
  for (const row of data.targets) {
    const columns = {
      channel: row.channel,
      label: row.label,
      address: row.channel === 'email' ? row.address.toLowerCase() : row.address,
      service_id: row.serviceId || null,
    };
    const existing = row.id ? current.targets.find((t) => t.id === row.id) : undefined;
    if (existing) {
      keptTargets.add(existing.id);
      await updateTarget(trx, campaignId, existing.id, columns);
    } else {
      await insertTarget(trx, { id: newId(), campaign_id: campaignId, ...columns });
    }
  }
  await deleteTargets(
    trx,
    campaignId,
    current.targets.filter((t) => !keptTargets.has(t.id)).map((t) => t.id),
  );

  const keptEvaluators = new Set<string>();
  for (const row of data.evaluators) {
    const columns = {
      label: row.label,
      user_id: row.kind === 'agent' ? row.userId : null,
      service_ids_json: JSON.stringify(row.serviceIds),
      external: row.kind === 'agent' ? 0 : 1,
    };
    const existing = row.id
      ? current.evaluators.find((e) => e.id === row.id)
      : row.kind === 'agent'
        ? current.evaluators.find((e) => e.user_id === row.userId)
        : undefined;
    if (existing) {
      keptEvaluators.add(existing.id);
      await updateEvaluator(trx, campaignId, existing.id, columns);
    } else {
      await insertEvaluator(trx, { id: newId(), campaign_id: campaignId, ...columns, access_token_hash: null });
    }
  }
  await deleteEvaluators(
    trx,
    campaignId,
    current.evaluators.filter((e) => !keptEvaluators.has(e.id)).map((e) => e.id),
  );
}

function assertDraft(campaign: CampaignRow) {
  if (campaign.status !== 'draft') throw new AppError('mystery_campaign_locked');
}

export async function editCampaign(
  ctx: AppContext,
  organisationId: string,
  id: string,
  input: Record<string, unknown>,
  actor: Actor,
) {
  const campaign = await getCampaign(ctx, organisationId, id);
  assertDraft(campaign);
  const data = await validCampaign(ctx, organisationId, input);
  const [targets, evaluators] = await Promise.all([listTargets(ctx.db, id), listEvaluators(ctx.db, id)]);
  await ctx.db.transaction().execute(async (trx) => {
    await updateCampaign(trx, organisationId, id, { ...campaignColumns(data), updated_at: ctx.clock.now().toISOString() });
    await syncParts(trx, id, data, { targets, evaluators });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_campaign.updated',
      entityType: 'mystery_campaign',
      entityId: id,
      summary: `Campagne d’enquêtes mystère « ${data.head.name} » modifiée`,
      before: {
        name: campaign.name,
        channels: campaign.channels,
        window_from: campaign.window_from,
        window_to: campaign.window_to,
      },
      after: campaignColumns(data),
    });
  });
}

// ——— Plan ———

export interface CampaignPlan {
  campaign: CampaignRow;
  channels: MysteryChannel[];
  targets: TargetRow[];
  evaluators: EvaluatorRow[];
  contacts: ContactRow[];
  /** Scénarios de la banque (archivés compris, pour nommer ceux qu'un plan cite encore). */
  scenarios: ScenarioRow[];
  violations: PlanViolation[];
  mysteryMailbox: { id: string; label: string; address: string } | undefined;
}

function plannedOf(
  contact: Pick<ContactRow, 'channel' | 'date' | 'half_day' | 'target_id' | 'evaluator_id' | 'scenario_id'>,
): PlannedContact {
  return {
    channel: contact.channel as MysteryChannel,
    date: contact.date,
    halfDay: contact.half_day === 'pm' ? 'pm' : 'am',
    targetId: contact.target_id,
    evaluatorId: contact.evaluator_id,
    scenarioId: contact.scenario_id,
  };
}

/** Une campagne, son plan et chaque écart aux règles, expliqué. */
export async function campaignPlan(ctx: AppContext, organisationId: string, id: string): Promise<CampaignPlan> {
  const campaign = await getCampaign(ctx, organisationId, id);
  const channels = channelsOf(campaign.channels);
  const [targets, evaluators, contacts, mysteryMailboxes] = await Promise.all([
    listTargets(ctx.db, id),
    listEvaluators(ctx.db, id),
    listContacts(ctx.db, id),
    listMailboxesOfKind(ctx.db, organisationId, 'mystery'),
  ]);
  const frame = await planFrame(
    ctx,
    organisationId,
    { from: campaign.window_from, to: campaign.window_to },
    channels,
    targets,
    evaluators,
  );
  const mailbox = mysteryMailboxes.find((m) => m.id === campaign.mystery_mailbox_id);
  return {
    campaign,
    channels,
    targets,
    evaluators,
    contacts,
    scenarios: frame.scenarios,
    violations: checkPlan(frame.setting, contacts.map(plannedOf)),
    mysteryMailbox: mailbox ? { id: mailbox.id, label: mailbox.label, address: mailbox.address } : undefined,
  };
}

function contactRows(campaignId: string, planned: readonly PlannedContact[], now: string): Insertable<MysteryContactTable>[] {
  return planned.map((c, index) => ({
    id: newId(),
    campaign_id: campaignId,
    rank: index + 1,
    channel: c.channel,
    date: c.date,
    half_day: c.halfDay,
    target_id: c.targetId,
    evaluator_id: c.evaluatorId,
    scenario_id: c.scenarioId,
    status: 'planned',
    scheduled_at: null,
    outgoing_mail_id: null,
    sent_message_id: null,
    sent_at: null,
    answers_json: null,
    measured_json: null,
    notes: null,
    completed_at: null,
    completed_by_name: null,
    created_at: now,
    updated_at: now,
  }));
}

/**
 * « Proposer un plan » : remplace le plan en préparation par celui du planificateur (20 contacts par
 * canal, un par demi-journée, cibles, jours et enquêteurs répartis). Ce qui manque est expliqué.
 */
export async function proposeCampaignPlan(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const campaign = await getCampaign(ctx, organisationId, id);
  assertDraft(campaign);
  const channels = channelsOf(campaign.channels);
  const [targets, evaluators] = await Promise.all([listTargets(ctx.db, id), listEvaluators(ctx.db, id)]);
  const frame = await planFrame(
    ctx,
    organisationId,
    { from: campaign.window_from, to: campaign.window_to },
    channels,
    targets,
    evaluators,
  );
  const proposal = proposePlan(frame.setting);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await deleteContacts(trx, id);
    await insertContacts(trx, contactRows(id, proposal.contacts, now));
    await updateCampaign(trx, organisationId, id, { updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_campaign.plan_proposed',
      entityType: 'mystery_campaign',
      entityId: id,
      summary: `Plan proposé pour la campagne « ${campaign.name} » : ${proposal.contacts.length} contact${proposal.contacts.length > 1 ? 's' : ''}, ${proposal.violations.length} point${proposal.violations.length > 1 ? 's' : ''} à corriger`,
    });
  });
  return proposal;
}

/**
 * Plan retouché à la main : enregistré tel que saisi, même s'il enfreint les règles (chaque violation
 * est montrée, et la confirmation reste refusée tant qu'il en reste). Seule une saisie illisible (date
 * impossible, cible d'une autre campagne) est refusée, avec la saisie gardée.
 */
export async function saveCampaignPlan(
  ctx: AppContext,
  organisationId: string,
  id: string,
  input: Record<string, unknown>,
  actor: Actor,
): Promise<PlanViolation[]> {
  const campaign = await getCampaign(ctx, organisationId, id);
  assertDraft(campaign);
  const channels = channelsOf(campaign.channels);
  const [targets, evaluators, scenarios] = await Promise.all([
    listTargets(ctx.db, id),
    listEvaluators(ctx.db, id),
    listAllScenarios(ctx.db, organisationId),
  ]);
  const rows = readContactRows(input).filter(isKeptContact);
  const fields: Record<string, string> = {};
  const planned: PlannedContact[] = [];
  rows.forEach((row: ContactFormRow, position) => {
    const n = `contact_${row.index}`;
    const where = `Ligne ${position + 1}`;
    if (!channels.includes(row.channel as MysteryChannel)) fields[`${n}_channel`] = `${where} : canal absent de la campagne.`;
    const date = row.date;
    if (!isValidYear(date)) fields[`${n}_date`] = `${where} : date impossible ou mal formée (AAAA-MM-JJ).`;
    if (!isHalfDay(row.halfDay)) fields[`${n}_halfDay`] = `${where} : choisissez matin ou après-midi.`;
    const target = targets.find((t) => t.id === row.targetId);
    if (!target) fields[`${n}_targetId`] = `${where} : choisissez une cible de la campagne.`;
    else if (target.channel !== row.channel)
      fields[`${n}_targetId`] =
        `${where} : « ${target.label} » est une cible des ${CHANNEL_LABELS[target.channel as MysteryChannel] ?? target.channel}.`;
    if (row.evaluatorId && !evaluators.some((e) => e.id === row.evaluatorId))
      fields[`${n}_evaluatorId`] = `${where} : choisissez un enquêteur de la campagne.`;
    if (row.scenarioId && !scenarios.some((s) => s.id === row.scenarioId))
      fields[`${n}_scenarioId`] = `${where} : choisissez un scénario de la banque.`;
    planned.push({
      channel: row.channel as MysteryChannel,
      date,
      halfDay: row.halfDay === 'pm' ? 'pm' : 'am',
      targetId: row.targetId,
      evaluatorId: row.evaluatorId || null,
      scenarioId: row.scenarioId || null,
    });
  });
  if (Object.keys(fields).length > 0) {
    throw new AppError(
      'validation_failed',
      fields,
      'Le plan n’a pas été enregistré : certaines lignes sont illisibles. Corrigez les champs signalés.',
    );
  }
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await deleteContacts(trx, id);
    await insertContacts(trx, contactRows(id, planned, now));
    await updateCampaign(trx, organisationId, id, { updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_campaign.plan_saved',
      entityType: 'mystery_campaign',
      entityId: id,
      summary: `Plan de la campagne « ${campaign.name} » modifié à la main : ${planned.length} contact${planned.length > 1 ? 's' : ''}`,
    });
  });
  return (await campaignPlan(ctx, organisationId, id)).violations;
}

function isValidYear(date: string): boolean {
  const parsed = parseCivilDate(date);
  return parsed !== undefined && parsed.year >= MIN_YEAR && parsed.year <= MAX_YEAR;
}

/** Ce qui empêche encore de confirmer (vide : la confirmation est possible, sous réserve de la boîte joignable). */
export function confirmationBlockers(plan: CampaignPlan): string[] {
  const blockers = plan.violations.map((v) => v.message);
  if (plan.channels.includes('email') && !plan.mysteryMailbox) {
    blockers.push(
      'Des courriels sont prévus mais la campagne n’a pas de boîte des enquêtes mystère : choisissez-la dans « Modifier la campagne » (créez-la d’abord dans Courrier › Boîtes si besoin).',
    );
  }
  return blockers;
}

/**
 * Confirme le plan : refusé tant qu'une règle est enfreinte ou que la boîte mystère manque ou ne
 * répond pas (vérifiée avant la transaction : une connexion IMAP/SMTP n'a rien à faire dans une
 * transaction). Les courriels sont mis en file dans la même transaction que le changement de statut :
 * une campagne confirmée a toujours ses envois programmés, et rien ne part d'une campagne en préparation.
 */
export async function confirmCampaign(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const plan = await campaignPlan(ctx, organisationId, id);
  assertDraft(plan.campaign);
  if (plan.violations.length > 0) {
    throw new AppError(
      'mystery_plan_invalid',
      {},
      `Le plan ne peut pas être confirmé : ${plan.violations.length} point${plan.violations.length > 1 ? 's' : ''} à corriger. ${plan.violations.map((v) => v.message).join(' ')}`,
    );
  }
  if (plan.channels.includes('email')) {
    if (!plan.mysteryMailbox) throw new AppError('mystery_mailbox_missing');
    await checkMysteryMailbox(ctx, organisationId, plan.mysteryMailbox.id);
  }
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const current = await findCampaign(trx, organisationId, id);
    if (current?.status !== 'draft') throw new AppError('mystery_campaign_locked');
    await updateCampaign(trx, organisationId, id, {
      status: 'confirmed',
      confirmed_at: now,
      confirmed_by_name: actorDisplayName(actor.label),
      updated_at: now,
    });
    if (plan.channels.includes('email')) await scheduleCampaignEmails(trx, ctx, id);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_campaign.confirmed',
      entityType: 'mystery_campaign',
      entityId: id,
      summary: `Plan de la campagne « ${plan.campaign.name} » confirmé : ${plan.contacts.length} contacts`,
    });
  });
}

/** Clore : la campagne est terminée, ses dossiers mystère sont révélés aux agents. */
export async function closeCampaign(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const campaign = await getCampaign(ctx, organisationId, id);
  if (campaign.status !== 'confirmed') {
    throw new AppError(
      'mystery_campaign_locked',
      {},
      campaign.status === 'closed'
        ? 'Cette campagne est déjà close.'
        : 'Seule une campagne confirmée peut être close : confirmez d’abord son plan.',
    );
  }
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    await updateCampaign(trx, organisationId, id, { status: 'closed', closed_at: now, updated_at: now });
    // Une campagne close révèle ses dossiers aux agents : un courriel mystère parti après coup serait reconnu.
    const cancelled = await cancelPendingCampaignEmails(trx, id, now);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_campaign.closed',
      entityType: 'mystery_campaign',
      entityId: id,
      summary: `Campagne d’enquêtes mystère « ${campaign.name} » close${
        cancelled.length > 0 ? ` ; ${cancelled.length} courriel(s) mystère pas encore partis annulés` : ''
      }`,
    });
    return { cancelledEmails: cancelled.length };
  });
}
