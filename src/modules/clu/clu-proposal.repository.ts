import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { CluProposalTable } from './clu.table.ts';

export async function insertProposal(db: Executor, row: Insertable<CluProposalTable>) {
  await db.insertInto('clu_proposals').values(row).execute();
}

export async function updateProposal(db: Executor, organisationId: string, id: string, changes: Updateable<CluProposalTable>) {
  await db.updateTable('clu_proposals').set(changes).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

export async function findProposal(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('clu_proposals')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Propositions d'une réunion, dans l'ordre où elles ont été formulées, avec l'organisme et le numéro d'action. */
export async function listProposals(db: Executor, meetingId: string) {
  return db
    .selectFrom('clu_proposals as p')
    .leftJoin('clu_member_organisations as o', 'o.id', 'p.member_organisation_id')
    .leftJoin('actions as a', 'a.id', 'p.action_id')
    .select([
      'p.id',
      'p.meeting_id',
      'p.text',
      'p.status',
      'p.follow_up',
      'p.action_id',
      'p.member_organisation_id',
      'p.created_at',
      'o.name as member_organisation_name',
      'a.number as action_number',
    ])
    .where('p.meeting_id', '=', meetingId)
    .orderBy('p.created_at')
    .orderBy('p.id')
    .execute();
}
