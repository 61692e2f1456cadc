import type { Kysely } from 'kysely';

/**
 * Courrier : boîtes fonctionnelles, messages relevés (idempotence), courriels sortants, modèles,
 * signatures des services ; préférences des comptes (récapitulatif quotidien, fonction pour la
 * signature individuelle). Types portables (voir 0001).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mailboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('imap_host', 'text')
    .addColumn('imap_port', 'integer')
    .addColumn('imap_tls', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('imap_user', 'text')
    .addColumn('imap_folder', 'text', (c) => c.notNull().defaultTo('INBOX'))
    .addColumn('imap_secret_env', 'text')
    .addColumn('imap_password_encrypted', 'text')
    .addColumn('poll_interval_seconds', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('smtp_host', 'text')
    .addColumn('smtp_port', 'integer')
    .addColumn('smtp_tls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('smtp_user', 'text')
    .addColumn('smtp_secret_env', 'text')
    .addColumn('smtp_password_encrypted', 'text')
    .addColumn('intake_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('uid_validity', 'text')
    .addColumn('last_uid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_polled_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mailboxes_organisation_address')
    .on('mailboxes')
    .columns(['organisation_id', 'address'])
    .unique()
    .execute();

  await db.schema
    .createTable('inbound_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('uid_validity', 'text', (c) => c.notNull())
    .addColumn('uid', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('case_id', 'text', (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Deux gardes : le même UID d'un même dossier IMAP, et le même Message-ID dans une même boîte
  // (un UIDVALIDITY qui change renumérote tout sans que les messages soient nouveaux).
  await db.schema
    .createIndex('inbound_messages_uid')
    .on('inbound_messages')
    .columns(['mailbox_id', 'uid_validity', 'uid'])
    .unique()
    .execute();
  await db.schema
    .createIndex('inbound_messages_message_id')
    .on('inbound_messages')
    .columns(['mailbox_id', 'message_id'])
    .unique()
    .execute();
  await db.schema.createIndex('inbound_messages_case').on('inbound_messages').column('case_id').execute();

  await db.schema
    .createTable('outgoing_mails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('case_id', 'text', (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('mailbox_id', 'text', (c) => c.references('mailboxes.id').onDelete('set null'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('unique_key', 'text', (c) => c.unique())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('to_name', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('in_reply_to', 'text')
    .addColumn('references_header', 'text')
    .addColumn('attachments_json', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_by_user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outgoing_mails_due').on('outgoing_mails').columns(['status', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('outgoing_mails_organisation')
    .on('outgoing_mails')
    .columns(['organisation_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('outgoing_mails_case').on('outgoing_mails').column('case_id').execute();
  // Rattachement d'une réponse du demandeur et d'un rebond au courriel qu'ils citent.
  await db.schema.createIndex('outgoing_mails_message_id').on('outgoing_mails').column('message_id').execute();

  await db.schema
    .createTable('mail_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('case_kind', 'text')
    .addColumn('service_id', 'text', (c) => c.references('services.id').onDelete('set null'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mail_templates_organisation')
    .on('mail_templates')
    .columns(['organisation_id', 'purpose'])
    .execute();

  await db.schema
    .createTable('service_signatures')
    .addColumn('service_id', 'text', (c) => c.primaryKey().references('services.id').onDelete('cascade'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('service_label', 'text', (c) => c.notNull())
    .addColumn('postal_address', 'text')
    .addColumn('phone', 'text')
    .addColumn('website', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('users')
    .addColumn('reminder_digest', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('users').addColumn('job_title', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('job_title').execute();
  await db.schema.alterTable('users').dropColumn('reminder_digest').execute();
  for (const table of ['service_signatures', 'mail_templates', 'outgoing_mails', 'inbound_messages', 'mailboxes']) {
    await db.schema.dropTable(table).execute();
  }
}
