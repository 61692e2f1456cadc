import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import { currentDue, type UrgencyFacts, urgencyOf } from '../cases/urgency.ts';
import { type CaseKind, KIND_LABELS } from '../cases/vocabulary.ts';

/**
 * Récapitulatif quotidien des échéances (domaine pur) : quels dossiers ouverts signaler à qui, et
 * le texte du courriel. L'urgence est celle des badges de la file des agents (`urgencyOf`).
 */

export interface ReminderCase extends UrgencyFacts {
  id: string;
  reference: string;
  kind: CaseKind;
  subject: string | null;
  service_id: string | null;
  service_name: string | null;
}

export interface ReminderItem {
  case: ReminderCase;
  /** Échéance en cours (réponse, ou étape du rendez-vous d'élu). */
  due: string;
}

export interface ReminderBuckets {
  overdue: ReminderItem[];
  today: ReminderItem[];
  soon: ReminderItem[];
}

export interface ReminderRecipient {
  displayName: string;
  email: string;
  role: 'admin' | 'agent';
  /** Services de rattachement (agent) : seuls leurs dossiers lui sont signalés. */
  serviceIds: string[];
  serviceNames: string[];
}

/** Au-delà, une rubrique renvoie au registre plutôt que de tout lister. */
export const MAX_ITEMS_PER_SECTION = 50;

/** Range les dossiers ouverts : en retard, à traiter aujourd'hui, à échéance dans ≤ 2 jours ouvrés ; les plus urgents d'abord. */
export function classifyCases(cases: ReminderCase[], today: string, calendar: WorkingCalendar): ReminderBuckets {
  const buckets: ReminderBuckets = { overdue: [], today: [], soon: [] };
  for (const c of cases) {
    const urgency = urgencyOf(c, today, calendar);
    const due = currentDue(c);
    if (!urgency || !due) continue;
    buckets[urgency].push({ case: c, due });
  }
  const order = (a: ReminderItem, b: ReminderItem) =>
    a.due.localeCompare(b.due) || a.case.reference.localeCompare(b.case.reference);
  for (const list of Object.values(buckets)) list.sort(order);
  return buckets;
}

/**
 * Ce qu'un compte reçoit : un agent, les dossiers des services auxquels il est rattaché (les trois
 * rubriques) ; le référent qualité (admin), les dossiers en retard de tous les services. Null : rien
 * à signaler, pas de courriel.
 */
export function digestFor(recipient: ReminderRecipient, buckets: ReminderBuckets): ReminderBuckets | null {
  let digest: ReminderBuckets;
  if (recipient.role === 'admin') {
    digest = { overdue: buckets.overdue, today: [], soon: [] };
  } else {
    const mine = new Set(recipient.serviceIds);
    const keep = (items: ReminderItem[]) => items.filter((i) => i.case.service_id !== null && mine.has(i.case.service_id));
    digest = { overdue: keep(buckets.overdue), today: keep(buckets.today), soon: keep(buckets.soon) };
  }
  return digest.overdue.length + digest.today.length + digest.soon.length > 0 ? digest : null;
}

const longDate = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
const fullDate = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

function civil(date: string, format: Intl.DateTimeFormat): string {
  return format.format(new Date(`${date}T00:00:00Z`));
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}

export interface DigestContext {
  today: string;
  publicUrl: string;
  organisationName: string;
}

function section(title: string, items: ReminderItem[], context: DigestContext, dueText: (due: string) => string): string[] {
  if (items.length === 0) return [];
  const lines = ['', `${title} (${items.length})`, ''];
  for (const item of items.slice(0, MAX_ITEMS_PER_SECTION)) {
    const c = item.case;
    const parts = [
      c.reference,
      KIND_LABELS[c.kind],
      c.subject ? `« ${c.subject.length > 80 ? `${c.subject.slice(0, 79)}…` : c.subject} »` : null,
      dueText(item.due),
      c.service_name,
    ].filter((p): p is string => Boolean(p));
    lines.push(`- ${parts.join(' — ')}`, `  ${context.publicUrl}/registre/${c.id}`);
  }
  if (items.length > MAX_ITEMS_PER_SECTION) {
    lines.push(
      `- … et ${plural(items.length - MAX_ITEMS_PER_SECTION, 'autre dossier', 'autres dossiers')} : voir le registre, ${context.publicUrl}/registre?status=open`,
    );
  }
  return lines;
}

/** Objet et texte du récapitulatif, en français, avec un lien vers chaque dossier. */
export function reminderEmail(
  recipient: ReminderRecipient,
  digest: ReminderBuckets,
  context: DigestContext,
): { subject: string; body: string } {
  const total = digest.overdue.length + digest.today.length + digest.soon.length;
  const subject =
    recipient.role === 'admin'
      ? `Vigie : ${plural(total, 'dossier en retard', 'dossiers en retard')} — ${civil(context.today, longDate)}`
      : `Vigie : ${plural(total, 'dossier à suivre', 'dossiers à suivre')}${digest.overdue.length > 0 ? ` dont ${digest.overdue.length} en retard` : ''} — ${civil(context.today, longDate)}`;
  const scope =
    recipient.role === 'admin'
      ? `Voici les dossiers en retard de tous les services de la préfecture, ce ${civil(context.today, fullDate)}.`
      : `Voici les dossiers de vos services (${recipient.serviceNames.join(', ')}) qui demandent votre attention ce ${civil(context.today, fullDate)}.`;
  const lines = [
    `Bonjour ${recipient.displayName},`,
    '',
    scope,
    ...section('EN RETARD', digest.overdue, context, (due) => `échéance dépassée depuis le ${civil(due, longDate)}`),
    ...section('À TRAITER AUJOURD’HUI', digest.today, context, () => 'échéance aujourd’hui'),
    ...section('ÉCHÉANCE DANS 2 JOURS OUVRÉS AU PLUS', digest.soon, context, (due) => `échéance le ${civil(due, longDate)}`),
    '',
    '-- ',
    `Récapitulatif quotidien envoyé par Vigie (${context.organisationName}) les jours ouvrés.`,
    `Pour ne plus le recevoir, décochez « Recevoir le récapitulatif quotidien » dans votre compte : ${context.publicUrl}/compte#recapitulatif`,
  ];
  return { subject, body: `${lines.join('\n')}\n` };
}
