import { z } from 'zod';
import { optionalText, requiredText } from '../../shared/validation.ts';
import { CASE_KINDS } from '../cases/vocabulary.ts';
import { TO_COMPLETE_MARKER } from './default-templates.ts';
import { checkTemplate } from './template.ts';

export const TEMPLATE_PURPOSES = ['acknowledgment', 'reorientation', 'answer', 'letter'] as const;

export const PURPOSE_LABELS: Record<(typeof TEMPLATE_PURPOSES)[number], string> = {
  acknowledgment: 'Accusés de réception',
  reorientation: 'Avis de réorientation',
  answer: 'Réponses types par courriel',
  letter: 'Lettres (réponse papier)',
};

/** Fins de ligne d'une zone de texte (« \r\n » envoyé par les navigateurs) ramenées à « \n ». */
export function multiline<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : v), schema);
}

/** Un texte de modèle : obligatoire, puis contrôlé (variables connues, accolades bien fermées). */
export function templateText(label: string, max: number) {
  return multiline(requiredText(label, max)).superRefine((value, context) => {
    const problems = checkTemplate(value);
    if (problems.length > 0) {
      context.addIssue({ code: 'custom', message: `${label} : ${problems.map((p) => p.message).join(' ')}` });
    }
  });
}

/** Liste déroulante facultative : « » vaut « aucun ». */
function optionalChoice<T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z
    .union([z.literal(''), z.enum(values, { error: message })])
    .optional()
    .transform((v) => (v ? v : null));
}

export const templateSchema = z.object({
  name: requiredText('Nom du modèle', 120),
  purpose: z.enum(TEMPLATE_PURPOSES, {
    error: 'Usage : choisissez accusé de réception, avis de réorientation, réponse type ou lettre.',
  }),
  caseKind: optionalChoice(CASE_KINDS, 'Nature : choisissez une nature de la liste.'),
  serviceId: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null)),
  subject: templateText('Objet', 250),
  body: templateText('Texte', 20_000),
});

export type TemplateInput = z.infer<typeof templateSchema>;

/** Bloc de signature d'un service ; un champ vide est simplement omis (repli : nom du service). */
export const signatureSchema = z.object({
  serviceLabel: multiline(optionalText('Bureau ou service', 400)),
  postalAddress: multiline(optionalText('Adresse postale', 400)),
  phone: optionalText('Téléphone', 40).refine((v) => v === undefined || /^[0-9+().\s-]{4,40}$/.test(v), {
    error: 'Téléphone : chiffres, espaces, points, tirets ou « + » seulement (exemple : 04 73 98 63 63).',
  }),
  website: optionalText('Site internet', 200).refine((v) => v === undefined || !/\s/.test(v), {
    error: 'Site internet : une adresse sans espace (exemple : www.puy-de-dome.gouv.fr).',
  }),
});

/** Réponse par courriel rédigée par un agent : objet et texte contrôlés comme un modèle. */
export const answerEmailSchema = z.object({
  templateId: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null)),
  subject: templateText('Objet', 250),
  body: templateText('Texte', 50_000).refine((v) => !v.includes(TO_COMPLETE_MARKER), {
    error: `Texte : un passage « ${TO_COMPLETE_MARKER}… » reste à rédiger ; complétez-le ou supprimez-le avant l’envoi.`,
  }),
  signatureForm: z.enum(['functional', 'individual'], {
    error: 'Signature : choisissez la boîte fonctionnelle ou la boîte individuelle.',
  }),
});

export type AnswerEmailInput = z.infer<typeof answerEmailSchema>;
