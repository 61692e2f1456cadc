import { z } from 'zod';
import { AppError, type FieldErrors } from './errors.ts';

// Messages de validation par défaut en français ; les schémas précisent les leurs quand c'est utile.
z.config(z.locales.fr());

/** Valide à l'entrée ; en cas d'erreur, lève `validation_failed` avec un message par champ. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    fields[key] ??= issue.message;
  }
  throw new AppError('validation_failed', fields);
}

/** Champ texte de formulaire : espaces retirés, vide refusé avec un message clair. */
export function requiredText(label: string, max = 200) {
  return z
    .string({ error: `${label} : champ obligatoire.` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire.` })
    .max(max, { error: `${label} : ${max} caractères au plus.` });
}

export function optionalText(label: string, max = 200) {
  return z
    .string()
    .trim()
    .max(max, { error: `${label} : ${max} caractères au plus.` })
    .optional()
    .transform((v) => (v ? v : undefined));
}

export const emailField = z
  .string({ error: 'Adresse électronique : champ obligatoire.' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Adresse électronique invalide (exemple : prenom.nom@interieur.gouv.fr).' }));

/** Case à cocher HTML : présente = vraie. */
export const checkbox = z
  .union([z.literal('on'), z.literal('1'), z.literal('true'), z.literal(''), z.boolean()])
  .optional()
  .transform((v) => v === true || v === 'on' || v === '1' || v === 'true');

/** Une valeur ou une liste (un formulaire HTML envoie une liste quand plusieurs cases sont cochées). */
export function list<T extends z.ZodType>(item: T) {
  return z
    .union([item, z.array(item)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]) as z.infer<T>[]);
}
