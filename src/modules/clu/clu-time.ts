import { isValidCivilDate } from '../calendar/civil-date.ts';
import { localDateTimeInstant } from '../calendar/local-date.ts';

/**
 * Heures des réunions du CLU : saisies et gardées en heure locale du département
 * (`AAAA-MM-JJTHH:MM`, comme l'écrit un référent), converties en UTC seulement pour l'invitation
 * d'agenda (.ics), que chaque messagerie réaffiche dans le fuseau de son lecteur. Pur.
 */
export const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/;

export function isLocalDateTime(value: string): boolean {
  const match = LOCAL_DATE_TIME.exec(value);
  return Boolean(match && isValidCivilDate(match[1] ?? '') && Number(match[2]) <= 23 && Number(match[3]) <= 59);
}

/** Instant UTC d'une heure locale du département, contrôlée (voir `localDateTimeInstant`). */
export function localDateTimeToUtc(localDateTime: string, timeZone: string): Date {
  if (!isLocalDateTime(localDateTime)) throw new RangeError(`Heure locale invalide : « ${localDateTime} ».`);
  return localDateTimeInstant(localDateTime, timeZone);
}

/** Période couverte par défaut : l'année civile qui précède la réunion (le bilan de l'année écoulée). */
export function defaultPeriod(localDate: string): { from: string; to: string } {
  const year = Number(localDate.slice(0, 4)) - 1;
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

/** « 14 h 30 » : l'heure à la française des invitations et des pages. */
export function formatTime(localDateTime: string): string {
  const hours = Number(localDateTime.slice(11, 13));
  const minutes = localDateTime.slice(14, 16);
  return `${hours}\u00a0h\u00a0${minutes}`;
}
