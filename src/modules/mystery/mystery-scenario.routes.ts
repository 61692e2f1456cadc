import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import {
  addReadyMadeScenarios,
  createScenario,
  editScenario,
  getScenario,
  readyMadeScenarios,
  scenarioPage,
  setScenarioArchived,
} from './mystery-scenario.service.ts';
import { scenarioFormView, scenarioListView } from './views/mystery-scenario.view.ts';

/** Les enquêtes mystère ne doivent pas être connues des agents : tout est réservé au référent qualité. */
const ADMIN = { access: ['admin'] } as const;
const BREADCRUMB = [{ label: 'Enquêtes mystère', href: '/mystere' }];
const BANK_CRUMB = [...BREADCRUMB, { label: 'Scénarios', href: '/mystere/scenarios' }];

type FormError = { message: string; fields: Record<string, string> };

export function mysteryScenarioRoutes(app: FastifyInstance, ctx: AppContext): void {
  const csrf = (request: FastifyRequest) => viewerOf(request).csrfToken ?? '';

  app.get<{ Querystring: { archives?: string; page?: string } }>(
    '/mystere/scenarios',
    { config: ADMIN },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const archived = request.query.archives === '1';
      const result = await scenarioPage(ctx, organisationId, { archived, page: Number(request.query.page) || 1 });
      return renderPage(request, reply, {
        title: 'Banque de scénarios des enquêtes mystère',
        breadcrumb: BREADCRUMB,
        content: scenarioListView({
          csrfToken: csrf(request),
          ...result,
          archived,
          readyMadeCount: readyMadeScenarios().length,
          services: await listServices(ctx.db, organisationId),
        }),
      });
    },
  );

  async function form(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { action: string; title: string; values: Record<string, unknown>; error?: FormError; status?: number },
  ) {
    return renderPage(request, reply, {
      title: o.title,
      status: o.status ?? 200,
      breadcrumb: BANK_CRUMB,
      content: scenarioFormView({
        csrfToken: csrf(request),
        services: await listServices(ctx.db, organisationIdOf(request)),
        ...o,
      }),
    });
  }

  app.get('/mystere/scenarios/nouveau', { config: ADMIN }, (request, reply) =>
    form(request, reply, { action: '/mystere/scenarios', title: 'Ajouter un scénario', values: {} }),
  );

  app.post('/mystere/scenarios', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createScenario(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        form(request, reply, {
          action: '/mystere/scenarios',
          title: 'Ajouter un scénario',
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/mystere/scenarios', { type: 'success', message: 'Scénario ajouté à la banque.' });
  });

  app.post('/mystere/scenarios/modeles', { config: ADMIN }, async (request, reply) => {
    const added = await addReadyMadeScenarios(ctx, organisationIdOf(request), actorOf(viewerOf(request)));
    return redirectWithFlash(reply, '/mystere/scenarios', {
      type: added > 0 ? 'success' : 'info',
      message:
        added > 0
          ? `${added} scénario${added > 1 ? 's' : ''} type${added > 1 ? 's' : ''} ajouté${added > 1 ? 's' : ''} à la banque.`
          : 'Tous les scénarios types sont déjà dans la banque (en service ou archivés).',
    });
  });

  app.get<{ Params: { id: string } }>('/mystere/scenarios/:id/modifier', { config: ADMIN }, async (request, reply) => {
    const s = await getScenario(ctx, organisationIdOf(request), request.params.id);
    return form(request, reply, {
      action: `/mystere/scenarios/${s.id}`,
      title: `Modifier le scénario « ${s.label} »`,
      values: { channel: s.channel, label: s.label, subject: s.subject ?? '', body: s.body, serviceId: s.service_id ?? '' },
    });
  });

  app.post<{ Params: { id: string } }>('/mystere/scenarios/:id', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const current = await getScenario(ctx, organisationId, request.params.id);
    const body = formBody(request.body);
    const result = await handleForm(
      () => editScenario(ctx, organisationId, current.id, body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        form(request, reply, {
          action: `/mystere/scenarios/${current.id}`,
          title: `Modifier le scénario « ${current.label} »`,
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/mystere/scenarios', { type: 'success', message: 'Scénario modifié.' });
  });

  for (const [path, archived] of [
    ['archiver', true],
    ['restaurer', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/mystere/scenarios/:id/${path}`, { config: ADMIN }, async (request, reply) => {
      const s = await setScenarioArchived(
        ctx,
        organisationIdOf(request),
        request.params.id,
        archived,
        actorOf(viewerOf(request)),
      );
      return redirectWithFlash(reply, archived ? '/mystere/scenarios' : '/mystere/scenarios?archives=1', {
        type: 'success',
        message: archived
          ? `Scénario « ${s.label} » archivé : il n’est plus proposé dans les plans.`
          : `Scénario « ${s.label} » remis en service.`,
      });
    });
  }
}
