import type { Selectable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { MysteryCampaignTable } from './mystery.table.ts';

/** SQL des grilles et des résultats des enquêtes mystère : lectures des contacts avec leur cible, enquêteur et scénario. */

export type GridCampaignRow = Selectable<MysteryCampaignTable>;

export async function findGridCampaign(db: Executor, organisationId: string, campaignId: string) {
  return db
    .selectFrom('mystery_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', campaignId)
    .executeTakeFirst();
}

function contactQuery(db: Executor) {
  return db
    .selectFrom('mystery_contacts as c')
    .innerJoin('mystery_targets as t', 't.id', 'c.target_id')
    .leftJoin('mystery_evaluators as e', 'e.id', 'c.evaluator_id')
    .leftJoin('mystery_scenarios as s', 's.id', 'c.scenario_id')
    .select([
      'c.id',
      'c.campaign_id',
      'c.rank',
      'c.channel',
      'c.date',
      'c.half_day',
      'c.status',
      'c.evaluator_id',
      'c.scheduled_at',
      'c.sent_at',
      'c.answers_json',
      'c.measured_json',
      'c.notes',
      'c.completed_at',
      'c.completed_by_name',
      't.label as target_label',
      't.address as target_address',
      'e.label as evaluator_label',
      's.label as scenario_label',
      's.subject as scenario_subject',
      's.body as scenario_body',
    ]);
}

export type GridContactRow = Awaited<ReturnType<typeof listGridContacts>>[number];

/** Les contacts d'une campagne, dans l'ordre du plan. */
export async function listGridContacts(db: Executor, campaignId: string) {
  return contactQuery(db).where('c.campaign_id', '=', campaignId).orderBy('c.rank').execute();
}

/** Les contacts de plusieurs campagnes (support du CLU, campagne précédente). */
export async function listContactsOfCampaigns(db: Executor, campaignIds: string[]) {
  if (campaignIds.length === 0) return [];
  return contactQuery(db).where('c.campaign_id', 'in', campaignIds).orderBy('c.campaign_id').orderBy('c.rank').execute();
}

export async function findGridContact(db: Executor, campaignId: string, contactId: string) {
  return contactQuery(db).where('c.campaign_id', '=', campaignId).where('c.id', '=', contactId).executeTakeFirst();
}

export async function listEvaluatorContacts(db: Executor, campaignId: string, evaluatorId: string) {
  return contactQuery(db)
    .where('c.campaign_id', '=', campaignId)
    .where('c.evaluator_id', '=', evaluatorId)
    .orderBy('c.rank')
    .execute();
}

export async function updateContactGrid(
  db: Executor,
  campaignId: string,
  contactId: string,
  changes: {
    answers_json: string;
    notes: string | null;
    status: string;
    completed_at: string | null;
    completed_by_name: string | null;
    updated_at: string;
  },
) {
  await db
    .updateTable('mystery_contacts')
    .set(changes)
    .where('campaign_id', '=', campaignId)
    .where('id', '=', contactId)
    .execute();
}

/** Mesure d'un courriel écrite par la démonstration (la relève de la boîte mystère écrit les vraies). */
export async function setContactMeasured(db: Executor, campaignId: string, contactId: string, json: string) {
  await db
    .updateTable('mystery_contacts')
    .set({ measured_json: json })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', contactId)
    .execute();
}

export async function listGridEvaluators(db: Executor, campaignId: string) {
  return db
    .selectFrom('mystery_evaluators')
    .select(['id', 'label', 'external', 'access_token_hash'])
    .where('campaign_id', '=', campaignId)
    .orderBy('label')
    .execute();
}

export async function findGridEvaluator(db: Executor, campaignId: string, evaluatorId: string) {
  return db
    .selectFrom('mystery_evaluators')
    .select(['id', 'label', 'campaign_id', 'access_token_hash'])
    .where('campaign_id', '=', campaignId)
    .where('id', '=', evaluatorId)
    .executeTakeFirst();
}

export async function setEvaluatorTokenHash(db: Executor, campaignId: string, evaluatorId: string, hash: string) {
  await db
    .updateTable('mystery_evaluators')
    .set({ access_token_hash: hash })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', evaluatorId)
    .execute();
}

/** L'enquêteur d'un lien personnel (empreinte du jeton), avec sa campagne et l'organisation. */
export async function findEvaluatorByTokenHash(db: Executor, hash: string) {
  return db
    .selectFrom('mystery_evaluators as e')
    .innerJoin('mystery_campaigns as m', 'm.id', 'e.campaign_id')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select([
      'e.id as evaluator_id',
      'e.label as evaluator_label',
      'm.id as campaign_id',
      'm.name as campaign_name',
      'm.status as campaign_status',
      'm.organisation_id',
      'o.name as organisation_name',
    ])
    .where('e.access_token_hash', '=', hash)
    .executeTakeFirst();
}

export async function updateCampaignFindings(
  db: Executor,
  organisationId: string,
  campaignId: string,
  json: string | null,
  now: string,
) {
  await db
    .updateTable('mystery_campaigns')
    .set({ findings_json: json, updated_at: now })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', campaignId)
    .execute();
}

/** Campagnes closes d'une organisation (les plus récentes d'abord) : campagne précédente, support du CLU. */
export async function listClosedCampaigns(db: Executor, organisationId: string) {
  return db
    .selectFrom('mystery_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'closed')
    .orderBy('window_from', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}
