import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import { campaignResults, regenerateFindings, saveFindings } from './mystery-results.service.ts';
import { mysteryResultsXlsx } from './mystery-results-export.ts';
import { mysteryResultsView } from './views/mystery-results.view.ts';

/** Le référent lit et modifie ; l'auditeur lit les campagnes closes (une campagne en cours : 404 pour lui). */
const READERS = { access: ['admin', 'auditor'] } as const;
const ADMIN = { access: ['admin'] } as const;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function fileSlug(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'campagne'
  );
}

export function mysteryResultsRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function show(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    form?: { values: Record<string, unknown>; error: string; fields: Record<string, string> },
    status = 200,
  ) {
    const viewer = viewerOf(request);
    const results = await campaignResults(ctx, organisationIdOf(request), request.params.id, viewer.role);
    return renderPage(request, reply, {
      title: `Résultats — ${results.campaign.name}`,
      status,
      breadcrumb:
        viewer.role === 'admin'
          ? [
              { label: 'Enquêtes mystère', href: '/mystere' },
              { label: results.campaign.name, href: `/mystere/campagnes/${results.campaign.id}` },
            ]
          : [],
      content: mysteryResultsView({
        results,
        csrfToken: viewer.role === 'admin' ? (viewer.csrfToken ?? '') : undefined,
        ...(form ? { form } : {}),
      }),
    });
  }

  app.get<{ Params: { id: string } }>('/mystere/campagnes/:id/resultats', { config: READERS }, (request, reply) =>
    show(request, reply),
  );

  app.get<{ Params: { id: string } }>('/mystere/campagnes/:id/resultats.xlsx', { config: READERS }, async (request, reply) => {
    const results = await campaignResults(ctx, organisationIdOf(request), request.params.id, viewerOf(request).role);
    return reply
      .type(XLSX_TYPE)
      .header('Content-Disposition', `attachment; filename="enquete-mystere-${fileSlug(results.campaign.name)}.xlsx"`)
      .send(await mysteryResultsXlsx(results));
  });

  app.post<{ Params: { id: string } }>('/mystere/campagnes/:id/resultats/points', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => saveFindings(ctx, organisationIdOf(request), request.params.id, body, actorOf(viewerOf(request))),
      (error, fields, status) => show(request, reply, { values: body, error, fields }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/mystere/campagnes/${request.params.id}/resultats#points`, {
      type: 'success',
      message: `Points forts et points de vigilance enregistrés (${result.value.items.length}).`,
    });
  });

  app.post<{ Params: { id: string } }>(
    '/mystere/campagnes/:id/resultats/regenerer',
    { config: ADMIN },
    async (request, reply) => {
      const saved = await regenerateFindings(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
      return redirectWithFlash(reply, `/mystere/campagnes/${request.params.id}/resultats#points`, {
        type: 'success',
        message: `Points régénérés depuis les résultats (${saved.items.length}).`,
      });
    },
  );
}
