import type { IndicatorUnit } from './indicator-catalogue.ts';

/** Écriture française des valeurs : virgule décimale, espace fine insécable (U+202F) des milliers et avant l'unité. */
export const NNBSP = '\u202f';

const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

export function formatNumber(value: number): string {
  return NUMBER.format(value).replace(/[\u00a0\u202f]/g, NNBSP);
}

export function unitSuffix(unit: IndicatorUnit): string {
  switch (unit) {
    case 'percent':
      return `${NNBSP}%`;
    case 'per_mille':
      return `${NNBSP}‰`;
    case 'days':
      return `${NNBSP}j`;
    case 'working_days':
      return `${NNBSP}j.o.`;
    case 'hours':
      return `${NNBSP}h`;
    default:
      return '';
  }
}

/** « 89,5 % », « 2,37 ‰ », « 1 250 ». */
export function valueText(value: number, unit: IndicatorUnit): string {
  return `${formatNumber(value)}${unitSuffix(unit)}`;
}
