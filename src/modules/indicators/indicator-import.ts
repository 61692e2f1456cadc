import { parse } from 'csv-parse/sync';
import { daysInMonth } from '../calendar/civil-date.ts';
import type { ImportSource, IndicatorUnit } from './indicator-catalogue.ts';
import { ratioValue, round2 } from './indicator-cell.ts';

/**
 * Imports des sources de chiffres (téléphonie, statistiques du site, réseaux sociaux, ANTS/CERT) et des
 * indicateurs locaux : formats documentés dans docs/formats/indicateurs-<source>.md, lecture du tableau,
 * correspondance des colonnes, contrôle ligne par ligne et calcul des valeurs mensuelles à enregistrer.
 * Domaine pur : ni base, ni fichier ; le service y ajoute le catalogue de l'organisation, la population
 * et l'écriture.
 */

export interface LineError {
  line: number;
  message: string;
}

// --- Formats ------------------------------------------------------------------------------------

export interface ColumnSpec {
  /** Nom de la colonne dans le format documenté. */
  key: string;
  required: boolean;
  description: string;
  /** Autres intitulés reconnus d'office (comparés après normalisation : minuscules, sans accents). */
  aliases: readonly string[];
}

/** Un indicateur alimenté par une source, avec ce qu'il faut pour calculer sa valeur. */
export interface ProducedIndicator {
  key: string;
  unit: IndicatorUnit;
  module: number;
}

export interface SourceFormat {
  source: ImportSource;
  label: string;
  /** Ce que contient une ligne, pour l'aide de la page d'import. */
  line: string;
  columns: readonly ColumnSpec[];
  /** Indicateurs fixes que la source alimente ; vide pour `local`, dont chaque ligne nomme son indicateur. */
  indicators: readonly ProducedIndicator[];
}

const NOTE_COLUMN: ColumnSpec = {
  key: 'note',
  required: false,
  description: 'Réserve sur la donnée, reprise dans le tableau (exemple : « problème Memobox »), 300 caractères au plus.',
  aliases: ['remarque', 'commentaire', 'observation'],
};

