import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { findOrganisationById, listServices, type Service } from '../organisations/organisation.repository.ts';
import { DEFAULT_TEMPLATES, defaultTemplateId, isForeignersService } from './default-templates.ts';
import { type SignatureForm, signatureBlock, signatureParts } from './signature.ts';
import {
  existingTemplateIds,
  findSignature,
  findTemplate,
  insertTemplate,
  insertTemplatesIfAbsent,
  listSignatures,
  listTemplates,
  type MailTemplateRow,
  updateTemplate,
  upsertSignature,
} from './template.repository.ts';
import { signatureSchema, type TemplateInput, templateSchema } from './template.schemas.ts';
import { exampleValues, renderTemplate } from './template.ts';

/**
 * Crée les modèles de départ qui manquent à l'organisation, dans la transaction de l'appelant. Chaque
 * modèle de départ a un identifiant fixe : un modèle archivé ou modifié n'est jamais recréé, et deux
 * relèves simultanées ne font pas de doublon. L'accusé du service des étrangers n'est créé que si ce
 * service existe (il l'est au premier passage qui suit sa création).
 */
export async function ensureDefaultTemplates(
  db: Executor,
  ctx: AppContext,
  organisationId: string,
  /** Les services de l'organisation quand l'appelant les a déjà lus. */
  knownServices?: readonly Pick<Service, 'id' | 'name'>[],
): Promise<number> {
  const ids = DEFAULT_TEMPLATES.map((t) => defaultTemplateId(organisationId, t.key));
  const existing = new Set(await existingTemplateIds(db, ids));
  const missing = DEFAULT_TEMPLATES.filter((t) => !existing.has(defaultTemplateId(organisationId, t.key)));
  if (missing.length === 0) return 0;
  const foreigners = missing.some((t) => t.foreignersService)
    ? (knownServices ?? (await listServices(db, organisationId))).find((s) => isForeignersService(s.name))
    : undefined;
  // Sans service des étrangers, son modèle reste « manquant » : rien à écrire tant que le service n'existe pas.
  const wanted = missing.filter((t) => !t.foreignersService || foreigners);
  if (wanted.length === 0) return 0;
  const now = ctx.clock.now().toISOString();
  const rows = wanted.map((t) => ({
    id: defaultTemplateId(organisationId, t.key),
    organisation_id: organisationId,
    purpose: t.purpose,
    name: t.name,
    case_kind: t.caseKind,
    service_id: t.foreignersService ? (foreigners?.id ?? null) : null,
    subject: t.subject,
    body: t.body,
    archived_at: null,
    created_at: now,
    updated_at: now,
  }));
  await insertTemplatesIfAbsent(db, rows);
  return rows.length;
}

/** Tous les modèles de l'organisation (archivés compris), avec les modèles de départ s'ils manquent. */
export async function templatesOf(ctx: AppContext, organisationId: string): Promise<MailTemplateRow[]> {
  await ctx.db.transaction().execute((trx) => ensureDefaultTemplates(trx, ctx, organisationId));
  return listTemplates(ctx.db, organisationId, { includeArchived: true });
}

export async function getTemplate(ctx: AppContext, organisationId: string, id: string): Promise<MailTemplateRow> {
  const row = await findTemplate(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Modèle introuvable.');
  return row;
}

/** Valide la saisie d'un modèle ; le service choisi doit être un service de l'organisation. */
async function validTemplate(ctx: AppContext, organisationId: string, input: unknown): Promise<TemplateInput> {
  const data = validate(templateSchema, input);
  if (data.serviceId && !(await listServices(ctx.db, organisationId)).some((s) => s.id === data.serviceId)) {
    throw new AppError('validation_failed', { serviceId: 'Service : choisissez un service de la liste.' });
  }
  return data;
}

function snapshot(t: Pick<MailTemplateRow, 'name' | 'purpose' | 'case_kind' | 'service_id' | 'subject' | 'body'>) {
  return {
    name: t.name,
    purpose: t.purpose,
    caseKind: t.case_kind,
    serviceId: t.service_id,
    subject: t.subject,
    body: t.body,
  };
}

export async function createTemplate(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = await validTemplate(ctx, organisationId, input);
  const now = ctx.clock.now().toISOString();
  const row = {
    id: newId(),
    organisation_id: organisationId,
    purpose: data.purpose,
    name: data.name,
    case_kind: data.caseKind,
    service_id: data.serviceId,
    subject: data.subject,
    body: data.body,
    archived_at: null,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertTemplate(trx, row);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mail_template.created',
      entityType: 'mail_template',
      entityId: row.id,
      summary: `Modèle « ${row.name} » créé`,
      after: snapshot(row),
    });
  });
  return row;
}

