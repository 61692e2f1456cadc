import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { actorOf } from '../accounts/viewer.ts';
import { letterDraft, prepareLetter } from './letter.service.ts';
import { letterFormView } from './views/letter.view.ts';

const WRITERS = { access: ['admin', 'agent'] } as const;

/** Lettre de réponse d'un dossier : formulaire pré-rempli, puis DOCX et PDF joints au dossier. */
export function letterRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    caseId: string,
    submitted?: { values: Record<string, unknown>; error: string; fields: Record<string, string> },
    status = 200,
  ) {
    const viewer = viewerOf(request);
    // Dossier d'une autre organisation (ou inconnu) : 404.
    const { case: c, draft, templateName } = await letterDraft(ctx, organisationIdOf(request), caseId, viewer);
    return renderPage(request, reply, {
      title: `Lettre de réponse — dossier ${c.reference}`,
      status,
      breadcrumb: [
        { label: 'Registre', href: '/registre' },
        { label: `Dossier ${c.reference}`, href: `/registre/${c.id}` },
      ],
      content: letterFormView({
        caseId: c.id,
        reference: c.reference,
        status: c.status,
        answeredLocalDate: c.answered_local_date,
        templateName,
        draft,
        csrfToken: viewer.csrfToken ?? '',
        ...(submitted ? { submitted } : {}),
      }),
    });
  }

  app.get<{ Params: { id: string } }>('/registre/:id/lettre', { config: WRITERS }, (request, reply) =>
    showForm(request, reply, request.params.id),
  );

  app.post<{ Params: { id: string } }>('/registre/:id/lettre', { config: WRITERS }, async (request, reply) => {
    const body = formBody(request.body);
    const caseId = request.params.id;
    const result = await handleForm(
      () => prepareLetter(ctx, organisationIdOf(request), caseId, body, actorOf(viewerOf(request))),
      (error, fields, status) => showForm(request, reply, caseId, { values: body, error, fields }, status),
    );
    if (!result.ok) return result.response;
    const { docx, pdf, answer } = result.value;
    return redirectWithFlash(reply, `/registre/${caseId}#pieces-jointes`, {
      type: 'success',
      message: `Lettre générée : ${docx.filename} (modifiable) et ${pdf.filename} (à imprimer), dans les pièces jointes${answer ? ' ; réponse par courrier enregistrée' : ''}.`,
    });
  });
}
