import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { listEvaluators, listTargets } from './mystery-campaign.repository.ts';
import { readContactRows } from './mystery-campaign.schemas.ts';
import {
  type CampaignRow,
  campaignFormOptions,
  campaignFormRows,
  campaignPage,
  campaignPlan,
  campaignRowsFromBody,
  closeCampaign,
  confirmationBlockers,
  confirmCampaign,
  createCampaign,
  editCampaign,
  getCampaign,
  proposeCampaignPlan,
  saveCampaignPlan,
} from './mystery-campaign.service.ts';
import { listAllScenarios } from './mystery-scenario.repository.ts';
import { mysteryScenarioRoutes } from './mystery-scenario.routes.ts';
import {
  campaignFormView,
  campaignListView,
  campaignOverviewView,
  closeView,
  confirmView,
} from './views/mystery-campaign.view.ts';
import { planPageView } from './views/mystery-campaign-plan.view.ts';

/**
 * Les campagnes ne doivent pas être connues des agents tant qu'elles courent : tout est au référent
 * qualité. L'auditeur lit une campagne close (jamais une campagne en préparation ou en cours).
 */
const ADMIN = { access: ['admin'] } as const;
const READERS = { access: ['admin', 'auditor'] } as const;
const BREADCRUMB = [{ label: 'Enquêtes mystère', href: '/mystere' }];

type FormError = { message: string; fields: Record<string, string> };
type Params = { Params: { id: string } };

