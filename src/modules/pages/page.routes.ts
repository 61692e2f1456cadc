import type { FastifyInstance } from 'fastify';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { listOrganisationMembers } from '../accounts/account.repository.ts';
import { listOrganisations, listPerimeter, listServices, listSites } from '../organisations/organisation.repository.ts';
import { listModules } from '../referentiel/referentiel.repository.ts';
import { homeView, nationalView, publicHomeView } from './views/home.view.ts';
import { accessibilityView, legalNoticeView, privacyView } from './views/legal.view.ts';

/** Nom de la préfecture à citer sur les pages publiques : celle de l'instance quand il n'y en a qu'une. */
async function publicOrganisationName(ctx: AppContext, viewerOrganisation: string | undefined) {
  if (viewerOrganisation) return viewerOrganisation;
  const organisations = await listOrganisations(ctx.db);
  return organisations.length === 1 ? organisations[0]?.name : undefined;
}

export function pageRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', { config: { access: 'public' } }, async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) return renderPage(request, reply, { title: 'Accueil', content: publicHomeView() });
    if (viewer.mustChangePassword) return reply.redirect('/compte/mot-de-passe', 303);
    let summary: Parameters<typeof homeView>[1];
    if (viewer.organisationId) {
      const [services, sites, members, perimeter, modules] = await Promise.all([
        listServices(ctx.db, viewer.organisationId),
        listSites(ctx.db, viewer.organisationId),
        listOrganisationMembers(ctx.db, viewer.organisationId),
        listPerimeter(ctx.db, viewer.organisationId),
        listModules(ctx.db),
      ]);
      summary = {
        serviceCount: services.length,
        siteCount: sites.length,
        memberCount: members.length,
        perimeter: modules
          .filter((m) => perimeter.includes(Number(m.number)))
          .map((m) => ({ number: Number(m.number), title: m.title })),
      };
    }
    return renderPage(request, reply, { title: 'Accueil', content: homeView(viewer, summary) });
  });

  app.get('/national', { config: { access: ['national'] } }, async (request, reply) => {
    return renderPage(request, reply, { title: 'Préfectures', content: nationalView(await listOrganisations(ctx.db)) });
  });

  app.get('/accessibilite', { config: { access: 'public' } }, async (request, reply) =>
    renderPage(request, reply, {
      title: 'Déclaration d’accessibilité',
      content: accessibilityView(await publicOrganisationName(ctx, request.viewer?.organisation?.name)),
    }),
  );

  app.get('/mentions-legales', { config: { access: 'public' } }, async (request, reply) =>
    renderPage(request, reply, {
      title: 'Mentions légales',
      content: legalNoticeView(await publicOrganisationName(ctx, request.viewer?.organisation?.name)),
    }),
  );

  app.get('/donnees-personnelles', { config: { access: 'public' } }, async (request, reply) =>
    renderPage(request, reply, {
      title: 'Données personnelles',
      content: privacyView(
        await publicOrganisationName(ctx, request.viewer?.organisation?.name),
        ctx.config.auditPersonalDataRetentionDays,
        {
          idleMinutes: ctx.config.sessionIdleMinutes,
          maxHours: ctx.config.sessionMaxHours,
          caseRetentionMonths: ctx.config.casePersonalDataRetentionMonths,
          surveyCommentRetentionMonths: ctx.config.surveyCommentRetentionMonths,
          cluMemberRetentionMonths: ctx.config.cluMemberRetentionMonths,
        },
      ),
    }),
  );

  app.get('/sante', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
}
