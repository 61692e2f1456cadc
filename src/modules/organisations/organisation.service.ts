import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { moduleRules } from '../referentiel/referentiel.service.ts';
import { findDepartment, prefectLabel } from './departments.ts';
import {
  deleteClosureDay,
  findClosureDay,
  findClosureDayById,
  findOrganisationById,
  findOrganisationBySlug,
  findServiceByName,
  insertClosureDay,
  insertOrganisation,
  insertService,
  insertSite,
  listClosureDays,
  listPerimeter,
  listServices,
  listSites,
  type Organisation,
  replacePerimeter,
  updateOrganisation,
} from './organisation.repository.ts';
import {
  closureDaySchema,
  createOrganisationSchema,
  perimeterSchema,
  serviceSchema,
  siteSchema,
} from './organisation.schemas.ts';
import { missingMandatory, normalisePerimeter } from './perimeter.ts';

export async function createOrganisation(ctx: AppContext, input: unknown, actor: Actor): Promise<Organisation> {
  const data = validate(createOrganisationSchema, input);
  const department = findDepartment(data.department);
  if (!department) throw new AppError('unknown_department', { department: `Département « ${data.department} » inconnu.` });
  if (await findOrganisationBySlug(ctx.db, data.slug)) {
    throw new AppError('duplicate_slug', { slug: `L’identifiant « ${data.slug} » est déjà utilisé.` });
  }
  const now = ctx.clock.now().toISOString();
  const organisation: Organisation = {
    id: newId(),
    slug: data.slug,
    name: data.name,
    department_code: department.code,
    has_cert: data.hasCert ? 1 : 0,
    is_demo: 0,
    created_at: now,
    updated_at: now,
  };
  const rules = await moduleRules(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await insertOrganisation(trx, organisation);
    // Toute préfecture a au moins son site principal, au chef-lieu.
    await insertSite(trx, {
      id: newId(),
      organisation_id: organisation.id,
      name: `Préfecture ${department.nameWithArticle}`,
      kind: 'prefecture',
      city: department.prefectureCity,
      created_at: now,
    });
    await replacePerimeter(trx, organisation.id, normalisePerimeter(rules, data.hasCert, []));
    await recordAudit(trx, ctx.clock, {
      organisationId: organisation.id,
      actor,
      action: 'organisation.created',
      entityType: 'organisation',
      entityId: organisation.id,
      summary: `Organisation « ${organisation.name} » créée (département ${department.code})`,
      after: { slug: organisation.slug, name: organisation.name, department: department.code, hasCert: data.hasCert },
    });
  });
  return organisation;
}

export async function markAsDemo(ctx: AppContext, organisationId: string): Promise<void> {
  await updateOrganisation(ctx.db, organisationId, { is_demo: 1 });
}

export async function getOrganisationBySlug(ctx: Pick<AppContext, 'db'>, slug: string): Promise<Organisation> {
  const organisation = await findOrganisationBySlug(ctx.db, slug.trim().toLowerCase());
  if (!organisation) throw new AppError('organisation_not_found', {}, `Organisation « ${slug} » introuvable.`);
  return organisation;
}

export async function getOrganisation(ctx: Pick<AppContext, 'db'>, id: string): Promise<Organisation> {
  const organisation = await findOrganisationById(ctx.db, id);
  if (!organisation) throw new AppError('organisation_not_found');
  return organisation;
}

/** Ce que l'en-tête et les pages montrent d'une organisation. */
export function organisationBrand(organisation: Pick<Organisation, 'department_code'>): string {
  const department = findDepartment(organisation.department_code);
  return department ? prefectLabel(department) : 'République française';
}

export async function organisationOverview(ctx: Pick<AppContext, 'db'>, organisationId: string) {
  const organisation = await getOrganisation(ctx, organisationId);
  const [sites, services, closureDays, perimeter] = await Promise.all([
    listSites(ctx.db, organisationId),
    listServices(ctx.db, organisationId),
    listClosureDays(ctx.db, organisationId),
    listPerimeter(ctx.db, organisationId),
  ]);
  return { organisation, department: findDepartment(organisation.department_code), sites, services, closureDays, perimeter };
}