export function mysteryCampaignRoutes(app: FastifyInstance, ctx: AppContext): void {
  mysteryScenarioRoutes(app, ctx);
  const csrf = (request: FastifyRequest) => viewerOf(request).csrfToken ?? '';

  /** La campagne telle que ce lecteur peut la voir : l'auditeur ne connaît que les campagnes closes. */
  async function readableCampaign(request: FastifyRequest, id: string): Promise<CampaignRow> {
    const campaign = await getCampaign(ctx, organisationIdOf(request), id);
    if (viewerOf(request).role !== 'admin' && campaign.status !== 'closed') {
      throw new AppError('not_found', {}, 'Campagne d’enquêtes mystère introuvable.');
    }
    return campaign;
  }

  const crumbOf = (campaign: CampaignRow) => [...BREADCRUMB, { label: campaign.name, href: `/mystere/campagnes/${campaign.id}` }];

  app.get<{ Querystring: { page?: string } }>('/mystere', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const result = await campaignPage(ctx, organisationId, Number(request.query.page) || 1);
    const scenarios = await listAllScenarios(ctx.db, organisationId);
    return renderPage(request, reply, {
      title: 'Enquêtes mystère',
      content: campaignListView({ ...result, scenarioCount: scenarios.filter((s) => s.archived_at === null).length }),
    });
  });

  // ——— Création et modification ———

  async function campaignForm(
    request: FastifyRequest,
    reply: FastifyReply,
    o: {
      action: string;
      title: string;
      cancelHref: string;
      values: Record<string, unknown>;
      campaign?: CampaignRow;
      error?: FormError;
      status?: number;
    },
  ) {
    const organisationId = organisationIdOf(request);
    const [options, scenarios] = await Promise.all([
      campaignFormOptions(ctx, organisationId),
      listAllScenarios(ctx.db, organisationId),
    ]);
    let rows: ReturnType<typeof campaignFormRows>;
    if (o.error) rows = campaignRowsFromBody(o.values);
    else if (o.campaign) {
      const [targets, evaluators] = await Promise.all([
        listTargets(ctx.db, o.campaign.id),
        listEvaluators(ctx.db, o.campaign.id),
      ]);
      rows = campaignFormRows(options, { targets, evaluators });
    } else rows = campaignFormRows(options);
    const active = scenarios.filter((s) => s.archived_at === null);
    return renderPage(request, reply, {
      title: o.title,
      status: o.status ?? 200,
      breadcrumb: o.campaign ? crumbOf(o.campaign) : BREADCRUMB,
      content: campaignFormView({
        csrfToken: csrf(request),
        action: o.action,
        title: o.title,
        cancelHref: o.cancelHref,
        values: o.values,
        error: o.error,
        options,
        ...rows,
        scenarioCounts: {
          call: active.filter((s) => s.channel === 'call').length,
          email: active.filter((s) => s.channel === 'email').length,
        },
      }),
    });
  }

  app.get('/mystere/campagnes/nouvelle', { config: ADMIN }, (request, reply) =>
    campaignForm(request, reply, {
      action: '/mystere/campagnes',
      title: 'Nouvelle campagne d’enquêtes mystère',
      cancelHref: '/mystere',
      values: { channels: 'call,email' },
    }),
  );

  app.post('/mystere/campagnes', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createCampaign(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        campaignForm(request, reply, {
          action: '/mystere/campagnes',
          title: 'Nouvelle campagne d’enquêtes mystère',
          cancelHref: '/mystere',
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/mystere/campagnes/${result.value}/plan`, {
      type: 'success',
      message: 'Campagne créée. Proposez maintenant un plan : Vigie répartit les contacts sur la fenêtre.',
    });
  });

  app.get<Params>('/mystere/campagnes/:id', { config: READERS }, async (request, reply) => {
    const campaign = await readableCampaign(request, request.params.id);
    const organisationId = organisationIdOf(request);
    const [plan, services] = await Promise.all([
      campaignPlan(ctx, organisationId, campaign.id),
      listServices(ctx.db, organisationId),
    ]);
    return renderPage(request, reply, {
      title: campaign.name,
      breadcrumb: viewerOf(request).role === 'admin' ? BREADCRUMB : [],
      content: campaignOverviewView({
        plan,
        serviceNames: new Map(services.map((s) => [s.id, s.name])),
        // Grilles et résultats n'ont de sens qu'une fois le plan confirmé ; l'auditeur ne lit que les résultats.
        extraLinks:
          campaign.status === 'draft'
            ? []
            : [
                ...(viewerOf(request).role === 'admin'
                  ? [{ href: `/mystere/campagnes/${campaign.id}/grilles`, label: 'Grilles et liens des enquêteurs' }]
                  : []),
                { href: `/mystere/campagnes/${campaign.id}/resultats`, label: 'Résultats' },
              ],
      }),
    });
  });

  app.get<Params>('/mystere/campagnes/:id/modifier', { config: ADMIN }, async (request, reply) => {
    const campaign = await getCampaign(ctx, organisationIdOf(request), request.params.id);
    if (campaign.status !== 'draft') throw new AppError('mystery_campaign_locked');
    return campaignForm(request, reply, {
      action: `/mystere/campagnes/${campaign.id}`,
      title: `Modifier « ${campaign.name} »`,
      cancelHref: `/mystere/campagnes/${campaign.id}`,
      campaign,
      values: {
        name: campaign.name,
        channels: campaign.channels,
        windowFrom: campaign.window_from,
        windowTo: campaign.window_to,
        mysteryMailboxId: campaign.mystery_mailbox_id ?? '',
      },
    });
  });

  app.post<Params>('/mystere/campagnes/:id', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const campaign = await getCampaign(ctx, organisationId, request.params.id);
    const body = formBody(request.body);
    const result = await handleForm(
      () => editCampaign(ctx, organisationId, campaign.id, body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        campaignForm(request, reply, {
          action: `/mystere/campagnes/${campaign.id}`,
          title: `Modifier « ${campaign.name} »`,
          cancelHref: `/mystere/campagnes/${campaign.id}`,
          campaign,
          values: body,
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/mystere/campagnes/${campaign.id}`, { type: 'success', message: 'Campagne modifiée.' });
  });

  // ——— Plan ———

  app.get<Params>('/mystere/campagnes/:id/plan', { config: READERS }, async (request, reply) => {
    const campaign = await readableCampaign(request, request.params.id);
    const plan = await campaignPlan(ctx, organisationIdOf(request), campaign.id);
    return renderPage(request, reply, {
      title: `Plan de « ${campaign.name} »`,
      breadcrumb: viewerOf(request).role === 'admin' ? crumbOf(campaign) : [],
      content: planPageView({
        csrfToken: csrf(request),
        plan,
        editable: viewerOf(request).role === 'admin' && campaign.status === 'draft',
      }),
    });
  });

  app.post<Params>('/mystere/campagnes/:id/plan/proposer', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const proposal = await proposeCampaignPlan(ctx, organisationId, request.params.id, actorOf(viewerOf(request)));
    const n = proposal.contacts.length;
    return redirectWithFlash(reply, `/mystere/campagnes/${request.params.id}/plan`, {
      type: proposal.violations.length === 0 ? 'success' : 'warning',
      message:
        proposal.violations.length === 0
          ? `Plan proposé : ${n} contacts, toutes les règles sont respectées. Retouchez-le si besoin, puis confirmez-le.`
          : `Plan proposé : ${n} contact${n > 1 ? 's' : ''}, mais ${proposal.violations.length} point${proposal.violations.length > 1 ? 's' : ''} reste${proposal.violations.length > 1 ? 'nt' : ''} à corriger (voir la liste).`,
    });
  });

  app.post<Params>('/mystere/campagnes/:id/plan', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const campaign = await getCampaign(ctx, organisationId, request.params.id);
    const body = formBody(request.body);
    const result = await handleForm(
      () => saveCampaignPlan(ctx, organisationId, campaign.id, body, actorOf(viewerOf(request))),
      async (message, fields, status) => {
        if (status === 409) throw new AppError('mystery_campaign_locked');
        const plan = await campaignPlan(ctx, organisationId, campaign.id);
        return renderPage(request, reply, {
          title: `Plan de « ${campaign.name} »`,
          status,
          breadcrumb: crumbOf(campaign),
          content: planPageView({
            csrfToken: csrf(request),
            plan,
            editable: true,
            submitted: { rows: readContactRows(body), message, fields },
          }),
        });
      },
    );
    if (!result.ok) return result.response;
    const violations = result.value;
    return redirectWithFlash(reply, `/mystere/campagnes/${campaign.id}/plan`, {
      type: violations.length === 0 ? 'success' : 'warning',
      message:
        violations.length === 0
          ? 'Plan enregistré : il respecte toutes les règles et peut être confirmé.'
          : `Plan enregistré tel que saisi, mais ${violations.length} point${violations.length > 1 ? 's' : ''} reste${violations.length > 1 ? 'nt' : ''} à corriger avant de le confirmer (voir la liste).`,
    });
  });

  // ——— Confirmation et clôture ———

  async function confirmPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    error?: { message: string; status: number },
  ) {
    const plan = await campaignPlan(ctx, organisationIdOf(request), id);
    if (plan.campaign.status !== 'draft') throw new AppError('mystery_campaign_locked');
    return renderPage(request, reply, {
      title: `Confirmer le plan de « ${plan.campaign.name} »`,
      status: error?.status ?? 200,
      breadcrumb: crumbOf(plan.campaign),
      content: confirmView({ csrfToken: csrf(request), plan, blockers: confirmationBlockers(plan), error: error?.message }),
    });
  }

  app.get<Params>('/mystere/campagnes/:id/confirmer', { config: ADMIN }, (request, reply) =>
    confirmPage(request, reply, request.params.id),
  );

  app.post<Params>('/mystere/campagnes/:id/confirmer', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const campaign = await getCampaign(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => confirmCampaign(ctx, organisationId, campaign.id, actorOf(viewerOf(request))),
      (message, fields, status) =>
        confirmPage(request, reply, campaign.id, { message: [message, ...Object.values(fields)].join(' '), status }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/mystere/campagnes/${campaign.id}`, {
      type: 'success',
      message: 'Plan confirmé : il est figé, et les courriels mystère éventuels partiront à leur demi-journée.',
    });
  });

  app.get<Params>('/mystere/campagnes/:id/clore', { config: ADMIN }, async (request, reply) => {
    const campaign = await getCampaign(ctx, organisationIdOf(request), request.params.id);
    return renderPage(request, reply, {
      title: `Clore « ${campaign.name} »`,
      breadcrumb: crumbOf(campaign),
      content: closeView({
        csrfToken: csrf(request),
        campaign,
        error:
          campaign.status === 'confirmed'
            ? undefined
            : campaign.status === 'closed'
              ? 'Cette campagne est déjà close.'
              : 'Seule une campagne confirmée peut être close : confirmez d’abord son plan.',
      }),
    });
  });

  app.post<Params>('/mystere/campagnes/:id/clore', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const campaign = await getCampaign(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => closeCampaign(ctx, organisationId, campaign.id, actorOf(viewerOf(request))),
      (message, _fields, status) =>
        renderPage(request, reply, {
          title: `Clore « ${campaign.name} »`,
          status,
          breadcrumb: crumbOf(campaign),
          content: closeView({ csrfToken: csrf(request), campaign, error: message }),
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/mystere/campagnes/${campaign.id}`, {
      type: 'success',
      message: `Campagne close : ses dossiers mystère sont désormais visibles comme tels par les agents.${
        result.value.cancelledEmails > 0
          ? ` ${result.value.cancelledEmails} courriel(s) mystère qui n’étaient pas encore partis ont été annulés.`
          : ''
      }`,
    });
  });
}
