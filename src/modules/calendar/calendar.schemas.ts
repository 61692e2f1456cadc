import { z } from 'zod';

/** Paramètres communs : un département, ou une organisation (dont les fermetures comptent alors). */
const target = {
  department: z.string().trim().max(3).optional(),
  org: z.string().trim().max(40).optional(),
};

const moment = (label: string) =>
  z
    .string({ error: `${label} : champ obligatoire (AAAA-MM-JJ ou horodatage ISO 8601).` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire (AAAA-MM-JJ ou horodatage ISO 8601).` })
    .max(40, { error: `${label} : 40 caractères au plus.` });

/** Entier écrit en chiffres : ni « » (qui vaudrait 0), ni « 1e2 », ni « 0x10 ». */
function integerField(label: string, min: number, max: number, minMessage: string) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value),
    z
      .number({ error: `${label} : un nombre entier est attendu.` })
      .int({ error: `${label} : un nombre entier est attendu.` })
      .min(min, { error: minMessage })
      .max(max, { error: `${label} : ${max} au plus.` }),
  );
}

export const dueQuerySchema = z.object({
  ...target,
  received: moment('Date de réception'),
  workingDays: integerField('Jours ouvrés', 0, 365, 'Jours ouvrés : pas de nombre négatif (0 donne la date de réception).'),
});

export const delayQuerySchema = z.object({
  ...target,
  received: moment('Date de réception'),
  answered: moment('Date de réponse'),
});

export const yearSchema = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value),
  z
    .number({ error: 'Année : un nombre entier est attendu.' })
    .int({ error: 'Année : un nombre entier est attendu.' })
    .min(2000, { error: 'Année : de 2000 à 2100.' })
    .max(2100, { error: 'Année : de 2000 à 2100.' }),
);

export const holidaysQuerySchema = z.object({ ...target, year: yearSchema });
