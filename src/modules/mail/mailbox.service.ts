import { ImapFlow } from 'imapflow';
import type { Config } from '../../config.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError, type FieldErrors } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import type { MailboxTable } from './mail.table.ts';
import {
  countInboundMessagesOfMailbox,
  deleteMailbox as deleteMailboxRow,
  findMailbox,
  insertMailbox,
  listAllMailboxes,
  listInboundMessagesOfMailbox,
  type MailboxRow,
  updateMailbox as updateMailboxRow,
} from './mailbox.repository.ts';
import { type MailboxInput, mailboxSchema } from './mailbox.schemas.ts';
import { MissingMailboxSecret, mailboxCredentials } from './mailbox-credentials.ts';
import { describeSmtpError, verifySmtp } from './mailer.ts';
import { openSecret, sealSecret } from './secret-box.ts';

/** Une boîte telle que l'interface la voit : jamais de mot de passe, seulement d'où il vient. */
export interface MailboxSummary extends Omit<MailboxRow, 'imap_password_encrypted' | 'smtp_password_encrypted'> {
  service_name: string | null;
  imap_password_source: 'env' | 'stored' | null;
  smtp_password_source: 'env' | 'stored' | null;
  /** Ce qui empêche la boîte de fonctionner (variable absente du serveur, mot de passe illisible). */
  warnings: string[];
}

function passwordSource(env: string | null, sealed: string | null): 'env' | 'stored' | null {
  return env ? 'env' : sealed ? 'stored' : null;
}

function warningsOf(config: Config, row: MailboxRow): string[] {
  const warnings: string[] = [];
  for (const [what, env, sealed] of [
    ['Relève IMAP', row.imap_secret_env, row.imap_password_encrypted],
    ['Envoi SMTP', row.smtp_secret_env, row.smtp_password_encrypted],
  ] as const) {
    if (env && config.mailSecrets[env] === undefined)
      warnings.push(`${what} : la variable d’environnement ${env} n’est pas définie sur le serveur.`);
    else if (!env && sealed && openSecret(config.secretKey, sealed) === null)
      warnings.push(`${what} : le mot de passe enregistré est illisible (VIGIE_SECRET_KEY a changé) ; ressaisissez-le.`);
  }
  return warnings;
}

function summaryOf(config: Config, row: MailboxRow, services: { id: string; name: string }[]): MailboxSummary {
  const { imap_password_encrypted, smtp_password_encrypted, ...rest } = row;
  return {
    ...rest,
    service_name: services.find((s) => s.id === row.service_id)?.name ?? null,
    imap_password_source: passwordSource(row.imap_secret_env, imap_password_encrypted),
    smtp_password_source: passwordSource(row.smtp_secret_env, smtp_password_encrypted),
    warnings: warningsOf(config, row),
  };
}

/** Ce que l'audit garde d'une boîte : la configuration, jamais un mot de passe (même chiffré). */
function auditSnapshot(row: Omit<MailboxTable, 'id' | 'created_at' | 'updated_at' | 'kind'>) {
  return {
    serviceId: row.service_id,
    label: row.label,
    address: row.address,
    displayName: row.display_name,
    imapHost: row.imap_host,
    imapPort: row.imap_port,
    imapTls: row.imap_tls === 1,
    imapUser: row.imap_user,
    imapFolder: row.imap_folder,
    imapSecretEnv: row.imap_secret_env,
    imapPasswordStored: row.imap_password_encrypted !== null,
    pollIntervalSeconds: row.poll_interval_seconds,
    intakeEnabled: row.intake_enabled === 1,
    smtpHost: row.smtp_host,
    smtpPort: row.smtp_port,
    smtpTls: row.smtp_tls === 1,
    smtpUser: row.smtp_user,
    smtpSecretEnv: row.smtp_secret_env,
    smtpPasswordStored: row.smtp_password_encrypted !== null,
  };
}

export async function listMailboxSummaries(ctx: AppContext, organisationId: string): Promise<MailboxSummary[]> {
  const [rows, services] = await Promise.all([listAllMailboxes(ctx.db, organisationId), listServices(ctx.db, organisationId)]);
  return rows.map((row) => summaryOf(ctx.config, row, services));
}

