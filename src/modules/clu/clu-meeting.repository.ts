import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { CluAttendanceTable, CluMeetingTable } from './clu.table.ts';

export type MeetingRow = Selectable<CluMeetingTable>;
export type AttendanceRow = Selectable<CluAttendanceTable>;

export async function insertMeeting(db: Executor, row: Insertable<CluMeetingTable>) {
  await db.insertInto('clu_meetings').values(row).execute();
}

export async function updateMeeting(db: Executor, organisationId: string, id: string, changes: Updateable<CluMeetingTable>) {
  await db.updateTable('clu_meetings').set(changes).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

export async function findMeeting(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('clu_meetings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Réunions à venir (à partir de `fromLocal`, heure locale), la plus proche d'abord. */
export async function listUpcomingMeetings(db: Executor, organisationId: string, fromLocal: string) {
  return db
    .selectFrom('clu_meetings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('starts_at', '>=', fromLocal)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}

/** Réunions passées, la plus récente d'abord, par page. */
export async function listPastMeetings(db: Executor, organisationId: string, beforeLocal: string, limit: number, offset: number) {
  return db
    .selectFrom('clu_meetings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('starts_at', '<', beforeLocal)
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countPastMeetings(db: Executor, organisationId: string, beforeLocal: string) {
  const row = await db
    .selectFrom('clu_meetings')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('starts_at', '<', beforeLocal)
    .executeTakeFirst();
  return toNumber(row?.n);
}

/** La réunion voisine de `meeting` dans le temps, avant ou après (à égalité d'heure, l'identifiant départage). */
function findAdjacentMeeting(
  db: Executor,
  organisationId: string,
  meeting: Pick<MeetingRow, 'id' | 'starts_at'>,
  side: 'previous' | 'next',
) {
  const [beyond, order] = side === 'previous' ? (['<', 'desc'] as const) : (['>', 'asc'] as const);
  return db
    .selectFrom('clu_meetings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where((eb) =>
      eb.or([
        eb('starts_at', beyond, meeting.starts_at),
        eb.and([eb('starts_at', '=', meeting.starts_at), eb('id', beyond, meeting.id)]),
      ]),
    )
    .orderBy('starts_at', order)
    .orderBy('id', order)
    .limit(1)
    .executeTakeFirst();
}

export function findPreviousMeeting(db: Executor, organisationId: string, meeting: Pick<MeetingRow, 'id' | 'starts_at'>) {
  return findAdjacentMeeting(db, organisationId, meeting, 'previous');
}

export function findNextMeeting(db: Executor, organisationId: string, meeting: Pick<MeetingRow, 'id' | 'starts_at'>) {
  return findAdjacentMeeting(db, organisationId, meeting, 'next');
}

/** Présences d'une réunion avec le membre et son organisme (sans coordonnées). */
export async function listAttendances(db: Executor, meetingId: string) {
  return db
    .selectFrom('clu_attendances as a')
    .innerJoin('clu_members as m', 'm.id', 'a.member_id')
    .innerJoin('clu_member_organisations as o', 'o.id', 'm.member_organisation_id')
    .select([
      'a.member_id',
      'a.status',
      'a.invitation_channel',
      'a.invited_at',
      'm.civility',
      'm.first_name',
      'm.last_name',
      'm.function',
      'm.removed_at',
      'm.erased_at',
      'm.member_organisation_id',
      'o.name as organisation_name',
      'o.category',
    ])
    .where('a.meeting_id', '=', meetingId)
    .orderBy('o.name')
    .orderBy('m.last_name')
    .orderBy('m.first_name')
    .orderBy('a.member_id')
    .execute();
}

export async function insertAttendanceIfAbsent(db: Executor, row: Insertable<CluAttendanceTable>): Promise<boolean> {
  const result = await db
    .insertInto('clu_attendances')
    .values(row)
    .onConflict((oc) => oc.columns(['meeting_id', 'member_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateAttendance(
  db: Executor,
  meetingId: string,
  memberId: string,
  changes: Updateable<CluAttendanceTable>,
) {
  await db
    .updateTable('clu_attendances')
    .set(changes)
    .where('meeting_id', '=', meetingId)
    .where('member_id', '=', memberId)
    .execute();
}

/** Modèles soumis pour avis, avec leur nom et leur usage. */
export async function listMeetingTemplates(db: Executor, meetingId: string) {
  return db
    .selectFrom('clu_meeting_templates as mt')
    .innerJoin('mail_templates as t', 't.id', 'mt.template_id')
    .select(['mt.template_id', 'mt.opinion', 't.name', 't.purpose', 't.subject', 't.body', 't.archived_at'])
    .where('mt.meeting_id', '=', meetingId)
    .orderBy('t.name')
    .orderBy('t.id')
    .execute();
}

export async function insertMeetingTemplatesIfAbsent(db: Executor, meetingId: string, templateIds: string[]) {
  if (templateIds.length === 0) return;
  await db
    .insertInto('clu_meeting_templates')
    .values(templateIds.map((id) => ({ meeting_id: meetingId, template_id: id, opinion: null })))
    .onConflict((oc) => oc.columns(['meeting_id', 'template_id']).doNothing())
    .execute();
}

export async function updateMeetingTemplate(db: Executor, meetingId: string, templateId: string, opinion: string | null) {
  const result = await db
    .updateTable('clu_meeting_templates')
    .set({ opinion })
    .where('meeting_id', '=', meetingId)
    .where('template_id', '=', templateId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteMeetingTemplate(db: Executor, meetingId: string, templateId: string) {
  const result = await db
    .deleteFrom('clu_meeting_templates')
    .where('meeting_id', '=', meetingId)
    .where('template_id', '=', templateId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
