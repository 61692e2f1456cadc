import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../../config.ts';
import type { OutgoingPurpose } from './mail.table.ts';
import type { MailboxRow } from './mailbox.repository.ts';
import { MissingMailboxSecret, mailboxCredentials } from './mailbox-credentials.ts';
import type { OutgoingMailRow } from './outgoing-mail.repository.ts';

/**
 * Envoi SMTP d'une boîte fonctionnelle (nodemailer). Délais d'attente courts : un relais muet ne
 * bloque pas la file, l'essai échoue et une reprise est programmée.
 */
export const SMTP_TIMEOUT_MS = 15_000;

export interface TransportOptions {
  /** Délai de connexion, de salut et d'inactivité du socket (15 s par défaut). */
  timeoutMs?: number;
}

export type MailTransport = Transporter;

/** La boîte n'a pas de relais SMTP : rien ne peut partir par elle. */
export class SmtpNotConfigured extends Error {}

export interface StoredAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/** Transport SMTP d'une boîte ; le mot de passe vient de la variable nommée ou de la colonne chiffrée. */
export function createMailTransport(config: Config, mailbox: MailboxRow, options: TransportOptions = {}): MailTransport {
  if (!mailbox.smtp_host || !mailbox.smtp_port) {
    throw new SmtpNotConfigured(`La boîte ${mailbox.address} n’a pas de relais SMTP configuré.`);
  }
  const timeout = options.timeoutMs ?? SMTP_TIMEOUT_MS;
  const { smtpPassword } = mailboxCredentials(config, mailbox);
  return nodemailer.createTransport({
    host: mailbox.smtp_host,
    port: mailbox.smtp_port,
    // 1 : TLS dès la connexion (465) ; 0 : STARTTLS si le relais le propose (587, 25).
    secure: mailbox.smtp_tls === 1,
    ...(mailbox.smtp_user ? { auth: { user: mailbox.smtp_user, pass: smtpPassword ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    logger: false,
  });
}

/**
 * RFC 3834 : un accusé ou un avis automatique se déclare comme tel, pour que les répondeurs des
 * usagers ne lui répondent pas (et qu'il n'y ait pas de boucle avec notre propre relève). Une
 * réponse écrite par un agent n'en porte pas.
 */
export function autoSubmittedOf(purpose: OutgoingPurpose): string | null {
  if (purpose === 'acknowledgment' || purpose === 'reorientation') return 'auto-replied';
  if (purpose === 'reminder') return 'auto-generated';
  return null;
}

/** Le message tel qu'il part : Message-ID de la ligne (le même à chaque essai), fil, pièces jointes. */
export function composeMessage(row: OutgoingMailRow, mailbox: MailboxRow, date: Date): SendMailOptions {
  const attachments: StoredAttachment[] = row.attachments_json ? (JSON.parse(row.attachments_json) as StoredAttachment[]) : [];
  const autoSubmitted = autoSubmittedOf(row.purpose);
  const references = row.references_header?.split(/\s+/).filter(Boolean) ?? [];
  return {
    from: { name: mailbox.display_name, address: mailbox.address },
    to: row.to_name ? { name: row.to_name, address: row.to_address } : row.to_address,
    envelope: { from: mailbox.address, to: [row.to_address] },
    subject: row.subject,
    text: row.body_text,
    messageId: row.message_id,
    date,
    ...(row.in_reply_to ? { inReplyTo: row.in_reply_to } : {}),
    ...(references.length > 0 ? { references } : {}),
    ...(autoSubmitted ? { headers: { 'Auto-Submitted': autoSubmitted } } : {}),
    attachments: attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.contentBase64, 'base64'),
    })),
  };
}

interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Raison française d'un échec SMTP, suivie du détail technique (pour l'admin et la file). */
export function describeSmtpError(error: unknown): string {
  if (error instanceof MissingMailboxSecret || error instanceof SmtpNotConfigured) return error.message;
  const e = (error instanceof Error ? error : new Error(String(error))) as SmtpError;
  const system = e.originalCode ?? e.code;
  let reason: string;
  if (e.code === 'ETIMEDOUT' || system === 'ETIMEDOUT') reason = 'Délai dépassé : le relais SMTP n’a pas répondu à temps';
  else if (system === 'ECONNREFUSED') reason = 'Relais SMTP injoignable : connexion refusée (serveur arrêté ou port fermé)';
  else if (e.code === 'EDNS' || system === 'ENOTFOUND' || system === 'EAI_AGAIN')
    reason = 'Relais SMTP introuvable : le nom d’hôte ne se résout pas';
  else if (e.code === 'EAUTH') reason = 'Authentification SMTP refusée : vérifiez l’utilisateur et le mot de passe de la boîte';
  else if (e.code === 'ETLS') reason = 'Échec de la négociation TLS avec le relais SMTP';
  else if (e.code === 'EENVELOPE') {
    reason =
      e.command === 'MAIL FROM' ? 'Le relais SMTP a refusé l’adresse d’expédition' : 'Le relais SMTP a refusé le destinataire';
  } else if (e.code === 'EMESSAGE') reason = 'Le relais SMTP a refusé le message (taille ou contenu)';
  else if (e.code === 'ECONNECTION' || e.code === 'ESOCKET') reason = 'Connexion au relais SMTP interrompue ou impossible';
  else if (e.responseCode) reason = 'Le relais SMTP a refusé le message';
  else reason = 'Échec de l’envoi SMTP';
  const detail = [e.responseCode ? `code ${e.responseCode}` : '', e.message].filter(Boolean).join(' : ');
  return `${reason}. Détail technique : ${detail}`.slice(0, 1000);
}

/** Connexion, salut, TLS éventuel et authentification, sans rien envoyer (« Tester la connexion »). */
export async function verifySmtp(config: Config, mailbox: MailboxRow, options: TransportOptions = {}): Promise<void> {
  const transport = createMailTransport(config, mailbox, options);
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}
