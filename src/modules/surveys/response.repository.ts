import type { Insertable, Kysely, Selectable } from 'kysely';
import { precompile, precompileInsert } from '../../db/precompiled.ts';
import type { Database } from '../../db/schema.ts';
import type { Executor } from '../../db/types.ts';
import { toNumber } from '../../db/types.ts';
import type { CollectionMode, SurveyAnswerTable, SurveyResponseTable } from './survey.table.ts';

export type SurveyResponseRow = Selectable<SurveyResponseTable>;

/**
 * Tout ce qu'une soumission doit lire, en une requête jointe : le point de collecte, sa campagne, le
 * questionnaire (JSON) et le département de l'organisation (fuseau de la date locale).
 */
export interface CollectionTarget {
  point_id: string;
  point_label: string;
  point_mode: CollectionMode;
  point_token: string;
  point_archived_at: string | null;
  organisation_id: string;
  organisation_name: string;
  department_code: string;
  campaign_id: string;
  campaign_name: string;
  starts_on: string;
  ends_on: string;
  closed_at: string | null;
  questionnaire_id: string;
  questionnaire_updated_at: string;
  definition_json: string;
}

function targetQuery(db: Executor) {
  return db
    .selectFrom('survey_collection_points as p')
    .innerJoin('survey_campaigns as c', 'c.id', 'p.campaign_id')
    .innerJoin('survey_questionnaires as q', 'q.id', 'c.questionnaire_id')
    .innerJoin('organisations as o', 'o.id', 'p.organisation_id')
    .select([
      'p.id as point_id',
      'p.label as point_label',
      'p.mode as point_mode',
      'p.public_token as point_token',
      'p.archived_at as point_archived_at',
      'p.organisation_id as organisation_id',
      'o.name as organisation_name',
      'o.department_code as department_code',
      'c.id as campaign_id',
      'c.name as campaign_name',
      'c.starts_on as starts_on',
      'c.ends_on as ends_on',
      'c.closed_at as closed_at',
      'q.id as questionnaire_id',
      'q.updated_at as questionnaire_updated_at',
      'q.definition_json as definition_json',
    ]);
}

export async function findTargetByToken(db: Executor, token: string): Promise<CollectionTarget | undefined> {
  return targetQuery(db).where('p.public_token', '=', token).executeTakeFirst();
}

/** Un point de l'organisation (saisie des agents) : jamais celui d'une autre organisation. */
export async function findTargetByPointId(
  db: Executor,
  organisationId: string,
  pointId: string,
): Promise<CollectionTarget | undefined> {
  return targetQuery(db).where('p.id', '=', pointId).where('p.organisation_id', '=', organisationId).executeTakeFirst();
}

