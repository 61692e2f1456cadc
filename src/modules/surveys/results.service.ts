/**
 * Résultats d'une campagne d'enquête et lecture pour les indicateurs. Tout part des comptes agrégés en SQL
 * (results.repository.ts) ; les calculs sont ceux de survey-statistics.ts (taux, Wilson, comparaison).
 *
 * Décisions :
 * - les réponses signalées (trop rapides, débit anormal) sont exclues des taux par défaut et comptées à
 *   part ; la page peut les inclure (`includeFlagged`), les indicateurs jamais ;
 * - une question conditionnelle (`showIf`) non posée ne compte pas comme « laissée vide » : seules les
 *   réponses qui remplissaient la condition y sont attendues ;
 * - la comparaison porte sur la campagne précédente du même canal enquêté (celle qui a commencé juste
 *   avant), critère par critère de même clé et de même type de question, avec le même mode de collecte
 *   quand la lecture en filtre un (un point de collecte n'existe que dans sa campagne : filtrer par point
 *   compare les campagnes entières) ;
 * - un indicateur additionne les décomptes des campagnes du canal dont la période recoupe l'intervalle
 *   demandé, en ne comptant que les réponses données dans cet intervalle (dates locales du département :
 *   une réponse de mars ne compte pas en février), sans jamais moyenner des pourcentages.
 */
import { z } from 'zod';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { validate } from '../../shared/validation.ts';
import { addDays, daysInMonth, isValidCivilDate } from '../calendar/civil-date.ts';
import { localMidnightInstant } from '../calendar/local-date.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { findOrganisationById } from '../organisations/organisation.repository.ts';
import { COLLECTION_MODES } from './collection-mode.ts';
import { maskComment } from './comment-masking.ts';
import { createThemeSuggester, DEFAULT_THEME_KEYWORDS, type ThemeSuggestion } from './comment-themes.ts';
import {
  answerOptions,
  type Criterion,
  measuresCriterion,
  type Question,
  type Questionnaire,
  questionnaireSchema,
  SURVEYED_CHANNELS,
  type SurveyedChannel,
} from './questionnaire.ts';
import {
  type AnswerCount,
  answersOfResponses,
  type CampaignRow,
  type CollectionPointRow,
  countAnswers,
  countAnswersByPeriod,
  countResponses,
  findCampaign,
  findPreviousCampaign,
  findQuestionnaire,
  listAnswerValues,
  listCampaignsOverlapping,
  listCollectionPoints,
  listComments,
  listResponses,
  type ResponseFilter,
} from './results.repository.ts';
import { type ExportTable, responsesTable } from './results-export.ts';
import type { CollectionMode } from './survey.table.ts';
import {
  type ChannelGlobalRate,
  type CriterionTally,
  channelGlobalRate,
  checkTally,
  choiceDistribution,
  compareCriterionRates,
  criterionRate,
  type Distribution,
  emptyTally,
  expressedCount,
  indicatorFraction,
  type ProportionComparison,
  type ProportionEstimate,
  SATISFACTION_ANSWER_KEYS,
  type SurveyIndicatorFraction,
  satisfiedCount,
  tallyDistribution,
  YES_NO_ANSWER_KEYS,
} from './survey-statistics.ts';

export const COMMENTS_PAGE_SIZE = 20;

type RatedQuestion = Question & { type: 'satisfaction_4' | 'yes_no'; criterion: Criterion };
/** Questions de profil : choix, et Oui / Non qui ne mesure aucun critère (« avez-vous utilisé le site ? »). */
type ChoiceQuestion = Question & { type: 'single_choice' | 'multiple_choice' | 'yes_no' };

/** Le questionnaire d'une campagne : la copie versionnée, jamais modifiée sous ses réponses. */
async function campaignQuestionnaire(ctx: AppContext, campaign: CampaignRow): Promise<Questionnaire> {
  const row = await findQuestionnaire(ctx.db, campaign.questionnaire_id);
  if (!row || row.organisation_id !== campaign.organisation_id) throw new AppError('not_found');
  return questionnaireSchema.parse(JSON.parse(row.definition_json));
}

