/**
 * Dates civiles « AAAA-MM-JJ » (sans heure ni fuseau) : la seule forme sous laquelle le calendrier
 * des jours ouvrés raisonne. Arithmétique entière, sans objet Date, pour rester rapide.
 */
/** Noms des mois, en français, en minuscules. */
export const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const CUMULATIVE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export interface CivilDate {
  year: number;
  /** Rang du jour dans l'année, à partir de 0 (1er janvier). */
  dayOfYear: number;
}

/** Valeur d'un chiffre ASCII à la position `at`, ou -1 (équivaut à `\d` d'une expression régulière). */
function digit(text: string, at: number): number {
  const code = text.charCodeAt(at) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

/**
 * Lit « AAAA-MM-JJ » en une seule valeur `année × 512 + rang du jour`, ou -1 pour une forme ou une
 * date impossible (2026-02-30). Sans expression régulière ni allocation : c'est le chemin chaud des
 * échéances (`WorkingCalendar.dueDate`).
 */
export function civilDateKey(text: string): number {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return -1;
  const y0 = digit(text, 0);
  const y1 = digit(text, 1);
  const y2 = digit(text, 2);
  const y3 = digit(text, 3);
  const m0 = digit(text, 5);
  const m1 = digit(text, 6);
  const d0 = digit(text, 8);
  const d1 = digit(text, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1) return -1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)) return -1;
  return year * 512 + (CUMULATIVE[month - 1] ?? 0) + (month > 2 && leap ? 1 : 0) + day - 1;
}

/** Lit « AAAA-MM-JJ » ; `undefined` pour une forme ou une date impossible (2026-02-30). */
export function parseCivilDate(text: string): CivilDate | undefined {
  const key = civilDateKey(text);
  if (key < 0) return undefined;
  return { year: key >> 9, dayOfYear: key & 511 };
}

export function isValidCivilDate(text: string): boolean {
  return parseCivilDate(text) !== undefined;
}

const formatted = new Map<number, string[]>();

/** Les dates d'une année, formatées une fois pour toutes (rendu rapide des échéances). */
export function yearStrings(year: number): string[] {
  let list = formatted.get(year);
  if (!list) {
    list = [];
    const prefix = String(year).padStart(4, '0');
    for (let month = 1; month <= 12; month++) {
      for (let day = 1; day <= daysInMonth(year, month); day++) {
        list.push(`${prefix}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
      }
    }
    formatted.set(year, list);
  }
  return list;
}

export function formatCivilDate(year: number, dayOfYear: number): string {
  const text = yearStrings(year)[dayOfYear];
  if (text === undefined) throw new RangeError(`Jour ${dayOfYear} hors de l'année ${year}`);
  return text;
}

/** Jour de la semaine : 0 = lundi … 6 = dimanche (le 1er janvier 2000 était un samedi). */
export function weekday(year: number, dayOfYear: number): number {
  let days = dayOfYear;
  for (let y = 2000; y < year; y++) days += daysInYear(y);
  for (let y = year; y < 2000; y++) days -= daysInYear(y);
  return (((days + 5) % 7) + 7) % 7;
}

export function addDays(date: string, days: number): string {
  const parsed = parseCivilDate(date);
  if (!parsed) throw new RangeError(`Date invalide : ${date}`);
  let { year, dayOfYear } = parsed;
  dayOfYear += days;
  while (dayOfYear < 0) {
    year--;
    dayOfYear += daysInYear(year);
  }
  while (dayOfYear >= daysInYear(year)) {
    dayOfYear -= daysInYear(year);
    year++;
  }
  return formatCivilDate(year, dayOfYear);
}
