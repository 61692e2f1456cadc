import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { formatBytes } from '../../ui/format.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import {
  countAttachments,
  deleteAttachment,
  findAttachment,
  findCase,
  insertAttachment,
  insertCaseEvents,
  listAttachments,
} from './case.repository.ts';
import { caseEvent } from './case-event.ts';

/** Taille maximale d'une pièce jointe (scan d'un courrier, formulaire de l'urne). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Nombre maximal de pièces jointes par dossier. */
export const MAX_ATTACHMENTS_PER_CASE = 20;
export const MAX_FILENAME_LENGTH = 120;
export const ATTACHMENT_FIELD_TOO_LARGE = 'Pièce jointe : 10 Mo au plus.';

export const ATTACHMENT_TYPES = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
} as const;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

/** Le type réel d'après les premiers octets (« nombres magiques »), ou null. */
export function sniffAttachmentType(bytes: Uint8Array): AttachmentType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return 'application/pdf';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return null;
}

/** Nom de fichier sûr : sans chemin ni caractère de contrôle, 120 caractères au plus (extension gardée). */
export function safeFilename(raw: string): string {
  const base = (raw.split(/[/\\]/).pop() ?? '')
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: on retire justement les caractères de contrôle.
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/["<>|*?:]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const name = base === '' ? 'piece-jointe' : base;
  const chars = [...name];
  if (chars.length <= MAX_FILENAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return [...name.slice(0, name.length - extension.length)].slice(0, MAX_FILENAME_LENGTH - extension.length).join('') + extension;
}

export type AttachmentCheck =
  | { ok: true; type: AttachmentType }
  | { ok: false; code: 'validation_failed' | 'attachment_too_large' | 'attachment_refused'; message: string };

/**
 * Les règles d'une pièce jointe, communes à la saisie et à la relève des courriels : non vide,
 * 10 Mo au plus, type reconnu par ses octets (et, quand il est déclaré, conforme à la déclaration).
 */
export function checkAttachment(bytes: Uint8Array, declaredType: string | null): AttachmentCheck {
  if (bytes.length === 0)
    return { ok: false, code: 'validation_failed', message: 'Pièce jointe : choisissez un fichier non vide.' };
  if (bytes.length > MAX_ATTACHMENT_BYTES)
    return { ok: false, code: 'attachment_too_large', message: ATTACHMENT_FIELD_TOO_LARGE };
  const sniffed = sniffAttachmentType(bytes);
  const declared = declaredType === null ? sniffed : (declaredType.split(';')[0]?.trim().toLowerCase() ?? '');
  if (sniffed === null || declared !== sniffed) {
    return {
      ok: false,
      code: 'attachment_refused',
      message: 'Pièce jointe : PDF, JPEG, PNG ou TIFF seulement (le contenu du fichier ne correspond pas à ces formats).',
    };
  }
  return { ok: true, type: sniffed };
}

async function caseOf(ctx: AppContext, organisationId: string, caseId: string) {
  const row = await findCase(ctx.db, organisationId, caseId);
  if (!row) throw new AppError('not_found', {}, 'Dossier introuvable.');
  return row;
}

export async function caseAttachments(ctx: AppContext, organisationId: string, caseId: string) {
  await caseOf(ctx, organisationId, caseId);
  return listAttachments(ctx.db, caseId);
}

export interface AttachmentInput {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

/** Ajoute une pièce jointe : type déclaré ET contenu vérifiés, taille et nombre limités. */
export async function addAttachment(
  ctx: AppContext,
  organisationId: string,
  caseId: string,
  input: AttachmentInput,
  actor: Actor,
) {
  const row = await caseOf(ctx, organisationId, caseId);
  const check = checkAttachment(input.bytes, input.contentType);
  if (!check.ok) throw new AppError(check.code, { file: check.message });
  const sniffed = check.type;
  if ((await countAttachments(ctx.db, caseId)) >= MAX_ATTACHMENTS_PER_CASE) {
    throw new AppError('attachment_limit_reached', {
      file: `Pièce jointe : ${MAX_ATTACHMENTS_PER_CASE} pièces jointes au plus par dossier ; supprimez-en une d’abord.`,
    });
  }
  const filename = safeFilename(input.filename);
  const now = ctx.clock.now().toISOString();
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertAttachment(trx, {
      id,
      case_id: caseId,
      filename,
      content_type: sniffed,
      size: input.bytes.length,
      content: input.bytes,
      created_at: now,
    });
    await insertCaseEvents(trx, [
      caseEvent(
        caseId,
        'attachment_added',
        actor,
        `Pièce jointe ajoutée : ${filename} (${formatBytes(input.bytes.length)})`,
        now,
      ),
    ]);
    // Jamais le contenu dans l'audit : le nom, le type et la taille suffisent.
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'case.attachment_added',
      entityType: 'case',
      entityId: caseId,
      summary: `Pièce jointe ajoutée au dossier ${row.reference}`,
      after: { attachmentId: id, filename, contentType: sniffed, size: input.bytes.length },
    });
  });
  return { id, filename, contentType: sniffed, size: input.bytes.length };
}

/** Le fichier à télécharger (404 pour un dossier ou une pièce d'une autre organisation). */
export async function attachmentContent(ctx: AppContext, organisationId: string, caseId: string, attachmentId: string) {
  const found = await findAttachment(ctx.db, organisationId, caseId, attachmentId);
  if (!found) throw new AppError('not_found', {}, 'Pièce jointe introuvable.');
  return found;
}

export async function removeAttachment(
  ctx: AppContext,
  organisationId: string,
  caseId: string,
  attachmentId: string,
  actor: Actor,
) {
  const row = await caseOf(ctx, organisationId, caseId);
  const found = await findAttachment(ctx.db, organisationId, caseId, attachmentId);
  if (!found) throw new AppError('not_found', {}, 'Pièce jointe introuvable.');
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await deleteAttachment(trx, caseId, attachmentId);
    await insertCaseEvents(trx, [
      caseEvent(caseId, 'attachment_removed', actor, `Pièce jointe supprimée : ${found.filename}`, now),
    ]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'case.attachment_removed',
      entityType: 'case',
      entityId: caseId,
      summary: `Pièce jointe supprimée du dossier ${row.reference}`,
      before: { attachmentId, filename: found.filename, contentType: found.content_type, size: Number(found.size) },
    });
  });
}
