import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveApiToken, resolveSession, safeEqual } from '../modules/accounts/account.service.ts';
import type { Role } from '../modules/accounts/roles.ts';
import type { Viewer } from '../modules/accounts/viewer.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { randomToken } from '../shared/ids.ts';

/**
 * Qui peut utiliser une route, déclaré à côté de la route (`config.access`) :
 * - `public` : tout le monde, sans compte ;
 * - `authenticated` : tout compte connecté ;
 * - une liste de rôles.
 * Une route sans déclaration fait échouer le démarrage : aucun oubli possible.
 */
export type Access = 'public' | 'authenticated' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Route accessible avec un mot de passe provisoire (changement du mot de passe, déconnexion). */
    allowPendingPasswordChange?: boolean;
  }
  interface FastifyRequest {
    viewer: Viewer | null;
    sessionExpired: boolean;
  }
}

export const SESSION_COOKIE = 'vigie_session';
export const PUBLIC_CSRF_COOKIE = 'vigie_csrf';

/** Fichiers servis par @fastify/static (DSFR, feuille de style de Vigie) : publics par nature. */
const STATIC_PREFIXES = ['/dsfr/', '/static/'];

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new AppError('authentication_required');
  return request.viewer;
}

/** Le compte de la requête, connu d'une route non publique. */
export function viewerOf(request: FastifyRequest): Viewer {
  return requireViewer(request);
}

/** L'organisation du compte ; le rôle national n'en a pas et n'accède pas aux écrans d'une organisation. */
export function organisationIdOf(request: FastifyRequest): string {
  const viewer = requireViewer(request);
  if (!viewer.organisationId) throw new AppError('forbidden');
  return viewer.organisationId;
}

export function registerAccessControl(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('viewer', null);
  app.decorateRequest('sessionExpired', false);

  app.addHook('onRoute', (route) => {
    if (route.config?.access) return;
    if (STATIC_PREFIXES.some((prefix) => route.url.startsWith(prefix))) {
      route.config = { ...route.config, access: 'public' };
      return;
    }
    throw new Error(`Route ${route.method} ${route.url} sans déclaration d'accès (config.access)`);
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    // Fichiers statiques : ni session ni contrôle, inutile d'interroger la base.
    if (STATIC_PREFIXES.some((prefix) => request.url.startsWith(prefix))) return;
    // Adresse inconnue : la page 404 est publique (elle ne révèle rien).
    const access = request.is404 ? 'public' : (request.routeOptions.config.access ?? 'authenticated');
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ') && isApiRequest(request)) {
      const viewer = await resolveApiToken(ctx, authorization.slice('Bearer '.length).trim());
      if (!viewer) throw new AppError('invalid_api_token');
      request.viewer = viewer;
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        const lookup = await resolveSession(ctx, token);
        if (lookup.status === 'valid') request.viewer = lookup.viewer;
        else {
          request.sessionExpired = lookup.status === 'expired';
          reply.clearCookie(SESSION_COOKIE, { path: '/' });
        }
      }
    }

    if (access !== 'public') {
      const viewer = request.viewer;
      if (!viewer) throw new AppError('authentication_required');
      if (access !== 'authenticated' && !access.includes(viewer.role)) throw new AppError('forbidden');
      if (viewer.mustChangePassword && !request.routeOptions.config.allowPendingPasswordChange) {
        if (isApiRequest(request) || request.method !== 'GET') {
          throw new AppError('forbidden', {}, 'Changez d’abord votre mot de passe provisoire.');
        }
        return reply.redirect('/compte/mot-de-passe', 303);
      }
    }

    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) checkCsrf(request);
  });
}

function submittedCsrf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | null | undefined;
  const value = body && typeof body === 'object' ? body._csrf : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Jeton synchronisé avec la session pour un compte connecté ; hors session (connexion, formulaires
 * publics), jeton en double : cookie et champ caché doivent concorder. Les appels d'API par jeton
 * porteur n'utilisent pas de cookie et n'en ont pas besoin.
 */
function checkCsrf(request: FastifyRequest): void {
  const viewer = request.viewer;
  if (viewer?.via === 'token') return;
  const submitted = submittedCsrf(request);
  const expected = viewer ? viewer.csrfToken : request.cookies[PUBLIC_CSRF_COOKIE];
  if (!submitted || !expected || !safeEqual(submitted, expected)) throw new AppError('csrf_invalid');
}

/** Jeton CSRF d'un formulaire public : réutilise celui du cookie ou en pose un nouveau. */
export function publicCsrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = request.cookies[PUBLIC_CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{20,}$/.test(existing)) return existing;
  const token = randomToken(24);
  reply.setCookie(PUBLIC_CSRF_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure });
  return token;
}
