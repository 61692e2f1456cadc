import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { ClosureDayTable, OrganisationTable, ServiceTable, SiteTable } from './organisation.table.ts';

export type Organisation = Selectable<OrganisationTable>;
export type Site = Selectable<SiteTable>;
export type Service = Selectable<ServiceTable>;
export type ClosureDay = Selectable<ClosureDayTable>;

export async function insertOrganisation(db: Executor, row: Insertable<OrganisationTable>) {
  await db.insertInto('organisations').values(row).execute();
}

export async function findOrganisationBySlug(db: Executor, slug: string) {
  return db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findOrganisationById(db: Executor, id: string) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listOrganisations(db: Executor) {
  return db.selectFrom('organisations').selectAll().orderBy('name').execute();
}

export async function updateOrganisation(db: Executor, id: string, changes: Partial<Insertable<OrganisationTable>>) {
  await db.updateTable('organisations').set(changes).where('id', '=', id).execute();
}

export async function insertSite(db: Executor, row: Insertable<SiteTable>) {
  await db.insertInto('sites').values(row).execute();
}

export async function listSites(db: Executor, organisationId: string) {
  return db
    .selectFrom('sites')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('kind')
    .orderBy('name')
    .execute();
}

export async function insertService(db: Executor, row: Insertable<ServiceTable>) {
  await db.insertInto('services').values(row).execute();
}

export async function listServices(db: Executor, organisationId: string) {
  return db
    .selectFrom('services')
    .leftJoin('sites', 'sites.id', 'services.site_id')
    .selectAll('services')
    .select('sites.name as site_name')
    .where('services.organisation_id', '=', organisationId)
    .orderBy('services.name')
    .execute();
}

export async function findServiceByName(db: Executor, organisationId: string, name: string) {
  return db
    .selectFrom('services')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function insertClosureDay(db: Executor, row: Insertable<ClosureDayTable>) {
  await db.insertInto('closure_days').values(row).execute();
}

export async function listClosureDays(db: Executor, organisationId: string) {
  return db.selectFrom('closure_days').selectAll().where('organisation_id', '=', organisationId).orderBy('date').execute();
}

export async function findClosureDay(db: Executor, organisationId: string, date: string) {
  return db
    .selectFrom('closure_days')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('date', '=', date)
    .executeTakeFirst();
}

export async function deleteClosureDay(db: Executor, organisationId: string, id: string) {
  const result = await db
    .deleteFrom('closure_days')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findClosureDayById(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('closure_days')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listPerimeter(db: Executor, organisationId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('organisation_modules')
    .select('module_number')
    .where('organisation_id', '=', organisationId)
    .orderBy('module_number')
    .execute();
  return rows.map((r) => Number(r.module_number));
}

export async function replacePerimeter(db: Executor, organisationId: string, modules: number[]) {
  await db.deleteFrom('organisation_modules').where('organisation_id', '=', organisationId).execute();
  if (modules.length > 0) {
    await db
      .insertInto('organisation_modules')
      .values(modules.map((module_number) => ({ organisation_id: organisationId, module_number })))
      .execute();
  }
}
