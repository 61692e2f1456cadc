import { type Executor, toNumber } from '../../db/types.ts';

/**
 * Écritures du compte rendu : toujours conditionnées à « pas encore approuvé », pour qu'une
 * modification ou une seconde approbation concurrente ne passe jamais derrière une approbation.
 * Renvoient le nombre de lignes modifiées (0 : déjà approuvé entre-temps).
 */
export async function saveMinutesJson(db: Executor, organisationId: string, meetingId: string, json: string, now: string) {
  const result = await db
    .updateTable('clu_meetings')
    .set({ minutes_json: json, updated_at: now })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', meetingId)
    .where('minutes_approved_at', 'is', null)
    .executeTakeFirst();
  return toNumber(result.numUpdatedRows);
}

export async function markMinutesApproved(
  db: Executor,
  organisationId: string,
  meetingId: string,
  approval: { json: string; at: string; byName: string; publicationId: string },
) {
  const result = await db
    .updateTable('clu_meetings')
    .set({
      minutes_json: approval.json,
      minutes_approved_at: approval.at,
      minutes_approved_by_name: approval.byName,
      minutes_publication_id: approval.publicationId,
      updated_at: approval.at,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', meetingId)
    .where('minutes_approved_at', 'is', null)
    .executeTakeFirst();
  return toNumber(result.numUpdatedRows);
}

/** Les réunions au compte rendu approuvé, la plus récente d'abord (page publique). */
export async function listApprovedMinutes(db: Executor, organisationId: string, limit: number, offset: number) {
  return db
    .selectFrom('clu_meetings')
    .select(['id', 'starts_at', 'place', 'minutes_approved_at', 'minutes_publication_id'])
    .where('organisation_id', '=', organisationId)
    .where('minutes_publication_id', 'is not', null)
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countApprovedMinutes(db: Executor, organisationId: string) {
  const row = await db
    .selectFrom('clu_meetings')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('minutes_publication_id', 'is not', null)
    .executeTakeFirst();
  return toNumber(row?.n);
}
