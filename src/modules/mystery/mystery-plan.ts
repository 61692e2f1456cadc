import { formatDate } from '../../ui/format.ts';
import { addDays, civilDateKey, parseCivilDate, weekday } from '../calendar/civil-date.ts';
import { type Coverage, overlaps, type SchoolHolidayPeriod, schoolYearOf } from '../calendar/school-holidays.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';

/**
 * Plan d'une campagne d'appels et de courriels mystère, sans base ni HTTP.
 *
 * Règles (seed du Loir-et-Cher, reprises par le référentiel) : « au moins 20 appels mystère ou au moins
 * 20 mails mystère sur une période de deux semaines (hors vacances scolaires), un appel ou un mail par
 * demi-journée ». Lues ainsi, canal par canal :
 * - au moins 20 contacts par canal ;
 * - une fenêtre d'au plus 10 jours ouvrés (deux semaines), hors vacances scolaires de la zone du
 *   département, hors jours fériés et fermetures ;
 * - au plus un contact d'un canal par demi-journée (matin ou après-midi) — 20 contacts en 10 jours
 *   ouvrés occupent donc chaque demi-journée ;
 * - chaque contact a un enquêteur, qui n'appartient pas au service visé (il serait reconnu), et un scénario.
 */

export const MYSTERY_CHANNELS = ['call', 'email'] as const;
export type MysteryChannel = (typeof MYSTERY_CHANNELS)[number];
export const CHANNEL_LABELS: Record<MysteryChannel, string> = { call: 'appels', email: 'courriels' };

export type HalfDay = 'am' | 'pm';
export const HALF_DAY_LABELS: Record<HalfDay, string> = { am: 'matin', pm: 'après-midi' };

export const MIN_CONTACTS_PER_CHANNEL = 20;
export const MAX_WINDOW_WORKING_DAYS = 10;

const WEEKDAY_NAMES = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

/** Ce que l'on appelle ou à qui l'on écrit : le standard, un service nommé, une boîte fonctionnelle. */
export interface PlanTarget {
  id: string;
  label: string;
  channel: MysteryChannel;
  /** Service de la préfecture derrière la cible (nul : standard général). */
  serviceId: string | null;
}

export interface PlanEvaluator {
  id: string;
  label: string;
  /** Services auxquels l'enquêteur appartient (vide : bénévole d'une autre préfecture). */
  serviceIds: readonly string[];
}

export interface PlanScenario {
  id: string;
  label: string;
  channel: MysteryChannel;
  /** Cibles pour lesquelles le scénario est réaliste (vide : toutes). */
  targetIds: readonly string[];
}

export interface PlannedContact {
  channel: MysteryChannel;
  date: string;
  halfDay: HalfDay;
  targetId: string;
  evaluatorId: string | null;
  scenarioId: string | null;
}

export interface PlanWindow {
  from: string;
  to: string;
}

/** Ce que Vigie sait des vacances scolaires de la zone, par année scolaire que la fenêtre touche. */
export interface SchoolHolidayKnowledge {
  zone: string;
  periods: readonly SchoolHolidayPeriod[];
  coverage: (schoolYear: string) => Pick<Coverage, 'status' | 'missing'>;
}

export interface PlanSetting {
  calendar: WorkingCalendar;
  schoolHolidays: SchoolHolidayKnowledge;
  window: PlanWindow;
  channels: readonly MysteryChannel[];
  targets: readonly PlanTarget[];
  evaluators: readonly PlanEvaluator[];
  scenarios: readonly PlanScenario[];
}

export type ViolationCode =
  | 'invalid_window'
  | 'window_too_long'
  | 'window_too_short'
  | 'school_holidays'
  | 'school_holidays_unknown'
  | 'no_target'
  | 'too_few_contacts'
  | 'not_working_day'
  | 'outside_window'
  | 'same_half_day'
  | 'unknown_target'
  | 'missing_evaluator'
  | 'unknown_evaluator'
  | 'evaluator_from_target'
  | 'missing_scenario'
  | 'unknown_scenario'
  | 'scenario_not_for_target';

