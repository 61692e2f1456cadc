import type { Config } from '../../config.ts';
import type { MailboxRow } from './mailbox.repository.ts';
import { openSecret } from './secret-box.ts';

export interface MailboxCredentials {
  imapPassword: string | null;
  smtpPassword: string | null;
}

/** Raison lisible quand un mot de passe attendu manque : elle s'affiche sur la boîte et la file. */
export class MissingMailboxSecret extends Error {}

function resolve(config: Config, envName: string | null, sealed: string | null, what: string): string | null {
  if (envName) {
    const value = config.mailSecrets[envName];
    if (value === undefined)
      throw new MissingMailboxSecret(`${what} : la variable d’environnement ${envName} n’est pas définie sur le serveur.`);
    return value;
  }
  if (sealed) {
    const value = openSecret(config.secretKey, sealed);
    if (value === null)
      throw new MissingMailboxSecret(
        `${what} : le mot de passe enregistré est illisible (VIGIE_SECRET_KEY a changé) ; ressaisissez-le.`,
      );
    return value;
  }
  return null;
}

/** Mots de passe IMAP et SMTP d'une boîte : variable d'environnement nommée, sinon colonne chiffrée. */
export function mailboxCredentials(config: Config, mailbox: MailboxRow): MailboxCredentials {
  return {
    imapPassword: resolve(config, mailbox.imap_secret_env, mailbox.imap_password_encrypted, 'Relève IMAP'),
    smtpPassword: resolve(config, mailbox.smtp_secret_env, mailbox.smtp_password_encrypted, 'Envoi SMTP'),
  };
}
