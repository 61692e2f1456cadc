import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { ActionEvidenceFileTable, ActionTable } from './action.table.ts';

export type ActionRow = Selectable<ActionTable>;

export interface ActionFilters {
  status?: string;
  /** Ouvertes : à faire ou en cours. */
  open?: boolean;
  originKind?: string;
  serviceId?: string;
  engagement?: string;
  /** Échéance au plus tard / au plus tôt (dates civiles incluses). */
  dueFrom?: string;
  dueTo?: string;
}

/** Prochain numéro d'action de l'organisation ; à appeler dans la transaction qui insère. */
export async function nextActionNumber(db: Executor, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom('actions')
    .select((eb) => eb.fn.max('number').as('max'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return toNumber(row?.max) + 1;
}

export async function insertAction(db: Executor, row: Insertable<ActionTable>) {
  await db.insertInto('actions').values(row).execute();
}

export async function updateAction(db: Executor, organisationId: string, id: string, changes: Updateable<ActionTable>) {
  await db.updateTable('actions').set(changes).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

export async function deleteAction(db: Executor, organisationId: string, id: string) {
  await db.deleteFrom('actions').where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

export async function findAction(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('actions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function replaceActionServices(db: Executor, actionId: string, serviceIds: string[]) {
  await db.deleteFrom('action_services').where('action_id', '=', actionId).execute();
  if (serviceIds.length > 0) {
    await db
      .insertInto('action_services')
      .values(serviceIds.map((service_id) => ({ action_id: actionId, service_id })))
      .execute();
  }
}

export async function replaceActionLinks(
  db: Executor,
  actionId: string,
  links: { kind: 'engagement' | 'indicator'; code: string }[],
) {
  await db.deleteFrom('action_links').where('action_id', '=', actionId).execute();
  if (links.length > 0) {
    await db
      .insertInto('action_links')
      .values(links.map((l) => ({ action_id: actionId, kind: l.kind, code: l.code })))
      .execute();
  }
}

/** Services acteurs des actions données, avec leur nom. */
export async function servicesOfActions(db: Executor, actionIds: string[]) {
  if (actionIds.length === 0) return [];
  return db
    .selectFrom('action_services')
    .innerJoin('services', 'services.id', 'action_services.service_id')
    .select(['action_services.action_id', 'services.id', 'services.name'])
    .where('action_services.action_id', 'in', actionIds)
    .orderBy('services.name')
    .execute();
}

export async function linksOfActions(db: Executor, actionIds: string[]) {
  if (actionIds.length === 0) return [];
  return db
    .selectFrom('action_links')
    .select(['action_id', 'kind', 'code'])
    .where('action_id', 'in', actionIds)
    .orderBy('kind')
    .orderBy('code')
    .execute();
}

function filtered(db: Executor, organisationId: string, f: ActionFilters) {
  let query = db.selectFrom('actions').where('actions.organisation_id', '=', organisationId);
  if (f.status) query = query.where('actions.status', '=', f.status);
  if (f.open) query = query.where('actions.status', 'in', ['todo', 'in_progress']);
  if (f.originKind) query = query.where('actions.origin_kind', '=', f.originKind);
  if (f.dueFrom) query = query.where('actions.due_date', '>=', f.dueFrom);
  if (f.dueTo) query = query.where('actions.due_date', '<=', f.dueTo);
  if (f.serviceId) {
    const serviceId = f.serviceId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('action_services')
          .select('action_services.action_id')
          .whereRef('action_services.action_id', '=', 'actions.id')
          .where('action_services.service_id', '=', serviceId),
      ),
    );
  }
  if (f.engagement) {
    const code = f.engagement;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('action_links')
          .select('action_links.action_id')
          .whereRef('action_links.action_id', '=', 'actions.id')
          .where('action_links.kind', '=', 'engagement')
          .where('action_links.code', '=', code),
      ),
    );
  }
  return query;
}

export async function countActions(db: Executor, organisationId: string, f: ActionFilters): Promise<number> {
  const row = await filtered(db, organisationId, f)
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirst();
  return toNumber(row?.count);
}

/** Actions filtrées, par échéance puis numéro ; `limit` nul : toutes. */
export async function listActions(db: Executor, organisationId: string, f: ActionFilters, limit: number | null, offset = 0) {
  let query = filtered(db, organisationId, f).selectAll('actions').orderBy('actions.due_date').orderBy('actions.number');
  if (limit !== null) query = query.limit(limit).offset(offset);
  return query.execute();
}

/** Actions ouvertes d'une organisation (à faire, en cours), pour les rappels. */
export async function listOpenActions(db: Executor, organisationId: string) {
  return db
    .selectFrom('actions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('status', 'in', ['todo', 'in_progress'])
    .orderBy('due_date')
    .orderBy('number')
    .execute();
}

/**
 * Destinataires des rappels d'une action : les comptes actifs (agents et référents) rattachés à l'un de
 * ses services, qui n'ont pas décoché le récapitulatif.
 */
export async function listServiceRecipients(db: Executor, organisationId: string, serviceIds: string[]) {
  if (serviceIds.length === 0) return [];
  return db
    .selectFrom('membership_services')
    .innerJoin('memberships', 'memberships.id', 'membership_services.membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id as user_id', 'users.email', 'users.display_name'])
    .distinct()
    .where('memberships.organisation_id', '=', organisationId)
    .where('memberships.role', 'in', ['admin', 'agent'])
    .where('membership_services.service_id', 'in', serviceIds)
    .where('users.disabled_at', 'is', null)
    .where('users.reminder_digest', '=', 1)
    .orderBy('users.email')
    .execute();
}

/** Référents qualité actifs de l'organisation (repli quand aucun agent n'est rattaché aux services acteurs). */
export async function listAdminRecipients(db: Executor, organisationId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id as user_id', 'users.email', 'users.display_name'])
    .where('memberships.organisation_id', '=', organisationId)
    .where('memberships.role', '=', 'admin')
    .where('users.disabled_at', 'is', null)
    .where('users.reminder_digest', '=', 1)
    .orderBy('users.email')
    .execute();
}

/** Services auxquels un compte est rattaché dans l'organisation. */
export async function serviceIdsOfMembership(db: Executor, membershipId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('membership_services')
    .select('service_id')
    .where('membership_id', '=', membershipId)
    .execute();
  return rows.map((r) => r.service_id);
}

// ——— Pièces justificatives ———

export async function insertEvidenceFile(db: Executor, row: Insertable<ActionEvidenceFileTable>) {
  await db.insertInto('action_evidence_files').values(row).execute();
}

export async function listEvidenceFiles(db: Executor, actionId: string) {
  return db
    .selectFrom('action_evidence_files')
    .select(['id', 'filename', 'content_type', 'size', 'created_at'])
    .where('action_id', '=', actionId)
    .orderBy('created_at')
    .execute();
}

export async function countEvidenceFiles(db: Executor, actionId: string): Promise<number> {
  const row = await db
    .selectFrom('action_evidence_files')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('action_id', '=', actionId)
    .executeTakeFirst();
  return toNumber(row?.count);
}

/** Le fichier, seulement si l'action appartient à l'organisation. */
export async function findEvidenceFile(db: Executor, organisationId: string, actionId: string, fileId: string) {
  return db
    .selectFrom('action_evidence_files')
    .innerJoin('actions', 'actions.id', 'action_evidence_files.action_id')
    .selectAll('action_evidence_files')
    .where('actions.organisation_id', '=', organisationId)
    .where('action_evidence_files.action_id', '=', actionId)
    .where('action_evidence_files.id', '=', fileId)
    .executeTakeFirst();
}

export async function deleteEvidenceFile(db: Executor, actionId: string, fileId: string) {
  await db.deleteFrom('action_evidence_files').where('action_id', '=', actionId).where('id', '=', fileId).execute();
}

// ——— Proposition du CLU devenue action ———

export async function findCluProposal(db: Executor, organisationId: string, proposalId: string) {
  return db
    .selectFrom('clu_proposals')
    .select(['id', 'text', 'status', 'action_id'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', proposalId)
    .executeTakeFirst();
}

/** La proposition est retenue et suivie par l'action : écrit dans la transaction qui crée l'action. */
export async function acceptCluProposal(db: Executor, organisationId: string, proposalId: string, actionId: string, now: string) {
  await db
    .updateTable('clu_proposals')
    .set({ action_id: actionId, status: 'accepted', updated_at: now })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', proposalId)
    .execute();
}