function ratedQuestions(questionnaire: Questionnaire): RatedQuestion[] {
  return questionnaire.questions.filter((q): q is RatedQuestion => measuresCriterion(q));
}

/** Comptes d'une campagne indexés par question puis par valeur. */
function indexCounts(counts: readonly AnswerCount[]): Map<string, Map<string, number>> {
  const byQuestion = new Map<string, Map<string, number>>();
  for (const { question_key, value, count } of counts) {
    const values = byQuestion.get(question_key) ?? new Map<string, number>();
    byQuestion.set(question_key, values);
    values.set(value, (values.get(value) ?? 0) + count);
  }
  return byQuestion;
}

/** Réponses à qui la question a été posée : toutes, ou celles qui remplissent sa condition. */
function eligibleCount(question: Question, counts: Map<string, Map<string, number>>, responses: number): number {
  if (!question.showIf) return responses;
  return counts.get(question.showIf.question)?.get(question.showIf.answer) ?? 0;
}

/** Décompte d'une question notée à partir des comptes agrégés (une valeur par réponse). */
function tallyOf(question: RatedQuestion, counts: Map<string, Map<string, number>>, responses: number): CriterionTally {
  const tally = emptyTally(question.type);
  const cells = tally as unknown as Record<string, number>;
  const allowed: readonly string[] = question.type === 'yes_no' ? YES_NO_ANSWER_KEYS : SATISFACTION_ANSWER_KEYS;
  let respondents = 0;
  for (const [value, count] of counts.get(question.key) ?? []) {
    // La collecte refuse une option inconnue : en trouver une ici est une incohérence, pas une réponse à taire.
    if (!allowed.includes(value)) throw new RangeError(`Valeur « ${value} » inconnue pour la question « ${question.key} ».`);
    cells[value] = (cells[value] as number) + count;
    respondents += count;
  }
  cells.no_answer = Math.max(0, eligibleCount(question, counts, responses) - respondents);
  return checkTally(tally);
}

export interface ResultsFilter {
  mode?: CollectionMode | undefined;
  collectionPointId?: string | undefined;
  includeFlagged?: boolean | undefined;
  /** Page des commentaires (1 par défaut). */
  commentsPage?: number | undefined;
  /** Période de réponse (instants ISO 8601 : début inclus, fin exclue), pour l'API ; toute la campagne sinon. */
  answeredFrom?: string | undefined;
  answeredBefore?: string | undefined;
}

export type CriterionComparison = { status: 'compared'; comparison: ProportionComparison } | { status: 'absent'; reason: string };

export interface CriterionResult {
  question: RatedQuestion;
  criterion: Criterion;
  tally: CriterionTally;
  estimate: ProportionEstimate;
  distribution: Distribution;
  /** `null` quand il n'y a pas de campagne précédente. */
  comparison: CriterionComparison | null;
}

export interface ProfileResult {
  question: ChoiceQuestion;
  distribution: Distribution;
}

export interface MaskedComment {
  responseId: string;
  answeredAt: string;
  mode: CollectionMode;
  collectionPointLabel: string;
  flagged: boolean;
  /** Le texte masqué (adresses électroniques, téléphones, numéros d'étranger remplacés). */
  text: string;
  themes: ThemeSuggestion[];
}

export interface CampaignResults {
  campaign: CampaignRow;
  questionnaire: Questionnaire;
  points: CollectionPointRow[];
  filter: { mode: CollectionMode | null; collectionPoint: CollectionPointRow | null; includeFlagged: boolean };
  /** Réponses retenues par le filtre (signalées exclues sauf `includeFlagged`). */
  responses: number;
  /** Réponses signalées du même périmètre (mode ou point). */
  flagged: number;
  criteria: CriterionResult[];
  profiles: ProfileResult[];
  global: ChannelGlobalRate;
  previous: { campaign: CampaignRow; responses: number; global: ChannelGlobalRate } | null;
  comments: { question: Question; rows: MaskedComment[]; total: number; page: number; pageCount: number } | null;
}

