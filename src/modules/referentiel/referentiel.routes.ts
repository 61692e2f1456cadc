import type { FastifyInstance } from 'fastify';
import { viewerOf } from '../../http/access.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { listPerimeter } from '../organisations/organisation.repository.ts';
import { referentielTree } from './referentiel.service.ts';
import { referentielView } from './views/referentiel.view.ts';

export function referentielRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Tout compte connecté lit le référentiel (agents, membres du CLU, auditeurs, niveau national).
  app.get('/referentiel', { config: { access: 'authenticated' } }, async (request, reply) => {
    const viewer = viewerOf(request);
    const [tree, perimeter] = await Promise.all([
      referentielTree(ctx),
      viewer.organisationId ? listPerimeter(ctx.db, viewer.organisationId) : Promise.resolve(null),
    ]);
    return renderPage(request, reply, { title: 'Référentiel', content: referentielView(tree, perimeter) });
  });
}

export function referentielApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/referentiel',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['Référentiel'],
        summary: 'Le référentiel Qual-e-pref : modules, engagements, critères, indicateurs',
        security: [{ bearer: [] }],
      },
    },
    async () => referentielTree(ctx),
  );
}
