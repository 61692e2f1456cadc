import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type Executor, toNumber } from '../../db/types.ts';
import type { SurveyedChannel } from './questionnaire.ts';
import type {
  CollectionMode,
  SurveyCampaignTable,
  SurveyCollectionPointTable,
  SurveyQuestionnaireTable,
} from './survey.table.ts';

/**
 * Lectures des résultats d'enquête : seulement du SQL, aucun calcul de taux (voir results.service.ts).
 *
 * Réponses signalées (`flagged_reason` non nul : trop rapide, débit anormal…) : elles ne sont jamais
 * effacées, mais par défaut elles sont EXCLUES des comptes qui font les taux (`includeFlagged: false`) et
 * comptées à part (`countResponses(...).flagged`) ; la page propose de les inclure. Les indicateurs les
 * excluent toujours.
 */

export type CampaignRow = Selectable<SurveyCampaignTable>;
export type CollectionPointRow = Selectable<SurveyCollectionPointTable>;
export type QuestionnaireRow = Selectable<SurveyQuestionnaireTable>;

/** Sélection des réponses d'une campagne : par mode de collecte ou par point, signalées comprises ou non. */
export interface ResponseFilter {
  mode?: CollectionMode | undefined;
  collectionPointId?: string | undefined;
  includeFlagged?: boolean | undefined;
  /** Réponses données à partir de cet instant (ISO 8601 UTC, inclus) : lecture d'une période. */
  answeredFrom?: string | undefined;
  /** Réponses données avant cet instant (ISO 8601 UTC, exclu). */
  answeredBefore?: string | undefined;
}

export async function findCampaign(db: Executor, organisationId: string, campaignId: string): Promise<CampaignRow | undefined> {
  return db
    .selectFrom('survey_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', campaignId)
    .executeTakeFirst();
}

export async function findQuestionnaire(db: Executor, questionnaireId: string): Promise<QuestionnaireRow | undefined> {
  return db.selectFrom('survey_questionnaires').selectAll().where('id', '=', questionnaireId).executeTakeFirst();
}