export const IMPORT_FORMATS: Record<ImportSource, SourceFormat> = {
  telephony: {
    source: 'telephony',
    label: 'Téléphonie',
    line: 'une ligne par jour ou par mois (et par service si le fichier en distingue plusieurs)',
    columns: [
      {
        key: 'date',
        required: true,
        description: 'Jour (AAAA-MM-JJ ou JJ/MM/AAAA) ou mois (AAAA-MM ou MM/AAAA).',
        aliases: ['jour', 'mois', 'periode'],
      },
      {
        key: 'appels_recus',
        required: true,
        description: 'Appels reçus (nombre entier).',
        aliases: ['recus', 'appels_entrants', 'appels_presentes', 'nombre_appels_recus'],
      },
      {
        key: 'appels_aboutis',
        required: true,
        description: 'Appels aboutis (nombre entier, au plus les appels reçus).',
        aliases: ['aboutis', 'appels_decroches', 'appels_traites', 'nombre_appels_aboutis'],
      },
      {
        key: 'service',
        required: false,
        description: 'Service ou file d’attente : plusieurs lignes du même jour sont additionnées si leur service diffère.',
        aliases: ['file', 'file_attente', 'groupe', 'ligne'],
      },
      NOTE_COLUMN,
    ],
    indicators: [{ key: 'TEL_ABOUTIS', unit: 'percent', module: 1 }],
  },
  web_analytics: {
    source: 'web_analytics',
    label: 'Statistiques du site internet',
    line: 'une ligne par mois',
    columns: [
      { key: 'mois', required: true, description: 'Mois (AAAA-MM ou MM/AAAA).', aliases: ['date', 'periode'] },
      {
        key: 'visites',
        required: true,
        description: 'Visites du site internet des services de l’État dans le mois (nombre entier).',
        aliases: ['visits', 'sessions', 'nombre_de_visites', 'nb_visites'],
      },
      NOTE_COLUMN,
    ],
    indicators: [{ key: 'WEB_CONNEXION', unit: 'percent', module: 1 }],
  },
  social: {
    source: 'social',
    label: 'Réseaux sociaux',
    line: 'une ligne par mois et par réseau',
    columns: [
      { key: 'mois', required: true, description: 'Mois (AAAA-MM ou MM/AAAA).', aliases: ['date', 'periode'] },
      {
        key: 'reseau',
        required: true,
        description: 'Réseau social (Facebook, X/Twitter, Instagram, LinkedIn…), en texte libre.',
        aliases: ['reseau_social', 'network', 'plateforme', 'compte'],
      },
      {
        key: 'engagements',
        required: true,
        description: 'Engagements du mois (nombre entier, au plus les impressions).',
        aliases: ['engagement', 'interactions'],
      },
      { key: 'impressions', required: true, description: 'Impressions du mois (nombre entier).', aliases: ['impression'] },
      { key: 'vues', required: true, description: 'Vues du mois (nombre entier).', aliases: ['views', 'vues_du_mois'] },
      {
        key: 'connexions',
        required: false,
        description: 'Connexions du mois (nombre entier) ; vide : pas de valeur pour ce réseau.',
        aliases: ['connexion', 'connections'],
      },
      NOTE_COLUMN,
    ],
    indicators: [
      { key: 'RS_ENGAGEMENT', unit: 'percent', module: 1 },
      { key: 'RS_VUES_JOUR', unit: 'count', module: 1 },
      { key: 'RS_CONNEXIONS_MOIS', unit: 'count', module: 1 },
    ],
  },
  ants: {
    source: 'ants',
    label: 'ANTS et CERT (titres)',
    line: 'une ligne par mois et par titre',
    columns: [
      { key: 'mois', required: true, description: 'Mois (AAAA-MM ou MM/AAAA).', aliases: ['date', 'periode'] },
      {
        key: 'titre',
        required: true,
        description: 'CIV (immatriculation), PC (permis de conduire) ou CNI_PASSEPORT.',
        aliases: ['type_de_titre', 'type_titre', 'titres'],
      },
      {
        key: 'dossiers_traites',
        required: true,
        description: 'Dossiers traités dans le mois (nombre entier).',
        aliases: ['traites', 'nombre_de_dossiers', 'dossiers'],
      },
      {
        key: 'dossiers_frauduleux',
        required: false,
        description: 'Dossiers frauduleux détectés (CIV, PC ; au plus les dossiers traités).',
        aliases: ['frauduleux', 'fraudes', 'dossiers_fraude'],
      },
      {
        key: 'delai_moyen_cert_jours',
        required: false,
        description: 'CIV : délai moyen de traitement des télé-procédures imputable au CERT, en jours.',
        aliases: ['delai_moyen_cert', 'delai_cert'],
      },
      {
        key: 'delai_median_jours',
        required: false,
        description: 'PC : délai médian de traitement, en jours.',
        aliases: ['delai_median'],
      },
      {
        key: 'delai_moyen_delivrance_jours',
        required: false,
        description: 'Délai moyen de délivrance du titre, en jours (affiche « Transparence publique »).',
        aliases: ['delai_moyen_delivrance', 'delai_delivrance'],
      },
      NOTE_COLUMN,
    ],
    indicators: [
      { key: 'CIV_TELEPROC_DELAI', unit: 'days', module: 2 },
      { key: 'CIV_FRAUDE', unit: 'per_mille', module: 2 },
      { key: 'PC_DELAI_MEDIAN', unit: 'days', module: 2 },
      { key: 'PC_FRAUDE', unit: 'per_mille', module: 2 },
      { key: 'TP_CNI_PASS', unit: 'days', module: 2 },
      { key: 'TP_CIV', unit: 'days', module: 2 },
      { key: 'TP_PC', unit: 'days', module: 2 },
    ],
  },
  local: {
    source: 'local',
    label: 'Indicateurs locaux',
    line: 'une ligne par mois et par indicateur local : valeur, ou numérateur et dénominateur, ou « sans objet »',
    columns: [
      { key: 'mois', required: true, description: 'Mois (AAAA-MM ou MM/AAAA).', aliases: ['date', 'periode'] },
      {
        key: 'indicateur',
        required: true,
        description: 'Clé de l’indicateur local (LOC_…) ou son libellé tel qu’au catalogue de l’organisation.',
        aliases: ['cle', 'code', 'libelle', 'indicateur_local', 'cle_indicateur'],
      },
      {
        key: 'valeur',
        required: false,
        description: 'Valeur du mois dans l’unité de l’indicateur ; vide si numerateur et denominateur sont donnés.',
        aliases: ['value', 'resultat', 'valeur_du_mois'],
      },
      {
        key: 'numerateur',
        required: false,
        description: 'Numérateur : avec le dénominateur, la valeur est calculée (× 100 pour un pourcentage, × 1 000 pour mille).',
        aliases: ['numerator', 'num'],
      },
      {
        key: 'denominateur',
        required: false,
        description: 'Dénominateur (non nul), avec le numérateur.',
        aliases: ['denominator', 'denom'],
      },
      {
        key: 'statut',
        required: false,
        description: 'Vide ou « mesuré » ; « sans objet » quand il n’y a rien à mesurer (la note en donne alors la raison).',
        aliases: ['status', 'etat'],
      },
      NOTE_COLUMN,
    ],
    indicators: [],
  },
};

export function isImportSource(value: unknown): value is ImportSource {
  return typeof value === 'string' && Object.hasOwn(IMPORT_FORMATS, value);
}

// --- Lecture du tableau ----------------------------------------------------------------------------

export interface RawTable {
  headers: string[];
  /** Lignes de données non vides, avec leur numéro de ligne dans le fichier (l'en-tête est la ligne 1). */
  rows: { line: number; cells: string[] }[];
}

/** Retire le BOM d'un texte UTF-8. */
export function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * Lit un CSV : séparateur `;` ou `,` (celui qui domine la ligne d'en-tête), guillemets doubles, lignes
 * vides ignorées. Le numéro de chaque ligne est celui du fichier, pour des erreurs qu'on retrouve.
 */
export function parseTable(input: string): { table: RawTable } | { error: LineError } {
  const text = stripBom(input);
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { error: { line, message: `fichier CSV illisible (${(error as Error).message})` } };
  }
  const nonEmpty = records.filter((r) => r.record.some((v) => v.trim() !== ''));
  const [header, ...data] = nonEmpty;
  if (!header) return { table: { headers: [], rows: [] } };
  // Une cellule sur plusieurs lignes : l'erreur doit désigner la première ligne de l'enregistrement.
  const startLine = (r: { record: string[]; info: { lines: number } }) =>
    r.info.lines - r.record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
  return {
    table: {
      headers: header.record.map((h) => h.trim()),
      rows: data.map((r) => ({ line: startLine(r), cells: r.record })),
    },
  };
}

