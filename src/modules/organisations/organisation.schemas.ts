import { z } from 'zod';
import { checkbox, list, optionalText, requiredText } from '../../shared/validation.ts';

export const slugField = z
  .string({ error: 'Identifiant court : champ obligatoire.' })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, {
    error:
      'Identifiant court : lettres minuscules sans accent, chiffres et tirets (2 à 40 caractères, par exemple « puy-de-dome »).',
  });

export const createOrganisationSchema = z.object({
  slug: slugField,
  name: requiredText('Nom', 120),
  department: requiredText('Département', 3),
  hasCert: checkbox.default(false),
});
export type CreateOrganisationInput = z.input<typeof createOrganisationSchema>;

export const siteSchema = z.object({
  name: requiredText('Nom du site', 120),
  kind: z.enum(['prefecture', 'sous_prefecture', 'other'], { error: 'Type de site : préfecture, sous-préfecture ou autre.' }),
  city: optionalText('Commune', 120),
});

export const serviceSchema = z.object({
  name: requiredText('Nom du service', 120),
  mailboxAddress: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.email({ error: 'Boîte fonctionnelle : adresse électronique invalide.' }).optional()),
  siteId: optionalText('Site', 60),
});

export const closureDaySchema = z.object({
  date: z.iso.date({ error: 'Date : format attendu AAAA-MM-JJ.' }),
  reason: requiredText('Motif', 200),
});

export const perimeterSchema = z.object({
  hasCert: checkbox.default(false),
  modules: list(z.coerce.number().int().min(1).max(99)),
});
