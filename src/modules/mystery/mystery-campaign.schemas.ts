import { z } from 'zod';
import { requiredText } from '../../shared/validation.ts';
import { MAX_YEAR, MIN_YEAR, parseCivilDate } from '../calendar/civil-date.ts';
import type { HalfDay, MysteryChannel } from './mystery-plan.ts';

/** Les canaux d'une campagne tels que la colonne `channels` les garde. */
export const CAMPAIGN_CHANNELS = ['call', 'email', 'call,email'] as const;
export type CampaignChannels = (typeof CAMPAIGN_CHANNELS)[number];
export const CAMPAIGN_CHANNEL_LABELS: Record<CampaignChannels, string> = {
  call: 'Appels',
  email: 'Courriels',
  'call,email': 'Appels et courriels',
};

export function channelsOf(value: string): MysteryChannel[] {
  return value.split(',').filter((c): c is MysteryChannel => c === 'call' || c === 'email');
}

export const CAMPAIGN_STATUSES = ['draft', 'confirmed', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: 'En préparation',
  confirmed: 'Confirmée',
  closed: 'Close',
};

function dateField(label: string) {
  return z
    .string({ error: `${label} : champ obligatoire.` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire.` })
    .refine(
      (v) => {
        const parsed = parseCivilDate(v);
        return parsed !== undefined && parsed.year >= MIN_YEAR && parsed.year <= MAX_YEAR;
      },
      { error: `${label} : date impossible ou mal formée (AAAA-MM-JJ, entre ${MIN_YEAR} et ${MAX_YEAR}).` },
    );
}

export const campaignHeadSchema = z.object({
  name: requiredText('Nom de la campagne', 200),
  channels: z.enum(CAMPAIGN_CHANNELS, { error: 'Canaux : choisissez appels, courriels ou les deux.' }),
  windowFrom: dateField('Début de la fenêtre'),
  windowTo: dateField('Fin de la fenêtre'),
  mysteryMailboxId: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
});
export type CampaignHeadInput = z.infer<typeof campaignHeadSchema>;

const PHONE = /^[+\d][\d .()-]{5,}$/;
const EMAIL = z.email();

/** Ligne « cible » du formulaire : `existing` (déjà retenue), `candidate` (suggérée), `new` (saisie libre). */
export interface TargetFormRow {
  index: number;
  kind: 'existing' | 'candidate' | 'new';
  id: string;
  include: boolean;
  channel: string;
  label: string;
  address: string;
  serviceId: string;
}

export interface EvaluatorFormRow {
  index: number;
  /** `agent` : un compte de la préfecture ; `external` : bénévole déjà retenu ; `new` : bénévole à ajouter. */
  kind: 'agent' | 'external' | 'new';
  id: string;
  include: boolean;
  userId: string;
  label: string;
}

function str(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

/** Les numéros de ligne présents dans le formulaire pour un préfixe (`target`, `evaluator`, `contact`). */
export function rowIndexes(body: Record<string, unknown>, prefix: string): number[] {
  const found = new Set<number>();
  const pattern = new RegExp(`^${prefix}_(\\d{1,4})_`);
  for (const key of Object.keys(body)) {
    const match = pattern.exec(key);
    if (match?.[1]) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

export function readTargetRows(body: Record<string, unknown>): TargetFormRow[] {
  return rowIndexes(body, 'target').map((index) => {
    const field = (name: string) => str(body, `target_${index}_${name}`).trim();
    const kind = field('kind');
    return {
      index,
      kind: kind === 'existing' || kind === 'candidate' ? kind : 'new',
      id: field('id'),
      include: kind === 'existing' || kind === 'candidate' ? field('include') === 'on' : field('label') !== '',
      channel: field('channel'),
      label: field('label'),
      address: field('address'),
      serviceId: field('serviceId'),
    };
  });
}

export function readEvaluatorRows(body: Record<string, unknown>): EvaluatorFormRow[] {
  return rowIndexes(body, 'evaluator').map((index) => {
    const field = (name: string) => str(body, `evaluator_${index}_${name}`).trim();
    const kind = field('kind');
    return {
      index,
      kind: kind === 'agent' || kind === 'external' ? kind : 'new',
      id: field('id'),
      include: kind === 'agent' || kind === 'external' ? field('include') === 'on' : field('label') !== '',
      userId: field('userId'),
      label: field('label'),
    };
  });
}

/** Les erreurs d'une cible retenue, par nom de champ du formulaire. */
export function targetRowErrors(row: TargetFormRow, serviceIds: ReadonlySet<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  const n = `target_${row.index}`;
  const where = row.label ? `Cible « ${row.label} »` : `Cible ${row.index + 1}`;
  if (row.channel !== 'call' && row.channel !== 'email') errors[`${n}_channel`] = `${where} : choisissez appel ou courriel.`;
  if (!row.label) errors[`${n}_label`] = `${where} : indiquez son nom (par exemple « Standard »).`;
  else if (row.label.length > 200) errors[`${n}_label`] = `${where} : 200 caractères au plus.`;
  if (row.channel === 'call' && !PHONE.test(row.address)) {
    errors[`${n}_address`] = `${where} : indiquez le numéro appelé (chiffres, espaces et « + » ; exemple : 04 73 98 63 63).`;
  }
  if (row.channel === 'email' && !EMAIL.safeParse(row.address.toLowerCase()).success) {
    errors[`${n}_address`] = `${where} : indiquez l’adresse électronique écrite (exemple : pref-etrangers@puy-de-dome.gouv.fr).`;
  }
  if (row.serviceId && !serviceIds.has(row.serviceId)) errors[`${n}_serviceId`] = `${where} : choisissez un service de la liste.`;
  return errors;
}

export function evaluatorRowErrors(row: EvaluatorFormRow): Record<string, string> {
  if (row.kind === 'agent') return {};
  if (row.label.length > 200) return { [`evaluator_${row.index}_label`]: 'Enquêteur : 200 caractères au plus.' };
  if (!row.label) return { [`evaluator_${row.index}_label`]: 'Enquêteur : indiquez son nom et sa préfecture d’origine.' };
  return {};
}

/** Ligne du plan saisie à la main. */
export interface ContactFormRow {
  index: number;
  kind: 'existing' | 'new';
  remove: boolean;
  channel: string;
  date: string;
  halfDay: string;
  targetId: string;
  evaluatorId: string;
  scenarioId: string;
}

export function readContactRows(body: Record<string, unknown>): ContactFormRow[] {
  return rowIndexes(body, 'contact').map((index) => {
    const field = (name: string) => str(body, `contact_${index}_${name}`).trim();
    return {
      index,
      kind: field('kind') === 'existing' ? 'existing' : 'new',
      remove: field('remove') === 'on',
      channel: field('channel'),
      date: field('date'),
      halfDay: field('halfDay'),
      targetId: field('targetId'),
      evaluatorId: field('evaluatorId'),
      scenarioId: field('scenarioId'),
    };
  });
}

/** Une ligne nouvelle sans date est une ligne laissée vide ; une ligne cochée « retirer » sort du plan. */
export function isKeptContact(row: ContactFormRow): boolean {
  if (row.remove) return false;
  return row.kind === 'existing' || row.date !== '';
}

export function isHalfDay(value: string): value is HalfDay {
  return value === 'am' || value === 'pm';
}
