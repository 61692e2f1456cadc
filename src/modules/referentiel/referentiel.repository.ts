import type { Insertable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type {
  RefCriterionTable,
  RefEngagementTable,
  ReferentielVersionTable,
  RefIndicatorTable,
  RefModuleTable,
} from './referentiel.table.ts';

export async function findReferentielVersion(db: Executor, key: string) {
  return db.selectFrom('referentiel_versions').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Remplace tout le référentiel (il est petit et versionné comme un tout). */
export async function replaceReferentiel(
  db: Executor,
  version: Insertable<ReferentielVersionTable>,
  modules: Insertable<RefModuleTable>[],
  engagements: Insertable<RefEngagementTable>[],
  criteria: Insertable<RefCriterionTable>[],
  indicators: Insertable<RefIndicatorTable>[],
) {
  await db.deleteFrom('ref_indicators').execute();
  await db.deleteFrom('ref_criteria').execute();
  await db.deleteFrom('ref_engagements').execute();
  await db.deleteFrom('ref_modules').execute();
  await db.deleteFrom('referentiel_versions').where('key', '=', version.key).execute();
  await db.insertInto('referentiel_versions').values(version).execute();
  await db.insertInto('ref_modules').values(modules).execute();
  await db.insertInto('ref_engagements').values(engagements).execute();
  if (criteria.length > 0) await db.insertInto('ref_criteria').values(criteria).execute();
  await db.insertInto('ref_indicators').values(indicators).execute();
}

export async function listModules(db: Executor) {
  return db.selectFrom('ref_modules').selectAll().orderBy('number').execute();
}

export async function listEngagements(db: Executor) {
  return db.selectFrom('ref_engagements').selectAll().orderBy('number').execute();
}

export async function listCriteria(db: Executor) {
  return db.selectFrom('ref_criteria').selectAll().orderBy('number').execute();
}

export async function listIndicators(db: Executor) {
  return db.selectFrom('ref_indicators').selectAll().orderBy('position').execute();
}
