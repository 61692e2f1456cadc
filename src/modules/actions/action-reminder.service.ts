import type { AppContext } from '../../shared/context.ts';
import { formatDate } from '../../ui/format.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit.service.ts';
import { organisationCalendar } from '../calendar/calendar.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { enqueueOutgoingMail } from '../mail/outbox.service.ts';
import { listOrganisations } from '../organisations/organisation.repository.ts';
import {
  type ActionRow,
  listAdminRecipients,
  listOpenActions,
  listServiceRecipients,
  servicesOfActions,
  updateAction,
} from './action.repository.ts';
import { ACTION_STATUS_LABELS, isActionStatus, type ReminderKind, reminderToSend } from './action-status.ts';

export const ACTION_REMINDER_JOB = 'actions.reminders';
/** Comme le récapitulatif des dossiers : un passage par heure, envoi à partir de 7 h locales un jour ouvré. */
export const ACTION_REMINDER_SCHEDULE_MS = 3_600_000;
export const ACTION_REMINDER_LOCAL_HOUR = 7;

export function actionReminderKey(kind: ReminderKind, actionId: string, userId: string): string {
  return `action-reminder:${kind}:${actionId}:${userId}`;
}

function localHour(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at));
}

export interface ActionReminderReport {
  organisations: number;
  /** Actions dont un rappel est parti ce passage (chacune une fois par sorte, à vie). */
  reminded: number;
  queued: number;
}

/** Objet et texte du rappel d'une action, en français, avec le lien vers sa fiche. */
export function actionReminderEmail(
  kind: ReminderKind,
  action: Pick<ActionRow, 'id' | 'number' | 'objective' | 'description' | 'due_date' | 'status'>,
  context: { displayName: string; services: string[]; publicUrl: string; organisationName: string },
): { subject: string; body: string } {
  const due = formatDate(action.due_date);
  const subject =
    kind === 'before'
      ? `Vigie : l’action n° ${action.number} du plan d’actions arrive à échéance le ${due}`
      : `Vigie : l’action n° ${action.number} du plan d’actions a dépassé son échéance (${due})`;
  const status = isActionStatus(action.status) ? ACTION_STATUS_LABELS[action.status] : action.status;
  const lines = [
    `Bonjour ${context.displayName},`,
    '',
    kind === 'before'
      ? `L’action n° ${action.number} du plan d’actions, confiée à ${context.services.length > 0 ? context.services.join(', ') : 'votre préfecture'}, arrive à échéance le ${due} (dans 5 jours ouvrés au plus).`
      : `L’action n° ${action.number} du plan d’actions, confiée à ${context.services.length > 0 ? context.services.join(', ') : 'votre préfecture'}, devait être réalisée le ${due} : elle est toujours « ${status.toLowerCase()} ».`,
    '',
    `Objectif : ${action.objective}`,
    `Action : ${action.description}`,
    `Statut : ${status}`,
    '',
    kind === 'before'
      ? 'Mettez à jour son statut et ses preuves dans Vigie quand elle est réalisée :'
      : 'Mettez à jour son statut (réalisée, ou abandonnée avec son motif) ou demandez au référent qualité de déplacer l’échéance :',
    `${context.publicUrl}/plan-actions/${action.id}`,
    '',
    '-- ',
    `Rappel envoyé une seule fois par Vigie (${context.organisationName}).`,
    `Pour ne plus recevoir les rappels, décochez « Recevoir le récapitulatif quotidien » dans votre compte : ${context.publicUrl}/compte#recapitulatif`,
  ];
  return { subject, body: `${lines.join('\n')}\n` };
}

/**
 * Rappels du plan d'actions, pour chaque organisation dont c'est un jour ouvré et l'heure : une fois
 * quand l'échéance d'une action ouverte tombe dans les 5 jours ouvrés, une fois quand elle est passée.
 * Le courriel va aux agents (et référents) rattachés aux services acteurs — aux référents qualité si
 * aucun compte n'y est rattaché — qui n'ont pas décoché le récapitulatif. La date d'envoi est écrite
 * sur l'action dans la même transaction que la mise en file : jamais deux fois le même rappel.
 */
export async function runActionReminders(ctx: AppContext): Promise<ActionReminderReport> {
  const report: ActionReminderReport = { organisations: 0, reminded: 0, queued: 0 };
  const now = ctx.clock.now();
  for (const organisation of await listOrganisations(ctx.db)) {
    const { department, calendar } = await organisationCalendar(ctx, organisation.id, organisation.department_code);
    if (localHour(now, department.timeZone) < ACTION_REMINDER_LOCAL_HOUR) continue;
    const today = instantToLocalDate(now, department.timeZone);
    if (!calendar.isWorkingDay(today)) continue;
    report.organisations++;
    const due = (await listOpenActions(ctx.db, organisation.id))
      .map((action) => ({ action, kind: reminderToSend(action, today, calendar) }))
      .filter((x): x is { action: ActionRow; kind: ReminderKind } => x.kind !== null);
    if (due.length === 0) continue;
    const services = await servicesOfActions(
      ctx.db,
      due.map((d) => d.action.id),
    );
    const admins = await listAdminRecipients(ctx.db, organisation.id);
    for (const { action, kind } of due) {
      const owners = services.filter((s) => s.action_id === action.id);
      const agents = await listServiceRecipients(
        ctx.db,
        organisation.id,
        owners.map((s) => s.id),
      );
      const recipients = agents.length > 0 ? agents : admins;
      const stamp = now.toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        for (const r of recipients) {
          const email = actionReminderEmail(kind, action, {
            displayName: r.display_name,
            services: owners.map((s) => s.name),
            publicUrl: ctx.config.publicUrl,
            organisationName: organisation.name,
          });
          const { queued } = await enqueueOutgoingMail(
            trx,
            ctx,
            {
              organisationId: organisation.id,
              caseId: null,
              mailboxId: null,
              purpose: 'reminder',
              uniqueKey: actionReminderKey(kind, action.id, r.user_id),
              to: { address: r.email, name: r.display_name },
              subject: email.subject,
              bodyText: email.body,
            },
            null,
          );
          if (queued) report.queued++;
        }
        await updateAction(
          trx,
          organisation.id,
          action.id,
          kind === 'before' ? { reminder_before_sent_at: stamp } : { reminder_after_sent_at: stamp },
        );
        await recordAudit(trx, ctx.clock, {
          organisationId: organisation.id,
          actor: SYSTEM_ACTOR,
          action: kind === 'before' ? 'action.reminder_before_sent' : 'action.reminder_after_sent',
          entityType: 'action',
          entityId: action.id,
          summary: `Rappel ${kind === 'before' ? 'avant' : 'après'} l’échéance de l’action n° ${action.number} : ${recipients.length} destinataire${recipients.length > 1 ? 's' : ''}`,
          // Le nombre suffit : les adresses restent dans la file d'envoi, qui a sa propre conservation.
          after: { recipients: recipients.length },
        });
      });
      report.reminded++;
    }
  }
  return report;
}