export interface PlanViolation {
  code: ViolationCode;
  /** Explication en français, à montrer telle quelle. */
  message: string;
  channel?: MysteryChannel;
  /** Rang du contact en cause dans le plan (0 = premier), quand il y en a un. */
  contact?: number;
}

export interface Slot {
  date: string;
  halfDay: HalfDay;
}

function slotLabel(slot: Slot): string {
  const parsed = parseCivilDate(slot.date);
  const day = parsed ? WEEKDAY_NAMES[weekday(parsed.year, parsed.dayOfYear)] : '';
  return `${day} ${formatDate(slot.date)} (${HALF_DAY_LABELS[slot.halfDay]})`.trim();
}

function describeHoliday(period: SchoolHolidayPeriod, zone: string): string {
  return `${period.name} (zone ${zone}) du ${formatDate(period.startDate)} au ${formatDate(addDays(period.endDate, -1))}`;
}

/** Les jours ouvrés de la fenêtre, bornes incluses. */
export function workingDaysOf(calendar: WorkingCalendar, window: PlanWindow): string[] {
  const days: string[] = [];
  for (let day = window.from; day <= window.to; day = addDays(day, 1)) {
    if (calendar.isWorkingDay(day)) days.push(day);
  }
  return days;
}

/** Les demi-journées ouvrées de la fenêtre, dans l'ordre. */
export function slotsOf(calendar: WorkingCalendar, window: PlanWindow): Slot[] {
  return workingDaysOf(calendar, window).flatMap((date) => [
    { date, halfDay: 'am' as const },
    { date, halfDay: 'pm' as const },
  ]);
}

/**
 * Ce qui rend une fenêtre impossible, avant tout plan : dates, durée, vacances scolaires (ou leur
 * absence des données : on ne planifie pas à l'aveugle).
 */
export function checkWindow(setting: Pick<PlanSetting, 'calendar' | 'schoolHolidays' | 'window'>): PlanViolation[] {
  const { window, calendar, schoolHolidays } = setting;
  if (!parseCivilDate(window.from) || !parseCivilDate(window.to) || civilDateKey(window.from) > civilDateKey(window.to)) {
    return [
      { code: 'invalid_window', message: 'Fenêtre : indiquez une date de début et une date de fin, la fin après le début.' },
    ];
  }
  const violations: PlanViolation[] = [];
  const workingDays = workingDaysOf(calendar, window).length;
  if (workingDays > MAX_WINDOW_WORKING_DAYS) {
    violations.push({
      code: 'window_too_long',
      message: `La fenêtre compte ${workingDays} jours ouvrés : la campagne doit tenir en deux semaines, soit ${MAX_WINDOW_WORKING_DAYS} jours ouvrés au plus.`,
    });
  }
  const years = [...new Set([schoolYearOf(window.from), schoolYearOf(window.to)])];
  for (const schoolYear of years) {
    const known = schoolHolidays.coverage(schoolYear);
    if (known.status !== 'complete') {
      const what = known.status === 'missing' ? 'absentes' : `incomplètes (manque : ${known.missing.join(', ')})`;
      violations.push({
        code: 'school_holidays_unknown',
        message: `Les vacances scolaires ${schoolYear} de la zone ${schoolHolidays.zone} sont ${what} dans Vigie : complétez-les (Calendrier › Vacances scolaires) avant de planifier sur cette période.`,
      });
    }
  }
  for (const period of overlaps(schoolHolidays.periods, window.from, window.to)) {
    violations.push({
      code: 'school_holidays',
      message: `La fenêtre recoupe les vacances scolaires : ${describeHoliday(period, schoolHolidays.zone)}. Les contacts mystère se font hors vacances scolaires.`,
    });
  }
  return violations;
}

/** Le service visé par une cible, et si l'enquêteur en fait partie (il serait reconnu). */
function evaluatorKnown(evaluator: PlanEvaluator, target: PlanTarget): boolean {
  return target.serviceId !== null && evaluator.serviceIds.includes(target.serviceId);
}

function scenarioFits(scenario: PlanScenario, target: PlanTarget): boolean {
  return scenario.channel === target.channel && (scenario.targetIds.length === 0 || scenario.targetIds.includes(target.id));
}

