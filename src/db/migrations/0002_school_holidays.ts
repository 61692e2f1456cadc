import type { Kysely } from 'kysely';

/**
 * Vacances scolaires : périodes livrées (organisation nulle) ou ajoutées par une préfecture, et version
 * du fichier livré chargé. Types portables comme 0001 : identifiants texte générés par l'application,
 * dates civiles ISO « AAAA-MM-JJ » et horodatages ISO 8601 en texte.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('school_holiday_periods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('school_holiday_periods_zone_start')
    .on('school_holiday_periods')
    .columns(['zone', 'start_date'])
    .execute();

  await db.schema
    .createTable('school_holiday_data_versions')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('data_hash', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('school_holiday_data_versions').execute();
  await db.schema.dropTable('school_holiday_periods').execute();
}