export async function listCollectionPoints(db: Executor, campaignId: string): Promise<CollectionPointRow[]> {
  return db
    .selectFrom('survey_collection_points')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** La campagne précédente du même canal enquêté : celle qui a commencé juste avant. */
export async function findPreviousCampaign(db: Executor, campaign: CampaignRow): Promise<CampaignRow | undefined> {
  return db
    .selectFrom('survey_campaigns')
    .selectAll()
    .where('organisation_id', '=', campaign.organisation_id)
    .where('surveyed_channel', '=', campaign.surveyed_channel)
    .where('id', '!=', campaign.id)
    .where((eb) =>
      eb.or([
        eb('starts_on', '<', campaign.starts_on),
        eb.and([eb('starts_on', '=', campaign.starts_on), eb('created_at', '<', campaign.created_at)]),
      ]),
    )
    .orderBy('starts_on', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Campagnes d'un canal enquêté dont la période (dates incluses) recoupe [from, to]. */
export async function listCampaignsOverlapping(
  db: Executor,
  organisationId: string,
  surveyedChannel: SurveyedChannel,
  from: string,
  to: string,
): Promise<CampaignRow[]> {
  return db
    .selectFrom('survey_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('surveyed_channel', '=', surveyedChannel)
    .where('starts_on', '<=', to)
    .where('ends_on', '>=', from)
    .orderBy('starts_on')
    .orderBy('id')
    .execute();
}

function filtered<O>(
  query: SelectQueryBuilder<Database, 'survey_responses' | 'survey_answers', O>,
  filter: ResponseFilter,
): SelectQueryBuilder<Database, 'survey_responses' | 'survey_answers', O> {
  let q = query;
  if (filter.mode) q = q.where('survey_responses.mode', '=', filter.mode);
  if (filter.collectionPointId) q = q.where('survey_responses.collection_point_id', '=', filter.collectionPointId);
  if (!filter.includeFlagged) q = q.where('survey_responses.flagged_reason', 'is', null);
  if (filter.answeredFrom) q = q.where('survey_responses.answered_at', '>=', filter.answeredFrom);
  if (filter.answeredBefore) q = q.where('survey_responses.answered_at', '<', filter.answeredBefore);
  return q;
}

/** Réponses retenues par le filtre, et réponses signalées (comptées à part, même filtre de mode ou de point). */
export async function countResponses(
  db: Executor,
  campaignId: string,
  filter: ResponseFilter,
): Promise<{ responses: number; flagged: number }> {
  let q = db
    .selectFrom('survey_responses')
    .select((eb) => [eb.fn.countAll<number | string>().as('total'), eb.fn.count<number | string>('flagged_reason').as('flagged')])
    .where('campaign_id', '=', campaignId);
  if (filter.mode) q = q.where('mode', '=', filter.mode);
  if (filter.collectionPointId) q = q.where('collection_point_id', '=', filter.collectionPointId);
  if (filter.answeredFrom) q = q.where('answered_at', '>=', filter.answeredFrom);
  if (filter.answeredBefore) q = q.where('answered_at', '<', filter.answeredBefore);
  const row = await q.executeTakeFirstOrThrow();
  const total = toNumber(row.total);
  const flagged = toNumber(row.flagged);
  return { responses: filter.includeFlagged ? total : total - flagged, flagged };
}

export interface AnswerCount {
  question_key: string;
  value: string;
  count: number;
}

/** Comptes agrégés par question et par valeur (index couvrant `survey_answers_campaign_response`). */
export async function countAnswers(db: Executor, campaignId: string, filter: ResponseFilter): Promise<AnswerCount[]> {
  const rows = await filtered(
    db
      .selectFrom('survey_answers')
      .innerJoin('survey_responses', 'survey_responses.id', 'survey_answers.response_id')
      .select((eb) => ['survey_answers.question_key', 'survey_answers.value', eb.fn.countAll<number | string>().as('n')])
      .where('survey_answers.campaign_id', '=', campaignId),
    filter,
  )
    .groupBy(['survey_answers.question_key', 'survey_answers.value'])
    .execute();
  return rows.map((r) => ({ question_key: r.question_key, value: r.value, count: toNumber(r.n) }));
}

/** Valeurs des questions données (choix multiples), triées par réponse pour être regroupées au fil de la lecture. */
export async function listAnswerValues(
  db: Executor,
  campaignId: string,
  questionKeys: readonly string[],
  filter: ResponseFilter,
): Promise<{ response_id: string; question_key: string; value: string }[]> {
  if (questionKeys.length === 0) return [];
  return filtered(
    db
      .selectFrom('survey_answers')
      .innerJoin('survey_responses', 'survey_responses.id', 'survey_answers.response_id')
      .select(['survey_answers.response_id', 'survey_answers.question_key', 'survey_answers.value'])
      .where('survey_answers.campaign_id', '=', campaignId)
      .where('survey_answers.question_key', 'in', [...questionKeys]),
    filter,
  )
    .orderBy('survey_answers.response_id')
    .orderBy('survey_answers.question_key')
    .orderBy('survey_answers.value')
    .execute();
}

export interface CommentRow {
  response_id: string;
  answered_at: string;
  mode: CollectionMode;
  collection_point_label: string;
  flagged_reason: string | null;
  text: string;
}

/** Commentaires d'une campagne, du plus récent au plus ancien, une page à la fois (texte brut : à masquer). */
export async function listComments(
  db: Executor,
  campaignId: string,
  questionKey: string,
  filter: ResponseFilter,
  limit: number,
  offset: number,
): Promise<{ rows: CommentRow[]; total: number }> {
  const base = filtered(
    db
      .selectFrom('survey_answers')
      .innerJoin('survey_responses', 'survey_responses.id', 'survey_answers.response_id')
      .where('survey_answers.campaign_id', '=', campaignId)
      .where('survey_answers.question_key', '=', questionKey),
    filter,
  );
  const [rows, count] = await Promise.all([
    base
      .innerJoin('survey_collection_points', 'survey_collection_points.id', 'survey_responses.collection_point_id')
      .select([
        'survey_answers.response_id',
        'survey_responses.answered_at',
        'survey_responses.mode',
        'survey_responses.flagged_reason',
        'survey_collection_points.label as collection_point_label',
        'survey_answers.value as text',
      ])
      .orderBy('survey_responses.answered_at', 'desc')
      .orderBy('survey_answers.response_id')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: toNumber(count.n) };
}

export interface ExportResponseRow {
  id: string;
  answered_at: string;
  mode: CollectionMode;
  collection_point_label: string;
  form_number: string | null;
  flagged_reason: string | null;
}

/** Réponses d'une campagne (pour l'export), par tranches, dans l'ordre de réponse. */
export async function listResponses(
  db: Executor,
  campaignId: string,
  filter: ResponseFilter,
  limit: number,
  offset: number,
): Promise<ExportResponseRow[]> {
  let q = db
    .selectFrom('survey_responses')
    .innerJoin('survey_collection_points', 'survey_collection_points.id', 'survey_responses.collection_point_id')
    .select([
      'survey_responses.id',
      'survey_responses.answered_at',
      'survey_responses.mode',
      'survey_responses.form_number',
      'survey_responses.flagged_reason',
      'survey_collection_points.label as collection_point_label',
    ])
    .where('survey_responses.campaign_id', '=', campaignId);
  if (filter.mode) q = q.where('survey_responses.mode', '=', filter.mode);
  if (filter.collectionPointId) q = q.where('survey_responses.collection_point_id', '=', filter.collectionPointId);
  if (!filter.includeFlagged) q = q.where('survey_responses.flagged_reason', 'is', null);
  if (filter.answeredFrom) q = q.where('survey_responses.answered_at', '>=', filter.answeredFrom);
  if (filter.answeredBefore) q = q.where('survey_responses.answered_at', '<', filter.answeredBefore);
  return q.orderBy('survey_responses.answered_at').orderBy('survey_responses.id').limit(limit).offset(offset).execute();
}

/** Toutes les valeurs des réponses données. */
export async function answersOfResponses(
  db: Executor,
  responseIds: readonly string[],
): Promise<{ response_id: string; question_key: string; value: string }[]> {
  if (responseIds.length === 0) return [];
  return db
    .selectFrom('survey_answers')
    .select(['response_id', 'question_key', 'value'])
    .where('response_id', 'in', [...responseIds])
    .orderBy('response_id')
    .orderBy('question_key')
    .orderBy('value')
    .execute();
}

/** Une période de réponse pour les indicateurs : instants UTC, début inclus, fin exclue. */
export interface AnsweredPeriod {
  from: string;
  before: string;
}

export interface PeriodAnswerCount {
  /** Rang de la période dans la liste demandée. */
  period: number;
  campaign_id: string;
  question_key: string;
  value: string;
  count: number;
}

/**
 * Comptes par période de réponse, campagne, question et valeur, en une requête groupée : les douze mois
 * d'un indicateur d'enquête d'un coup. Les réponses signalées sont exclues (les indicateurs ne les
 * comptent jamais) ; une réponse hors de toutes les périodes n'est pas lue.
 */
export async function countAnswersByPeriod(
  db: Executor,
  campaignIds: readonly string[],
  questionKeys: readonly string[],
  periods: readonly AnsweredPeriod[],
): Promise<PeriodAnswerCount[]> {
  if (campaignIds.length === 0 || questionKeys.length === 0 || periods.length === 0) return [];
  const first = periods.reduce((min, p) => (p.from < min ? p.from : min), periods[0]?.from ?? '');
  const last = periods.reduce((max, p) => (p.before > max ? p.before : max), periods[0]?.before ?? '');
  // Horodatages ISO 8601 en UTC (« …Z », toISOString) : l'ordre du texte est celui du temps, sur les deux moteurs.
  const period = sql<number>`case ${sql.join(
    periods.map(
      (p, i) =>
        sql`when survey_responses.answered_at >= ${p.from} and survey_responses.answered_at < ${p.before} then ${sql.lit(i)}`,
    ),
    sql` `,
  )} end`;
  // La période se calcule une fois par réponse, dans une table intermédiaire matérialisée, puis chaque
  // valeur s'y rattache : ≈ 1,6 fois plus rapide (mesuré sur SQLite) que de joindre chaque valeur à sa réponse.
  const rows = await db
    .with(
      (cte) => cte('answered_periods').materialized(),
      (qb) =>
        qb
          .selectFrom('survey_responses')
          .select(['survey_responses.id', period.as('period')])
          .where('survey_responses.campaign_id', 'in', [...campaignIds])
          .where('survey_responses.flagged_reason', 'is', null)
          .where('survey_responses.answered_at', '>=', first)
          .where('survey_responses.answered_at', '<', last),
    )
    .selectFrom('survey_answers')
    .innerJoin('answered_periods', 'answered_periods.id', 'survey_answers.response_id')
    .select((eb) => [
      'answered_periods.period',
      'survey_answers.campaign_id',
      'survey_answers.question_key',
      'survey_answers.value',
      eb.fn.countAll<number | string>().as('n'),
    ])
    .where('survey_answers.campaign_id', 'in', [...campaignIds])
    .where('survey_answers.question_key', 'in', [...questionKeys])
    .groupBy(['answered_periods.period', 'survey_answers.campaign_id', 'survey_answers.question_key', 'survey_answers.value'])
    .execute();
  return rows
    .filter((r) => r.period !== null)
    .map((r) => ({
      period: Number(r.period),
      campaign_id: r.campaign_id,
      question_key: r.question_key,
      value: r.value,
      count: toNumber(r.n),
    }));
}
