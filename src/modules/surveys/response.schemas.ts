import { z } from 'zod';

/** Valeurs admises pour une question : une clé d'option, une liste de clés (choix multiple) ou le commentaire. */
const answerValue = z.union([z.string(), z.array(z.string()).max(60, { error: 'Trop de réponses pour une question.' })], {
  error: 'Réponse : texte ou liste de textes attendus.',
});

/**
 * Une réponse à une enquête, quel que soit le mode de collecte (formulaire public, borne, saisie papier ou
 * téléphone). Strict : tout autre champ est refusé (une soumission forgée ne glisse rien à côté).
 */
export const submitResponseSchema = z
  .strictObject(
    {
      responseId: z.uuid({ error: 'Identifiant de réponse : UUID attendu.' }),
      pointToken: z.string().trim().min(1).max(200).optional(),
      pointId: z.string().trim().min(1).max(100).optional(),
      answeredAt: z.iso
        .datetime({ offset: true, error: 'Date de réponse : horodatage ISO 8601 attendu (2026-04-02T10:30:00+02:00).' })
        .optional(),
      durationMs: z
        .int({ error: 'Durée : nombre entier de millisecondes attendu.' })
        .min(0, { error: 'Durée : nombre positif attendu.' })
        .max(24 * 3600 * 1000, { error: 'Durée : 24 heures au plus.' })
        .optional(),
      answers: z.record(z.string().max(100), answerValue, { error: 'Réponses : objet question → réponse attendu.' }),
      formNumber: z
        .string()
        .trim()
        .max(40, { error: 'Numéro du formulaire : 40 caractères au plus.' })
        .optional()
        .transform((v) => v || undefined),
      enteredBy: z.string().trim().min(1).max(100).optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Champ inattendu dans la réponse.' : undefined) },
  )
  .refine((v) => (v.pointToken === undefined) !== (v.pointId === undefined), {
    error: 'Point de collecte : indiquez soit le jeton du lien public, soit l’identifiant du point.',
    path: ['pointToken'],
  });

export type SubmitResponseInput = z.input<typeof submitResponseSchema>;
