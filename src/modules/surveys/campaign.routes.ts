import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import { findDepartment, prefectLabel } from '../organisations/departments.ts';
import {
  addCollectionPoint,
  archiveCollectionPoint,
  closeCampaign,
  createCampaign,
  getCampaignDetail,
  getCollectionPoint,
  listCampaignSummaries,
  organisationTimeZone,
  publicSurveyUrl,
  updateCampaign,
} from './campaign.service.ts';
import { paperFormSummary } from './double-entry.service.ts';
import { qrPosterPdf } from './qr-poster.ts';
import {
  archiveQuestionnaire,
  copyTemplate,
  getQuestionnaire,
  knownEngagementNumbers,
  listOrganisationQuestionnaires,
  listQuestionnaireTemplates,
  questionnaireVersions,
  updateQuestionnaire,
} from './questionnaire.service.ts';
import {
  type CampaignFormValues,
  campaignDetailView,
  campaignFormValues,
  campaignsView,
  newCampaignView,
  submittedCampaignValues,
} from './views/campaigns.view.ts';
import {
  type QuestionnaireFormValues,
  questionnaireFormValues,
  questionnaireFormView,
  questionnairesView,
  submittedQuestionnaireValues,
} from './views/questionnaires.view.ts';

const ADMIN = { access: ['admin'] } as const;
const READERS = { access: ['admin', 'agent', 'auditor'] } as const;
const SURVEYS = { label: 'Enquêtes', href: '/enquetes' };
const QUESTIONNAIRES = { label: 'Questionnaires', href: '/enquetes/questionnaires' };

type WithId = { Params: { id: string } };
type WithPoint = { Params: { id: string; pointId: string } };

function csrfOf(request: FastifyRequest): string {
  return viewerOf(request).csrfToken ?? '';
}

