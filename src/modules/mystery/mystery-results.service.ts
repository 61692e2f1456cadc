import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import type { Role } from '../accounts/roles.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { formatRate } from '../surveys/survey-statistics.ts';
import {
  findGridCampaign,
  type GridCampaignRow,
  type GridContactRow,
  listClosedCampaigns,
  listContactsOfCampaigns,
  listGridContacts,
  updateCampaignFindings,
} from './mystery-grid.repository.ts';
import { gridCriterion, parseGridAnswers, parseMeasured } from './mystery-grid.ts';
import { MYSTERY_CHANNELS, type MysteryChannel } from './mystery-plan.ts';
import {
  type ChannelResults,
  computeResults,
  type Finding,
  type FindingKind,
  generateFindings,
  type PreviousTallies,
  parseSavedFindings,
  type ResultContact,
  type SavedFindings,
  talliesOf,
} from './mystery-results.ts';

/**
 * Résultats d'une campagne d'enquêtes mystère (page, export, support du CLU, action en un clic).
 * Le référent les lit à tout moment ; l'auditeur seulement une fois la campagne close (avant : 404, pour
 * ne rien révéler d'une campagne en cours).
 */

export function campaignChannels(campaign: Pick<GridCampaignRow, 'channels'>): MysteryChannel[] {
  const listed = campaign.channels.split(',').map((c) => c.trim());
  return MYSTERY_CHANNELS.filter((c) => listed.includes(c));
}

export function resultContacts(rows: readonly GridContactRow[]): ResultContact[] {
  return rows.map((c) => ({
    id: c.id,
    channel: c.channel,
    status: c.status,
    date: c.date,
    targetLabel: c.target_label,
    answers: parseGridAnswers(c.answers_json),
    measured: c.channel === 'email' ? parseMeasured(c.measured_json) : null,
  }));
}

export interface CampaignResults {
  campaign: GridCampaignRow;
  channels: MysteryChannel[];
  contacts: GridContactRow[];
  results: ChannelResults[];
  /** Campagne précédente comparée, par canal. */
  previous: Partial<Record<MysteryChannel, string>>;
  /** Les points enregistrés, ou `null` s'ils n'ont jamais été enregistrés (les générés sont alors montrés). */
  saved: SavedFindings | null;
  generated: Finding[];
  /** Ce qui est montré : les enregistrés, sinon les générés. */
  findings: Finding[];
}

/** Décomptes de la dernière campagne close avant celle-ci, par canal (chaque canal peut venir d'une campagne différente). */
async function previousTallies(ctx: AppContext, campaign: GridCampaignRow, channels: MysteryChannel[]) {
  const earlier = (await listClosedCampaigns(ctx.db, campaign.organisation_id)).filter(
    (c) => c.id !== campaign.id && c.window_from < campaign.window_from,
  );
  const previous: PreviousTallies = {};
  const names: Partial<Record<MysteryChannel, string>> = {};
  if (earlier.length === 0) return { previous, names };
  const byCampaign = new Map<string, ResultContact[]>();
  const rows = await listContactsOfCampaigns(
    ctx.db,
    earlier.map((c) => c.id),
  );
  const mapped = resultContacts(rows);
  rows.forEach((row, i) => {
    const list = byCampaign.get(row.campaign_id) ?? [];
    list.push(mapped[i] as ResultContact);
    byCampaign.set(row.campaign_id, list);
  });
  for (const channel of channels) {
    for (const candidate of earlier) {
      if (!campaignChannels(candidate).includes(channel)) continue;
      const tallies = talliesOf(computeResults([channel], byCampaign.get(candidate.id) ?? []), channel);
      if (!tallies) continue;
      previous[channel] = { campaignName: candidate.name, tallies };
      names[channel] = candidate.name;
      break;
    }
  }
  return { previous, names };
}

/** Les résultats d'une campagne déjà lue (pour le support du CLU, sans contrôle de rôle). */
export async function resultsOfCampaign(ctx: AppContext, campaign: GridCampaignRow): Promise<CampaignResults> {
  const channels = campaignChannels(campaign);
  const contacts = await listGridContacts(ctx.db, campaign.id);
  const { previous, names } = await previousTallies(ctx, campaign, channels);
  const results = computeResults(channels, resultContacts(contacts), previous);
  const saved = parseSavedFindings(campaign.findings_json);
  const generated = generateFindings(results);
  return { campaign, channels, contacts, results, previous: names, saved, generated, findings: saved ? saved.items : generated };
}

export async function campaignResults(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  role: Role = 'admin',
): Promise<CampaignResults> {
  const campaign = await findGridCampaign(ctx.db, organisationId, campaignId);
  // L'auditeur ne lit que les campagnes closes : une campagne en cours n'existe pas pour lui.
  if (!campaign || (role !== 'admin' && campaign.status !== 'closed')) {
    throw new AppError('not_found', {}, 'Campagne d’enquêtes mystère introuvable.');
  }
  return resultsOfCampaign(ctx, campaign);
}

// --- Points forts et points de vigilance : modification et régénération ----------------------------

export const FINDING_TEXT_MAX = 500;
export const FINDINGS_MAX = 60;
/** Lignes vides proposées sous la liste pour ajouter un point sans JavaScript. */
export const BLANK_FINDING_ROWS = 2;

