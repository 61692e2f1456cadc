import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicCsrfToken } from '../../http/access.ts';
import { formBody, text } from '../../http/forms.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { newOrderedId } from '../../shared/ids.ts';
import { availability, type CollectionPoint, publicPointByToken, submitResponse } from './response.service.ts';
import {
  type AnswerValues,
  answersFromBody,
  publicSurveyPath,
  publicSurveyThanksView,
  publicSurveyUnavailableView,
  publicSurveyView,
} from './views/public-survey.view.ts';

/**
 * Envois admis par adresse IP en 10 minutes (`PUBLIC_SURVEY_RATE_LIMIT`, 30 par défaut) : large (une famille
 * au même accès Wi-Fi), mais un robot est arrêté.
 */
export const PUBLIC_SURVEY_RATE_WINDOW = '10 minutes';
/** Corps d'un envoi : un commentaire de 5 000 caractères accentués y tient ; un mégaoctet est refusé (413). */
export const PUBLIC_SURVEY_BODY_LIMIT = 64 * 1024;
/**
 * « Une réponse par session de navigateur » : cookie de session (effacé à la fermeture du navigateur),
 * limité au chemin du lien. Doux par choix : la page « Merci » est réaffichée, avec un lien « Répondre à
 * nouveau » pour un poste partagé, qui efface le cookie et rouvre un formulaire vierge. Le vrai garde-fou
 * contre les envois en masse est la limite par adresse et le signalement des réponses (service).
 */
export const ANSWERED_COOKIE = 'vigie_enquete';
/** Durée de remplissage crue au-delà de laquelle le champ `shownAt` n'est plus pris en compte. */
const MAX_FILL_MS = 24 * 3600 * 1000;

const PUBLIC = { access: 'public' } as const;

const UNKNOWN = {
  title: 'Enquête introuvable',
  message:
    'Ce lien d’enquête n’existe pas ou n’est plus utilisé. Vérifiez l’adresse, ou scannez à nouveau le QR code affiché à l’accueil.',
};
const CLOSED = {
  title: 'Cette enquête est terminée',
  message: 'Cette enquête ne reçoit plus de réponses. Merci de l’intérêt que vous portez à la qualité de notre accueil.',
};
const NOT_OPEN = {
  title: 'Cette enquête n’a pas encore commencé',
  message: 'Cette enquête n’est pas encore ouverte : revenez à partir de sa date d’ouverture. Merci de votre intérêt.',
};

/**
 * Formulaire public d'une enquête, par le lien (ou le QR code) d'un point de collecte : toutes les questions
 * sur une page, sans JavaScript, sans compte, avec le jeton CSRF anonyme et une limite d'envois par adresse.
 */
