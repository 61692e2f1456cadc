import type { FastifyInstance } from 'fastify';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { getOrganisationBySlug } from '../organisations/organisation.service.ts';
import { publicMinutes, publicMinutesPdf } from './clu-minutes.service.ts';
import { publicMinutesView } from './views/clu-public.view.ts';

/** Pages publiques : lues sans connexion, limitées en débit comme « Nos résultats » (le PDF se dessine à chaque demande). */
const PUBLIC = { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } } as const;

export function cluPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { slug: string }; Querystring: { page?: string } }>(
    '/o/:slug/comite-des-usagers',
    { config: PUBLIC },
    async (request, reply) => {
      const organisation = await getOrganisationBySlug(ctx, request.params.slug);
      const list = await publicMinutes(ctx, organisation.id, Number(request.query.page ?? 1));
      return renderPage(request, reply, {
        title: `Comité local des usagers — ${organisation.name}`,
        content: publicMinutesView({ organisationName: organisation.name, slug: organisation.slug, ...list }),
      });
    },
  );

  app.get<{ Params: { slug: string; meetingId: string } }>(
    '/o/:slug/comite-des-usagers/:meetingId/compte-rendu.pdf',
    { config: PUBLIC },
    async (request, reply) => {
      const organisation = await getOrganisationBySlug(ctx, request.params.slug);
      const { pdf, filename } = await publicMinutesPdf(ctx, organisation.id, request.params.meetingId);
      return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${filename}"`).send(pdf);
    },
  );
}
