import Holidays from 'date-holidays';
import { MAX_YEAR, MIN_YEAR } from './civil-date.ts';

/**
 * Jours fériés par calendrier (Code du travail L3133-1, L3134-13, L3422-2), calculés par la
 * bibliothèque `date-holidays` puis corrigés selon les règles de Vigie : seuls les jours fériés
 * légaux (« public ») comptent, et les jours contestés (Vendredi saint et 21 juillet aux Antilles)
 * ne sont pas fériés par défaut — une préfecture les ajoute comme jours de fermeture.
 */
export const HOLIDAY_CALENDARS = [
  'metropole',
  'alsace-moselle',
  'guadeloupe',
  'martinique',
  'guyane',
  'reunion',
  'mayotte',
] as const;
export type HolidayCalendar = (typeof HOLIDAY_CALENDARS)[number];

export const CALENDAR_LABELS: Record<HolidayCalendar, string> = {
  metropole: 'Métropole',
  'alsace-moselle': 'Alsace-Moselle',
  guadeloupe: 'Guadeloupe',
  martinique: 'Martinique',
  guyane: 'Guyane',
  reunion: 'La Réunion',
  mayotte: 'Mayotte',
};

export function isHolidayCalendar(value: string): value is HolidayCalendar {
  return (HOLIDAY_CALENDARS as readonly string[]).includes(value);
}

export interface Holiday {
  date: string;
  name: string;
}

/** Région `date-holidays` de chaque calendrier (un code inconnu retomberait sur la métropole). */
const LIBRARY_STATE: Record<HolidayCalendar, string | undefined> = {
  metropole: undefined,
  'alsace-moselle': '67',
  guadeloupe: 'GP',
  martinique: 'MQ',
  guyane: 'GF',
  reunion: 'RE',
  mayotte: 'YT',
};

/** Jours que la bibliothèque déclare fériés mais que les règles de Vigie excluent (jours contestés). */
const EXCLUDED: Partial<Record<HolidayCalendar, (holiday: { name: string; date: string }) => boolean>> = {
  guadeloupe: (h) => h.name === 'Vendredi saint',
  martinique: (h) => h.name === 'Vendredi saint',
};

/** Noms du référentiel (holidays.json) quand la bibliothèque en emploie un autre. */
const NAMES: Record<string, string> = {
  'Nouvel An': "Jour de l'an",
  'Fête de la Victoire 1945': 'Victoire 1945',
  'Fête Nationale de la France': 'Fête nationale',
  'Lendemain de Noël': 'Saint Étienne (26 décembre)',
  'Abolition de l’esclavage': "Abolition de l'esclavage",
};

const libraries = new Map<HolidayCalendar, Holidays>();
const cache = new Map<string, Holiday[]>();

function library(calendar: HolidayCalendar): Holidays {
  let instance = libraries.get(calendar);
  if (!instance) {
    const state = LIBRARY_STATE[calendar];
    instance = state ? new Holidays('FR', state, { languages: ['fr'] }) : new Holidays('FR', { languages: ['fr'] });
    libraries.set(calendar, instance);
  }
  return instance;
}

export function holidaysOf(calendar: HolidayCalendar, year: number): Holiday[] {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`Année hors de ${MIN_YEAR}–${MAX_YEAR} : ${year}`);
  }
  const key = `${calendar}:${year}`;
  let list = cache.get(key);
  if (!list) {
    const excluded = EXCLUDED[calendar];
    list = library(calendar)
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => ({ date: h.date.slice(0, 10), name: NAMES[h.name] ?? h.name }))
      .filter((h) => !excluded?.(h))
      .sort((a, b) => a.date.localeCompare(b.date));
    // Deux fêtes le même jour (1er mai et Ascension en 2008) : un seul jour férié, deux noms.
    list = list.reduce<Holiday[]>((merged, holiday) => {
      const last = merged.at(-1);
      if (last?.date === holiday.date) last.name = `${last.name} / ${holiday.name}`;
      else merged.push({ ...holiday });
      return merged;
    }, []);
    cache.set(key, list);
  }
  return list;
}
