import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { CluMemberOrganisationTable, CluMemberTable } from './clu.table.ts';

export type MemberOrganisationRow = Selectable<CluMemberOrganisationTable>;
export type MemberRow = Selectable<CluMemberTable>;

export async function insertMemberOrganisation(db: Executor, row: Insertable<CluMemberOrganisationTable>) {
  await db.insertInto('clu_member_organisations').values(row).execute();
}

export async function updateMemberOrganisation(
  db: Executor,
  organisationId: string,
  id: string,
  changes: Updateable<CluMemberOrganisationTable>,
) {
  await db
    .updateTable('clu_member_organisations')
    .set(changes)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

export async function findMemberOrganisation(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('clu_member_organisations')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listMemberOrganisations(db: Executor, organisationId: string) {
  return db
    .selectFrom('clu_member_organisations')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export async function insertMember(db: Executor, row: Insertable<CluMemberTable>) {
  await db.insertInto('clu_members').values(row).execute();
}

export async function updateMember(db: Executor, organisationId: string, id: string, changes: Updateable<CluMemberTable>) {
  await db.updateTable('clu_members').set(changes).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

export async function findMember(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('clu_members')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Représentants de l'organisation, retirés compris (ils restent dans les présences des réunions passées). */
export async function listMembers(db: Executor, organisationId: string) {
  return db
    .selectFrom('clu_members')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('last_name')
    .orderBy('first_name')
    .orderBy('id')
    .execute();
}

/** Représentants retirés avant `before` dont les coordonnées n'ont pas encore été effacées, toutes organisations. */
export async function listMembersToErase(db: Executor, before: string) {
  return db
    .selectFrom('clu_members')
    .select(['id', 'organisation_id', 'removed_at'])
    .where('removed_at', 'is not', null)
    .where('removed_at', '<', before)
    .where('erased_at', 'is', null)
    .orderBy('organisation_id')
    .orderBy('id')
    .execute();
}
