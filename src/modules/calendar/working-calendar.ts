import {
  civilDateKey,
  daysInYear,
  formatCivilDate,
  MAX_YEAR,
  MIN_YEAR,
  parseCivilDate,
  weekday,
  yearStrings,
} from './civil-date.ts';
import { type HolidayCalendar, holidaysOf } from './holidays.ts';

/**
 * Jours ouvrés d'un calendrier de jours fériés, augmenté des jours de fermeture d'une organisation :
 * du lundi au vendredi, hors jours fériés et fermetures.
 *
 * Règles (BRIEF, « Domain rules ») :
 * - échéance : le N-ième jour ouvré strictement après la date locale de réception (N = 0 : la date
 *   de réception elle-même) ;
 * - délai d'une réponse : le nombre de jours ouvrés d tels que réception < d ≤ réponse.
 *
 * Pour tenir des millions de calculs par seconde, chaque année est indexée une fois (paresseusement) :
 * `cumulative[i]` compte les jours ouvrés des jours 0..i-1 de l'année, `nth[k]` donne le rang du
 * k-ième jour ouvré. Une échéance est alors une addition et une lecture de tableau.
 */
interface YearIndex {
  cumulative: Int16Array;
  nth: Int16Array;
  total: number;
  /** Les dates de l'année, déjà formatées (rang du jour → « AAAA-MM-JJ »). */
  dates: string[];
  holidays: Map<number, string>;
  closures: Map<number, string>;
}

export class CalendarError extends Error {
  readonly field: 'date' | 'year' | 'workingDays';
  constructor(field: 'date' | 'year' | 'workingDays', message: string) {
    super(message);
    this.field = field;
  }
}

export interface ClosureDay {
  date: string;
  reason: string;
}

export class WorkingCalendar {
  readonly calendar: HolidayCalendar;
  readonly #closures = new Map<number, Map<number, string>>();
  readonly #years: (YearIndex | undefined)[] = [];

  constructor(calendar: HolidayCalendar, closures: Iterable<ClosureDay> = []) {
    this.calendar = calendar;
    for (const closure of closures) {
      const parsed = parseCivilDate(closure.date);
      if (!parsed) throw new CalendarError('date', `Jour de fermeture invalide : ${closure.date}`);
      let byDay = this.#closures.get(parsed.year);
      if (!byDay) {
        byDay = new Map();
        this.#closures.set(parsed.year, byDay);
      }
      byDay.set(parsed.dayOfYear, closure.reason);
    }
  }

