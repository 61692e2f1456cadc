import { sql } from 'kysely';
import type { Executor } from '../../db/types.ts';

/** SQL du support de présentation : réclamations et suggestions de la période, versions publiées du support. */

const COMPLAINT_KINDS = ['complaint', 'suggestion'] as const;

/**
 * Réclamations et suggestions reçues dans la période (dates locales de réception), comptées par nature,
 * canal et suite : répondu dans le délai (au plus tard à l'échéance), hors délai, sans réponse.
 */
export async function complaintCounts(db: Executor, organisationId: string, from: string, to: string) {
  const state = sql<string>`case when answered_local_date is null then 'unanswered' when due_date is null or answered_local_date <= due_date then 'in_time' else 'late' end`;
  const rows = await db
    .selectFrom('cases')
    .select((eb) => ['kind', 'channel', state.as('state'), eb.fn.countAll<number | string>().as('n')])
    .where('organisation_id', '=', organisationId)
    .where('kind', 'in', COMPLAINT_KINDS)
    .where('received_local_date', '>=', from)
    .where('received_local_date', '<=', to)
    .groupBy(['kind', 'channel', state])
    .execute();
  return rows.map((r) => ({ kind: r.kind as string, channel: r.channel as string, state: r.state, count: Number(r.n) }));
}

/** Réclamations et suggestions de la période par thème (un dossier à deux thèmes compte dans les deux). */
export async function complaintThemeCounts(db: Executor, organisationId: string, from: string, to: string) {
  const rows = await db
    .selectFrom('cases as c')
    .innerJoin('case_themes as ct', 'ct.case_id', 'c.id')
    .innerJoin('themes as t', 't.id', 'ct.theme_id')
    .select((eb) => ['t.label', eb.fn.countAll<number | string>().as('n')])
    .where('c.organisation_id', '=', organisationId)
    .where('c.kind', 'in', COMPLAINT_KINDS)
    .where('c.received_local_date', '>=', from)
    .where('c.received_local_date', '<=', to)
    .groupBy('t.label')
    .execute();
  return rows
    .map((r) => ({ theme: r.label, count: Number(r.n) }))
    .sort((a, b) => b.count - a.count || a.theme.localeCompare(b.theme, 'fr'));
}

/** Les suites données écrites dans les dossiers de la période, les plus récentes d'abord. */
export async function complaintFollowUps(db: Executor, organisationId: string, from: string, to: string, limit: number) {
  return db
    .selectFrom('cases')
    .select(['id', 'reference', 'kind', 'follow_up'])
    .where('organisation_id', '=', organisationId)
    .where('kind', 'in', COMPLAINT_KINDS)
    .where('received_local_date', '>=', from)
    .where('received_local_date', '<=', to)
    .where('follow_up', 'is not', null)
    .where('follow_up', '<>', '')
    .orderBy('received_local_date', 'desc')
    .orderBy('reference', 'desc')
    .limit(limit)
    .execute();
}

export async function themeLabelsOfCases(db: Executor, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('case_themes as ct')
    .innerJoin('themes as t', 't.id', 'ct.theme_id')
    .select(['ct.case_id', 't.label'])
    .where('ct.case_id', 'in', caseIds)
    .orderBy('t.label')
    .execute();
}

/** Actions créées dans l'intervalle d'instants [fromInstant, beforeInstant[ depuis un dossier ou un thème de réclamation. */
export async function countActionsFromComplaints(
  db: Executor,
  organisationId: string,
  fromInstant: string,
  beforeInstant: string,
) {
  const row = await db
    .selectFrom('actions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('origin_kind', 'in', ['complaint_theme', 'case'])
    .where('created_at', '>=', fromInstant)
    .where('created_at', '<', beforeInstant)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Versions publiées du support d'une réunion, de la plus récente à la plus ancienne (sans l'instantané). */
export async function listDeckVersions(db: Executor, organisationId: string, meetingId: string) {
  return db
    .selectFrom('indicator_publications')
    .select(['id', 'version', 'published_at', 'published_by_name'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'clu_deck')
    .where('period_key', '=', meetingId)
    .orderBy('version', 'desc')
    .execute();
}

export async function findDeckVersion(db: Executor, organisationId: string, meetingId: string, version: number) {
  return db
    .selectFrom('indicator_publications')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'clu_deck')
    .where('period_key', '=', meetingId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function setDeckPublication(
  db: Executor,
  organisationId: string,
  meetingId: string,
  publicationId: string,
  now: string,
) {
  await db
    .updateTable('clu_meetings')
    .set({ deck_publication_id: publicationId, updated_at: now })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', meetingId)
    .execute();
}