/** Toutes les règles, sur un plan proposé ou retouché à la main ; chaque violation est expliquée. */
export function checkPlan(setting: PlanSetting, contacts: readonly PlannedContact[]): PlanViolation[] {
  const violations = checkWindow(setting);
  if (violations.some((v) => v.code === 'invalid_window')) return violations;
  const targets = new Map(setting.targets.map((t) => [t.id, t]));
  const evaluators = new Map(setting.evaluators.map((e) => [e.id, e]));
  const scenarios = new Map(setting.scenarios.map((s) => [s.id, s]));
  const taken = new Map<string, number>();

  contacts.forEach((contact, index) => {
    const where = `Contact ${index + 1} (${CHANNEL_LABELS[contact.channel]}, ${slotLabel(contact)})`;
    const add = (code: ViolationCode, message: string) =>
      violations.push({ code, message: `${where} : ${message}`, channel: contact.channel, contact: index });
    if (contact.date < setting.window.from || contact.date > setting.window.to) {
      add('outside_window', 'hors de la fenêtre de la campagne.');
    } else if (!setting.calendar.isWorkingDay(contact.date)) {
      const day = setting.calendar.describe(contact.date);
      add('not_working_day', `${day.label ?? (day.kind === 'weekend' ? 'week-end' : 'jour non ouvré')}, pas un jour ouvré.`);
    }
    const slotKey = `${contact.channel}|${contact.date}|${contact.halfDay}`;
    const first = taken.get(slotKey);
    if (first !== undefined) {
      add(
        'same_half_day',
        `même demi-journée que le contact ${first + 1} : un seul ${contact.channel === 'call' ? 'appel' : 'courriel'} par demi-journée.`,
      );
    } else {
      taken.set(slotKey, index);
    }
    const target = targets.get(contact.targetId);
    if (!target || target.channel !== contact.channel) {
      add('unknown_target', 'cible inconnue pour ce canal.');
      return;
    }
    if (contact.evaluatorId === null) {
      add('missing_evaluator', 'aucun enquêteur.');
    } else {
      const evaluator = evaluators.get(contact.evaluatorId);
      if (!evaluator) add('unknown_evaluator', 'enquêteur inconnu.');
      else if (evaluatorKnown(evaluator, target))
        add('evaluator_from_target', `${evaluator.label} appartient au service visé (${target.label}) et serait reconnu.`);
    }
    if (contact.scenarioId === null) {
      add('missing_scenario', 'aucun scénario.');
    } else {
      const scenario = scenarios.get(contact.scenarioId);
      if (!scenario) add('unknown_scenario', 'scénario inconnu.');
      else if (!scenarioFits(scenario, target))
        add('scenario_not_for_target', `le scénario « ${scenario.label} » ne convient pas à ${target.label}.`);
    }
  });

  for (const channel of setting.channels) {
    const count = contacts.filter((c) => c.channel === channel).length;
    if (count < MIN_CONTACTS_PER_CHANNEL) {
      violations.push({
        code: 'too_few_contacts',
        channel,
        message: `${count} ${CHANNEL_LABELS[channel]} prévus : il en faut au moins ${MIN_CONTACTS_PER_CHANNEL} sur la période.`,
      });
    }
  }
  return violations;
}

/** Choisit `count` demi-journées réparties sur toute la fenêtre (toutes si elles ne suffisent pas). */
function spread(slots: readonly Slot[], count: number): Slot[] {
  if (count >= slots.length) return [...slots];
  const chosen: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const slot = slots[Math.floor((i * slots.length) / count)];
    if (slot) chosen.push(slot);
  }
  return chosen;
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Le premier élément de plus petit score (ordre lexicographique) : à égalité, l'ordre donné décide. */
function leastUsed<T>(items: readonly T[], score: (item: T) => number[]): T | undefined {
  let best: T | undefined;
  let bestScore: number[] = [];
  for (const item of items) {
    const s = score(item);
    if (best === undefined || lexicographic(s, bestScore) < 0) {
      best = item;
      bestScore = s;
    }
  }
  return best;
}

export interface ProposedPlan {
  contacts: PlannedContact[];
  violations: PlanViolation[];
}

