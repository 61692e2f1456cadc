import type { AppContext } from '../../shared/context.ts';
import { erasePersonalDataOfEntity } from '../audit/audit.repository.ts';
import { type Actor, recordAudit, SYSTEM_ACTOR } from '../audit/audit.service.ts';

export const ERASED_EVENT_SUMMARY = 'Détail effacé (durée de conservation des données personnelles écoulée)';

export interface PurgedCase {
  id: string;
  organisationId: string;
  reference: string;
  closedAt: string;
}

export interface PurgeResult {
  dryRun: boolean;
  /** Dossiers clos avant cette date (ISO 8601) : ceux dont les données personnelles sont effacées. */
  closedBefore: string;
  cases: PurgedCase[];
}

/** Date limite : maintenant moins N mois (le même jour du mois, ramené à la fin d'un mois plus court). */
export function retentionCutoff(now: Date, months: number): Date {
  const cutoff = new Date(now.getTime());
  const day = cutoff.getUTCDate();
  cutoff.setUTCDate(1);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth() + 1, 0)).getUTCDate();
  cutoff.setUTCDate(Math.min(day, lastDay));
  return cutoff;
}

/**
 * Conservation limitée du registre : pour chaque dossier clos depuis plus de
 * `CASE_PERSONAL_DATA_RETENTION_MONTHS` mois, efface le demandeur (nom, adresses), l'objet, le texte,
 * la réponse, les suites données, les pièces jointes, le détail des événements du dossier, ses
 * courriels (destinataire, objet, texte) et ses copies dans le journal d'audit ; garde ce que lisent les indicateurs (nature, canal, public, cible,
 * dates, échéances, service, thèmes). Un seul événement d'audit résume le passage. `dryRun` : la liste
 * sans rien modifier.
 */
export async function purgeCasePersonalData(
  ctx: AppContext,
  options: { dryRun?: boolean; actor?: Actor } = {},
): Promise<PurgeResult> {
  const now = ctx.clock.now();
  const closedBefore = retentionCutoff(now, ctx.config.casePersonalDataRetentionMonths).toISOString();
  const rows = await ctx.db
    .selectFrom('cases')
    .select(['id', 'organisation_id', 'reference', 'closed_at'])
    .where('status', '=', 'closed')
    .where('closed_at', 'is not', null)
    .where('closed_at', '<', closedBefore)
    .where('personal_data_erased_at', 'is', null)
    .orderBy('organisation_id')
    .orderBy('reference')
    .execute();
  const cases = rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    reference: r.reference,
    closedAt: r.closed_at ?? '',
  }));
  const dryRun = options.dryRun ?? false;
  if (dryRun || cases.length === 0) return { dryRun, closedBefore, cases };

  const at = now.toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < cases.length; i += 500) {
      const ids = cases.slice(i, i + 500).map((c) => c.id);
      await trx
        .updateTable('cases')
        .set({
          requester_name: null,
          requester_email: null,
          requester_address: null,
          subject: null,
          body: null,
          answer_text: null,
          follow_up: null,
          personal_data_erased_at: at,
          updated_at: at,
        })
        .where('id', 'in', ids)
        .execute();
      await trx.deleteFrom('case_attachments').where('case_id', 'in', ids).execute();
      // Le résumé d'un événement peut nommer une pièce jointe ou un correspondant : il est effacé aussi,
      // l'historique garde la nature et la date de chaque étape.
      await trx
        .updateTable('case_events')
        .set({ data_json: null, summary: ERASED_EVENT_SUMMARY })
        .where('case_id', 'in', ids)
        .execute();
      // Les courriels du dossier (accusé, réponse) et la trace de la relève portent les mêmes données.
      await trx
        .updateTable('outgoing_mails')
        .set({
          to_address: '',
          to_name: null,
          subject: '',
          body_text: '',
          attachments_json: null,
          last_error: null,
          updated_at: at,
        })
        .where('case_id', 'in', ids)
        .execute();
      await trx.updateTable('inbound_messages').set({ from_address: null, subject: null }).where('case_id', 'in', ids).execute();
    }
    for (const c of cases) await erasePersonalDataOfEntity(trx, 'case', c.id, at);
    const organisations = new Set(cases.map((c) => c.organisationId));
    await recordAudit(trx, ctx.clock, {
      organisationId: organisations.size === 1 ? (cases[0]?.organisationId ?? null) : null,
      actor: options.actor ?? SYSTEM_ACTOR,
      action: 'cases.personal_data_purged',
      entityType: 'case_retention',
      summary: `Conservation : données personnelles effacées dans ${cases.length} dossier${cases.length > 1 ? 's' : ''} clos avant le ${closedBefore.slice(0, 10)}`,
      after: { count: cases.length, closedBefore, references: cases.map((c) => c.reference) },
    });
  });
  return { dryRun, closedBefore, cases };
}