export function publicSurveyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const secure = ctx.config.secureCookies;

  function unavailable(request: FastifyRequest, reply: FastifyReply, page: { title: string; message: string }, status: number) {
    return renderPage(request, reply, { title: page.title, status, content: publicSurveyUnavailableView(page) });
  }

  async function loadPoint(token: string): Promise<CollectionPoint | undefined> {
    try {
      return await publicPointByToken(ctx, token);
    } catch (error) {
      if (isAppError(error) && error.code === 'survey_link_unknown') return undefined;
      throw error;
    }
  }

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    point: CollectionPoint,
    form: { responseId?: string; shownAt?: string; values?: AnswerValues; error?: string; fields?: Record<string, string> } = {},
    status = 200,
  ) {
    return renderPage(request, reply, {
      title: `${point.questionnaire.title} — ${point.target.organisation_name}`,
      status,
      content: publicSurveyView({
        token,
        organisationName: point.target.organisation_name,
        questionnaire: point.questionnaire,
        // Un agent connecté a le jeton de sa session (c'est lui que le contrôle CSRF attend alors).
        csrfToken: request.viewer?.csrfToken ?? publicCsrfToken(request, reply, secure),
        // Choisi à l'affichage : renvoyer deux fois le même formulaire ne compte qu'une réponse.
        responseId: form.responseId ?? newOrderedId(),
        shownAt: form.shownAt ?? ctx.clock.now().toISOString(),
        ...(form.values ? { values: form.values } : {}),
        ...(form.error ? { error: form.error } : {}),
        ...(form.fields ? { fields: form.fields } : {}),
      }),
    });
  }

  app.get<{ Params: { token: string }; Querystring: { nouvelle?: string } }>(
    '/enquete/:token',
    { config: PUBLIC },
    async (request, reply) => {
      const { token } = request.params;
      const point = await loadPoint(token);
      if (!point) return unavailable(request, reply, UNKNOWN, 404);
      const state = availability(point, ctx.clock.now());
      if (state === 'closed') return unavailable(request, reply, CLOSED, 410);
      if (state === 'not_open') return unavailable(request, reply, NOT_OPEN, 409);
      const path = publicSurveyPath(token);
      if (request.query.nouvelle !== undefined) {
        reply.clearCookie(ANSWERED_COOKIE, { path });
      } else if (request.cookies[ANSWERED_COOKIE] === '1') {
        return renderPage(request, reply, {
          title: 'Merci',
          content: publicSurveyThanksView({ token, organisationName: point.target.organisation_name, already: true }),
        });
      }
      return showForm(request, reply, token, point);
    },
  );

  app.post<{ Params: { token: string } }>(
    '/enquete/:token',
    {
      bodyLimit: PUBLIC_SURVEY_BODY_LIMIT,
      config: { access: 'public', rateLimit: { max: ctx.config.publicSurveyRateLimit, timeWindow: PUBLIC_SURVEY_RATE_WINDOW } },
    },
    async (request, reply) => {
      const { token } = request.params;
      const point = await loadPoint(token);
      if (!point) return unavailable(request, reply, UNKNOWN, 404);
      const body = formBody(request.body);
      const values = answersFromBody(body);
      const responseId = text(body, 'responseId') ?? '';
      const shownAt = text(body, 'shownAt') ?? '';
      const now = ctx.clock.now().getTime();
      const elapsed = now - Date.parse(shownAt);
      const durationMs = Number.isFinite(elapsed) && elapsed >= 0 && elapsed <= MAX_FILL_MS ? elapsed : undefined;
      try {
        await submitResponse(
          ctx,
          {
            responseId,
            pointToken: token,
            answers: values,
            ...(durationMs !== undefined ? { durationMs } : {}),
          },
          undefined,
          point,
        );
      } catch (error) {
        if (!isAppError(error) || error.status >= 500) throw error;
        request.log.info({ code: error.code, point: point.target.point_id }, 'enquête publique : réponse refusée');
        switch (error.code) {
          case 'survey_link_unknown':
            return unavailable(request, reply, UNKNOWN, 404);
          case 'survey_closed':
            return unavailable(request, reply, CLOSED, 410);
          case 'survey_not_yet_open':
            return unavailable(request, reply, NOT_OPEN, 409);
          case 'survey_response_conflict':
            return renderPage(request, reply, {
              title: 'Réponse déjà enregistrée',
              status: 409,
              content: publicSurveyUnavailableView({
                title: 'Réponse déjà enregistrée',
                message:
                  'Ce formulaire a déjà été envoyé avec d’autres réponses : les premières réponses sont gardées et ce nouvel envoi n’est pas enregistré. Pour donner un autre avis, ouvrez un nouveau formulaire.',
                retryHref: `${publicSurveyPath(token)}?nouvelle=1`,
              }),
            });
          default: {
            // Saisie à corriger : le formulaire revient avec les réponses données et un message par question.
            const keepId = !error.fields.responseId;
            return showForm(
              request,
              reply,
              token,
              point,
              {
                ...(keepId ? { responseId } : {}),
                ...(durationMs !== undefined ? { shownAt } : {}),
                values,
                error: 'Certaines réponses sont à revoir : corrigez les questions signalées puis envoyez à nouveau.',
                fields: error.fields,
              },
              400,
            );
          }
        }
      }
      reply.setCookie(ANSWERED_COOKIE, '1', { path: publicSurveyPath(token), httpOnly: true, sameSite: 'lax', secure });
      return renderPage(request, reply, {
        title: 'Merci',
        content: publicSurveyThanksView({ token, organisationName: point.target.organisation_name, already: false }),
      });
    },
  );
}
