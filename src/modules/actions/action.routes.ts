import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import { acceptSingleFile, contentDisposition, requireAttachedFile } from '../../http/uploads.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf, type Viewer } from '../accounts/viewer.ts';
import { isValidCivilDate } from '../calendar/civil-date.ts';
import { ATTACHMENT_FIELD_TOO_LARGE, MAX_ATTACHMENT_BYTES } from '../cases/case-attachment.service.ts';
import type { ActionFilters } from './action.repository.ts';
import {
  type ActionEditor,
  actionChoices,
  actionDetail,
  addEvidenceFile,
  allActions,
  canUpdateProgress,
  changeActionStatus,
  createAction,
  createActionFromOrigin,
  evidenceFileContent,
  organisationToday,
  removeAction,
  removeEvidenceFile,
  searchActions,
  updateActionDetails,
  updateEvidenceText,
} from './action.service.ts';
import { actionsCsv, actionsXlsx } from './action-export.ts';
import { ACTION_STATUS_LABELS, doneByOrigin, isActionStatus, isOriginKind, yearOf } from './action-status.ts';
import { actionsByOriginView, actionsByStatusView, actionsTimelineView } from './views/action-board.view.ts';
import { type ActionDetailForm, actionDetailView } from './views/action-detail.view.ts';
import { actionFormView } from './views/action-form.view.ts';
import { actionListView } from './views/action-list.view.ts';

/**
 * Qui fait quoi (README, « Plan d'actions ») : le référent qualité (admin) crée, modifie et supprime ;
 * l'agent met à jour le statut et les preuves des actions de ses services ; l'auditeur lit.
 */
const READERS = { access: ['admin', 'agent', 'auditor'] } as const;
const MANAGERS = { access: ['admin'] } as const;
const UPDATERS = { access: ['admin', 'agent'] } as const;

export const ACTIONS_PAGE_SIZE = 50;
const QUERY_KEYS = ['statut', 'origine', 'service', 'engagement'] as const;

function param(query: unknown, name: string): string | undefined {
  const raw = (query as Record<string, unknown> | undefined)?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().slice(0, 100);
  return trimmed === '' ? undefined : trimmed;
}

/** Filtres GET ; une valeur inconnue est ignorée (et n'est pas réaffichée). */
function parseFilters(query: unknown): { filters: ActionFilters; shown: Record<string, string>; queryString: string } {
  const shown: Record<string, string> = {};
  for (const key of QUERY_KEYS) {
    const value = param(query, key);
    if (value !== undefined) shown[key] = value;
  }
  const filters: ActionFilters = {};
  if (shown.statut === 'ouvertes') filters.open = true;
  else if (shown.statut && isActionStatus(shown.statut)) filters.status = shown.statut;
  else delete shown.statut;
  if (shown.origine && isOriginKind(shown.origine)) filters.originKind = shown.origine;
  else delete shown.origine;
  if (shown.service) filters.serviceId = shown.service;
  if (shown.engagement) filters.engagement = shown.engagement;
  return { filters, shown, queryString: new URLSearchParams(Object.entries(shown)).toString() };
}

function editorOf(viewer: Viewer): ActionEditor {
  return { role: viewer.role, membershipId: viewer.membershipId, actor: actorOf(viewer) };
}

