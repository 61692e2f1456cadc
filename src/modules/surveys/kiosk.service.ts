/**
 * Bornes d'enquête (tablette dans le hall) : appairage par code à usage unique, jeton d'appareil, révocation,
 * et réception des réponses envoyées par la borne (idempotentes : `submitResponse`).
 *
 * Décisions :
 * - **Code d'appairage** : 8 caractères d'un alphabet sans confusion possible (ni 0/O, ni 1/I/L), soit
 *   31⁸ ≈ 8,5 × 10¹¹ codes, valable 15 minutes, à usage unique (la prise du code est une mise à jour
 *   conditionnelle : deux tablettes qui le saisissent en même temps n'en appairent qu'une), stocké en empreinte
 *   SHA-256. Avec la limite de débit de la saisie, le deviner est hors de portée.
 * - **Jeton d'appareil** : 32 octets aléatoires dans un cookie `HttpOnly` limité à `/borne`, stocké en
 *   empreinte. Il ne périme pas de lui-même : une borne reste appairée tant que le référent ne la révoque
 *   pas (une tablette fixée au mur ne doit pas cesser de collecter un lundi matin). Le cookie dure un an et
 *   est reposé à chaque ouverture de la borne.
 * - **Borne en mémoire courte** : l'appareil et son point, lus pour chaque réponse, sont gardés au plus 2 s
 *   (`point-cache.ts`) ; la révocation dans le processus les oublie aussitôt : l'envoi suivant est refusé.
 *   Une révocation faite par un autre processus est vue au plus 2 s après.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { getCollectionPoint } from './campaign.service.ts';
import {
  claimPairingCode,
  findDeviceByTokenHash,
  findPairingCodeByHash,
  findPointDevice,
  insertDevice,
  insertPairingCode,
  type KioskDeviceRow,
  listPointDevices,
  revokeDeviceRow,
  touchDevice,
} from './kiosk.repository.ts';
import { forgetCollectionPoints, pointCacheOf } from './point-cache.ts';
import { findTargetByPointId } from './response.repository.ts';
import { type CollectionPoint, publicPointOf, type SubmitResult, submitResponse } from './response.service.ts';

/** Sans 0/O, 1/I/L : un code lu sur un écran et tapé sur une tablette. */
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_CODE_TTL_MS = 15 * 60 * 1000;
/** Durée du cookie de la borne, reposé à chaque ouverture (voir les décisions en tête du fichier). */
export const KIOSK_COOKIE_MAX_AGE_S = 365 * 24 * 3600;
/** La date de dernière activité n'est réécrite qu'au-delà de cet écart : pas une écriture par réponse. */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface KioskSession {
  device: KioskDeviceRow;
  point: CollectionPoint;
}

/** « abcd-efgh », « ABCD EFGH » → « ABCDEFGH ». */
export function normalizePairingCode(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

/** « ABCDEFGH » → « ABCD-EFGH » (affichage). */
export function formatPairingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}

async function kioskPointOf(ctx: AppContext, organisationId: string, campaignId: string, pointId: string) {
  const found = await getCollectionPoint(ctx, organisationId, campaignId, pointId);
  if (found.point.mode !== 'kiosk') throw new AppError('not_found', {}, 'Ce point de collecte n’est pas une borne.');
  return found;
}

/** Crée un code d'appairage pour un point « borne » de l'organisation ; le code en clair n'est rendu qu'ici. */
export async function createPairingCode(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  pointId: string,
  actor: Actor,
): Promise<{ code: string; expiresAt: string }> {
  const { campaign, point } = await kioskPointOf(ctx, organisationId, campaignId, pointId);
  if (point.archived_at) throw new AppError('kiosk_not_a_kiosk');
  const now = ctx.clock.now();
  const code = newPairingCode();
  const expiresAt = new Date(now.getTime() + PAIRING_CODE_TTL_MS).toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertPairingCode(trx, {
      id: newId(),
      organisation_id: organisationId,
      collection_point_id: pointId,
      code_hash: sha256(code),
      expires_at: expiresAt,
      used_at: null,
      created_by_user_id: actor.userId,
      created_at: now.toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'kiosk_pairing_code.created',
      entityType: 'survey_collection_point',
      entityId: pointId,
      summary: `Code d’appairage créé pour la borne « ${point.label} » (campagne « ${campaign.name} »)`,
    });
  });
  return { code, expiresAt };
}

const pairSchema = z.object({
  code: z
    .string({ error: 'Code d’appairage : champ obligatoire.' })
    .transform(normalizePairingCode)
    .pipe(
      z
        .string()
        .min(1, { error: 'Code d’appairage : champ obligatoire.' })
        .regex(/^[A-Z0-9]{8}$/, { error: 'Code d’appairage : 8 lettres et chiffres, par exemple ABCD-EF23.' }),
    ),
  label: z
    .string()
    .trim()
    .max(80, { error: 'Nom de la borne : 80 caractères au plus.' })
    .optional()
    .transform((v) => v || undefined),
});

function refused(message: string): AppError {
  return new AppError('kiosk_pairing_invalid', { code: message });
}