export async function editTemplate(ctx: AppContext, organisationId: string, id: string, input: unknown, actor: Actor) {
  const before = await getTemplate(ctx, organisationId, id);
  const data = await validTemplate(ctx, organisationId, input);
  const changes = {
    purpose: data.purpose,
    name: data.name,
    case_kind: data.caseKind,
    service_id: data.serviceId,
    subject: data.subject,
    body: data.body,
    updated_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await updateTemplate(trx, organisationId, id, changes);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mail_template.updated',
      entityType: 'mail_template',
      entityId: id,
      summary: `Modèle « ${data.name} » modifié`,
      before: snapshot(before),
      after: snapshot(changes),
    });
  });
}

/** Archive un modèle (il n'est plus choisi ni proposé) ou le rétablit. */
export async function toggleTemplateArchive(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const template = await getTemplate(ctx, organisationId, id);
  const archived = template.archived_at ? null : ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateTemplate(trx, organisationId, id, { archived_at: archived, updated_at: ctx.clock.now().toISOString() });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: archived ? 'mail_template.archived' : 'mail_template.restored',
      entityType: 'mail_template',
      entityId: id,
      summary: `Modèle « ${template.name} » ${archived ? 'archivé' : 'rétabli'}`,
    });
  });
  return { name: template.name, archived: archived !== null };
}

/**
 * Aperçu d'un modèle avec les valeurs d'exemple (jamais les données d'un vrai dossier) ; la saisie est
 * d'abord contrôlée comme à l'enregistrement.
 */
export async function previewTemplate(ctx: AppContext, organisationId: string, input: unknown) {
  const data = await validTemplate(ctx, organisationId, input);
  const values = exampleValues();
  return { subject: renderTemplate(data.subject, values), body: renderTemplate(data.body, values) };
}

export interface ServiceSignatureForms {
  service: { id: string; name: string; mailbox_address: string | null };
  stored: { service_label: string; postal_address: string | null; phone: string | null; website: string | null } | null;
  /** Les deux formes du bloc, telles qu'elles partiront. */
  previews: Record<SignatureForm, string>;
}

/** Un formulaire de signature par service, avec l'aperçu des deux formes. */
export async function signaturesOf(ctx: AppContext, organisationId: string): Promise<ServiceSignatureForms[]> {
  const [organisation, services, stored] = await Promise.all([
    findOrganisationById(ctx.db, organisationId),
    listServices(ctx.db, organisationId),
    listSignatures(ctx.db, organisationId),
  ]);
  if (!organisation) throw new AppError('organisation_not_found');
  return services.map((service) => {
    const saved = stored.find((s) => s.service_id === service.id) ?? null;
    const parts = (agent: boolean) =>
      signatureParts({
        serviceName: service.name,
        organisationName: organisation.name,
        stored: saved,
        email: service.mailbox_address,
        agentName: agent ? 'Prénom Nom (exemple)' : null,
        agentTitle: agent ? 'Fonction (exemple)' : null,
      });
    return {
      service: { id: service.id, name: service.name, mailbox_address: service.mailbox_address },
      stored: saved,
      previews: { functional: signatureBlock('functional', parts(false)), individual: signatureBlock('individual', parts(true)) },
    };
  });
}

export async function saveSignature(ctx: AppContext, organisationId: string, serviceId: string, input: unknown, actor: Actor) {
  const service = (await listServices(ctx.db, organisationId)).find((s) => s.id === serviceId);
  if (!service) throw new AppError('not_found', {}, 'Service introuvable.');
  const data = validate(signatureSchema, input);
  const before = await findSignature(ctx.db, organisationId, serviceId);
  const row = {
    service_id: serviceId,
    organisation_id: organisationId,
    // Vide : la signature retombe sur le nom du service (voir signature.ts).
    service_label: data.serviceLabel ?? '',
    postal_address: data.postalAddress ?? null,
    phone: data.phone ?? null,
    website: data.website ?? null,
    updated_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await upsertSignature(trx, row);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'service_signature.updated',
      entityType: 'service',
      entityId: serviceId,
      summary: `Signature du service « ${service.name} » enregistrée`,
      before: before
        ? {
            serviceLabel: before.service_label,
            postalAddress: before.postal_address,
            phone: before.phone,
            website: before.website,
          }
        : null,
      after: { serviceLabel: row.service_label, postalAddress: row.postal_address, phone: row.phone, website: row.website },
    });
  });
  return service.name;
}