function csrfOf(request: FastifyRequest): string {
  return viewerOf(request).csrfToken ?? '';
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function actionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const breadcrumb = [{ label: 'Plan d’actions', href: '/plan-actions' }];

  // ——— Lectures du plan ———
  app.get('/plan-actions', { config: READERS }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const parsed = parseFilters(request.query);
    const pageNumber = Number(param(request.query, 'page') ?? '1');
    const [result, choices, { today }] = await Promise.all([
      searchActions(
        ctx,
        organisationId,
        parsed.filters,
        Number.isInteger(pageNumber) && pageNumber > 0 ? pageNumber : 1,
        ACTIONS_PAGE_SIZE,
      ),
      actionChoices(ctx, organisationId),
      organisationToday(ctx, organisationId),
    ]);
    return renderPage(request, reply, {
      title: 'Plan d’actions',
      content: actionListView({
        ...result,
        query: parsed.shown,
        queryString: parsed.queryString,
        choices,
        today,
        canCreate: viewerOf(request).role === 'admin',
      }),
    });
  });

  async function board(request: FastifyRequest) {
    const organisationId = organisationIdOf(request);
    const parsed = parseFilters(request.query);
    const [actions, choices, { today }] = await Promise.all([
      allActions(ctx, organisationId, parsed.filters),
      actionChoices(ctx, organisationId),
      organisationToday(ctx, organisationId),
    ]);
    return { actions, choices, today, query: parsed.shown, queryString: parsed.queryString };
  }

  app.get('/plan-actions/statuts', { config: READERS }, async (request, reply) => {
    const data = await board(request);
    // La vue par statut range toutes les actions : un filtre de statut n'y a pas de sens.
    return renderPage(request, reply, { title: 'Plan d’actions par statut', breadcrumb, content: actionsByStatusView(data) });
  });

  app.get('/plan-actions/calendrier', { config: READERS }, async (request, reply) => {
    const data = await board(request);
    return renderPage(request, reply, { title: 'Calendrier des échéances', breadcrumb, content: actionsTimelineView(data) });
  });

  app.get('/plan-actions/origines', { config: READERS }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const [actions, { today }] = await Promise.all([allActions(ctx, organisationId), organisationToday(ctx, organisationId)]);
    const year = yearOf(today);
    const from = param(request.query, 'du') ?? year.from;
    const to = param(request.query, 'au') ?? year.to;
    const valid = isValidCivilDate(from) && isValidCivilDate(to) && from <= to;
    const period = valid ? { from, to } : year;
    return renderPage(request, reply, {
      title: 'Plan d’actions par origine',
      breadcrumb,
      status: valid ? 200 : 400,
      content: actionsByOriginView({
        actions,
        ...period,
        summaries: doneByOrigin(actions, period.from, period.to),
        error: valid
          ? undefined
          : `Période invalide : indiquez deux dates AAAA-MM-JJ, la première avant la seconde. Bilan de l’année ${today.slice(0, 4)} affiché.`,
      }),
    });
  });

  // ——— Exports de la sélection ———
  app.get('/plan-actions/export.csv', { config: READERS }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const [actions, { today }] = await Promise.all([
      allActions(ctx, organisationId, parseFilters(request.query).filters),
      organisationToday(ctx, organisationId),
    ]);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="plan-actions-${today}.csv"`)
      .send(actionsCsv(actions));
  });

  app.get('/plan-actions/export.xlsx', { config: READERS }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const [actions, { today }] = await Promise.all([
      allActions(ctx, organisationId, parseFilters(request.query).filters),
      organisationToday(ctx, organisationId),
    ]);
    return reply
      .type(XLSX_TYPE)
      .header('Content-Disposition', `attachment; filename="plan-actions-${today}.xlsx"`)
      .send(await actionsXlsx(actions));
  });

  // ——— Création et modification (référent) ———
  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    actionId: string | null,
    state: { error?: string; fields?: Record<string, string>; values?: Record<string, unknown> } = {},
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const [choices, detail, { today }] = await Promise.all([
      actionChoices(ctx, organisationId),
      actionId ? actionDetail(ctx, organisationId, actionId) : Promise.resolve(null),
      organisationToday(ctx, organisationId),
    ]);
    return renderPage(request, reply, {
      title: detail ? `Modifier l’action n° ${detail.action.number}` : 'Nouvelle action',
      status,
      breadcrumb: detail
        ? [...breadcrumb, { label: `Action n° ${detail.action.number}`, href: `/plan-actions/${detail.action.id}` }]
        : breadcrumb,
      content: actionFormView({
        csrfToken: csrfOf(request),
        choices,
        ...(detail ? { action: detail.action } : {}),
        createdOn: detail?.createdOn ?? today,
        ...state,
      }),
    });
  }

  app.get('/plan-actions/nouvelle', { config: MANAGERS }, (request, reply) => showForm(request, reply, null));

  app.post('/plan-actions/nouvelle', { config: MANAGERS }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createAction(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (error, fields, status) => showForm(request, reply, null, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/plan-actions/${result.value.id}`, {
      type: 'success',
      message: `Action n° ${result.value.number} créée.`,
    });
  });

  app.post('/plan-actions/depuis-origine', { config: MANAGERS }, async (request, reply) => {
    const body = formBody(request.body);
    const created = await createActionFromOrigin(
      ctx,
      organisationIdOf(request),
      body.origin_kind,
      body.origin_ref,
      actorOf(viewerOf(request)),
    );
    return redirectWithFlash(reply, `/plan-actions/${created.id}/modifier`, {
      type: 'success',
      message: `Action n° ${created.number} créée depuis ${created.kindLabel.charAt(0).toLowerCase()}${created.kindLabel.slice(1)} « ${created.originLabel} » : complétez-la (acteurs, action, échéance).`,
    });
  });

  app.get<{ Params: { id: string } }>('/plan-actions/:id/modifier', { config: MANAGERS }, (request, reply) =>
    showForm(request, reply, request.params.id),
  );

  app.post<{ Params: { id: string } }>('/plan-actions/:id/modifier', { config: MANAGERS }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    await actionDetail(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => updateActionDetails(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request))),
      (error, fields, status) => showForm(request, reply, request.params.id, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/plan-actions/${request.params.id}`, { type: 'success', message: 'Action enregistrée.' });
  });

  app.post<{ Params: { id: string } }>('/plan-actions/:id/supprimer', { config: MANAGERS }, async (request, reply) => {
    const removed = await removeAction(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, '/plan-actions', { type: 'success', message: `Action n° ${removed.number} supprimée.` });
  });

  // ——— Fiche, statut et preuves ———
  async function showAction(
    request: FastifyRequest,
    reply: FastifyReply,
    actionId: string,
    form?: { name: ActionDetailForm; error: string; fields: Record<string, string>; values: Record<string, unknown> },
    status = 200,
  ) {
    const viewer = viewerOf(request);
    const organisationId = organisationIdOf(request);
    const [detail, choices] = await Promise.all([
      actionDetail(ctx, organisationId, actionId),
      actionChoices(ctx, organisationId),
    ]);
    return renderPage(request, reply, {
      title: `Action n° ${detail.action.number}`,
      status,
      breadcrumb,
      content: actionDetailView({
        ...detail,
        engagementLabels: Object.fromEntries(choices.engagements.map((e) => [e.code, e.label])),
        indicatorLabels: Object.fromEntries(choices.indicators.map((i) => [i.key, i.label])),
        canManage: viewer.role === 'admin',
        canUpdate: await canUpdateProgress(ctx, detail.action, viewer.role, viewer.membershipId),
        csrfToken: csrfOf(request),
        ...(form ? { form } : {}),
      }),
    });
  }

  app.get<{ Params: { id: string } }>('/plan-actions/:id', { config: READERS }, (request, reply) =>
    showAction(request, reply, request.params.id),
  );

  app.post<{ Params: { id: string } }>('/plan-actions/:id/statut', { config: UPDATERS }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const actionId = request.params.id;
    await actionDetail(ctx, organisationId, actionId);
    const result = await handleForm(
      () => changeActionStatus(ctx, organisationId, actionId, body, editorOf(viewerOf(request))),
      (error, fields, status) => showAction(request, reply, actionId, { name: 'status', error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/plan-actions/${actionId}`, {
      type: 'success',
      message: `Action n° ${result.value.number} : ${ACTION_STATUS_LABELS[result.value.status].toLowerCase()}.`,
    });
  });

  app.post<{ Params: { id: string } }>('/plan-actions/:id/preuve', { config: UPDATERS }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const actionId = request.params.id;
    await actionDetail(ctx, organisationId, actionId);
    const result = await handleForm(
      () => updateEvidenceText(ctx, organisationId, actionId, body, editorOf(viewerOf(request))),
      (error, fields, status) => showAction(request, reply, actionId, { name: 'evidence', error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/plan-actions/${actionId}#preuves`, { type: 'success', message: 'Preuve enregistrée.' });
  });

  app.get<{ Params: { id: string; fileId: string } }>(
    '/plan-actions/:id/preuves/:fileId',
    { config: READERS },
    async (request, reply) => {
      const file = await evidenceFileContent(ctx, organisationIdOf(request), request.params.id, request.params.fileId);
      return reply
        .type(file.content_type)
        .header('Content-Disposition', contentDisposition(file.filename))
        .header('X-Content-Type-Options', 'nosniff')
        .send(Buffer.from(file.content));
    },
  );

  app.post<{ Params: { id: string; fileId: string } }>(
    '/plan-actions/:id/preuves/:fileId/supprimer',
    { config: UPDATERS },
    async (request, reply) => {
      const actionId = request.params.id;
      await removeEvidenceFile(ctx, organisationIdOf(request), actionId, request.params.fileId, editorOf(viewerOf(request)));
      return redirectWithFlash(reply, `/plan-actions/${actionId}#preuves`, {
        type: 'success',
        message: 'Pièce justificative supprimée.',
      });
    },
  );

  // Envoi d'un fichier : multipart limité à cette route (10 Mo + 1 octet pour détecter un fichier trop gros).
  app.register(async (scope) => {
    await acceptSingleFile(scope, MAX_ATTACHMENT_BYTES);

    scope.post<{ Params: { id: string } }>(
      '/plan-actions/:id/preuves',
      { config: UPDATERS, bodyLimit: MAX_ATTACHMENT_BYTES + 1024 * 1024 },
      async (request, reply) => {
        const organisationId = organisationIdOf(request);
        const actionId = request.params.id;
        await actionDetail(ctx, organisationId, actionId);
        const file = formBody(request.body).file;
        const result = await handleForm(
          async () => {
            const upload = requireAttachedFile(file, {
              label: 'Pièce justificative',
              maxBytes: MAX_ATTACHMENT_BYTES,
              tooLargeMessage: ATTACHMENT_FIELD_TOO_LARGE,
            });
            return addEvidenceFile(ctx, organisationId, actionId, upload, editorOf(viewerOf(request)));
          },
          (error, fields, status) => showAction(request, reply, actionId, { name: 'file', error, fields, values: {} }, status),
        );
        if (!result.ok) return result.response;
        return redirectWithFlash(reply, `/plan-actions/${actionId}#preuves`, {
          type: 'success',
          message: `Pièce justificative « ${result.value.filename} » ajoutée.`,
        });
      },
    );
  });
}
