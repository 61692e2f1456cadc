import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import { acceptSingleFile, contentDisposition, requireAttachedFile } from '../../http/uploads.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { formatDate } from '../../ui/format.ts';
import { listMembershipServiceIds } from '../accounts/account.repository.ts';
import { actorOf, type Viewer } from '../accounts/viewer.ts';
import type { Actor } from '../audit/audit.service.ts';
import { localDateOf } from '../calendar/calendar.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { listOutgoingMailsOfCase } from '../mail/outgoing-mail.repository.ts';
import { mysteryCaseMarks } from '../mystery/mystery-case.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { type CaseFilters, type CaseRow, casesByReferences, listCases, themesOfCases } from './case.repository.ts';
import {
  caseDetail,
  closeCase,
  createCase,
  organisationContext,
  reassignCase,
  reclassifyCase,
  recordAnswer,
  recordAppointment,
  registerIndicators,
  searchCases,
  themesOf,
} from './case.service.ts';
import {
  ATTACHMENT_FIELD_TOO_LARGE,
  addAttachment,
  attachmentContent,
  caseAttachments,
  MAX_ATTACHMENT_BYTES,
  removeAttachment,
} from './case-attachment.service.ts';
import { exportRecord, registerCsv, registerXlsx } from './case-export.ts';
import { parsePeriod } from './period.ts';
import { currentDue, urgencyOf } from './urgency.ts';
import { type CaseAction, caseDetailView } from './views/case-detail.view.ts';
import { newCaseView, URN_KINDS, urnRoundView, urnStartView } from './views/case-entry.view.ts';
import { caseQueueView, type QueueRow } from './views/case-queue.view.ts';
import { type DrillRow, indicatorCasesView, indicatorsView } from './views/register-indicators.view.ts';
import { CASE_STATUSES, type CaseStatus, isCaseChannel, isCaseKind } from './vocabulary.ts';

const READERS = { access: ['admin', 'agent', 'auditor'] } as const;
const WRITERS = { access: ['admin', 'agent'] } as const;
const INDICATOR_READERS = { access: ['admin', 'agent', 'auditor', 'clu_member'] } as const;

export const PAGE_SIZE = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const QUERY_KEYS = ['q', 'kind', 'channel', 'status', 'service', 'theme', 'from', 'to', 'tous'] as const;

type Query = Record<string, unknown>;

function param(query: unknown, name: string): string | undefined {
  const raw = (query as Query | undefined)?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Aujourd'hui, en date locale du département (jamais l'horloge système directement). */
function todayIn(ctx: AppContext, timeZone: string): string {
  return instantToLocalDate(ctx.clock.now(), timeZone);
}

interface ParsedQueue {
  filters: CaseFilters;
  shown: Record<string, string>;
  queryString: string;
  agentScope: { limited: boolean; serviceNames: string[] } | null;
}

/** Filtres GET du registre ; une valeur inconnue est ignorée. Un agent voit ses services, sauf « tous ». */
async function parseQueue(ctx: AppContext, viewer: Viewer, query: unknown, services: { id: string; name: string }[]) {
  const shown: Record<string, string> = {};
  for (const key of QUERY_KEYS) {
    const value = param(query, key);
    if (value !== undefined) shown[key] = value;
  }
  const filters: CaseFilters = {};
  if (shown.kind && isCaseKind(shown.kind)) filters.kind = shown.kind;
  else delete shown.kind;
  if (shown.channel && isCaseChannel(shown.channel)) filters.channel = shown.channel;
  else delete shown.channel;
  if (shown.status === 'open') filters.open = true;
  else if (shown.status && (CASE_STATUSES as readonly string[]).includes(shown.status))
    filters.status = shown.status as CaseStatus;
  else delete shown.status;
  if (shown.theme) filters.themeId = shown.theme;
  for (const key of ['from', 'to'] as const) {
    if (shown[key] && DATE.test(shown[key])) filters[key] = shown[key];
    else delete shown[key];
  }
  if (shown.q) filters.search = shown.q.slice(0, 200);
  if (shown.tous !== '1') delete shown.tous;
  let agentScope: ParsedQueue['agentScope'] = null;
  if (shown.service) {
    filters.serviceIds = [shown.service];
  }
  if (viewer.role === 'agent') {
    const mine = await listMembershipServiceIds(ctx.db, viewer.membershipId);
    const limited = !shown.tous;
    agentScope = { limited, serviceNames: services.filter((s) => mine.includes(s.id)).map((s) => s.name) };
    if (limited && !shown.service) filters.serviceIds = mine;
  }
  const queryString = new URLSearchParams(Object.entries(shown)).toString();
  return { filters, shown, queryString, agentScope } satisfies ParsedQueue;
}

