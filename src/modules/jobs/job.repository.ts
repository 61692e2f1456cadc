import { type Insertable, sql } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { JobTable } from './job.table.ts';

export async function insertJob(db: Executor, row: Insertable<JobTable>): Promise<boolean> {
  // Une tâche planifiée a une clé unique : la seconde insertion (autre processus, redémarrage) est ignorée.
  const result = await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function listDueJobs(db: Executor, now: string, limit: number) {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('status', '=', 'queued')
    .where('run_at', '<=', now)
    .orderBy('run_at')
    .limit(limit)
    .execute();
}

/** Prise atomique : seul celui dont la mise à jour touche la ligne exécute la tâche. */
export async function claimJob(db: Executor, id: string, holder: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', locked_by: holder, locked_at: now, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function completeJob(db: Executor, id: string, now: string) {
  await db
    .updateTable('jobs')
    .set({ status: 'done', finished_at: now, locked_by: null, locked_at: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function rescheduleJob(db: Executor, id: string, runAt: string, error: string) {
  await db
    .updateTable('jobs')
    .set({ status: 'queued', run_at: runAt, locked_by: null, locked_at: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

export async function failJob(db: Executor, id: string, now: string, error: string) {
  await db
    .updateTable('jobs')
    .set({ status: 'failed', finished_at: now, locked_by: null, locked_at: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

/** Une tâche « en cours » dont le processus est mort est remise dans la file. */
export async function requeueStaleJobs(db: Executor, lockedBefore: string): Promise<number> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'queued', locked_by: null, locked_at: null })
    .where('status', '=', 'running')
    .where('locked_at', '<', lockedBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findJob(db: Executor, id: string) {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Avancement d'une tâche longue, écrit par son traitement (hors de toute transaction de l'appelant). */
export async function setJobProgress(db: Executor, id: string, progressJson: string) {
  await db.updateTable('jobs').set({ progress_json: progressJson }).where('id', '=', id).execute();
}

export async function listJobsByKind(db: Executor, kind: string) {
  return db.selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('run_at').execute();
}

/**
 * Bail du coordinateur : un seul processus à la fois exécute les tâches. Acquis ou prolongé si le
 * bail est libre, expiré, ou déjà le nôtre — en une seule instruction, donc sans course.
 */
export async function acquireLease(db: Executor, name: string, holder: string, now: string, expiresAt: string): Promise<boolean> {
  await db
    .insertInto('job_runner_leases')
    .values({ name, holder: '', expires_at: '' })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const result = await db
    .updateTable('job_runner_leases')
    .set({ holder, expires_at: expiresAt })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(db: Executor, name: string, holder: string) {
  await db
    .updateTable('job_runner_leases')
    .set({ expires_at: sql<string>`''` })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

export async function deleteFinishedJobs(db: Executor, finishedBefore: string): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('status', 'in', ['done', 'failed'])
    .where('finished_at', '<', finishedBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
