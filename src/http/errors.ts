import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, isAppError } from '../shared/errors.ts';
import { html } from '../ui/html.ts';
import { isApiRequest } from './access.ts';
import { renderPage } from './render.ts';

function errorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  fields: Record<string, string> = {},
) {
  const details = Object.values(fields);
  const actions =
    status === 401
      ? html`<a class="fr-btn" href="/connexion?suite=${encodeURIComponent(request.url)}">Se connecter</a>`
      : html`<a class="fr-btn" href="/">Revenir à l’accueil</a>`;
  return renderPage(request, reply, {
    title,
    status,
    content: html`<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-8">
    <h1>${title}</h1>
    <p class="fr-text--sm fr-mb-3w">Erreur ${status}</p>
    <p class="fr-text--lead fr-mb-3w">${message}</p>
    ${details.length > 0 ? html`<ul class="fr-mb-3w">${details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
    <ul class="fr-btns-group fr-btns-group--inline-md"><li>${actions}</li></ul>
  </div>
</div>`,
  });
}

const TITLES: Record<number, string> = {
  400: 'Demande invalide',
  401: 'Connexion nécessaire',
  403: 'Accès refusé',
  404: 'Page non trouvée',
  409: 'Conflit',
  413: 'Données trop volumineuses',
  423: 'Compte verrouillé',
  429: 'Trop de requêtes',
  500: 'Erreur inattendue',
};

/** Toute erreur devient une réponse française : page DSFR, ou JSON `{ error: { code, message } }` sous /api. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    if (isApiRequest(request)) {
      return reply.status(404).send({ error: { code: 'not_found', message: ERRORS.not_found.message } });
    }
    return errorPage(
      request,
      reply,
      404,
      TITLES[404] ?? '',
      'La page que vous cherchez est introuvable. Vérifiez l’adresse ou revenez à l’accueil.',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status: number;
    let code: string;
    let message: string;
    let fields: Record<string, string> = {};
    if (isAppError(error)) {
      status = error.status;
      code = error.code;
      message = error.message;
      fields = error.fields;
      if (code === 'authentication_required' && request.sessionExpired) {
        message = 'Votre session a expiré. Connectez-vous à nouveau pour continuer.';
      }
    } else if (error.statusCode === 429) {
      status = 429;
      code = 'rate_limited';
      message = ERRORS.rate_limited.message;
    } else if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      code = 'payload_too_large';
      message = ERRORS.payload_too_large.message;
    } else if (error.validation || (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)) {
      status = error.statusCode ?? 400;
      code = status === 404 ? 'not_found' : 'validation_failed';
      message = status === 404 ? ERRORS.not_found.message : `${ERRORS.validation_failed.message} (${error.message})`;
    } else {
      request.log.error({ err: error }, 'erreur interne');
      status = 500;
      code = 'internal';
      message = ERRORS.internal.message;
    }
    if (status === 401 && !isApiRequest(request) && request.method === 'GET') {
      const next = encodeURIComponent(request.url);
      return reply.redirect(`/connexion?suite=${next}${request.sessionExpired ? '&expiree=1' : ''}`, 303);
    }
    if (isApiRequest(request)) return reply.status(status).send({ error: { code, message, fields } });
    return errorPage(request, reply, status, TITLES[status] ?? 'Erreur', message, fields);
  });
}