// --- Correspondance des colonnes -------------------------------------------------------------------

/** Colonne attendue → intitulé de la colonne du fichier (`''` : absente du fichier). */
export type ColumnMapping = Record<string, string>;

/** « Appels reçus » → `appels_recus` : minuscules, sans accents, séparateurs en `_`. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * Correspondance proposée : celle retenue pour l'organisation et la source quand la colonne existe
 * toujours dans le fichier, sinon le même intitulé (exact, puis normalisé, puis un synonyme connu).
 */
export function suggestMapping(
  source: ImportSource,
  headers: readonly string[],
  remembered?: ColumnMapping | null,
): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  const free = (h: string | undefined) => (h !== undefined && h !== '' && !taken.has(h) ? h : undefined);
  for (const column of IMPORT_FORMATS[source].columns) {
    const previous = remembered?.[column.key];
    const chosen =
      free(previous !== undefined && headers.includes(previous) ? previous : undefined) ??
      free(headers.find((h) => h === column.key)) ??
      free(headers.find((h) => normaliseHeader(h) === column.key)) ??
      free(headers.find((h) => column.aliases.includes(normaliseHeader(h))));
    mapping[column.key] = chosen ?? '';
    if (chosen) taken.add(chosen);
  }
  return mapping;
}

/**
 * Problèmes d'une correspondance, par colonne attendue : obligatoire non associée, colonne du fichier
 * inconnue ou associée deux fois. Vide : la correspondance est utilisable.
 */
export function mappingProblems(
  source: ImportSource,
  headers: readonly string[],
  mapping: ColumnMapping,
): Record<string, string> {
  const problems: Record<string, string> = {};
  const format = IMPORT_FORMATS[source];
  const usedBy = new Map<string, string>();
  for (const column of format.columns) {
    const header = mapping[column.key] ?? '';
    if (header === '') {
      if (column.required)
        problems[column.key] = `${column.key} : colonne obligatoire, choisissez la colonne du fichier qui la contient.`;
      continue;
    }
    if (!headers.includes(header)) {
      problems[column.key] = `${column.key} : la colonne « ${header} » n’existe pas dans le fichier.`;
      continue;
    }
    const other = usedBy.get(header);
    if (other) problems[column.key] = `${column.key} : la colonne « ${header} » est déjà associée à ${other}.`;
    else usedBy.set(header, column.key);
  }
  if (source === 'local') Object.assign(problems, localMappingProblems(mapping, problems));
  return problems;
}

/**
 * Indicateurs locaux : aucune colonne de valeur n'est obligatoire seule, mais il en faut une — `valeur`,
 * la paire `numerateur` + `denominateur`, ou au moins `statut` (un fichier tout « sans objet »).
 */
function localMappingProblems(mapping: ColumnMapping, problems: Record<string, string>): Record<string, string> {
  const mapped = (key: string) => (mapping[key] ?? '') !== '';
  const found: Record<string, string> = {};
  if (mapped('numerateur') !== mapped('denominateur')) {
    const missing = mapped('numerateur') ? 'denominateur' : 'numerateur';
    const present = missing === 'numerateur' ? 'denominateur' : 'numerateur';
    if (!problems[missing])
      found[missing] =
        `${missing} : ${present} est associée, les deux colonnes vont ensemble ; choisissez aussi la colonne ${missing}.`;
  }
  if (!['valeur', 'numerateur', 'denominateur', 'statut'].some(mapped) && !problems.valeur) {
    found.valeur = 'valeur : choisissez la colonne des valeurs (ou les colonnes numerateur et denominateur).';
  }
  return found;
}

/** Les colonnes obligatoires absentes (après correspondance) : le fichier n'est pas au format de la source. */
export function missingColumnsError(source: ImportSource, problems: Record<string, string>): LineError {
  const format = IMPORT_FORMATS[source];
  const missing = format.columns.filter((c) => c.required && problems[c.key]).map((c) => c.key);
  const other = Object.entries(problems)
    .filter(([key]) => !missing.includes(key))
    .map(([, message]) => message);
  const parts = [
    missing.length > 0
      ? `colonnes obligatoires manquantes : ${missing.join(', ')} — ce fichier n’est pas au format « ${format.label} » (attendu : ${format.columns
          .filter((c) => c.required)
          .map((c) => c.key)
          .join(', ')})`
      : '',
    ...other,
  ].filter(Boolean);
  return { line: 1, message: `En-tête : ${parts.join(' ; ')}` };
}

