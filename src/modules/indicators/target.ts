import type { Direction, IndicatorUnit } from './indicator-catalogue.ts';
import { formatNumber, NNBSP, unitSuffix } from './indicator-number.ts';

/**
 * Cibles annuelles (BRIEF, « Targets ») : minimum (`≥ a`), maximum (`≤ b`), fourchette `a–b` (tenue
 * quand la valeur est ≥ a pour un indicateur où plus haut est mieux, ≤ b pour l'inverse ; la fourchette
 * est affichée comme l'ambition), nombre par an (`4/an` : tenue quand le cumul depuis janvier l'atteint
 * d'ici la fin de l'année ; « en avance » ou « en retard » en cours d'année), ou aucune (`sans`, `néant`).
 * Les comparaisons portent sur la valeur arrondie. Domaine pur.
 */
export const TARGET_KINDS = ['min', 'max', 'range', 'count_per_year', 'none'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const TARGET_KIND_LABELS: Record<TargetKind, string> = {
  min: 'Minimum (≥)',
  max: 'Maximum (≤)',
  range: 'Fourchette (de … à …)',
  count_per_year: 'Nombre par an',
  none: 'Sans cible (suivi)',
};

export interface Target {
  kind: TargetKind;
  low: number | null;
  high: number | null;
}

export type TargetStatus = 'met' | 'not_met' | 'on_track' | 'behind';

export const TARGET_STATUS_LABELS: Record<TargetStatus, string> = {
  met: 'cible atteinte',
  not_met: 'cible non atteinte',
  on_track: 'en bonne voie',
  behind: 'en retard sur la cible',
};

/** Contrôle d'une cible saisie : renvoie les erreurs par champ, en français. */
export function checkTarget(target: Target, unit: IndicatorUnit): Record<string, string> {
  const errors: Record<string, string> = {};
  const bounded = unit === 'percent';
  const check = (field: 'low' | 'high', value: number | null, label: string) => {
    if (value === null) {
      errors[field] = `${label} : une valeur est attendue.`;
    } else if (!Number.isFinite(value) || value < 0) {
      errors[field] = `${label} : un nombre positif ou nul est attendu.`;
    } else if (bounded && value > 100) {
      errors[field] = `${label} : un pourcentage ne dépasse pas 100.`;
    }
  };
  switch (target.kind) {
    case 'min':
      check('low', target.low, 'Minimum');
      break;
    case 'max':
      check('high', target.high, 'Maximum');
      break;
    case 'range':
      check('low', target.low, 'Début de la fourchette');
      check('high', target.high, 'Fin de la fourchette');
      if (!errors.low && !errors.high && (target.low ?? 0) > (target.high ?? 0)) {
        errors.high = 'Fourchette : la fin doit être supérieure ou égale au début.';
      }
      break;
    case 'count_per_year':
      check('low', target.low, 'Nombre par an');
      if (!errors.low && !Number.isInteger(target.low)) errors.low = 'Nombre par an : un entier est attendu.';
      break;
    case 'none':
      break;
  }
  return errors;
}

/** La cible telle qu'on l'écrit dans les tableaux des CLU : « ≥ 90 % », « 75 à 80 % », « 4/an », « sans ». */
export function formatTarget(target: Target | null, unit: IndicatorUnit): string {
  if (!target) return '—';
  const u = unitSuffix(unit);
  switch (target.kind) {
    case 'min':
      return `≥${NNBSP}${formatNumber(target.low ?? 0)}${u}`;
    case 'max':
      return `≤${NNBSP}${formatNumber(target.high ?? 0)}${u}`;
    case 'range':
      return `${formatNumber(target.low ?? 0)} à ${formatNumber(target.high ?? 0)}${u}`;
    case 'count_per_year':
      return `${formatNumber(target.low ?? 0)}/an`;
    case 'none':
      return 'sans';
  }
}

/**
 * Statut d'une valeur face à sa cible. Pour un nombre par an, `yearToDate` porte le cumul depuis
 * janvier et la part de l'année écoulée ; sans cumul (une case mensuelle), il n'y a pas de statut.
 */
export function evaluateTarget(
  target: Target | null,
  direction: Direction,
  value: number | null,
  yearToDate?: { sum: number; elapsedMonths: number; yearClosed: boolean },
): TargetStatus | null {
  if (!target || target.kind === 'none') return null;
  if (target.kind === 'count_per_year') {
    if (!yearToDate) return null;
    const goal = target.low ?? 0;
    if (yearToDate.sum >= goal) return 'met';
    if (yearToDate.yearClosed) return 'not_met';
    return yearToDate.sum >= (goal * yearToDate.elapsedMonths) / 12 ? 'on_track' : 'behind';
  }
  if (value === null) return null;
  const rounded = Math.round((value + Number.EPSILON) * 100) / 100;
  switch (target.kind) {
    case 'min':
      return rounded >= (target.low ?? 0) ? 'met' : 'not_met';
    case 'max':
      return rounded <= (target.high ?? 0) ? 'met' : 'not_met';
    case 'range':
      if (direction === 'lower_is_better') return rounded <= (target.high ?? 0) ? 'met' : 'not_met';
      if (direction === 'higher_is_better') return rounded >= (target.low ?? 0) ? 'met' : 'not_met';
      return rounded >= (target.low ?? 0) && rounded <= (target.high ?? 0) ? 'met' : 'not_met';
  }
}
