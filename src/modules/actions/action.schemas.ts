import { z } from 'zod';
import { list, optionalText, requiredText } from '../../shared/validation.ts';
import { isValidCivilDate } from '../calendar/civil-date.ts';
import { ACTION_STATUSES, ORIGIN_KINDS } from './action-status.ts';

function civilDate(label: string) {
  return z
    .string({ error: `${label} : champ obligatoire.` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire.` })
    .refine(isValidCivilDate, { error: `${label} : date impossible ou mal formée (AAAA-MM-JJ).` });
}

const identifier = z.string().trim().min(1).max(100);

/** Une action telle que le référent la saisit (création et modification). */
export const actionInputSchema = z.object({
  objective: requiredText('Objectif', 300),
  description: requiredText('Action', 2000),
  dueDate: civilDate('Échéance'),
  serviceIds: list(identifier).refine((ids) => ids.length > 0, {
    error: 'Acteur(s) : choisissez au moins un service.',
  }),
  originKind: z.enum(ORIGIN_KINDS, { error: 'Origine : choisissez une origine de la liste.' }),
  originLabel: optionalText('Libellé de l’origine', 300),
  engagements: list(identifier),
  indicators: list(identifier),
  evidenceText: optionalText('Preuve', 4000),
});
export type ActionInput = z.infer<typeof actionInputSchema>;

/** Changement de statut : le motif est obligatoire pour abandonner, la date de réalisation pour « réalisée ». */
export const statusInputSchema = z
  .object({
    status: z.enum(ACTION_STATUSES, { error: 'Statut : à faire, en cours, réalisée ou abandonnée.' }),
    abandonReason: optionalText('Motif d’abandon', 1000),
    completedOn: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : undefined))
      .refine((v) => v === undefined || isValidCivilDate(v), {
        error: 'Réalisée le : date impossible ou mal formée (AAAA-MM-JJ).',
      }),
  })
  .superRefine((value, context) => {
    if (value.status === 'abandoned' && !value.abandonReason) {
      context.addIssue({
        code: 'custom',
        path: ['abandonReason'],
        message: 'Motif d’abandon : obligatoire pour abandonner une action (dites pourquoi elle ne sera pas menée).',
      });
    }
  });

export const evidenceInputSchema = z.object({ evidenceText: optionalText('Preuve', 4000) });

/** Création en un clic depuis une source (critère d'enquête, thème, dossier, proposition du CLU…). */
export const fromOriginSchema = z.object({
  origin_kind: z.enum(ORIGIN_KINDS, { error: 'Origine inconnue.' }),
  origin_ref: requiredText('Origine', 300),
});