export async function findCampaignOfOrganisation(db: Executor, organisationId: string, campaignId: string) {
  return db
    .selectFrom('survey_campaigns')
    .select(['id', 'name', 'surveyed_channel', 'starts_on', 'ends_on', 'closed_at'])
    .where('id', '=', campaignId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}

export async function listCampaignPoints(db: Executor, organisationId: string, campaignId: string) {
  return db
    .selectFrom('survey_collection_points')
    .select(['id', 'label', 'mode', 'archived_at'])
    .where('organisation_id', '=', organisationId)
    .where('campaign_id', '=', campaignId)
    .orderBy('label')
    .orderBy('id')
    .execute();
}

export async function findResponse(db: Executor, id: string): Promise<SurveyResponseRow | undefined> {
  return db.selectFrom('survey_responses').selectAll().where('id', '=', id).executeTakeFirst();
}

// Lue à chaque soumission (idempotence) : compilée une fois, et l'index de la clé primaire y suffit.
const responseIdQuery = precompile(['id'], (db, p: { id: string }) =>
  db.selectFrom('survey_responses').select('id').where('id', '=', p.id),
);

/** Une réponse de cet identifiant existe-t-elle déjà ? */
export async function responseExists(db: Executor, id: string): Promise<boolean> {
  return (await responseIdQuery.execute(db, { id })).rows.length > 0;
}

export async function findResponseByFormNumber(
  db: Executor,
  campaignId: string,
  formNumber: string,
): Promise<SurveyResponseRow | undefined> {
  return db
    .selectFrom('survey_responses')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('form_number', '=', formNumber)
    .executeTakeFirst();
}

export async function listResponseAnswers(db: Executor, responseId: string) {
  return db
    .selectFrom('survey_answers')
    .select(['question_key', 'value'])
    .where('response_id', '=', responseId)
    .orderBy('question_key')
    .orderBy('value')
    .execute();
}

/**
 * Réponses d'un point reçues après `sinceIso`, comptées jusqu'à `cap` au plus. Parcourt l'index
 * (campagne, point, date de réponse) des plus récentes aux plus anciennes et s'arrête au plafond : sous un
 * afflux, quelques lignes lues au lieu de toutes celles de la fenêtre.
 */
export async function countPointResponsesSince(
  db: Executor,
  campaignId: string,
  pointId: string,
  sinceIso: string,
  cap: number,
): Promise<number> {
  const recent = db
    .selectFrom('survey_responses')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('collection_point_id', '=', pointId)
    .where('received_at', '>', sinceIso)
    .orderBy('answered_at', 'desc')
    .limit(cap);
  const row = await db
    .selectFrom(recent.as('recent'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return toNumber(row?.n);
}

export async function countPointResponses(db: Executor, pointId: string): Promise<number> {
  const row = await db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('collection_point_id', '=', pointId)
    .executeTakeFirst();
  return toNumber(row?.n);
}

/**
 * Les réceptions (identifiant, date) d'un point après `sinceIso`, les `cap` plus récentes : l'amorce de la
 * mémoire du débit d'un point (`burst-window.ts`).
 */
export async function recentPointReceipts(
  db: Executor,
  campaignId: string,
  pointId: string,
  sinceIso: string,
  cap: number,
): Promise<{ id: string; received_at: string }[]> {
  return db
    .selectFrom('survey_responses')
    .select(['id', 'received_at'])
    .where('campaign_id', '=', campaignId)
    .where('collection_point_id', '=', pointId)
    .where('received_at', '>', sinceIso)
    .orderBy('answered_at', 'desc')
    .limit(cap)
    .execute();
}

export type NewSurveyResponse = Required<Insertable<SurveyResponseTable>>;
export type NewSurveyAnswer = Required<Insertable<SurveyAnswerTable>>;

const RESPONSE_COLUMNS = [
  'id',
  'organisation_id',
  'campaign_id',
  'collection_point_id',
  'mode',
  'answered_at',
  'received_at',
  'form_number',
  'entered_by_user_id',
  'duration_ms',
  'flagged_reason',
] as const satisfies readonly (keyof NewSurveyResponse)[];
const ANSWER_COLUMNS = [
  'id',
  'response_id',
  'campaign_id',
  'question_key',
  'value',
] as const satisfies readonly (keyof NewSurveyAnswer)[];
// Une colonne ajoutée à la table et oubliée ici ne compile pas (elle ne serait jamais écrite).
type Unlisted<Row, Listed extends readonly unknown[]> = Exclude<keyof Row, Listed[number]>;
const _allColumnsListed: [
  Unlisted<NewSurveyResponse, typeof RESPONSE_COLUMNS> | Unlisted<NewSurveyAnswer, typeof ANSWER_COLUMNS>,
] extends [never]
  ? true
  : never = true;

const responseInsert = precompileInsert<NewSurveyResponse>(RESPONSE_COLUMNS, (db, rows) =>
  db.insertInto('survey_responses').values(rows),
);
const answerInsert = precompileInsert<NewSurveyAnswer>(ANSWER_COLUMNS, (db, rows) =>
  db.insertInto('survey_answers').values(rows),
);

/** Réponses (plusieurs à la fois : celles d'un lot de l'écriture groupée) ; `root` : la base de la transaction. */
export async function insertResponses(db: Executor, rows: readonly NewSurveyResponse[], root?: Kysely<Database>): Promise<void> {
  await responseInsert.execute(db, rows, root);
}

/** Valeurs des réponses, après les réponses elles-mêmes (clé étrangère). */
export async function insertAnswers(db: Executor, rows: readonly NewSurveyAnswer[], root?: Kysely<Database>): Promise<void> {
  await answerInsert.execute(db, rows, root);
}

export async function findUserLabel(db: Executor, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select(['display_name', 'email']).where('id', '=', userId).executeTakeFirst();
  return row ? row.display_name || row.email : undefined;
}
