/**
 * API JSON des enquêtes (lecture seule) : campagnes de l'organisation, résultats d'une campagne, résultats
 * d'un canal enquêté sur une période. Tout est lu par les services des résultats (mêmes règles que la page :
 * taux, n, Wilson, « indicatif ») ; ce fichier ne fait que valider les paramètres et donner la forme JSON.
 *
 * Décisions :
 * - une période (`from`, `to`) est faite de dates locales du département, bornes incluses ; elle retient les
 *   réponses *données* ce jour-là (horloge de la borne pour une réponse envoyée plus tard) ;
 * - les taux sont des proportions dans [0, 1], non arrondies (l'affichage arrondit) ; sans réponse exprimée,
 *   le taux est `null` et le statut `not_applicable`, jamais 0 ;
 * - les réponses signalées sont exclues, comme sur la page ; `includeFlagged=true` les inclut pour une
 *   campagne, jamais pour le canal (même règle que les indicateurs) ;
 * - à l'inverse de la page, qui ignore un filtre inconnu, l'API le refuse (400) : un appel mal écrit ne doit
 *   pas rendre silencieusement les résultats non filtrés.
 */
import type { AppContext } from '../../shared/context.ts';
import { AppError, type FieldErrors } from '../../shared/errors.ts';
import { addDays, isValidCivilDate } from '../calendar/civil-date.ts';
import { localMidnightInstant } from '../calendar/local-date.ts';
import { listCampaignSummaries, organisationTimeZone } from './campaign.service.ts';
import { isCollectionMode } from './collection-mode.ts';
import { SURVEYED_CHANNELS, type SurveyedChannel } from './questionnaire.ts';
import { listCampaignsOverlapping } from './results.repository.ts';
import { type CampaignResults, type CriterionResult, campaignOf, campaignResults } from './results.service.ts';
import type { CollectionMode } from './survey.table.ts';
import {
  type ChannelGlobalRate,
  expressedCount,
  type ProportionEstimate,
  proportionEstimate,
  satisfiedCount,
} from './survey-statistics.ts';

type Query = Record<string, string | undefined>;

/** Paramètres d'une requête : chaînes non vides, espaces retirés ; une liste garde sa première valeur. */
export function apiQuery(raw: unknown): Query {
  const query: Query = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.trim() !== '') query[key] = first.trim();
  }
  return query;
}

function fail(fields: FieldErrors): never {
  throw new AppError('validation_failed', fields);
}

function channelOf(query: Query, required: boolean): SurveyedChannel | undefined {
  const channel = query.channel;
  if (channel === undefined) {
    if (required) fail({ channel: `Canal enquêté obligatoire : ${SURVEYED_CHANNELS.join(', ')}.` });
    return undefined;
  }
  if (!(SURVEYED_CHANNELS as readonly string[]).includes(channel)) {
    fail({ channel: `Canal enquêté inconnu : ${SURVEYED_CHANNELS.join(', ')}.` });
  }
  return channel as SurveyedChannel;
}

function modeOf(query: Query): CollectionMode | undefined {
  if (query.mode === undefined) return undefined;
  if (!isCollectionMode(query.mode)) fail({ mode: 'Mode de collecte inconnu : kiosk, qr, paper ou phone.' });
  return query.mode;
}

function periodOf(query: Query): { from: string | undefined; to: string | undefined } {
  const errors: FieldErrors = {};
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isValidCivilDate(value)) {
      errors[field] = `${field === 'from' ? 'Début' : 'Fin'} : date AAAA-MM-JJ attendue (par exemple 2026-04-01).`;
    }
  }
  if (Object.keys(errors).length > 0) fail(errors);
  if (query.from && query.to && query.from > query.to) fail({ to: 'La fin précède le début.' });
  return { from: query.from, to: query.to };
}

function flagOf(query: Query, name: string): boolean {
  const value = query[name];
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return fail({ [name]: `${name} : true ou false.` });
}

/** Période locale → instants du filtre des réponses (fin exclue : le lendemain de `to` à minuit). */
function answeredBetween(period: { from: string | undefined; to: string | undefined }, timeZone: string) {
  return {
    answeredFrom: period.from ? localMidnightInstant(period.from, timeZone).toISOString() : undefined,
    answeredBefore: period.to ? localMidnightInstant(addDays(period.to, 1), timeZone).toISOString() : undefined,
  };
}

function estimateJson(estimate: ProportionEstimate) {
  return {
    status: estimate.status,
    numerator: estimate.successes,
    denominator: estimate.n,
    rate: estimate.rate,
    interval: estimate.interval ? { lower: estimate.interval.lower, upper: estimate.interval.upper } : null,
    indicative: estimate.indicative,
  };
}

function globalJson(global: ChannelGlobalRate) {
  return {
    pooled: estimateJson(global.pooled),
    meanOfCriterionRates: {
      status: global.meanOfCriterionRates.status,
      value: global.meanOfCriterionRates.value,
      criteriaMeasured: global.meanOfCriterionRates.criteriaMeasured,
    },
  };
}

function criterionJson(c: CriterionResult) {
  return {
    key: c.criterion.key,
    label: c.criterion.label,
    questionKey: c.question.key,
    questionType: c.question.type,
    engagements: c.question.engagements,
    ...estimateJson(c.estimate),
    noOpinion: c.tally.kind === 'satisfaction_4' ? c.tally.no_opinion : 0,
    noAnswer: c.tally.no_answer,
  };
}

