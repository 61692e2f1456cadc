import type { Insertable, Selectable } from 'kysely';
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

/** Réponses reçues par un point depuis `sinceIso` (contrôle de débit). */
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

export async function insertResponse(db: Executor, row: Insertable<SurveyResponseTable>): Promise<void> {
  await db.insertInto('survey_responses').values(row).execute();
}

export async function insertAnswers(db: Executor, rows: Insertable<SurveyAnswerTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('survey_answers').values(rows).execute();
}

export async function findUserLabel(db: Executor, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select(['display_name', 'email']).where('id', '=', userId).executeTakeFirst();
  return row ? row.display_name || row.email : undefined;
}
