import type { AppContext } from '../../shared/context.ts';
import { deleteExpiredSessions } from '../accounts/account.repository.ts';
import { erasePersonalDataBefore } from '../audit/audit.repository.ts';
import { purgeCasePersonalData } from '../cases/case-retention.ts';
import { purgeCluMembers } from '../clu/clu-retention.ts';
import { purgeUnlinkedMail } from '../mail/mail-retention.ts';
import { purgeMysteryMessages } from '../mystery/mystery-retention.ts';
import { purgeSurveyComments } from '../surveys/comment-retention.ts';
import { deleteFinishedJobs } from './job.repository.ts';

export const RETENTION_JOB = 'retention';

/**
 * Conservation limitée : sessions expirées supprimées, données personnelles des états avant/après
 * du journal d'audit effacées au-delà de la durée configurée, données des dossiers clos, tâches terminées,
 * courrier sans dossier, coordonnées des membres retirés du CLU, textes des messages des enquêtes mystère.
 */
export const FINISHED_JOB_RETENTION_DAYS = 30;

export async function runRetention(ctx: AppContext): Promise<{
  sessions: number;
  auditEvents: number;
  casesErased: number;
  jobsDeleted: number;
  mailPurged: number;
  surveyCommentsErased: number;
  cluMembersErased: number;
  mysteryMessagesErased: number;
}> {
  const now = ctx.clock.now();
  const sessions = await deleteExpiredSessions(
    ctx.db,
    now.toISOString(),
    new Date(now.getTime() - ctx.config.sessionIdleMinutes * 60_000).toISOString(),
  );
  const auditEvents = await erasePersonalDataBefore(
    ctx.db,
    new Date(now.getTime() - ctx.config.auditPersonalDataRetentionDays * 86_400_000).toISOString(),
    now.toISOString(),
  );
  const cases = await purgeCasePersonalData(ctx);
  // Une tâche terminée garde son contenu (un fichier importé, par exemple) 30 jours, pour diagnostic.
  const jobs = await deleteFinishedJobs(ctx.db, new Date(now.getTime() - FINISHED_JOB_RETENTION_DAYS * 86_400_000).toISOString());
  const mail = await purgeUnlinkedMail(ctx);
  const surveyComments = await purgeSurveyComments(ctx);
  const cluMembers = await purgeCluMembers(ctx);
  const mysteryMessages = await purgeMysteryMessages(ctx);
  return {
    sessions,
    auditEvents,
    casesErased: cases.cases.length,
    jobsDeleted: jobs,
    mailPurged: mail.outgoingDeleted + mail.inboundErased,
    surveyCommentsErased: surveyComments.comments,
    cluMembersErased: cluMembers.members,
    mysteryMessagesErased: mysteryMessages.messages,
  };
}
