import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId, randomToken } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { eraseActor, erasePersonalDataOfEntity } from '../audit/audit.repository.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import {
  countMemberships,
  deleteMembership,
  deleteSession,
  deleteSessionsOfUser,
  deleteUser,
  findApiToken,
  findApiTokenWithContext,
  findMembership,
  findMembershipById,
  findSessionWithContext,
  findUserByEmail,
  findUserById,
  insertApiToken,
  insertMembership,
  insertSession,
  insertUser,
  listApiTokens,
  listMembershipsOfUser,
  replaceMembershipServices,
  touchSession,
  updateApiToken,
  updateUser,
} from './account.repository.ts';
import { apiTokenSchema, changePasswordSchema, createMemberSchema, loginSchema, preferencesSchema } from './account.schemas.ts';
import { generatePassword, hashPassword, passwordWeakness, verifyPassword } from './password.ts';
import { isRole, type Role } from './roles.ts';
import { actorOf, type Viewer } from './viewer.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/** Les jetons (session, API) ne sont stockés qu'en empreinte HMAC : la base seule ne permet pas de les rejouer. */
export function tokenHash(ctx: Pick<AppContext, 'config'>, token: string): string {
  return createHmac('sha256', ctx.config.secretKey).update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface NewAccount {
  email: string;
  displayName?: string | undefined;
  role: Role;
  organisationId: string | null;
  serviceIds?: string[];
  /** Absent : un mot de passe provisoire est généré et rendu une seule fois. */
  password?: string | undefined;
}

export interface CreatedAccount {
  userId: string;
  membershipId: string;
  email: string;
  /** Mot de passe provisoire à communiquer (absent si l'appelant a fourni le sien). */
  oneTimePassword?: string;
  userExisted: boolean;
}

/** Crée le compte (ou rattache un compte existant) avec un rôle dans une organisation. */
export async function createAccount(ctx: AppContext, input: NewAccount, actor: Actor): Promise<CreatedAccount> {
  if (!isRole(input.role)) throw new AppError('invalid_role');
  if (input.role === 'national' && input.organisationId !== null) throw new AppError('national_has_no_organisation');
  if (input.role !== 'national' && input.organisationId === null) throw new AppError('organisation_required');
  const email = input.email.trim().toLowerCase();
  const now = ctx.clock.now().toISOString();
  const existing = await findUserByEmail(ctx.db, email);
  if (existing && (await findMembership(ctx.db, existing.id, input.organisationId))) {
    throw new AppError('duplicate_membership', { email: `${email} a déjà un rôle ici.` });
  }
  let oneTimePassword: string | undefined;
  let passwordHash: string | undefined;
  if (!existing) {
    const password = input.password ?? generatePassword();
    const weakness = passwordWeakness(password, email);
    if (weakness) throw new AppError('weak_password', { password: weakness });
    if (input.password === undefined) oneTimePassword = password;
    passwordHash = await hashPassword(password);
  }
  const serviceIds = input.serviceIds ?? [];
  if (serviceIds.length > 0 && input.organisationId) {
    const known = new Set((await listServices(ctx.db, input.organisationId)).map((s) => s.id));
    if (serviceIds.some((id) => !known.has(id))) throw new AppError('validation_failed', { serviceIds: 'Service inconnu.' });
  }
  const userId = existing?.id ?? newId();
  const membershipId = newId();
  await ctx.db.transaction().execute(async (trx) => {
    if (!existing && passwordHash) {
      await insertUser(trx, {
        id: userId,
        email,
        display_name: input.displayName?.trim() || email.split('@')[0] || email,
        password_hash: passwordHash,
        must_change_password: oneTimePassword ? 1 : 0,
        reminder_digest: 1,
        job_title: null,
        failed_logins: 0,
        locked_until: null,
        last_login_at: null,
        disabled_at: null,
        created_at: now,
        updated_at: now,
      });
    }
    await insertMembership(trx, {
      id: membershipId,
      user_id: userId,
      organisation_id: input.organisationId,
      role: input.role,
      created_at: now,
    });
    await replaceMembershipServices(trx, membershipId, serviceIds);
    await recordAudit(trx, ctx.clock, {
      organisationId: input.organisationId,
      actor,
      action: existing ? 'membership.created' : 'user.created',
      entityType: 'user',
      entityId: userId,
      summary: `Compte ${email} : rôle ${input.role}`,
      after: { email, role: input.role, serviceIds },
    });
  });
  return { userId, membershipId, email, userExisted: Boolean(existing), ...(oneTimePassword ? { oneTimePassword } : {}) };
}

/** Création d'un membre depuis l'écran d'administration de l'organisation. */
export async function addMember(ctx: AppContext, viewer: Viewer, input: unknown): Promise<CreatedAccount> {
  const data = validate(createMemberSchema, input);
  if (data.role === 'national')
    throw new AppError('national_has_no_organisation', { role: 'Le rôle national se crée en ligne de commande.' });
  return createAccount(
    ctx,
    {
      email: data.email,
      displayName: data.displayName,
      role: data.role,
      organisationId: viewer.organisationId,
      serviceIds: data.serviceIds,
    },
    actorOf(viewer),
  );
}

export interface LoginResult {
  sessionToken: string;
  mustChangePassword: boolean;
}

// Empreinte factice : un e-mail inconnu coûte le même temps qu'un mot de passe faux.
let dummyHash: Promise<string> | undefined;

export async function login(ctx: AppContext, input: unknown): Promise<LoginResult> {
  const data = validate(loginSchema, input);
  const now = ctx.clock.now();
  const user = await findUserByEmail(ctx.db, data.email);
  if (!user) {
    dummyHash ??= hashPassword('mot de passe factice 0');
    await verifyPassword(data.password, await dummyHash);
    throw new AppError('invalid_credentials');
  }
  if (user.locked_until && user.locked_until > now.toISOString()) throw new AppError('account_locked');
  if (user.disabled_at) throw new AppError('account_disabled');
  if (!(await verifyPassword(data.password, user.password_hash))) {
    const failed = user.failed_logins + 1;
    const lock = failed >= MAX_FAILED_LOGINS;
    await ctx.db.transaction().execute(async (trx) => {
      await updateUser(trx, user.id, {
        failed_logins: lock ? 0 : failed,
        locked_until: lock ? new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString() : user.locked_until,
      });
      if (lock) {
        const memberships = await listMembershipsOfUser(trx, user.id);
        await recordAudit(trx, ctx.clock, {
          organisationId: memberships[0]?.organisation_id ?? null,
          actor: { userId: null, label: 'Système' },
          action: 'user.locked',
          entityType: 'user',
          entityId: user.id,
          summary: `Compte verrouillé ${LOCK_MINUTES} min après ${MAX_FAILED_LOGINS} échecs de connexion`,
        });
      }
    });
    throw new AppError(lock ? 'account_locked' : 'invalid_credentials');
  }
  const memberships = await listMembershipsOfUser(ctx.db, user.id);
  const membership = memberships[0];
  if (!membership) throw new AppError('account_disabled');
  const token = randomToken();
  const nowIso = now.toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { failed_logins: 0, locked_until: null, last_login_at: nowIso });
    await insertSession(trx, {
      id: tokenHash(ctx, token),
      user_id: user.id,
      membership_id: membership.id,
      csrf_token: randomToken(24),
      created_at: nowIso,
      last_seen_at: nowIso,
      expires_at: new Date(now.getTime() + ctx.config.sessionMaxHours * 3_600_000).toISOString(),
    });
  });
  return { sessionToken: token, mustChangePassword: user.must_change_password === 1 };
}

