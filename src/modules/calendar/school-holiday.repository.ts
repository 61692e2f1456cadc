import type { Insertable, Selectable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { SchoolHolidayDataVersionTable, SchoolHolidayPeriodTable } from './school-holiday.table.ts';

export type SchoolHolidayPeriodRow = Selectable<SchoolHolidayPeriodTable>;

export async function findSchoolHolidayDataVersion(db: Executor, key: string) {
  return db.selectFrom('school_holiday_data_versions').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Remplace les périodes livrées (organisation nulle) et note l'empreinte du fichier ; les saisies des préfectures restent. */
export async function replaceShippedSchoolHolidays(
  db: Executor,
  version: Insertable<SchoolHolidayDataVersionTable>,
  rows: Insertable<SchoolHolidayPeriodTable>[],
) {
  await db.deleteFrom('school_holiday_periods').where('organisation_id', 'is', null).execute();
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('school_holiday_periods')
      .values(rows.slice(i, i + 200))
      .execute();
  }
  await db.deleteFrom('school_holiday_data_versions').where('key', '=', version.key).execute();
  await db.insertInto('school_holiday_data_versions').values(version).execute();
}

/** Périodes d'une zone visibles d'une organisation : les livrées et les siennes, par date. */
export async function listSchoolHolidayPeriods(db: Executor, organisationId: string, zone: string) {
  return db
    .selectFrom('school_holiday_periods')
    .selectAll()
    .where('zone', '=', zone)
    .where((eb) => eb.or([eb('organisation_id', 'is', null), eb('organisation_id', '=', organisationId)]))
    .orderBy('start_date')
    .orderBy('name')
    .execute();
}

export async function countSchoolHolidayPeriods(db: Executor, organisationId: string | null) {
  const query = db.selectFrom('school_holiday_periods').select((eb) => eb.fn.countAll().as('count'));
  const row = await (organisationId === null
    ? query.where('organisation_id', 'is', null)
    : query.where('organisation_id', '=', organisationId)
  ).executeTakeFirstOrThrow();
  return toNumber(row.count);
}

export async function findSchoolHolidayPeriod(db: Executor, id: string) {
  return db.selectFrom('school_holiday_periods').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSchoolHolidayPeriods(db: Executor, rows: Insertable<SchoolHolidayPeriodTable>[]) {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('school_holiday_periods')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

export async function deleteSchoolHolidayPeriodRow(db: Executor, organisationId: string, id: string) {
  await db.deleteFrom('school_holiday_periods').where('id', '=', id).where('organisation_id', '=', organisationId).execute();
}
