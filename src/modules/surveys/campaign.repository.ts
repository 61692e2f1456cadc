import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { SurveyCampaignTable, SurveyCollectionPointTable } from './survey.table.ts';

export type CampaignRow = Selectable<SurveyCampaignTable>;
export type CollectionPointRow = Selectable<SurveyCollectionPointTable>;

export async function insertCampaign(db: Executor, row: Insertable<SurveyCampaignTable>) {
  await db.insertInto('survey_campaigns').values(row).execute();
}

export async function updateCampaignRow(
  db: Executor,
  organisationId: string,
  id: string,
  changes: Updateable<SurveyCampaignTable>,
) {
  await db
    .updateTable('survey_campaigns')
    .set(changes)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

export async function findCampaign(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('survey_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Campagnes de l'organisation, les plus récentes d'abord, avec le titre et la version du questionnaire. */
export async function listCampaigns(db: Executor, organisationId: string) {
  return db
    .selectFrom('survey_campaigns')
    .innerJoin('survey_questionnaires', 'survey_questionnaires.id', 'survey_campaigns.questionnaire_id')
    .selectAll('survey_campaigns')
    .select(['survey_questionnaires.title as questionnaire_title', 'survey_questionnaires.version as questionnaire_version'])
    .where('survey_campaigns.organisation_id', '=', organisationId)
    .orderBy('survey_campaigns.starts_on', 'desc')
    .orderBy('survey_campaigns.name')
    .execute();
}

export async function countResponsesOfCampaign(db: Executor, campaignId: string) {
  const row = await db
    .selectFrom('survey_responses')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  return toNumber(row?.n);
}

/** Réponses par point de collecte d'une campagne. */
export async function responseCountsByPoint(db: Executor, campaignId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('survey_responses')
    .select(['collection_point_id', (eb) => eb.fn.countAll().as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy('collection_point_id')
    .execute();
  return new Map(rows.map((r) => [r.collection_point_id, toNumber(r.n)]));
}

export async function responseCountsByCampaign(db: Executor, organisationId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('survey_responses')
    .select(['campaign_id', (eb) => eb.fn.countAll().as('n')])
    .where('organisation_id', '=', organisationId)
    .groupBy('campaign_id')
    .execute();
  return new Map(rows.map((r) => [r.campaign_id, toNumber(r.n)]));
}

export async function insertCollectionPoint(db: Executor, row: Insertable<SurveyCollectionPointTable>) {
  await db.insertInto('survey_collection_points').values(row).execute();
}

export async function listCollectionPoints(db: Executor, organisationId: string, campaignId: string) {
  return db
    .selectFrom('survey_collection_points')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('campaign_id', '=', campaignId)
    .orderBy('created_at')
    .orderBy('label')
    .execute();
}

export async function findCollectionPoint(db: Executor, organisationId: string, campaignId: string, id: string) {
  return db
    .selectFrom('survey_collection_points')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function archiveCollectionPointRow(db: Executor, organisationId: string, id: string, at: string) {
  await db
    .updateTable('survey_collection_points')
    .set({ archived_at: at })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

/** Point de collecte d'un jeton public, avec le département de son organisation (fuseau horaire). */
export async function findCollectionPointByToken(db: Executor, token: string) {
  return db
    .selectFrom('survey_collection_points')
    .innerJoin('organisations', 'organisations.id', 'survey_collection_points.organisation_id')
    .selectAll('survey_collection_points')
    .select(['organisations.department_code as department_code'])
    .where('survey_collection_points.public_token', '=', token)
    .executeTakeFirst();
}
