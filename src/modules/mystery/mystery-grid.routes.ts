import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, publicCsrfToken, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { pagination } from '../../ui/components.ts';
import { actorOf } from '../accounts/viewer.ts';
import {
  adminGridPath,
  campaignGrids,
  evaluatorGrid,
  evaluatorHome,
  evaluatorPath,
  issueEvaluatorLink,
  referentGrid,
  type SavedGrid,
  saveEvaluatorGrid,
  saveReferentGrid,
} from './mystery-grid.service.ts';
import { campaignGridsView, evaluatorHomeView, evaluatorLinkView, gridFormView } from './views/mystery-grid.view.ts';

/** Grilles : pages du référent (admin seul : les agents ne doivent rien savoir d'une campagne) et lien personnel des enquêteurs. */
const ADMIN = { access: ['admin'] } as const;
/** Lien personnel sans compte : limité comme les autres pages publiques. */
const EVALUATOR = { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } } as const;

export const GRID_PAGE_SIZE = 50;

function savedMessage(saved: SavedGrid): string {
  if (saved.complete) return 'Grille enregistrée : elle est complète.';
  return `Grille enregistrée. Mesures encore attendues : ${saved.pending.map((c) => c.label).join(', ')}.`;
}

function pageNumber(query: unknown): number {
  const raw = (query as Record<string, unknown> | undefined)?.page;
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export function mysteryGridRoutes(app: FastifyInstance, ctx: AppContext): void {
  const secure = ctx.config.secureCookies;
  const breadcrumb = (campaign: { id: string; name: string }) => [
    { label: 'Enquêtes mystère', href: '/mystere' },
    { label: campaign.name, href: `/mystere/campagnes/${campaign.id}` },
  ];

  // ——— Référent ———

  app.get<{ Params: { cid: string } }>('/mystere/campagnes/:cid/grilles', { config: ADMIN }, async (request, reply) => {
    const data = await campaignGrids(ctx, organisationIdOf(request), request.params.cid);
    const pageCount = Math.max(1, Math.ceil(data.contacts.length / GRID_PAGE_SIZE));
    const page = Math.min(pageNumber(request.query), pageCount);
    return renderPage(request, reply, {
      title: `Grilles — ${data.campaign.name}`,
      breadcrumb: breadcrumb(data.campaign),
      content: campaignGridsView({
        ...data,
        csrfToken: viewerOf(request).csrfToken ?? '',
        page,
        pageCount,
        pageContacts: data.contacts.slice((page - 1) * GRID_PAGE_SIZE, page * GRID_PAGE_SIZE),
        pagination: pagination(page, pageCount, (p) => `/mystere/campagnes/${data.campaign.id}/grilles?page=${p}`),
      }),
    });
  });

  async function showReferentGrid(
    request: FastifyRequest<{ Params: { cid: string; id: string } }>,
    reply: FastifyReply,
    form?: { values: Record<string, unknown>; error: string; fields: Record<string, string> },
    status = 200,
  ) {
    const data = await referentGrid(ctx, organisationIdOf(request), request.params.cid, request.params.id);
    return renderPage(request, reply, {
      title: `Grille du contact n° ${data.contact.rank} — ${data.campaign.name}`,
      status,
      breadcrumb: [...breadcrumb(data.campaign), { label: 'Grilles', href: `/mystere/campagnes/${data.campaign.id}/grilles` }],
      content: gridFormView({
        data,
        action: adminGridPath(data.campaign.id, data.contact.id),
        csrfToken: viewerOf(request).csrfToken ?? '',
        showEvaluator: true,
        backHref: `/mystere/campagnes/${data.campaign.id}/grilles`,
        backLabel: 'Retour aux grilles de la campagne',
        ...(form ?? {}),
      }),
    });
  }

  app.get<{ Params: { cid: string; id: string } }>(
    '/mystere/campagnes/:cid/contacts/:id/grille',
    { config: ADMIN },
    (request, reply) => showReferentGrid(request, reply),
  );

  app.post<{ Params: { cid: string; id: string } }>(
    '/mystere/campagnes/:cid/contacts/:id/grille',
    { config: ADMIN },
    async (request, reply) => {
      const body = formBody(request.body);
      const result = await handleForm(
        () =>
          saveReferentGrid(
            ctx,
            organisationIdOf(request),
            request.params.cid,
            request.params.id,
            body,
            actorOf(viewerOf(request)),
          ),
        (error, fields, status) => showReferentGrid(request, reply, { values: body, error, fields }, status),
      );
      if (!result.ok) return result.response;
      return redirectWithFlash(reply, `/mystere/campagnes/${request.params.cid}/grilles`, {
        type: 'success',
        message: savedMessage(result.value),
      });
    },
  );

  // Le lien est montré une seule fois, dans la réponse du POST : rien ne permet de le relire ensuite.
  app.post<{ Params: { cid: string; eid: string } }>(
    '/mystere/campagnes/:cid/enqueteurs/:eid/lien',
    { config: ADMIN },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      const link = await issueEvaluatorLink(
        ctx,
        organisationId,
        request.params.cid,
        request.params.eid,
        actorOf(viewerOf(request)),
      );
      const { campaign } = await campaignGrids(ctx, organisationId, request.params.cid);
      return renderPage(request, reply, {
        title: `Lien personnel de ${link.evaluatorLabel}`,
        breadcrumb: [...breadcrumb(campaign), { label: 'Grilles', href: `/mystere/campagnes/${campaign.id}/grilles` }],
        content: evaluatorLinkView({
          campaignId: campaign.id,
          campaignName: campaign.name,
          evaluatorLabel: link.evaluatorLabel,
          url: `${ctx.config.publicUrl}${link.path}`,
          replaced: link.replaced,
        }),
      });
    },
  );

  // ——— Enquêteur, par son lien personnel ———

  app.get<{ Params: { token: string } }>('/mystere/enqueteur/:token', { config: EVALUATOR }, async (request, reply) => {
    const { evaluator, contacts } = await evaluatorHome(ctx, request.params.token);
    return renderPage(request, reply, {
      title: `Vos enquêtes mystère — ${evaluator.campaign_name}`,
      content: evaluatorHomeView({
        token: request.params.token,
        evaluatorLabel: evaluator.evaluator_label,
        campaignName: evaluator.campaign_name,
        campaignStatus: evaluator.campaign_status,
        organisationName: evaluator.organisation_name,
        contacts,
      }),
    });
  });

  async function showEvaluatorGrid(
    request: FastifyRequest<{ Params: { token: string; id: string } }>,
    reply: FastifyReply,
    form?: { values: Record<string, unknown>; error: string; fields: Record<string, string> },
    status = 200,
  ) {
    const data = await evaluatorGrid(ctx, request.params.token, request.params.id);
    const home = evaluatorPath(request.params.token);
    return renderPage(request, reply, {
      title: `Grille du contact n° ${data.contact.rank}`,
      status,
      content: gridFormView({
        data,
        action: `${home}/contacts/${data.contact.id}`,
        // Un compte connecté a le jeton de sa session (c'est lui que le contrôle CSRF attend alors).
        csrfToken: request.viewer?.csrfToken ?? publicCsrfToken(request, reply, secure),
        showEvaluator: false,
        backHref: home,
        backLabel: 'Retour à vos contacts',
        ...(form ?? {}),
      }),
    });
  }

  app.get<{ Params: { token: string; id: string } }>(
    '/mystere/enqueteur/:token/contacts/:id',
    { config: EVALUATOR },
    (request, reply) => showEvaluatorGrid(request, reply),
  );

  app.post<{ Params: { token: string; id: string } }>(
    '/mystere/enqueteur/:token/contacts/:id',
    { config: EVALUATOR },
    async (request, reply) => {
      const body = formBody(request.body);
      const result = await handleForm(
        () => saveEvaluatorGrid(ctx, request.params.token, request.params.id, body),
        (error, fields, status) => showEvaluatorGrid(request, reply, { values: body, error, fields }, status),
      );
      if (!result.ok) return result.response;
      return redirectWithFlash(reply, evaluatorPath(request.params.token), {
        type: 'success',
        message: savedMessage(result.value),
      });
    },
  );
}
