import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { publicCsrfToken } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { validate } from '../../shared/validation.ts';
import { listOrganisations } from '../organisations/organisation.repository.ts';
import { getOrganisationBySlug } from '../organisations/organisation.service.ts';
import { createCase } from './case.service.ts';
import { answerWorkingDays } from './deadline-rules.ts';
import { paperFormPdf } from './paper-form.ts';
import {
  organisationChoiceView,
  PUBLIC_BODY_MAX,
  type PublicOrganisation,
  publicFormDoneView,
  publicFormPath,
  publicFormView,
} from './views/public-form.view.ts';

/** Envois du formulaire public admis par adresse IP (anti-abus, en plus du champ piège). */
export const PUBLIC_FORM_RATE_LIMIT = { max: 5, timeWindow: '10 minutes' } as const;
/** Taille maximale du corps d'un envoi : largement assez pour 5 000 caractères accentués. */
export const PUBLIC_FORM_BODY_LIMIT = 64 * 1024;
export const PUBLIC_FORM_ACTOR = { userId: null, label: 'Formulaire public' } as const;

const PUBLIC = { access: 'public' } as const;

const publicFormSchema = z.object({
  kind: z.enum(['complaint', 'suggestion', 'information_request'], {
    error: 'Nature : choisissez réclamation, suggestion ou demande d’information.',
  }),
  subject: z
    .string()
    .trim()
    .max(300, { error: 'Objet : 300 caractères au plus.' })
    .optional()
    .transform((v) => v || undefined),
  body: z
    .string({ error: 'Votre message : champ obligatoire.' })
    .trim()
    .min(1, { error: 'Votre message : champ obligatoire.' })
    .max(PUBLIC_BODY_MAX, { error: `Votre message : ${PUBLIC_BODY_MAX.toLocaleString('fr-FR')} caractères au plus.` }),
  requesterName: z
    .string()
    .trim()
    .max(200, { error: 'Nom et prénom : 200 caractères au plus.' })
    .optional()
    .transform((v) => v || undefined),
  requesterEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(200, { error: 'Adresse électronique : 200 caractères au plus.' })
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.email({ error: 'Adresse électronique invalide : elle doit avoir la forme nom@domaine.fr.' }).optional()),
  requesterAddress: z
    .string()
    .trim()
    .max(500, { error: 'Adresse postale : 500 caractères au plus.' })
    .optional()
    .transform((v) => v || undefined),
});

function publicOrganisation(o: { slug: string; name: string }): PublicOrganisation {
  return { slug: o.slug, name: o.name };
}

/**
 * Formulaire public de réclamation, de suggestion ou de demande d'information (sans JavaScript, sans
 * compte) et formulaire papier de l'urne. Une instance peut héberger plusieurs préfectures : le
 * formulaire vit sous `/o/:slug/reclamation` ; `/reclamation` y mène quand il n'y en a qu'une, sinon
 * propose la liste.
 */
export function publicFormRoutes(app: FastifyInstance, ctx: AppContext): void {
  const secure = ctx.config.secureCookies;

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    organisation: PublicOrganisation,
    form: { values?: Record<string, unknown>; error?: string; fields?: Record<string, string> } = {},
    status = 200,
  ) {
    return renderPage(request, reply, {
      title: `Réclamation, suggestion ou demande d’information — ${organisation.name}`,
      status,
      content: publicFormView({
        organisation,
        // Un agent connecté a le jeton de sa session (c'est lui que le contrôle CSRF attend alors).
        csrfToken: request.viewer?.csrfToken ?? publicCsrfToken(request, reply, secure),
        retentionMonths: ctx.config.casePersonalDataRetentionMonths,
        ...form,
      }),
    });
  }

  async function sendPdf(reply: FastifyReply, organisation: PublicOrganisation) {
    const pdf = await paperFormPdf({
      organisationName: organisation.name,
      retentionMonths: ctx.config.casePersonalDataRetentionMonths,
    });
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="formulaire-reclamation-${organisation.slug}.pdf"`)
      .header('Cache-Control', 'public, max-age=3600')
      .send(pdf);
  }

  app.get('/reclamation', { config: PUBLIC }, async (request, reply) => {
    const organisations = await listOrganisations(ctx.db);
    const only = organisations.length === 1 ? organisations[0] : undefined;
    if (only) return reply.redirect(publicFormPath(only.slug), 302);
    return renderPage(request, reply, {
      title: 'Réclamation, suggestion ou demande d’information',
      content: organisationChoiceView(organisations.map(publicOrganisation)),
    });
  });

  app.get('/reclamation/formulaire.pdf', { config: PUBLIC }, async (_request, reply) => {
    const organisations = await listOrganisations(ctx.db);
    const only = organisations.length === 1 ? organisations[0] : undefined;
    if (!only) return reply.redirect('/reclamation', 302);
    return sendPdf(reply, publicOrganisation(only));
  });

  app.get<{ Params: { slug: string } }>('/o/:slug/reclamation', { config: PUBLIC }, async (request, reply) =>
    showForm(request, reply, publicOrganisation(await getOrganisationBySlug(ctx, request.params.slug))),
  );

  app.get<{ Params: { slug: string } }>('/o/:slug/reclamation/formulaire.pdf', { config: PUBLIC }, async (request, reply) =>
    sendPdf(reply, publicOrganisation(await getOrganisationBySlug(ctx, request.params.slug))),
  );

  app.post<{ Params: { slug: string } }>(
    '/o/:slug/reclamation',
    {
      bodyLimit: PUBLIC_FORM_BODY_LIMIT,
      config: { access: 'public', rateLimit: { ...PUBLIC_FORM_RATE_LIMIT } },
    },
    async (request, reply) => {
      const organisation = await getOrganisationBySlug(ctx, request.params.slug);
      const body = formBody(request.body);
      const kind = text(body, 'kind');
      const workingDays =
        answerWorkingDays(kind === 'suggestion' || kind === 'complaint' ? kind : 'information_request', 'web_form') ?? 5;
      // Champ piège rempli : un robot. On fait comme si tout allait bien, sans rien enregistrer.
      if ((text(body, 'site') ?? '').trim() !== '') {
        request.log.info('formulaire public : champ piège rempli, envoi ignoré');
        return renderPage(request, reply, {
          title: 'Message envoyé',
          content: publicFormDoneView({
            organisation: publicOrganisation(organisation),
            reference: null,
            dueDate: null,
            workingDays,
            hasContact: true,
          }),
        });
      }
      const result = await handleForm(
        async () => {
          const data = validate(publicFormSchema, body);
          return createCase(
            ctx,
            organisation.id,
            {
              kind: data.kind,
              channel: 'web_form',
              receivedAt: ctx.clock.now().toISOString(),
              subject: data.subject,
              body: data.body,
              requesterName: data.requesterName,
              requesterEmail: data.requesterEmail,
              requesterAddress: data.requesterAddress,
              themeIds: [],
            },
            PUBLIC_FORM_ACTOR,
          );
        },
        (message, fields, status) =>
          showForm(request, reply, publicOrganisation(organisation), { values: body, error: message, fields }, status),
      );
      if (!result.ok) return result.response;
      const created = result.value;
      return renderPage(request, reply, {
        title: 'Message envoyé',
        content: publicFormDoneView({
          organisation: publicOrganisation(organisation),
          reference: created.reference,
          dueDate: created.due_date,
          workingDays,
          hasContact: Boolean(created.requester_email || created.requester_address),
        }),
      });
    },
  );
}
