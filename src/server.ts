import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAccessControl } from './http/access.ts';
import { apiDocsRoutes } from './http/api-docs.ts';
import { registerErrorHandlers } from './http/errors.ts';
import { accountApiRoutes, accountRoutes } from './modules/accounts/account.routes.ts';
import { memberRoutes } from './modules/accounts/member.routes.ts';
import { actionRoutes } from './modules/actions/action.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { calendarApiRoutes } from './modules/calendar/calendar.routes.ts';
import { calendarPageRoutes } from './modules/calendar/calendar-page.routes.ts';
import { schoolHolidayRoutes } from './modules/calendar/school-holiday.routes.ts';
import { caseRoutes } from './modules/cases/case.routes.ts';
import { caseImportRoutes } from './modules/cases/case-import.routes.ts';
import { publicFormRoutes } from './modules/cases/public-form.routes.ts';
import { themeRoutes } from './modules/cases/theme.routes.ts';
import { cluDeckRoutes } from './modules/clu/clu-deck.routes.ts';
import { cluMeetingRoutes } from './modules/clu/clu-meeting.routes.ts';
import { cluMemberRoutes } from './modules/clu/clu-member.routes.ts';
import { cluMinutesRoutes } from './modules/clu/clu-minutes.routes.ts';
import { cluPublicRoutes } from './modules/clu/clu-public.routes.ts';
import { indicatorRoutes } from './modules/indicators/indicator.routes.ts';
import { indicatorImportRoutes } from './modules/indicators/indicator-import.routes.ts';
import { publicationRoutes } from './modules/indicators/publication.routes.ts';
import { caseEmailRoutes } from './modules/mail/case-email.routes.ts';
import { letterRoutes } from './modules/mail/letter.routes.ts';
import { mailRoutes } from './modules/mail/mail.routes.ts';
import { mailAdminRoutes } from './modules/mail/mail-admin.routes.ts';
import { templateRoutes } from './modules/mail/template.routes.ts';
import { mysteryCampaignRoutes } from './modules/mystery/mystery-campaign.routes.ts';
import { mysteryGridRoutes } from './modules/mystery/mystery-grid.routes.ts';
import { mysteryResultsRoutes } from './modules/mystery/mystery-results.routes.ts';
// La section « Enquêtes mystère » du support du CLU s'enregistre au chargement : ici, au démarrage, pour le
// serveur comme pour l'exécuteur de tâches qui génère les supports (`app.ts` construit le serveur).
import './modules/mystery/mystery-deck-section.ts';
import { organisationApiRoutes, organisationRoutes } from './modules/organisations/organisation.routes.ts';
import { pageRoutes } from './modules/pages/page.routes.ts';
import { referentielApiRoutes, referentielRoutes } from './modules/referentiel/referentiel.routes.ts';
import { campaignRoutes } from './modules/surveys/campaign.routes.ts';
import { kioskRoutes } from './modules/surveys/kiosk.routes.ts';
import { publicSurveyRoutes } from './modules/surveys/public-survey.routes.ts';
import { questionnaireRoutes } from './modules/surveys/questionnaire.routes.ts';
import { resultsRoutes } from './modules/surveys/results.routes.ts';
import { surveyApiRoutes } from './modules/surveys/survey-api.routes.ts';
import { surveyEntryRoutes } from './modules/surveys/survey-entry.routes.ts';
import type { AppContext } from './shared/context.ts';

const DSFR_DIST = fileURLToPath(new URL('../node_modules/@gouvfr/dsfr/dist/', import.meta.url));
const STATIC_DIR = fileURLToPath(new URL('./ui/static/', import.meta.url));

export interface ServerOptions {
  logger?: boolean;
}

/** Construit l'application (sans écouter de port) : les tests l'interrogent avec `inject` ou un vrai port. */
export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: ctx.config.logLevel } : false,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  registerErrorHandlers(app);
  registerAccessControl(app, ctx);

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    // Seules les routes rangées dans une rubrique (l'API JSON) figurent dans la description OpenAPI.
    hideUntagged: true,
    openapi: {
      info: { title: 'API Vigie', version: '1', description: 'API JSON de Vigie (qualité de service des préfectures).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Jeton personnel vigie_…' } } },
    },
  });
  await app.register(fastifyStatic, { root: DSFR_DIST, prefix: '/dsfr/', maxAge: '7d', index: false });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', decorateReply: false, index: false });

  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    if (ctx.config.secureCookies) reply.header('Strict-Transport-Security', 'max-age=31536000');
    if (request.viewer && !request.url.startsWith('/dsfr/') && !request.url.startsWith('/static/')) {
      reply.header('Cache-Control', 'no-store');
    }
  });

  pageRoutes(app, ctx);
  accountRoutes(app, ctx);
  memberRoutes(app, ctx);
  organisationRoutes(app, ctx);
  referentielRoutes(app, ctx);
  auditRoutes(app, ctx);
  calendarPageRoutes(app, ctx);
  schoolHolidayRoutes(app, ctx);
  publicFormRoutes(app, ctx);
  await app.register(caseImportRoutes(ctx));
  await indicatorImportRoutes(app, ctx);
  caseRoutes(app, ctx);
  themeRoutes(app, ctx);
  mailRoutes(app, ctx);
  templateRoutes(app, ctx);
  caseEmailRoutes(app, ctx);
  letterRoutes(app, ctx);
  mailAdminRoutes(app, ctx);
  campaignRoutes(app, ctx);
  questionnaireRoutes(app, ctx);
  resultsRoutes(app, ctx);
  publicSurveyRoutes(app, ctx);
  kioskRoutes(app, ctx);
  surveyEntryRoutes(app, ctx);
  indicatorRoutes(app, ctx);
  publicationRoutes(app, ctx);
  cluMemberRoutes(app, ctx);
  cluMeetingRoutes(app, ctx);
  cluDeckRoutes(app, ctx);
  cluMinutesRoutes(app, ctx);
  cluPublicRoutes(app, ctx);
  actionRoutes(app, ctx);
  mysteryCampaignRoutes(app, ctx);
  mysteryGridRoutes(app, ctx);
  mysteryResultsRoutes(app, ctx);
  accountApiRoutes(app);
  organisationApiRoutes(app, ctx);
  referentielApiRoutes(app, ctx);
  calendarApiRoutes(app, ctx);
  surveyApiRoutes(app, ctx);
  apiDocsRoutes(app);

  await app.ready();
  return app;
}