function viewerOf(
  row: {
    user_id: string;
    email: string;
    display_name: string;
    membership_id: string;
    role: Role;
    organisation_id: string | null;
    organisation_slug: string | null;
    organisation_name: string | null;
    department_code: string | null;
    is_demo: number | null;
  },
  extra: Pick<Viewer, 'sessionId' | 'csrfToken' | 'via' | 'mustChangePassword'>,
): Viewer {
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    membershipId: row.membership_id,
    role: row.role,
    organisationId: row.organisation_id,
    organisation:
      row.organisation_id && row.organisation_slug && row.organisation_name && row.department_code
        ? {
            id: row.organisation_id,
            slug: row.organisation_slug,
            name: row.organisation_name,
            departmentCode: row.department_code,
            isDemo: Number(row.is_demo) === 1,
          }
        : null,
    ...extra,
  };
}

export type SessionLookup = { status: 'valid'; viewer: Viewer } | { status: 'expired' } | { status: 'unknown' };

/** Lit la session du cookie ; l'expire après inactivité ou durée maximale. */
export async function resolveSession(ctx: AppContext, token: string): Promise<SessionLookup> {
  const id = tokenHash(ctx, token);
  const row = await findSessionWithContext(ctx.db, id);
  if (!row) return { status: 'unknown' };
  const now = ctx.clock.now();
  const idleLimit = new Date(now.getTime() - ctx.config.sessionIdleMinutes * 60_000).toISOString();
  if (row.expires_at <= now.toISOString() || row.last_seen_at < idleLimit || row.disabled_at) {
    await deleteSession(ctx.db, id);
    return { status: 'expired' };
  }
  // Une écriture par minute au plus : l'inactivité se mesure sans écrire à chaque requête.
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) await touchSession(ctx.db, id, now.toISOString());
  return {
    status: 'valid',
    viewer: viewerOf(row, {
      sessionId: id,
      csrfToken: row.csrf_token,
      via: 'session',
      mustChangePassword: row.must_change_password === 1,
    }),
  };
}

