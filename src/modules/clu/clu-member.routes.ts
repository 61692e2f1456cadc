import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import { listMemberOrganisations } from './clu-member.repository.ts';
import {
  createMember,
  createMemberOrganisation,
  editMember,
  editMemberOrganisation,
  getMember,
  getMemberOrganisation,
  memberDirectory,
  memberDisplayName,
  removeMember,
  restoreMember,
} from './clu-member.service.ts';
import { cluMembersView, memberFormView, memberOrganisationFormView } from './views/clu-members.view.ts';

/** Coordonnées des membres : données personnelles, gérées par le référent qualité seul. */
const ADMIN = { access: ['admin'] } as const;
const BREADCRUMB = [{ label: 'Comité des usagers', href: '/clu/reunions' }];
const MEMBERS_CRUMB = [...BREADCRUMB, { label: 'Membres', href: '/clu/membres' }];

type Error = { message: string; fields: Record<string, string> };

export function cluMemberRoutes(app: FastifyInstance, ctx: AppContext): void {
  const csrf = (request: FastifyRequest) => viewerOf(request).csrfToken ?? '';

  app.get('/clu/membres', { config: ADMIN }, async (request, reply) =>
    renderPage(request, reply, {
      title: 'Membres du comité local des usagers',
      breadcrumb: BREADCRUMB,
      content: cluMembersView({ csrfToken: csrf(request), directory: await memberDirectory(ctx, organisationIdOf(request)) }),
    }),
  );

  // ——— Organismes ———

  function organisationForm(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { action: string; title: string; values: Record<string, unknown>; error?: Error; status?: number },
  ) {
    return renderPage(request, reply, {
      title: o.title,
      status: o.status ?? 200,
      breadcrumb: MEMBERS_CRUMB,
      content: memberOrganisationFormView({ csrfToken: csrf(request), ...o }),
    });
  }

  app.get('/clu/membres/organismes/nouveau', { config: ADMIN }, (request, reply) =>
    organisationForm(request, reply, { action: '/clu/membres/organismes', title: 'Ajouter un organisme', values: {} }),
  );

  app.post('/clu/membres/organismes', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createMemberOrganisation(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        organisationForm(request, reply, {
          action: '/clu/membres/organismes',
          title: 'Ajouter un organisme',
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/clu/membres', { type: 'success', message: 'Organisme ajouté au comité.' });
  });

  app.get<{ Params: { id: string } }>('/clu/membres/organismes/:id/modifier', { config: ADMIN }, async (request, reply) => {
    const o = await getMemberOrganisation(ctx, organisationIdOf(request), request.params.id);
    return organisationForm(request, reply, {
      action: `/clu/membres/organismes/${o.id}`,
      title: `Modifier l’organisme « ${o.name} »`,
      values: { name: o.name, category: o.category, email: o.email ?? '', postalAddress: o.postal_address ?? '' },
    });
  });

  app.post<{ Params: { id: string } }>('/clu/membres/organismes/:id', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const current = await getMemberOrganisation(ctx, organisationId, request.params.id);
    const body = formBody(request.body);
    const result = await handleForm(
      () => editMemberOrganisation(ctx, organisationId, current.id, body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        organisationForm(request, reply, {
          action: `/clu/membres/organismes/${current.id}`,
          title: `Modifier l’organisme « ${current.name} »`,
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/clu/membres', { type: 'success', message: 'Organisme modifié.' });
  });

  // ——— Représentants ———

  async function memberForm(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { action: string; title: string; values: Record<string, unknown>; error?: Error; status?: number },
  ) {
    const organisations = await listMemberOrganisations(ctx.db, organisationIdOf(request));
    return renderPage(request, reply, {
      title: o.title,
      status: o.status ?? 200,
      breadcrumb: MEMBERS_CRUMB,
      content: memberFormView({ csrfToken: csrf(request), organisations, ...o }),
    });
  }

  app.get<{ Querystring: { organisme?: string } }>('/clu/membres/nouveau', { config: ADMIN }, (request, reply) =>
    memberForm(request, reply, {
      action: '/clu/membres',
      title: 'Ajouter un représentant',
      values: { memberOrganisationId: request.query.organisme ?? '' },
    }),
  );

  app.post('/clu/membres', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createMember(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        memberForm(request, reply, {
          action: '/clu/membres',
          title: 'Ajouter un représentant',
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/clu/membres', { type: 'success', message: 'Représentant ajouté au comité.' });
  });

  app.get<{ Params: { id: string } }>('/clu/membres/:id/modifier', { config: ADMIN }, async (request, reply) => {
    const m = await getMember(ctx, organisationIdOf(request), request.params.id);
    return memberForm(request, reply, {
      action: `/clu/membres/${m.id}`,
      title: `Modifier « ${memberDisplayName(m)} »`,
      values: {
        memberOrganisationId: m.member_organisation_id,
        civility: m.civility ?? '',
        firstName: m.first_name ?? '',
        lastName: m.last_name ?? '',
        function: m.function ?? '',
        email: m.email ?? '',
        phone: m.phone ?? '',
        postalAddress: m.postal_address ?? '',
      },
    });
  });

  app.post<{ Params: { id: string } }>('/clu/membres/:id', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const current = await getMember(ctx, organisationId, request.params.id);
    const body = formBody(request.body);
    const result = await handleForm(
      () => editMember(ctx, organisationId, current.id, body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        memberForm(request, reply, {
          action: `/clu/membres/${current.id}`,
          title: `Modifier « ${memberDisplayName(current)} »`,
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/clu/membres', { type: 'success', message: 'Représentant modifié.' });
  });

  app.post<{ Params: { id: string } }>('/clu/membres/:id/retirer', { config: ADMIN }, async (request, reply) => {
    const m = await removeMember(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, '/clu/membres', {
      type: 'success',
      message: `${memberDisplayName(m)} est retiré du comité : plus invité, gardé dans les présences passées.`,
    });
  });

  app.post<{ Params: { id: string } }>('/clu/membres/:id/reintegrer', { config: ADMIN }, async (request, reply) => {
    const m = await restoreMember(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, '/clu/membres', {
      type: 'success',
      message: `${memberDisplayName(m)} est réintégré au comité.`,
    });
  });
}
