import type { AppContext } from '../../shared/context.ts';
import { deleteExpiredSessions } from '../accounts/account.repository.ts';
import { erasePersonalDataBefore } from '../audit/audit.repository.ts';
import { purgeCasePersonalData } from '../cases/case-retention.ts';

export const RETENTION_JOB = 'retention';

/**
 * Conservation limitée : sessions expirées supprimées, données personnelles des états avant/après
 * du journal d'audit effacées au-delà de la durée configurée. Les modules suivants y ajoutent les leurs.
 */
export async function runRetention(ctx: AppContext): Promise<{ sessions: number; auditEvents: number; casesErased: number }> {
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
  return { sessions, auditEvents, casesErased: cases.cases.length };
}
