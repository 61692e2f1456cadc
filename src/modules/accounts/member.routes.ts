import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { listOrganisationMembers } from './account.repository.ts';
import { addMember, removeMember, resetPassword } from './account.service.ts';
import { confirmRemovalView, type MembersView, membersView } from './views/members.view.ts';

const ADMIN = { access: ['admin'] } as const;

export function memberRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function show(request: FastifyRequest, reply: FastifyReply, extra: Partial<MembersView> = {}, status = 200) {
    const organisationId = organisationIdOf(request);
    const [members, services] = await Promise.all([
      listOrganisationMembers(ctx.db, organisationId),
      listServices(ctx.db, organisationId),
    ]);
    return renderPage(request, reply, {
      title: 'Comptes',
      status,
      content: membersView({
        csrfToken: viewerOf(request).csrfToken ?? '',
        members,
        services,
        now: ctx.clock.now().toISOString(),
        ...extra,
      }),
    });
  }

  app.get('/admin/utilisateurs', { config: ADMIN }, (request, reply) => show(request, reply));

  app.post('/admin/utilisateurs', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => addMember(ctx, viewerOf(request), body),
      (error, fields, status) => show(request, reply, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return show(request, reply, { created: { email: result.value.email, oneTimePassword: result.value.oneTimePassword } }, 201);
  });

  app.post<{ Params: { id: string } }>('/admin/utilisateurs/:id/reinitialiser', { config: ADMIN }, async (request, reply) => {
    const result = await resetPassword(ctx, viewerOf(request), request.params.id);
    return show(request, reply, { created: { email: result.email, oneTimePassword: result.oneTimePassword, reset: true } });
  });

  app.get<{ Params: { id: string } }>('/admin/utilisateurs/:id/retirer', { config: ADMIN }, async (request, reply) => {
    const members = await listOrganisationMembers(ctx.db, organisationIdOf(request));
    const member = members.find((m) => m.membership_id === request.params.id);
    if (!member) throw new AppError('user_not_found');
    return renderPage(request, reply, {
      title: 'Retirer un compte',
      breadcrumb: [{ label: 'Comptes', href: '/admin/utilisateurs' }],
      content: confirmRemovalView(viewerOf(request).csrfToken ?? '', member),
    });
  });

  app.post<{ Params: { id: string } }>('/admin/utilisateurs/:id/retirer', { config: ADMIN }, async (request, reply) => {
    await removeMember(ctx, viewerOf(request), request.params.id);
    return redirectWithFlash(reply, '/admin/utilisateurs', { type: 'success', message: 'Compte retiré de l’organisation.' });
  });
}
