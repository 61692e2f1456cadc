import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { MysteryContactTable, MysteryMessageTable } from './mystery.table.ts';

/** SQL des courriels mystère mesurés : contacts « courriel », messages de la boîte mystère, dossiers nés d'eux. */

export async function findCampaignById(db: Executor, campaignId: string) {
  return db.selectFrom('mystery_campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst();
}

/** Contacts « courriel » d'une campagne, avec l'adresse visée et le scénario (objet, texte). */
export async function listEmailContacts(db: Executor, campaignIds: readonly string[]) {
  if (campaignIds.length === 0) return [];
  return db
    .selectFrom('mystery_contacts')
    .innerJoin('mystery_targets', 'mystery_targets.id', 'mystery_contacts.target_id')
    .leftJoin('mystery_scenarios', 'mystery_scenarios.id', 'mystery_contacts.scenario_id')
    .leftJoin('outgoing_mails', 'outgoing_mails.id', 'mystery_contacts.outgoing_mail_id')
    .selectAll('mystery_contacts')
    .select([
      'mystery_targets.address as target_address',
      'mystery_targets.label as target_label',
      'mystery_scenarios.subject as scenario_subject',
      'mystery_scenarios.body as scenario_body',
      'outgoing_mails.status as outgoing_status',
      'outgoing_mails.sent_at as outgoing_sent_at',
    ])
    .where('mystery_contacts.campaign_id', 'in', [...campaignIds])
    .where('mystery_contacts.channel', '=', 'email')
    .orderBy('mystery_contacts.campaign_id')
    .orderBy('mystery_contacts.rank')
    .execute();
}

export type EmailContactRow = Awaited<ReturnType<typeof listEmailContacts>>[number];

export async function updateContact(db: Executor, contactId: string, changes: Updateable<MysteryContactTable>) {
  await db.updateTable('mystery_contacts').set(changes).where('id', '=', contactId).execute();
}

/**
 * Boîtes mystère à suivre : celles d'une campagne confirmée, ou close depuis `closedSince` (une réponse
 * tardive compte encore quelques semaines), avec l'organisation.
 */
export async function listWatchedMysteryMailboxes(db: Executor, closedSince: string) {
  return db
    .selectFrom('mailboxes')
    .selectAll('mailboxes')
    .where('mailboxes.kind', '=', 'mystery')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('mystery_campaigns')
          .select('mystery_campaigns.id')
          .whereRef('mystery_campaigns.mystery_mailbox_id', '=', 'mailboxes.id')
          .where((w) =>
            w.or([
              w('mystery_campaigns.status', '=', 'confirmed'),
              w.and([w('mystery_campaigns.status', '=', 'closed'), w('mystery_campaigns.closed_at', '>=', closedSince)]),
            ]),
          ),
      ),
    )
    .orderBy('mailboxes.id')
    .execute();
}

export async function listWatchedCampaigns(db: Executor, mailboxId: string, closedSince: string) {
  return db
    .selectFrom('mystery_campaigns')
    .selectAll()
    .where('mystery_mailbox_id', '=', mailboxId)
    .where((w) => w.or([w('status', '=', 'confirmed'), w.and([w('status', '=', 'closed'), w('closed_at', '>=', closedSince)])]))
    .orderBy('window_from')
    .execute();
}

