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

export const dueQuerySchema = z.object({
  ...target,
  received: moment('Date de réception'),
  workingDays: z.coerce
    .number({ error: 'Jours ouvrés : un nombre entier est attendu.' })
    .int({ error: 'Jours ouvrés : un nombre entier est attendu.' })
    .min(0, { error: 'Jours ouvrés : pas de nombre négatif (0 donne la date de réception).' })
    .max(365, { error: 'Jours ouvrés : 365 au plus.' }),
});

export const delayQuerySchema = z.object({
  ...target,
  received: moment('Date de réception'),
  answered: moment('Date de réponse'),
});

export const yearSchema = z.coerce
  .number({ error: 'Année : un nombre entier est attendu.' })
  .int({ error: 'Année : un nombre entier est attendu.' })
  .min(2000, { error: 'Année : de 2000 à 2100.' })
  .max(2100, { error: 'Année : de 2000 à 2100.' });

export const holidaysQuerySchema = z.object({ ...target, year: yearSchema });
