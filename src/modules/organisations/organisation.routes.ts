import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import type { Actor } from '../audit/audit.service.ts';
import { recomputeAnswerDelays } from '../cases/case.service.ts';
import { listModules } from '../referentiel/referentiel.repository.ts';
import { listOrganisations } from './organisation.repository.ts';
import {
  addClosureDay,
  addService,
  addSite,
  getOrganisationBySlug,
  organisationOverview,
  updatePerimeter,
} from './organisation.service.ts';
import { type OrganisationPageView, organisationView } from './views/organisation.view.ts';

const READERS = { access: ['admin', 'agent', 'auditor', 'clu_member'] } as const;
const ADMIN = { access: ['admin'] } as const;

export function organisationRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function show(request: FastifyRequest, reply: FastifyReply, form?: OrganisationPageView['form'], status = 200) {
    const viewer = viewerOf(request);
    const overview = await organisationOverview(ctx, organisationIdOf(request));
    const modules = (await listModules(ctx.db)).map((m) => ({
      number: Number(m.number),
      title: m.title,
      mandatory: m.mandatory,
    }));
    return renderPage(request, reply, {
      title: 'Organisation',
      status,
      content: organisationView({
        ...overview,
        modules,
        canEdit: viewer.role === 'admin',
        csrfToken: viewer.csrfToken ?? '',
        ...(form ? { form } : {}),
      }),
    });
  }

  app.get('/organisation', { config: READERS }, (request, reply) => show(request, reply));

  const forms = [
    {
      path: '/organisation/perimetre',
      name: 'perimeter',
      action: updatePerimeter,
      done: 'Périmètre enregistré.',
      anchor: 'perimetre',
    },
    { path: '/organisation/sites', name: 'site', action: addSite, done: 'Site ajouté.', anchor: 'sites' },
    { path: '/organisation/services', name: 'service', action: addService, done: 'Service ajouté.', anchor: 'services' },
    {
      path: '/organisation/fermetures',
      name: 'closure',
      // Les délais des réponses qui enjambent le nouveau jour de fermeture sont recalculés.
      action: async (c: AppContext, organisationId: string, body: unknown, actor: Actor) => {
        const closure = await addClosureDay(c, organisationId, body, actor);
        await recomputeAnswerDelays(c, organisationId, closure.date);
        return closure;
      },
      done: 'Jour de fermeture ajouté.',
      anchor: 'fermetures',
    },
  ] as const;

  for (const form of forms) {
    app.post(form.path, { config: ADMIN }, async (request, reply) => {
      const body = formBody(request.body);
      const result = await handleForm<unknown>(
        () => form.action(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
        (error, fields, status) => show(request, reply, { name: form.name, error, fields, values: body }, status),
      );
      if (!result.ok) return result.response;
      return redirectWithFlash(reply, `/organisation#${form.anchor}`, { type: 'success', message: form.done });
    });
  }
}

const organisationSchema = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    name: { type: 'string' },
    departmentCode: { type: 'string' },
    timeZone: { type: 'string' },
    hasCert: { type: 'boolean' },
    isDemo: { type: 'boolean' },
    perimeter: { type: 'array', items: { type: 'integer' } },
    sites: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, kind: { type: 'string' }, city: { type: ['string', 'null'] } },
      },
    },
    services: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, mailboxAddress: { type: ['string', 'null'] } } },
    },
    closureDays: {
      type: 'array',
      items: { type: 'object', properties: { date: { type: 'string', format: 'date' }, reason: { type: 'string' } } },
    },
  },
} as const;

async function organisationJson(ctx: AppContext, organisationId: string) {
  const o = await organisationOverview(ctx, organisationId);
  return {
    slug: o.organisation.slug,
    name: o.organisation.name,
    departmentCode: o.organisation.department_code,
    timeZone: o.department?.timeZone,
    hasCert: o.organisation.has_cert === 1,
    isDemo: o.organisation.is_demo === 1,
    perimeter: o.perimeter,
    sites: o.sites.map((s) => ({ name: s.name, kind: s.kind, city: s.city })),
    services: o.services.map((s) => ({ name: s.name, mailboxAddress: s.mailbox_address })),
    closureDays: o.closureDays.map((c) => ({ date: c.date, reason: c.reason })),
  };
}

export function organisationApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/organisations',
    {
      // Seul le niveau national lit toutes les organisations.
      config: { access: ['national'] },
      schema: {
        tags: ['Organisations'],
        summary: 'Toutes les préfectures de l’instance (rôle national)',
        security: [{ bearer: [] }],
        response: { 200: { type: 'object', properties: { organisations: { type: 'array', items: organisationSchema } } } },
      },
    },
    async () => {
      const organisations = await listOrganisations(ctx.db);
      return { organisations: await Promise.all(organisations.map((o) => organisationJson(ctx, o.id))) };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/organisations/:slug',
    {
      // Un compte ne lit que sa propre organisation ; le niveau national les lit toutes.
      config: { access: 'authenticated' },
      schema: {
        tags: ['Organisations'],
        summary: 'Une préfecture : sites, services, jours de fermeture, périmètre',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { slug: { type: 'string' } }, required: ['slug'] },
        response: { 200: organisationSchema },
      },
    },
    async (request) => {
      const viewer = viewerOf(request);
      const organisation = await getOrganisationBySlug(ctx, request.params.slug);
      if (viewer.role !== 'national' && organisation.id !== viewer.organisationId) throw new AppError('forbidden');
      return organisationJson(ctx, organisation.id);
    },
  );
}
