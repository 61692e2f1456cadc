import fastifyMultipart from '@fastify/multipart';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, text } from '../../http/forms.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError, isAppError } from '../../shared/errors.ts';
import { lineErrorsPage } from '../../ui/components.ts';
import { actorOf } from '../accounts/viewer.ts';
import { importJobState } from '../jobs/job.service.ts';
import {
  BACKGROUND_IMPORT_MIN_ROWS,
  CASE_IMPORT_JOB,
  type CaseImportPayload,
  type CaseImportProgress,
  enqueueCaseImport,
} from './case-import.job.ts';
import { importCases } from './case-import.service.ts';
import { decodeCsv, parseCaseCsv } from './case-import.ts';
import { IMPORT_PATH, importFormView, importJobView, importPreviewView, importResultView } from './views/import.view.ts';

/** Taille maximale du fichier envoyé. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
/** Confirmation : le contenu revient en base64 (4/3 de sa taille) dans un champ caché. */
const CONFIRM_BODY_LIMIT = Math.ceil((IMPORT_MAX_BYTES * 4) / 3) + 64 * 1024;

const ADMIN = { access: ['admin'] } as const;
const BREADCRUMB = [{ label: 'Registre', href: '/registre' }];

interface UploadedFile {
  filename: string;
  mimetype: string;
  content: Buffer;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).content);
}

function isXlsx(file: UploadedFile): boolean {
  // Un classeur .xlsx est une archive ZIP (« PK\x03\x04 »).
  return (
    file.filename.toLowerCase().endsWith('.xlsx') ||
    (file.content.length > 4 && file.content[0] === 0x50 && file.content[1] === 0x4b && file.content[2] === 0x03)
  );
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Valeur d'une cellule Excel en texte du format CSV. Excel ne connaît pas les fuseaux : une date est
 * écrite AAAA-MM-JJ, une date et heure sans décalage (lue ensuite en heure locale du département).
 */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const h = value.getUTCHours();
    const m = value.getUTCMinutes();
    const s = value.getUTCSeconds();
    return h === 0 && m === 0 && s === 0 ? date : `${date}T${pad(h)}:${pad(m)}:${pad(s)}`;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
    return '';
  }
  return String(value);
}

/** La première feuille d'un classeur .xlsx, convertie en CSV (virgule, UTF-8) pour `importCases`. */
export async function xlsxToCsv(bytes: Uint8Array): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new AppError('validation_failed', {
      file: 'Fichier : classeur Excel illisible (enregistrez-le au format .xlsx ou CSV).',
    });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError('validation_failed', { file: 'Fichier : le classeur ne contient aucune feuille.' });
  const records: string[][] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const record: string[] = [];
    for (let c = 1; c <= width; c++) record.push(cellText(row.getCell(c).value));
    records.push(record);
  });
  return stringify(records);
}

/** Texte CSV du fichier envoyé : décodé (UTF-8 ou Windows-1252), ou converti depuis la première feuille .xlsx. */
export async function uploadedCsv(file: UploadedFile): Promise<string> {
  return isXlsx(file) ? xlsxToCsv(file.content) : decodeCsv(file.content);
}

/**
 * Import du registre (référent qualité) : envoi d'un fichier CSV ou XLSX → prévisualisation (aucune
 * écriture) → confirmation → import, le tout sans JavaScript. Entre les deux étapes, le texte CSV est
 * gardé dans un champ caché en base64 (pas d'état côté serveur) et revalidé à la confirmation.
 * L'import confirmé est synchrone (tout ou rien, dans une transaction).
 */