// --- Valeurs lues ---------------------------------------------------------------------------------

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Nombre écrit à la française (« 1 234 », « 4,2 ») ou par un tableur (« 4.2 »). */
export function parseNumber(raw: string): number | null {
  const text = raw.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

function count(raw: string, column: string): Parsed<number> {
  const text = raw.trim();
  if (text === '') return { ok: false, message: `${column} vide` };
  const n = parseNumber(text);
  if (n === null) return { ok: false, message: `${column} « ${text} » : un nombre est attendu` };
  if (n < 0) return { ok: false, message: `${column} négatif (${text})` };
  if (!Number.isInteger(n)) return { ok: false, message: `${column} « ${text} » : un nombre entier est attendu` };
  return { ok: true, value: n };
}

function decimal(raw: string, column: string): Parsed<number> {
  const text = raw.trim();
  const n = parseNumber(text);
  if (n === null) return { ok: false, message: `${column} « ${text} » : un nombre est attendu (exemple : 4,2)` };
  if (n < 0) return { ok: false, message: `${column} négatif (${text})` };
  return { ok: true, value: n };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Un jour (`AAAA-MM-JJ`, `JJ/MM/AAAA`) ou un mois (`AAAA-MM`, `MM/AAAA`). */
export function parsePeriod(raw: string): { month: string; day: string | null } | null {
  const text = raw.trim();
  const iso = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text);
  const french = /^(?:(\d{1,2})\/)?(\d{1,2})\/(\d{4})$/.exec(text);
  let year: number;
  let month: number;
  let day: number | null;
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), iso[3] === undefined ? null : Number(iso[3])];
  else if (french)
    [year, month, day] = [Number(french[3]), Number(french[2]), french[1] === undefined ? null : Number(french[1])];
  else return null;
  if (month < 1 || month > 12) return null;
  if (day !== null && (day < 1 || day > daysInMonth(year, month))) return null;
  const monthKey = `${year}-${pad(month)}`;
  return { month: monthKey, day: day === null ? null : `${monthKey}-${pad(day)}` };
}

/**
 * Le mois d'une colonne `mois` : `AAAA-MM`, `MM/AAAA`, ou le 1er du mois (une cellule Excel saisie
 * « janv. 2026 » est une date au 1er).
 */
function monthOf(raw: string, column: string): Parsed<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, message: `${column} vide` };
  const period = parsePeriod(text);
  if (!period || (period.day !== null && !period.day.endsWith('-01'))) {
    return { ok: false, message: `${column} « ${text} » : un mois est attendu (AAAA-MM, exemple : 2026-03)` };
  }
  return { ok: true, value: period.month };
}

const MARKUP = /<\s*[a-zA-Z/!]/;

function freeText(raw: string, column: string, max: number): Parsed<string> {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text.length > max) return { ok: false, message: `${column} de plus de ${max} caractères` };
  if (MARKUP.test(text)) return { ok: false, message: `${column} : le balisage HTML (« < ») n’est pas accepté` };
  return { ok: true, value: text };
}

// --- Plan d'import ----------------------------------------------------------------------------------

/** Une valeur mensuelle à enregistrer (une ligne de `indicator_values`). */
export interface PlannedValue {
  indicatorKey: string;
  month: string;
  /** Réseau social pour les indicateurs ventilés ; chaîne vide sinon. */
  breakdown: string;
  status: 'measured' | 'not_applicable';
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
}

export interface ImportContext {
  /** Année choisie pour l'import : tout mois d'une autre année est refusé. */
  year: number;
  /** Population du département (statistiques du site, IM106). */
  population: number | null;
  /** Indicateurs du catalogue de l'organisation : les autres sont ignorés (hors périmètre). */
  indicatorKeys: ReadonlySet<string>;
  /** Indicateurs locaux de l'organisation (source `import` ou `manual`), que nomment les lignes du format `local`. */
  localIndicators?: readonly LocalImportIndicator[];
}

export interface LocalImportIndicator {
  key: string;
  label: string;
  unit: IndicatorUnit;
}

export interface ImportPlan {
  source: ImportSource;
  year: number;
  /** Lignes de données lues. */
  lineCount: number;
  values: PlannedValue[];
  /** Indicateurs produits par le fichier mais hors du catalogue de l'organisation : non enregistrés. */
  ignored: { indicatorKey: string; module: number; values: number }[];
  /** Remarques qui n'empêchent pas l'import (colonne sans objet pour un titre…). */
  warnings: LineError[];
}

/** Une ligne lue par source, avant le regroupement par mois. */
interface Sums {
  numerator: number;
  denominator: number;
  notes: Set<string>;
}

/** « sans objet », « S.O. », `not_applicable` ; vide ou « mesuré » : une valeur mesurée. */
function localStatus(raw: string): Parsed<PlannedValue['status']> {
  const text = normaliseHeader(raw);
  if (['', 'mesure', 'mesuree', 'measured'].includes(text)) return { ok: true, value: 'measured' };
  if (['sans_objet', 'so', 's_o', 'not_applicable'].includes(text)) return { ok: true, value: 'not_applicable' };
  return { ok: false, message: `statut « ${raw} » inconnu (attendu : vide, « mesuré » ou « sans objet »)` };
}

/**
 * Un libellé comparé sans tenir compte des majuscules, des espaces en trop ni de la forme de l'apostrophe
 * (le catalogue écrit « ’ », un tableur souvent « ' »).
 */
function labelKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').replace(/[’‘ʼ]/g, "'").toLocaleLowerCase('fr');
}

function joinNotes(notes: Iterable<string>): string | null {
  return [...new Set(notes)].filter(Boolean).join(' ; ').slice(0, 300) || null;
}

/**
 * Contrôle les lignes une à une puis calcule les valeurs mensuelles. S'utilise ligne par ligne
 * (`add`) pour que le service rende compte de l'avancement d'un gros fichier, puis `finish`.
 */
export class ImportPlanner {
  readonly errors: LineError[] = [];
  readonly warnings: LineError[] = [];
  #lineCount = 0;
  readonly #source: ImportSource;
  readonly #context: ImportContext;
  readonly #index: Map<string, number>;
  /** Clé de doublon → première ligne qui l'a portée. */
  readonly #seen = new Map<string, number>();
  /** Téléphonie : mois → granularité (`day` / `month`) et ligne qui l'a fixée. */
  readonly #granularity = new Map<string, { kind: 'day' | 'month'; line: number }>();
  readonly #telephony = new Map<string, Sums>();
  readonly #values: PlannedValue[] = [];
  /** Indicateurs locaux par clé (majuscules) et par libellé (plusieurs si deux libellés se confondent). */
  readonly #localByKey = new Map<string, LocalImportIndicator>();
  readonly #localByLabel = new Map<string, LocalImportIndicator[]>();