/** Campagne de l'organisation, ou `not_found` (jamais celle d'une autre organisation). */
export async function campaignOf(ctx: AppContext, organisationId: string, campaignId: string): Promise<CampaignRow> {
  const campaign = await findCampaign(ctx.db, organisationId, campaignId);
  if (!campaign) throw new AppError('not_found');
  return campaign;
}

/** Normalise le filtre : un point d'une autre campagne ou un mode inconnu est ignoré. */
function normalizeFilter(filter: ResultsFilter, points: CollectionPointRow[]) {
  const collectionPoint = points.find((p) => p.id === filter.collectionPointId) ?? null;
  const mode = collectionPoint ? null : filter.mode && COLLECTION_MODES.includes(filter.mode) ? filter.mode : null;
  const includeFlagged = filter.includeFlagged === true;
  const query: ResponseFilter = {
    mode: mode ?? undefined,
    collectionPointId: collectionPoint?.id,
    includeFlagged,
    answeredFrom: filter.answeredFrom,
    answeredBefore: filter.answeredBefore,
  };
  return { shown: { mode, collectionPoint, includeFlagged }, query };
}

/** Décomptes des critères d'une campagne (pour sa page, la comparaison et les indicateurs). */
async function criterionTallies(
  ctx: AppContext,
  campaign: CampaignRow,
  questionnaire: Questionnaire,
  filter: ResponseFilter,
): Promise<{
  responses: number;
  flagged: number;
  counts: Map<string, Map<string, number>>;
  tallies: Map<string, CriterionTally>;
}> {
  const [{ responses, flagged }, rows] = await Promise.all([
    countResponses(ctx.db, campaign.id, filter),
    countAnswers(ctx.db, campaign.id, filter),
  ]);
  const counts = indexCounts(rows);
  const tallies = new Map<string, CriterionTally>();
  for (const question of ratedQuestions(questionnaire)) tallies.set(question.key, tallyOf(question, counts, responses));
  return { responses, flagged, counts, tallies };
}

async function profileDistributions(
  ctx: AppContext,
  campaignId: string,
  questions: ChoiceQuestion[],
  counts: Map<string, Map<string, number>>,
  responses: number,
  filter: ResponseFilter,
): Promise<ProfileResult[]> {
  // Choix multiple : les parts se rapportent aux répondants, il faut donc regrouper les valeurs par réponse.
  const rows = await listAnswerValues(
    ctx.db,
    campaignId,
    questions.map((q) => q.key),
    filter,
  );
  return questions.map((question) => {
    const perResponse = new Map<string, string[]>();
    for (const row of rows) {
      if (row.question_key !== question.key) continue;
      const values = perResponse.get(row.response_id);
      if (values) values.push(row.value);
      else perResponse.set(row.response_id, [row.value]);
    }
    const silent = Math.max(0, eligibleCount(question, counts, responses) - perResponse.size);
    function* answers(): Generator<readonly string[] | null> {
      yield* perResponse.values();
      for (let i = 0; i < silent; i++) yield null;
    }
    const options = answerOptions(question).map((o) => ({ value: o.key, label: o.label }));
    return { question, distribution: choiceDistribution(options, answers()) };
  });
}

function compareWithPrevious(
  question: RatedQuestion,
  tally: CriterionTally,
  previous: { questionnaire: Questionnaire; tallies: Map<string, CriterionTally> },
): CriterionComparison {
  const before = ratedQuestions(previous.questionnaire).find((q) => q.criterion.key === question.criterion.key);
  if (!before)
    return { status: 'absent', reason: 'Non calculable : ce critère n’était pas mesuré lors de la campagne précédente.' };
  if (before.type !== question.type) {
    return {
      status: 'absent',
      reason: 'Non calculable : la campagne précédente mesurait ce critère avec un autre type de question.',
    };
  }
  const previousTally = previous.tallies.get(before.key) ?? emptyTally(before.type);
  return { status: 'compared', comparison: compareCriterionRates(previousTally, tally) };
}

