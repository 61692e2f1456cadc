import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import type { AgendaRowInput } from './clu-agenda.ts';
import { invitationOptions, postInvitations, sendInvitations } from './clu-invitation.service.ts';
import { findNextMeeting } from './clu-meeting.repository.ts';
import {
  agendaRowsOf,
  availableTemplates,
  createMeeting,
  editMeeting,
  getMeeting,
  type MeetingFormValues,
  meetingDetail,
  meetingFormValues,
  meetingsPage,
  newMeetingDefaults,
  recordAttendance,
  recordOpinion,
  submitTemplates,
  withdrawTemplate,
} from './clu-meeting.service.ts';
import { listMemberOrganisations } from './clu-member.repository.ts';
import { addProposal, editProposal, getProposal } from './clu-proposal.service.ts';
import type { FormState } from './views/clu-common.view.ts';
import { meetingTitle } from './views/clu-common.view.ts';
import { cluMeetingView } from './views/clu-meeting.view.ts';
import { cluMeetingsView, meetingFormView } from './views/clu-meetings.view.ts';
import { postInvitationsView } from './views/clu-post-invitations.view.ts';

/** Préparer et tenir le comité : le référent qualité. */
const ADMIN = { access: ['admin'] } as const;
/**
 * Lire les réunions : aussi les membres du CLU (ils y siègent) et l'auditeur (preuve de la démarche) ;
 * les pages ne leur montrent que les noms et les organismes, jamais les coordonnées.
 */
const READERS = { access: ['admin', 'clu_member', 'auditor'] } as const;
const BREADCRUMB = [{ label: 'Comité des usagers', href: '/clu/reunions' }];

function formValuesOf(values: MeetingFormValues): Record<string, unknown> {
  const { agenda: _agenda, ...rest } = values;
  return rest;
}

function rowsOfAgenda(values: MeetingFormValues): AgendaRowInput[] {
  return values.agenda.map((item, i) => ({ key: item.key, title: item.title, position: i + 1, remove: false }));
}

/** Lignes déjà saisies de l'ordre du jour, sans les lignes vides (le gabarit en rajoute trois). */
function typedAgendaRows(body: Record<string, unknown>): AgendaRowInput[] {
  return agendaRowsOf(body).filter((row) => row.key !== '' || row.title.trim() !== '');
}

