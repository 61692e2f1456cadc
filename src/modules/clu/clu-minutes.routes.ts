import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { getMeeting } from './clu-meeting.service.ts';
import { approveMinutes, type MinutesState, minutesFilename, minutesState, saveMinutes } from './clu-minutes.service.ts';
import { minutesDocxFromDocument, numericDate } from './clu-minutes.ts';
import { minutesPdf } from './clu-minutes-pdf.ts';
import { approveMinutesView, minutesNotApprovedView, minutesPageView } from './views/clu-minutes.view.ts';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** Le référent rédige et approuve ; auditeurs et membres du CLU lisent la version approuvée. */
const READERS = { access: ['admin', 'auditor', 'clu_member'] } as const;
const ADMIN = { access: ['admin'] } as const;

type Params = { Params: { id: string } };

export function cluMinutesRoutes(app: FastifyInstance, ctx: AppContext): void {
  function breadcrumb(meetingId: string, startsAt: string) {
    return [
      { label: 'Comité des usagers', href: '/clu/reunions' },
      { label: `Réunion du ${numericDate(startsAt)}`, href: `/clu/reunions/${meetingId}` },
    ];
  }

  /**
   * Le compte rendu tel que le lecteur a le droit de le voir : le référent voit le brouillon, les
   * autres seulement la version approuvée (sinon `null`). Une réunion d'une autre organisation : 404.
   */
  async function readable(request: FastifyRequest, meetingId: string): Promise<{ state: MinutesState | null; startsAt: string }> {
    const organisationId = organisationIdOf(request);
    const viewer = viewerOf(request);
    if (viewer.role === 'admin') {
      const state = await minutesState(ctx, organisationId, meetingId, { displayName: viewer.displayName, email: viewer.email });
      return { state, startsAt: state.meeting.startsAt };
    }
    const meeting = await getMeeting(ctx, organisationId, meetingId);
    if (!meeting.minutes_publication_id) return { state: null, startsAt: meeting.starts_at };
    return { state: await minutesState(ctx, organisationId, meetingId), startsAt: meeting.starts_at };
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    meetingId: string,
    submitted?: { values: Record<string, unknown>; error: string; fields: Record<string, string> },
    status = 200,
  ) {
    const viewer = viewerOf(request);
    const { state, startsAt } = await readable(request, meetingId);
    const title = `Compte rendu du CLU du ${numericDate(startsAt)}`;
    if (!state) {
      return renderPage(request, reply, {
        title,
        breadcrumb: breadcrumb(meetingId, startsAt),
        content: minutesNotApprovedView(startsAt),
      });
    }
    return renderPage(request, reply, {
      title,
      status,
      breadcrumb: breadcrumb(meetingId, startsAt),
      content: minutesPageView({
        meetingId,
        document: state.document,
        approved: state.approved,
        deckGenerated: state.meeting.deckPublicationId !== null,
        canEdit: viewer.role === 'admin',
        csrfToken: viewer.csrfToken ?? '',
        organisationSlug: viewer.organisation?.slug ?? '',
        ...(submitted ? { submitted } : {}),
      }),
    });
  }

  app.get<Params>('/clu/reunions/:id/compte-rendu', { config: READERS }, (request, reply) =>
    show(request, reply, request.params.id),
  );

  app.post<Params>('/clu/reunions/:id/compte-rendu', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const viewer = viewerOf(request);
    const result = await handleForm(
      () =>
        saveMinutes(ctx, organisationIdOf(request), request.params.id, body, actorOf(viewer), {
          displayName: viewer.displayName,
          email: viewer.email,
        }),
      (error, fields, status) => show(request, reply, request.params.id, { values: body, error, fields }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/clu/reunions/${request.params.id}/compte-rendu`, {
      type: 'success',
      message: 'Compte rendu enregistré.',
    });
  });

  async function download(request: FastifyRequest, reply: FastifyReply, meetingId: string, kind: 'docx' | 'pdf') {
    const { state, startsAt } = await readable(request, meetingId);
    if (!state)
      throw new AppError('not_found', {}, `Le compte rendu de la réunion du ${numericDate(startsAt)} n’est pas encore approuvé.`);
    const file = kind === 'docx' ? await minutesDocxFromDocument(state.document) : await minutesPdf(state.document);
    return reply
      .type(kind === 'docx' ? DOCX_TYPE : 'application/pdf')
      .header(
        'Content-Disposition',
        `${kind === 'docx' ? 'attachment' : 'inline'}; filename="${minutesFilename(startsAt, kind)}"`,
      )
      .send(file);
  }

  app.get<Params>('/clu/reunions/:id/compte-rendu.docx', { config: READERS }, (request, reply) =>
    download(request, reply, request.params.id, 'docx'),
  );
  app.get<Params>('/clu/reunions/:id/compte-rendu.pdf', { config: READERS }, (request, reply) =>
    download(request, reply, request.params.id, 'pdf'),
  );

  async function showApprove(request: FastifyRequest, reply: FastifyReply, meetingId: string, error?: string, status = 200) {
    const viewer = viewerOf(request);
    const state = await minutesState(ctx, organisationIdOf(request), meetingId);
    if (state.approved && !error) {
      return redirectWithFlash(reply, `/clu/reunions/${meetingId}/compte-rendu`, {
        type: 'info',
        message: `Ce compte rendu a déjà été approuvé le ${numericDate(state.approved.at)}.`,
      });
    }
    return renderPage(request, reply, {
      title: 'Approuver le compte rendu',
      status,
      breadcrumb: [
        ...breadcrumb(meetingId, state.meeting.startsAt),
        { label: 'Compte rendu', href: `/clu/reunions/${meetingId}/compte-rendu` },
      ],
      content: approveMinutesView({
        meetingId,
        startsAt: state.meeting.startsAt,
        csrfToken: viewer.csrfToken ?? '',
        itemsWithoutObservations: state.document.content.items.filter((i) => !i.observations.trim()).length,
        alreadyApproved: state.approved !== null,
        ...(error ? { error } : {}),
      }),
    });
  }

  app.get<Params>('/clu/reunions/:id/compte-rendu/approuver', { config: ADMIN }, (request, reply) =>
    showApprove(request, reply, request.params.id),
  );

  app.post<Params>('/clu/reunions/:id/compte-rendu/approuver', { config: ADMIN }, async (request, reply) => {
    const result = await handleForm(
      () => approveMinutes(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request))),
      (error, _fields, status) => showApprove(request, reply, request.params.id, error, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/clu/reunions/${request.params.id}/compte-rendu`, {
      type: 'success',
      message: 'Compte rendu approuvé : il est figé et publié sur la page publique.',
    });
  });
}
