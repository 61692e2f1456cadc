import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, text } from '../../http/forms.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { type AppError, isAppError } from '../../shared/errors.ts';
import { validate } from '../../shared/validation.ts';
import { lineErrorsPage } from '../../ui/components.ts';
import { actorOf } from '../accounts/viewer.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { importJobState } from '../jobs/job.service.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { yearSchema } from './indicator.schemas.ts';
import {
  enqueueIndicatorImport,
  INDICATOR_IMPORT_JOB,
  type IndicatorImportPayload,
  type IndicatorImportProgress,
} from './indicator-import.job.ts';
import {
  BACKGROUND_IMPORT_MIN_LINES,
  importIndicatorFile,
  type MappingStep,
  prepareMapping,
  readImportFile,
} from './indicator-import.service.ts';
import { type ColumnMapping, IMPORT_FORMATS, isImportSource, mappingProblems } from './indicator-import.ts';
import {
  type CarriedFile,
  INDICATOR_IMPORT_PATH,
  indicatorImportFormView,
  indicatorImportJobView,
  indicatorImportResultView,
  indicatorMappingView,
  indicatorPreviewView,
  mappingFieldName,
} from './views/indicator-import.view.ts';

/** Taille maximale du fichier envoyé. */
export const INDICATOR_IMPORT_MAX_BYTES = 20 * 1024 * 1024;
/** Étapes suivantes : le contenu revient en base64 (4/3 de sa taille) dans un champ caché. */
const CARRIED_BODY_LIMIT = Math.ceil((INDICATOR_IMPORT_MAX_BYTES * 4) / 3) + 64 * 1024;

const STAFF = { access: ['admin', 'agent'] } as const;
const BREADCRUMB = [{ label: 'Indicateurs', href: '/indicateurs' }];

interface UploadedFile {
  filename: string;
  content: Buffer;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).content);
}

const csrfOf = (request: FastifyRequest) => viewerOf(request).csrfToken ?? '';

function currentYear(ctx: AppContext, request: FastifyRequest): string {
  const timeZone = departmentTimeZone(viewerOf(request).organisation?.departmentCode);
  return instantToLocalDate(ctx.clock.now(), timeZone).slice(0, 4);
}

/** Le fichier porté d'une étape à l'autre ; `null` s'il manque ou a été altéré. */
function carriedFile(body: Record<string, unknown>): { file: CarriedFile; csv: string } | null {
  const source = text(body, 'source');
  const content = text(body, 'content') ?? '';
  const year = Number(text(body, 'year'));
  if (!isImportSource(source) || !Number.isInteger(year) || content === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(content))
    return null;
  const fileName = (text(body, 'fileName') ?? '').slice(0, 200) || 'indicateurs.csv';
  return { file: { source, year, fileName, content }, csv: Buffer.from(content, 'base64').toString('utf8') };
}

function mappingFrom(body: Record<string, unknown>, source: CarriedFile['source']): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const column of IMPORT_FORMATS[source].columns)
    mapping[column.key] = (text(body, mappingFieldName(column.key)) ?? '').slice(0, 200);
  return mapping;
}

/**
 * Import des chiffres des sources et des indicateurs locaux (référent qualité et agents) : envoi du
 * fichier → correspondance des colonnes → prévisualisation (aucune écriture) → confirmation, le tout
 * sans JavaScript. Le texte CSV passe d'une étape à l'autre dans un champ caché (aucun état côté
 * serveur) et il est revalidé à chaque étape. Au-delà de `BACKGROUND_IMPORT_MIN_LINES` lignes, l'import
 * confirmé passe en tâche de fond.
 */
