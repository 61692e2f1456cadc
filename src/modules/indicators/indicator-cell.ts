import type { Aggregation, IndicatorUnit } from './indicator-catalogue.ts';
import { scaleOf } from './indicator-catalogue.ts';

/**
 * Une case du tableau : la valeur d'un indicateur pour une période, avec son statut (BRIEF, « Indicator
 * values ») : `measured`, `not_applicable` (rien à mesurer : dénominateur nul), `not_available` (attendu
 * mais non fourni). Une valeur n'est jamais 0 faute de données. Domaine pur.
 */
export type CellStatus = 'measured' | 'not_applicable' | 'not_available';
export type Provenance = 'computed' | 'imported' | 'typed' | 'historic';

export interface Cell {
  status: CellStatus;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  provisional: boolean;
  /** Raison d'un « sans objet » ou réserve sur la donnée (« problème Memobox »). */
  note: string | null;
  provenance: Provenance | null;
  /** Ventilation (par réseau social), chacune avec sa valeur. */
  breakdown: BreakdownItem[];
}

export interface BreakdownItem {
  label: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
}

export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export function notAvailable(provisional = false): Cell {
  return {
    status: 'not_available',
    value: null,
    numerator: null,
    denominator: null,
    provisional,
    note: null,
    provenance: null,
    breakdown: [],
  };
}

export function notApplicable(note: string | null, provenance: Provenance | null, provisional = false): Cell {
  return {
    status: 'not_applicable',
    value: null,
    numerator: null,
    denominator: null,
    provisional,
    note,
    provenance,
    breakdown: [],
  };
}

/** Valeur d'un rapport : `null` quand le dénominateur est nul (rien à mesurer). */
export function ratioValue(numerator: number, denominator: number, unit: IndicatorUnit): number | null {
  return denominator > 0 ? round2((numerator / denominator) * scaleOf(unit)) : null;
}

/**
 * Agrège des cases mensuelles en une case de trimestre, d'année ou de cumul depuis janvier :
 * les taux sont recalculés depuis les sommes, les comptes additionnés, les taux sur un stock moyennés.
 * `periodClosed` : la période est close à la date d'arrêté (sinon la valeur est provisoire).
 */
export function aggregateCells(
  cells: readonly Cell[],
  aggregation: Aggregation,
  unit: IndicatorUnit,
  periodClosed: boolean,
): Cell {
  const measured = cells.filter((c) => c.status === 'measured');
  const missing = cells.filter((c) => c.status === 'not_available').length;
  const provisional = !periodClosed || cells.some((c) => c.provisional);
  const notes = [...new Set(cells.map((c) => c.note).filter((n): n is string => n !== null && n !== ''))];
  const provenances = new Set(cells.map((c) => c.provenance).filter((p) => p !== null));
  const provenance = provenances.size === 1 ? ([...provenances][0] ?? null) : provenances.size > 1 ? 'computed' : null;
  if (measured.length === 0) {
    if (missing > 0 || cells.length === 0) return notAvailable(provisional);
    return notApplicable(notes.join(' ; ') || null, provenance, provisional);
  }
  const note = [missing > 0 ? `${missing} mois sans donnée` : null, ...notes].filter(Boolean).join(' ; ') || null;
  const breakdown = mergeBreakdowns(measured, aggregation, unit);
  const withFraction = measured.every((c) => c.numerator !== null && c.denominator !== null);
  if (aggregation === 'sum') {
    const value = round2(measured.reduce((s, c) => s + (c.value ?? 0), 0));
    return { status: 'measured', value, numerator: null, denominator: null, provisional, note, provenance, breakdown };
  }
  if (aggregation === 'ratio' && withFraction) {
    const numerator = measured.reduce((s, c) => s + (c.numerator ?? 0), 0);
    const denominator = measured.reduce((s, c) => s + (c.denominator ?? 0), 0);
    const value = ratioValue(numerator, denominator, unit);
    if (value === null) return notApplicable(note, provenance, provisional);
    return { status: 'measured', value, numerator, denominator, provisional, note, provenance, breakdown };
  }
  const value = round2(measured.reduce((s, c) => s + (c.value ?? 0), 0) / measured.length);
  return { status: 'measured', value, numerator: null, denominator: null, provisional, note, provenance, breakdown };
}

function mergeBreakdowns(cells: readonly Cell[], aggregation: Aggregation, unit: IndicatorUnit): BreakdownItem[] {
  const labels = [...new Set(cells.flatMap((c) => c.breakdown.map((b) => b.label)))];
  return labels.map((label) => {
    const items = cells.flatMap((c) => c.breakdown.filter((b) => b.label === label));
    const total = items.reduce((s, b) => s + b.value, 0);
    if (aggregation === 'sum') return { label, value: round2(total), numerator: null, denominator: null };
    if (aggregation === 'ratio' && items.every((b) => b.numerator !== null && b.denominator !== null)) {
      const numerator = items.reduce((s, b) => s + (b.numerator ?? 0), 0);
      const denominator = items.reduce((s, b) => s + (b.denominator ?? 0), 0);
      return { label, value: ratioValue(numerator, denominator, unit) ?? 0, numerator, denominator };
    }
    return { label, value: round2(total / items.length), numerator: null, denominator: null };
  });
}