/**
 * Propose un plan : pour chaque canal, `contactsPerChannel` demi-journées réparties sur la fenêtre ; à
 * chacune, la cible la moins servie (puis la moins servie ce jour de semaine et à cette demi-journée,
 * pour que chaque service soit sondé à des moments différents), l'enquêteur le moins chargé qui ne
 * serait pas reconnu, le scénario le moins utilisé pour cette cible. Déterministe : mêmes entrées,
 * même plan. Le plan rendu est vérifié par `checkPlan` : ce qui manque est expliqué, jamais caché.
 */
export function proposePlan(setting: PlanSetting, contactsPerChannel = MIN_CONTACTS_PER_CHANNEL): ProposedPlan {
  const windowViolations = checkWindow(setting);
  if (windowViolations.some((v) => v.code === 'invalid_window')) return { contacts: [], violations: windowViolations };
  const slots = slotsOf(setting.calendar, setting.window);
  const contacts: PlannedContact[] = [];
  const evaluatorLoad = new Map<string, number>();
  const preliminary: PlanViolation[] = [];

  for (const channel of setting.channels) {
    const targets = setting.targets.filter((t) => t.channel === channel);
    if (targets.length === 0) {
      preliminary.push({
        code: 'no_target',
        channel,
        message: `Aucune cible pour les ${CHANNEL_LABELS[channel]} : ajoutez le standard, un service ou une boîte fonctionnelle.`,
      });
      continue;
    }
    if (slots.length < contactsPerChannel) {
      preliminary.push({
        code: 'window_too_short',
        channel,
        message: `La fenêtre n'offre que ${slots.length} demi-journées ouvrées pour ${contactsPerChannel} ${CHANNEL_LABELS[channel]} (un par demi-journée) : élargissez-la.`,
      });
    }
    const perTarget = new Map<string, number>();
    const perTargetWeekday = new Map<string, number>();
    const perTargetHalfDay = new Map<string, number>();
    const scenarioUse = new Map<string, number>();
    for (const slot of spread(slots, contactsPerChannel)) {
      const parsed = parseCivilDate(slot.date);
      const day = parsed ? weekday(parsed.year, parsed.dayOfYear) : 0;
      const target = leastUsed(targets, (t) => [
        perTarget.get(t.id) ?? 0,
        perTargetWeekday.get(`${t.id}|${day}`) ?? 0,
        perTargetHalfDay.get(`${t.id}|${slot.halfDay}`) ?? 0,
      ]) as PlanTarget;
      perTarget.set(target.id, (perTarget.get(target.id) ?? 0) + 1);
      perTargetWeekday.set(`${target.id}|${day}`, (perTargetWeekday.get(`${target.id}|${day}`) ?? 0) + 1);
      perTargetHalfDay.set(`${target.id}|${slot.halfDay}`, (perTargetHalfDay.get(`${target.id}|${slot.halfDay}`) ?? 0) + 1);
      const evaluator = leastUsed(
        setting.evaluators.filter((e) => !evaluatorKnown(e, target)),
        (e) => [evaluatorLoad.get(e.id) ?? 0],
      );
      if (evaluator) evaluatorLoad.set(evaluator.id, (evaluatorLoad.get(evaluator.id) ?? 0) + 1);
      const scenario = leastUsed(
        setting.scenarios.filter((s) => scenarioFits(s, target)),
        (s) => [scenarioUse.get(`${target.id}|${s.id}`) ?? 0, scenarioUse.get(s.id) ?? 0],
      );
      if (scenario) {
        scenarioUse.set(`${target.id}|${scenario.id}`, (scenarioUse.get(`${target.id}|${scenario.id}`) ?? 0) + 1);
        scenarioUse.set(scenario.id, (scenarioUse.get(scenario.id) ?? 0) + 1);
      }
      contacts.push({
        channel,
        date: slot.date,
        halfDay: slot.halfDay,
        targetId: target.id,
        evaluatorId: evaluator?.id ?? null,
        scenarioId: scenario?.id ?? null,
      });
    }
  }
  return { contacts, violations: [...preliminary, ...checkPlan(setting, contacts)] };
}
