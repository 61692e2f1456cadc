import type { FastifyInstance } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError, isAppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { findJob } from '../jobs/job.repository.ts';
import { DECK_JOB, type DeckJobPayload, type DeckJobProgress, enqueueDeckGeneration } from './clu-deck.job.ts';
import { deckPdf, deckPptx, deckVersions } from './clu-deck.service.ts';
import { DECK_CONTENT_TYPE } from './clu-deck.ts';
import { meetingDetail } from './clu-meeting.service.ts';
import { meetingTitle } from './views/clu-common.view.ts';
import { deckPageView, deckProgressView } from './views/clu-deck.view.ts';

/**
 * Le référent génère le support ; les membres du comité et l'auditeur lisent la page et téléchargent les
 * versions générées (c'est le document qui leur est présenté) ; un agent n'y a pas accès.
 */
const READERS = { access: ['admin', 'auditor', 'clu_member'] } as const;
const ADMIN = { access: ['admin'] } as const;

type Params = { id: string };

const REFRESH_SECONDS = 3;
type Query = { version?: string };

function versionOf(query: Query): number | undefined {
  const raw = query.version?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) {
    throw new AppError('validation_failed', { version: 'Version : un nombre entier positif (1, 2, 3…).' });
  }
  return Number(raw);
}

export function cluDeckRoutes(app: FastifyInstance, ctx: AppContext): void {
  function breadcrumb(meetingId: string, startsAt: string) {
    return [
      { label: 'Comité local des usagers', href: '/clu/reunions' },
      { label: meetingTitle(startsAt), href: `/clu/reunions/${meetingId}` },
    ];
  }

  app.get<{ Params: Params }>('/clu/reunions/:id/support', { config: READERS }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const viewer = viewerOf(request);
    const meeting = await meetingDetail(ctx, organisationId, request.params.id);
    return renderPage(request, reply, {
      title: 'Support de présentation',
      breadcrumb: breadcrumb(meeting.id, meeting.startsAt),
      content: deckPageView({
        meetingId: meeting.id,
        startsAt: meeting.startsAt,
        periodFrom: meeting.periodFrom,
        periodTo: meeting.periodTo,
        versions: await deckVersions(ctx, organisationId, meeting.id),
        canGenerate: viewer.role === 'admin',
        pdfAvailable: ctx.config.soffice !== null,
        csrfToken: viewer.csrfToken ?? '',
      }),
    });
  });

  app.post<{ Params: Params }>('/clu/reunions/:id/support', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const meeting = await meetingDetail(ctx, organisationId, request.params.id);
    const actor = actorOf(viewerOf(request));
    const payload: DeckJobPayload = { organisationId, meetingId: meeting.id, actorUserId: actor.userId, actorLabel: actor.label };
    const jobId = await enqueueDeckGeneration(ctx, payload);
    return reply.redirect(`/clu/reunions/${meeting.id}/support/generation/${jobId}`, 303);
  });

  app.get<{ Params: Params & { jobId: string } }>(
    '/clu/reunions/:id/support/generation/:jobId',
    { config: ADMIN },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const meeting = await meetingDetail(ctx, organisationId, request.params.id);
      const job = await findJob(ctx.db, request.params.jobId);
      const payload = job ? (JSON.parse(job.payload_json) as Partial<DeckJobPayload>) : null;
      if (!job || job.kind !== DECK_JOB || job.organisation_id !== organisationId || payload?.meetingId !== meeting.id) {
        throw new AppError('not_found');
      }
      const progress = job.progress_json ? (JSON.parse(job.progress_json) as DeckJobProgress) : null;
      if (progress?.result) {
        return redirectWithFlash(reply, `/clu/reunions/${meeting.id}/support`, {
          type: 'success',
          message: `Support généré : version ${progress.result.version}, ${progress.result.slideCount} diapositives. Ses chiffres sont figés.`,
        });
      }
      const pending = job.status === 'queued' || job.status === 'running';
      const autoRefresh = pending && !progress?.error && (request.query as { auto?: string }).auto !== '0';
      // Actualisation sans JavaScript par l'en-tête HTTP `Refresh`, que la personne peut arrêter (lien « Arrêter
      // la mise à jour automatique ») : un rechargement minuté qu'on ne peut pas couper gênerait un lecteur d'écran.
      if (autoRefresh) reply.header('Refresh', String(REFRESH_SECONDS));
      return renderPage(request, reply, {
        title: pending && !progress?.error ? 'Génération du support en cours' : 'Génération du support interrompue',
        breadcrumb: breadcrumb(meeting.id, meeting.startsAt),
        content: deckProgressView({
          meetingId: meeting.id,
          startsAt: meeting.startsAt,
          status: job.status,
          progress,
          pageUrl: `/clu/reunions/${meeting.id}/support/generation/${job.id}`,
          refreshSeconds: autoRefresh ? REFRESH_SECONDS : null,
        }),
      });
    },
  );

  app.get<{ Params: Params; Querystring: Query }>(
    '/clu/reunions/:id/support.pptx',
    { config: READERS },
    async (request, reply) => {
      const deck = await deckPptx(ctx, organisationIdOf(request), request.params.id, versionOf(request.query));
      return reply
        .type(DECK_CONTENT_TYPE)
        .header('Content-Disposition', `attachment; filename="${deck.fileName}"`)
        .send(deck.buffer);
    },
  );

  app.get<{ Params: Params; Querystring: Query }>(
    '/clu/reunions/:id/support.pdf',
    { config: READERS },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      try {
        const pdf = await deckPdf(ctx, organisationId, request.params.id, versionOf(request.query));
        return reply
          .type('application/pdf')
          .header('Content-Disposition', `attachment; filename="${pdf.fileName}"`)
          .send(pdf.buffer);
      } catch (error) {
        // Une conversion ratée n'est pas une page d'erreur : retour au support avec le message, le PowerPoint reste là.
        if (isAppError(error) && error.code === 'pdf_conversion_failed') {
          request.log.warn({ err: error }, 'conversion PDF du support du CLU');
          return redirectWithFlash(reply, `/clu/reunions/${request.params.id}/support`, {
            type: 'error',
            message: error.message,
          });
        }
        throw error;
      }
    },
  );
}
