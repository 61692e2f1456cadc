import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import {
  getQuestionnaire,
  listOrganisationQuestionnaires,
  questionnaireJson,
  replaceQuestionnaireJson,
} from './questionnaire.service.ts';
import { questionnaireJsonPath, questionnaireJsonView } from './views/questionnaire-json.view.ts';

const ADMIN = { access: ['admin'] } as const;

type WithId = { Params: { id: string } };

/**
 * Écran « JSON » d'un questionnaire (référent qualité) : la définition complète dans une zone de texte,
 * pour ce que le formulaire simple ne couvre pas (critères, engagements, conditions, types, clés).
 * Une version qui a des réponses n'est jamais modifiée : l'enregistrement crée la suivante.
 */
export function questionnaireRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function showJson(
    request: FastifyRequest<WithId>,
    reply: FastifyReply,
    state: { text?: string; error?: string; fields?: Record<string, string> } = {},
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const loaded = await getQuestionnaire(ctx, organisationId, request.params.id);
    const summary = (await listOrganisationQuestionnaires(ctx, organisationId)).find((s) => s.row.id === loaded.row.id);
    const editable = !loaded.row.archived_at && (summary?.latest ?? true);
    return renderPage(request, reply, {
      title: `${loaded.row.title} — version ${loaded.row.version} (JSON)`,
      status,
      breadcrumb: [
        { label: 'Enquêtes', href: '/enquetes' },
        { label: 'Questionnaires', href: '/enquetes/questionnaires' },
        { label: `${loaded.row.title} — version ${loaded.row.version}`, href: `/enquetes/questionnaires/${loaded.row.id}` },
      ],
      content: questionnaireJsonView({
        row: loaded.row,
        responseCount: summary?.responseCount ?? 0,
        editable,
        // Saisie refusée : réaffichée telle quelle ; en lecture seule, toujours la version enregistrée.
        text: (editable ? state.text : undefined) ?? questionnaireJson(loaded.questionnaire),
        csrfToken: viewerOf(request).csrfToken ?? '',
        ...(state.error ? { error: state.error, fields: state.fields ?? {} } : {}),
      }),
    });
  }

  app.get<WithId>('/enquetes/questionnaires/:id/json', { config: ADMIN }, (request, reply) => showJson(request, reply));

  app.post<WithId>('/enquetes/questionnaires/:id/json', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const submitted = text(formBody(request.body), 'definition') ?? '';
    const result = await handleForm(
      () => replaceQuestionnaireJson(ctx, organisationId, request.params.id, submitted, actorOf(viewerOf(request))),
      (error, fields, status) => showJson(request, reply, { text: submitted, error, fields }, status),
    );
    if (!result.ok) return result.response;
    const saved = result.value;
    return redirectWithFlash(reply, questionnaireJsonPath(saved.id), {
      type: 'success',
      message: saved.newVersion
        ? `Version ${saved.version} créée : la version précédente, qui a des réponses, reste inchangée pour ses campagnes.`
        : 'Questionnaire enregistré.',
    });
  });
}
