import { z } from 'zod';
import { checkbox, emailField, list, optionalText, requiredText } from '../../shared/validation.ts';
import { ROLES } from './roles.ts';

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ error: 'Mot de passe : champ obligatoire.' }).min(1, { error: 'Mot de passe : champ obligatoire.' }),
});

export const createMemberSchema = z.object({
  email: emailField,
  displayName: optionalText('Nom affiché', 120),
  role: z.enum(ROLES, { error: 'Rôle : choisissez un rôle dans la liste.' }),
  serviceIds: list(z.string()),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, { error: 'Mot de passe actuel : champ obligatoire.' }),
    newPassword: z.string().min(1, { error: 'Nouveau mot de passe : champ obligatoire.' }),
    confirmPassword: z.string().min(1, { error: 'Confirmation : champ obligatoire.' }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ['confirmPassword'],
    error: 'La confirmation ne correspond pas au nouveau mot de passe.',
  });

export const apiTokenSchema = z.object({ name: requiredText('Nom du jeton', 80) });

/** Préférences de « Mon compte » : le récapitulatif quotidien, la fonction (signature individuelle). */
export const preferencesSchema = z.object({
  reminderDigest: checkbox,
  jobTitle: optionalText('Fonction', 120),
});
