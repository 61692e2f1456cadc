import type { Insertable } from 'kysely';
import { insertRows } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/types.ts';
import { toNumber } from '../../db/types.ts';
import type { AuditEventTable } from './audit.table.ts';

export async function insertAuditEvent(db: Executor, event: Insertable<AuditEventTable>): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

/** Plusieurs événements en une instruction par paquet (relève d'un lot de courriels). */
export async function insertAuditEvents(db: Executor, events: Insertable<AuditEventTable>[]): Promise<void> {
  await insertRows(db, events, (rows) => db.insertInto('audit_events').values(rows));
}

export async function listAuditEvents(db: Executor, organisationId: string, limit: number, offset: number) {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countAuditEvents(db: Executor, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  return toNumber(row.count);
}

export async function listEntityEvents(db: Executor, entityType: string, entityId: string) {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('occurred_at')
    .execute();
}

/** Efface les copies de données personnelles d'une entité (avant/après, résumé), en gardant la trace de l'acte. */
export async function erasePersonalDataOfEntity(db: Executor, entityType: string, entityId: string, at: string) {
  await db
    .updateTable('audit_events')
    .set({ before_json: null, after_json: null, summary: null, personal_data_erased_at: at })
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .execute();
}

/** Un compte supprimé n'est plus nommé comme auteur des événements. */
export async function eraseActor(db: Executor, userId: string, at: string) {
  await db
    .updateTable('audit_events')
    .set({ actor_label: 'Compte supprimé', personal_data_erased_at: at })
    .where('actor_user_id', '=', userId)
    .execute();
}

export async function erasePersonalDataBefore(db: Executor, before: string, at: string): Promise<number> {
  const result = await db
    .updateTable('audit_events')
    .set({ before_json: null, after_json: null, personal_data_erased_at: at })
    .where('occurred_at', '<', before)
    .where('personal_data_erased_at', 'is', null)
    .where((eb) => eb.or([eb('before_json', 'is not', null), eb('after_json', 'is not', null)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
