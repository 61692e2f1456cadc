import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import { themesOf } from './case.service.ts';
import { addTheme, renameTheme, toggleThemeArchive } from './theme.service.ts';
import { type ThemesView, themesView } from './views/themes.view.ts';

const ADMIN = { access: ['admin'] } as const;

export function themeRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function show(request: FastifyRequest, reply: FastifyReply, form?: ThemesView['form'], status = 200) {
    const themes = await themesOf(ctx, organisationIdOf(request), { includeArchived: true });
    return renderPage(request, reply, {
      title: 'Thèmes du registre',
      status,
      breadcrumb: [{ label: 'Registre', href: '/registre' }],
      content: themesView({ csrfToken: viewerOf(request).csrfToken ?? '', themes, ...(form ? { form } : {}) }),
    });
  }

  app.get('/registre/themes', { config: ADMIN }, (request, reply) => show(request, reply));

  app.post('/registre/themes', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => addTheme(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (error, fields, status) => show(request, reply, { themeId: null, error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/registre/themes', { type: 'success', message: 'Thème ajouté.' });
  });

  app.post<{ Params: { id: string } }>('/registre/themes/:id', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => renameTheme(ctx, organisationIdOf(request), request.params.id, body, actorOf(viewerOf(request))),
      (error, fields, status) => show(request, reply, { themeId: request.params.id, error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/registre/themes', { type: 'success', message: 'Thème renommé.' });
  });

  app.post<{ Params: { id: string } }>('/registre/themes/:id/archiver', { config: ADMIN }, async (request, reply) => {
    const result = await toggleThemeArchive(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, '/registre/themes', {
      type: 'success',
      message: `Thème « ${result.label} » ${result.archived ? 'archivé' : 'rétabli'}.`,
    });
  });
}
