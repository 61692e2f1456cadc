import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import {
  createMailbox,
  deleteMailbox,
  getMailboxSummary,
  inboundMessagesPage,
  listMailboxSummaries,
  type ProbeResult,
  testMailboxConnection,
  updateMailbox,
} from './mailbox.service.ts';
import { isOutboxStatusFilter, outboxPage, PURPOSE_LABELS, retryOutgoingMail } from './outbox.service.ts';
import {
  deleteMailboxView,
  inboundMessagesView,
  type MailboxFormValues,
  mailboxesView,
  mailboxFormValues,
  mailboxFormView,
  NEW_MAILBOX_VALUES,
  submittedValues,
} from './views/mailboxes.view.ts';
import { outboxView } from './views/outbox.view.ts';

const ADMIN = { access: ['admin'] } as const;
const MAILBOXES = { label: 'Boîtes fonctionnelles', href: '/courrier/boites' };
const MAIL = { label: 'Courrier', href: '/courrier' };

type WithId = { Params: { id: string } };

function pageOf(query: unknown): number {
  const raw = (query as Record<string, unknown> | undefined)?.page;
  const page = Number(typeof raw === 'string' ? raw : '1');
  return Number.isInteger(page) && page > 0 ? page : 1;
}

/** Fuseau du département de l'organisation : les heures s'affichent à l'heure locale. */
function timeZoneOf(request: FastifyRequest): string {
  return departmentTimeZone(viewerOf(request).organisation?.departmentCode);
}

function csrfOf(request: FastifyRequest): string {
  return viewerOf(request).csrfToken ?? '';
}

/** Boîtes fonctionnelles (configuration, test de connexion, journal de relève) et file d'envoi : référent qualité seul. */
export function mailAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/courrier/boites', { config: ADMIN }, async (request, reply) => {
    return renderPage(request, reply, {
      title: 'Boîtes fonctionnelles',
      breadcrumb: [MAIL],
      content: mailboxesView({
        mailboxes: await listMailboxSummaries(ctx, organisationIdOf(request)),
        timeZone: timeZoneOf(request),
      }),
    });
  });

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      mailboxId?: string;
      values?: MailboxFormValues;
      error?: string;
      fields?: Record<string, string>;
      probe?: { imap: ProbeResult | null; smtp: ProbeResult | null };
    },
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const services = await listServices(ctx.db, organisationId);
    const mailbox = state.mailboxId ? await getMailboxSummary(ctx, organisationId, state.mailboxId) : undefined;
    return renderPage(request, reply, {
      title: mailbox ? `Boîte ${mailbox.label}` : 'Nouvelle boîte fonctionnelle',
      status,
      breadcrumb: [MAIL, MAILBOXES],
      content: mailboxFormView({
        csrfToken: csrfOf(request),
        services,
        ...(mailbox ? { mailbox } : {}),
        values: state.values ?? (mailbox ? mailboxFormValues(mailbox) : NEW_MAILBOX_VALUES),
        ...(state.error ? { error: state.error, fields: state.fields ?? {} } : {}),
        ...(state.probe ? { probe: state.probe } : {}),
        timeZone: timeZoneOf(request),
      }),
    });
  }

  app.get('/courrier/boites/nouvelle', { config: ADMIN }, (request, reply) => showForm(request, reply, {}));

  app.post('/courrier/boites', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => createMailbox(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (error, fields, status) => showForm(request, reply, { values: submittedValues(body), error, fields }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/courrier/boites/${result.value.id}`, {
      type: 'success',
      message: 'Boîte ajoutée. Testez la connexion pour vérifier les réglages.',
    });
  });

  app.get<WithId>('/courrier/boites/:id', { config: ADMIN }, (request, reply) =>
    showForm(request, reply, { mailboxId: request.params.id }),
  );

  app.post<WithId>('/courrier/boites/:id', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    // Une boîte d'une autre organisation est introuvable avant toute validation.
    await getMailboxSummary(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => updateMailbox(ctx, organisationId, request.params.id, body, actorOf(viewerOf(request))),
      (error, fields, status) =>
        showForm(request, reply, { mailboxId: request.params.id, values: submittedValues(body), error, fields }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/courrier/boites/${request.params.id}`, { type: 'success', message: 'Boîte enregistrée.' });
  });

  app.post<WithId>('/courrier/boites/:id/tester', { config: ADMIN }, async (request, reply) => {
    const probe = await testMailboxConnection(ctx, organisationIdOf(request), request.params.id);
    return showForm(request, reply, { mailboxId: request.params.id, probe });
  });

  app.get<WithId>('/courrier/boites/:id/supprimer', { config: ADMIN }, async (request, reply) => {
    const mailbox = await getMailboxSummary(ctx, organisationIdOf(request), request.params.id);
    return renderPage(request, reply, {
      title: `Supprimer la boîte ${mailbox.label}`,
      breadcrumb: [MAIL, MAILBOXES],
      content: deleteMailboxView({ mailbox, csrfToken: csrfOf(request) }),
    });
  });

  app.post<WithId>('/courrier/boites/:id/supprimer', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const mailbox = await getMailboxSummary(ctx, organisationId, request.params.id);
    const result = await handleForm(
      () => deleteMailbox(ctx, organisationId, request.params.id, actorOf(viewerOf(request))),
      (error, _fields, status) =>
        renderPage(request, reply, {
          title: `Supprimer la boîte ${mailbox.label}`,
          status,
          breadcrumb: [MAIL, MAILBOXES],
          content: deleteMailboxView({ mailbox, csrfToken: csrfOf(request), error }),
        }),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, '/courrier/boites', { type: 'success', message: `Boîte ${mailbox.address} supprimée.` });
  });

  app.get<WithId>('/courrier/boites/:id/messages', { config: ADMIN }, async (request, reply) => {
    const result = await inboundMessagesPage(ctx, organisationIdOf(request), request.params.id, pageOf(request.query));
    return renderPage(request, reply, {
      title: `Messages relevés — ${result.mailbox.label}`,
      breadcrumb: [MAIL, MAILBOXES, { label: result.mailbox.label, href: `/courrier/boites/${result.mailbox.id}` }],
      content: inboundMessagesView({ ...result, timeZone: timeZoneOf(request) }),
    });
  });

  app.get('/courrier/envois', { config: ADMIN }, async (request, reply) => {
    const raw = (request.query as Record<string, unknown> | undefined)?.statut;
    const filter = typeof raw === 'string' && isOutboxStatusFilter(raw) ? raw : undefined;
    const result = await outboxPage(ctx, organisationIdOf(request), filter, pageOf(request.query));
    return renderPage(request, reply, {
      title: 'File d’envoi',
      breadcrumb: [MAIL],
      content: outboxView({
        ...result,
        filter,
        purposeLabels: PURPOSE_LABELS,
        csrfToken: csrfOf(request),
        timeZone: timeZoneOf(request),
      }),
    });
  });

  app.post<WithId>('/courrier/envois/:id/relancer', { config: ADMIN }, async (request, reply) => {
    try {
      await retryOutgoingMail(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    } catch (error) {
      // Déjà parti entre l'affichage et le clic : on le dit ; un courriel introuvable reste une 404.
      if (isAppError(error) && error.code === 'outgoing_mail_not_retryable') {
        return redirectWithFlash(reply, '/courrier/envois', { type: 'warning', message: error.message });
      }
      throw error;
    }
    return redirectWithFlash(reply, '/courrier/envois', {
      type: 'success',
      message: 'Nouvel essai programmé : le courriel part dans les secondes qui viennent.',
    });
  });
}
