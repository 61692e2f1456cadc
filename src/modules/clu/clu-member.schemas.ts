import { z } from 'zod';
import { optionalText, requiredText } from '../../shared/validation.ts';

/** Catégories d'organismes représentés au CLU (composition décrite dans les seeds : Allier, Puy-de-Dôme…). */
export const MEMBER_CATEGORIES = [
  'users_association',
  'consumers_association',
  'disability_association',
  'consular_chamber',
  'mayors_association',
  'defender_of_rights',
  'state_service',
  'prefecture',
  'other',
] as const;
export type MemberCategory = (typeof MEMBER_CATEGORIES)[number];

export const MEMBER_CATEGORY_LABELS: Record<MemberCategory, string> = {
  users_association: 'Association d’usagers',
  consumers_association: 'Association de consommateurs',
  disability_association: 'Association de personnes handicapées',
  consular_chamber: 'Chambre consulaire',
  mayors_association: 'Association des maires',
  defender_of_rights: 'Défenseur des droits',
  state_service: 'Service déconcentré de l’État',
  prefecture: 'Préfecture',
  other: 'Autre',
};

export function categoryLabel(category: string): string {
  return (MEMBER_CATEGORY_LABELS as Record<string, string>)[category] ?? category;
}

export const CIVILITIES = ['M.', 'Mme'] as const;

/** Adresse facultative : vide accepté (invitation par courrier), sinon validée. */
function optionalEmail(label: string) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .max(254, { error: `${label} : 254 caractères au plus.` })
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.email({ error: `${label} invalide (exemple : prenom.nom@association.fr).` }).optional());
}

export const memberOrganisationSchema = z.object({
  name: requiredText('Nom de l’organisme', 200),
  category: z.enum(MEMBER_CATEGORIES, { error: 'Catégorie : choisissez une catégorie de la liste.' }),
  email: optionalEmail('Adresse électronique de l’organisme'),
  postalAddress: optionalText('Adresse postale', 500),
});
export type MemberOrganisationInput = z.infer<typeof memberOrganisationSchema>;

export const memberSchema = z.object({
  memberOrganisationId: z
    .string({ error: 'Organisme : choisissez un organisme.' })
    .trim()
    .min(1, { error: 'Organisme : choisissez un organisme.' }),
  civility: z
    .union([z.enum(CIVILITIES), z.literal('')], { error: 'Civilité : « M. », « Mme » ou non renseignée.' })
    .optional()
    .transform((v) => (v ? v : undefined)),
  firstName: optionalText('Prénom', 100),
  lastName: requiredText('Nom', 100),
  function: optionalText('Fonction', 300),
  email: optionalEmail('Adresse électronique'),
  phone: optionalText('Téléphone', 40).refine((v) => v === undefined || /^[+\d][\d .()-]{5,}$/.test(v), {
    error: 'Téléphone : chiffres, espaces et « + » seulement (exemple : 04 73 98 63 63).',
  }),
  postalAddress: optionalText('Adresse postale', 500),
});
export type MemberInput = z.infer<typeof memberSchema>;
