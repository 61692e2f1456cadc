import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { MysteryScenarioTable } from './mystery.table.ts';

export type ScenarioRow = Selectable<MysteryScenarioTable>;

export async function insertScenario(db: Executor, row: Insertable<MysteryScenarioTable>) {
  await db.insertInto('mystery_scenarios').values(row).execute();
}

export async function updateScenario(
  db: Executor,
  organisationId: string,
  id: string,
  changes: Updateable<MysteryScenarioTable>,
) {
  await db
    .updateTable('mystery_scenarios')
    .set(changes)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

export async function findScenario(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('mystery_scenarios')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Scénarios de la banque, par canal puis libellé ; archivés ou en service selon `archived`. */
export async function listScenarioPage(
  db: Executor,
  organisationId: string,
  o: { archived: boolean; limit: number; offset: number },
) {
  return db
    .selectFrom('mystery_scenarios')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('archived_at', o.archived ? 'is not' : 'is', null)
    .orderBy('channel')
    .orderBy('label')
    .orderBy('id')
    .limit(o.limit)
    .offset(o.offset)
    .execute();
}

export async function countScenarios(db: Executor, organisationId: string, archived: boolean): Promise<number> {
  const row = await db
    .selectFrom('mystery_scenarios')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('archived_at', archived ? 'is not' : 'is', null)
    .executeTakeFirst();
  return toNumber(row?.n);
}

/** Toute la banque (archivés compris : un plan peut encore les citer). */
export async function listAllScenarios(db: Executor, organisationId: string) {
  return db
    .selectFrom('mystery_scenarios')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('channel')
    .orderBy('label')
    .orderBy('id')
    .execute();
}