async function existingMailbox(ctx: AppContext, organisationId: string, id: string): Promise<MailboxRow> {
  const row = await findMailbox(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Boîte fonctionnelle introuvable.');
  return row;
}

export async function getMailboxSummary(ctx: AppContext, organisationId: string, id: string): Promise<MailboxSummary> {
  const [row, services] = await Promise.all([existingMailbox(ctx, organisationId, id), listServices(ctx.db, organisationId)]);
  return summaryOf(ctx.config, row, services);
}

type Credential = { env: string | null; sealed: string | null };

/**
 * Mot de passe d'un protocole : la variable nommée, sinon le mot de passe saisi (chiffré), sinon
 * celui déjà enregistré. Les deux à la fois sont refusés.
 */
function credentialOf(
  config: Config,
  env: string | undefined,
  password: string | undefined,
  existing: Credential,
  passwordField: string,
  errors: FieldErrors,
): Credential {
  if (env && password !== undefined) {
    errors[passwordField] =
      'Mot de passe : saisissez soit le nom d’une variable d’environnement, soit le mot de passe, pas les deux.';
    return existing;
  }
  // Le schéma a déjà vérifié que la variable existe sur le serveur.
  if (env) return { env, sealed: null };
  if (password !== undefined) return { env: null, sealed: sealSecret(config.secretKey, password) };
  return existing;
}

/** Les colonnes d'une boîte depuis la saisie validée, avec les règles qui lient les champs entre eux. */
async function columnsOf(
  ctx: AppContext,
  organisationId: string,
  data: MailboxInput,
  existing: MailboxRow | undefined,
): Promise<Omit<MailboxTable, 'id' | 'created_at' | 'updated_at' | 'kind'>> {
  const errors: FieldErrors = {};
  const services = await listServices(ctx.db, organisationId);
  const mystery = (existing?.kind ?? data.kind) === 'mystery';
  // Une boîte mystère ne crée aucun dossier : sans service choisi, elle est rattachée au premier.
  const serviceId = data.serviceId ?? (mystery ? services[0]?.id : undefined);
  if (!serviceId) errors.serviceId = 'Service : choisissez un service.';
  else if (!services.some((s) => s.id === serviceId)) errors.serviceId = 'Service : choisissez un service de la liste.';
  const others = (await listAllMailboxes(ctx.db, organisationId)).filter((m) => m.id !== existing?.id);
  if (others.some((m) => m.address === data.address)) {
    throw new AppError('duplicate_mailbox_address', { address: `Une autre boîte utilise déjà l’adresse ${data.address}.` });
  }
  if (!data.imapHost && !data.smtpHost) {
    errors.imapHost = 'Renseignez au moins la relève (serveur IMAP) ou l’envoi (relais SMTP).';
  }

  const none: Credential = { env: null, sealed: null };
  let imap = none;
  if (data.imapHost) {
    if (data.imapPort === undefined) errors.imapPort = 'Port IMAP : champ obligatoire (993 en TLS, 143 sinon).';
    if (!data.imapUser) errors.imapUser = 'Utilisateur IMAP : champ obligatoire pour relever la boîte.';
    imap = credentialOf(
      ctx.config,
      data.imapSecretEnv,
      data.imapPassword,
      existing ? { env: existing.imap_secret_env, sealed: existing.imap_password_encrypted } : none,
      'imapPassword',
      errors,
    );
    if (!imap.env && !imap.sealed && !errors.imapPassword) {
      errors.imapPassword = 'Mot de passe IMAP : saisissez-le ou indiquez la variable d’environnement qui le porte.';
    }
  }
  let smtp = none;
  if (data.smtpHost) {
    if (data.smtpPort === undefined) errors.smtpPort = 'Port SMTP : champ obligatoire (587 ou 25, 465 en TLS).';
    if (data.smtpUser) {
      smtp = credentialOf(
        ctx.config,
        data.smtpSecretEnv,
        data.smtpPassword,
        existing ? { env: existing.smtp_secret_env, sealed: existing.smtp_password_encrypted } : none,
        'smtpPassword',
        errors,
      );
      if (!smtp.env && !smtp.sealed && !errors.smtpPassword) {
        errors.smtpPassword =
          'Mot de passe SMTP : saisissez-le, indiquez sa variable, ou videz l’utilisateur (relais sans authentification).';
      }
    }
  }
  if (Object.keys(errors).length > 0) throw new AppError('validation_failed', errors);

  const folder = data.imapFolder ?? 'INBOX';
  const imapHost = data.imapHost ?? null;
  const imapUser = data.imapHost ? (data.imapUser ?? null) : null;
  const imapPort = data.imapHost ? (data.imapPort ?? null) : null;
  // Autre serveur, compte ou dossier : les UID relevés ne veulent plus rien dire ; le Message-ID
  // garde de relever deux fois un même message.
  const sameSource =
    existing &&
    existing.imap_host === imapHost &&
    existing.imap_port === imapPort &&
    existing.imap_user === imapUser &&
    existing.imap_folder === folder;
  return {
    organisation_id: organisationId,
    service_id: serviceId ?? '',
    label: data.label,
    address: data.address,
    display_name: data.displayName,
    imap_host: imapHost,
    imap_port: imapPort,
    imap_tls: data.imapTls ? 1 : 0,
    imap_user: imapUser,
    imap_folder: folder,
    imap_secret_env: imap.env,
    imap_password_encrypted: imap.sealed,
    poll_interval_seconds: data.pollIntervalSeconds,
    intake_enabled: data.intakeEnabled ? 1 : 0,
    smtp_host: data.smtpHost ?? null,
    smtp_port: data.smtpHost ? (data.smtpPort ?? null) : null,
    smtp_tls: data.smtpTls ? 1 : 0,
    smtp_user: data.smtpHost ? (data.smtpUser ?? null) : null,
    smtp_secret_env: smtp.env,
    smtp_password_encrypted: smtp.sealed,
    uid_validity: sameSource ? existing.uid_validity : null,
    last_uid: sameSource ? existing.last_uid : 0,
    last_polled_at: existing?.last_polled_at ?? null,
    last_error: sameSource ? existing.last_error : null,
    last_error_at: sameSource ? existing.last_error_at : null,
  };
}

export async function createMailbox(
  ctx: AppContext,
  organisationId: string,
  input: unknown,
  actor: Actor,
): Promise<{ id: string }> {
  const data = validate(mailboxSchema(ctx.config.mailSecrets), input);
  const columns = await columnsOf(ctx, organisationId, data, undefined);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertMailbox(trx, { id, ...columns, kind: data.kind, created_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mailbox.created',
      entityType: 'mailbox',
      entityId: id,
      summary: `${data.kind === 'mystery' ? 'Boîte des enquêtes mystère' : 'Boîte fonctionnelle'} ${columns.address} ajoutée`,
      after: { ...auditSnapshot(columns), kind: data.kind },
    });
  });
  return { id };
}

