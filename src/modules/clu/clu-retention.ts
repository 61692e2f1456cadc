import type { AppContext } from '../../shared/context.ts';
import { erasePersonalDataOfEntity } from '../audit/audit.repository.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.service.ts';
import { retentionCutoff } from '../cases/case-retention.ts';
import { listMembersToErase, updateMember } from './clu-member.repository.ts';

export const ERASED_MEMBER_NAME = 'Membre retiré';

/**
 * Conservation des coordonnées des membres du CLU : `CLU_MEMBER_RETENTION_MONTHS` mois après son
 * retrait, un représentant perd civilité, prénom, nom, fonction, adresses et téléphone (son nom devient
 * « Membre retiré ») ; la ligne reste pour que les présences et l'organisme des réunions passées
 * gardent leur compte. Les copies de son nom dans le journal d'audit sont effacées avec lui.
 */
export async function purgeCluMembers(ctx: AppContext): Promise<{ members: number }> {
  const now = ctx.clock.now();
  const before = retentionCutoff(now, ctx.config.cluMemberRetentionMonths).toISOString();
  const rows = await listMembersToErase(ctx.db, before);
  const nowIso = now.toISOString();
  for (const row of rows) {
    await ctx.db.transaction().execute(async (trx) => {
      await updateMember(trx, row.organisation_id, row.id, {
        civility: null,
        first_name: null,
        last_name: ERASED_MEMBER_NAME,
        function: null,
        email: null,
        phone: null,
        postal_address: null,
        erased_at: nowIso,
        updated_at: nowIso,
      });
      await erasePersonalDataOfEntity(trx, 'clu_member', row.id, nowIso);
      await recordAudit(trx, ctx.clock, {
        organisationId: row.organisation_id,
        actor: SYSTEM_ACTOR,
        action: 'clu_member.erased',
        entityType: 'clu_member',
        entityId: row.id,
        summary: `Conservation : coordonnées d’un membre retiré du comité le ${(row.removed_at ?? '').slice(0, 10)} effacées`,
      });
    });
  }
  return { members: rows.length };
}
