import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.ts';

/** Un fichier reçu par un formulaire `multipart/form-data` (champ `file`), lu en mémoire. */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  content: Buffer;
  /** Le fichier dépassait la limite : seul le début a été lu. */
  truncated: boolean;
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).content);
}

/**
 * Enregistre l'analyse multipart dans une portée (les autres routes gardent leur analyse de formulaire) :
 * un seul fichier, limité à `maxBytes` + 1 octet pour reconnaître un fichier trop gros sans exception —
 * le fichier est tronqué et signalé, la route répond en français.
 */
export async function acceptSingleFile(scope: FastifyInstance, maxBytes: number): Promise<void> {
  await scope.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: maxBytes + 1, files: 1, fields: 5, fieldSize: 1024 },
    async onFile(part) {
      const content = await part.toBuffer();
      (part as { value?: unknown }).value = {
        filename: part.filename,
        mimetype: part.mimetype,
        content,
        truncated: part.file.truncated,
      } satisfies UploadedFile;
    },
  });
}

/**
 * Le fichier joint d'un formulaire de pièce, ou une erreur de validation en français : absent ou vide,
 * trop gros (rien n'est gardé : le reste du flux a été lu et ignoré).
 */
export function requireAttachedFile(
  file: unknown,
  options: { label: string; maxBytes: number; tooLargeMessage: string },
): { filename: string; contentType: string; bytes: Buffer } {
  if (!isUploadedFile(file) || (file.content.length === 0 && !file.truncated)) {
    throw new AppError('validation_failed', { file: `${options.label} : choisissez un fichier non vide.` });
  }
  if (file.truncated || file.content.length > options.maxBytes) {
    throw new AppError('attachment_too_large', { file: options.tooLargeMessage });
  }
  return { filename: file.filename, contentType: file.mimetype, bytes: file.content };
}

/** `attachment` avec un nom ASCII de repli et le nom exact en UTF-8 (RFC 6266 / 5987). */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
