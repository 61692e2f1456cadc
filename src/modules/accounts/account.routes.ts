import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_CSRF_COOKIE, publicCsrfToken, SESSION_COOKIE, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import {
  changeOwnPassword,
  createApiToken,
  listOwnApiTokens,
  login,
  logout,
  ownPreferences,
  revokeApiToken,
  updateOwnPreferences,
} from './account.service.ts';
import type { Viewer } from './viewer.ts';
import { type AccountPageOptions, accountView, changePasswordView } from './views/account.view.ts';
import { loginView } from './views/login.view.ts';

/** Le récapitulatif et la signature individuelle concernent ceux qui traitent les dossiers. */
function hasPreferences(viewer: Viewer): boolean {
  return viewer.role === 'admin' || viewer.role === 'agent';
}

/** N'accepte qu'un chemin interne comme destination après connexion (pas de redirection ouverte). */
function safeNext(value: string | undefined): string {
  return value && /^\/(?!\/)[^\s\\]*$/.test(value) && !value.startsWith('/connexion') ? value : '/';
}

export function accountRoutes(app: FastifyInstance, ctx: AppContext): void {
  const secure = ctx.config.secureCookies;

  app.get<{ Querystring: { suite?: string; expiree?: string } }>(
    '/connexion',
    { config: { access: 'public' } },
    async (request, reply) => {
      if (request.viewer) return reply.redirect(safeNext(request.query.suite), 303);
      return renderPage(request, reply, {
        title: 'Connexion',
        content: loginView({
          csrfToken: publicCsrfToken(request, reply, secure),
          next: safeNext(request.query.suite),
          ...(request.query.expiree || request.sessionExpired
            ? { notice: 'Votre session a expiré. Connectez-vous à nouveau pour continuer.' }
            : {}),
        }),
      });
    },
  );

  app.post(
    '/connexion',
    {
      config: {
        access: 'public',
        // Limite par adresse IP, en plus du verrouillage du compte après 5 échecs.
        rateLimit: { max: ctx.config.loginRateLimitPerMinute, timeWindow: '1 minute' },
      },
    },
    async (request, reply) => {
      const body = formBody(request.body);
      const next = safeNext(text(body, 'suite'));
      const result = await handleForm(
        () => login(ctx, body),
        (message, fields, status) =>
          renderPage(request, reply, {
            title: 'Connexion',
            status,
            content: loginView({
              csrfToken: request.cookies[PUBLIC_CSRF_COOKIE] ?? publicCsrfToken(request, reply, secure),
              email: text(body, 'email'),
              next,
              error: message,
              fields,
            }),
          }),
      );
      if (!result.ok) return result.response;
      reply.setCookie(SESSION_COOKIE, result.value.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: ctx.config.sessionMaxHours * 3600,
      });
      return reply.redirect(result.value.mustChangePassword ? '/compte/mot-de-passe' : next, 303);
    },
  );

  app.post('/deconnexion', { config: { access: 'authenticated', allowPendingPasswordChange: true } }, async (request, reply) => {
    const viewer = viewerOf(request);
    if (viewer.sessionId) await logout(ctx, viewer.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    request.viewer = null;
    return redirectWithFlash(reply, '/connexion', { type: 'success', message: 'Vous êtes déconnecté.' });
  });

  /** La page « Mon compte » : jetons, préférences pour les rôles qui en ont, et l'état d'un formulaire. */
  async function showAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    options: Omit<AccountPageOptions, 'preferences'> = {},
    status = 200,
  ) {
    const viewer = viewerOf(request);
    const preferences = hasPreferences(viewer) ? { preferences: await ownPreferences(ctx, viewer) } : {};
    return renderPage(request, reply, {
      title: 'Mon compte',
      status,
      content: accountView(viewer, await listOwnApiTokens(ctx, viewer), { ...preferences, ...options }),
    });
  }

  app.get('/compte', { config: { access: 'authenticated' } }, (request, reply) => showAccount(request, reply));

  app.post('/compte/preferences', { config: { access: ['admin', 'agent'] } }, async (request, reply) => {
    const viewer = viewerOf(request);
    const body = formBody(request.body);
    const result = await handleForm(
      () => updateOwnPreferences(ctx, viewer, body),
      (message, fields, status) =>
        showAccount(request, reply, { preferencesForm: { error: message, fields, values: body } }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/compte#recapitulatif', {
      type: 'success',
      message: result.value.reminderDigest
        ? 'Préférences enregistrées : vous recevrez le récapitulatif quotidien.'
        : 'Préférences enregistrées : vous ne recevrez plus le récapitulatif quotidien.',
    });
  });

  app.get(
    '/compte/mot-de-passe',
    { config: { access: 'authenticated', allowPendingPasswordChange: true } },
    async (request, reply) => {
      return renderPage(request, reply, { title: 'Changer mon mot de passe', content: changePasswordView(viewerOf(request)) });
    },
  );

  app.post(
    '/compte/mot-de-passe',
    { config: { access: 'authenticated', allowPendingPasswordChange: true } },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const result = await handleForm(
        () => changeOwnPassword(ctx, viewer, formBody(request.body)),
        (message, fields, status) =>
          renderPage(request, reply, {
            title: 'Changer mon mot de passe',
            status,
            content: changePasswordView(viewer, message, fields),
          }),
      );
      if (!result.ok) return result.response;
      return redirectWithFlash(reply, '/', { type: 'success', message: 'Votre mot de passe a été changé.' });
    },
  );

  app.post('/compte/jetons', { config: { access: 'authenticated' } }, async (request, reply) => {
    const viewer = viewerOf(request);
    const body = formBody(request.body);
    const result = await handleForm(
      () => createApiToken(ctx, viewer, body),
      (message, fields, status) =>
        showAccount(request, reply, { tokenForm: { error: message, fields, name: text(body, 'name') } }, status),
    );
    if (!result.ok) return result.response;
    return showAccount(request, reply, { newToken: result.value }, 201);
  });

  app.post<{ Params: { id: string } }>(
    '/compte/jetons/:id/revoquer',
    { config: { access: 'authenticated' } },
    async (request, reply) => {
      await revokeApiToken(ctx, viewerOf(request), request.params.id);
      return redirectWithFlash(reply, '/compte#jetons', { type: 'success', message: 'Jeton révoqué.' });
    },
  );
}

export function accountApiRoutes(app: FastifyInstance): void {
  app.get(
    '/api/v1/moi',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['Comptes'],
        summary: 'Le compte qui appelle, son rôle et son organisation',
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              email: { type: 'string' },
              displayName: { type: 'string' },
              role: { type: 'string', enum: ['admin', 'agent', 'clu_member', 'auditor', 'national'] },
              organisation: {
                type: ['object', 'null'],
                properties: { slug: { type: 'string' }, name: { type: 'string' }, departmentCode: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const viewer = viewerOf(request);
      return {
        email: viewer.email,
        displayName: viewer.displayName,
        role: viewer.role,
        organisation: viewer.organisation
          ? { slug: viewer.organisation.slug, name: viewer.organisation.name, departmentCode: viewer.organisation.departmentCode }
          : null,
      };
    },
  );
}
