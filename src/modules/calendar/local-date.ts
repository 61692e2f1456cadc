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

/** Date civile, dans `timeZone`, de l'instant `at`. */
export function instantToLocalDate(at: Date, timeZone: string): string {
  return formatterFor(timeZone).format(at);
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
