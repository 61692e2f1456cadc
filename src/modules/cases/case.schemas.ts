import { z } from 'zod';
import { list, optionalText } from '../../shared/validation.ts';
import { AUDIENCES, CASE_CHANNELS, CASE_KINDS, UPDATE_TARGETS } from './vocabulary.ts';

const kind = z.enum(CASE_KINDS, { error: 'Nature : choisissez une nature dans la liste.' });
const channel = z.enum(CASE_CHANNELS, { error: 'Canal : choisissez un canal dans la liste.' });
const moment = (label: string) =>
  z
    .string({ error: `${label} : champ obligatoire.` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire.` })
    .max(40, { error: `${label} : 40 caractères au plus.` });
const optionalMoment = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((v) => (v ? v : undefined));
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const newCaseSchema = z.object({
  kind,
  channel,
  audience: z.preprocess(emptyToUndefined, z.enum(AUDIENCES, { error: 'Public : usager ou collectivité.' }).default('public')),
  target: z.preprocess(emptyToUndefined, z.enum(UPDATE_TARGETS, { error: 'Cible : svi ou website.' }).optional()),
  serviceId: optionalText('Service', 60),
  receivedAt: moment('Date de réception'),
  depositedAt: optionalMoment,
  requesterName: optionalText('Nom du demandeur', 200),
  requesterEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(200)
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.email({ error: 'Adresse électronique du demandeur invalide.' }).optional()),
  requesterAddress: optionalText('Adresse postale', 500),
  subject: optionalText('Objet', 300),
  body: optionalText('Texte', 20_000),
  themeIds: list(z.string().max(60)),
});
export type NewCaseInput = z.input<typeof newCaseSchema>;

export const answerSchema = z.object({
  answeredAt: moment('Date de réponse'),
  answerChannel: channel,
  answerText: optionalText('Réponse', 60_000),
  followUp: optionalText('Suites données', 5_000),
});

export const reclassifySchema = z.object({
  kind,
  channel,
  audience: z.preprocess(emptyToUndefined, z.enum(AUDIENCES, { error: 'Public : usager ou collectivité.' }).default('public')),
  target: z.preprocess(emptyToUndefined, z.enum(UPDATE_TARGETS, { error: 'Cible : svi ou website.' }).optional()),
  reason: optionalText('Motif', 1_000),
});

export const reassignSchema = z.object({
  serviceId: z.string({ error: 'Service : choisissez un service.' }).trim().min(1, { error: 'Service : choisissez un service.' }),
  reorient: z.preprocess((v) => v === 'on' || v === '1' || v === true, z.boolean()).default(false),
  note: optionalText('Motif', 1_000),
});

export const appointmentSchema = z.object({
  fixedAt: optionalMoment,
  heldAt: optionalMoment,
});
