import { type Kysely, sql } from 'kysely';

/**
 * Enquêtes mystère : banque de scénarios, campagnes (cibles, enquêteurs, plan de contacts par
 * demi-journée), grilles remplies et mesures automatiques des courriels, messages échangés par la boîte
 * mystère. Une boîte mystère est une boîte de `mailboxes` de sorte `mystery` (jamais relevée comme
 * boîte fonctionnelle) ; un dossier né d'un courriel mystère porte son contact (`cases.mystery_contact_id`),
 * invisible des agents pendant la campagne et hors des indicateurs de production.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('mailboxes')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('functional'))
    .execute();
  await db.schema.alterTable('cases').addColumn('mystery_contact_id', 'text').execute();
  // Index partiel et couvrant des seuls dossiers mystère (quelques dizaines par campagne), des colonnes de
  // `cases_indicators` : les indicateurs de production retranchent leur agrégat sans quitter l'index couvrant
  // du registre. Filtrer `mystery_contact_id is null` dans l'agrégat ferait lire la table pour chaque dossier
  // (mesuré sur SQLite, 100 000 dossiers : de 28 à 170 ms). Couvrant, SQLite le préfère même sans ANALYZE.
  await db.schema
    .createIndex('cases_mystery')
    .on('cases')
    .columns([
      'organisation_id',
      'received_local_date',
      'kind',
      'channel',
      'audience',
      'target',
      'answered_local_date',
      'due_date',
      'answer_delay',
    ])
    .where(sql.ref('mystery_contact_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('mystery_scenarios')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.references('services.id').onDelete('set null'))
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mystery_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('window_from', 'text', (c) => c.notNull())
    .addColumn('window_to', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('mystery_mailbox_id', 'text', (c) => c.references('mailboxes.id').onDelete('set null'))
    .addColumn('findings_json', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('confirmed_by_name', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mystery_campaigns_by_window')
    .on('mystery_campaigns')
    .columns(['organisation_id', 'window_from'])
    .execute();

  await db.schema
    .createTable('mystery_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('mystery_campaigns.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.references('services.id').onDelete('set null'))
    .addColumn('address', 'text')
    .execute();

  await db.schema
    .createTable('mystery_evaluators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('mystery_campaigns.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('service_ids_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('external', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('access_token_hash', 'text')
    .execute();

  await db.schema
    .createTable('mystery_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('mystery_campaigns.id').onDelete('cascade'))
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('half_day', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull().references('mystery_targets.id').onDelete('cascade'))
    .addColumn('evaluator_id', 'text', (c) => c.references('mystery_evaluators.id').onDelete('set null'))
    .addColumn('scenario_id', 'text', (c) => c.references('mystery_scenarios.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'text')
    .addColumn('outgoing_mail_id', 'text')
    .addColumn('sent_message_id', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('answers_json', 'text')
    .addColumn('measured_json', 'text')
    .addColumn('notes', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('completed_by_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mystery_contacts_by_campaign').on('mystery_contacts').columns(['campaign_id', 'rank']).execute();
  await db.schema.createIndex('mystery_contacts_by_message').on('mystery_contacts').columns(['sent_message_id']).execute();

  await db.schema
    .createTable('mystery_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('mystery_campaigns.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.references('mystery_contacts.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('in_reply_to', 'text')
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text')
    .addColumn('attachment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('mystery_messages_unique', ['campaign_id', 'message_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'mystery_messages',
    'mystery_contacts',
    'mystery_evaluators',
    'mystery_targets',
    'mystery_campaigns',
    'mystery_scenarios',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('cases_mystery').execute();
  await db.schema.alterTable('cases').dropColumn('mystery_contact_id').execute();
  await db.schema.alterTable('mailboxes').dropColumn('kind').execute();
}