export async function logout(ctx: AppContext, sessionId: string): Promise<void> {
  await deleteSession(ctx.db, sessionId);
}

export async function changeOwnPassword(ctx: AppContext, viewer: Viewer, input: unknown): Promise<void> {
  const data = validate(changePasswordSchema, input);
  const user = await findUserById(ctx.db, viewer.userId);
  if (!user) throw new AppError('user_not_found');
  if (!(await verifyPassword(data.currentPassword, user.password_hash))) {
    throw new AppError('validation_failed', { currentPassword: 'Mot de passe actuel incorrect.' });
  }
  const weakness = passwordWeakness(data.newPassword, user.email);
  if (weakness) throw new AppError('weak_password', { newPassword: weakness });
  if (data.newPassword === data.currentPassword) {
    throw new AppError('validation_failed', { newPassword: 'Choisissez un mot de passe différent de l’actuel.' });
  }
  const hash = await hashPassword(data.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: hash, must_change_password: 0, updated_at: ctx.clock.now().toISOString() });
    await recordAudit(trx, ctx.clock, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: 'user.password_changed',
      entityType: 'user',
      entityId: user.id,
      summary: 'Mot de passe modifié par son titulaire',
    });
  });
}

/** Membre d'une organisation, vérifié : jamais un compte d'une autre organisation. */
async function memberOf(ctx: AppContext, organisationId: string, membershipId: string) {
  const membership = await findMembershipById(ctx.db, membershipId);
  if (!membership || membership.organisation_id !== organisationId) throw new AppError('user_not_found');
  const user = await findUserById(ctx.db, membership.user_id);
  if (!user) throw new AppError('user_not_found');
  return { membership, user };
}

/**
 * Mot de passe provisoire à changer à la prochaine connexion, verrou levé, sessions fermées ; un
 * événement d'audit dans chaque organisation concernée.
 */
async function resetToOneTimePassword(
  ctx: AppContext,
  user: { id: string },
  organisationIds: (string | null)[],
  actor: Actor,
  summary: string,
): Promise<string> {
  const oneTimePassword = generatePassword();
  const hash = await hashPassword(oneTimePassword);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, {
      password_hash: hash,
      must_change_password: 1,
      failed_logins: 0,
      locked_until: null,
      updated_at: ctx.clock.now().toISOString(),
    });
    await deleteSessionsOfUser(trx, user.id);
    for (const organisationId of organisationIds) {
      await recordAudit(trx, ctx.clock, {
        organisationId,
        actor,
        action: 'user.password_reset',
        entityType: 'user',
        entityId: user.id,
        summary,
      });
    }
  });
  return oneTimePassword;
}

/** Réinitialisation par le référent : mot de passe provisoire, sessions fermées, verrou levé. */
export async function resetPassword(
  ctx: AppContext,
  viewer: Viewer,
  membershipId: string,
): Promise<{ email: string; oneTimePassword: string }> {
  if (!viewer.organisationId) throw new AppError('forbidden');
  const { user } = await memberOf(ctx, viewer.organisationId, membershipId);
  // Un compte présent dans plusieurs organisations n'est réinitialisé que par la ligne de commande.
  if ((await countMemberships(ctx.db, user.id)) > 1)
    throw new AppError(
      'forbidden',
      {},
      'Ce compte appartient aussi à une autre organisation : sa réinitialisation passe par l’exploitant (ligne de commande).',
    );
  const oneTimePassword = await resetToOneTimePassword(
    ctx,
    user,
    [viewer.organisationId],
    actorOf(viewer),
    `Mot de passe de ${user.email} réinitialisé`,
  );
  return { email: user.email, oneTimePassword };
}

/**
 * Retire un membre. Sans autre rattachement, le compte est supprimé et ses données personnelles
 * sont effacées du journal d'audit (mêmes règles que l'enregistrement d'origine).
 */
export async function removeMember(ctx: AppContext, viewer: Viewer, membershipId: string): Promise<void> {
  if (!viewer.organisationId) throw new AppError('forbidden');
  const { membership, user } = await memberOf(ctx, viewer.organisationId, membershipId);
  if (membership.id === viewer.membershipId)
    throw new AppError('forbidden', {}, 'Vous ne pouvez pas retirer votre propre compte.');
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await deleteMembership(trx, membership.id);
    const remaining = await countMemberships(trx, user.id);
    if (remaining === 0) {
      await deleteUser(trx, user.id);
      await erasePersonalDataOfEntity(trx, 'user', user.id, now);
      await eraseActor(trx, user.id, now);
    } else {
      await deleteSessionsOfUser(trx, user.id);
    }
    await recordAudit(trx, ctx.clock, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: remaining === 0 ? 'user.deleted' : 'membership.deleted',
      entityType: 'membership',
      entityId: membership.id,
      summary: `Membre retiré (rôle ${membership.role})`,
    });
  });
}