/** Campagnes de l'organisation, filtrées par canal enquêté et par période (qui recoupe celle de la campagne). */
export async function apiCampaigns(ctx: AppContext, organisationId: string, raw: unknown) {
  const query = apiQuery(raw);
  const channel = channelOf(query, false);
  const { from, to } = periodOf(query);
  const campaigns = (await listCampaignSummaries(ctx, organisationId)).filter(
    (c) =>
      (channel === undefined || c.surveyed_channel === channel) &&
      (from === undefined || c.ends_on >= from) &&
      (to === undefined || c.starts_on <= to),
  );
  return {
    campaigns: campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      surveyedChannel: c.surveyed_channel,
      startsOn: c.starts_on,
      endsOn: c.ends_on,
      closedAt: c.closed_at,
      status: c.status,
      questionnaire: { id: c.questionnaire_id, title: c.questionnaire_title, version: c.questionnaire_version },
      responses: c.responseCount,
    })),
  };
}

function campaignJson(results: CampaignResults) {
  const { campaign } = results;
  return {
    id: campaign.id,
    name: campaign.name,
    surveyedChannel: campaign.surveyed_channel,
    startsOn: campaign.starts_on,
    endsOn: campaign.ends_on,
    closedAt: campaign.closed_at,
    questionnaireId: campaign.questionnaire_id,
  };
}

/** Résultats d'une campagne par critère, filtrables par mode de collecte ou point, et par période. */
export async function apiCampaignResults(ctx: AppContext, organisationId: string, campaignId: string, raw: unknown) {
  // Une campagne d'une autre organisation est introuvable avant toute validation.
  await campaignOf(ctx, organisationId, campaignId);
  const query = apiQuery(raw);
  const mode = modeOf(query);
  const period = periodOf(query);
  const includeFlagged = flagOf(query, 'includeFlagged');
  if (mode && query.point) fail({ point: 'Indiquez un mode de collecte ou un point, pas les deux.' });
  const results = await campaignResults(ctx, organisationId, campaignId, {
    mode,
    collectionPointId: query.point,
    includeFlagged,
    ...answeredBetween(period, await organisationTimeZone(ctx, organisationId)),
  });
  if (query.point && !results.filter.collectionPoint) fail({ point: 'Point de collecte inconnu de cette campagne.' });
  return {
    campaign: campaignJson(results),
    filter: {
      mode: mode ?? null,
      point: results.filter.collectionPoint?.id ?? null,
      from: period.from ?? null,
      to: period.to ?? null,
      includeFlagged,
    },
    responses: results.responses,
    flaggedResponses: results.flagged,
    criteria: results.criteria.map(criterionJson),
    global: globalJson(results.global),
    collectionPoints: results.points.map((p) => ({ id: p.id, label: p.label, mode: p.mode, archived: p.archived_at !== null })),
  };
}

/**
 * Résultats d'un canal enquêté : les décomptes de chaque critère additionnés sur les campagnes du canal dont
 * la période recoupe celle demandée (réponses données dans la période), jamais une moyenne de pourcentages.
 */
export async function apiChannelResults(ctx: AppContext, organisationId: string, raw: unknown) {
  const query = apiQuery(raw);
  const channel = channelOf(query, true) as SurveyedChannel;
  const mode = modeOf(query);
  const period = periodOf(query);
  const between = answeredBetween(period, await organisationTimeZone(ctx, organisationId));
  const campaigns = await listCampaignsOverlapping(
    ctx.db,
    organisationId,
    channel,
    period.from ?? '0000-01-01',
    period.to ?? '9999-12-31',
  );
  const pooled = new Map<
    string,
    { key: string; label: string; satisfied: number; expressed: number; noOpinion: number; noAnswer: number; campaigns: number }
  >();
  let responses = 0;
  for (const campaign of campaigns) {
    const results = await campaignResults(ctx, organisationId, campaign.id, { mode, includeFlagged: false, ...between });
    responses += results.responses;
    for (const c of results.criteria) {
      const sum = pooled.get(c.criterion.key) ?? {
        key: c.criterion.key,
        label: c.criterion.label,
        satisfied: 0,
        expressed: 0,
        noOpinion: 0,
        noAnswer: 0,
        campaigns: 0,
      };
      sum.satisfied += satisfiedCount(c.tally);
      sum.expressed += expressedCount(c.tally);
      sum.noOpinion += c.tally.kind === 'satisfaction_4' ? c.tally.no_opinion : 0;
      sum.noAnswer += c.tally.no_answer;
      sum.campaigns += 1;
      pooled.set(c.criterion.key, sum);
    }
  }
  const criteria = [...pooled.values()];
  const total = criteria.reduce((acc, c) => ({ s: acc.s + c.satisfied, n: acc.n + c.expressed }), { s: 0, n: 0 });
  return {
    filter: { channel, mode: mode ?? null, from: period.from ?? null, to: period.to ?? null },
    campaigns: campaigns.map((c) => c.id),
    responses,
    criteria: criteria.map((c) => ({
      key: c.key,
      label: c.label,
      campaigns: c.campaigns,
      ...estimateJson(proportionEstimate(c.satisfied, c.expressed)),
      noOpinion: c.noOpinion,
      noAnswer: c.noAnswer,
    })),
    pooled: estimateJson(proportionEstimate(total.s, total.n)),
  };
}