/** Résultats d'une campagne, lus par canal enquêté (la campagne) et, au besoin, par mode ou point de collecte. */
export async function campaignResults(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  filter: ResultsFilter = {},
): Promise<CampaignResults> {
  const campaign = await campaignOf(ctx, organisationId, campaignId);
  const [questionnaire, points] = await Promise.all([
    campaignQuestionnaire(ctx, campaign),
    listCollectionPoints(ctx.db, campaign.id),
  ]);
  const { shown, query } = normalizeFilter(filter, points);
  const current = await criterionTallies(ctx, campaign, questionnaire, query);

  const previousCampaign = await findPreviousCampaign(ctx.db, campaign);
  let previous: CampaignResults['previous'] = null;
  let previousData: { questionnaire: Questionnaire; tallies: Map<string, CriterionTally> } | null = null;
  if (previousCampaign) {
    const previousQuestionnaire = await campaignQuestionnaire(ctx, previousCampaign);
    const data = await criterionTallies(ctx, previousCampaign, previousQuestionnaire, {
      mode: query.mode,
      includeFlagged: query.includeFlagged,
    });
    previousData = { questionnaire: previousQuestionnaire, tallies: data.tallies };
    previous = {
      campaign: previousCampaign,
      responses: data.responses,
      global: channelGlobalRate([...data.tallies.values()]),
    };
  }

  const criteria: CriterionResult[] = ratedQuestions(questionnaire).map((question) => {
    const tally = current.tallies.get(question.key) ?? emptyTally(question.type);
    return {
      question,
      criterion: question.criterion,
      tally,
      estimate: criterionRate(tally),
      distribution: tallyDistribution(tally),
      comparison: previousData ? compareWithPrevious(question, tally, previousData) : null,
    };
  });

  const choiceQuestions = questionnaire.questions.filter(
    (q): q is ChoiceQuestion =>
      q.type === 'single_choice' || q.type === 'multiple_choice' || (q.type === 'yes_no' && !measuresCriterion(q)),
  );
  const profiles = await profileDistributions(ctx, campaign.id, choiceQuestions, current.counts, current.responses, query);

  const commentQuestion = questionnaire.questions.find((q) => q.type === 'comment');
  let comments: CampaignResults['comments'] = null;
  if (commentQuestion) {
    const requested = filter.commentsPage && Number.isInteger(filter.commentsPage) ? Math.max(1, filter.commentsPage) : 1;
    const page = await commentsPage(ctx, campaign.id, commentQuestion.key, query, requested);
    comments = { question: commentQuestion, ...page };
  }

  return {
    campaign,
    questionnaire,
    points,
    filter: shown,
    responses: current.responses,
    flagged: current.flagged,
    criteria,
    profiles,
    global: channelGlobalRate(criteria.map((c) => c.tally)),
    previous,
    comments,
  };
}

async function commentsPage(
  ctx: AppContext,
  campaignId: string,
  questionKey: string,
  filter: ResponseFilter,
  requested: number,
): Promise<{ rows: MaskedComment[]; total: number; page: number; pageCount: number }> {
  let page = requested;
  let result = await listComments(ctx.db, campaignId, questionKey, filter, COMMENTS_PAGE_SIZE, (page - 1) * COMMENTS_PAGE_SIZE);
  const pageCount = Math.max(1, Math.ceil(result.total / COMMENTS_PAGE_SIZE));
  if (page > pageCount) {
    page = pageCount;
    result = await listComments(ctx.db, campaignId, questionKey, filter, COMMENTS_PAGE_SIZE, (page - 1) * COMMENTS_PAGE_SIZE);
  }
  const suggest = createThemeSuggester(DEFAULT_THEME_KEYWORDS);
  const rows = result.rows.map((row) => {
    // Masquer avant tout : les thèmes sont cherchés dans le texte tel qu'il sera montré.
    const text = maskComment(row.text);
    return {
      responseId: row.response_id,
      answeredAt: row.answered_at,
      mode: row.mode,
      collectionPointLabel: row.collection_point_label,
      flagged: row.flagged_reason !== null,
      text,
      themes: suggest(text),
    };
  });
  return { rows, total: result.total, page, pageCount };
}

