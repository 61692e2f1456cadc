import type { RefIndicatorTable } from '../referentiel/referentiel.table.ts';

/**
 * Le catalogue des indicateurs d'une organisation : les 33 du référentiel (filtrés par le périmètre)
 * et ses indicateurs locaux, avec pour chacun la source de ses valeurs et la règle d'agrégation des
 * périodes (BRIEF, « Aggregating periods »). Domaine pur.
 */
export const INDICATOR_SOURCES = [
  'register',
  'survey',
  'telephony',
  'web_analytics',
  'social',
  'ants',
  'manual',
  'import',
] as const;
export type IndicatorSource = (typeof INDICATOR_SOURCES)[number];

/**
 * Formats de fichier reconnus par l'import. `local` n'est pas une source d'indicateur : c'est le format
 * commun aux indicateurs locaux de l'organisation (source `import` ou `manual`), désignés ligne par ligne.
 */
export const IMPORT_SOURCES = ['telephony', 'web_analytics', 'social', 'ants', 'local'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export const INDICATOR_UNITS = ['percent', 'per_mille', 'count', 'days', 'working_days', 'hours'] as const;
export type IndicatorUnit = (typeof INDICATOR_UNITS)[number];

export const DIRECTIONS = ['higher_is_better', 'lower_is_better', 'none'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * - `ratio` : somme des numérateurs / somme des dénominateurs (taux, délais moyens) — jamais une moyenne de taux ;
 * - `mean_of_months` : moyenne des valeurs mensuelles (taux sur un stock comme IM106, médianes) ;
 * - `sum` : comptes additionnés.
 */
export type Aggregation = 'ratio' | 'mean_of_months' | 'sum';

export const SOURCE_LABELS: Record<IndicatorSource, string> = {
  register: 'Registre (calculé)',
  survey: 'Enquêtes (calculé)',
  telephony: 'Import téléphonie',
  web_analytics: 'Import statistiques du site',
  social: 'Import réseaux sociaux',
  ants: 'Import ANTS / CERT',
  manual: 'Saisie mensuelle',
  import: 'Import (indicateur local)',
};

export const UNIT_LABELS: Record<IndicatorUnit, string> = {
  percent: 'pourcentage',
  per_mille: 'pour mille',
  count: 'nombre',
  days: 'jours',
  working_days: 'jours ouvrés',
  hours: 'heures',
};

export const DIRECTION_LABELS: Record<Direction, string> = {
  higher_is_better: 'plus haut = mieux',
  lower_is_better: 'plus bas = mieux',
  none: 'suivi sans sens',
};

export interface CatalogueIndicator {
  key: string;
  code: string | null;
  label: string;
  /** Module du référentiel ; `null` pour un indicateur local. */
  module: number | null;
  engagements: number[];
  unit: IndicatorUnit;
  direction: Direction;
  /** Périodicité de suivi : `monthly`, `quarterly`, `annual`, `per_event`. */
  period: string;
  source: IndicatorSource;
  aggregation: Aggregation;
  formula: string | null;
  local: boolean;
}

/** Un indicateur du référentiel tel que la table le garde (sans son rang d'affichage). */
export type ReferentielIndicatorRow = Omit<RefIndicatorTable, 'position'>;

export interface LocalIndicatorRow {
  key: string;
  label: string;
  unit: string;
  direction: string;
  source: string;
}

/** La source d'un indicateur du référentiel, dans le vocabulaire des imports de Vigie. */
export function sourceOf(row: Pick<ReferentielIndicatorRow, 'key' | 'source'>): IndicatorSource {
  switch (row.source) {
    case 'register':
      return 'register';
    case 'survey':
      return 'survey';
    case 'telephony_import':
      return 'telephony';
    case 'ants_import':
      return 'ants';
    case 'web_analytics_import':
      // Le référentiel range les réseaux sociaux avec les statistiques du site ; leurs fichiers diffèrent.
      return row.key.startsWith('RS_') ? 'social' : 'web_analytics';
    default:
      return 'manual';
  }
}

export function aggregationOf(key: string, unit: IndicatorUnit): Aggregation {
  // IM106 rapporte des visites à une population (un stock) ; une médiane ne se recompose pas.
  if (key === 'WEB_CONNEXION' || key === 'PC_DELAI_MEDIAN') return 'mean_of_months';
  // Moyenne de vues par jour : vues / jours, qui s'additionnent.
  if (key === 'RS_VUES_JOUR') return 'ratio';
  if (unit === 'count') return 'sum';
  return 'ratio';
}

/** Facteur d'un rapport numérateur / dénominateur selon l'unité. */
export function scaleOf(unit: IndicatorUnit): number {
  if (unit === 'percent') return 100;
  if (unit === 'per_mille') return 1000;
  return 1;
}

function asUnit(unit: string): IndicatorUnit {
  return (INDICATOR_UNITS as readonly string[]).includes(unit) ? (unit as IndicatorUnit) : 'count';
}

function asDirection(direction: string): Direction {
  return (DIRECTIONS as readonly string[]).includes(direction) ? (direction as Direction) : 'none';
}

export function buildCatalogue(
  referentiel: readonly ReferentielIndicatorRow[],
  perimeter: readonly number[],
  locals: readonly LocalIndicatorRow[],
): CatalogueIndicator[] {
  const entries: CatalogueIndicator[] = referentiel
    .filter((row) => perimeter.includes(row.module_number))
    .map((row) => {
      const unit = asUnit(row.unit);
      return {
        key: row.key,
        code: row.code,
        label: row.label,
        module: row.module_number,
        engagements: JSON.parse(row.engagements_json) as number[],
        unit,
        direction: asDirection(row.direction),
        period: row.period,
        source: sourceOf(row),
        aggregation: aggregationOf(row.key, unit),
        formula: row.formula,
        local: false,
      };
    });
  for (const local of locals) {
    const unit = asUnit(local.unit);
    entries.push({
      key: local.key,
      code: null,
      label: local.label,
      module: null,
      engagements: [],
      unit,
      direction: asDirection(local.direction),
      period: 'monthly',
      source: local.source === 'import' ? 'import' : 'manual',
      aggregation: aggregationOf(local.key, unit),
      formula: null,
      local: true,
    });
  }
  return entries;
}

/** Une valeur saisie à la main ou importée peut remplacer un calcul comme donnée historique. */
export function isComputed(indicator: Pick<CatalogueIndicator, 'source'>): boolean {
  return indicator.source === 'register' || indicator.source === 'survey';
}
