import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import { answerEmailForm, mailboxForCase, previewAnswerEmail, sendAnswerByEmail } from './correspondence.service.ts';
import { type CaseEmailView, caseEmailView } from './views/case-email.view.ts';

/** Répondre par courriel : les agents et le référent (pas l'auditeur, qui ne fait que lire). */
const WRITERS = { access: ['admin', 'agent'] } as const;

const BLANK = {
  subject: 'Réponse à votre message – dossier {{dossier.reference}}',
  body: 'Bonjour Madame, Monsieur,\n\n\n\nCordialement.\n\n{{service.signature}}',
};

export function caseEmailRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    caseId: string,
    state: { templateId?: string | undefined; body?: Record<string, unknown> } & Pick<CaseEmailView, 'error' | 'preview'>,
    status = 200,
  ) {
    const organisationId = organisationIdOf(request);
    const { caseRow, templates, selected } = await answerEmailForm(ctx, organisationId, caseId, state.templateId);
    const mailbox = await mailboxForCase(ctx.db, caseRow);
    const typed = state.body;
    const values = typed
      ? {
          templateId: text(typed, 'templateId') ?? '',
          subject: text(typed, 'subject') ?? '',
          body: text(typed, 'body') ?? '',
          signatureForm: text(typed, 'signatureForm') ?? '',
        }
      : {
          templateId: selected?.id ?? '',
          subject: selected?.subject ?? BLANK.subject,
          body: selected?.body ?? BLANK.body,
          signatureForm: 'functional',
        };
    return renderPage(request, reply, {
      title: `Répondre par courriel — dossier ${caseRow.reference}`,
      status,
      breadcrumb: [
        { label: 'Registre', href: '/registre' },
        { label: `Dossier ${caseRow.reference}`, href: `/registre/${caseRow.id}` },
      ],
      content: caseEmailView({
        case: caseRow,
        templates: templates.map((t) => ({ id: t.id, name: t.name })),
        csrfToken: viewerOf(request).csrfToken ?? '',
        fromAddress: mailbox?.address ?? null,
        values,
        ...(state.error ? { error: state.error } : {}),
        ...(state.preview ? { preview: state.preview } : {}),
      }),
    });
  }

  app.get<{ Params: { id: string }; Querystring: { modele?: string } }>(
    '/registre/:id/courriel',
    { config: WRITERS },
    (request, reply) => show(request, reply, request.params.id, { templateId: request.query.modele || undefined }),
  );

  app.post<{ Params: { id: string } }>('/registre/:id/courriel', { config: WRITERS }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const caseId = request.params.id;
    const actor = actorOf(viewerOf(request));
    // Dossier d'une autre organisation (ou inconnu) : 404, avant toute validation.
    await answerEmailForm(ctx, organisationId, caseId);
    const onError = (message: string, fields: Record<string, string>, status: number) =>
      show(request, reply, caseId, { body, error: { message, fields } }, status);
    if (text(body, 'action') !== 'send') {
      const result = await handleForm(() => previewAnswerEmail(ctx, organisationId, caseId, body, actor), onError);
      if (!result.ok) return result.response;
      const draft = result.value;
      return show(request, reply, caseId, {
        body,
        preview: {
          subject: draft.subject,
          bodyText: draft.bodyText,
          to: draft.to.name ? `${draft.to.name} <${draft.to.address}>` : draft.to.address,
          inReplyTo: draft.inReplyTo,
        },
      });
    }
    const result = await handleForm(() => sendAnswerByEmail(ctx, organisationId, caseId, body, actor), onError);
    if (!result.ok) return result.response;
    const { to, delay } = result.value;
    return redirectWithFlash(reply, `/registre/${caseId}#courriels`, {
      type: 'success',
      message: `Réponse mise en file d’envoi pour ${to} ; dossier répondu (délai : ${delay} jour${delay > 1 ? 's' : ''} ouvré${delay > 1 ? 's' : ''}).`,
    });
  });
}
