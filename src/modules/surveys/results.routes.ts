import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { COLLECTION_MODES } from './collection-mode.ts';
import { campaignResponsesExport, campaignResults, type ResultsFilter } from './results.service.ts';
import { resultsTable, tableCsv, tableXlsx } from './results-export.ts';
import type { CollectionMode } from './survey.table.ts';
import { resultsView } from './views/results.view.ts';

const RESULT_READERS = { access: ['admin', 'agent', 'auditor', 'clu_member'] } as const;
// Le détail réponse par réponse reste aux équipes de la préfecture et aux auditeurs ; le CLU lit les résultats.
const RESPONSE_READERS = { access: ['admin', 'agent', 'auditor'] } as const;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function param(query: unknown, name: string): string | undefined {
  const raw = (query as Record<string, unknown> | undefined)?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, 100);
}

/** Filtres GET de la page ; une valeur inconnue est ignorée (la page montre alors toutes les réponses). */
function filterOf(request: FastifyRequest): ResultsFilter {
  const mode = param(request.query, 'mode');
  const page = Number(param(request.query, 'page') ?? '1');
  return {
    mode: mode && (COLLECTION_MODES as readonly string[]).includes(mode) ? (mode as CollectionMode) : undefined,
    collectionPointId: param(request.query, 'point'),
    includeFlagged: param(request.query, 'signalees') === '1',
    commentsPage: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

function campaignIdOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

function download(reply: FastifyReply, type: string, filename: string, body: Buffer) {
  return reply.type(type).header('Content-Disposition', `attachment; filename="${filename}"`).send(body);
}

export function resultsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/enquetes/campagnes/:id/resultats', { config: RESULT_READERS }, async (request, reply) => {
    const results = await campaignResults(ctx, organisationIdOf(request), campaignIdOf(request), filterOf(request));
    return renderPage(request, reply, {
      title: `Résultats — ${results.campaign.name}`,
      breadcrumb: [
        { label: 'Enquêtes', href: '/enquetes' },
        { label: results.campaign.name, href: `/enquetes/campagnes/${encodeURIComponent(results.campaign.id)}` },
      ],
      content: resultsView(results, {
        canExportResponses: viewerOf(request).role !== 'clu_member',
        actionCsrfToken: viewerOf(request).role === 'admin' ? (viewerOf(request).csrfToken ?? undefined) : undefined,
      }),
    });
  });

  async function resultsExport(request: FastifyRequest) {
    const filter = { ...filterOf(request), commentsPage: 1 };
    const results = await campaignResults(ctx, organisationIdOf(request), campaignIdOf(request), filter);
    return { table: resultsTable(results), name: `enquete-resultats-${results.campaign.starts_on}` };
  }

  app.get('/enquetes/campagnes/:id/resultats/export.csv', { config: RESULT_READERS }, async (request, reply) => {
    const { table, name } = await resultsExport(request);
    return download(reply, 'text/csv; charset=utf-8', `${name}.csv`, tableCsv(table));
  });

  app.get('/enquetes/campagnes/:id/resultats/export.xlsx', { config: RESULT_READERS }, async (request, reply) => {
    const { table, name } = await resultsExport(request);
    return download(reply, XLSX_TYPE, `${name}.xlsx`, await tableXlsx(table, 'Résultats'));
  });

  async function responsesExport(request: FastifyRequest) {
    const { campaign, table } = await campaignResponsesExport(
      ctx,
      organisationIdOf(request),
      campaignIdOf(request),
      filterOf(request),
    );
    return { table, name: `enquete-reponses-${campaign.starts_on}` };
  }

  app.get('/enquetes/campagnes/:id/resultats/reponses.csv', { config: RESPONSE_READERS }, async (request, reply) => {
    const { table, name } = await responsesExport(request);
    return download(reply, 'text/csv; charset=utf-8', `${name}.csv`, tableCsv(table));
  });

  app.get('/enquetes/campagnes/:id/resultats/reponses.xlsx', { config: RESPONSE_READERS }, async (request, reply) => {
    const { table, name } = await responsesExport(request);
    return download(reply, XLSX_TYPE, `${name}.xlsx`, await tableXlsx(table, 'Réponses'));
  });
}