function csrfOf(viewer: Viewer): string {
  return viewer.csrfToken ?? '';
}

export function caseRoutes(app: FastifyInstance, ctx: AppContext): void {
  // ——— File d'attente ———
  app.get('/registre', { config: READERS }, async (request, reply) => {
    const viewer = viewerOf(request);
    const organisationId = organisationIdOf(request);
    const [{ department, calendar }, services, themes] = await Promise.all([
      organisationContext(ctx, organisationId),
      listServices(ctx.db, organisationId),
      themesOf(ctx, organisationId, { includeArchived: true }),
    ]);
    const parsed = await parseQueue(ctx, viewer, request.query, services);
    const pageNumber = Number(param(request.query, 'page') ?? '1');
    const result = await searchCases(
      ctx,
      organisationId,
      parsed.filters,
      Number.isInteger(pageNumber) && pageNumber > 0 ? pageNumber : 1,
      PAGE_SIZE,
    );
    const today = todayIn(ctx, department.timeZone);
    const mystery = await mysteryCaseMarks(ctx.db, organisationId, viewer.role, result.rows);
    const rows: QueueRow[] = result.rows.map((r) => ({
      ...r,
      urgency: urgencyOf(r, today, calendar),
      shown_due: currentDue(r),
      mystery: mystery.has(r.id),
    }));
    return renderPage(request, reply, {
      title: 'Registre',
      content: caseQueueView({
        rows,
        total: result.total,
        page: result.page,
        pageCount: result.pageCount,
        query: parsed.shown,
        queryString: parsed.queryString,
        services,
        themes: themes.filter((t) => !t.archived_at),
        canCreate: viewer.role !== 'auditor',
        canAdminister: viewer.role === 'admin',
        agentScope: parsed.agentScope,
        today,
      }),
    });
  });

  // ——— Exports (toute la sélection, sans données personnelles) ———
  async function exportRows(request: FastifyRequest) {
    const viewer = viewerOf(request);
    const organisationId = organisationIdOf(request);
    const [{ department, calendar }, services] = await Promise.all([
      organisationContext(ctx, organisationId),
      listServices(ctx.db, organisationId),
    ]);
    const parsed = await parseQueue(ctx, viewer, request.query, services);
    const records = [];
    for (let offset = 0; ; offset += 1000) {
      const chunk = await listCases(ctx.db, organisationId, parsed.filters, 1000, offset);
      const themes = await themesOfCases(
        ctx.db,
        chunk.map((r) => r.id),
      );
      for (const row of chunk) {
        const delay = row.answered_local_date ? calendar.delay(row.received_local_date, row.answered_local_date) : null;
        records.push(
          exportRecord(
            row,
            themes.filter((t) => t.case_id === row.id).map((t) => t.label),
            delay,
          ),
        );
      }
      if (chunk.length < 1000) break;
    }
    return { records, today: todayIn(ctx, department.timeZone) };
  }

  app.get('/registre/export.csv', { config: READERS }, async (request, reply) => {
    const { records, today } = await exportRows(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="registre-${today}.csv"`)
      .send(registerCsv(records));
  });

  app.get('/registre/export.xlsx', { config: READERS }, async (request, reply) => {
    const { records, today } = await exportRows(request);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="registre-${today}.xlsx"`)
      .send(await registerXlsx(records));
  });

  // ——— Saisie d'une demande ———
  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { error?: string; fields?: Record<string, string>; values?: Record<string, unknown> },
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const [services, themes] = await Promise.all([listServices(ctx.db, organisationId), themesOf(ctx, organisationId)]);
    return renderPage(request, reply, {
      title: 'Enregistrer une demande',
      status,
      breadcrumb: [{ label: 'Registre', href: '/registre' }],
      content: newCaseView({
        ...state,
        csrfToken: csrfOf(viewerOf(request)),
        services,
        themes: themes.filter((t) => !t.archived_at),
      }),
    });
  }

  app.get('/registre/nouveau', { config: WRITERS }, async (request, reply) => {
    const { department } = await organisationContext(ctx, organisationIdOf(request));
    const values: Record<string, unknown> = { receivedAt: todayIn(ctx, department.timeZone) };
    for (const key of ['kind', 'channel', 'serviceId', 'receivedAt'] as const) {
      const value = param(request.query, key);
      if (value !== undefined) values[key] = value;
    }
    return showNew(request, reply, { values });
  });

  app.post('/registre/nouveau', { config: WRITERS }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const date = text(body, 'receivedAt')?.trim() ?? '';
    const time = text(body, 'receivedTime')?.trim() ?? '';
    const input = { ...body };
    if (time) {
      if (!/^\d{2}:\d{2}$/.test(time)) {
        return showNew(
          request,
          reply,
          {
            error: 'Certaines informations sont invalides. Corrigez les champs signalés.',
            fields: { receivedTime: 'Heure de réception : format HH:MM attendu (par exemple 14:30).' },
            values: body,
          },
          400,
        );
      }
      if (DATE.test(date)) input.receivedAt = `${date}T${time}`;
    }
    const result = await handleForm(
      () => createCase(ctx, organisationId, input, actorOf(viewerOf(request))),
      (error, fields, status) => showNew(request, reply, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    const row = result.value;
    const message = `Dossier ${row.reference} enregistré — ${row.due_date ? `échéance le ${formatDate(row.due_date)}` : row.appointment_fixed_due ? `rendez-vous à fixer au plus tard le ${formatDate(row.appointment_fixed_due)}` : 'sans échéance écrite'}.`;
    if (text(body, 'suite') === 'continuer') {
      const keep = new URLSearchParams({ kind: row.kind, channel: row.channel, receivedAt: date });
      if (row.service_id) keep.set('serviceId', row.service_id);
      return redirectWithFlash(reply, `/registre/nouveau?${keep.toString()}`, { type: 'success', message });
    }
    return redirectWithFlash(reply, `/registre/${row.id}`, { type: 'success', message });
  });

  // ——— Relève de l'urne ———
  async function showUrn(
    request: FastifyRequest,
    reply: FastifyReply,
    round: { collectedAt?: string; serviceId?: string; refs?: string },
    state: { error?: string; fields?: Record<string, string>; values?: Record<string, unknown> } = {},
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const [{ department }, services] = await Promise.all([
      organisationContext(ctx, organisationId),
      listServices(ctx.db, organisationId),
    ]);
    const today = todayIn(ctx, department.timeZone);
    const crumbs = [{ label: 'Registre', href: '/registre' }];
    let collected: string | undefined;
    const startFields: Record<string, string> = {};
    if (round.collectedAt !== undefined) {
      try {
        collected = localDateOf(round.collectedAt, department, 'collectedAt', 'Date de relève');
        if (collected > today) startFields.collectedAt = 'Date de relève : elle ne peut pas être dans le futur.';
      } catch (error) {
        if (error instanceof AppError) Object.assign(startFields, error.fields);
        else throw error;
      }
    }
    const service = round.serviceId ? services.find((s) => s.id === round.serviceId) : undefined;
    if (round.serviceId && !service) startFields.serviceId = 'Service inconnu.';
    if (!collected || Object.keys(startFields).length > 0) {
      const hasErrors = Object.keys(startFields).length > 0;
      return renderPage(request, reply, {
        title: 'Relève de l’urne',
        status: hasErrors ? 400 : status,
        breadcrumb: crumbs,
        content: urnStartView({
          services,
          today,
          ...(hasErrors
            ? {
                error: 'Certaines informations sont invalides. Corrigez les champs signalés.',
                fields: startFields,
                values: { releve: round.collectedAt, service: round.serviceId },
              }
            : {}),
        }),
      });
    }
    const references = (round.refs ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter((r) => /^\d{4}-\d{5,}$/.test(r))
      .slice(0, 500);
    const found = await casesByReferences(ctx.db, organisationId, references);
    const created = references
      .map((ref) => found.find((c) => c.reference === ref))
      .filter((c): c is CaseRow => c !== undefined)
      .map((c) => ({ id: c.id, reference: c.reference, kind: c.kind }));
    return renderPage(request, reply, {
      title: `Relève de l’urne du ${formatDate(collected)}`,
      status,
      breadcrumb: crumbs,
      content: urnRoundView({
        ...state,
        csrfToken: csrfOf(viewerOf(request)),
        collectedAt: collected,
        service: service ? { id: service.id, name: service.name } : null,
        created,
      }),
    });
  }

  app.get('/registre/urne', { config: WRITERS }, async (request, reply) => {
    const collectedAt = param(request.query, 'releve');
    const serviceId = param(request.query, 'service');
    const refs = param(request.query, 'refs');
    return showUrn(request, reply, {
      ...(collectedAt !== undefined ? { collectedAt } : {}),
      ...(serviceId !== undefined ? { serviceId } : {}),
      ...(refs !== undefined ? { refs } : {}),
    });
  });

  app.post('/registre/urne', { config: WRITERS }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const collectedAt = text(body, 'collectedAt')?.trim() ?? '';
    const serviceId = text(body, 'serviceId')?.trim() ?? '';
    const refs = text(body, 'refs') ?? '';
    const round = { collectedAt, ...(serviceId ? { serviceId } : {}), refs };
    const kind = text(body, 'kind') ?? '';
    const result = await handleForm(
      async () => {
        if (!(URN_KINDS as readonly string[]).includes(kind)) {
          throw new AppError('validation_failed', {
            kind: 'Nature : réclamation, suggestion, remerciement, autre demande ou hors champ.',
          });
        }
        return createCase(
          ctx,
          organisationId,
          {
            kind,
            channel: 'urn',
            receivedAt: collectedAt,
            depositedAt: text(body, 'depositedAt'),
            serviceId: serviceId || undefined,
            subject: text(body, 'subject'),
            body: text(body, 'body'),
            requesterName: text(body, 'requesterName'),
            requesterEmail: text(body, 'requesterEmail'),
            requesterAddress: text(body, 'requesterAddress'),
          },
          actorOf(viewerOf(request)),
        );
      },
      (error, fields, status) => showUrn(request, reply, round, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    const next = new URLSearchParams({ releve: collectedAt });
    if (serviceId) next.set('service', serviceId);
    next.set('refs', [...refs.split(',').filter(Boolean), result.value.reference].join(','));
    return reply.redirect(`/registre/urne?${next.toString()}`, 303);
  });

  // ——— Indicateurs du registre ———
  async function indicatorParams(request: FastifyRequest) {
    const organisationId = organisationIdOf(request);
    const { department } = await organisationContext(ctx, organisationId);
    const today = todayIn(ctx, department.timeZone);
    const period = param(request.query, 'period') ?? today.slice(0, 7);
    const asOf = param(request.query, 'asOf') ?? today;
    return { organisationId, period, asOf };
  }

  app.get('/registre/indicateurs', { config: INDICATOR_READERS }, async (request, reply) => {
    const { organisationId, period, asOf } = await indicatorParams(request);
    const result = await handleForm(
      () => registerIndicators(ctx, organisationId, period, asOf),
      (error, fields, status) =>
        renderPage(request, reply, {
          title: 'Indicateurs du registre',
          status,
          content: indicatorsView({ values: [], period, asOf, periodLabel: null, error, fields }),
        }),
    );
    if (!result.ok) return result.response;
    return renderPage(request, reply, {
      title: 'Indicateurs du registre',
      content: indicatorsView({
        values: result.value,
        period: result.value[0]?.period ?? period,
        asOf: result.value[0]?.asOf ?? asOf,
        periodLabel: parsePeriod(period)?.label ?? period,
      }),
    });
  });

  app.get<{ Params: { key: string } }>('/registre/indicateurs/:key', { config: INDICATOR_READERS }, async (request, reply) => {
    const viewer = viewerOf(request);
    const { organisationId, period, asOf } = await indicatorParams(request);
    const values = await registerIndicators(ctx, organisationId, period, asOf);
    const indicator = values.find((v) => v.key === request.params.key);
    if (!indicator) throw new AppError('not_found', {}, 'Indicateur inconnu ou hors du périmètre.');
    const ids = [...indicator.cases.missed, ...indicator.cases.pending, ...indicator.cases.met];
    const rows = ids.length > 0 ? await listCases(ctx.db, organisationId, { ids }, ids.length, 0) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const pick = (list: string[]): DrillRow[] =>
      list
        .map((id) => byId.get(id))
        .filter((r): r is (typeof rows)[number] => r !== undefined)
        .map((r) => ({
          id: r.id,
          reference: r.reference,
          kind: r.kind,
          channel: r.channel,
          received_local_date: r.received_local_date,
          answered_local_date: r.answered_local_date,
        }));
    return renderPage(request, reply, {
      title: `${indicator.key} — dossiers`,
      breadcrumb: [
        {
          label: 'Indicateurs du registre',
          href: `/registre/indicateurs?period=${encodeURIComponent(indicator.period)}&asOf=${indicator.asOf}`,
        },
      ],
      content: indicatorCasesView({
        indicator,
        period: indicator.period,
        asOf: indicator.asOf,
        periodLabel: parsePeriod(indicator.period)?.label ?? indicator.period,
        missed: pick(indicator.cases.missed),
        pending: pick(indicator.cases.pending),
        met: pick(indicator.cases.met),
        linkToCases: viewer.role !== 'clu_member',
      }),
    });
  });

  // ——— Fiche d'un dossier et actions ———
  async function showCase(
    request: FastifyRequest,
    reply: FastifyReply,
    caseId: string,
    form?: { name: CaseAction; error: string; fields: Record<string, string>; values: Record<string, unknown> },
    status = 200,
  ) {
    const viewer = viewerOf(request);
    const organisationId = organisationIdOf(request);
    const detail = await caseDetail(ctx, organisationId, caseId);
    const [{ department, calendar }, services, attachments, mails] = await Promise.all([
      organisationContext(ctx, organisationId),
      listServices(ctx.db, organisationId),
      caseAttachments(ctx, organisationId, caseId),
      listOutgoingMailsOfCase(ctx.db, caseId),
    ]);
    const c = detail.case;
    const today = todayIn(ctx, department.timeZone);
    const mystery = await mysteryCaseMarks(ctx.db, organisationId, viewer.role, [c]);
    return renderPage(request, reply, {
      title: `Dossier ${c.reference}`,
      status,
      breadcrumb: [{ label: 'Registre', href: '/registre' }],
      content: caseDetailView({
        case: c,
        serviceName: services.find((s) => s.id === c.service_id)?.name ?? null,
        themes: detail.themes,
        events: detail.events,
        services,
        urgency: urgencyOf(c, today, calendar),
        delay: c.answered_local_date ? calendar.delay(c.received_local_date, c.answered_local_date) : null,
        timeZone: department.timeZone,
        today,
        attachments: attachments.map((a) => ({ ...a, size: Number(a.size) })),
        mails,
        canEdit: viewer.role === 'admin' || viewer.role === 'agent',
        canCreateAction: viewer.role === 'admin',
        mystery: mystery.has(c.id),
        csrfToken: csrfOf(viewer),
        ...(form ? { form } : {}),
      }),
    });
  }

  app.get<{ Params: { id: string } }>('/registre/:id', { config: READERS }, (request, reply) =>
    showCase(request, reply, request.params.id),
  );

  const actions: {
    path: string;
    name: CaseAction;
    done: string;
    run: (c: AppContext, org: string, id: string, input: unknown, actor: Actor) => Promise<unknown>;
  }[] = [
    { path: 'reponse', name: 'answer', done: 'Réponse enregistrée.', run: recordAnswer },
    { path: 'requalification', name: 'reclassify', done: 'Dossier requalifié ; échéances recalculées.', run: reclassifyCase },
    { path: 'affectation', name: 'reassign', done: 'Dossier confié au service choisi.', run: reassignCase },
    { path: 'rendez-vous', name: 'appointment', done: 'Dates du rendez-vous enregistrées.', run: recordAppointment },
    {
      path: 'cloture',
      name: 'close',
      done: 'Dossier clos.',
      run: (c, org, id, _input, actor) => closeCase(c, org, id, actor),
    },
  ];

  for (const action of actions) {
    app.post<{ Params: { id: string } }>(`/registre/:id/${action.path}`, { config: WRITERS }, async (request, reply) => {
      const body = formBody(request.body);
      const organisationId = organisationIdOf(request);
      const caseId = request.params.id;
      // Dossier d'une autre organisation (ou inconnu) : 404, avant toute validation.
      await caseDetail(ctx, organisationId, caseId);
      const result = await handleForm<unknown>(
        () => action.run(ctx, organisationId, caseId, body, actorOf(viewerOf(request))),
        (error, fields, status) => showCase(request, reply, caseId, { name: action.name, error, fields, values: body }, status),
      );
      if (!result.ok) return result.response;
      return redirectWithFlash(reply, `/registre/${caseId}`, { type: 'success', message: action.done });
    });
  }

  // ——— Pièces jointes ———
  app.get<{ Params: { id: string; attachmentId: string } }>(
    '/registre/:id/pieces-jointes/:attachmentId',
    { config: READERS },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const file = await attachmentContent(ctx, organisationId, request.params.id, request.params.attachmentId);
      return reply
        .type(file.content_type)
        .header('Content-Disposition', contentDisposition(file.filename))
        .header('X-Content-Type-Options', 'nosniff')
        .send(Buffer.from(file.content));
    },
  );

  app.post<{ Params: { id: string; attachmentId: string } }>(
    '/registre/:id/pieces-jointes/:attachmentId/supprimer',
    { config: WRITERS },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const caseId = request.params.id;
      await removeAttachment(ctx, organisationId, caseId, request.params.attachmentId, actorOf(viewerOf(request)));
      return redirectWithFlash(reply, `/registre/${caseId}#pieces-jointes`, {
        type: 'success',
        message: 'Pièce jointe supprimée.',
      });
    },
  );

  // Envoi : multipart limité à cette route (10 Mo + 1 octet pour détecter un fichier trop gros).
  app.register(async (scope) => {
    await acceptSingleFile(scope, MAX_ATTACHMENT_BYTES);

    scope.post<{ Params: { id: string } }>(
      '/registre/:id/pieces-jointes',
      { config: WRITERS, bodyLimit: MAX_ATTACHMENT_BYTES + 1024 * 1024 },
      async (request, reply) => {
        const organisationId = organisationIdOf(request);
        const caseId = request.params.id;
        await caseDetail(ctx, organisationId, caseId);
        const file = formBody(request.body).file;
        const result = await handleForm(
          async () => {
            const upload = requireAttachedFile(file, {
              label: 'Pièce jointe',
              maxBytes: MAX_ATTACHMENT_BYTES,
              tooLargeMessage: ATTACHMENT_FIELD_TOO_LARGE,
            });
            return addAttachment(ctx, organisationId, caseId, upload, actorOf(viewerOf(request)));
          },
          (error, fields, status) => showCase(request, reply, caseId, { name: 'attachment', error, fields, values: {} }, status),
        );
        if (!result.ok) return result.response;
        return redirectWithFlash(reply, `/registre/${caseId}#pieces-jointes`, {
          type: 'success',
          message: `Pièce jointe « ${result.value.filename} » ajoutée.`,
        });
      },
    );
  });
}
