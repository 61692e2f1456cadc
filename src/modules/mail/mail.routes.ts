import type { FastifyInstance } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { mailOverview } from './mail-overview.repository.ts';
import { mailOverviewView } from './views/mail-overview.view.ts';

const ADMIN = { access: ['admin'] } as const;

/** Page d'entrée « Courrier » du référent : état des boîtes et de la file, accès aux réglages. */
export function mailRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/courrier', { config: ADMIN }, async (request, reply) => {
    const timeZone = departmentTimeZone(viewerOf(request).organisation?.departmentCode);
    return renderPage(request, reply, {
      title: 'Courrier',
      content: mailOverviewView(await mailOverview(ctx.db, organisationIdOf(request)), timeZone),
    });
  });
}
