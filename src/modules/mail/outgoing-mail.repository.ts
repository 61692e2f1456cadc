import type { ExpressionBuilder, Insertable, Selectable, Updateable } from 'kysely';
import { insertRows } from '../../db/bulk-insert.ts';
import type { Database } from '../../db/schema.ts';
import { type Executor, toNumber } from '../../db/types.ts';
import type { OutgoingMailTable, OutgoingStatus } from './mail.table.ts';

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

/**
 * Plusieurs courriels neufs en une instruction par paquet. Une clé d'unicité déjà prise fait échouer
 * l'écriture (et la transaction de l'appelant) : ces courriels-là ne peuvent pas déjà être en file.
 */
export async function insertOutgoingMails(db: Executor, rows: Insertable<OutgoingMailTable>[]): Promise<void> {
  await insertRows(db, rows, (part) => db.insertInto('outgoing_mails').values(part));
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

// ——— Envoi de la file (outbox.service) ———

/** Un courriel resté « en cours d'envoi » (processus arrêté pendant l'envoi) est remis en attente. */
export async function requeueStaleSending(db: Executor, claimedBefore: string, now: string, reason: string): Promise<number> {
  const result = await db
    .updateTable('outgoing_mails')
    .set({ status: 'pending', next_attempt_at: now, last_error: reason, updated_at: now })
    .where('status', '=', 'sending')
    .where('updated_at', '<', claimedBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** L'organisation a-t-elle au moins une boîte avec un relais SMTP ? (sous-requête corrélée) */
function hasSendingMailbox(eb: ExpressionBuilder<Database, 'outgoing_mails'>) {
  return eb.exists(
    eb
      .selectFrom('mailboxes')
      .select('mailboxes.id')
      .whereRef('mailboxes.organisation_id', '=', 'outgoing_mails.organisation_id')
      .where('mailboxes.smtp_host', 'is not', null),
  );
}

/**
 * Courriels dus d'organisations sans boîte d'expédition : ils attendent (sans compter d'essai) et
 * la raison est écrite une fois ; ils ne prennent pas la place des autres dans la file.
 */
export async function markWaitingWithoutMailbox(db: Executor, now: string, reason: string): Promise<number> {
  await db
    .updateTable('outgoing_mails')
    .set({ last_error: reason, updated_at: now })
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('last_error', 'is', null), eb('last_error', '!=', reason)]))
    .where((eb) => eb.not(hasSendingMailbox(eb)))
    .execute();
  const row = await db
    .selectFrom('outgoing_mails')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.not(hasSendingMailbox(eb)))
    .executeTakeFirst();
  return toNumber(row?.n);
}

/** Courriels dus qui peuvent partir (leur organisation a une boîte d'expédition), les plus anciens d'abord. */
export async function listDueOutgoingMails(db: Executor, now: string, limit: number) {
  return db
    .selectFrom('outgoing_mails')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => hasSendingMailbox(eb))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Prise conditionnelle : seul le processus dont la mise à jour touche la ligne l'envoie. */
export async function claimOutgoingMail(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('outgoing_mails')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type OutboxStatusFilter = 'pending' | 'sent' | 'failed';

function statusesOf(filter: OutboxStatusFilter | undefined): OutgoingStatus[] | undefined {
  if (filter === 'pending') return ['pending', 'sending'];
  return filter ? [filter] : undefined;
}

/** La file d'une organisation, la plus récente d'abord, avec la référence du dossier. */
export async function listOutbox(
  db: Executor,
  organisationId: string,
  filter: OutboxStatusFilter | undefined,
  limit: number,
  offset: number,
) {
  const statuses = statusesOf(filter);
  let query = db
    .selectFrom('outgoing_mails')
    .leftJoin('cases', 'cases.id', 'outgoing_mails.case_id')
    .leftJoin('mailboxes', 'mailboxes.id', 'outgoing_mails.mailbox_id')
    .select([
      'outgoing_mails.id',
      'outgoing_mails.case_id',
      'outgoing_mails.purpose',
      'outgoing_mails.to_address',
      'outgoing_mails.subject',
      'outgoing_mails.status',
      'outgoing_mails.attempts',
      'outgoing_mails.next_attempt_at',
      'outgoing_mails.last_error',
      'outgoing_mails.sent_at',
      'outgoing_mails.created_at',
      'cases.reference as case_reference',
      'mailboxes.address as mailbox_address',
    ])
    .where('outgoing_mails.organisation_id', '=', organisationId);
  if (statuses) query = query.where('outgoing_mails.status', 'in', statuses);
  return query
    .orderBy('outgoing_mails.created_at', 'desc')
    .orderBy('outgoing_mails.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countOutbox(db: Executor, organisationId: string, filter: OutboxStatusFilter | undefined) {
  const statuses = statusesOf(filter);
  let query = db
    .selectFrom('outgoing_mails')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organisation_id', '=', organisationId);
  if (statuses) query = query.where('status', 'in', statuses);
  return toNumber((await query.executeTakeFirst())?.n);
}

/** Remet un courriel dans la file, dû tout de suite, s'il est toujours dans l'état lu (sinon faux). */
export async function requeueOutgoingMail(db: Executor, id: string, fromStatus: OutgoingStatus, now: string): Promise<boolean> {
  const result = await db
    .updateTable('outgoing_mails')
    .set({ status: 'pending', next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', fromStatus)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
