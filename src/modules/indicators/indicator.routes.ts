import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import { moduleTitles } from '../referentiel/referentiel.service.ts';
import {
  addLocalIndicator,
  catalogueWithTargets,
  clearTarget,
  type IndicatorYearTable,
  indicatorYearTable,
  nationalIndicator,
  nationalTargets,
  recordValue,
  removeValue,
  setTarget,
  valueProvenance,
} from './indicator.service.ts';
import { indicatorTableCsv, indicatorTableXlsx } from './indicator-export.ts';
import {
  catalogueView,
  dashboardView,
  indicatorDetailView,
  nationalTargetsView,
  targetFormView,
} from './views/indicator-pages.view.ts';
import { indicatorTableView, type TableLayout } from './views/indicator-table.view.ts';

const READERS = { access: ['admin', 'agent', 'auditor', 'clu_member'] } as const;
const ENTRY = { access: ['admin', 'agent'] } as const;
const ADMIN = { access: ['admin'] } as const;
const NATIONAL = { access: ['national'] } as const;

type Query = Record<string, string | undefined>;

export function indicatorRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function today(organisationId: string) {
    const organisation = await getOrganisation(ctx, organisationId);
    return instantToLocalDate(ctx.clock.now(), departmentTimeZone(organisation.department_code));
  }

  async function yearAndAsOf(request: FastifyRequest) {
    const query = request.query as Query;
    const organisationId = organisationIdOf(request);
    const now = await today(organisationId);
    return { organisationId, year: query.annee?.trim() || now.slice(0, 4), asOf: query.asOf?.trim() || now };
  }

  // ——— Tableau de bord ———
  app.get('/indicateurs', { config: READERS }, async (request, reply) => {
    const { organisationId, year, asOf } = await yearAndAsOf(request);
    const table = await indicatorYearTable(ctx, organisationId, year, asOf);
    return renderPage(request, reply, {
      title: `Indicateurs ${table.year}`,
      content: dashboardView({
        table,
        modules: await moduleTitles(ctx),
        canImport: ['admin', 'agent'].includes(viewerOf(request).role),
      }),
    });
  });

  // ——— Tableau de l'année et exports ———
  app.get('/indicateurs/tableau', { config: READERS }, async (request, reply) => {
    const { organisationId, year, asOf } = await yearAndAsOf(request);
    const layout: TableLayout = (request.query as Query).vue === 'quarters' ? 'quarters' : 'months';
    const titles = await moduleTitles(ctx);
    const result = await handleForm(
      () => indicatorYearTable(ctx, organisationId, year, asOf),
      (error, fields, status) =>
        renderPage(request, reply, {
          title: 'Tableau des indicateurs',
          status,
          content: indicatorTableView({ table: null, modules: titles, layout, year, asOf, error, fields }),
        }),
    );
    if (!result.ok) return result.response;
    return renderPage(request, reply, {
      title: `Tableau des indicateurs ${result.value.year}`,
      breadcrumb: [{ label: 'Indicateurs', href: '/indicateurs' }],
      content: indicatorTableView({ table: result.value, modules: titles, layout, year, asOf }),
    });
  });

  async function exportTables(request: FastifyRequest): Promise<IndicatorYearTable[]> {
    const { organisationId, year, asOf } = await yearAndAsOf(request);
    const to = (request.query as Query).jusqua?.trim();
    const first = await indicatorYearTable(ctx, organisationId, year, asOf);
    if (!to) return [first];
    const last = Number(to);
    if (!Number.isInteger(last) || last < first.year || last > first.year + 10) {
      throw new AppError('validation_failed', { jusqua: 'Dernière année : entre l’année choisie et dix ans après.' });
    }
    const tables = [first];
    for (let y = first.year + 1; y <= last; y++) tables.push(await indicatorYearTable(ctx, organisationId, y, asOf));
    return tables;
  }

  app.get('/indicateurs/tableau.xlsx', { config: READERS }, async (request, reply) => {
    const tables = await exportTables(request);
    const organisation = await getOrganisation(ctx, organisationIdOf(request));
    const body = await indicatorTableXlsx(tables, await moduleTitles(ctx), organisation.name);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="indicateurs-${tables[0]?.year}.xlsx"`)
      .send(body);
  });

  app.get('/indicateurs/tableau.csv', { config: READERS }, async (request, reply) => {
    const [table] = await exportTables(request);
    if (!table) throw new AppError('not_found');
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="indicateurs-${table.year}.csv"`)
      .send(indicatorTableCsv(table, await moduleTitles(ctx)));
  });

  // ——— Catalogue, indicateurs locaux et cibles locales ———
  async function showCatalogue(request: FastifyRequest, reply: FastifyReply, form: Record<string, unknown> = {}, status = 200) {
    const { organisationId, year } = await yearAndAsOf(request);
    const viewer = viewerOf(request);
    const catalogue = await catalogueWithTargets(ctx, organisationId, year);
    return renderPage(request, reply, {
      title: 'Catalogue des indicateurs',
      status,
      breadcrumb: [{ label: 'Indicateurs', href: '/indicateurs' }],
      content: catalogueView({
        year: catalogue.year,
        rows: catalogue.rows,
        csrfToken: viewer.csrfToken ?? '',
        canEdit: viewer.role === 'admin',
        ...form,
      }),
    });
  }

  app.get('/indicateurs/catalogue', { config: READERS }, (request, reply) => showCatalogue(request, reply));

  app.post('/indicateurs/locaux', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => addLocalIndicator(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (error, fields, status) => showCatalogue(request, reply, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/indicateurs/${result.value.key}`, {
      type: 'success',
      message: `Indicateur local ${result.value.key} ajouté.`,
    });
  });

  async function showTargetForm(
    request: FastifyRequest<{ Params: { key: string } }>,
    reply: FastifyReply,
    national: boolean,
    form: Record<string, unknown> = {},
    status = 200,
  ) {
    const query = request.query as Query;
    const body = formBody(request.body);
    const yearText = text(body, 'annee') ?? query.annee ?? '';
    const viewer = viewerOf(request);
    const key = request.params.key;
    let indicator: Awaited<ReturnType<typeof nationalIndicator>>;
    let current = null;
    let year: number;
    if (national) {
      indicator = await nationalIndicator(ctx, key);
      const targets = await nationalTargets(ctx, yearText || String(ctx.clock.now().getUTCFullYear()));
      year = targets.year;
      current = targets.rows.find((r) => r.indicator.key === key)?.target ?? null;
    } else {
      const organisationId = organisationIdOf(request);
      const catalogue = await catalogueWithTargets(ctx, organisationId, yearText || (await today(organisationId)).slice(0, 4));
      const row = catalogue.rows.find((r) => r.indicator.key === key);
      if (!row) throw new AppError('not_found', {}, 'Indicateur inconnu ou hors du périmètre de l’organisation.');
      indicator = row.indicator;
      current = row.target;
      year = catalogue.year;
    }
    const action = national ? `/national/cibles/${encodeURIComponent(key)}` : `/indicateurs/${encodeURIComponent(key)}/cible`;
    return renderPage(request, reply, {
      title: `Cible ${year} — ${indicator.key}`,
      status,
      breadcrumb: national
        ? [{ label: 'Cibles nationales', href: `/national/cibles?annee=${year}` }]
        : [
            { label: 'Indicateurs', href: '/indicateurs' },
            { label: 'Catalogue', href: `/indicateurs/catalogue?annee=${year}` },
          ],
      content: targetFormView({
        indicator,
        year,
        current,
        action,
        csrfToken: viewer.csrfToken ?? '',
        scopeLabel: national ? 'nationale' : 'locale',
        canClear: national ? current !== null : current?.scope === 'local',
        ...form,
      }),
    });
  }

  app.get<{ Params: { key: string } }>('/indicateurs/:key/cible', { config: ADMIN }, (request, reply) =>
    showTargetForm(request, reply, false),
  );

  app.post<{ Params: { key: string } }>('/indicateurs/:key/cible', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const result = await handleForm(
      () => setTarget(ctx, { organisationId }, request.params.key, text(body, 'annee'), body, actorOf(viewerOf(request))),
      (error, fields, status) => showTargetForm(request, reply, false, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/indicateurs/catalogue?annee=${encodeURIComponent(text(body, 'annee') ?? '')}`, {
      type: 'success',
      message: `Cible locale de ${request.params.key} enregistrée.`,
    });
  });

  app.post<{ Params: { key: string } }>('/indicateurs/:key/cible/retirer', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    await clearTarget(ctx, { organisationId }, request.params.key, text(body, 'annee'), actorOf(viewerOf(request)));
    return redirectWithFlash(reply, `/indicateurs/catalogue?annee=${encodeURIComponent(text(body, 'annee') ?? '')}`, {
      type: 'success',
      message: `Cible locale de ${request.params.key} retirée : la cible nationale s’applique.`,
    });
  });

  // ——— Cibles nationales (rôle national seulement) ———
  app.get('/national/cibles', { config: NATIONAL }, async (request, reply) => {
    const query = request.query as Query;
    const result = await nationalTargets(ctx, query.annee?.trim() || String(ctx.clock.now().getUTCFullYear()));
    return renderPage(request, reply, { title: `Cibles nationales ${result.year}`, content: nationalTargetsView(result) });
  });

  app.get<{ Params: { key: string } }>('/national/cibles/:key', { config: NATIONAL }, (request, reply) =>
    showTargetForm(request, reply, true),
  );

  app.post<{ Params: { key: string } }>('/national/cibles/:key', { config: NATIONAL }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => setTarget(ctx, { national: true }, request.params.key, text(body, 'annee'), body, actorOf(viewerOf(request))),
      (error, fields, status) => showTargetForm(request, reply, true, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/national/cibles?annee=${encodeURIComponent(text(body, 'annee') ?? '')}`, {
      type: 'success',
      message: `Cible nationale de ${request.params.key} enregistrée.`,
    });
  });

  app.post<{ Params: { key: string } }>('/national/cibles/:key/retirer', { config: NATIONAL }, async (request, reply) => {
    const body = formBody(request.body);
    await clearTarget(ctx, { national: true }, request.params.key, text(body, 'annee'), actorOf(viewerOf(request)));
    return redirectWithFlash(reply, `/national/cibles?annee=${encodeURIComponent(text(body, 'annee') ?? '')}`, {
      type: 'success',
      message: `Cible nationale de ${request.params.key} retirée.`,
    });
  });

  // ——— Fiche d'un indicateur, saisie mensuelle ———
  async function showDetail(
    request: FastifyRequest<{ Params: { key: string } }>,
    reply: FastifyReply,
    form: Record<string, unknown> = {},
    status = 200,
  ) {
    const { organisationId, year, asOf } = await yearAndAsOf(request);
    const viewer = viewerOf(request);
    const current = await indicatorYearTable(ctx, organisationId, year, asOf);
    const previous = await indicatorYearTable(ctx, organisationId, current.year - 1, asOf);
    const row = current.rows.find((r) => r.indicator.key === request.params.key);
    const previousRow = previous.rows.find((r) => r.indicator.key === request.params.key);
    if (!row || !previousRow) throw new AppError('not_found', {}, 'Indicateur inconnu ou hors du périmètre de l’organisation.');
    return renderPage(request, reply, {
      title: row.indicator.label,
      status,
      breadcrumb: [
        { label: 'Indicateurs', href: '/indicateurs' },
        { label: `Tableau ${current.year}`, href: `/indicateurs/tableau?annee=${current.year}` },
      ],
      content: indicatorDetailView({
        indicator: row.indicator,
        years: [previousRow, row],
        yearTables: [previous, current],
        csrfToken: viewer.csrfToken ?? '',
        canEnter: viewer.role === 'admin' || viewer.role === 'agent',
        canDelete: viewer.role === 'admin',
        asOf: current.asOf,
        provenance: await valueProvenance(ctx, organisationId, row.indicator.key, current.year),
        ...form,
      }),
    });
  }

  app.get<{ Params: { key: string } }>('/indicateurs/:key', { config: READERS }, (request, reply) => showDetail(request, reply));

  app.post<{ Params: { key: string } }>('/indicateurs/:key/valeurs', { config: ENTRY }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => recordValue(ctx, organisationIdOf(request), request.params.key, body, actorOf(viewerOf(request))),
      (error, fields, status) => showDetail(request, reply, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    const month = text(body, 'month') ?? '';
    return redirectWithFlash(reply, `/indicateurs/${encodeURIComponent(request.params.key)}?annee=${month.slice(0, 4)}`, {
      type: 'success',
      message: `Valeur de ${month} enregistrée.`,
    });
  });

  app.post<{ Params: { key: string; month: string } }>(
    '/indicateurs/:key/valeurs/:month/supprimer',
    { config: ADMIN },
    async (request, reply) => {
      await removeValue(ctx, organisationIdOf(request), request.params.key, request.params.month, actorOf(viewerOf(request)));
      return redirectWithFlash(
        reply,
        `/indicateurs/${encodeURIComponent(request.params.key)}?annee=${request.params.month.slice(0, 4)}`,
        { type: 'success', message: `Valeur de ${request.params.month} retirée.` },
      );
    },
  );
}