/**
 * Toutes les réponses d'une campagne pour l'export (même filtre de mode ou de point que la page) ; les
 * réponses signalées y figurent avec leur raison, pour que le lecteur décide.
 */
export async function campaignResponsesExport(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  filter: ResultsFilter = {},
): Promise<{ campaign: CampaignRow; table: ExportTable }> {
  const campaign = await campaignOf(ctx, organisationId, campaignId);
  const [questionnaire, points] = await Promise.all([
    campaignQuestionnaire(ctx, campaign),
    listCollectionPoints(ctx.db, campaign.id),
  ]);
  const { query } = normalizeFilter({ ...filter, includeFlagged: true }, points);
  const responses = [];
  const answers = [];
  for (let offset = 0; ; offset += 1000) {
    const chunk = await listResponses(ctx.db, campaign.id, query, 1000, offset);
    responses.push(...chunk);
    answers.push(
      ...(await answersOfResponses(
        ctx.db,
        chunk.map((r) => r.id),
      )),
    );
    if (chunk.length < 1000) break;
  }
  return { campaign, table: responsesTable(questionnaire, responses, answers) };
}

// --- Lecture pour les indicateurs -----------------------------------------------------------------

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function localDateField(label: string) {
  return z
    .string()
    .regex(LOCAL_DATE, { error: `${label} : date AAAA-MM-JJ attendue.` })
    .refine(isValidCivilDate, { error: `${label} : cette date n’existe pas au calendrier.` });
}

const indicatorQuerySchema = z
  .strictObject({
    surveyedChannel: z.enum(SURVEYED_CHANNELS, { error: 'Canal enquêté inconnu.' }),
    criterion: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'Critère : clé invalide.' })
      .nullable(),
    from: localDateField('Début'),
    to: localDateField('Fin'),
  })
  .refine((q) => q.from <= q.to, { error: 'La fin précède le début.', path: ['to'] });

const monthlyQuerySchema = z.strictObject({
  surveyedChannel: indicatorQuerySchema.shape.surveyedChannel,
  criterion: indicatorQuerySchema.shape.criterion,
  year: z.number().int().min(2000).max(2100),
});

export interface SurveyIndicatorQuery {
  surveyedChannel: SurveyedChannel;
  /** Clé du critère ; `null` = taux global poolé du canal (tous ses critères). */
  criterion: string | null;
  /** Intervalle de dates locales (fuseau du département), bornes incluses. */
  from: string;
  to: string;
}

export interface SurveyIndicatorResult extends SurveyIndicatorFraction {
  /** Les campagnes additionnées (leur période recoupe l'intervalle et elles mesurent le critère). */
  campaignIds: string[];
}

/** Une période de dates locales, bornes incluses. */
interface LocalPeriod {
  from: string;
  to: string;
}

/**
 * Les fractions d'un indicateur d'enquête pour plusieurs périodes, en une lecture groupée : les
 * campagnes du canal qui recoupent l'ensemble, leurs questions notées du critère, puis les comptes par
 * période de réponse. Une réponse compte dans la période où elle a été donnée (date locale du
 * département), et seulement là ; une campagne compte dans les périodes que sa propre période recoupe.
 */
