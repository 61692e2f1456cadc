import type { AppContext } from '../../shared/context.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.service.ts';
import { retentionCutoff } from '../cases/case-retention.ts';
import { questionnaireSchema } from './questionnaire.ts';

/**
 * Conservation des commentaires libres : seul texte libre d'une enquête, il peut contenir une donnée
 * personnelle malgré l'avertissement. `SURVEY_COMMENT_RETENTION_MONTHS` mois après la fin d'une campagne
 * (ou sa clôture anticipée), ses commentaires sont supprimés ; les réponses notées restent, anonymes, pour
 * les taux et les comparaisons.
 */
export async function purgeSurveyComments(ctx: AppContext): Promise<{ campaigns: number; comments: number }> {
  const cutoff = retentionCutoff(ctx.clock.now(), ctx.config.surveyCommentRetentionMonths).toISOString();
  const campaigns = await ctx.db
    .selectFrom('survey_campaigns as c')
    .innerJoin('survey_questionnaires as q', 'q.id', 'c.questionnaire_id')
    .select(['c.id', 'c.organisation_id', 'c.name', 'c.ends_on', 'c.closed_at', 'q.definition_json'])
    // La fin est une date locale : comparée au jour près, ce qui suffit pour une durée en mois.
    .where((eb) => eb.or([eb('c.ends_on', '<', cutoff.slice(0, 10)), eb('c.closed_at', '<', cutoff)]))
    .execute();
  let comments = 0;
  let touched = 0;
  for (const campaign of campaigns) {
    const parsed = questionnaireSchema.safeParse(JSON.parse(campaign.definition_json));
    if (!parsed.success) continue;
    const keys = parsed.data.questions.filter((q) => q.type === 'comment').map((q) => q.key);
    if (keys.length === 0) continue;
    const deleted = await ctx.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('survey_answers')
        .where('campaign_id', '=', campaign.id)
        .where('question_key', 'in', keys)
        .executeTakeFirst();
      // Un commentaire d'une seconde saisie en attente d'arbitrage (double saisie) suit la même règle.
      await trx
        .deleteFrom('survey_form_check_answers')
        .where('campaign_id', '=', campaign.id)
        .where('question_key', 'in', keys)
        .execute();
      const count = Number(result.numDeletedRows);
      if (count > 0) {
        await recordAudit(trx, ctx.clock, {
          organisationId: campaign.organisation_id,
          actor: SYSTEM_ACTOR,
          action: 'survey.comments_purged',
          entityType: 'survey_campaign',
          entityId: campaign.id,
          summary: `Conservation : ${count} commentaire${count > 1 ? 's' : ''} de la campagne « ${campaign.name} » effacé${count > 1 ? 's' : ''}`,
        });
      }
      return count;
    });
    comments += deleted;
    if (deleted > 0) touched++;
  }
  return { campaigns: touched, comments };
}