export function caseImportRoutes(ctx: AppContext) {
  return async function caseImportPlugin(app: FastifyInstance): Promise<void> {
    // Multipart limité à ce périmètre : le reste de l'application ne reçoit aucun fichier.
    await app.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 10, fieldSize: 1024 },
      async onFile(part) {
        const content = await part.toBuffer();
        (part as { value?: unknown }).value = {
          filename: part.filename,
          mimetype: part.mimetype,
          content,
        } satisfies UploadedFile;
      },
    });

    const csrfOf = (request: FastifyRequest) => viewerOf(request).csrfToken ?? '';

    function showForm(
      request: FastifyRequest,
      reply: FastifyReply,
      error?: { message: string; fields: Record<string, string> },
      status = 200,
    ) {
      return renderPage(request, reply, {
        title: 'Importer le registre',
        status,
        breadcrumb: BREADCRUMB,
        content: importFormView({
          csrfToken: csrfOf(request),
          ...(error ? { error: error.message, fields: error.fields } : {}),
        }),
      });
    }

    function showErrors(request: FastifyRequest, reply: FastifyReply, fileName: string, error: AppError) {
      return renderPage(request, reply, {
        title: 'Prévisualisation de l’import',
        status: error.status,
        breadcrumb: BREADCRUMB,
        content: lineErrorsPage({
          title: 'Prévisualisation de l’import',
          fileName,
          message: error.message,
          fields: error.fields,
          retryHref: IMPORT_PATH,
        }),
      });
    }

    app.get(IMPORT_PATH, { config: ADMIN }, (request, reply) => {
      organisationIdOf(request);
      return showForm(request, reply);
    });

    app.post(IMPORT_PATH, { config: ADMIN }, async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const file = formBody(request.body).file;
      if (!isUploadedFile(file) || file.content.length === 0) {
        return showForm(
          request,
          reply,
          { message: 'Aucun fichier reçu.', fields: { file: 'Fichier : choisissez un fichier CSV ou XLSX non vide.' } },
          400,
        );
      }
      const fileName = file.filename || 'registre.csv';
      try {
        const csv = await uploadedCsv(file);
        const summary = await importCases(ctx, organisationId, csv, actorOf(viewerOf(request)), { dryRun: true, fileName });
        return renderPage(request, reply, {
          title: 'Prévisualisation de l’import',
          breadcrumb: BREADCRUMB,
          content: importPreviewView({
            csrfToken: csrfOf(request),
            fileName,
            content: Buffer.from(csv, 'utf8').toString('base64'),
            summary,
          }),
        });
      } catch (error) {
        if (isAppError(error) && error.code === 'import_failed') return showErrors(request, reply, fileName, error);
        if (isAppError(error) && error.code === 'validation_failed')
          return showForm(request, reply, { message: error.message, fields: error.fields }, 400);
        throw error;
      }
    });

    app.post(`${IMPORT_PATH}/confirmer`, { config: ADMIN, bodyLimit: CONFIRM_BODY_LIMIT }, async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const body = formBody(request.body);
      const fileName = (text(body, 'fileName') ?? '').slice(0, 200) || 'registre.csv';
      const content = text(body, 'content') ?? '';
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content.length === 0) {
        return showForm(
          request,
          reply,
          { message: 'Le contenu à importer est manquant ou altéré.', fields: { file: 'Fichier : envoyez-le de nouveau.' } },
          400,
        );
      }
      const csv = Buffer.from(content, 'base64').toString('utf8');
      // Gros fichier : l'écriture passe en tâche de fond (revalidée par la tâche), la page suit l'avancement.
      const parsed = parseCaseCsv(csv);
      if (parsed.errors.length === 0 && parsed.rows.length > BACKGROUND_IMPORT_MIN_ROWS) {
        const actor = actorOf(viewerOf(request));
        const jobId = await enqueueCaseImport(ctx, {
          organisationId,
          csv,
          fileName,
          actorUserId: actor.userId,
          actorLabel: actor.label,
          total: parsed.rows.length,
        });
        return reply.redirect(`${IMPORT_PATH}/${jobId}`, 303);
      }
      try {
        const summary = await importCases(ctx, organisationId, csv, actorOf(viewerOf(request)), { fileName });
        return renderPage(request, reply, {
          title: 'Import terminé',
          breadcrumb: BREADCRUMB,
          content: importResultView({ fileName, summary }),
        });
      } catch (error) {
        // Refusé à la confirmation (le registre a changé entre-temps) : les erreurs par ligne.
        if (isAppError(error) && error.code === 'import_failed') return showErrors(request, reply, fileName, error);
        throw error;
      }
    });

    app.get<{ Params: { jobId: string } }>(`${IMPORT_PATH}/:jobId`, { config: ADMIN }, async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const { job, payload, progress, pending, title } = await importJobState<CaseImportPayload, CaseImportProgress>(
        ctx,
        organisationId,
        request.params.jobId,
        CASE_IMPORT_JOB,
      );
      return renderPage(request, reply, {
        title,
        breadcrumb: BREADCRUMB,
        ...(pending ? { refreshSeconds: 2 } : {}),
        content: importJobView({
          fileName: payload.fileName ?? 'registre.csv',
          status: job.status,
          done: progress?.done ?? 0,
          total: progress?.total ?? payload.total ?? 0,
          result: pending ? undefined : progress?.result,
          error: pending ? undefined : progress?.error,
        }),
      });
    });
  };
}