  #year(year: number): YearIndex {
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new CalendarError('year', `Année hors de la période prise en charge (${MIN_YEAR}–${MAX_YEAR}) : ${year}.`);
    }
    const slot = year - MIN_YEAR;
    const cached = this.#years[slot];
    if (cached) return cached;
    const days = daysInYear(year);
    const holidays = new Map<number, string>();
    for (const holiday of holidaysOf(this.calendar, year)) {
      const parsed = parseCivilDate(holiday.date);
      if (parsed) holidays.set(parsed.dayOfYear, holiday.name);
    }
    const closures = this.#closures.get(year) ?? new Map<number, string>();
    const cumulative = new Int16Array(days + 1);
    const working: number[] = [];
    let day = weekday(year, 0);
    for (let i = 0; i < days; i++) {
      const isWorking = day < 5 && !holidays.has(i) && !closures.has(i);
      if (isWorking) working.push(i);
      cumulative[i + 1] = (cumulative[i] ?? 0) + (isWorking ? 1 : 0);
      day = day === 6 ? 0 : day + 1;
    }
    const index: YearIndex = {
      cumulative,
      nth: Int16Array.from(working),
      total: working.length,
      dates: yearStrings(year),
      holidays,
      closures,
    };
    this.#years[slot] = index;
    return index;
  }

  #invalidDate(date: string): never {
    throw new CalendarError('date', `Date impossible ou mal formée : « ${date} » (format attendu AAAA-MM-JJ).`);
  }

  #parse(date: string): { year: number; dayOfYear: number; index: YearIndex } {
    const parsed = parseCivilDate(date);
    if (!parsed) this.#invalidDate(date);
    return { ...parsed, index: this.#year(parsed.year) };
  }

  isWorkingDay(date: string): boolean {
    const { dayOfYear, index } = this.#parse(date);
    return (index.cumulative[dayOfYear + 1] ?? 0) > (index.cumulative[dayOfYear] ?? 0);
  }

  /** Ce qu'est ce jour : férié (avec son nom), fermeture (avec son motif), week-end, ou ouvré. */
  describe(date: string): { kind: 'working' | 'weekend' | 'holiday' | 'closure'; label?: string } {
    const { year, dayOfYear, index } = this.#parse(date);
    const holiday = index.holidays.get(dayOfYear);
    if (holiday) return { kind: 'holiday', label: holiday };
    if (weekday(year, dayOfYear) >= 5) return { kind: 'weekend' };
    const closure = index.closures.get(dayOfYear);
    if (closure !== undefined) return { kind: 'closure', label: closure };
    return { kind: 'working' };
  }

  /** Nombre de jours ouvrés d tels que `from` < d ≤ `to` (négatif si `to` précède `from`). */
  workingDaysBetween(from: string, to: string): number {
    const a = this.#parse(from);
    const b = this.#parse(to);
    const upTo = (p: { year: number; dayOfYear: number; index: YearIndex }, baseYear: number) => {
      let count = p.index.cumulative[p.dayOfYear + 1] ?? 0;
      for (let y = baseYear; y < p.year; y++) count += this.#year(y).total;
      return count;
    };
    const base = Math.min(a.year, b.year);
    return upTo(b, base) - upTo(a, base);
  }

  /** Délai d'une réponse, en jours ouvrés ; une réponse datée avant la réception est refusée. */
  delay(receipt: string, answer: string): number {
    const value = this.workingDaysBetween(receipt, answer);
    if (value < 0 || answer < receipt) {
      throw new CalendarError('date', `La date de réponse (${answer}) précède la date de réception (${receipt}).`);
    }
    return value;
  }

  /** Échéance : le N-ième jour ouvré strictement après la réception (N = 0 : la réception elle-même). */
  dueDate(receipt: string, workingDays: number): string {
    if (!Number.isInteger(workingDays) || workingDays < 0 || workingDays > 365) {
      throw new CalendarError('workingDays', `Nombre de jours ouvrés invalide : ${workingDays} (entier de 0 à 365 attendu).`);
    }
    // Chemin chaud : date lue sans expression régulière ni objet intermédiaire (voir civilDateKey).
    const key = civilDateKey(receipt);
    if (key < 0) this.#invalidDate(receipt);
    let year = key >> 9;
    let index = this.#years[year - MIN_YEAR] ?? this.#year(year);
    if (workingDays === 0) return receipt;
    let need = workingDays + (index.cumulative[(key & 511) + 1] ?? 0);
    while (need > index.total) {
      need -= index.total;
      year++;
      index = this.#year(year);
    }
    return index.dates[index.nth[need - 1] ?? 0] ?? formatCivilDate(year, index.nth[need - 1] ?? 0);
  }

  /** Jours fériés d'une année, tels que ce calendrier les compte. */
  holidays(year: number): { date: string; name: string }[] {
    const index = this.#year(year);
    return [...index.holidays].sort((a, b) => a[0] - b[0]).map(([day, name]) => ({ date: formatCivilDate(year, day), name }));
  }
}

const shared = new Map<HolidayCalendar, WorkingCalendar>();

/** Calendrier sans fermeture propre, partagé (son index se construit une fois par année). */
export function calendarFor(calendar: HolidayCalendar): WorkingCalendar {
  let instance = shared.get(calendar);
  if (!instance) {
    instance = new WorkingCalendar(calendar);
    shared.set(calendar, instance);
  }
  return instance;
}
