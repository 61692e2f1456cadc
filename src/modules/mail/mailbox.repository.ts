import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { MailboxTable } from './mail.table.ts';

export type MailboxRow = Selectable<MailboxTable>;

export async function insertMailbox(db: Executor, row: Insertable<MailboxTable>) {
  await db.insertInto('mailboxes').values(row).execute();
}

export async function updateMailbox(db: Executor, organisationId: string, id: string, changes: Updateable<MailboxTable>) {
  await db.updateTable('mailboxes').set(changes).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

export async function findMailbox(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findMailboxById(db: Executor, id: string) {
  return db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listMailboxes(db: Executor, organisationId: string) {
  return db.selectFrom('mailboxes').selectAll().where('organisation_id', '=', organisationId).orderBy('label').execute();
}

/** Les boîtes à relever, toutes organisations confondues (l'exécuteur décide lesquelles sont dues). */
export async function listIntakeMailboxes(db: Executor) {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('intake_enabled', '=', 1)
    .where('imap_host', 'is not', null)
    .orderBy('id')
    .execute();
}

export async function deleteMailbox(db: Executor, organisationId: string, id: string) {
  await db.deleteFrom('mailboxes').where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}