export async function updateMailbox(ctx: AppContext, organisationId: string, id: string, input: unknown, actor: Actor) {
  const existing = await existingMailbox(ctx, organisationId, id);
  const data = validate(mailboxSchema(ctx.config.mailSecrets), input);
  const columns = await columnsOf(ctx, organisationId, data, existing);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateMailboxRow(trx, organisationId, id, { ...columns, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mailbox.updated',
      entityType: 'mailbox',
      entityId: id,
      summary: `Boîte fonctionnelle ${columns.address} modifiée`,
      before: auditSnapshot(existing),
      after: auditSnapshot(columns),
    });
  });
}

/**
 * Suppression refusée dès que la boîte a relevé des messages : leur trace (Message-ID, UID) est ce
 * qui empêche de les relever deux fois ; il faut arrêter la relève plutôt que supprimer la boîte.
 */
export async function deleteMailbox(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const existing = await existingMailbox(ctx, organisationId, id);
  const inboundCount = await countInboundMessagesOfMailbox(ctx.db, organisationId, id);
  if (inboundCount > 0) throw new AppError('mailbox_has_messages');
  await ctx.db.transaction().execute(async (trx) => {
    await deleteMailboxRow(trx, organisationId, id);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mailbox.deleted',
      entityType: 'mailbox',
      entityId: id,
      summary: `Boîte fonctionnelle ${existing.address} supprimée`,
      before: auditSnapshot(existing),
    });
  });
}

// ——— Test de connexion ———

export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

export interface ProbeResult {
  ok: boolean;
  message: string;
}

interface ImapError extends Error {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
}

