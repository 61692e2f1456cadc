import type { AppContext } from '../../shared/context.ts';
import { organisationCalendar } from '../calendar/calendar.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { listOrganisations } from '../organisations/organisation.repository.ts';
import { enqueueOutgoingMail } from './outbox.service.ts';
import { existingUniqueKeys, listReminderCases, listReminderRecipients } from './reminder.repository.ts';
import { classifyCases, digestFor, type ReminderRecipient, reminderEmail } from './reminders.ts';

export const REMINDER_JOB = 'mail.reminders';

/**
 * Le récapitulatif part à partir de 7 h, heure du département. La tâche passe chaque heure : un
 * département d'outre-mer reçoit le sien le matin, à son heure, et non à minuit UTC.
 */
export const REMINDER_LOCAL_HOUR = 7;
export const REMINDER_SCHEDULE_MS = 3_600_000;

const hourFormatters = new Map<string, Intl.DateTimeFormat>();

function localHour(at: Date, timeZone: string): number {
  let formatter = hourFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
    hourFormatters.set(timeZone, formatter);
  }
  return Number(formatter.format(at));
}

export function reminderKey(userId: string, localDate: string): string {
  return `reminder:${userId}:${localDate}`;
}

export interface ReminderReport {
  /** Organisations dont c'était le moment (jour ouvré, heure passée). */
  organisations: number;
  queued: number;
  /** Comptes sans rien à signaler ce jour-là. */
  nothingToReport: number;
}

/**
 * Récapitulatifs du jour, pour chaque organisation dont c'est un jour ouvré et l'heure : un courriel
 * par compte actif qui le demande et qui a quelque chose à suivre, mis en file avec la clé
 * `reminder:<compte>:<date locale>` — jamais deux le même jour, même si la tâche repasse.
 */
export async function runDailyReminders(ctx: AppContext): Promise<ReminderReport> {
  const report: ReminderReport = { organisations: 0, queued: 0, nothingToReport: 0 };
  const now = ctx.clock.now();
  for (const organisation of await listOrganisations(ctx.db)) {
    const { department, calendar } = await organisationCalendar(ctx, organisation.id, organisation.department_code);
    if (localHour(now, department.timeZone) < REMINDER_LOCAL_HOUR) continue;
    const today = instantToLocalDate(now, department.timeZone);
    if (!calendar.isWorkingDay(today)) continue;
    report.organisations++;

    const recipients = await listReminderRecipients(ctx.db, organisation.id);
    const done = await existingUniqueKeys(
      ctx.db,
      recipients.map((r) => reminderKey(r.user_id, today)),
    );
    const pending = recipients.filter((r) => !done.has(reminderKey(r.user_id, today)));
    if (pending.length === 0) continue;

    // Tout ce qui tombe avant le 3e jour ouvré : « ≤ 2 jours ouvrés », week-end et fermetures compris.
    const cases = await listReminderCases(ctx.db, organisation.id, calendar.dueDate(today, 3));
    const buckets = classifyCases(cases, today, calendar);
    for (const r of pending) {
      const recipient: ReminderRecipient = {
        displayName: r.display_name,
        email: r.email,
        role: r.role === 'admin' ? 'admin' : 'agent',
        serviceIds: r.services.map((s) => s.id),
        serviceNames: r.services.map((s) => s.name),
      };
      const digest = digestFor(recipient, buckets);
      if (!digest) {
        report.nothingToReport++;
        continue;
      }
      const email = reminderEmail(recipient, digest, {
        today,
        publicUrl: ctx.config.publicUrl,
        organisationName: organisation.name,
      });
      const { queued } = await enqueueOutgoingMail(
        ctx.db,
        ctx,
        {
          organisationId: organisation.id,
          caseId: null,
          // La première boîte d'expédition de l'organisation, choisie à l'envoi.
          mailboxId: null,
          purpose: 'reminder',
          uniqueKey: reminderKey(r.user_id, today),
          to: { address: r.email, name: r.display_name },
          subject: email.subject,
          bodyText: email.body,
        },
        null,
      );
      if (queued) report.queued++;
    }
  }
  return report;
}
