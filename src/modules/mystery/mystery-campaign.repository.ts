import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { MysteryCampaignTable, MysteryContactTable, MysteryEvaluatorTable, MysteryTargetTable } from './mystery.table.ts';

export type CampaignRow = Selectable<MysteryCampaignTable>;
export type TargetRow = Selectable<MysteryTargetTable>;
export type EvaluatorRow = Selectable<MysteryEvaluatorTable>;
export type ContactRow = Selectable<MysteryContactTable>;

// ——— Campagnes ———

export async function insertCampaign(db: Executor, row: Insertable<MysteryCampaignTable>) {
  await db.insertInto('mystery_campaigns').values(row).execute();
}

export async function updateCampaign(
  db: Executor,
  organisationId: string,
  id: string,
  changes: Updateable<MysteryCampaignTable>,
) {
  await db
    .updateTable('mystery_campaigns')
    .set(changes)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

export async function findCampaign(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('mystery_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findCampaignByName(db: Executor, organisationId: string, name: string) {
  return db
    .selectFrom('mystery_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** Campagnes de l'organisation, la plus récente fenêtre d'abord. */
export async function listCampaignPage(db: Executor, organisationId: string, o: { limit: number; offset: number }) {
  return db
    .selectFrom('mystery_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('window_from', 'desc')
    .orderBy('id')
    .limit(o.limit)
    .offset(o.offset)
    .execute();
}

export async function countCampaigns(db: Executor, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom('mystery_campaigns')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return toNumber(row?.n);
}

/** Nombre de contacts par campagne et par canal, pour la liste. */
export async function countContactsByCampaign(db: Executor, campaignIds: string[]) {
  if (campaignIds.length === 0) return [];
  const rows = await db
    .selectFrom('mystery_contacts')
    .select(['campaign_id', 'channel', (eb) => eb.fn.countAll().as('n')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'channel'])
    .execute();
  return rows.map((r) => ({ campaignId: r.campaign_id, channel: r.channel, count: toNumber(r.n) }));
}

// ——— Cibles et enquêteurs ———

export async function listTargets(db: Executor, campaignId: string) {
  return db
    .selectFrom('mystery_targets')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('channel')
    .orderBy('label')
    .orderBy('id')
    .execute();
}

export async function insertTarget(db: Executor, row: Insertable<MysteryTargetTable>) {
  await db.insertInto('mystery_targets').values(row).execute();
}

export async function updateTarget(db: Executor, campaignId: string, id: string, changes: Updateable<MysteryTargetTable>) {
  await db.updateTable('mystery_targets').set(changes).where('campaign_id', '=', campaignId).where('id', '=', id).execute();
}

export async function deleteTargets(db: Executor, campaignId: string, ids: string[]) {
  if (ids.length === 0) return;
  await db.deleteFrom('mystery_targets').where('campaign_id', '=', campaignId).where('id', 'in', ids).execute();
}

export async function listEvaluators(db: Executor, campaignId: string) {
  return db
    .selectFrom('mystery_evaluators')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('external')
    .orderBy('label')
    .orderBy('id')
    .execute();
}

export async function insertEvaluator(db: Executor, row: Insertable<MysteryEvaluatorTable>) {
  await db.insertInto('mystery_evaluators').values(row).execute();
}

export async function updateEvaluator(db: Executor, campaignId: string, id: string, changes: Updateable<MysteryEvaluatorTable>) {
  await db.updateTable('mystery_evaluators').set(changes).where('campaign_id', '=', campaignId).where('id', '=', id).execute();
}

export async function deleteEvaluators(db: Executor, campaignId: string, ids: string[]) {
  if (ids.length === 0) return;
  await db.deleteFrom('mystery_evaluators').where('campaign_id', '=', campaignId).where('id', 'in', ids).execute();
}

// ——— Plan ———

export async function listContacts(db: Executor, campaignId: string) {
  return db.selectFrom('mystery_contacts').selectAll().where('campaign_id', '=', campaignId).orderBy('rank').execute();
}

export async function deleteContacts(db: Executor, campaignId: string) {
  await db.deleteFrom('mystery_contacts').where('campaign_id', '=', campaignId).execute();
}

/** L'heure où un contact complété a eu lieu (démonstration : l'heure de l'appel, pas celle de la saisie). */
export async function setContactCompletedAt(db: Executor, campaignId: string, contactId: string, at: string) {
  await db
    .updateTable('mystery_contacts')
    .set({ completed_at: at, updated_at: at })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', contactId)
    .where('status', '=', 'done')
    .execute();
}

export async function insertContacts(db: Executor, rows: Insertable<MysteryContactTable>[]) {
  if (rows.length === 0) return;
  await db.insertInto('mystery_contacts').values(rows).execute();
}

// ——— Ce que l'organisation offre au formulaire ———

/** Boîtes d'une sorte (`mystery` ou `functional`) de l'organisation. */
export async function listMailboxesOfKind(db: Executor, organisationId: string, kind: 'mystery' | 'functional') {
  return db
    .selectFrom('mailboxes')
    .select(['id', 'label', 'address', 'service_id', 'smtp_host', 'imap_host'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .orderBy('label')
    .orderBy('id')
    .execute();
}

/** Comptes actifs de la préfecture qui peuvent enquêter (référents et agents), avec leurs services. */
export async function listEvaluatorCandidates(db: Executor, organisationId: string) {
  const members = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['memberships.id as membership_id', 'users.id as user_id', 'users.display_name', 'memberships.role'])
    .where('memberships.organisation_id', '=', organisationId)
    .where('memberships.role', 'in', ['admin', 'agent'])
    .where('users.disabled_at', 'is', null)
    .orderBy('users.display_name')
    .orderBy('users.id')
    .execute();
  const links = await db
    .selectFrom('membership_services')
    .innerJoin('memberships', 'memberships.id', 'membership_services.membership_id')
    .select(['memberships.user_id', 'membership_services.service_id'])
    .where('memberships.organisation_id', '=', organisationId)
    .execute();
  return members.map((m) => ({
    userId: m.user_id,
    displayName: m.display_name,
    role: m.role,
    serviceIds: links.filter((l) => l.user_id === m.user_id).map((l) => l.service_id),
  }));
}
