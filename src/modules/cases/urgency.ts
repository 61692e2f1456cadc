import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { CaseTable } from './case.table.ts';
import type { Urgency } from './views/case-common.view.ts';

export type { Urgency };

/** Ce qu'il faut d'un dossier pour dire son urgence (domaine pur : la file des agents et les rappels). */
export type UrgencyFacts = Pick<
  CaseTable,
  | 'kind'
  | 'status'
  | 'due_date'
  | 'appointment_fixed_due'
  | 'appointment_held_due'
  | 'appointment_fixed_local_date'
  | 'appointment_held_local_date'
>;

/** Échéance en cours : la réponse, ou l'étape suivante d'un rendez-vous d'élu. */
export function currentDue(row: UrgencyFacts): string | null {
  if (row.kind === 'elected_official_appointment') {
    if (!row.appointment_fixed_local_date) return row.appointment_fixed_due;
    if (!row.appointment_held_local_date) return row.appointment_held_due;
    return null;
  }
  return row.due_date;
}

/** Urgence d'un dossier ouvert à la date locale `today` : en retard, à traiter aujourd'hui, ou dans ≤ 2 jours ouvrés. */
export function urgencyOf(row: UrgencyFacts, today: string, calendar: WorkingCalendar): Urgency {
  if (row.status === 'answered' || row.status === 'closed') return null;
  const due = currentDue(row);
  if (!due) return null;
  if (due < today) return 'overdue';
  if (due === today) return 'today';
  return calendar.workingDaysBetween(today, due) <= 2 ? 'soon' : null;
}
