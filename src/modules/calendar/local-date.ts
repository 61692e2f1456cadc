import { isValidCivilDate } from './civil-date.ts';

/**
 * Date civile locale d'un instant dans le fuseau du département : un horodatage avec décalage (ou
 * « Z ») est d'abord converti en date locale ; un horodatage sans décalage est déjà l'heure locale
 * du département ; une date seule est prise telle quelle.
 */
export type LocalDateResult = { ok: true; date: string } | { ok: false; reason: 'format' | 'impossible_date' };

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Quart d'heure : depuis 1980, les décalages des fuseaux et leurs changements tombent sur un quart d'heure. */
const QUARTER_MS = 15 * 60 * 1000;
const CACHED_FROM_MS = Date.UTC(1980, 0, 1);
const recentDates = new Map<string, Map<number, string>>();

/**
 * Date civile, dans `timeZone`, de l'instant `at`. Le formatage d'Intl coûte quelques microsecondes : la relève
 * en fait un par message, pour des instants proches. Dans un même quart d'heure UTC, la date locale ne change
 * pas (minuit local et les changements d'heure tombent sur un quart d'heure) : elle est gardée par quart d'heure.
 */
export function instantToLocalDate(at: Date, timeZone: string): string {
  const ms = at.getTime();
  if (!(ms >= CACHED_FROM_MS)) return formatterFor(timeZone).format(at);
  let dates = recentDates.get(timeZone);
  if (!dates) {
    dates = new Map();
    recentDates.set(timeZone, dates);
  }
  const quarter = Math.floor(ms / QUARTER_MS);
  let date = dates.get(quarter);
  if (date === undefined) {
    date = formatterFor(timeZone).format(at);
    if (dates.size >= 1024) dates.clear();
    dates.set(quarter, date);
  }
  return date;
}

export function toLocalDate(input: string, timeZone: string): LocalDateResult {
  const text = input.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return isValidCivilDate(text) ? { ok: true, date: text } : { ok: false, reason: 'impossible_date' };
  }
  const match = TIMESTAMP.exec(text);
  if (!match) return { ok: false, reason: 'format' };
  const [, date = '', hours, minutes, seconds, offset] = match;
  if (!isValidCivilDate(date) || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59) {
    return { ok: false, reason: 'impossible_date' };
  }
  if (!offset) return { ok: true, date };
  const zone = offset === 'Z' ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(-2)}`;
  const instant = new Date(`${date}T${hours}:${minutes}:${seconds ?? '00'}${zone}`);
  if (Number.isNaN(instant.getTime())) return { ok: false, reason: 'impossible_date' };
  return { ok: true, date: instantToLocalDate(instant, timeZone) };
}

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** Heure murale complète (à la seconde) de `at` dans `timeZone`, lue comme si c'était de l'UTC, en ms. */
function wallClockMs(at: number, timeZone: string): number {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** Décalage du fuseau à l'instant `at` (ms, positif à l'est de Greenwich). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const whole = Math.floor(at / 1000) * 1000;
  return wallClockMs(whole, timeZone) - whole;
}

/** L'heure murale `AAAA-MM-JJTHH:MM` de l'instant `at` dans `timeZone` (à la minute). */
export function instantToLocalDateTime(at: Date, timeZone: string): string {
  return new Date(wallClockMs(Math.floor(at.getTime() / 60_000) * 60_000, timeZone)).toISOString().slice(0, 16);
}

/**
 * L'instant (UTC) d'une heure murale `AAAA-MM-JJTHH:MM` du fuseau. Deux passes sur le décalage : celui
 * de l'heure murale prise pour UTC, puis celui de l'instant obtenu (différent seulement près d'un
 * changement d'heure) ; une heure qui n'existe pas (2 h 30 le jour du passage à l'heure d'été) est
 * reportée d'autant, comme le font les agendas.
 */
export function localDateTimeInstant(localDateTime: string, timeZone: string): Date {
  const wall = Date.parse(`${localDateTime}:00Z`);
  if (Number.isNaN(wall)) throw new RangeError(`Heure locale invalide : « ${localDateTime} ».`);
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

/**
 * L'instant (UTC) où commence la journée locale `date` dans `timeZone` : minuit local, ou, si minuit
 * n'existe pas ce jour-là (passage à l'heure d'été à minuit, comme au Chili), le premier instant du
 * jour. Sert à lire des horodatages UTC (réponses d'enquête) par jour ou par mois local : une réponse
 * donnée le 1er mars à 00:30 à Paris l'est le 28 février à 23:30 UTC, et compte en mars.
 */
export function localMidnightInstant(date: string, timeZone: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isValidCivilDate(date)) throw new RangeError(`Date civile invalide : « ${date} ».`);
  const wall = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  // Deux passes : le décalage lu à l'heure murale prise pour UTC, puis celui de l'instant obtenu
  // (différent seulement à quelques heures d'un changement d'heure).
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  if (wallClockMs(instant, timeZone) === wall) return new Date(instant);
  // Minuit tombe dans le trou d'un changement d'heure : on cherche par dichotomie le premier instant
  // dont la date locale est `date` (les décalages réels restent entre −12 h et +14 h).
  let low = wall - 15 * 3_600_000;
  let high = wall + 13 * 3_600_000;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (instantToLocalDate(new Date(middle), timeZone) >= date) high = middle;
    else low = middle;
  }
  return new Date(high);
}
