import { z } from 'zod';
import { optionalText, requiredText } from '../../shared/validation.ts';
import { MYSTERY_CHANNELS } from './mystery-plan.ts';

export const channelField = z.enum(MYSTERY_CHANNELS, { error: 'Canal : choisissez « appel » ou « courriel ».' });

/** Un scénario : l'objet n'a de sens que pour un courriel, où il est obligatoire (c'est l'objet envoyé). */
export const scenarioSchema = z
  .object({
    channel: channelField,
    label: requiredText('Intitulé', 200),
    subject: optionalText('Objet du courriel', 200),
    body: requiredText('Texte', 5000),
    serviceId: optionalText('Service', 100),
  })
  .superRefine((data, issue) => {
    if (data.channel === 'email' && !data.subject) {
      issue.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'Objet du courriel : obligatoire pour un scénario de courriel (c’est l’objet du message envoyé).',
      });
    }
  });
export type ScenarioInput = z.infer<typeof scenarioSchema>;
