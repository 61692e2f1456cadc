import { parse } from 'csv-parse/sync';

/**
 * Vacances scolaires, sans base ni HTTP : zones, années scolaires, couverture d'une année, périodes
 * qu'une plage de dates touche, lecture du format d'import de Vigie (docs/formats/vacances-scolaires.md).
 *
 * Convention des données (celle du ministère) : `startDate` = premier jour de la période telle que
 * publiée (le samedi où les cours s'arrêtent), `endDate` = jour de reprise des cours. Une période couvre
 * donc les jours de `startDate` à la veille de `endDate`.
 */

export const SCHOOL_ZONES = ['A', 'B', 'C', 'Corse', 'Guadeloupe', 'Martinique', 'Guyane', 'La Réunion', 'Mayotte'] as const;
export type SchoolZone = (typeof SCHOOL_ZONES)[number];

/** Zones de métropole continentale : leurs cinq vacances portent les mêmes noms. */
export const METROPOLITAN_ZONES: readonly SchoolZone[] = ['A', 'B', 'C'];
export const METROPOLITAN_BREAKS = ['Toussaint', 'Noël', 'Hiver', 'Printemps', 'Été'] as const;

/** Ailleurs (Corse, outre-mer), les noms varient (Carnaval, Pâques, Été austral…) : au moins 4 périodes dont un été. */
export const OTHER_ZONES_MIN_PERIODS = 4;

export interface SchoolHolidayPeriod {
  schoolYear: string;
  zone: string;
  name: string;
  /** Premier jour de vacances (AAAA-MM-JJ). */
  startDate: string;
  /** Jour de reprise des cours (AAAA-MM-JJ). */
  endDate: string;
}

export type CoverageStatus = 'complete' | 'partial' | 'missing';

export interface Coverage<T extends SchoolHolidayPeriod = SchoolHolidayPeriod> {
  status: CoverageStatus;
  /** Les périodes de la zone pour l'année scolaire, dans l'ordre des dates. */
  periods: T[];
  /** Ce qui manque pour une année complète (noms des vacances de métropole, « Été »…), vide si rien. */
  missing: string[];
}

export function isSchoolZone(value: string): value is SchoolZone {
  return (SCHOOL_ZONES as readonly string[]).includes(value);
}

export function isMetropolitanZone(zone: string): boolean {
  return (METROPOLITAN_ZONES as readonly string[]).includes(zone);
}

function plain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’']/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Zone saisie (« a », « Zone B », « la reunion ») → son nom officiel ; `undefined` si inconnue. */
export function normaliseSchoolZone(input: string): SchoolZone | undefined {
  const key = plain(input).replace(/^zone /, '');
  return SCHOOL_ZONES.find((zone) => plain(zone) === key);
}

/** « Vacances de Noël », « noel » → « noel » : pour reconnaître une vacance quel que soit l'intitulé exact. */
function breakKey(name: string): string {
  return plain(name).replace(/^vacances (de la |de l'|de |d'|du |des )?/, '');
}

