import { readFileSync } from 'node:fs';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import type { MysteryChannel } from './mystery-plan.ts';
import {
  countScenarios,
  findScenario,
  insertScenario,
  listAllScenarios,
  listScenarioPage,
  type ScenarioRow,
  updateScenario,
} from './mystery-scenario.repository.ts';
import { type ScenarioInput, scenarioSchema } from './mystery-scenario.schemas.ts';

export type { ScenarioRow };

export const SCENARIO_PAGE_SIZE = 25;

export interface ReadyMadeScenario {
  key: string;
  channel: MysteryChannel;
  label: string;
  subject: string | null;
  /** Nom d'un service pour lequel le scénario est réaliste (relié au service de même nom s'il existe). */
  service: string | null;
  body: string;
  source: string;
}

let readyMade: ReadyMadeScenario[] | undefined;

/** Les scénarios types livrés (`data/scenarios.json`, sources dans `data/SOURCES.md`). */
export function readyMadeScenarios(): ReadyMadeScenario[] {
  readyMade ??= (
    JSON.parse(readFileSync(new URL('./data/scenarios.json', import.meta.url), 'utf8')) as { scenarios: ReadyMadeScenario[] }
  ).scenarios;
  return readyMade;
}

export async function scenarioPage(ctx: AppContext, organisationId: string, o: { archived: boolean; page: number }) {
  const total = await countScenarios(ctx.db, organisationId, o.archived);
  const pageCount = Math.max(1, Math.ceil(total / SCENARIO_PAGE_SIZE));
  const page = Math.min(Math.max(1, o.page), pageCount);
  const rows = await listScenarioPage(ctx.db, organisationId, {
    archived: o.archived,
    limit: SCENARIO_PAGE_SIZE,
    offset: (page - 1) * SCENARIO_PAGE_SIZE,
  });
  return { rows, total, page, pageCount };
}

export async function getScenario(ctx: AppContext, organisationId: string, id: string) {
  const row = await findScenario(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Scénario introuvable.');
  return row;
}

async function validScenario(ctx: AppContext, organisationId: string, input: unknown): Promise<ScenarioInput> {
  const data = validate(scenarioSchema, input);
  if (data.serviceId) {
    const services = await listServices(ctx.db, organisationId);
    if (!services.some((s) => s.id === data.serviceId)) {
      throw new AppError('validation_failed', { serviceId: 'Service : choisissez un service de la liste.' });
    }
  }
  return data;
}

function scenarioColumns(data: ScenarioInput) {
  return {
    channel: data.channel,
    label: data.label,
    subject: data.channel === 'email' ? (data.subject ?? null) : null,
    body: data.body,
    service_id: data.serviceId ?? null,
  };
}

export async function createScenario(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = await validScenario(ctx, organisationId, input);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertScenario(trx, {
      id,
      organisation_id: organisationId,
      ...scenarioColumns(data),
      archived_at: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_scenario.created',
      entityType: 'mystery_scenario',
      entityId: id,
      summary: `Scénario d’enquête mystère « ${data.label} » ajouté à la banque`,
      after: { channel: data.channel, label: data.label },
    });
  });
  return id;
}

export async function editScenario(ctx: AppContext, organisationId: string, id: string, input: unknown, actor: Actor) {
  const current = await getScenario(ctx, organisationId, id);
  const data = await validScenario(ctx, organisationId, input);
  await ctx.db.transaction().execute(async (trx) => {
    await updateScenario(trx, organisationId, id, { ...scenarioColumns(data), updated_at: ctx.clock.now().toISOString() });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_scenario.updated',
      entityType: 'mystery_scenario',
      entityId: id,
      summary: `Scénario d’enquête mystère « ${data.label} » modifié`,
      before: { channel: current.channel, label: current.label },
      after: { channel: data.channel, label: data.label },
    });
  });
}

/** Archivé : plus proposé dans les plans, gardé pour les campagnes qui l'ont utilisé. */
export async function setScenarioArchived(ctx: AppContext, organisationId: string, id: string, archived: boolean, actor: Actor) {
  const current = await getScenario(ctx, organisationId, id);
  if ((current.archived_at !== null) === archived) return current;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateScenario(trx, organisationId, id, { archived_at: archived ? now : null, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: archived ? 'mystery_scenario.archived' : 'mystery_scenario.restored',
      entityType: 'mystery_scenario',
      entityId: id,
      summary: `Scénario d’enquête mystère « ${current.label} » ${archived ? 'archivé' : 'remis en service'}`,
    });
  });
  return current;
}

/**
 * Ajoute à la banque les scénarios types qui y manquent (même canal et même intitulé, archivés compris :
 * un scénario archivé n'est pas recréé). Rend le nombre de scénarios ajoutés.
 */
export async function addReadyMadeScenarios(ctx: AppContext, organisationId: string, actor: Actor): Promise<number> {
  const [existing, services] = await Promise.all([
    listAllScenarios(ctx.db, organisationId),
    listServices(ctx.db, organisationId),
  ]);
  const present = new Set(existing.map((s) => `${s.channel}|${s.label}`));
  const missing = readyMadeScenarios().filter((s) => !present.has(`${s.channel}|${s.label}`));
  if (missing.length === 0) return 0;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    for (const s of missing) {
      await insertScenario(trx, {
        id: newId(),
        organisation_id: organisationId,
        channel: s.channel,
        label: s.label,
        subject: s.subject,
        body: s.body,
        service_id: s.service ? (services.find((service) => service.name === s.service)?.id ?? null) : null,
        archived_at: null,
        created_at: now,
        updated_at: now,
      });
    }
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'mystery_scenario.ready_made_added',
      entityType: 'organisation',
      entityId: organisationId,
      summary: `${missing.length} scénario${missing.length > 1 ? 's' : ''} type${missing.length > 1 ? 's' : ''} d’enquête mystère ajouté${missing.length > 1 ? 's' : ''} à la banque`,
    });
  });
  return missing.length;
}
