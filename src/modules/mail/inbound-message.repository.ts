import type { Insertable, Selectable } from 'kysely';
import { insertRows } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/types.ts';
import type { InboundMessageTable } from './mail.table.ts';
import { outgoingIdsOf } from './threading.ts';

export type InboundMessageRow = Selectable<InboundMessageTable>;

/** Les traces d'un lot de relève, en une instruction par paquet. */
export async function insertInboundMessages(db: Executor, rows: Insertable<InboundMessageTable>[]) {
  await insertRows(db, rows, (part) => db.insertInto('inbound_messages').values(part));
}

/**
 * Les messages d'un lot déjà relevés : même UID dans le même UIDVALIDITY, ou même Message-ID dans la
 * boîte (un UIDVALIDITY qui change renumérote les messages sans qu'ils soient nouveaux). Deux lectures,
 * chacune par son index unique : réunies par un OU, SQLite parcourait toute la boîte à chaque lot.
 */
export async function findSeenMessages(
  db: Executor,
  mailboxId: string,
  uidValidity: string,
  uids: number[],
  messageIds: string[],
): Promise<{ uid: number; uid_validity: string; message_id: string }[]> {
  const found = new Map<string, { uid: number; uid_validity: string; message_id: string }>();
  for (let i = 0; i < uids.length; i += 500) {
    const rows = await db
      .selectFrom('inbound_messages')
      .select(['uid', 'uid_validity', 'message_id'])
      .where('mailbox_id', '=', mailboxId)
      .where('uid_validity', '=', uidValidity)
      .where('uid', 'in', uids.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(`${row.uid_validity}\u0000${row.uid}`, row);
  }
  for (let i = 0; i < messageIds.length; i += 500) {
    const rows = await db
      .selectFrom('inbound_messages')
      .select(['uid', 'uid_validity', 'message_id'])
      .where('mailbox_id', '=', mailboxId)
      .where('message_id', 'in', messageIds.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(`${row.uid_validity}\u0000${row.uid}`, row);
  }
  return [...found.values()];
}

/** Dossiers cités par Message-ID : messages relevés du dossier ou courriels envoyés pour lui. */
export async function casesByMessageIds(
  db: Executor,
  organisationId: string,
  messageIds: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (messageIds.length === 0) return found;
  const cited = citedOutgoing(db, organisationId, messageIds);
  const [inbound, outgoing] = await Promise.all([
    // Par les boîtes de l'organisation : l'index unique (boîte, Message-ID) sert la recherche.
    db
      .selectFrom('inbound_messages')
      .select(['message_id', 'case_id'])
      .where('mailbox_id', 'in', db.selectFrom('mailboxes').select('id').where('organisation_id', '=', organisationId))
      .where('message_id', 'in', messageIds)
      .where('case_id', 'is not', null)
      .execute(),
    cited ? cited.select(['message_id', 'case_id']).where('case_id', 'is not', null).execute() : [],
  ]);
  for (const row of [...inbound, ...outgoing]) if (row.case_id) found.set(row.message_id, row.case_id);
  return found;
}

/**
 * Les courriels sortants de l'organisation que ces Message-ID citent, à compléter de ses colonnes ; aucun
 * (undefined) si aucun ne peut être l'un des nôtres. Nos Message-ID portent l'identifiant du courriel : la clé
 * primaire sert la recherche, le Message-ID entier la vérifie.
 */
function citedOutgoing(db: Executor, organisationId: string, messageIds: string[]) {
  const ids = outgoingIdsOf(messageIds);
  if (ids.length === 0) return undefined;
  return db
    .selectFrom('outgoing_mails')
    .where('id', 'in', ids)
    .where('organisation_id', '=', organisationId)
    .where('message_id', 'in', messageIds);
}

/** Les courriels sortants de l'organisation qu'un rebond cite. */
export async function outgoingByMessageIds(db: Executor, organisationId: string, messageIds: string[]) {
  return (await citedOutgoing(db, organisationId, messageIds)?.selectAll().execute()) ?? [];
}

/** Avance le curseur de la boîte jusqu'à `uid` (jamais en arrière), dans la transaction du message. */
export async function advanceMailboxCursor(db: Executor, mailboxId: string, uidValidity: string, uid: number) {
  await db
    .updateTable('mailboxes')
    .set({ last_uid: uid })
    .where('id', '=', mailboxId)
    .where('uid_validity', '=', uidValidity)
    .where('last_uid', '<', uid)
    .execute();
}

/** Nouveau UIDVALIDITY : les UID repartent de zéro (les Message-ID déjà vus restent sautés). */
export async function resetMailboxCursor(db: Executor, mailboxId: string, uidValidity: string, at: string) {
  await db
    .updateTable('mailboxes')
    .set({ uid_validity: uidValidity, last_uid: 0, updated_at: at })
    .where('id', '=', mailboxId)
    .execute();
}

export async function recordPollOutcome(
  db: Executor,
  mailboxId: string,
  outcome: { polledAt: string; error: null } | { error: string; errorAt: string },
) {
  const changes =
    outcome.error === null
      ? { last_polled_at: outcome.polledAt, last_error: null, last_error_at: null }
      : { last_error: outcome.error, last_error_at: outcome.errorAt };
  await db.updateTable('mailboxes').set(changes).where('id', '=', mailboxId).execute();
}

/** Le journal de relève d'une boîte, du plus récent au plus ancien. */
export async function listInboundMessages(db: Executor, organisationId: string, mailboxId: string, limit = 100) {
  return db
    .selectFrom('inbound_messages')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('mailbox_id', '=', mailboxId)
    .orderBy('created_at', 'desc')
    .orderBy('uid', 'desc')
    .limit(limit)
    .execute();
}