export async function addSite(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = validate(siteSchema, input);
  const site = {
    id: newId(),
    organisation_id: organisationId,
    name: data.name,
    kind: data.kind,
    city: data.city ?? null,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertSite(trx, site);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'site.created',
      entityType: 'site',
      entityId: site.id,
      summary: `Site « ${site.name} » ajouté`,
      after: { name: site.name, kind: site.kind, city: site.city },
    });
  });
  return site;
}

export async function addService(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = validate(serviceSchema, input);
  if (await findServiceByName(ctx.db, organisationId, data.name)) {
    throw new AppError('duplicate_service', { name: `Le service « ${data.name} » existe déjà.` });
  }
  if (data.siteId) {
    const sites = await listSites(ctx.db, organisationId);
    if (!sites.some((s) => s.id === data.siteId)) throw new AppError('validation_failed', { siteId: 'Site inconnu.' });
  }
  const service = {
    id: newId(),
    organisation_id: organisationId,
    site_id: data.siteId ?? null,
    name: data.name,
    mailbox_address: data.mailboxAddress ?? null,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertService(trx, service);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'service.created',
      entityType: 'service',
      entityId: service.id,
      summary: `Service « ${service.name} » ajouté`,
      after: { name: service.name, mailbox: service.mailbox_address },
    });
  });
  return service;
}

export async function addClosureDay(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = validate(closureDaySchema, input);
  if (await findClosureDay(ctx.db, organisationId, data.date)) {
    throw new AppError('duplicate_closure_day', { date: `Le ${data.date} est déjà un jour de fermeture.` });
  }
  const row = {
    id: newId(),
    organisation_id: organisationId,
    date: data.date,
    reason: data.reason,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertClosureDay(trx, row);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'closure_day.created',
      entityType: 'closure_day',
      entityId: row.id,
      summary: `Fermeture le ${row.date} : ${row.reason}`,
      after: { date: row.date, reason: row.reason },
    });
  });
  return row;
}

export async function removeClosureDay(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const closure = await findClosureDayById(ctx.db, organisationId, id);
  if (!closure) throw new AppError('not_found', {}, 'Jour de fermeture introuvable.');
  await ctx.db.transaction().execute(async (trx) => {
    await deleteClosureDay(trx, organisationId, id);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'closure_day.deleted',
      entityType: 'closure_day',
      entityId: id,
      summary: `Fermeture du ${closure.date} supprimée (${closure.reason})`,
      before: { date: closure.date, reason: closure.reason },
    });
  });
  return closure;
}

export async function updatePerimeter(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = validate(perimeterSchema, input);
  const rules = await moduleRules(ctx);
  const known = new Set(rules.map((r) => r.number));
  const unknown = data.modules.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new AppError('unknown_module', { modules: `Module inconnu : ${unknown.join(', ')}.` });
  const missing = missingMandatory(rules, data.hasCert, data.modules);
  if (missing.length > 0) {
    throw new AppError('module_mandatory', {
      modules: `Module${missing.length > 1 ? 's' : ''} obligatoire${missing.length > 1 ? 's' : ''} : ${missing.join(', ')}${
        missing.includes(2) ? ' (le module 2 est obligatoire quand la préfecture a un CERT)' : ''
      }.`,
    });
  }
  const organisation = await getOrganisation(ctx, organisationId);
  const before = { hasCert: organisation.has_cert === 1, modules: await listPerimeter(ctx.db, organisationId) };
  const modules = normalisePerimeter(rules, data.hasCert, data.modules);
  await ctx.db.transaction().execute(async (trx) => {
    await updateOrganisation(trx, organisationId, { has_cert: data.hasCert ? 1 : 0, updated_at: ctx.clock.now().toISOString() });
    await replacePerimeter(trx, organisationId, modules);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'perimeter.updated',
      entityType: 'organisation',
      entityId: organisationId,
      summary: `Périmètre : modules ${modules.join(', ')}`,
      before,
      after: { hasCert: data.hasCert, modules },
    });
  });
  return modules;
}
