import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type {
  IndicatorPublicationTable,
  IndicatorTargetTable,
  IndicatorValueTable,
  LocalIndicatorTable,
} from './indicator.table.ts';

export type IndicatorValueRow = Selectable<IndicatorValueTable>;
export type IndicatorTargetRow = Selectable<IndicatorTargetTable>;
export type IndicatorPublicationRow = Selectable<IndicatorPublicationTable>;

export async function listLocalIndicators(db: Executor, organisationId: string) {
  return db.selectFrom('local_indicators').selectAll().where('organisation_id', '=', organisationId).orderBy('key').execute();
}

export async function insertLocalIndicator(db: Executor, row: Insertable<LocalIndicatorTable>) {
  await db.insertInto('local_indicators').values(row).execute();
}

/** Cibles nationales et locales de l'organisation pour un intervalle d'années. */
export async function listTargets(db: Executor, scopes: string[], fromYear: number, toYear: number) {
  return db
    .selectFrom('indicator_targets')
    .selectAll()
    .where('scope', 'in', scopes)
    .where('year', '>=', fromYear)
    .where('year', '<=', toYear)
    .execute();
}

export async function findTarget(db: Executor, scope: string, indicatorKey: string, year: number) {
  return db
    .selectFrom('indicator_targets')
    .selectAll()
    .where('scope', '=', scope)
    .where('indicator_key', '=', indicatorKey)
    .where('year', '=', year)
    .executeTakeFirst();
}

export async function upsertTarget(db: Executor, row: Insertable<IndicatorTargetTable>) {
  await db
    .insertInto('indicator_targets')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['scope', 'indicator_key', 'year']).doUpdateSet({
        kind: row.kind,
        low: row.low ?? null,
        high: row.high ?? null,
        updated_by_user_id: row.updated_by_user_id ?? null,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function deleteTarget(db: Executor, scope: string, indicatorKey: string, year: number) {
  await db
    .deleteFrom('indicator_targets')
    .where('scope', '=', scope)
    .where('indicator_key', '=', indicatorKey)
    .where('year', '=', year)
    .execute();
}

export async function listValues(db: Executor, organisationId: string, fromMonth: string, toMonth: string, keys?: string[]) {
  let query = db
    .selectFrom('indicator_values')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('month', '>=', fromMonth)
    .where('month', '<=', toMonth);
  if (keys) query = query.where('indicator_key', 'in', keys.length > 0 ? keys : ['']);
  return query.orderBy('indicator_key').orderBy('month').orderBy('breakdown').execute();
}

export async function findValues(db: Executor, organisationId: string, indicatorKey: string, month: string) {
  return db
    .selectFrom('indicator_values')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('indicator_key', '=', indicatorKey)
    .where('month', '=', month)
    .execute();
}

/** Une valeur par (indicateur, mois, ventilation) : une nouvelle saisie ou un nouvel import la remplace. */
export async function upsertValues(db: Executor, rows: Insertable<IndicatorValueTable>[]) {
  for (const row of rows) {
    await db
      .insertInto('indicator_values')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'indicator_key', 'month', 'breakdown']).doUpdateSet({
          status: row.status,
          value: row.value ?? null,
          numerator: row.numerator ?? null,
          denominator: row.denominator ?? null,
          note: row.note ?? null,
          historic: row.historic ?? 0,
          provenance: row.provenance,
          source_file: row.source_file ?? null,
          entered_by_user_id: row.entered_by_user_id ?? null,
          entered_by_name: row.entered_by_name ?? null,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }
}

export async function deleteValues(db: Executor, organisationId: string, indicatorKey: string, month: string) {
  await db
    .deleteFrom('indicator_values')
    .where('organisation_id', '=', organisationId)
    .where('indicator_key', '=', indicatorKey)
    .where('month', '=', month)
    .execute();
}

export async function findImportMapping(db: Executor, organisationId: string, source: string) {
  return db
    .selectFrom('indicator_import_mappings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('source', '=', source)
    .executeTakeFirst();
}

export async function saveImportMapping(db: Executor, organisationId: string, source: string, mappingJson: string, now: string) {
  await db
    .insertInto('indicator_import_mappings')
    .values({ organisation_id: organisationId, source, mapping_json: mappingJson, updated_at: now })
    .onConflict((oc) => oc.columns(['organisation_id', 'source']).doUpdateSet({ mapping_json: mappingJson, updated_at: now }))
    .execute();
}

export async function latestPublicationVersion(db: Executor, organisationId: string, kind: string, periodKey: string) {
  const row = await db
    .selectFrom('indicator_publications')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .where('period_key', '=', periodKey)
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

export async function insertPublication(db: Executor, row: Insertable<IndicatorPublicationTable>) {
  await db.insertInto('indicator_publications').values(row).execute();
}

export async function listPublications(db: Executor, organisationId: string, kind?: string) {
  let query = db.selectFrom('indicator_publications').selectAll().where('organisation_id', '=', organisationId);
  if (kind) query = query.where('kind', '=', kind);
  return query.orderBy('published_at', 'desc').orderBy('version', 'desc').execute();
}

export async function findPublication(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('indicator_publications')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}