export async function createApiToken(ctx: AppContext, viewer: Viewer, input: unknown): Promise<string> {
  const data = validate(apiTokenSchema, input);
  const prefix = randomToken(6);
  const token = `vigie_${prefix}_${randomToken(32)}`;
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertApiToken(trx, {
      id,
      membership_id: viewer.membershipId,
      name: data.name,
      token_hash: tokenHash(ctx, token),
      prefix,
      created_at: ctx.clock.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: 'api_token.created',
      entityType: 'api_token',
      entityId: id,
      summary: `Jeton d’API « ${data.name} » créé`,
    });
  });
  return token;
}

export interface Preferences {
  reminderDigest: boolean;
  jobTitle: string | null;
}

export async function ownPreferences(ctx: AppContext, viewer: Viewer): Promise<Preferences> {
  const user = await findUserById(ctx.db, viewer.userId);
  if (!user) throw new AppError('user_not_found');
  return { reminderDigest: user.reminder_digest === 1, jobTitle: user.job_title };
}

/** Arrêter ou reprendre le récapitulatif quotidien ; la fonction qui signe les réponses individuelles. */
export async function updateOwnPreferences(ctx: AppContext, viewer: Viewer, input: unknown): Promise<Preferences> {
  const data = validate(preferencesSchema, input);
  const before = await ownPreferences(ctx, viewer);
  const after: Preferences = { reminderDigest: data.reminderDigest, jobTitle: data.jobTitle ?? null };
  await ctx.db.transaction().execute(async (trx) => {
    await updateUser(trx, viewer.userId, {
      reminder_digest: after.reminderDigest ? 1 : 0,
      job_title: after.jobTitle,
      updated_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: 'user.preferences_changed',
      entityType: 'user',
      entityId: viewer.userId,
      summary: `Préférences modifiées : récapitulatif quotidien ${after.reminderDigest ? 'reçu' : 'arrêté'}`,
      before,
      after,
    });
  });
  return after;
}

export async function listOwnApiTokens(ctx: AppContext, viewer: Viewer) {
  return listApiTokens(ctx.db, viewer.membershipId);
}

export async function revokeApiToken(ctx: AppContext, viewer: Viewer, tokenId: string): Promise<void> {
  const token = await findApiToken(ctx.db, tokenId, viewer.membershipId);
  if (!token) throw new AppError('not_found');
  if (token.revoked_at) return;
  await ctx.db.transaction().execute(async (trx) => {
    await updateApiToken(trx, token.id, { revoked_at: ctx.clock.now().toISOString() });
    await recordAudit(trx, ctx.clock, {
      organisationId: viewer.organisationId,
      actor: actorOf(viewer),
      action: 'api_token.revoked',
      entityType: 'api_token',
      entityId: token.id,
      summary: `Jeton d’API « ${token.name} » révoqué`,
    });
  });
}

export async function resolveApiToken(ctx: AppContext, token: string): Promise<Viewer | undefined> {
  const row = await findApiTokenWithContext(ctx.db, tokenHash(ctx, token));
  if (!row || row.revoked_at || row.disabled_at) return undefined;
  const now = ctx.clock.now();
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await updateApiToken(ctx.db, row.token_id, { last_used_at: now.toISOString() });
  }
  return viewerOf(row, { sessionId: null, csrfToken: null, via: 'token', mustChangePassword: false });
}

/**
 * Réinitialisation par l'exploitant (`vigie user reset-password`) : le recours d'un référent ou d'un
 * compte national verrouillé. Mot de passe provisoire, verrou levé, sessions fermées ; l'événement
 * d'audit est écrit dans chaque organisation du compte (sans organisation pour un compte national).
 */
export async function resetPasswordByOperator(
  ctx: AppContext,
  email: string,
  actor: Actor,
): Promise<{ email: string; oneTimePassword: string; disabled: boolean }> {
  const normalised = email.trim().toLowerCase();
  const user = await findUserByEmail(ctx.db, normalised);
  if (!user) throw new AppError('user_not_found', { email: `Aucun compte pour ${normalised}.` });
  const memberships = await listMembershipsOfUser(ctx.db, user.id);
  const organisationIds = [...new Set(memberships.map((m) => m.organisation_id))];
  const oneTimePassword = await resetToOneTimePassword(
    ctx,
    user,
    organisationIds.length > 0 ? organisationIds : [null],
    actor,
    `Mot de passe de ${user.email} réinitialisé par l’exploitant`,
  );
  return { email: user.email, oneTimePassword, disabled: Boolean(user.disabled_at) };
}
