import { z } from 'zod';
import { isValidCivilDate } from '../calendar/civil-date.ts';
import { MINUTES_TEXT_MAX } from './clu-minutes.ts';

/** Nombre de destinataires au plus : la liste du seed en compte une vingtaine. */
export const DISTRIBUTION_MAX_LINES = 100;
const SERVICE_MAX_LINES = 6;

/** Nom des champs d'un point de l'ordre du jour dans le formulaire. */
export function observationsField(key: string): string {
  return `observations_${key}`;
}
export function decisionsField(key: string): string {
  return `decisions_${key}`;
}

const thousands = (n: number) => new Intl.NumberFormat('fr-FR').format(n).replace(/\s/g, '\u202f');

function text(label: string, max: number) {
  return z
    .string()
    .optional()
    .transform((v) => (v ?? '').replace(/\r\n?/g, '\n').trim())
    .refine((v) => v.length <= max, { error: `${label} : ${thousands(max)} caractères au plus.` });
}

function lines(label: string, maxLines: number, maxLength: number) {
  return text(label, maxLength)
    .transform((v) =>
      v
        .split('\n')
        .map((l) => l.trim().replace(/^[-–•]\s*/, ''))
        .filter((l) => l !== ''),
    )
    .refine((v) => v.length <= maxLines, { error: `${label} : ${maxLines} lignes au plus.` })
    .refine((v) => v.every((l) => l.length <= 300), { error: `${label} : 300 caractères au plus par ligne.` });
}

/**
 * Le formulaire du compte rendu : en-tête, destinataires, et pour chaque point de l'ordre du jour ses
 * observations et décisions (longueur bornée, message français nommant le point).
 */
export function minutesFormSchema(items: readonly { key: string; title: string }[]) {
  const perItem: Record<string, ReturnType<typeof text>> = {};
  items.forEach((item, index) => {
    const name = `point ${index + 1} (« ${item.title.length > 50 ? `${item.title.slice(0, 50)}…` : item.title} »)`;
    perItem[observationsField(item.key)] = text(`Observations du ${name}`, MINUTES_TEXT_MAX);
    perItem[decisionsField(item.key)] = text(`Décisions du ${name}`, MINUTES_TEXT_MAX);
  });
  return z.object({
    documentDate: z
      .string({ error: 'Date du compte rendu : champ obligatoire.' })
      .trim()
      .refine(isValidCivilDate, { error: 'Date du compte rendu : date impossible ou mal formée (AAAA-MM-JJ).' }),
    serviceLines: lines('Service émetteur', SERVICE_MAX_LINES, 1000),
    followedByName: text('Affaire suivie par', 200),
    followedByPhone: text('Téléphone', 40),
    followedByEmail: text('Courriel', 200).refine((v) => v === '' || z.email().safeParse(v).success, {
      error: 'Courriel : adresse invalide (exemple : prenom.nom@allier.gouv.fr).',
    }),
    signatoryTitle: text('Qualité du signataire', 200),
    signatoryName: text('Nom du signataire', 200),
    distribution: lines('Destinataires', DISTRIBUTION_MAX_LINES, 20_000),
    enclosures: z
      .string()
      .optional()
      .transform((v) => (v ?? '').trim() || '0')
      .refine((v) => /^\d{1,2}$/.test(v), { error: 'Pièces jointes : un nombre entier de 0 à 99.' })
      .transform(Number),
    ...perItem,
  });
}
