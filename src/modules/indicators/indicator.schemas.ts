import { z } from 'zod';
import { checkbox, optionalText, requiredText } from '../../shared/validation.ts';
import { DIRECTIONS, INDICATOR_UNITS } from './indicator-catalogue.ts';
import { TARGET_KINDS } from './target.ts';

/** Nombre saisi à la française (« 12,5 », « 1 200 ») ; vide = absent. */
export function frenchNumber(label: string) {
  return z
    .union([z.string(), z.number()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return null;
      if (typeof v === 'number') return v;
      const text = v.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
      if (text === '') return null;
      const n = Number(text);
      if (!Number.isFinite(n) || !/^-?\d+(\.\d+)?$/.test(text)) {
        ctx.addIssue({ code: 'custom', message: `${label} : un nombre est attendu (exemple : 12,5).` });
        return z.NEVER;
      }
      return n;
    });
}

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const targetSchema = z.object({
  kind: z.enum(TARGET_KINDS, { error: 'Type de cible : choisissez une des possibilités.' }),
  low: frenchNumber('Valeur basse'),
  high: frenchNumber('Valeur haute'),
});

export const valueEntrySchema = z.object({
  month: z.string().trim().regex(MONTH, { error: 'Mois : attendu sous la forme AAAA-MM (exemple : 2026-03).' }),
  status: z.enum(['measured', 'not_applicable'], { error: 'Choisissez « valeur » ou « sans objet ».' }),
  value: frenchNumber('Valeur'),
  numerator: frenchNumber('Numérateur'),
  denominator: frenchNumber('Dénominateur'),
  note: optionalText('Note', 300),
  historic: checkbox,
});

export const localIndicatorSchema = z.object({
  label: requiredText('Libellé', 200),
  unit: z.enum(INDICATOR_UNITS, { error: 'Unité : choisissez une des possibilités.' }),
  direction: z.enum(DIRECTIONS, { error: 'Sens : choisissez une des possibilités.' }),
  source: z.enum(['manual', 'import'], { error: 'Source : saisie ou import.' }),
});

export const yearSchema = z.coerce
  .number({ error: 'Année : un nombre est attendu.' })
  .int({ error: 'Année : un nombre entier est attendu.' })
  .min(2000, { error: 'Année : entre 2000 et 2100.' })
  .max(2100, { error: 'Année : entre 2000 et 2100.' });
