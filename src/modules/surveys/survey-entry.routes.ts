import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { newOrderedId } from '../../shared/ids.ts';
import { actorOf } from '../accounts/viewer.ts';
import { organisationTimeZone } from './campaign.service.ts';
import {
  type ControlOutcome,
  campaignConflicts,
  formCheckDetail,
  paperFormSummary,
  resolveFormCheck,
  submitControlEntry,
} from './double-entry.service.ts';
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
  formChecksPath,
  formChecksView,
  formCheckView,
  submittedChoices,
  surveyEntryChoiceView,
  surveyEntryPath,
  surveyEntryView,
} from './views/survey-entry.view.ts';

/** Saisie des réponses papier et téléphone : les agents et le référent qualité de l'organisation. */
const WRITERS = { access: ['admin', 'agent'] } as const;

type EntryRequest = FastifyRequest<{ Params: { id: string }; Querystring: { point?: string; controle?: string } }>;
type CheckRequest = FastifyRequest<{ Params: { id: string; checkId: string } }>;

/** Message de retour d'une saisie de contrôle. */
function controlFlash(outcome: ControlOutcome, formNumber: string) {
  switch (outcome.status) {
    case 'first_entry':
      return {
        type: 'success' as const,
        message: outcome.duplicate
          ? `Formulaire n° ${formNumber} déjà reçu : aucun doublon.`
          : `Formulaire n° ${formNumber} enregistré : c’était sa première saisie, sa saisie de contrôle reste à faire.`,
      };
    case 'verified':
      return {
        type: 'success' as const,
        message: `Formulaire n° ${formNumber} vérifié : la seconde saisie est identique à la première.`,
      };
    case 'conflict':
      return {
        type: 'warning' as const,
        message: `Formulaire n° ${formNumber} : les deux saisies diffèrent sur ${outcome.differences} question${outcome.differences > 1 ? 's' : ''}. Choisissez la bonne valeur d’après le formulaire papier.`,
      };
  }
}

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
      control?: boolean;
    } = {},
    status = 200,
  ) {
    const { target } = point;
    const control = target.point_mode === 'paper' && form.control === true;
    const count = await pointResponseCount(ctx, target.point_id);
    const summary = control ? await paperFormSummary(ctx, target.organisation_id, target.campaign_id) : undefined;
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
        responseId: form.responseId ?? newOrderedId(),
        count,
        ...form,
        control,
        ...(summary ? { summary } : {}),
      }),
    });
  }

  app.get<{ Params: { id: string }; Querystring: { point?: string; controle?: string } }>(
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
      return showEntry(request, reply, await entryPoint(ctx, organisationId, request.params.id, pointId), {
        control: request.query.controle === '1',
      });
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
      if (point.target.point_mode === 'paper' && text(body, 'controle') === '1') {
        return controlEntry(request, reply, point, { responseId, formNumber, values });
      }
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

  /** Saisie en mode « double saisie de contrôle » : comparaison avec la première saisie du même numéro. */
  async function controlEntry(
    request: EntryRequest,
    reply: FastifyReply,
    point: CollectionPoint,
    entry: { responseId: string; formNumber: string; values: ReturnType<typeof answersFromBody> },
  ) {
    const viewer = viewerOf(request);
    const { target } = point;
    const result = await handleForm(
      () =>
        submitControlEntry(
          ctx,
          point,
          { entryId: entry.responseId, formNumber: entry.formNumber, answers: entry.values },
          { organisationId: organisationIdOf(request), actor: actorOf(viewer) },
        ),
      (error, fields, status) =>
        showEntry(
          request,
          reply,
          point,
          {
            ...(fields.responseId || fields.entryId ? {} : { responseId: entry.responseId }),
            values: entry.values,
            formNumber: entry.formNumber,
            error,
            fields,
            control: true,
          },
          status,
        ),
    );
    if (!result.ok) return result.response;
    const outcome = result.value;
    const flash = controlFlash(outcome, entry.formNumber);
    if (outcome.status === 'conflict') {
      return redirectWithFlash(reply, formChecksPath(target.campaign_id, outcome.checkId), flash);
    }
    return redirectWithFlash(reply, surveyEntryPath(target.campaign_id, target.point_id, true), flash);
  }

  // ——— Double saisie : écarts à arbitrer ———

  app.get<{ Params: { id: string } }>('/enquetes/campagnes/:id/controles', { config: WRITERS }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const { campaign, summary, conflicts } = await campaignConflicts(ctx, organisationId, request.params.id);
    return renderPage(request, reply, {
      title: `Double saisie — ${campaign.name}`,
      breadcrumb: [
        { label: 'Enquêtes', href: '/enquetes' },
        { label: campaign.name, href: `/enquetes/campagnes/${encodeURIComponent(campaign.id)}` },
      ],
      content: formChecksView({
        campaign,
        summary,
        conflicts,
        timeZone: await organisationTimeZone(ctx, organisationId),
      }),
    });
  });

  async function showCheck(
    request: CheckRequest,
    reply: FastifyReply,
    state: { choices?: Record<string, string | undefined>; error?: string; fields?: Record<string, string> } = {},
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const detail = await formCheckDetail(ctx, organisationId, request.params.id, request.params.checkId);
    const { check, point, response } = detail;
    return renderPage(request, reply, {
      title: `Double saisie — formulaire n° ${check.form_number}`,
      status,
      breadcrumb: [
        { label: 'Enquêtes', href: '/enquetes' },
        { label: point.target.campaign_name, href: `/enquetes/campagnes/${encodeURIComponent(point.target.campaign_id)}` },
        { label: 'Double saisie', href: formChecksPath(point.target.campaign_id) },
      ],
      content: formCheckView({
        campaign: { id: point.target.campaign_id, name: point.target.campaign_name },
        point: { id: point.target.point_id, label: point.target.point_label },
        questionnaire: point.questionnaire,
        timeZone: point.timeZone,
        csrfToken: viewerOf(request).csrfToken ?? '',
        checkId: check.id,
        formNumber: check.form_number,
        status: check.status,
        entryId: check.entry_id,
        first: { at: response.received_at, by: detail.firstEnteredBy, values: detail.first },
        second: { at: check.entered_at, by: detail.secondEnteredBy, values: detail.second },
        differences: detail.differences,
        answeredCount: new Set([...detail.first.keys(), ...detail.second.keys()]).size,
        correctedKeys: check.corrected_keys ? (JSON.parse(check.corrected_keys) as string[]) : [],
        resolvedAt: check.resolved_at,
        ...state,
      }),
    });
  }

  app.get<{ Params: { id: string; checkId: string } }>(
    '/enquetes/campagnes/:id/controles/:checkId',
    { config: WRITERS },
    (request, reply) => showCheck(request, reply),
  );

  app.post<{ Params: { id: string; checkId: string } }>(
    '/enquetes/campagnes/:id/controles/:checkId',
    { config: WRITERS },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const body = formBody(request.body);
      const result = await handleForm(
        () =>
          resolveFormCheck(ctx, organisationId, request.params.id, request.params.checkId, body, {
            organisationId,
            actor: actorOf(viewerOf(request)),
          }),
        (error, fields, status) => showCheck(request, reply, { choices: submittedChoices(body), error, fields }, status),
      );
      if (!result.ok) return result.response;
      const { formNumber, corrected } = result.value;
      return redirectWithFlash(reply, formChecksPath(request.params.id), {
        type: 'success',
        message:
          corrected.length > 0
            ? `Formulaire n° ${formNumber} corrigé (${corrected.length} question${corrected.length > 1 ? 's' : ''}) et vérifié.`
            : `Formulaire n° ${formNumber} vérifié : la première saisie est confirmée.`,
      });
    },
  );
}
