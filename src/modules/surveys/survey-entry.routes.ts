import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { actorOf } from '../accounts/viewer.ts';
import {
  type CollectionPoint,
  campaignForEntry,
  enteredForm,
  entryPoint,
  pointResponseCount,
  submitResponse,
} from './response.service.ts';
import { type AnswerValues, answersFromBody } from './views/public-survey.view.ts';
import {
  describeAnswers,
  type ExistingForm,
  surveyEntryChoiceView,
  surveyEntryPath,
  surveyEntryView,
} from './views/survey-entry.view.ts';

/** Saisie des réponses papier et téléphone : les agents et le référent qualité de l'organisation. */
const WRITERS = { access: ['admin', 'agent'] } as const;

type EntryRequest = FastifyRequest<{ Params: { id: string }; Querystring: { point?: string } }>;

/**
 * Saisie rapide d'une pile de formulaires papier (numéro, réponses, « Enregistrer et suivant ») ou d'une
 * réponse par téléphone (même écran, sans numéro). La réponse est enregistrée par `submitResponse`, comme
 * toutes les autres, avec l'agent comme auteur (audité).
 */
export function surveyEntryRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function showEntry(
    request: EntryRequest,
    reply: FastifyReply,
    point: CollectionPoint,
    form: {
      responseId?: string;
      values?: AnswerValues;
      formNumber?: string;
      error?: string;
      fields?: Record<string, string>;
      existing?: ExistingForm;
    } = {},
    status = 200,
  ) {
    const { target } = point;
    const count = await pointResponseCount(ctx, target.point_id);
    return renderPage(request, reply, {
      title: `Saisie — ${target.campaign_name}`,
      status,
      content: surveyEntryView({
        campaign: { id: target.campaign_id, name: target.campaign_name },
        point: { id: target.point_id, label: target.point_label, mode: target.point_mode },
        questionnaire: point.questionnaire,
        timeZone: point.timeZone,
        csrfToken: viewerOf(request).csrfToken ?? '',
        // Choisi à l'affichage : un double clic sur « Enregistrer » ne saisit pas deux fois le formulaire.
        responseId: form.responseId ?? newId(),
        count,
        ...form,
      }),
    });
  }

  app.get<{ Params: { id: string }; Querystring: { point?: string } }>(
    '/enquetes/campagnes/:id/saisie',
    { config: WRITERS },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const pointId = request.query.point;
      if (!pointId) {
        const { campaign, points } = await campaignForEntry(ctx, organisationId, request.params.id);
        return renderPage(request, reply, {
          title: `Saisie — ${campaign.name}`,
          content: surveyEntryChoiceView({ campaign, points }),
        });
      }
      return showEntry(request, reply, await entryPoint(ctx, organisationId, request.params.id, pointId));
    },
  );

  app.post<{ Params: { id: string }; Querystring: { point?: string } }>(
    '/enquetes/campagnes/:id/saisie',
    { config: WRITERS },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const viewer = viewerOf(request);
      const point = await entryPoint(ctx, organisationId, request.params.id, request.query.point ?? '');
      const body = formBody(request.body);
      const values = answersFromBody(body);
      const responseId = text(body, 'responseId') ?? '';
      const formNumber = text(body, 'formNumber')?.trim() ?? '';
      let saved: Awaited<ReturnType<typeof submitResponse>>;
      try {
        saved = await submitResponse(
          ctx,
          {
            responseId,
            pointId: point.target.point_id,
            answers: values,
            ...(formNumber ? { formNumber } : {}),
            enteredBy: viewer.userId,
          },
          { organisationId, actor: actorOf(viewer) },
        );
      } catch (error) {
        if (!isAppError(error) || error.status >= 500 || error.code === 'not_found') throw error;
        let existing: ExistingForm | undefined;
        if (error.code === 'survey_form_number_taken') {
          const found = await enteredForm(ctx, organisationId, point.target.campaign_id, formNumber);
          if (found) {
            existing = {
              formNumber,
              receivedAt: found.response.received_at,
              enteredBy: found.enteredBy,
              answers: describeAnswers(point.questionnaire, found.answers),
            };
          }
        }
        return showEntry(
          request,
          reply,
          point,
          {
            ...(error.fields.responseId ? {} : { responseId }),
            values,
            formNumber,
            error: error.message,
            fields: error.fields,
            ...(existing ? { existing } : {}),
          },
          error.status,
        );
      }
      const what =
        point.target.point_mode === 'paper'
          ? `Formulaire${formNumber ? ` n° ${formNumber}` : ''} enregistré.`
          : 'Réponse enregistrée.';
      return redirectWithFlash(reply, surveyEntryPath(point.target.campaign_id, point.target.point_id), {
        type: 'success',
        message: saved.status === 'duplicate' ? `${what} (déjà reçu : aucun doublon).` : what,
      });
    },
  );
}
