import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { KioskDeviceTable, KioskPairingCodeTable } from './kiosk.table.ts';

export type KioskDeviceRow = Selectable<KioskDeviceTable>;
export type KioskPairingCodeRow = Selectable<KioskPairingCodeTable>;

export async function insertPairingCode(db: Executor, row: Insertable<KioskPairingCodeTable>): Promise<void> {
  await db.insertInto('kiosk_pairing_codes').values(row).execute();
}

export async function findPairingCodeByHash(db: Executor, codeHash: string): Promise<KioskPairingCodeRow | undefined> {
  return db.selectFrom('kiosk_pairing_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/** Marque le code utilisé s'il ne l'était pas encore : 1 si ce passage l'a pris, 0 si un autre l'a devancé. */
export async function claimPairingCode(db: Executor, id: string, usedAt: string): Promise<number> {
  const result = await db
    .updateTable('kiosk_pairing_codes')
    .set({ used_at: usedAt })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertDevice(db: Executor, row: Insertable<KioskDeviceTable>): Promise<void> {
  await db.insertInto('kiosk_devices').values(row).execute();
}

export async function findDeviceByTokenHash(db: Executor, tokenHash: string): Promise<KioskDeviceRow | undefined> {
  return db.selectFrom('kiosk_devices').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function listPointDevices(db: Executor, organisationId: string, pointId: string): Promise<KioskDeviceRow[]> {
  return db
    .selectFrom('kiosk_devices')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('collection_point_id', '=', pointId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function findPointDevice(
  db: Executor,
  organisationId: string,
  pointId: string,
  deviceId: string,
): Promise<KioskDeviceRow | undefined> {
  return db
    .selectFrom('kiosk_devices')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('collection_point_id', '=', pointId)
    .where('id', '=', deviceId)
    .executeTakeFirst();
}

export async function revokeDeviceRow(db: Executor, id: string, revokedAt: string): Promise<void> {
  await db
    .updateTable('kiosk_devices')
    .set({ revoked_at: revokedAt })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function touchDevice(db: Executor, id: string, seenAt: string): Promise<void> {
  await db.updateTable('kiosk_devices').set({ last_seen_at: seenAt }).where('id', '=', id).execute();
}