async function surveyFractions(
  ctx: AppContext,
  organisationId: string,
  surveyedChannel: SurveyedChannel,
  criterion: string | null,
  periods: readonly LocalPeriod[],
): Promise<SurveyIndicatorResult[]> {
  const from = periods.reduce((min, p) => (p.from < min ? p.from : min), periods[0]?.from ?? '');
  const to = periods.reduce((max, p) => (p.to > max ? p.to : max), periods[0]?.to ?? '');
  const organisation = await findOrganisationById(ctx.db, organisationId);
  const timeZone = departmentTimeZone(organisation?.department_code);
  const campaigns = await listCampaignsOverlapping(ctx.db, organisationId, surveyedChannel, from, to);
  const measured: { campaign: CampaignRow; questions: RatedQuestion[] }[] = [];
  for (const campaign of campaigns) {
    const questions = ratedQuestions(await campaignQuestionnaire(ctx, campaign)).filter(
      (q) => criterion === null || q.criterion.key === criterion,
    );
    if (questions.length > 0) measured.push({ campaign, questions });
  }
  const counts = await countAnswersByPeriod(
    ctx.db,
    measured.map((m) => m.campaign.id),
    [...new Set(measured.flatMap((m) => m.questions.map((q) => q.key)))],
    periods.map((p) => ({
      from: localMidnightInstant(p.from, timeZone).toISOString(),
      before: localMidnightInstant(addDays(p.to, 1), timeZone).toISOString(),
    })),
  );
  // Comptes par période, puis par campagne : Map<question, Map<valeur, n>> comme pour une campagne entière.
  const byPeriod = periods.map(() => new Map<string, Map<string, Map<string, number>>>());
  for (const row of counts) {
    const byCampaign = byPeriod[row.period];
    if (!byCampaign) continue;
    const byQuestion = byCampaign.get(row.campaign_id) ?? new Map<string, Map<string, number>>();
    byCampaign.set(row.campaign_id, byQuestion);
    const values = byQuestion.get(row.question_key) ?? new Map<string, number>();
    byQuestion.set(row.question_key, values);
    values.set(row.value, (values.get(row.value) ?? 0) + row.count);
  }
  return periods.map((period, index) => {
    let satisfied = 0;
    let expressed = 0;
    const campaignIds: string[] = [];
    for (const { campaign, questions } of measured) {
      if (campaign.starts_on > period.to || campaign.ends_on < period.from) continue;
      campaignIds.push(campaign.id);
      const questionCounts = byPeriod[index]?.get(campaign.id) ?? new Map<string, Map<string, number>>();
      for (const question of questions) {
        // Le nombre de réponses ne sert qu'aux « laissées vides », que le taux ignore.
        const tally = tallyOf(question, questionCounts, 0);
        satisfied += satisfiedCount(tally);
        expressed += expressedCount(tally);
      }
    }
    // Un taux ne dépend que des satisfaits et des exprimés : une échelle et un Oui/Non s'additionnent ainsi
    // sans confondre leurs modalités.
    const pooled: CriterionTally = { kind: 'yes_no', yes: satisfied, no: expressed - satisfied, no_answer: 0 };
    return { ...indicatorFraction(pooled), campaignIds };
  });
}

/**
 * Numérateur, dénominateur et statut d'un indicateur fondé sur les enquêtes (`PAN_SATISF_CONF`…), lus
 * directement dans les réponses : aucune copie. Seules comptent les réponses données dans [from, to]
 * (dates locales du département) ; les réponses signalées sont exclues.
 */
export async function surveyIndicatorFraction(
  ctx: AppContext,
  organisationId: string,
  input: SurveyIndicatorQuery,
): Promise<SurveyIndicatorResult> {
  const query = validate(indicatorQuerySchema, input);
  const [result] = await surveyFractions(ctx, organisationId, query.surveyedChannel, query.criterion, [query]);
  if (!result) throw new Error('surveyFractions : une fraction attendue par période');
  return result;
}

/**
 * Les douze fractions mensuelles d'un indicateur d'enquête pour une année (tableau de l'année), en une
 * requête groupée au lieu de douze lectures ; mêmes règles que `surveyIndicatorFraction` mois par mois.
 */
export async function surveyIndicatorMonthlyFractions(
  ctx: AppContext,
  organisationId: string,
  input: { surveyedChannel: SurveyedChannel; criterion: string | null; year: number },
): Promise<SurveyIndicatorResult[]> {
  const query = validate(monthlyQuerySchema, input);
  const months = Array.from({ length: 12 }, (_, i) => {
    const month = `${query.year}-${String(i + 1).padStart(2, '0')}`;
    return { from: `${month}-01`, to: `${month}-${String(daysInMonth(query.year, i + 1)).padStart(2, '0')}` };
  });
  return surveyFractions(ctx, organisationId, query.surveyedChannel, query.criterion, months);
}