function field(body: Record<string, unknown>, name: string): string {
  const raw = body[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return typeof first === 'string' ? first : '';
}

/** Lit et contrôle la liste modifiée (`count`, puis `kind_i`, `channel_i`, `criterion_i`, `text_i`) ; un texte vidé retire le point. */
export function findingsFromBody(
  body: Record<string, unknown>,
  channels: readonly MysteryChannel[],
): { items: Finding[]; errors: Record<string, string> } {
  const count = Math.min(Number.parseInt(field(body, 'count'), 10) || 0, FINDINGS_MAX + BLANK_FINDING_ROWS);
  const items: Finding[] = [];
  const errors: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const text = field(body, `text_${i}`).trim().replace(/\s+/g, ' ');
    if (text === '') continue;
    const kind = field(body, `kind_${i}`);
    const channel = field(body, `channel_${i}`);
    const criterion = field(body, `criterion_${i}`);
    if (kind !== 'strength' && kind !== 'vigilance') {
      errors[`kind_${i}`] = `Point ${i + 1} : choisissez « Point fort » ou « Point de vigilance ».`;
      continue;
    }
    if (!(channels as readonly string[]).includes(channel)) {
      errors[`channel_${i}`] = `Point ${i + 1} : canal inconnu pour cette campagne.`;
      continue;
    }
    if (criterion !== '' && !gridCriterion(channel, criterion)) {
      errors[`criterion_${i}`] = `Point ${i + 1} : critère inconnu pour ce canal.`;
      continue;
    }
    if (text.length > FINDING_TEXT_MAX) {
      errors[`text_${i}`] = `Point ${i + 1} : ${FINDING_TEXT_MAX} caractères au plus (${text.length} saisis).`;
      continue;
    }
    items.push({
      kind: kind as FindingKind,
      channel: channel as MysteryChannel,
      criterionKey: criterion === '' ? null : criterion,
      text,
    });
  }
  if (items.length > FINDINGS_MAX) errors.count = `${FINDINGS_MAX} points au plus.`;
  return { items, errors };
}

async function writeFindings(
  ctx: AppContext,
  campaign: GridCampaignRow,
  saved: SavedFindings | null,
  actor: Actor,
  action: string,
  summary: string,
) {
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateCampaignFindings(trx, campaign.organisation_id, campaign.id, saved ? JSON.stringify(saved) : null, now);
    await recordAudit(trx, ctx.clock, {
      organisationId: campaign.organisation_id,
      actor,
      action,
      entityType: 'mystery_campaign',
      entityId: campaign.id,
      summary,
      before: parseSavedFindings(campaign.findings_json),
      after: saved,
    });
  });
}

export async function saveFindings(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  body: Record<string, unknown>,
  actor: Actor,
) {
  const { campaign, channels } = await campaignResults(ctx, organisationId, campaignId);
  const { items, errors } = findingsFromBody(body, channels);
  if (Object.keys(errors).length > 0)
    throw new AppError('validation_failed', errors, 'Certains points sont invalides : corrigez-les.');
  const saved: SavedFindings = { origin: 'edited', savedAt: ctx.clock.now().toISOString(), savedByName: actor.label, items };
  await writeFindings(
    ctx,
    campaign,
    saved,
    actor,
    'mystery.findings_saved',
    `Points forts et de vigilance de « ${campaign.name} » modifiés (${items.length})`,
  );
  return saved;
}

/** Remplace les points enregistrés par ceux générés des résultats du moment. */
export async function regenerateFindings(ctx: AppContext, organisationId: string, campaignId: string, actor: Actor) {
  const { campaign, generated } = await campaignResults(ctx, organisationId, campaignId);
  const saved: SavedFindings = {
    origin: 'generated',
    savedAt: ctx.clock.now().toISOString(),
    savedByName: actor.label,
    items: generated,
  };
  await writeFindings(
    ctx,
    campaign,
    saved,
    actor,
    'mystery.findings_regenerated',
    `Points forts et de vigilance de « ${campaign.name} » régénérés (${generated.length})`,
  );
  return saved;
}

// --- Action du plan depuis un point de vigilance ---------------------------------------------------

/** Référence d'origine d'une action issue d'un constat : `<campagne>:<critère>`. */
export const MYSTERY_FINDING_REF = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([a-z][a-z0-9_]{0,62})$/;

/**
 * L'origine d'une action créée depuis un point de vigilance : « Enquête mystère <campagne> — <critère>
 * (<part>) », et les engagements du critère. La campagne doit être close : les agents lisent le plan
 * d'actions et ne doivent rien apprendre d'une campagne en cours.
 */
export async function mysteryFindingOrigin(ctx: AppContext, organisationId: string, campaignId: string, criterionKey: string) {
  const { campaign, results } = await campaignResults(ctx, organisationId, campaignId);
  const found = results.flatMap((r) => r.criteria).find((c) => c.criterion.key === criterionKey);
  if (!found) throw new AppError('not_found', {}, 'Critère introuvable dans cette campagne d’enquêtes mystère.');
  if (campaign.status !== 'closed') {
    throw new AppError(
      'validation_failed',
      { origin_ref: 'La campagne n’est pas terminée.' },
      'Une action se crée depuis une enquête mystère une fois la campagne terminée : les agents lisent le plan d’actions et ne doivent pas apprendre qu’une campagne est en cours.',
    );
  }
  const label = `Enquête mystère ${campaign.name} — ${found.criterion.label} (${formatRate(found.estimate, 0)})`;
  return {
    originRef: `${campaign.id}:${criterionKey}`,
    originLabel: label,
    objective: `Améliorer le critère « ${found.criterion.label} » (enquête mystère ${campaign.name})`,
    engagements: found.criterion.engagements.map(String),
  };
}
