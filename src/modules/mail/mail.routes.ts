import type { FastifyInstance } from 'fastify';
import { organisationIdOf } from '../../http/access.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { departmentCalendar } from '../calendar/calendar.service.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import { mailOverview } from './mail-overview.repository.ts';
import { mailOverviewView } from './views/mail-overview.view.ts';

const ADMIN = { access: ['admin'] } as const;

/** Page d'entrée « Courrier » du référent : état des boîtes et de la file, accès aux réglages. */
export function mailRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/courrier', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const organisation = await getOrganisation(ctx, organisationId);
    const { department } = departmentCalendar(organisation.department_code);
    return renderPage(request, reply, {
      title: 'Courrier',
      content: mailOverviewView(await mailOverview(ctx.db, organisationId), department.timeZone),
    });
  });
}