function isSummer(name: string): boolean {
  const key = breakKey(name);
  return key === 'ete' || key.startsWith('ete ');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Date civile réelle « AAAA-MM-JJ » (refuse 2026-02-30). */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/** L'année scolaire court de septembre à août : 2026-10-20 → « 2026-2027 », 2027-07-03 → « 2026-2027 ». */
export function schoolYearOf(date: string): string {
  if (!isIsoDate(date)) throw new RangeError(`Date invalide : ${date}`);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const first = month >= 9 ? year : year - 1;
  return `${first}-${first + 1}`;
}

/** « 2027-2028 » (deux années qui se suivent). */
export function isSchoolYear(text: string): boolean {
  const match = /^(\d{4})-(\d{4})$/.exec(text);
  return match !== null && Number(match[2]) === Number(match[1]) + 1;
}

/** Les années scolaires de `from` à `to` incluses : « 2024-2025 », « 2025-2026 »… */
export function schoolYearsBetween(from: string, to: string): string[] {
  if (!isSchoolYear(from) || !isSchoolYear(to)) throw new RangeError(`Année scolaire invalide : ${from} → ${to}`);
  const years: string[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) years.push(`${year}-${year + 1}`);
  return years;
}

/** L'année scolaire `offset` ans après (ou avant) `schoolYear`. */
export function shiftSchoolYear(schoolYear: string, offset: number): string {
  if (!isSchoolYear(schoolYear)) throw new RangeError(`Année scolaire invalide : ${schoolYear}`);
  const first = Number(schoolYear.slice(0, 4)) + offset;
  return `${first}-${first + 1}`;
}

function byStart<T extends SchoolHolidayPeriod>(a: T, b: T): number {
  return a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : a.name.localeCompare(b.name, 'fr');
}

/**
 * Ce que Vigie sait d'une année scolaire pour une zone. Métropole (A, B, C) : complète avec Toussaint,
 * Noël, Hiver, Printemps et Été ; ailleurs : complète avec au moins 4 périodes dont un été (« Été »,
 * « Été austral »). Partielle s'il y a quelque chose, manquante sinon : rien n'est jamais deviné.
 */
export function coverage<T extends SchoolHolidayPeriod>(periods: readonly T[], zone: string, schoolYear: string): Coverage<T> {
  const ofYear = periods.filter((p) => p.zone === zone && p.schoolYear === schoolYear).sort(byStart);
  let missing: string[];
  if (isMetropolitanZone(zone)) {
    const present = new Set(ofYear.map((p) => breakKey(p.name)));
    missing = METROPOLITAN_BREAKS.filter((name) => !present.has(breakKey(name)));
  } else {
    missing = ofYear.some((p) => isSummer(p.name)) ? [] : ['Été'];
  }
  const complete = missing.length === 0 && (isMetropolitanZone(zone) || ofYear.length >= OTHER_ZONES_MIN_PERIODS);
  const status: CoverageStatus = ofYear.length === 0 ? 'missing' : complete ? 'complete' : 'partial';
  return { status, periods: ofYear, missing: ofYear.length === 0 ? [] : missing };
}

/** Deux périodes partagent au moins un jour de vacances (la date de reprise n'en est pas un). */
export function periodsOverlap(
  a: Pick<SchoolHolidayPeriod, 'startDate' | 'endDate'>,
  b: Pick<SchoolHolidayPeriod, 'startDate' | 'endDate'>,
) {
  return a.startDate < b.endDate && b.startDate < a.endDate;
}

/**
 * Les périodes qu'une plage de dates [from, to] (bornes incluses) touche : une période couvre les
 * jours de `startDate` à la veille de `endDate` (jour de reprise des cours).
 */
export function overlaps<T extends Pick<SchoolHolidayPeriod, 'startDate' | 'endDate'>>(
  periods: readonly T[],
  from: string,
  to: string,
): T[] {
  return periods.filter((p) => p.startDate <= to && p.endDate > from);
}

// ——— Format d'import : annee_scolaire;zone;nom;debut;fin ———

export const IMPORT_COLUMNS = ['annee_scolaire', 'zone', 'nom', 'debut', 'fin'] as const;
/** Au-delà, le fichier n'est pas un calendrier scolaire (quelques dizaines de lignes par an et par zone). */
export const IMPORT_MAX_ROWS = 2000;

export interface ImportRow extends SchoolHolidayPeriod {
  /** Numéro de ligne dans le texte (l'en-tête est la ligne 1). */
  line: number;
}

export interface ImportError {
  line: number;
  message: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  errors: ImportError[];
}

/** « 19/10/2024 » (ce qu'écrit un tableur français) ou « 2024-10-19 » → « 2024-10-19 » ; `undefined` sinon. */
function readDate(text: string): string | undefined {
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = french ? `${french[3]}-${french[2]?.padStart(2, '0')}-${french[1]?.padStart(2, '0')}` : text;
  return isIsoDate(iso) ? iso : undefined;
}

/** Pour les messages : « « Noël » (2025-12-20 → 2026-01-05) ». */
export function describePeriod(period: SchoolHolidayPeriod): string {
  return `« ${period.name} » (${period.startDate} → ${period.endDate})`;
}

/**
 * Lit le format d'import de Vigie : en-tête obligatoire `annee_scolaire;zone;nom;debut;fin` (séparateur
 * `;`, ou `,`), UTF-8. Chaque problème est rapporté avec son numéro de ligne ; `rows` ne contient que les
 * lignes valides, mais un import n'écrit rien tant qu'il reste une erreur.
 */
export function parseSchoolHolidayCsv(text: string): ParsedImport {
  const content = text.replace(/^\uFEFF/, '');
  const firstLine = content.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (firstLine === '') {
    return {
      rows: [],
      errors: [{ line: 1, message: `Texte vide : collez l’en-tête « ${IMPORT_COLUMNS.join(';')} » puis une ligne par période.` }],
    };
  }
  const delimiter = firstLine.includes(';') ? ';' : ',';
  let records: { info: { lines: number }; record: string[] }[];
  try {
    records = parse(content, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as {
      info: { lines: number };
      record: string[];
    }[];
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as { lines: number }).lines : 1;
    return {
      rows: [],
      errors: [{ line, message: 'Texte illisible : guillemet non refermé ou ligne mal formée (vérifiez les guillemets « " »).' }],
    };
  }

  const [header, ...data] = records;
  if (!header) return { rows: [], errors: [{ line: 1, message: 'En-tête manquant.' }] };
  const headerLine = header.info.lines;
  const names = header.record.map((h) => plain(h).replace(/[ -]/g, '_'));
  const errors: ImportError[] = [];
  const position = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === '') return;
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      errors.push({
        line: headerLine,
        message: `Colonne inconnue « ${header.record[index]} » : colonnes attendues ${IMPORT_COLUMNS.join(delimiter)}.`,
      });
    } else if (position.has(name)) {
      errors.push({ line: headerLine, message: `Colonne « ${name} » en double dans l’en-tête.` });
    } else {
      position.set(name, index);
    }
  });
  for (const column of IMPORT_COLUMNS) {
    if (!position.has(column)) {
      errors.push({
        line: headerLine,
        message: `Colonne « ${column} » absente de l’en-tête (attendu : ${IMPORT_COLUMNS.join(delimiter)}, séparées par « ; » ou « , »).`,
      });
    }
  }
  if (errors.length > 0) return { rows: [], errors };
  if (data.length > IMPORT_MAX_ROWS) {
    return {
      rows: [],
      errors: [{ line: headerLine, message: `Trop de lignes (${data.length}) : ${IMPORT_MAX_ROWS} au plus par import.` }],
    };
  }

  const rows: ImportRow[] = [];
  for (const { info, record } of data) {
    const line = info.lines;
    const cell = (column: (typeof IMPORT_COLUMNS)[number]) => record[position.get(column) ?? -1];
    if (record.every((v) => v === '')) continue;
    const absent = IMPORT_COLUMNS.filter((c) => cell(c) === undefined || cell(c) === '');
    const lineErrors: string[] = [];
    if (absent.length > 0) {
      lineErrors.push(
        `${absent.length > 1 ? 'Colonnes vides ou absentes' : 'Colonne vide ou absente'} : ${absent.join(', ')}${record.length < IMPORT_COLUMNS.length ? ` (${record.length} valeur${record.length > 1 ? 's' : ''} au lieu de ${IMPORT_COLUMNS.length} : vérifiez le séparateur)` : ''}.`,
      );
    }
    const rawZone = cell('zone') ?? '';
    const zone = rawZone === '' ? undefined : normaliseSchoolZone(rawZone);
    if (rawZone !== '' && !zone) lineErrors.push(`Zone inconnue « ${rawZone} » : ${SCHOOL_ZONES.join(', ')}.`);
    const name = cell('nom') ?? '';
    if (name.length > 80) lineErrors.push('Nom de la période : 80 caractères au plus.');
    const rawStart = cell('debut') ?? '';
    const rawEnd = cell('fin') ?? '';
    const startDate = rawStart === '' ? undefined : readDate(rawStart);
    const endDate = rawEnd === '' ? undefined : readDate(rawEnd);
    if (rawStart !== '' && !startDate)
      lineErrors.push(`Date de début « ${rawStart} » impossible ou mal formée (AAAA-MM-JJ ou JJ/MM/AAAA).`);
    if (rawEnd !== '' && !endDate)
      lineErrors.push(`Date de fin « ${rawEnd} » impossible ou mal formée (AAAA-MM-JJ ou JJ/MM/AAAA).`);
    if (startDate && endDate && endDate <= startDate) {
      lineErrors.push(
        `La fin (${endDate}, jour de reprise des cours) doit être postérieure au début (${startDate}, premier jour de vacances).`,
      );
    }
    const rawYear = (cell('annee_scolaire') ?? '').replace(/\s*[/–—]\s*/, '-');
    if (rawYear !== '' && !isSchoolYear(rawYear)) {
      lineErrors.push(
        `Année scolaire « ${cell('annee_scolaire')} » mal formée : deux années qui se suivent, par exemple 2027-2028.`,
      );
    } else if (rawYear !== '' && startDate && schoolYearOf(startDate) !== rawYear) {
      lineErrors.push(
        `Année scolaire « ${rawYear} » incohérente avec les dates : une période qui commence le ${startDate} appartient à ${schoolYearOf(startDate)}.`,
      );
    }
    if (lineErrors.length > 0 || !zone || !startDate || !endDate) {
      for (const message of lineErrors) errors.push({ line, message });
      continue;
    }
    const row: ImportRow = { line, schoolYear: rawYear, zone, name, startDate, endDate };
    const duplicate = rows.find(
      (r) =>
        r.zone === row.zone &&
        r.startDate === row.startDate &&
        r.endDate === row.endDate &&
        breakKey(r.name) === breakKey(row.name),
    );
    if (duplicate) {
      errors.push({ line, message: `Doublon de la ligne ${duplicate.line}.` });
      continue;
    }
    const overlapping = rows.find((r) => r.zone === row.zone && periodsOverlap(r, row));
    if (overlapping) {
      errors.push({
        line,
        message: `Chevauche la période ${describePeriod(overlapping)} de la ligne ${overlapping.line} (zone ${zone}).`,
      });
      continue;
    }
    rows.push(row);
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: headerLine, message: 'Aucune période après l’en-tête.' });
  return { rows, errors };
}