export function cluMeetingRoutes(app: FastifyInstance, ctx: AppContext): void {
  const csrf = (request: FastifyRequest) => viewerOf(request).csrfToken ?? '';
  const canManage = (request: FastifyRequest) => viewerOf(request).role === 'admin';

  app.get<{ Querystring: { page?: string } }>('/clu/reunions', { config: READERS }, async (request, reply) => {
    const page = Number.parseInt(request.query.page ?? '1', 10) || 1;
    const data = await meetingsPage(ctx, organisationIdOf(request), page);
    return renderPage(request, reply, {
      title: 'Comité local des usagers',
      content: cluMeetingsView({ canManage: canManage(request), ...data }),
    });
  });

  // ——— Création et modification ———

  function meetingForm(
    request: FastifyRequest,
    reply: FastifyReply,
    o: {
      action: string;
      title: string;
      cancelHref: string;
      values: Record<string, unknown>;
      agendaRows: AgendaRowInput[];
      error?: { message: string; fields: Record<string, string> };
      status?: number;
    },
  ) {
    return renderPage(request, reply, {
      title: o.title,
      status: o.status ?? 200,
      breadcrumb: BREADCRUMB,
      content: meetingFormView({ csrfToken: csrf(request), ...o }),
    });
  }

  app.get('/clu/reunions/nouvelle', { config: ADMIN }, async (request, reply) => {
    const defaults = await newMeetingDefaults(ctx, organisationIdOf(request));
    return meetingForm(request, reply, {
      action: '/clu/reunions',
      title: 'Préparer une réunion du comité',
      cancelHref: '/clu/reunions',
      values: formValuesOf(defaults),
      agendaRows: rowsOfAgenda(defaults),
    });
  });

  app.post('/clu/reunions', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createMeeting(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        meetingForm(request, reply, {
          action: '/clu/reunions',
          title: 'Préparer une réunion du comité',
          cancelHref: '/clu/reunions',
          values: body,
          agendaRows: typedAgendaRows(body),
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/clu/reunions/${result.value}`, {
      type: 'success',
      message: 'Réunion enregistrée. Vous pouvez maintenant inviter les membres.',
    });
  });

  app.get<{ Params: { id: string } }>('/clu/reunions/:id/modifier', { config: ADMIN }, async (request, reply) => {
    const meeting = await getMeeting(ctx, organisationIdOf(request), request.params.id);
    const values = meetingFormValues(meeting);
    return meetingForm(request, reply, {
      action: `/clu/reunions/${meeting.id}`,
      title: `Modifier la réunion du ${meeting.starts_at.slice(0, 10).split('-').reverse().join('/')}`,
      cancelHref: `/clu/reunions/${meeting.id}`,
      values: formValuesOf(values),
      agendaRows: rowsOfAgenda(values),
    });
  });

  app.post<{ Params: { id: string } }>('/clu/reunions/:id', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const meeting = await getMeeting(ctx, organisationId, request.params.id);
    const body = formBody(request.body);
    const result = await handleForm(
      () => editMeeting(ctx, organisationId, meeting.id, body, actorOf(viewerOf(request))),
      (message, fields, status) =>
        meetingForm(request, reply, {
          action: `/clu/reunions/${meeting.id}`,
          title: `Modifier la réunion du ${meeting.starts_at.slice(0, 10).split('-').reverse().join('/')}`,
          cancelHref: `/clu/reunions/${meeting.id}`,
          values: body,
          agendaRows: typedAgendaRows(body),
          error: { message, fields },
          status,
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/clu/reunions/${meeting.id}`, { type: 'success', message: 'Réunion modifiée.' });
  });

  // ——— Page de la réunion ———

  async function showMeeting(request: FastifyRequest, reply: FastifyReply, meetingId: string, form?: FormState, status = 200) {
    const organisationId = organisationIdOf(request);
    const detail = await meetingDetail(ctx, organisationId, meetingId);
    const manage = canManage(request);
    const [invitation, templates, memberOrganisations] = manage
      ? await Promise.all([
          invitationOptions(ctx, organisationId, meetingId),
          availableTemplates(ctx, organisationId),
          listMemberOrganisations(ctx.db, organisationId),
        ])
      : [undefined, undefined, undefined];
    return renderPage(request, reply, {
      title: meetingTitle(detail.startsAt),
      status,
      breadcrumb: BREADCRUMB,
      content: cluMeetingView({
        csrfToken: csrf(request),
        canManage: manage,
        detail,
        ...(invitation ? { invitation } : {}),
        ...(templates ? { availableTemplates: templates } : {}),
        ...(memberOrganisations ? { memberOrganisations: memberOrganisations.map((o) => ({ value: o.id, label: o.name })) } : {}),
        form,
      }),
    });
  }

  app.get<{ Params: { id: string } }>('/clu/reunions/:id', { config: READERS }, (request, reply) =>
    showMeeting(request, reply, request.params.id),
  );

  /** Action d'un formulaire de la page : succès → retour à la section, erreur → page réaffichée avec la saisie. */
  async function pageAction(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    name: string,
    anchor: string,
    action: (organisationId: string, body: Record<string, unknown>) => Promise<string>,
  ) {
    const organisationId = organisationIdOf(request);
    const meeting = await getMeeting(ctx, organisationId, request.params.id);
    const body = formBody(request.body);
    const result = await handleForm(
      () => action(organisationId, body),
      (error, fields, status) => showMeeting(request, reply, meeting.id, { name, error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/clu/reunions/${meeting.id}#${anchor}`, { type: 'success', message: result.value });
  }

  app.post<{ Params: { id: string } }>('/clu/reunions/:id/invitations', { config: ADMIN }, (request, reply) =>
    pageAction(request, reply, 'invitations', 'invitations', async (organisationId, body) => {
      const r = await sendInvitations(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request)));
      if (r.recordedOnly > 0) return `${r.recordedOnly} invité(s) inscrit(s), sans envoi de courriel.`;
      const parts = [`${r.emailed} invitation(s) par courriel mise(s) en file d’envoi`];
      if (r.alreadySent > 0) parts.push(`${r.alreadySent} déjà envoyée(s), non renvoyée(s)`);
      if (r.byPost > 0) parts.push(`${r.byPost} à envoyer par courrier (liste imprimable)`);
      return `${parts.join(' ; ')}.`;
    }),
  );

  app.post<{ Params: { id: string } }>('/clu/reunions/:id/presences', { config: ADMIN }, (request, reply) =>
    pageAction(request, reply, 'attendance', 'invitations', async (organisationId, body) => {
      const r = await recordAttendance(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request)));
      return r.changed > 0 ? 'Présences enregistrées.' : 'Aucune présence modifiée.';
    }),
  );

  app.post<{ Params: { id: string } }>('/clu/reunions/:id/modeles', { config: ADMIN }, (request, reply) =>
    pageAction(request, reply, 'templates', 'modeles', async (organisationId, body) => {
      const n = await submitTemplates(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request)));
      return `${n} modèle(s) soumis pour avis.`;
    }),
  );

  app.post<{ Params: { id: string; templateId: string } }>(
    '/clu/reunions/:id/modeles/:templateId',
    { config: ADMIN },
    (request, reply) =>
      pageAction(request, reply, `avis:${request.params.templateId}`, 'modeles', async (organisationId, body) => {
        await recordOpinion(ctx, organisationId, request.params.id, request.params.templateId, body, actorOf(viewerOf(request)));
        return 'Avis enregistré.';
      }),
  );

  app.post<{ Params: { id: string; templateId: string } }>(
    '/clu/reunions/:id/modeles/:templateId/retirer',
    { config: ADMIN },
    async (request, reply) => {
      const organisationId = organisationIdOf(request);
      await withdrawTemplate(ctx, organisationId, request.params.id, request.params.templateId, actorOf(viewerOf(request)));
      return redirectWithFlash(reply, `/clu/reunions/${request.params.id}#modeles`, {
        type: 'success',
        message: 'Modèle retiré de la réunion.',
      });
    },
  );

  app.post<{ Params: { id: string } }>('/clu/reunions/:id/propositions', { config: ADMIN }, (request, reply) =>
    pageAction(request, reply, 'proposition:nouvelle', 'propositions', async (organisationId, body) => {
      await addProposal(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request)));
      return 'Proposition ajoutée.';
    }),
  );

  // ——— Propositions : modification (depuis leur réunion) et suivi (depuis la réunion suivante) ———

  async function proposalAction(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, followUpOnly: boolean) {
    const organisationId = organisationIdOf(request);
    const proposal = await getProposal(ctx, organisationId, request.params.id);
    // Le suivi se fait depuis la réunion suivante : c'est là que l'on revient (et que l'erreur s'affiche).
    const next = followUpOnly
      ? await findNextMeeting(ctx.db, organisationId, await getMeeting(ctx, organisationId, proposal.meeting_id))
      : undefined;
    const pageMeetingId = next?.id ?? proposal.meeting_id;
    const body = formBody(request.body);
    const name = `${followUpOnly ? 'suivi' : 'proposition'}:${proposal.id}`;
    const result = await handleForm(
      () => editProposal(ctx, organisationId, proposal.id, body, actorOf(viewerOf(request)), { followUpOnly }),
      (error, fields, status) => showMeeting(request, reply, pageMeetingId, { name, error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/clu/reunions/${pageMeetingId}#${followUpOnly ? 'suivi' : 'propositions'}`, {
      type: 'success',
      message: followUpOnly ? 'Suivi de la proposition enregistré.' : 'Proposition modifiée.',
    });
  }

  app.post<{ Params: { id: string } }>('/clu/propositions/:id', { config: ADMIN }, (request, reply) =>
    proposalAction(request, reply, false),
  );
  app.post<{ Params: { id: string } }>('/clu/propositions/:id/suivi', { config: ADMIN }, (request, reply) =>
    proposalAction(request, reply, true),
  );

  // ——— Invitations par courrier ———

  app.get<{ Params: { id: string } }>('/clu/reunions/:id/invitations-courrier', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const meeting = await getMeeting(ctx, organisationId, request.params.id);
    const invitations = await postInvitations(ctx, organisationId, meeting.id);
    return renderPage(request, reply, {
      title: 'Invitations à envoyer par courrier',
      breadcrumb: [...BREADCRUMB, { label: meetingTitle(meeting.starts_at), href: `/clu/reunions/${meeting.id}` }],
      content: postInvitationsView({ meetingId: meeting.id, startsAt: meeting.starts_at, place: meeting.place, invitations }),
    });
  });
}
