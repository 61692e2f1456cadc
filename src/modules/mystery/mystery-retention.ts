import type { AppContext } from '../../shared/context.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.service.ts';
import { retentionCutoff } from '../cases/case-retention.ts';

/**
 * Conservation des messages des enquêtes mystère : le texte des réponses des services (noms et fonctions des
 * agents qui signent) et l'adresse d'expédition suivent la règle des dossiers du registre
 * (`CASE_PERSONAL_DATA_RETENTION_MONTHS` mois après la clôture de la campagne). Restent les dates, la sorte
 * du message et les mesures de la grille, qui font les résultats.
 */
export async function purgeMysteryMessages(ctx: AppContext): Promise<{ campaigns: number; messages: number }> {
  const cutoff = retentionCutoff(ctx.clock.now(), ctx.config.casePersonalDataRetentionMonths).toISOString();
  const campaigns = await ctx.db
    .selectFrom('mystery_campaigns as c')
    .innerJoin('mystery_messages as m', 'm.campaign_id', 'c.id')
    .select(['c.id', 'c.organisation_id', 'c.name'])
    .where('c.status', '=', 'closed')
    .where('c.closed_at', '<', cutoff)
    .where((eb) => eb.or([eb('m.body_text', 'is not', null), eb('m.from_address', 'is not', null)]))
    .groupBy(['c.id', 'c.organisation_id', 'c.name'])
    .execute();
  let messages = 0;
  for (const campaign of campaigns) {
    messages += await ctx.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('mystery_messages')
        .set({ body_text: null, from_address: null })
        .where('campaign_id', '=', campaign.id)
        .where((eb) => eb.or([eb('body_text', 'is not', null), eb('from_address', 'is not', null)]))
        .executeTakeFirst();
      const count = Number(result.numUpdatedRows);
      await recordAudit(trx, ctx.clock, {
        organisationId: campaign.organisation_id,
        actor: SYSTEM_ACTOR,
        action: 'mystery.messages_purged',
        entityType: 'mystery_campaign',
        entityId: campaign.id,
        summary: `Textes et expéditeurs de ${count} message(s) de la campagne mystère « ${campaign.name} » effacés (durée de conservation)`,
      });
      return count;
    });
  }
  return { campaigns: campaigns.length, messages };
}
