import { daysInMonth, MONTH_NAMES, parseCivilDate } from '../calendar/civil-date.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';

/**
 * Vocabulaire du plan d'actions (domaine pur) : statuts, origines, retard, rappels, regroupements par
 * mois d'échéance et bilans « N actions mises en place » par origine. Aucun accès à la base ici.
 */

export const ACTION_STATUSES = ['todo', 'in_progress', 'done', 'abandoned'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  todo: 'À faire',
  in_progress: 'En cours',
  done: 'Réalisée',
  abandoned: 'Abandonnée',
};

/** Titres des colonnes de la vue « par statut » (au pluriel). */
export const ACTION_STATUS_SECTIONS: Record<ActionStatus, string> = {
  todo: 'À faire',
  in_progress: 'En cours',
  done: 'Réalisées',
  abandoned: 'Abandonnées',
};

export const ORIGIN_KINDS = [
  'survey_criterion',
  'mystery_finding',
  'complaint_theme',
  'case',
  'clu_proposal',
  'audit_finding',
  'free',
] as const;
export type OriginKind = (typeof ORIGIN_KINDS)[number];

export const ORIGIN_KIND_LABELS: Record<OriginKind, string> = {
  survey_criterion: 'Critère d’enquête',
  mystery_finding: 'Constat d’enquête mystère',
  complaint_theme: 'Thème de réclamations',
  case: 'Dossier du registre',
  clu_proposal: 'Proposition du CLU',
  audit_finding: 'Constat d’audit',
  free: 'Libre',
};

/** Les origines qu'on choisit à la main dans le formulaire (les autres naissent d'un clic sur leur source). */
export const MANUAL_ORIGIN_KINDS: readonly OriginKind[] = ['mystery_finding', 'audit_finding', 'free'];

export function isActionStatus(value: string): value is ActionStatus {
  return (ACTION_STATUSES as readonly string[]).includes(value);
}

export function isOriginKind(value: string): value is OriginKind {
  return (ORIGIN_KINDS as readonly string[]).includes(value);
}

/** Une action ouverte (à faire ou en cours) reçoit des rappels et peut être en retard. */
export function isOpen(status: string): boolean {
  return status === 'todo' || status === 'in_progress';
}

/** En retard : ouverte et échéance passée (la veille ou avant) à la date locale du jour. */
export function isOverdue(action: { status: string; due_date: string }, today: string): boolean {
  return isOpen(action.status) && action.due_date < today;
}

/** Fenêtre du rappel « avant l'échéance », en jours ouvrés du calendrier de l'organisation. */
export const REMINDER_BEFORE_WORKING_DAYS = 5;

export type ReminderKind = 'before' | 'after';

/**
 * Le rappel à envoyer aujourd'hui pour une action, au plus un de chaque sorte dans la vie de l'action :
 * « après » dès que l'échéance est passée ; « avant » quand elle tombe dans les 5 jours ouvrés à venir
 * (week-ends, fériés et fermetures ne comptent pas). Une action découverte déjà en retard ne reçoit que
 * le rappel « après » : annoncer une échéance passée comme « proche » serait faux.
 */
export function reminderToSend(
  action: {
    status: string;
    due_date: string;
    reminder_before_sent_at: string | null;
    reminder_after_sent_at: string | null;
  },
  today: string,
  calendar: WorkingCalendar,
): ReminderKind | null {
  if (!isOpen(action.status)) return null;
  if (action.due_date < today) return action.reminder_after_sent_at === null ? 'after' : null;
  if (action.reminder_before_sent_at !== null) return null;
  return action.due_date <= calendar.dueDate(today, REMINDER_BEFORE_WORKING_DAYS) ? 'before' : null;
}

/** Ajoute des mois à une date civile ; le jour est ramené au dernier du mois au besoin (31 janvier + 1 mois → 28/29 février). */
export function addMonths(date: string, months: number): string {
  const parsed = parseCivilDate(date);
  if (!parsed) throw new RangeError(`Date invalide : ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Échéance proposée pour une action créée en un clic : dans 3 mois, reportée au jour ouvré suivant au besoin. */
export function defaultDueDate(today: string, calendar: WorkingCalendar): string {
  const target = addMonths(today, 3);
  return calendar.isWorkingDay(target) ? target : calendar.dueDate(target, 1);
}

/** « avril 2026 » pour la clé de mois « 2026-04 ». */
export function monthLabel(monthKey: string): string {
  const [year, month] = monthKey.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[month - 1] ?? ''} ${year}`;
}

/** Regroupe des actions par mois d'échéance, dans l'ordre chronologique. */
export function groupByDueMonth<T extends { due_date: string }>(actions: T[]): { month: string; label: string; actions: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const action of [...actions].sort((a, b) => a.due_date.localeCompare(b.due_date))) {
    const key = action.due_date.slice(0, 7);
    const list = groups.get(key) ?? [];
    list.push(action);
    groups.set(key, list);
  }
  return [...groups].map(([month, list]) => ({ month, label: monthLabel(month), actions: list }));
}

export interface OriginSummary {
  originKind: OriginKind;
  originLabel: string;
  done: number;
  titles: string[];
}

/**
 * « 3 actions mises en place » par origine (diapositive du Puy-de-Dôme) : les actions réalisées dans la
 * période [from, to] (dates incluses), par origine, avec leur intitulé (la colonne « Action »). Seules les
 * origines qui ont au moins une action réalisée figurent, dans l'ordre du vocabulaire.
 */
export function doneByOrigin(
  actions: { status: string; completed_on: string | null; origin_kind: string; description: string; number: number }[],
  from: string,
  to: string,
): OriginSummary[] {
  const result: OriginSummary[] = [];
  for (const kind of ORIGIN_KINDS) {
    const done = actions
      .filter((a) => a.origin_kind === kind && a.status === 'done' && a.completed_on !== null)
      .filter((a) => (a.completed_on as string) >= from && (a.completed_on as string) <= to)
      .sort((a, b) => (a.completed_on as string).localeCompare(b.completed_on as string) || a.number - b.number);
    if (done.length === 0) continue;
    result.push({
      originKind: kind,
      originLabel: ORIGIN_KIND_LABELS[kind],
      done: done.length,
      titles: done.map((a) => a.description),
    });
  }
  return result;
}

/** « 3 actions mises en place », « 1 action mise en place ». */
export function doneCountText(count: number): string {
  return count > 1 ? `${count} actions mises en place` : `${count} action mise en place`;
}

/** Premier et dernier jour de l'année d'une date : la période par défaut des bilans. */
export function yearOf(date: string): { from: string; to: string } {
  return { from: `${date.slice(0, 4)}-01-01`, to: `${date.slice(0, 4)}-12-31` };
}
