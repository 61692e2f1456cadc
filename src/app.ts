import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import {
  ACTION_REMINDER_JOB,
  ACTION_REMINDER_SCHEDULE_MS,
  runActionReminders,
} from './modules/actions/action-reminder.service.ts';
import { ensureSchoolHolidays } from './modules/calendar/school-holiday.service.ts';
import { CASE_IMPORT_JOB, runCaseImportJob } from './modules/cases/case-import.job.ts';
import { DECK_JOB, runDeckJob } from './modules/clu/clu-deck.job.ts';
import { INDICATOR_IMPORT_JOB, runIndicatorImportJob } from './modules/indicators/indicator-import.job.ts';
import { JobRunner } from './modules/jobs/job.service.ts';
import { RETENTION_JOB, runRetention } from './modules/jobs/retention.ts';
import { MailWorker } from './modules/mail/mail-worker.ts';
import { REMINDER_JOB, REMINDER_SCHEDULE_MS, runDailyReminders } from './modules/mail/reminder.service.ts';
import { MYSTERY_MAIL_JOB, MYSTERY_MAIL_SCHEDULE_MS, runMysteryMail } from './modules/mystery/mystery-mail.service.ts';
import { ensureReferentiel } from './modules/referentiel/referentiel.service.ts';
import { buildServer } from './server.ts';
import { type Clock, systemClock } from './shared/clock.ts';
import type { AppContext } from './shared/context.ts';

/** Ouvre la base, applique les migrations et charge le référentiel : l'état prêt à servir. */
export async function openApp(
  config: Config,
  clock: Clock = systemClock,
): Promise<{ ctx: AppContext; handle: DatabaseHandle; migrations: string[] }> {
  const handle = openDatabase(config.databaseUrl);
  try {
    const migrations = await migrateToLatest(handle.db, handle.engine);
    const ctx: AppContext = { db: handle.db, engine: handle.engine, clock, config };
    await ensureReferentiel(ctx);
    await ensureSchoolHolidays(ctx);
    return { ctx, handle, migrations };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Le récapitulatif quotidien passe chaque heure : chaque département reçoit le sien à 7 h locales, une fois par jour. */
export function createJobRunner(ctx: AppContext): JobRunner {
  // `mystery.mail` : suivi des boîtes mystère (contacts partis, accusés et réponses lus par IMAP, relances, grilles).
  return new JobRunner(ctx)
    .register(RETENTION_JOB, async (c) => {
      await runRetention(c);
    })
    .register(CASE_IMPORT_JOB, runCaseImportJob)
    .register(INDICATOR_IMPORT_JOB, runIndicatorImportJob)
    .register(DECK_JOB, runDeckJob)
    .register(REMINDER_JOB, async (c) => {
      await runDailyReminders(c);
    })
    .register(ACTION_REMINDER_JOB, async (c) => {
      await runActionReminders(c);
    })
    .register(MYSTERY_MAIL_JOB, async (c) => {
      await runMysteryMail(c);
    })
    .schedule({ kind: RETENTION_JOB, everyMs: 86_400_000 })
    .schedule({ kind: REMINDER_JOB, everyMs: REMINDER_SCHEDULE_MS })
    .schedule({ kind: ACTION_REMINDER_JOB, everyMs: ACTION_REMINDER_SCHEDULE_MS })
    .schedule({ kind: MYSTERY_MAIL_JOB, everyMs: MYSTERY_MAIL_SCHEDULE_MS });
}

export interface RunningApp {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

/** Démarre le serveur HTTP et l'exécuteur de tâches ; `stop` les arrête proprement. */
export async function startApp(ctx: AppContext, handle: DatabaseHandle): Promise<RunningApp> {
  const app = await buildServer(ctx, { logger: ctx.config.env !== 'test' });
  // Sous charge, les points de reprise du journal SQLite ne bloquent plus les requêtes.
  handle.checkpointInBackground?.();
  const address = await app.listen({ port: ctx.config.port, host: ctx.config.host });
  const runner = ctx.config.jobsEnabled ? createJobRunner(ctx) : undefined;
  runner?.start();
  // Relève et envoi : sans boîte configurée (la démonstration), rien n'est relevé et les courriels attendent en file.
  const mailWorker = ctx.config.jobsEnabled ? new MailWorker(ctx) : undefined;
  mailWorker?.start();
  return {
    app,
    ctx,
    url: address.replace('127.0.0.1', 'localhost'),
    async stop() {
      await runner?.stop();
      await mailWorker?.stop();
      await app.close();
      await handle.close();
    },
  };
}