export async function indicatorImportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Plugin isolé : le multipart ne s'applique qu'à ces routes.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: INDICATOR_IMPORT_MAX_BYTES, files: 1, fields: 10, fieldSize: 1024 },
      async onFile(part) {
        const content = await part.toBuffer();
        (part as { value?: unknown }).value = { filename: part.filename, content } satisfies UploadedFile;
      },
    });

    function showForm(
      request: FastifyRequest,
      reply: FastifyReply,
      values: { source?: string | undefined; year?: string | undefined } = {},
      error?: { message: string; fields: Record<string, string> },
      status = 200,
    ) {
      return renderPage(request, reply, {
        title: 'Importer des indicateurs',
        status,
        breadcrumb: BREADCRUMB,
        content: indicatorImportFormView({
          csrfToken: csrfOf(request),
          source: values.source,
          year: values.year ?? currentYear(ctx, request),
          error: error?.message,
          fields: error?.fields,
        }),
      });
    }

    function showMapping(
      request: FastifyRequest,
      reply: FastifyReply,
      file: CarriedFile,
      step: MappingStep,
      error?: { message: string; fields: Record<string, string> },
    ) {
      return renderPage(request, reply, {
        title: 'Correspondance des colonnes',
        status: error ? 400 : 200,
        breadcrumb: BREADCRUMB,
        content: indicatorMappingView({ csrfToken: csrfOf(request), file, step, error: error?.message, fields: error?.fields }),
      });
    }

    function showErrors(request: FastifyRequest, reply: FastifyReply, fileName: string, error: AppError) {
      return renderPage(request, reply, {
        title: 'Import refusé',
        status: error.status,
        breadcrumb: BREADCRUMB,
        content: lineErrorsPage({
          title: 'Import refusé',
          fileName,
          message: error.message,
          fields: error.fields,
          retryHref: INDICATOR_IMPORT_PATH,
        }),
      });
    }

    const altered = (request: FastifyRequest, reply: FastifyReply) =>
      showForm(
        request,
        reply,
        {},
        { message: 'Le contenu à importer est manquant ou altéré.', fields: { file: 'Fichier : envoyez-le de nouveau.' } },
        400,
      );

    scope.get(INDICATOR_IMPORT_PATH, { config: STAFF }, (request, reply) => {
      organisationIdOf(request);
      return showForm(request, reply);
    });

    scope.post(INDICATOR_IMPORT_PATH, { config: STAFF }, async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const body = formBody(request.body);
      const values = { source: text(body, 'source'), year: text(body, 'year') };
      const fields: Record<string, string> = {};
      if (!isImportSource(values.source)) fields.source = 'Source : choisissez une des sources proposées.';
      try {
        validate(yearSchema, values.year);
      } catch (error) {
        if (!isAppError(error)) throw error;
        fields.year = Object.values(error.fields)[0] ?? 'Année : entre 2000 et 2100.';
      }
      const upload = body.file;
      if (!isUploadedFile(upload) || upload.content.length === 0)
        fields.file = 'Fichier : choisissez un fichier CSV ou XLSX non vide.';
      if (Object.keys(fields).length > 0 || !isUploadedFile(upload) || !isImportSource(values.source)) {
        return showForm(
          request,
          reply,
          values,
          { message: 'Certaines informations sont invalides. Corrigez les champs signalés.', fields },
          400,
        );
      }
      const fileName = upload.filename || 'indicateurs.csv';
      try {
        const csv = await readImportFile(upload.content, fileName);
        const step = await prepareMapping(ctx, organisationId, values.source, csv);
        const file: CarriedFile = {
          source: values.source,
          year: Number(values.year),
          fileName,
          content: Buffer.from(csv, 'utf8').toString('base64'),
        };
        return showMapping(request, reply, file, step);
      } catch (error) {
        if (isAppError(error) && error.code === 'import_failed') return showErrors(request, reply, fileName, error);
        if (isAppError(error) && error.code === 'validation_failed') return showForm(request, reply, values, error, 400);
        throw error;
      }
    });

    scope.post(`${INDICATOR_IMPORT_PATH}/apercu`, { config: STAFF, bodyLimit: CARRIED_BODY_LIMIT }, async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const body = formBody(request.body);
      const carried = carriedFile(body);
      if (!carried) return altered(request, reply);
      const { file, csv } = carried;
      const mapping = mappingFrom(body, file.source);
      try {
        const step = await prepareMapping(ctx, organisationId, file.source, csv);
        const problems = mappingProblems(file.source, step.headers, mapping);
        if (Object.keys(problems).length > 0) {
          const fields = Object.fromEntries(
            Object.entries(problems).map(([column, message]) => [mappingFieldName(column), message]),
          );
          return showMapping(
            request,
            reply,
            file,
            { ...step, mapping },
            { message: 'Correspondance incomplète : corrigez les colonnes signalées.', fields },
          );
        }
        const summary = await importIndicatorFile(
          ctx,
          organisationId,
          { source: file.source, year: file.year, csv, fileName: file.fileName, mapping },
          actorOf(viewerOf(request)),
          { dryRun: true },
        );
        return renderPage(request, reply, {
          title: 'Prévisualisation de l’import',
          breadcrumb: BREADCRUMB,
          content: indicatorPreviewView({
            csrfToken: csrfOf(request),
            file,
            mapping,
            summary,
            background: summary.lineCount > BACKGROUND_IMPORT_MIN_LINES,
          }),
        });
      } catch (error) {
        if (isAppError(error) && (error.code === 'import_failed' || error.code === 'validation_failed')) {
          return showErrors(request, reply, file.fileName, error);
        }
        throw error;
      }
    });

    scope.post(`${INDICATOR_IMPORT_PATH}/confirmer`, { config: STAFF, bodyLimit: CARRIED_BODY_LIMIT }, async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const body = formBody(request.body);
      const carried = carriedFile(body);
      if (!carried) return altered(request, reply);
      const { file, csv } = carried;
      const mapping = mappingFrom(body, file.source);
      const actor = actorOf(viewerOf(request));
      try {
        const step = await prepareMapping(ctx, organisationId, file.source, csv);
        // Gros fichier : contrôle et écriture en tâche de fond (tout est revalidé), la page suit l'avancement.
        if (
          step.lineCount > BACKGROUND_IMPORT_MIN_LINES &&
          Object.keys(mappingProblems(file.source, step.headers, mapping)).length === 0
        ) {
          const payload: IndicatorImportPayload = {
            organisationId,
            source: file.source,
            year: file.year,
            csv,
            fileName: file.fileName,
            mapping,
            actorUserId: actor.userId,
            actorLabel: actor.label,
            total: step.lineCount,
          };
          const jobId = await enqueueIndicatorImport(ctx, payload);
          return reply.redirect(`${INDICATOR_IMPORT_PATH}/${jobId}`, 303);
        }
        const summary = await importIndicatorFile(
          ctx,
          organisationId,
          { source: file.source, year: file.year, csv, fileName: file.fileName, mapping },
          actor,
        );
        return renderPage(request, reply, {
          title: 'Import terminé',
          breadcrumb: BREADCRUMB,
          content: indicatorImportResultView({ summary }),
        });
      } catch (error) {
        if (isAppError(error) && (error.code === 'import_failed' || error.code === 'validation_failed')) {
          return showErrors(request, reply, file.fileName, error);
        }
        throw error;
      }
    });

    scope.get<{ Params: { jobId: string } }>(`${INDICATOR_IMPORT_PATH}/:jobId`, { config: STAFF }, async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const { job, payload, progress, pending, title } = await importJobState<IndicatorImportPayload, IndicatorImportProgress>(
        ctx,
        organisationId,
        request.params.jobId,
        INDICATOR_IMPORT_JOB,
      );
      return renderPage(request, reply, {
        title,
        breadcrumb: BREADCRUMB,
        ...(pending ? { refreshSeconds: 2 } : {}),
        content: indicatorImportJobView({
          fileName: payload.fileName ?? 'indicateurs.csv',
          status: job.status,
          done: progress?.done ?? 0,
          total: progress?.total ?? payload.total ?? 0,
          result: pending ? undefined : progress?.result,
          error: pending ? undefined : progress?.error,
        }),
      });
    });
  });
}
