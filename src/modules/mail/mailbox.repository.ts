import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
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

/**
 * Boîtes fonctionnelles d'une organisation : celles qui écrivent aux usagers. La boîte des enquêtes
 * mystère en est exclue — elle ne doit jamais signer une réponse, une lettre ou un accusé.
 */
export async function listMailboxes(db: Executor, organisationId: string) {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('kind', '!=', 'mystery')
    .orderBy('label')
    .execute();
}

/** Toutes les boîtes d'une organisation, boîtes mystère comprises (administration des boîtes). */
export async function listAllMailboxes(db: Executor, organisationId: string) {
  return db.selectFrom('mailboxes').selectAll().where('organisation_id', '=', organisationId).orderBy('label').execute();
}

/**
 * Les boîtes à relever en dossiers, toutes organisations confondues (l'exécuteur décide lesquelles sont
 * dues). Jamais une boîte mystère : ses messages sont lus par le suivi des enquêtes mystère.
 */
export async function listIntakeMailboxes(db: Executor) {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('intake_enabled', '=', 1)
    .where('kind', '!=', 'mystery')
    .where('imap_host', 'is not', null)
    .orderBy('id')
    .execute();
}

export async function deleteMailbox(db: Executor, organisationId: string, id: string) {
  await db.deleteFrom('mailboxes').where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

/**
 * Boîtes fonctionnelles d'une organisation qui ont un relais SMTP, la plus ancienne d'abord (boîte
 * d'expédition par défaut). Une boîte mystère n'envoie que les courriels de ses campagnes.
 */
export async function listSendingMailboxes(db: Executor, organisationId: string) {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('kind', '!=', 'mystery')
    .where('smtp_host', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Journal des messages relevés d'une boîte, le plus récent d'abord, avec la référence du dossier. */
export async function listInboundMessagesOfMailbox(
  db: Executor,
  organisationId: string,
  mailboxId: string,
  limit: number,
  offset: number,
) {
  return db
    .selectFrom('inbound_messages')
    .leftJoin('cases', 'cases.id', 'inbound_messages.case_id')
    .select([
      'inbound_messages.id',
      'inbound_messages.received_at',
      'inbound_messages.from_address',
      'inbound_messages.subject',
      'inbound_messages.outcome',
      'inbound_messages.reason',
      'inbound_messages.case_id',
      'cases.reference as case_reference',
    ])
    .where('inbound_messages.organisation_id', '=', organisationId)
    .where('inbound_messages.mailbox_id', '=', mailboxId)
    .orderBy('inbound_messages.received_at', 'desc')
    .orderBy('inbound_messages.uid', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countInboundMessagesOfMailbox(db: Executor, organisationId: string, mailboxId: string) {
  const row = await db
    .selectFrom('inbound_messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('mailbox_id', '=', mailboxId)
    .executeTakeFirst();
  return toNumber(row?.n);
}
