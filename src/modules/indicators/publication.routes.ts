import type { FastifyInstance, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { getOrganisation, getOrganisationBySlug } from '../organisations/organisation.service.ts';
import { moduleTitles } from '../referentiel/referentiel.service.ts';
import {
  isResultsPublication,
  latestPublications,
  type PosterPublication,
  posterFigures,
  publication,
  publications,
  publishPoster,
  publishTable,
} from './publication.service.ts';
import { type PosterSize, transparencyPosterPdf } from './transparency-poster.ts';
import { publicationsView, publicResultsView } from './views/publication.view.ts';

const READERS = { access: ['admin', 'agent', 'auditor', 'clu_member'] } as const;
const ADMIN = { access: ['admin'] } as const;
/** Pages publiques : lues par tous, limitées en débit (le PDF se calcule à chaque demande). */
const PUBLIC = { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } } as const;

type Query = Record<string, string | undefined>;

function currentQuarter(today: string): string {
  return `${today.slice(0, 4)}-Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;
}

export function publicationRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function today(organisationId: string) {
    const organisation = await getOrganisation(ctx, organisationId);
    return { organisation, today: instantToLocalDate(ctx.clock.now(), departmentTimeZone(organisation.department_code)) };
  }

  async function showPublications(request: FastifyRequest, form: Record<string, unknown> = {}) {
    const organisationId = organisationIdOf(request);
    const viewer = viewerOf(request);
    const { organisation, today: now } = await today(organisationId);
    const quarter = (request.query as Query).trimestre?.trim() || currentQuarter(now);
    let preview = null;
    let previewError: Record<string, unknown> = {};
    try {
      preview = await posterFigures(ctx, organisationId, quarter);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      previewError = { error: error.message, fields: error.fields };
    }
    return {
      title: 'Publications des indicateurs',
      content: publicationsView({
        publications: await publications(ctx, organisationId),
        preview,
        quarter,
        year: now.slice(0, 4),
        csrfToken: viewer.csrfToken ?? '',
        slug: organisation.slug,
        canPublish: viewer.role === 'admin',
        ...previewError,
        ...form,
      }),
      breadcrumb: [{ label: 'Indicateurs', href: '/indicateurs' }],
    };
  }

  app.get('/indicateurs/publications', { config: READERS }, async (request, reply) =>
    renderPage(request, reply, await showPublications(request)),
  );

  app.get('/indicateurs/affiche.pdf', { config: READERS }, async (request, reply) => {
    const query = request.query as Query;
    const organisationId = organisationIdOf(request);
    const { today: now } = await today(organisationId);
    const figures = await posterFigures(ctx, organisationId, query.trimestre?.trim() || currentQuarter(now));
    const pdf = await transparencyPosterPdf(figures, query.format === 'A3' ? 'A3' : 'A4');
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="affiche-${figures.quarter}-apercu.pdf"`)
      .send(pdf);
  });

  app.post('/indicateurs/publications/affiche', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => publishPoster(ctx, organisationIdOf(request), text(body, 'trimestre'), actorOf(viewerOf(request))),
      async (error, fields, status) =>
        renderPage(request, reply, { ...(await showPublications(request, { error, fields, values: body })), status }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/indicateurs/publications', {
      type: 'success',
      message: `Affiche ${result.value.periodKey} publiée (version ${result.value.version}).`,
    });
  });

  app.post('/indicateurs/publications/tableau', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => publishTable(ctx, organisationIdOf(request), text(body, 'annee'), undefined, actorOf(viewerOf(request))),
      async (error, fields, status) =>
        renderPage(request, reply, { ...(await showPublications(request, { error, fields, values: body })), status }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/indicateurs/publications', {
      type: 'success',
      message: `Tableau ${result.value.periodKey} publié (version ${result.value.version}).`,
    });
  });

  // ——— Page publique de l'organisation ———
  app.get<{ Params: { slug: string } }>('/o/:slug/resultats', { config: PUBLIC }, async (request, reply) => {
    const organisation = await getOrganisationBySlug(ctx, request.params.slug);
    const latest = await latestPublications(ctx, organisation.id);
    return renderPage(request, reply, {
      title: `Nos résultats — ${organisation.name}`,
      content: publicResultsView({
        organisationName: organisation.name,
        slug: organisation.slug,
        shown: null,
        poster: latest.poster,
        table: latest.table,
        history: latest.all,
        modules: await moduleTitles(ctx),
      }),
    });
  });

  app.get<{ Params: { slug: string; id: string } }>('/o/:slug/resultats/:id', { config: PUBLIC }, async (request, reply) => {
    const organisation = await getOrganisationBySlug(ctx, request.params.slug);
    const shown = await publication(ctx, organisation.id, request.params.id);
    if (!isResultsPublication(shown)) throw new AppError('not_found');
    return renderPage(request, reply, {
      title: `Nos résultats — ${organisation.name}`,
      breadcrumb: [{ label: 'Nos résultats', href: `/o/${organisation.slug}/resultats` }],
      content: publicResultsView({
        organisationName: organisation.name,
        slug: organisation.slug,
        shown,
        poster: null,
        table: null,
        history: [],
        modules: await moduleTitles(ctx),
      }),
    });
  });

  app.get<{ Params: { slug: string; id: string } }>(
    '/o/:slug/resultats/:id/affiche.pdf',
    { config: PUBLIC },
    async (request, reply) => {
      const organisation = await getOrganisationBySlug(ctx, request.params.slug);
      const shown = await publication(ctx, organisation.id, request.params.id);
      if (shown.snapshot.kind !== 'poster') throw new AppError('not_found', {}, 'Cette publication n’est pas une affiche.');
      const size: PosterSize = (request.query as Query).format === 'A3' ? 'A3' : 'A4';
      const pdf = await transparencyPosterPdf((shown.snapshot as PosterPublication).figures, size, shown.publishedAt);
      return reply
        .type('application/pdf')
        .header('Content-Disposition', `inline; filename="transparence-${shown.periodKey}-v${shown.version}-${size}.pdf"`)
        .send(pdf);
    },
  );
}