  constructor(source: ImportSource, headers: readonly string[], mapping: ColumnMapping, context: ImportContext) {
    this.#source = source;
    this.#context = context;
    this.#index = new Map();
    for (const column of IMPORT_FORMATS[source].columns) {
      const header = mapping[column.key] ?? '';
      const position = header === '' ? -1 : headers.indexOf(header);
      if (position >= 0) this.#index.set(column.key, position);
    }
    for (const local of context.localIndicators ?? []) {
      this.#localByKey.set(local.key.toUpperCase(), local);
      const label = labelKey(local.label);
      this.#localByLabel.set(label, [...(this.#localByLabel.get(label) ?? []), local]);
    }
  }

  #has(column: string): boolean {
    return this.#index.has(column);
  }

  #cell(cells: readonly string[], column: string): string {
    const position = this.#index.get(column);
    return position === undefined ? '' : (cells[position] ?? '').trim();
  }

  /** Doublon : la clé a déjà été vue ; sinon elle est retenue. */
  #duplicate(key: string, line: number, label: string): string | null {
    const first = this.#seen.get(key);
    if (first !== undefined) return `${label} déjà présent ligne ${first}`;
    this.#seen.set(key, line);
    return null;
  }

  #inYear(month: string): string | null {
    return month.startsWith(`${this.#context.year}-`)
      ? null
      : `mois ${month} hors de l’année ${this.#context.year} choisie pour l’import`;
  }

  add(line: number, cells: readonly string[]): void {
    this.#lineCount++;
    const problems: string[] = [];
    const take = <T>(result: Parsed<T>): T | undefined => {
      if (result.ok) return result.value;
      problems.push(result.message);
      return undefined;
    };
    const note = this.#has('note') ? take(freeText(this.#cell(cells, 'note'), 'note', 300)) : '';
    switch (this.#source) {
      case 'telephony':
        this.#addTelephony(line, cells, problems, take, note ?? '');
        break;
      case 'web_analytics':
        this.#addWeb(line, cells, problems, take, note ?? '');
        break;
      case 'social':
        this.#addSocial(line, cells, problems, take, note ?? '');
        break;
      case 'ants':
        this.#addAnts(line, cells, problems, take, note ?? '');
        break;
      case 'local':
        this.#addLocal(line, cells, problems, take, note ?? '');
        break;
    }
    if (problems.length > 0) this.errors.push({ line, message: problems.join(' ; ') });
  }

  #addTelephony(
    line: number,
    cells: readonly string[],
    problems: string[],
    take: <T>(r: Parsed<T>) => T | undefined,
    note: string,
  ): void {
    const rawDate = this.#cell(cells, 'date');
    const period = rawDate === '' ? null : parsePeriod(rawDate);
    if (rawDate === '') problems.push('date vide');
    else if (!period) problems.push(`date « ${rawDate} » : un jour (AAAA-MM-JJ) ou un mois (AAAA-MM) est attendu`);
    const received = take(count(this.#cell(cells, 'appels_recus'), 'appels_recus'));
    const answered = take(count(this.#cell(cells, 'appels_aboutis'), 'appels_aboutis'));
    const service = take(freeText(this.#cell(cells, 'service'), 'service', 120)) ?? '';
    if (received !== undefined && answered !== undefined && answered > received) {
      problems.push(`appels_aboutis (${answered}) supérieur à appels_recus (${received})`);
    }
    if (!period) return;
    const outside = this.#inYear(period.month);
    if (outside) problems.push(outside);
    const kind = period.day ? 'day' : 'month';
    const fixed = this.#granularity.get(period.month);
    if (fixed && fixed.kind !== kind) {
      problems.push(
        `le mois ${period.month} a déjà une ligne ${fixed.kind === 'day' ? 'par jour' : 'mensuelle'} (ligne ${fixed.line}) : une ligne par mois ou une ligne par jour, pas les deux`,
      );
    }
    const what = `${period.day ? `le jour ${period.day}` : `le mois ${period.month}`}${service ? ` (service « ${service} »)` : ''}`;
    const duplicate = this.#duplicate(`${period.day ?? period.month}|${service.toLowerCase()}`, line, what);
    if (duplicate) problems.push(duplicate);
    if (problems.length > 0 || received === undefined || answered === undefined) return;
    if (!fixed) this.#granularity.set(period.month, { kind, line });
    const sums = this.#telephony.get(period.month) ?? { numerator: 0, denominator: 0, notes: new Set<string>() };
    sums.numerator += answered;
    sums.denominator += received;
    if (note) sums.notes.add(note);
    this.#telephony.set(period.month, sums);
  }

  #addWeb(
    line: number,
    cells: readonly string[],
    problems: string[],
    take: <T>(r: Parsed<T>) => T | undefined,
    note: string,
  ): void {
    const month = take(monthOf(this.#cell(cells, 'mois'), 'mois'));
    const visits = take(count(this.#cell(cells, 'visites'), 'visites'));
    if (month === undefined) return;
    const outside = this.#inYear(month);
    if (outside) problems.push(outside);
    const duplicate = this.#duplicate(month, line, `le mois ${month}`);
    if (duplicate) problems.push(duplicate);
    const population = this.#context.population;
    if (!population) problems.push('population du département inconnue : le taux de connexion ne peut être calculé');
    if (problems.length > 0 || visits === undefined || !population) return;
    this.#values.push({
      indicatorKey: 'WEB_CONNEXION',
      month,
      breakdown: '',
      status: 'measured',
      value: ratioValue(visits, population, 'percent'),
      numerator: visits,
      denominator: population,
      note: note || null,
    });
  }

  #addSocial(
    line: number,
    cells: readonly string[],
    problems: string[],
    take: <T>(r: Parsed<T>) => T | undefined,
    note: string,
  ): void {
    const month = take(monthOf(this.#cell(cells, 'mois'), 'mois'));
    const network = take(freeText(this.#cell(cells, 'reseau'), 'reseau', 60));
    if (network === '') problems.push('reseau vide');
    const engagements = take(count(this.#cell(cells, 'engagements'), 'engagements'));
    const impressions = take(count(this.#cell(cells, 'impressions'), 'impressions'));
    const views = take(count(this.#cell(cells, 'vues'), 'vues'));
    const rawConnections = this.#cell(cells, 'connexions');
    const connections = rawConnections === '' ? null : take(count(rawConnections, 'connexions'));
    if (engagements !== undefined && impressions !== undefined && engagements > impressions) {
      problems.push(`engagements (${engagements}) supérieurs aux impressions (${impressions})`);
    }
    if (month === undefined || !network) return;
    const outside = this.#inYear(month);
    if (outside) problems.push(outside);
    const duplicate = this.#duplicate(`${month}|${network.toLowerCase()}`, line, `le réseau « ${network} » pour ${month}`);
    if (duplicate) problems.push(duplicate);
    if (problems.length > 0 || engagements === undefined || impressions === undefined || views === undefined) return;
    const base = { month, breakdown: network, note: note || null };
    this.#values.push(
      impressions > 0
        ? {
            ...base,
            indicatorKey: 'RS_ENGAGEMENT',
            status: 'measured',
            value: ratioValue(engagements, impressions, 'percent'),
            numerator: engagements,
            denominator: impressions,
          }
        : {
            ...base,
            indicatorKey: 'RS_ENGAGEMENT',
            status: 'not_applicable',
            value: null,
            numerator: 0,
            denominator: 0,
            note: joinNotes(['aucune impression', note]),
          },
    );
    const days = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
    this.#values.push({
      ...base,
      indicatorKey: 'RS_VUES_JOUR',
      status: 'measured',
      value: ratioValue(views, days, 'count'),
      numerator: views,
      denominator: days,
    });
    if (connections !== null && connections !== undefined) {
      this.#values.push({
        ...base,
        indicatorKey: 'RS_CONNEXIONS_MOIS',
        status: 'measured',
        value: connections,
        numerator: null,
        denominator: null,
      });
    }
  }

  #addAnts(
    line: number,
    cells: readonly string[],
    problems: string[],
    take: <T>(r: Parsed<T>) => T | undefined,
    note: string,
  ): void {
    const month = take(monthOf(this.#cell(cells, 'mois'), 'mois'));
    const rawTitle = this.#cell(cells, 'titre');
    const title = normaliseHeader(rawTitle).toUpperCase();
    if (rawTitle === '') problems.push('titre vide');
    else if (title !== 'CIV' && title !== 'PC' && title !== 'CNI_PASSEPORT') {
      problems.push(`titre « ${rawTitle} » inconnu (attendu : CIV, PC ou CNI_PASSEPORT)`);
    }
    const files = take(count(this.#cell(cells, 'dossiers_traites'), 'dossiers_traites'));
    const optional = (column: string, read: (raw: string, column: string) => Parsed<number>) => {
      const raw = this.#cell(cells, column);
      return raw === '' ? null : (take(read(raw, column)) ?? null);
    };
    const fraud = optional('dossiers_frauduleux', count);
    const certDelay = optional('delai_moyen_cert_jours', decimal);
    const median = optional('delai_median_jours', decimal);
    const issueDelay = optional('delai_moyen_delivrance_jours', decimal);
    if (files !== undefined && fraud !== null && fraud > files) {
      problems.push(`dossiers_frauduleux (${fraud}) supérieur à dossiers_traites (${files})`);
    }
    if (month === undefined || !['CIV', 'PC', 'CNI_PASSEPORT'].includes(title)) return;
    const outside = this.#inYear(month);
    if (outside) problems.push(outside);
    const duplicate = this.#duplicate(`${month}|${title}`, line, `le titre ${title} pour ${month}`);
    if (duplicate) problems.push(duplicate);
    if (problems.length > 0 || files === undefined) return;

    const unused = (column: string, value: number | null) => {
      if (value !== null) this.warnings.push({ line, message: `${column} ignoré pour ${title} (sans indicateur pour ce titre)` });
    };
    const base = { month, breakdown: '', note: note || null };
    const nothing = files === 0;
    // Aucun dossier traité : sans objet (0 / 0), jamais un délai ou un taux nul.
    const push = (indicatorKey: string, measured: { value: number | null; numerator: number; denominator: number }) => {
      this.#values.push(
        nothing
          ? {
              ...base,
              indicatorKey,
              status: 'not_applicable',
              value: null,
              numerator: 0,
              denominator: 0,
              note: joinNotes(['aucun dossier traité', note]),
            }
          : { ...base, indicatorKey, status: 'measured', ...measured },
      );
    };
    const weighted = (indicatorKey: string, delay: number | null) => {
      if (delay === null) return;
      // Délai × dossiers : le délai d'un trimestre se recalcule des sommes, pondéré par les dossiers.
      push(indicatorKey, { value: round2(delay), numerator: Math.round(delay * files * 1e6) / 1e6, denominator: files });
    };
    const fraudRate = (indicatorKey: string) => {
      if (fraud === null) return;
      push(indicatorKey, { value: ratioValue(fraud, files, 'per_mille'), numerator: fraud, denominator: files });
    };
    if (title === 'CIV') {
      weighted('CIV_TELEPROC_DELAI', certDelay);
      fraudRate('CIV_FRAUDE');
      weighted('TP_CIV', issueDelay);
      unused('delai_median_jours', median);
    } else if (title === 'PC') {
      if (median !== null) {
        this.#values.push(
          nothing
            ? {
                ...base,
                indicatorKey: 'PC_DELAI_MEDIAN',
                status: 'not_applicable',
                value: null,
                numerator: null,
                denominator: null,
                note: joinNotes(['aucun dossier traité', note]),
              }
            : {
                ...base,
                indicatorKey: 'PC_DELAI_MEDIAN',
                status: 'measured',
                value: round2(median),
                numerator: null,
                denominator: null,
              },
        );
      }
      fraudRate('PC_FRAUDE');
      weighted('TP_PC', issueDelay);
      unused('delai_moyen_cert_jours', certDelay);
    } else {
      weighted('TP_CNI_PASS', issueDelay);
      unused('dossiers_frauduleux', fraud);
      unused('delai_moyen_cert_jours', certDelay);
      unused('delai_median_jours', median);
    }
  }

  /** L'indicateur local nommé par une ligne : sa clé (sans tenir compte des majuscules), sinon son libellé. */
  #localIndicator(name: string): Parsed<LocalImportIndicator> {
    const byKey = this.#localByKey.get(name.toUpperCase());
    if (byKey) return { ok: true, value: byKey };
    const byLabel = this.#localByLabel.get(labelKey(name)) ?? [];
    if (byLabel.length === 1 && byLabel[0]) return { ok: true, value: byLabel[0] };
    if (byLabel.length > 1) {
      return {
        ok: false,
        message: `indicateur « ${name} » ambigu : ce libellé est celui de ${byLabel.map((l) => l.key).join(' et ')}, indiquez la clé`,
      };
    }
    return {
      ok: false,
      message:
        this.#localByKey.size === 0
          ? `indicateur « ${name} » inconnu : l’organisation n’a aucun indicateur local (ajoutez-le au catalogue avant l’import)`
          : `indicateur « ${name} » inconnu : ni la clé (LOC_…) ni le libellé d’un indicateur local de l’organisation`,
    };
  }

  #addLocal(
    line: number,
    cells: readonly string[],
    problems: string[],
    take: <T>(r: Parsed<T>) => T | undefined,
    note: string,
  ): void {
    const month = take(monthOf(this.#cell(cells, 'mois'), 'mois'));
    const name = this.#cell(cells, 'indicateur');
    if (name === '') problems.push('indicateur vide');
    const indicator = name === '' ? undefined : take(this.#localIndicator(name));
    const status = take(localStatus(this.#cell(cells, 'statut')));
    const raw = {
      valeur: this.#cell(cells, 'valeur'),
      numerateur: this.#cell(cells, 'numerateur'),
      denominateur: this.#cell(cells, 'denominateur'),
    };
    let value: number | null = null;
    let numerator: number | null = null;
    let denominator: number | null = null;
    if (status === 'not_applicable') {
      // « Sans objet » est un choix explicite, jamais un 0 vide : sa raison est exigée, sans chiffre à côté.
      if (!note) problems.push('statut « sans objet » : la note doit en donner la raison (exemple : « aucune demande »)');
      if (raw.valeur || raw.numerateur || raw.denominateur) {
        problems.push('statut « sans objet » : valeur, numerateur et denominateur doivent rester vides');
      }
    } else if (status === 'measured') {
      const fraction = raw.numerateur !== '' || raw.denominateur !== '';
      if (raw.valeur !== '' && fraction) {
        problems.push('valeur et numerateur/denominateur : indiquez l’une ou les autres, pas les deux');
      } else if (fraction) {
        if (raw.numerateur === '' || raw.denominateur === '') {
          problems.push(
            `${raw.numerateur === '' ? 'numerateur' : 'denominateur'} vide : numerateur et denominateur vont ensemble`,
          );
        } else {
          numerator = take(decimal(raw.numerateur, 'numerateur')) ?? null;
          denominator = take(decimal(raw.denominateur, 'denominateur')) ?? null;
        }
        if (numerator !== null && denominator !== null && indicator) {
          if (denominator === 0) {
            problems.push('denominateur nul : rien à mesurer, indiquez le statut « sans objet » et sa raison en note');
          } else if (indicator.unit === 'percent' && numerator > denominator) {
            problems.push(
              `numerateur (${raw.numerateur}) supérieur au denominateur (${raw.denominateur}) : un taux ne dépasse pas 100 %`,
            );
          } else value = ratioValue(numerator, denominator, indicator.unit);
        }
      } else if (raw.valeur !== '') {
        // « 88,6 % » tel qu'un tableur l'exporte : le signe de l'unité de l'indicateur est toléré.
        const sign = indicator?.unit === 'percent' ? /\s*%$/ : indicator?.unit === 'per_mille' ? /\s*‰$/ : null;
        value = take(decimal(sign ? raw.valeur.replace(sign, '') : raw.valeur, 'valeur')) ?? null;
        if (value !== null && indicator?.unit === 'percent' && value > 0 && value < 1) {
          // Une cellule Excel au format pourcentage vaut 0,886 pour 88,6 % : la valeur serait 100 fois trop petite.
          this.warnings.push({
            line,
            message: `valeur ${raw.valeur} pour ${indicator.key} : moins de 1 %, vérifiez qu’il ne s’agit pas d’une cellule au format pourcentage (0,886 pour 88,6 %)`,
          });
        }
      } else {
        problems.push(
          'valeur vide : indiquez valeur, ou numerateur et denominateur, ou le statut « sans objet » avec sa raison en note',
        );
      }
      if (value !== null && indicator?.unit === 'percent' && value > 100) {
        problems.push(`valeur ${raw.valeur} : un pourcentage est compris entre 0 et 100`);
      }
      if (value !== null && indicator?.unit === 'count' && !Number.isInteger(value)) {
        problems.push(
          raw.valeur !== ''
            ? `valeur « ${raw.valeur} » : un nombre entier est attendu (${indicator.key} compte des unités)`
            : `valeur calculée ${String(value).replace('.', ',')} : un nombre entier est attendu (${indicator.key} compte des unités)`,
        );
      }
    }
    if (month === undefined || !indicator) return;
    const outside = this.#inYear(month);
    if (outside) problems.push(outside);
    const duplicate = this.#duplicate(`${month}|${indicator.key}`, line, `l’indicateur ${indicator.key} pour ${month}`);
    if (duplicate) problems.push(duplicate);
    if (problems.length > 0 || status === undefined || (status === 'measured' && value === null)) return;
    this.#values.push({
      indicatorKey: indicator.key,
      month,
      breakdown: '',
      status,
      value: value === null ? null : round2(value),
      numerator,
      denominator,
      note: note || null,
    });
  }

  /** Les valeurs à enregistrer, celles du catalogue de l'organisation seulement ; les autres sont comptées à part. */
  finish(): ImportPlan {
    const values = [...this.#values];
    for (const [month, sums] of [...this.#telephony].sort(([a], [b]) => a.localeCompare(b))) {
      const value = ratioValue(sums.numerator, sums.denominator, 'percent');
      values.push({
        indicatorKey: 'TEL_ABOUTIS',
        month,
        breakdown: '',
        status: value === null ? 'not_applicable' : 'measured',
        value,
        numerator: sums.numerator,
        denominator: sums.denominator,
        note: value === null ? joinNotes(['aucun appel reçu', ...sums.notes]) : joinNotes(sums.notes),
      });
    }
    const format = IMPORT_FORMATS[this.#source];
    const order = new Map(format.indicators.map((i, n) => [i.key, n]));
    values.sort(
      (a, b) =>
        (order.get(a.indicatorKey) ?? 0) - (order.get(b.indicatorKey) ?? 0) ||
        // Indicateurs locaux : aucun ordre fixe, la clé en tient lieu.
        a.indicatorKey.localeCompare(b.indicatorKey) ||
        a.month.localeCompare(b.month) ||
        a.breakdown.localeCompare(b.breakdown, 'fr'),
    );
    // Une ligne locale ne désigne qu'un indicateur local de l'organisation : rien n'est hors périmètre.
    const kept = this.#source === 'local' ? values : values.filter((v) => this.#context.indicatorKeys.has(v.indicatorKey));
    const ignored = format.indicators
      .filter((i) => !this.#context.indicatorKeys.has(i.key))
      .map((i) => ({ indicatorKey: i.key, module: i.module, values: values.filter((v) => v.indicatorKey === i.key).length }))
      .filter((i) => i.values > 0);
    return {
      source: this.#source,
      year: this.#context.year,
      lineCount: this.#lineCount,
      values: kept,
      ignored,
      warnings: this.warnings,
    };
  }
}

/**
 * Le plan complet d'un tableau : en-tête contrôlé (colonnes obligatoires associées), chaque ligne
 * contrôlée, fichier vide refusé. `errors` non vide : rien ne doit être écrit.
 */
export function planImport(
  source: ImportSource,
  table: RawTable,
  mapping: ColumnMapping,
  context: ImportContext,
): { plan: ImportPlan; errors: LineError[] } {
  const planner = new ImportPlanner(source, table.headers, mapping, context);
  const header = headerErrors(source, table, mapping);
  if (header.length > 0) return { plan: planner.finish(), errors: header };
  for (const row of table.rows) planner.add(row.line, row.cells);
  return { plan: planner.finish(), errors: planner.errors };
}

/** Fichier vide ou colonnes obligatoires manquantes : l'erreur de la ligne 1 (l'en-tête). */
export function headerErrors(source: ImportSource, table: RawTable, mapping: ColumnMapping): LineError[] {
  if (table.headers.length === 0)
    return [{ line: 1, message: 'fichier vide : une ligne d’en-tête puis une ligne par période sont attendues' }];
  const problems = mappingProblems(source, table.headers, mapping);
  if (Object.keys(problems).length > 0) return [missingColumnsError(source, problems)];
  if (table.rows.length === 0) return [{ line: 2, message: 'fichier vide : aucune ligne de données sous l’en-tête' }];
  return [];
}
