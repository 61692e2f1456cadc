import { z } from 'zod';
import { requiredText } from '../../shared/validation.ts';
import { isValidCivilDate } from '../calendar/civil-date.ts';
import { COLLECTION_MODES } from './collection-mode.ts';

function localDate(label: string) {
  return z
    .string({ error: `${label} : champ obligatoire.` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire.` })
    .refine(isValidCivilDate, { error: `${label} : date impossible ou mal formée (AAAA-MM-JJ).` });
}

/** Campagne : nom, version précise d'un questionnaire, période en dates locales incluses. */
export const campaignSchema = z
  .object({
    name: requiredText('Nom', 150),
    questionnaireId: z
      .string({ error: 'Questionnaire : choisissez un questionnaire.' })
      .trim()
      .min(1, { error: 'Questionnaire : choisissez un questionnaire.' }),
    startsOn: localDate('Début'),
    endsOn: localDate('Fin'),
  })
  .refine((c) => c.startsOn <= c.endsOn, {
    path: ['endsOn'],
    error: 'Fin : la campagne doit finir le jour de son début ou après.',
  });

export type CampaignInput = z.infer<typeof campaignSchema>;

export const collectionPointSchema = z.object({
  label: requiredText('Libellé', 120),
  mode: z.enum(COLLECTION_MODES, { error: 'Mode de collecte : borne, QR code, papier ou téléphone.' }),
});

export type CollectionPointInput = z.infer<typeof collectionPointSchema>;