/** Raison française d'un échec IMAP, suivie du détail technique. */
export function describeImapError(error: unknown): string {
  if (error instanceof MissingMailboxSecret) return error.message;
  const e = (error instanceof Error ? error : new Error(String(error))) as ImapError;
  let reason: string;
  if (e.authenticationFailed) reason = 'Identifiants IMAP refusés : vérifiez l’utilisateur et le mot de passe';
  else if (e.code === 'ECONNREFUSED') reason = 'Serveur IMAP injoignable : connexion refusée (serveur arrêté ou port fermé)';
  else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reason = 'Serveur IMAP introuvable : le nom d’hôte ne se résout pas';
  else if (e.code && /TIMEOUT/.test(e.code)) reason = 'Délai dépassé : le serveur IMAP n’a pas répondu à temps';
  else if (e.tlsFailed) reason = 'Échec de la négociation TLS avec le serveur IMAP';
  else reason = 'Échec de la connexion IMAP';
  const detail = [e.code, e.responseText ?? e.message].filter(Boolean).join(' : ');
  return `${reason}. Détail technique : ${detail}`.slice(0, 1000);
}

async function probeImap(config: Config, mailbox: MailboxRow, timeoutMs: number): Promise<ProbeResult> {
  let client: ImapFlow | undefined;
  try {
    const { imapPassword } = mailboxCredentials(config, mailbox);
    client = new ImapFlow({
      host: mailbox.imap_host ?? '',
      port: mailbox.imap_port ?? 993,
      secure: mailbox.imap_tls === 1,
      auth: { user: mailbox.imap_user ?? '', pass: imapPassword ?? '' },
      logger: false,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    // Une erreur de socket après coup ne doit pas faire tomber le processus.
    client.on('error', () => undefined);
    await client.connect();
    const status = await client.status(mailbox.imap_folder, { messages: true }).catch(() => false as const);
    await client.logout();
    if (!status) {
      return {
        ok: false,
        message: `Connexion IMAP réussie, mais le dossier « ${mailbox.imap_folder} » est introuvable sur le serveur.`,
      };
    }
    return {
      ok: true,
      message: `Connexion IMAP réussie : ${mailbox.imap_user} sur ${mailbox.imap_host}:${mailbox.imap_port}, dossier « ${mailbox.imap_folder} » (${status.messages ?? 0} message${(status.messages ?? 0) > 1 ? 's' : ''}).`,
    };
  } catch (error) {
    client?.close();
    return { ok: false, message: describeImapError(error) };
  }
}

async function probeSmtp(config: Config, mailbox: MailboxRow, timeoutMs: number): Promise<ProbeResult> {
  try {
    await verifySmtp(config, mailbox, { timeoutMs });
    return {
      ok: true,
      message: `Relais SMTP joignable : ${mailbox.smtp_host}:${mailbox.smtp_port}${mailbox.smtp_user ? `, authentification de ${mailbox.smtp_user} acceptée` : ', sans authentification'}.`,
    };
  } catch (error) {
    return { ok: false, message: describeSmtpError(error) };
  }
}

/** « Tester la connexion » : connexion IMAP (et le dossier), puis vérification SMTP, sans rien relever ni envoyer. */
export async function testMailboxConnection(
  ctx: AppContext,
  organisationId: string,
  id: string,
  options: { timeoutMs?: number } = {},
): Promise<{ imap: ProbeResult | null; smtp: ProbeResult | null }> {
  const mailbox = await existingMailbox(ctx, organisationId, id);
  const timeoutMs = options.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS;
  const [imap, smtp] = await Promise.all([
    mailbox.imap_host ? probeImap(ctx.config, mailbox, timeoutMs) : null,
    mailbox.smtp_host ? probeSmtp(ctx.config, mailbox, timeoutMs) : null,
  ]);
  return { imap, smtp };
}

// ——— Journal des messages relevés ———

export const INBOUND_PAGE_SIZE = 50;

export async function inboundMessagesPage(ctx: AppContext, organisationId: string, mailboxId: string, page: number) {
  const mailbox = await getMailboxSummary(ctx, organisationId, mailboxId);
  const total = await countInboundMessagesOfMailbox(ctx.db, organisationId, mailboxId);
  const pageCount = Math.max(1, Math.ceil(total / INBOUND_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = await listInboundMessagesOfMailbox(
    ctx.db,
    organisationId,
    mailboxId,
    INBOUND_PAGE_SIZE,
    (current - 1) * INBOUND_PAGE_SIZE,
  );
  return { mailbox, rows, total, page: current, pageCount };
}
