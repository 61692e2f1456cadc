import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import type { MailTemplateRow } from './template.repository.ts';
import { TEMPLATE_PURPOSES } from './template.schemas.ts';
import {
  createTemplate,
  editTemplate,
  getTemplate,
  previewTemplate,
  saveSignature,
  signaturesOf,
  templatesOf,
  toggleTemplateArchive,
} from './template.service.ts';
import { exampleValues, renderTemplate } from './template.ts';
import { type SignaturesView, signaturesView } from './views/signatures.view.ts';
import { type TemplateFormView, templateFormView, templateListView } from './views/templates.view.ts';

/** Modèles et signatures : le référent qualité (administrateur) seulement. */
const ADMIN = { access: ['admin'] } as const;
const BREADCRUMB = [{ label: 'Courrier', href: '/courrier' }];

export function templateRoutes(app: FastifyInstance, ctx: AppContext): void {
  const csrfOf = (request: FastifyRequest) => viewerOf(request).csrfToken ?? '';

  app.get('/courrier/modeles', { config: ADMIN }, async (request, reply) => {
    const organisationId = organisationIdOf(request);
    const [templates, services] = await Promise.all([templatesOf(ctx, organisationId), listServices(ctx.db, organisationId)]);
    return renderPage(request, reply, {
      title: 'Modèles de réponse',
      breadcrumb: BREADCRUMB,
      content: templateListView({ templates, services, csrfToken: csrfOf(request) }),
    });
  });

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    template: MailTemplateRow | null,
    extra: Omit<TemplateFormView, 'template' | 'services' | 'csrfToken'> = {},
    status = 200,
  ) {
    const services = await listServices(ctx.db, organisationIdOf(request));
    return renderPage(request, reply, {
      title: template ? `Modèle « ${template.name} »` : 'Nouveau modèle',
      status,
      breadcrumb: [...BREADCRUMB, { label: 'Modèles', href: '/courrier/modeles' }],
      content: templateFormView({ template, services, csrfToken: csrfOf(request), ...extra }),
    });
  }

  /** Enregistre, ou réaffiche le formulaire avec l'aperçu (bouton « Prévisualiser »). */
  async function submit(request: FastifyRequest, reply: FastifyReply, template: MailTemplateRow | null) {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const actor = actorOf(viewerOf(request));
    const onError = (message: string, fields: Record<string, string>, status: number) =>
      showForm(request, reply, template, { values: body, error: { message, fields } }, status);
    if (text(body, 'action') === 'preview') {
      const result = await handleForm(() => previewTemplate(ctx, organisationId, body), onError);
      if (!result.ok) return result.response;
      return showForm(request, reply, template, { values: body, preview: result.value });
    }
    const result = await handleForm(
      () =>
        template
          ? editTemplate(ctx, organisationId, template.id, body, actor).then(() => template.id)
          : createTemplate(ctx, organisationId, body, actor).then((row) => row.id),
      onError,
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/courrier/modeles/${result.value}`, {
      type: 'success',
      message: template ? 'Modèle enregistré.' : 'Modèle créé.',
    });
  }

  app.get<{ Querystring: { usage?: string } }>('/courrier/modeles/nouveau', { config: ADMIN }, (request, reply) => {
    const usage = request.query.usage;
    const defaultPurpose = (TEMPLATE_PURPOSES as readonly string[]).includes(usage ?? '') ? usage : undefined;
    return showForm(request, reply, null, defaultPurpose ? { defaultPurpose } : {});
  });

  app.post('/courrier/modeles', { config: ADMIN }, (request, reply) => submit(request, reply, null));

  app.get<{ Params: { id: string } }>('/courrier/modeles/:id', { config: ADMIN }, async (request, reply) => {
    const template = await getTemplate(ctx, organisationIdOf(request), request.params.id);
    // Le modèle enregistré est contrôlé à l'enregistrement : son aperçu d'exemple est toujours affichable.
    const values = exampleValues();
    return showForm(request, reply, template, {
      preview: { subject: renderTemplate(template.subject, values), body: renderTemplate(template.body, values) },
    });
  });

  app.post<{ Params: { id: string } }>('/courrier/modeles/:id', { config: ADMIN }, async (request, reply) => {
    const template = await getTemplate(ctx, organisationIdOf(request), request.params.id);
    return submit(request, reply, template);
  });

  app.post<{ Params: { id: string } }>('/courrier/modeles/:id/archiver', { config: ADMIN }, async (request, reply) => {
    const result = await toggleTemplateArchive(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    return redirectWithFlash(reply, '/courrier/modeles', {
      type: 'success',
      message: `Modèle « ${result.name} » ${result.archived ? 'archivé' : 'rétabli'}.`,
    });
  });

  async function showSignatures(request: FastifyRequest, reply: FastifyReply, form?: SignaturesView['form'], status = 200) {
    const items = await signaturesOf(ctx, organisationIdOf(request));
    return renderPage(request, reply, {
      title: 'Signatures des services',
      status,
      breadcrumb: BREADCRUMB,
      content: signaturesView({ items, csrfToken: csrfOf(request), ...(form ? { form } : {}) }),
    });
  }

  app.get('/courrier/signatures', { config: ADMIN }, (request, reply) => showSignatures(request, reply));

  app.post<{ Params: { serviceId: string } }>('/courrier/signatures/:serviceId', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const serviceId = request.params.serviceId;
    const organisationId = organisationIdOf(request);
    // Service d'une autre organisation (ou inconnu) : 404 avant toute validation.
    if (!(await listServices(ctx.db, organisationId)).some((s) => s.id === serviceId)) {
      throw new AppError('not_found', {}, 'Service introuvable.');
    }
    const result = await handleForm(
      () => saveSignature(ctx, organisationId, serviceId, body, actorOf(viewerOf(request))),
      (error, fields, status) => showSignatures(request, reply, { serviceId, error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/courrier/signatures#signature-${serviceId}`, {
      type: 'success',
      message: `Signature du service « ${result.value} » enregistrée.`,
    });
  });
}
