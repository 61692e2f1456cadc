import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { OutgoingMailTable } from './mail.table.ts';

export type OutgoingMailRow = Selectable<OutgoingMailTable>;

/** Faux quand la clé d'unicité existe déjà : le courriel est déjà en file (ou parti). */
export async function insertOutgoingMail(db: Executor, row: Insertable<OutgoingMailTable>): Promise<boolean> {
  const result = await db
    .insertInto('outgoing_mails')
    .values(row)
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateOutgoingMail(db: Executor, id: string, changes: Updateable<OutgoingMailTable>) {
  await db.updateTable('outgoing_mails').set(changes).where('id', '=', id).execute();
}

export async function findOutgoingMail(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('outgoing_mails')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listOutgoingMailsOfCase(db: Executor, caseId: string) {
  return db.selectFrom('outgoing_mails').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
}
