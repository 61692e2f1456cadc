import type { Kysely } from 'kysely';

/**
 * Indicateurs : indicateurs locaux, cibles annuelles (nationales et locales), valeurs importées ou
 * saisies, correspondances de colonnes retenues par source, publications figées. Types portables (voir 0001) ;
 * les nombres en `double precision`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('local_indicators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('local_indicators_key', ['organisation_id', 'key'])
    .execute();

  await db.schema
    .createTable('indicator_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('indicator_key', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('low', 'double precision')
    .addColumn('high', 'double precision')
    .addColumn('updated_by_user_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicator_targets_unique', ['scope', 'indicator_key', 'year'])
    .execute();

  await db.schema
    .createTable('indicator_values')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('indicator_key', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('breakdown', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('numerator', 'double precision')
    .addColumn('denominator', 'double precision')
    .addColumn('note', 'text')
    .addColumn('historic', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('provenance', 'text', (c) => c.notNull())
    .addColumn('source_file', 'text')
    .addColumn('entered_by_user_id', 'text')
    .addColumn('entered_by_name', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicator_values_unique', ['organisation_id', 'indicator_key', 'month', 'breakdown'])
    .execute();

  await db.schema
    .createTable('indicator_import_mappings')
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('mapping_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('indicator_import_mappings_pk', ['organisation_id', 'source'])
    .execute();

  await db.schema
    .createTable('indicator_publications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot_json', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by_user_id', 'text')
    .addColumn('published_by_name', 'text')
    .addUniqueConstraint('indicator_publications_version', ['organisation_id', 'kind', 'period_key', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'indicator_publications',
    'indicator_import_mappings',
    'indicator_values',
    'indicator_targets',
    'local_indicators',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
