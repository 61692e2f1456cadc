import { z } from 'zod';
import { resolveSoffice } from './shared/office-pdf.ts';

/**
 * Seul lecteur de l'environnement. Chaque variable est documentée dans `.env.example` et
 * docs/exploitation.md ; une valeur invalide arrête le démarrage avec un message français.
 */
const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'oui', 'non', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'oui');

const schema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  DATABASE_URL: z.string().min(1).default('./data/vigie.sqlite'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  VIGIE_SECRET_KEY: z.string().optional(),
  TRUST_PROXY: booleanFlag.default(false),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(72).default(10),
  AUDIT_PERSONAL_DATA_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(30)
    .max(3650)
    .default(365 * 3),
  CASE_PERSONAL_DATA_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(24),
  SURVEY_COMMENT_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(24),
  CLU_MEMBER_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  PUBLIC_SURVEY_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000_000).default(30),
  JOBS_ENABLED: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIE_SOFFICE: z.string().optional(),
});

export interface Config {
  env: 'production' | 'development' | 'test';
  databaseUrl: string;
  port: number;
  host: string;
  publicUrl: string;
  /** Clé secrète : empreintes HMAC des jetons de session et d'API (la changer ferme toutes les sessions). */
  secretKey: string;
  secretKeyIsDevelopment: boolean;
  trustProxy: boolean;
  secureCookies: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  auditPersonalDataRetentionDays: number;
  /** Mois après la clôture d'un dossier du registre au-delà desquels ses données personnelles sont effacées. */
  casePersonalDataRetentionMonths: number;
  /** Mois après la fin d'une campagne d'enquête au-delà desquels ses commentaires libres sont effacés. */
  surveyCommentRetentionMonths: number;
  /** Mois après le retrait d'un membre du CLU au-delà desquels ses coordonnées sont effacées. */
  cluMemberRetentionMonths: number;
  /** Tentatives de connexion par adresse IP et par minute (en plus du verrouillage du compte). */
  loginRateLimitPerMinute: number;
  /** Envois du formulaire public d'enquête par adresse IP en 10 minutes. */
  publicSurveyRateLimit: number;
  jobsEnabled: boolean;
  logLevel: string;
  /**
   * `soffice` de LibreOffice (`VIGIE_SOFFICE`, sinon cherché dans le PATH) pour proposer le support du CLU
   * en PDF ; `null` : LibreOffice absent, le PDF n'est pas proposé.
   */
  soffice: string | null;
  /** Mots de passe des boîtes fonctionnelles, par nom de variable (`VIGIE_MAIL_SECRET_…`). */
  mailSecrets: Readonly<Record<string, string>>;
}

/** Préfixe des variables qui portent les mots de passe IMAP/SMTP des boîtes fonctionnelles. */
export const MAIL_SECRET_PREFIX = 'VIGIE_MAIL_SECRET_';

const DEVELOPMENT_SECRET_KEY = 'vigie-development-key-never-use-in-production';

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `- ${issue.path.join('.')} : valeur invalide (${issue.message})`);
    throw new ConfigError(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  const production = v.NODE_ENV === 'production';
  if (production) {
    const missing: string[] = [];
    if (!v.VIGIE_SECRET_KEY || v.VIGIE_SECRET_KEY.length < 32)
      missing.push('VIGIE_SECRET_KEY (au moins 32 caractères aléatoires)');
    if (!v.PUBLIC_URL) missing.push('PUBLIC_URL (adresse https publique du service)');
    else if (!v.PUBLIC_URL.startsWith('https://')) missing.push('PUBLIC_URL doit commencer par https:// en production');
    if (missing.length > 0) {
      throw new ConfigError(`Démarrage refusé en production, variables manquantes ou invalides :\n- ${missing.join('\n- ')}`);
    }
  }
  const publicUrl = (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/$/, '');
  return {
    env: v.NODE_ENV,
    databaseUrl: v.DATABASE_URL,
    port: v.PORT,
    host: v.HOST,
    publicUrl,
    // Hors production seulement : une clé de développement connue, signalée au démarrage.
    secretKey: v.VIGIE_SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
    secretKeyIsDevelopment: !v.VIGIE_SECRET_KEY,
    trustProxy: v.TRUST_PROXY,
    secureCookies: publicUrl.startsWith('https://'),
    sessionIdleMinutes: v.SESSION_IDLE_MINUTES,
    sessionMaxHours: v.SESSION_MAX_HOURS,
    auditPersonalDataRetentionDays: v.AUDIT_PERSONAL_DATA_RETENTION_DAYS,
    casePersonalDataRetentionMonths: v.CASE_PERSONAL_DATA_RETENTION_MONTHS,
    surveyCommentRetentionMonths: v.SURVEY_COMMENT_RETENTION_MONTHS,
    cluMemberRetentionMonths: v.CLU_MEMBER_RETENTION_MONTHS,
    loginRateLimitPerMinute: v.LOGIN_RATE_LIMIT_PER_MINUTE,
    publicSurveyRateLimit: v.PUBLIC_SURVEY_RATE_LIMIT,
    jobsEnabled: v.JOBS_ENABLED,
    logLevel: v.LOG_LEVEL,
    soffice: resolveSoffice(v.VIGIE_SOFFICE, env.PATH),
    mailSecrets: Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] =>
          /^VIGIE_MAIL_SECRET_[A-Z0-9_]+$/.test(entry[0]) && typeof entry[1] === 'string' && entry[1] !== '',
      ),
    ),
  };
}
