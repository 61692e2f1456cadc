import { z } from 'zod';
import { requiredText } from '../../shared/validation.ts';

/** Suivi d'une proposition jusqu'au comité suivant (« bilan au prochain CLU des propositions formulées »). */
export const PROPOSAL_STATUSES = ['to_study', 'accepted', 'rejected', 'done'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const PROPOSAL_STATUS_LABELS: Record<ProposalStatus, string> = {
  to_study: 'À étudier',
  accepted: 'Retenue',
  rejected: 'Non retenue',
  done: 'Réalisée',
};

export function proposalStatusLabel(status: string): string {
  return (PROPOSAL_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

const optionalId = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null));

export const proposalSchema = z.object({
  text: requiredText('Proposition', 2000),
  memberOrganisationId: optionalId,
  status: z.enum(PROPOSAL_STATUSES, { error: 'Statut : choisissez un statut de la liste.' }).default('to_study'),
  followUp: z
    .string()
    .trim()
    .max(4000, { error: 'Réponse apportée : 4 000 caractères au plus.' })
    .optional()
    .transform((v) => (v ? v : null)),
});
export type ProposalInput = z.infer<typeof proposalSchema>;

/** Mise à jour du suivi seul (depuis la réunion suivante) : le texte de la proposition ne change pas. */
export const proposalFollowUpSchema = proposalSchema.pick({ status: true, followUp: true });
