import { z } from 'zod';
import { MAIL_SECRET_PREFIX } from '../../config.ts';
import { checkbox, optionalText, requiredText } from '../../shared/validation.ts';

/** Nom d'une variable d'environnement qui porte un mot de passe de boîte (lue par `loadConfig`). */
export const MAIL_SECRET_NAME = /^VIGIE_MAIL_SECRET_[A-Z0-9_]+$/;

export const MIN_POLL_INTERVAL_SECONDS = 30;
export const MAX_POLL_INTERVAL_SECONDS = 86_400;

/** Champ de formulaire facultatif : vide = absent. */
function blankToUndefined(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

function portField(label: string) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `${label} : un nombre entier de 1 à 65535.` })
      .int({ error: `${label} : un nombre entier de 1 à 65535.` })
      .min(1, { error: `${label} : un nombre entier de 1 à 65535.` })
      .max(65_535, { error: `${label} : un nombre entier de 1 à 65535.` })
      .optional(),
  );
}

/** Nom d'hôte ou adresse IP, sans schéma ni chemin (« imap.interieur.gouv.fr », « 10.0.0.4 »). */
function hostField(label: string) {
  return optionalText(label, 253).pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]+\]?$/, {
        error: `${label} : un nom d’hôte (imap.exemple.gouv.fr) ou une adresse IP, sans « imap:// » ni chemin.`,
      })
      .optional(),
  );
}

/** Nom de variable valide par son préfixe, et définie sur le serveur (sinon la boîte ne marcherait pas). */
function secretEnvField(label: string, mailSecrets: Readonly<Record<string, string>>) {
  return optionalText(label, 120).pipe(
    z
      .string()
      .regex(MAIL_SECRET_NAME, {
        error: `${label} : le nom doit commencer par ${MAIL_SECRET_PREFIX} suivi de majuscules, chiffres ou « _ » (exemple : ${MAIL_SECRET_PREFIX}PREF_PUBLIC).`,
      })
      .refine((name) => mailSecrets[name] !== undefined, {
        error: (issue) =>
          `${label} : ${String(issue.input)} n’est pas définie sur le serveur. Ajoutez-la à l’environnement de Vigie et redémarrez, ou saisissez le mot de passe ici.`,
      })
      .optional(),
  );
}

/** Mot de passe saisi : jamais réaffiché ; vide = inchangé. Les espaces comptent. */
const passwordField = z.preprocess(
  (v) => (typeof v === 'string' && v === '' ? undefined : v),
  z.string().max(500, { error: 'Mot de passe : 500 caractères au plus.' }).optional(),
);

/** Le schéma dépend des variables `VIGIE_MAIL_SECRET_…` définies sur le serveur (`config.mailSecrets`). */
export function mailboxSchema(mailSecrets: Readonly<Record<string, string>>) {
  return z.object({
    // À la création seulement : une boîte ne change pas de sorte (ses messages ne sont pas lus pareil).
    kind: z.preprocess(
      blankToUndefined,
      z
        .enum(['functional', 'mystery'], {
          error: 'Type de boîte : choisissez « boîte fonctionnelle » ou « boîte des enquêtes mystère ».',
        })
        .default('functional'),
    ),
    // Obligatoire pour une boîte fonctionnelle (contrôlé avec la sorte dans le service).
    serviceId: z.preprocess(blankToUndefined, z.string().trim().optional()),
    label: requiredText('Libellé', 120),
    address: z
      .string({ error: 'Adresse d’expédition : champ obligatoire.' })
      .trim()
      .toLowerCase()
      .min(1, { error: 'Adresse d’expédition : champ obligatoire.' })
      .pipe(z.email({ error: 'Adresse d’expédition invalide (exemple : pref-public@puy-de-dome.gouv.fr).' })),
    displayName: requiredText('Nom affiché', 120),
    imapHost: hostField('Serveur IMAP'),
    imapPort: portField('Port IMAP'),
    imapTls: checkbox,
    imapUser: optionalText('Utilisateur IMAP', 254),
    imapFolder: optionalText('Dossier IMAP', 200),
    imapSecretEnv: secretEnvField('Variable du mot de passe IMAP', mailSecrets),
    imapPassword: passwordField,
    pollIntervalSeconds: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: `Intervalle de relève : un nombre entier de secondes, au moins ${MIN_POLL_INTERVAL_SECONDS}.` })
        .int({ error: `Intervalle de relève : un nombre entier de secondes, au moins ${MIN_POLL_INTERVAL_SECONDS}.` })
        .min(MIN_POLL_INTERVAL_SECONDS, {
          error: `Intervalle de relève : au moins ${MIN_POLL_INTERVAL_SECONDS} secondes (le serveur de messagerie n’aime pas être interrogé plus souvent).`,
        })
        .max(MAX_POLL_INTERVAL_SECONDS, { error: 'Intervalle de relève : une journée (86 400 secondes) au plus.' })
        .default(60),
    ),
    intakeEnabled: checkbox,
    smtpHost: hostField('Relais SMTP'),
    smtpPort: portField('Port SMTP'),
    smtpTls: checkbox,
    smtpUser: optionalText('Utilisateur SMTP', 254),
    smtpSecretEnv: secretEnvField('Variable du mot de passe SMTP', mailSecrets),
    smtpPassword: passwordField,
  });
}

export type MailboxInput = z.infer<ReturnType<typeof mailboxSchema>>;