export async function listMessagesOfCampaigns(db: Executor, campaignIds: readonly string[]) {
  if (campaignIds.length === 0) return [];
  return db
    .selectFrom('mystery_messages')
    .selectAll()
    .where('campaign_id', 'in', [...campaignIds])
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** Les Message-ID déjà enregistrés parmi `messageIds`, toutes campagnes de la boîte confondues. */
export async function seenMessageIds(db: Executor, campaignIds: readonly string[], messageIds: readonly string[]) {
  if (campaignIds.length === 0 || messageIds.length === 0) return new Set<string>();
  const rows = await db
    .selectFrom('mystery_messages')
    .select('message_id')
    .where('campaign_id', 'in', [...campaignIds])
    .where('message_id', 'in', [...messageIds])
    .execute();
  return new Set(rows.map((r) => r.message_id));
}

/** Un message de la boîte mystère ; idempotent par (campagne, Message-ID). */
export async function insertMysteryMessage(db: Executor, row: Insertable<MysteryMessageTable>): Promise<boolean> {
  const result = await db
    .insertInto('mystery_messages')
    .values(row)
    .onConflict((oc) => oc.columns(['campaign_id', 'message_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Contacts dont le dossier (né du courriel mystère) a été réorienté dans le registre. */
export async function reorientedContactIds(db: Executor, contactIds: readonly string[]) {
  if (contactIds.length === 0) return new Set<string>();
  const rows = await db
    .selectFrom('cases')
    .innerJoin('case_events', 'case_events.case_id', 'cases.id')
    .select('cases.mystery_contact_id')
    .where('cases.mystery_contact_id', 'in', [...contactIds])
    .where('case_events.type', '=', 'reoriented')
    .execute();
  return new Set(rows.map((r) => r.mystery_contact_id).filter((id): id is string => id !== null));
}

// ——— Relève des boîtes fonctionnelles : reconnaître un courriel mystère ———

/** Adresses des boîtes mystère d'une organisation (en minuscules). */
export async function mysteryMailboxAddresses(db: Executor, organisationId: string) {
  const rows = await db
    .selectFrom('mailboxes')
    .select(['id', 'address'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'mystery')
    .execute();
  return new Map(rows.map((r) => [r.address.toLowerCase(), r.id]));
}

/** Contacts d'une organisation par Message-ID du courriel mystère envoyé. */
export async function contactsBySentMessageIds(db: Executor, organisationId: string, messageIds: readonly string[]) {
  if (messageIds.length === 0) return new Map<string, string>();
  const rows = await db
    .selectFrom('mystery_contacts')
    .innerJoin('mystery_campaigns', 'mystery_campaigns.id', 'mystery_contacts.campaign_id')
    .select(['mystery_contacts.id', 'mystery_contacts.sent_message_id'])
    .where('mystery_campaigns.organisation_id', '=', organisationId)
    .where('mystery_contacts.sent_message_id', 'in', [...messageIds])
    .execute();
  return new Map(rows.flatMap((r) => (r.sent_message_id ? [[r.sent_message_id, r.id] as const] : [])));
}

/** Contacts envoyés par une boîte mystère, pour reconnaître un courriel sans Message-ID connu (par l'objet). */
export async function sentContactsOfMailbox(db: Executor, mailboxId: string) {
  return db
    .selectFrom('mystery_contacts')
    .innerJoin('mystery_campaigns', 'mystery_campaigns.id', 'mystery_contacts.campaign_id')
    .innerJoin('mystery_targets', 'mystery_targets.id', 'mystery_contacts.target_id')
    .leftJoin('mystery_scenarios', 'mystery_scenarios.id', 'mystery_contacts.scenario_id')
    .select([
      'mystery_contacts.id',
      'mystery_contacts.sent_at',
      'mystery_contacts.scheduled_at',
      'mystery_targets.address as target_address',
      'mystery_scenarios.subject as scenario_subject',
    ])
    .where('mystery_campaigns.mystery_mailbox_id', '=', mailboxId)
    .where('mystery_contacts.channel', '=', 'email')
    .where('mystery_contacts.outgoing_mail_id', 'is not', null)
    .execute();
}

// ——— Marque « Enquête mystère » ———

/** Statut de la campagne de chaque contact (la marque n'est montrée aux agents qu'une fois la campagne close). */
export async function campaignStatusOfContacts(db: Executor, organisationId: string, contactIds: readonly string[]) {
  if (contactIds.length === 0) return new Map<string, string>();
  const rows = await db
    .selectFrom('mystery_contacts')
    .innerJoin('mystery_campaigns', 'mystery_campaigns.id', 'mystery_contacts.campaign_id')
    .select(['mystery_contacts.id', 'mystery_campaigns.status'])
    .where('mystery_campaigns.organisation_id', '=', organisationId)
    .where('mystery_contacts.id', 'in', [...contactIds])
    .execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

/**
 * Courriels mystère encore en attente d'envoi (jamais partis, pas en cours d'envoi) d'une campagne : leur
 * ligne de la file d'envoi est supprimée et le contact annulé. Rend les contacts annulés.
 */
export async function cancelPendingCampaignEmails(db: Executor, campaignId: string, now: string): Promise<string[]> {
  const pending = await db
    .selectFrom('mystery_contacts')
    .innerJoin('outgoing_mails', 'outgoing_mails.id', 'mystery_contacts.outgoing_mail_id')
    .select(['mystery_contacts.id as contactId', 'outgoing_mails.id as mailId'])
    .where('mystery_contacts.campaign_id', '=', campaignId)
    .where('mystery_contacts.status', '=', 'planned')
    .where('outgoing_mails.status', '=', 'pending')
    .where('outgoing_mails.attempts', '=', 0)
    .execute();
  if (pending.length === 0) return [];
  await db
    .deleteFrom('outgoing_mails')
    .where(
      'id',
      'in',
      pending.map((p) => p.mailId),
    )
    .where('status', '=', 'pending')
    .execute();
  const contactIds = pending.map((p) => p.contactId);
  await db.updateTable('mystery_contacts').set({ status: 'cancelled', updated_at: now }).where('id', 'in', contactIds).execute();
  return contactIds;
}