/** Appaire une tablette avec un code : rend le jeton d'appareil (à poser en cookie), jamais stocké en clair. */
export async function pairKiosk(
  ctx: AppContext,
  input: unknown,
): Promise<{ token: string; device: KioskDeviceRow; pointLabel: string }> {
  const data = validate(pairSchema, input);
  const now = ctx.clock.now();
  const pairing = await findPairingCodeByHash(ctx.db, sha256(data.code));
  if (!pairing) throw refused('Code inconnu : vérifiez sa saisie (8 caractères, sans 0 ni O, sans 1 ni I).');
  if (pairing.used_at !== null) throw refused('Ce code a déjà servi : demandez un nouveau code au référent qualité.');
  if (pairing.expires_at <= now.toISOString()) {
    throw refused('Ce code a expiré (il est valable 15 minutes) : demandez un nouveau code au référent qualité.');
  }
  const target = await findTargetByPointId(ctx.db, pairing.organisation_id, pairing.collection_point_id);
  if (!target || target.point_archived_at !== null || target.point_mode !== 'kiosk') throw new AppError('kiosk_not_a_kiosk');

  const token = randomToken(32);
  const id = newId();
  const device: KioskDeviceRow = {
    id,
    organisation_id: pairing.organisation_id,
    collection_point_id: pairing.collection_point_id,
    token_hash: sha256(token),
    label: data.label ?? `Tablette ${id.slice(0, 4).toUpperCase()}`,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    revoked_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    if ((await claimPairingCode(trx, pairing.id, now.toISOString())) !== 1) {
      throw refused('Ce code a déjà servi : demandez un nouveau code au référent qualité.');
    }
    await insertDevice(trx, device);
    await recordAudit(trx, ctx.clock, {
      organisationId: pairing.organisation_id,
      actor: { userId: null, label: `Borne « ${device.label} »` },
      action: 'kiosk_device.paired',
      entityType: 'kiosk_device',
      entityId: id,
      summary: `Borne « ${device.label} » appairée au point « ${target.point_label} » (campagne « ${target.campaign_name} »)`,
    });
  });
  return { token, device, pointLabel: target.point_label };
}

/** La borne d'un jeton d'appareil et son point de collecte ; absente : `kiosk_not_paired`, révoquée : `kiosk_revoked`. */
export async function kioskSession(ctx: AppContext, token: string | undefined): Promise<KioskSession> {
  if (!token) throw new AppError('kiosk_not_paired');
  const tokenHash = sha256(token);
  // Seule une borne en service est gardée : un refus (inconnue, révoquée, point archivé) est relu à chaque fois.
  const session = await pointCacheOf(ctx.db).get(`kiosk:${tokenHash}`, async (): Promise<KioskSession> => {
    const device = await findDeviceByTokenHash(ctx.db, tokenHash);
    if (!device) throw new AppError('kiosk_not_paired');
    if (device.revoked_at !== null) throw new AppError('kiosk_revoked');
    const target = await findTargetByPointId(ctx.db, device.organisation_id, device.collection_point_id);
    if (!target) throw new AppError('kiosk_not_paired');
    return { device, point: publicPointOf(target) };
  });
  if (!session) throw new AppError('kiosk_not_paired');
  const { device } = session;
  const now = ctx.clock.now();
  if (!device.last_seen_at || now.getTime() - Date.parse(device.last_seen_at) > TOUCH_INTERVAL_MS) {
    await touchDevice(ctx.db, device.id, now.toISOString());
    // L'appareil gardé en mémoire aussi : pas une écriture par réponse jusqu'à sa relecture.
    device.last_seen_at = now.toISOString();
  }
  return session;
}

/**
 * Une réponse envoyée par la borne (`responseId`, `answeredAt`, `durationMs`, `answers`) : le point est
 * celui de l'appareil, jamais un point indiqué par le client ; le reste est contrôlé par `submitResponse`.
 */
export async function submitKioskResponse(ctx: AppContext, token: string | undefined, body: unknown): Promise<SubmitResult> {
  const { point } = await kioskSession(ctx, token);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('validation_failed', { _: 'Réponse : objet JSON attendu.' });
  }
  const { pointToken: _ignored, ...rest } = body as Record<string, unknown>;
  return submitResponse(ctx, { ...rest, pointToken: point.target.point_token }, undefined, point);
}

export interface KioskDevicesOfPoint {
  campaign: Awaited<ReturnType<typeof getCollectionPoint>>['campaign'];
  point: Awaited<ReturnType<typeof getCollectionPoint>>['point'];
  devices: KioskDeviceRow[];
}

export async function listKioskDevices(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  pointId: string,
): Promise<KioskDevicesOfPoint> {
  const { campaign, point } = await kioskPointOf(ctx, organisationId, campaignId, pointId);
  return { campaign, point, devices: await listPointDevices(ctx.db, organisationId, pointId) };
}

/** Révoque une borne : son prochain envoi est refusé et elle revient à l'écran d'appairage. */
export async function revokeKioskDevice(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  pointId: string,
  deviceId: string,
  actor: Actor,
): Promise<KioskDeviceRow> {
  const { point } = await kioskPointOf(ctx, organisationId, campaignId, pointId);
  const device = await findPointDevice(ctx.db, organisationId, pointId, deviceId);
  if (!device) throw new AppError('not_found', {}, 'Borne introuvable.');
  if (device.revoked_at !== null) return device;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await revokeDeviceRow(trx, deviceId, now);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'kiosk_device.revoked',
      entityType: 'kiosk_device',
      entityId: deviceId,
      summary: `Borne « ${device.label} » du point « ${point.label} » révoquée`,
    });
  });
  forgetCollectionPoints(ctx);
  return { ...device, revoked_at: now };
}
