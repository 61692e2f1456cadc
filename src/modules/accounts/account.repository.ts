import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import { toNumber } from '../../db/types.ts';
import type { ApiTokenTable, MembershipTable, SessionTable, UserTable } from './user.table.ts';

export async function insertUser(db: Executor, row: Insertable<UserTable>) {
  await db.insertInto('users').values(row).execute();
}

export async function findUserByEmail(db: Executor, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateUser(db: Executor, id: string, changes: Updateable<UserTable>) {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function deleteUser(db: Executor, id: string) {
  await db.deleteFrom('users').where('id', '=', id).execute();
}

export async function insertMembership(db: Executor, row: Insertable<MembershipTable>) {
  await db.insertInto('memberships').values(row).execute();
}

export async function findMembership(db: Executor, userId: string, organisationId: string | null) {
  let query = db.selectFrom('memberships').selectAll().where('user_id', '=', userId);
  query =
    organisationId === null ? query.where('organisation_id', 'is', null) : query.where('organisation_id', '=', organisationId);
  return query.executeTakeFirst();
}

export async function findMembershipById(db: Executor, id: string) {
  return db.selectFrom('memberships').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listMembershipsOfUser(db: Executor, userId: string) {
  return db.selectFrom('memberships').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function deleteMembership(db: Executor, id: string) {
  await db.deleteFrom('memberships').where('id', '=', id).execute();
}

export async function countMemberships(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return toNumber(row.count);
}

/** Les comptes d'une organisation, avec leur rôle et leurs services. */
export async function listOrganisationMembers(db: Executor, organisationId: string) {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'memberships.id as membership_id',
      'memberships.role',
      'users.id as user_id',
      'users.email',
      'users.display_name',
      'users.locked_until',
      'users.last_login_at',
      'users.disabled_at',
      'users.must_change_password',
    ])
    .where('memberships.organisation_id', '=', organisationId)
    .orderBy('users.display_name')
    .execute();
  return withMembershipServices(db, organisationId, rows);
}

/** Ajoute à chaque rattachement ses services (par nom), lus en une requête pour toute l'organisation. */
export async function withMembershipServices<R extends { membership_id: string }>(
  db: Executor,
  organisationId: string,
  rows: R[],
): Promise<(R & { services: { id: string; name: string }[] })[]> {
  const services = await db
    .selectFrom('membership_services')
    .innerJoin('services', 'services.id', 'membership_services.service_id')
    .select(['membership_services.membership_id', 'services.id', 'services.name'])
    .where('services.organisation_id', '=', organisationId)
    .orderBy('services.name')
    .execute();
  return rows.map((row) => ({
    ...row,
    services: services.filter((s) => s.membership_id === row.membership_id).map((s) => ({ id: s.id, name: s.name })),
  }));
}

export async function listMembershipServiceIds(db: Executor, membershipId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('membership_services')
    .select('service_id')
    .where('membership_id', '=', membershipId)
    .execute();
  return rows.map((r) => r.service_id);
}

export async function replaceMembershipServices(db: Executor, membershipId: string, serviceIds: string[]) {
  await db.deleteFrom('membership_services').where('membership_id', '=', membershipId).execute();
  if (serviceIds.length > 0) {
    await db
      .insertInto('membership_services')
      .values(serviceIds.map((service_id) => ({ membership_id: membershipId, service_id })))
      .execute();
  }
}

export async function insertSession(db: Executor, row: Insertable<SessionTable>) {
  await db.insertInto('sessions').values(row).execute();
}

/** Ce qu'une requête doit savoir du compte, de son rôle et de son organisation (session ou jeton d'API). */
const VIEWER_COLUMNS = [
  'users.id as user_id',
  'users.email',
  'users.display_name',
  'users.disabled_at',
  'memberships.id as membership_id',
  'memberships.role',
  'memberships.organisation_id',
  'organisations.slug as organisation_slug',
  'organisations.name as organisation_name',
  'organisations.department_code',
  'organisations.is_demo',
] as const;

/** La session et tout ce qu'il faut pour la requête, en une seule lecture. */
export async function findSessionWithContext(db: Executor, sessionId: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('memberships', 'memberships.id', 'sessions.membership_id')
    .leftJoin('organisations', 'organisations.id', 'memberships.organisation_id')
    .select([
      'sessions.id as session_id',
      'sessions.csrf_token',
      'sessions.created_at as session_created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.must_change_password',
      ...VIEWER_COLUMNS,
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
}

export async function touchSession(db: Executor, sessionId: string, lastSeenAt: string) {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Executor, sessionId: string) {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteSessionsOfUser(db: Executor, userId: string) {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Executor, now: string, idleBefore: string): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertApiToken(db: Executor, row: Insertable<ApiTokenTable>) {
  await db.insertInto('api_tokens').values(row).execute();
}

export async function findApiTokenWithContext(db: Executor, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('memberships', 'memberships.id', 'api_tokens.membership_id')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .leftJoin('organisations', 'organisations.id', 'memberships.organisation_id')
    .select(['api_tokens.id as token_id', 'api_tokens.revoked_at', 'api_tokens.last_used_at', ...VIEWER_COLUMNS])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function listApiTokens(db: Executor, membershipId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('membership_id', '=', membershipId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function findApiToken(db: Executor, id: string, membershipId: string) {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('membership_id', '=', membershipId)
    .executeTakeFirst();
}

export async function updateApiToken(db: Executor, id: string, changes: Updateable<ApiTokenTable>) {
  await db.updateTable('api_tokens').set(changes).where('id', '=', id).execute();
}