/** Questionnaires de l'organisation et campagnes d'enquête (le référent qualité les gère ; agents et auditeurs les lisent). */
export function campaignRoutes(app: FastifyInstance, ctx: AppContext): void {
  // ——— Questionnaires ———

  app.get('/enquetes/questionnaires', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    return renderPage(request, reply, {
      title: 'Questionnaires',
      breadcrumb: [SURVEYS],
      content: questionnairesView({
        templates: await listQuestionnaireTemplates(ctx),
        copies: await listOrganisationQuestionnaires(ctx, organisationId),
        csrfToken: csrfOf(request),
        timeZone: await organisationTimeZone(ctx, organisationId),
      }),
    });
  });

  app.post('/enquetes/questionnaires', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const { id } = await copyTemplate(ctx, organisationIdOf(request), body.templateKey, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, `/enquetes/questionnaires/${id}`, {
      type: 'success',
      message: 'Copie du modèle créée (version 1) : adaptez-la puis enregistrez.',
    });
  });

  async function showQuestionnaire(
    request: FastifyRequest<WithId>,
    reply: FastifyReply,
    state: { values?: QuestionnaireFormValues; error?: string; fields?: Record<string, string> } = {},
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const loaded = await getQuestionnaire(ctx, organisationId, request.params.id);
    const summaries = await listOrganisationQuestionnaires(ctx, organisationId);
    const summary = summaries.find((s) => s.row.id === loaded.row.id);
    return renderPage(request, reply, {
      title: `${loaded.row.title} — version ${loaded.row.version}`,
      status,
      breadcrumb: [SURVEYS, QUESTIONNAIRES],
      content: questionnaireFormView({
        loaded,
        responseCount: summary?.responseCount ?? 0,
        latest: summary?.latest ?? true,
        versions: await questionnaireVersions(ctx, organisationId, loaded.row.id),
        engagements: await knownEngagementNumbers(ctx),
        values: state.values ?? questionnaireFormValues(loaded.questionnaire),
        ...(state.error ? { error: state.error, fields: state.fields ?? {} } : {}),
        csrfToken: csrfOf(request),
        timeZone: await organisationTimeZone(ctx, organisationId),
      }),
    });
  }

  app.get<WithId>('/enquetes/questionnaires/:id', { config: ADMIN }, (request, reply) => showQuestionnaire(request, reply));

  app.post<WithId>('/enquetes/questionnaires/:id', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    // Un questionnaire d'une autre organisation est introuvable avant toute validation.
    await getQuestionnaire(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => updateQuestionnaire(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request))),
      (error, fields, status) =>
        showQuestionnaire(request, reply, { values: submittedQuestionnaireValues(body), error, fields }, status),
    );
    if (!result.ok) return result.response;
    const saved = result.value;
    return redirectWithFlash(reply, `/enquetes/questionnaires/${saved.id}`, {
      type: 'success',
      message: saved.newVersion
        ? `Version ${saved.version} créée : la version précédente, qui a des réponses, reste inchangée pour ses campagnes.`
        : 'Questionnaire enregistré.',
    });
  });

  app.post<WithId>('/enquetes/questionnaires/:id/archiver', { config: ADMIN }, async (request, reply) => {
    await archiveQuestionnaire(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, '/enquetes/questionnaires', { type: 'success', message: 'Questionnaire archivé.' });
  });

  // ——— Campagnes ———

  app.get('/enquetes', { config: READERS }, async (request, reply) => {
    return renderPage(request, reply, {
      title: 'Enquêtes de satisfaction',
      content: campaignsView({
        campaigns: await listCampaignSummaries(ctx, organisationIdOf(request)),
        canEdit: viewerOf(request).role === 'admin',
      }),
    });
  });

  /** Questionnaires proposés pour une campagne : non archivés, plus celui qu'elle utilise déjà. */
  async function selectableQuestionnaires(organisationId: string, keepId?: string) {
    return (await listOrganisationQuestionnaires(ctx, organisationId)).filter((q) => !q.row.archived_at || q.row.id === keepId);
  }

  async function showNewCampaign(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: CampaignFormValues; error?: string; fields?: Record<string, string> } = {},
    status = 200,
  ) {
    return renderPage(request, reply, {
      title: 'Nouvelle campagne d’enquête',
      status,
      breadcrumb: [SURVEYS],
      content: newCampaignView({
        csrfToken: csrfOf(request),
        questionnaires: await selectableQuestionnaires(organisationIdOf(request)),
        values: state.values ?? {},
        error: state.error,
        fields: state.fields,
      }),
    });
  }

  app.get('/enquetes/campagnes/nouvelle', { config: ADMIN }, (request, reply) => showNewCampaign(request, reply));

  app.post('/enquetes/campagnes', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createCampaign(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (error, fields, status) =>
        showNewCampaign(request, reply, { values: submittedCampaignValues(body), error, fields }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/enquetes/campagnes/${result.value.id}`, {
      type: 'success',
      message: 'Campagne créée : ajoutez ses points de collecte.',
    });
  });

  async function showCampaign(
    request: FastifyRequest<WithId>,
    reply: FastifyReply,
    state: {
      campaignValues?: CampaignFormValues;
      campaignError?: string;
      campaignFields?: Record<string, string>;
      pointValues?: CampaignFormValues;
      pointError?: string;
      pointFields?: Record<string, string>;
    } = {},
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const detail = await getCampaignDetail(ctx, organisationId, request.params.id);
    const canEdit = viewerOf(request).role === 'admin';
    return renderPage(request, reply, {
      title: detail.campaign.name,
      status,
      breadcrumb: [SURVEYS],
      content: campaignDetailView({
        detail,
        canEdit,
        canEnter: canEdit || viewerOf(request).role === 'agent',
        paperForms: detail.points.some((p) => p.mode === 'paper')
          ? await paperFormSummary(ctx, organisationId, detail.campaign.id)
          : undefined,
        csrfToken: csrfOf(request),
        questionnaires: canEdit ? await selectableQuestionnaires(organisationId, detail.campaign.questionnaire_id) : [],
        campaignValues: state.campaignValues ?? campaignFormValues(detail.campaign),
        campaignError: state.campaignError,
        campaignFields: state.campaignFields,
        pointValues: state.pointValues ?? {},
        pointError: state.pointError,
        pointFields: state.pointFields,
      }),
    });
  }

  app.get<WithId>('/enquetes/campagnes/:id', { config: READERS }, (request, reply) => showCampaign(request, reply));

  app.post<WithId>('/enquetes/campagnes/:id', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    await getCampaignDetail(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => updateCampaign(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request))),
      (campaignError, campaignFields, status) =>
        showCampaign(request, reply, { campaignValues: submittedCampaignValues(body), campaignError, campaignFields }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/enquetes/campagnes/${request.params.id}`, {
      type: 'success',
      message: 'Campagne enregistrée.',
    });
  });

  app.post<WithId>('/enquetes/campagnes/:id/cloturer', { config: ADMIN }, async (request, reply) => {
    await closeCampaign(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, `/enquetes/campagnes/${request.params.id}`, {
      type: 'success',
      message: 'Campagne close : plus aucune réponse n’est acceptée.',
    });
  });

  app.post<WithId>('/enquetes/campagnes/:id/points', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    await getCampaignDetail(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => addCollectionPoint(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request))),
      (pointError, pointFields, status) =>
        showCampaign(request, reply, { pointValues: submittedCampaignValues(body), pointError, pointFields }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/enquetes/campagnes/${request.params.id}`, {
      type: 'success',
      message: 'Point de collecte ajouté.',
    });
  });

  app.post<WithPoint>('/enquetes/campagnes/:id/points/:pointId/archiver', { config: ADMIN }, async (request, reply) => {
    await archiveCollectionPoint(
      ctx,
      organisationIdOf(request),
      request.params.id,
      request.params.pointId,
      actorOf(viewerOf(request)),
    );
    return redirectWithFlash(reply, `/enquetes/campagnes/${request.params.id}`, {
      type: 'success',
      message: 'Point de collecte archivé : son lien public ne fonctionne plus.',
    });
  });

  app.get<WithPoint>('/enquetes/campagnes/:id/points/:pointId/affiche.pdf', { config: READERS }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const { campaign, point } = await getCollectionPoint(ctx, organisationId, request.params.id, request.params.pointId);
    const { row } = await getQuestionnaire(ctx, organisationId, campaign.questionnaire_id);
    const department = findDepartment(viewerOf(request).organisation?.departmentCode ?? '');
    const pdf = await qrPosterPdf({
      prefect: department ? prefectLabel(department) : (viewerOf(request).organisation?.name ?? 'Préfecture'),
      title: row.title,
      url: publicSurveyUrl(ctx.config, point.public_token),
    });
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="affiche-enquete-${point.id}.pdf"`)
      .send(pdf);
  });
}
