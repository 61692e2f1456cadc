import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Registre des dossiers : dossiers, thèmes (taxonomie modifiable), pièces jointes, historique,
 * compteurs de références. Types portables (voir 0001) ; les pièces jointes sont en base (BLOB sur
 * SQLite, bytea sur PostgreSQL) pour que plusieurs serveurs partagent les mêmes fichiers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('themes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('themes_organisation_label').on('themes').columns(['organisation_id', 'label']).unique().execute();

  await db.schema
    .createTable('case_reference_counters')
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_reference_counters_pk', ['organisation_id', 'year'])
    .execute();

  // Un import est une ligne ici, pas un événement par dossier : l'historique d'un dossier importé
  // l'affiche à partir de cette ligne.
  await db.schema
    .createTable('case_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('file_name', 'text')
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('created_count', 'integer', (c) => c.notNull())
    .addColumn('updated_count', 'integer', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('service_id', 'text', (c) => c.references('services.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('received_local_date', 'text', (c) => c.notNull())
    .addColumn('deposit_local_date', 'text')
    .addColumn('due_date', 'text')
    .addColumn('appointment_fixed_due', 'text')
    .addColumn('appointment_held_due', 'text')
    .addColumn('appointment_fixed_local_date', 'text')
    .addColumn('appointment_held_local_date', 'text')
    .addColumn('requester_name', 'text')
    .addColumn('requester_email', 'text')
    .addColumn('requester_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('body', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('answered_local_date', 'text')
    .addColumn('answer_delay', 'integer')
    .addColumn('answer_channel', 'text')
    .addColumn('answer_text', 'text')
    .addColumn('follow_up', 'text')
    .addColumn('import_id', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('personal_data_erased_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('cases_organisation_reference')
    .on('cases')
    .columns(['organisation_id', 'reference'])
    .unique()
    .execute();
  // Index couvrant des indicateurs : population par date de réception, avec ce que le calcul lit.
  await db.schema
    .createIndex('cases_indicators')
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
    .execute();
  await db.schema
    .createIndex('cases_queue')
    .on('cases')
    .columns(['organisation_id', 'service_id', 'status', 'due_date'])
    .execute();

  await db.schema
    .createTable('case_themes')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('theme_id', 'text', (c) => c.notNull().references('themes.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('case_themes_pk', ['case_id', 'theme_id'])
    .execute();
  await db.schema.createIndex('case_themes_theme').on('case_themes').column('theme_id').execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'occurred_at']).execute();

  await db.schema
    .createTable('case_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', binary, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_attachments_case').on('case_attachments').column('case_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'case_attachments',
    'case_events',
    'case_themes',
    'cases',
    'case_imports',
    'case_reference_counters',
    'themes',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
