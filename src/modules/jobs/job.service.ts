import { hostname } from 'node:os';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { retryDelayMs } from './backoff.ts';
import {
  acquireLease,
  claimJob,
  completeJob,
  failJob,
  findJob,
  insertJob,
  listDueJobs,
  releaseLease,
  requeueStaleJobs,
  rescheduleJob,
} from './job.repository.ts';
import { PeriodicLoop } from './periodic.ts';

export type JobHandler = (ctx: AppContext, payload: unknown, job: { id: string; organisationId: string | null }) => Promise<void>;

export interface EnqueueOptions {
  organisationId?: string | null;
  runAt?: Date;
  maxAttempts?: number;
  /** Clé d'unicité : une seule tâche par clé, quel que soit le nombre de processus. */
  uniqueKey?: string;
  /** Identifiant choisi par l'appelant (pour suivre la tâche, par exemple sur une page d'avancement). */
  id?: string;
}

export async function enqueueJob(
  ctx: AppContext,
  kind: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<boolean> {
  const now = ctx.clock.now();
  return insertJob(ctx.db, {
    id: options.id ?? newId(),
    kind,
    organisation_id: options.organisationId ?? null,
    payload_json: JSON.stringify(payload ?? null),
    unique_key: options.uniqueKey ?? null,
    status: 'queued',
    run_at: (options.runAt ?? now).toISOString(),
    attempts: 0,
    max_attempts: options.maxAttempts ?? 5,
    last_error: null,
    locked_by: null,
    locked_at: null,
    created_at: now.toISOString(),
    finished_at: null,
    progress_json: null,
  });
}

export interface Schedule {
  kind: string;
  /** Période en millisecondes ; l'occurrence est alignée sur des créneaux fixes (minuit UTC pour un jour). */
  everyMs: number;
}

/**
 * Prend ou prolonge un bail en base pour `durationMs` : vrai si ce processus le tient. Un seul processus
 * fait alors le travail que le bail protège (tâches de fond, relève du courrier).
 */
export async function holdLease(ctx: AppContext, name: string, holder: string, durationMs: number): Promise<boolean> {
  const now = ctx.clock.now();
  return acquireLease(ctx.db, name, holder, now.toISOString(), new Date(now.getTime() + durationMs).toISOString());
}

const LEASE_NAME = 'job-runner';
const LEASE_MS = 60_000;
const STALE_MS = 10 * 60_000;

/**
 * Exécuteur de tâches de fond dans le processus serveur. Les tâches vivent en base (elles survivent
 * à un redémarrage) ; un bail en base garantit qu'un seul processus les exécute quand plusieurs
 * serveurs partagent un même PostgreSQL.
 */
export class JobRunner {
  readonly holder = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
  readonly #ctx: AppContext;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #schedules: Schedule[] = [];
  readonly #loop = new PeriodicLoop('Exécuteur de tâches', () => this.tick());

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  register(kind: string, handler: JobHandler): this {
    this.#handlers.set(kind, handler);
    return this;
  }

  schedule(schedule: Schedule): this {
    this.#schedules.push(schedule);
    return this;
  }

  /** Un passage : bail, planification, reprise des tâches orphelines, exécution des tâches dues. */
  async tick(): Promise<{ leader: boolean; ran: number }> {
    const ctx = this.#ctx;
    const now = ctx.clock.now();
    const leader = await holdLease(ctx, LEASE_NAME, this.holder, LEASE_MS);
    if (!leader) return { leader, ran: 0 };
    for (const schedule of this.#schedules) {
      const slot = Math.floor(now.getTime() / schedule.everyMs) * schedule.everyMs;
      await enqueueJob(ctx, schedule.kind, null, {
        uniqueKey: `${schedule.kind}@${new Date(slot).toISOString()}`,
        runAt: new Date(slot),
      });
    }
    await requeueStaleJobs(ctx.db, new Date(now.getTime() - STALE_MS).toISOString());
    let ran = 0;
    for (const job of await listDueJobs(ctx.db, now.toISOString(), 20)) {
      if (!(await claimJob(ctx.db, job.id, this.holder, ctx.clock.now().toISOString()))) continue;
      ran++;
      const attempt = Number(job.attempts) + 1;
      const handler = this.#handlers.get(job.kind);
      try {
        if (!handler) throw new Error(`Aucun traitement enregistré pour la tâche « ${job.kind} »`);
        await handler(ctx, JSON.parse(job.payload_json), { id: job.id, organisationId: job.organisation_id });
        await completeJob(ctx.db, job.id, ctx.clock.now().toISOString());
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const at = ctx.clock.now();
        if (attempt >= Number(job.max_attempts)) await failJob(ctx.db, job.id, at.toISOString(), message);
        else await rescheduleJob(ctx.db, job.id, new Date(at.getTime() + retryDelayMs(attempt)).toISOString(), message);
      }
    }
    return { leader, ran };
  }

  start(intervalMs = 5_000): void {
    this.#loop.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    await releaseLease(this.#ctx.db, LEASE_NAME, this.holder).catch(() => undefined);
  }
}

/** Contenu JSON d'une tâche (charge ou avancement) ; illisible ou absent : `null`, la page reste affichable. */
function parseJson<T>(json: string | null): T | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as T;
  } catch {
    return null;
  }
}

/**
 * L'état d'une tâche d'import pour sa page de suivi : tâche inconnue, d'un autre type ou d'une autre
 * organisation → 404 ; sinon sa charge, son avancement, et si elle attend, a échoué ou est terminée.
 */
export async function importJobState<Payload, Progress extends { error?: unknown }>(
  ctx: AppContext,
  organisationId: string,
  jobId: string,
  kind: string,
) {
  const job = await findJob(ctx.db, jobId);
  if (!job || job.kind !== kind || job.organisation_id !== organisationId) throw new AppError('not_found');
  const payload: Partial<Payload> = parseJson<Payload>(job.payload_json) ?? {};
  const progress = parseJson<Progress>(job.progress_json);
  const pending = job.status === 'queued' || job.status === 'running';
  const failed = Boolean(progress?.error) || job.status === 'failed';
  return {
    job,
    payload,
    progress,
    pending,
    title: pending ? 'Import en cours' : failed ? 'Import refusé' : 'Import terminé',
  };
}
