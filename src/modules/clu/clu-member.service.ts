import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import {
  findMember,
  findMemberOrganisation,
  insertMember,
  insertMemberOrganisation,
  listMemberOrganisations,
  listMembers,
  type MemberOrganisationRow,
  type MemberRow,
  updateMember,
  updateMemberOrganisation,
} from './clu-member.repository.ts';
import { type MemberInput, memberOrganisationSchema, memberSchema } from './clu-member.schemas.ts';

export type { MemberOrganisationRow, MemberRow };

/** Nom affiché d'un représentant : « Mme Christine DEVAUX » comme dans les comptes rendus ; « Membre retiré » une fois effacé. */
export function memberDisplayName(m: Pick<MemberRow, 'civility' | 'first_name' | 'last_name' | 'erased_at'>): string {
  if (m.erased_at) return 'Membre retiré';
  return [m.civility, m.first_name, m.last_name?.toLocaleUpperCase('fr-FR')].filter(Boolean).join(' ');
}

export function isActiveMember(m: Pick<MemberRow, 'removed_at' | 'erased_at'>): boolean {
  return m.removed_at === null && m.erased_at === null;
}

export interface MemberDirectoryEntry {
  organisation: MemberOrganisationRow;
  active: MemberRow[];
  removed: MemberRow[];
}

/** Les organismes et leurs représentants, actifs d'abord ; les retirés à part (gardés pour les présences passées). */
export async function memberDirectory(ctx: AppContext, organisationId: string): Promise<MemberDirectoryEntry[]> {
  const [organisations, members] = await Promise.all([
    listMemberOrganisations(ctx.db, organisationId),
    listMembers(ctx.db, organisationId),
  ]);
  return organisations.map((organisation) => {
    const own = members.filter((m) => m.member_organisation_id === organisation.id);
    return { organisation, active: own.filter(isActiveMember), removed: own.filter((m) => !isActiveMember(m)) };
  });
}

export async function getMemberOrganisation(ctx: AppContext, organisationId: string, id: string) {
  const row = await findMemberOrganisation(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Organisme introuvable.');
  return row;
}

export async function getMember(ctx: AppContext, organisationId: string, id: string) {
  const row = await findMember(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Membre introuvable.');
  return row;
}

export async function createMemberOrganisation(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = validate(memberOrganisationSchema, input);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertMemberOrganisation(trx, {
      id,
      organisation_id: organisationId,
      name: data.name,
      category: data.category,
      email: data.email ?? null,
      postal_address: data.postalAddress ?? null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_member_organisation.created',
      entityType: 'clu_member_organisation',
      entityId: id,
      summary: `Organisme « ${data.name} » ajouté au comité local des usagers`,
      after: { name: data.name, category: data.category },
    });
  });
  return id;
}

export async function editMemberOrganisation(ctx: AppContext, organisationId: string, id: string, input: unknown, actor: Actor) {
  const current = await getMemberOrganisation(ctx, organisationId, id);
  const data = validate(memberOrganisationSchema, input);
  await ctx.db.transaction().execute(async (trx) => {
    await updateMemberOrganisation(trx, organisationId, id, {
      name: data.name,
      category: data.category,
      email: data.email ?? null,
      postal_address: data.postalAddress ?? null,
      updated_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_member_organisation.updated',
      entityType: 'clu_member_organisation',
      entityId: id,
      summary: `Organisme « ${data.name} » modifié`,
      before: { name: current.name, category: current.category },
      after: { name: data.name, category: data.category },
    });
  });
}

function memberColumns(data: MemberInput) {
  return {
    member_organisation_id: data.memberOrganisationId,
    civility: data.civility ?? null,
    first_name: data.firstName ?? null,
    last_name: data.lastName,
    function: data.function ?? null,
    email: data.email ?? null,
    phone: data.phone ?? null,
    postal_address: data.postalAddress ?? null,
  };
}

async function validMember(ctx: AppContext, organisationId: string, input: unknown): Promise<MemberInput> {
  const data = validate(memberSchema, input);
  if (!(await findMemberOrganisation(ctx.db, organisationId, data.memberOrganisationId))) {
    throw new AppError('validation_failed', { memberOrganisationId: 'Organisme : choisissez un organisme de la liste.' });
  }
  return data;
}

/**
 * Un représentant et ses coordonnées (données personnelles) : le journal d'audit ne garde que le nom
 * et l'organisme, effacés avec le reste au terme de la conservation.
 */
export async function createMember(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = await validMember(ctx, organisationId, input);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  const name = memberDisplayName({
    civility: data.civility ?? null,
    first_name: data.firstName ?? null,
    last_name: data.lastName,
    erased_at: null,
  });
  await ctx.db.transaction().execute(async (trx) => {
    await insertMember(trx, {
      id,
      organisation_id: organisationId,
      ...memberColumns(data),
      removed_at: null,
      erased_at: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_member.created',
      entityType: 'clu_member',
      entityId: id,
      summary: `Membre du comité « ${name} » ajouté`,
    });
  });
  return id;
}

export async function editMember(ctx: AppContext, organisationId: string, id: string, input: unknown, actor: Actor) {
  const current = await getMember(ctx, organisationId, id);
  if (current.erased_at) throw new AppError('not_found', {}, 'Ce membre a été retiré et ses coordonnées effacées.');
  const data = await validMember(ctx, organisationId, input);
  await ctx.db.transaction().execute(async (trx) => {
    await updateMember(trx, organisationId, id, { ...memberColumns(data), updated_at: ctx.clock.now().toISOString() });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_member.updated',
      entityType: 'clu_member',
      entityId: id,
      summary: `Membre du comité « ${memberDisplayName(current)} » modifié`,
    });
  });
}

/**
 * Retrait du comité : le membre n'est plus invité mais reste dans les présences des réunions passées ;
 * ses coordonnées sont effacées `CLU_MEMBER_RETENTION_MONTHS` mois plus tard (`clu-retention.ts`).
 */
export async function removeMember(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const current = await getMember(ctx, organisationId, id);
  if (current.removed_at) return current;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateMember(trx, organisationId, id, { removed_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_member.removed',
      entityType: 'clu_member',
      entityId: id,
      summary: `Membre du comité « ${memberDisplayName(current)} » retiré`,
    });
  });
  return current;
}

/** Réintégration d'un membre retiré dont les coordonnées n'ont pas encore été effacées. */
export async function restoreMember(ctx: AppContext, organisationId: string, id: string, actor: Actor) {
  const current = await getMember(ctx, organisationId, id);
  if (current.erased_at) throw new AppError('not_found', {}, 'Ce membre a été retiré et ses coordonnées effacées.');
  if (!current.removed_at) return current;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateMember(trx, organisationId, id, { removed_at: null, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_member.restored',
      entityType: 'clu_member',
      entityId: id,
      summary: `Membre du comité « ${memberDisplayName(current)} » réintégré`,
    });
  });
  return current;
}
