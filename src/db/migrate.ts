import { type DatabaseIntrospector, type Kysely, sql, type TableMetadata } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { Migrator } from 'kysely/migration';
import type { Engine } from './database.ts';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_school_holidays.ts';
import * as m0003 from './migrations/0003_cases.ts';
import * as m0004 from './migrations/0004_job_progress.ts';
import * as m0005 from './migrations/0005_mail.ts';
import * as m0006 from './migrations/0006_surveys.ts';
import * as m0007 from './migrations/0007_kiosk_devices.ts';
import * as m0009 from './migrations/0009_survey_double_entry.ts';
import * as m0010 from './migrations/0010_indicators.ts';
import * as m0011 from './migrations/0011_indicator_indexes.ts';
import * as m0012 from './migrations/0012_action_plan_clu.ts';
import * as m0013 from './migrations/0013_mystery.ts';
import * as m0014 from './migrations/0014_outgoing_message_id.ts';
import type { Database } from './schema.ts';

/** Liste explicite : l'ordre est celui des noms, et aucun fichier n'est découvert au hasard du disque. */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_school_holidays': m0002,
  '0003_cases': m0003,
  '0004_job_progress': m0004,
  '0005_mail': m0005,
  '0006_surveys': m0006,
  '0007_kiosk_devices': m0007,
  '0009_survey_double_entry': m0009,
  '0010_indicators': m0010,
  '0011_indicator_indexes': m0011,
  '0012_action_plan_clu': m0012,
  '0013_mystery': m0013,
  '0014_outgoing_message_id': m0014,
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/**
 * Ce que le migrateur de Kysely demande à l'introspection (schéma et tables de suivi présents ?), lu dans le
 * seul schéma courant. L'introspection de Kysely parcourt tous les schémas de la base et appelle
 * `pg_get_serial_sequence` sur chaque table : si un autre schéma est supprimé pendant ce temps (les tests en
 * créent un par fichier, en parallèle), elle échoue sur « relation … does not exist ». Les colonnes ne sont
 * pas lues : le migrateur ne s'en sert pas.
 */
function currentSchemaIntrospector(db: Kysely<Database>, schema: string): DatabaseIntrospector {
  const getTables = async (): Promise<TableMetadata[]> => {
    const rows = await sql<{ name: string; kind: string }>`
      select c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'f')`.execute(db);
    return rows.rows.map((row) => ({
      name: row.name,
      schema,
      isView: row.kind === 'v',
      isForeign: row.kind === 'f',
      columns: [],
    }));
  };
  return {
    getSchemas: async () => {
      const rows = await sql<{
        name: string;
      }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
      return rows.rows;
    },
    getTables,
  };
}

export async function migrateToLatest(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  // Sur PostgreSQL, les tables de suivi sont cherchées dans le schéma courant : sans cela, Kysely
  // les croirait présentes dès qu'un autre schéma de la même base en contient.
  const schema =
    engine === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const introspection = schema ? currentSchemaIntrospector(db, schema) : undefined;
  // Le migrateur voit la même base, avec l'introspection limitée au schéma courant (méthodes liées à la
  // vraie instance : ses champs privés restent accessibles).
  const migratorDb = introspection
    ? new Proxy(db, {
        get(target, property) {
          if (property === 'introspection') return introspection;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      })
    : db;
  const migrator = new Migrator({
    db: migratorDb,
    provider,
    migrationTableName: 'vigie_migrations',
    migrationLockTableName: 'vigie_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `Échec de la migration ${failed?.migrationName ?? ''} : ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
