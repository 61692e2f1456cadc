import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { instantToLocalDateTime } from '../calendar/local-date.ts';
import { listTemplates } from '../mail/template.repository.ts';
import { PURPOSE_LABELS as TEMPLATE_PURPOSE_LABELS } from '../mail/template.schemas.ts';
import { ensureDefaultTemplates } from '../mail/template.service.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import { type AgendaItem, type AgendaRowInput, buildAgenda, parseAgenda, standardAgenda } from './clu-agenda.ts';
import {
  countPastMeetings,
  deleteMeetingTemplate,
  findMeeting,
  findNextMeeting,
  findPreviousMeeting,
  insertMeeting,
  insertMeetingTemplatesIfAbsent,
  listAttendances,
  listMeetingTemplates,
  listPastMeetings,
  listUpcomingMeetings,
  type MeetingRow,
  updateAttendance,
  updateMeeting,
  updateMeetingTemplate,
} from './clu-meeting.repository.ts';
import {
  ATTENDANCE_LABELS,
  ATTENDANCE_STATUSES,
  type AttendanceStatus,
  CHANNEL_LABELS,
  type MeetingInput,
  meetingSchema,
  opinionSchema,
} from './clu-meeting.schemas.ts';
import { categoryLabel } from './clu-member.schemas.ts';
import { memberDisplayName } from './clu-member.service.ts';
import { listProposals } from './clu-proposal.repository.ts';
import { proposalStatusLabel } from './clu-proposal.schemas.ts';
import { defaultPeriod } from './clu-time.ts';

export type { MeetingRow };

/** Fuseau du département de l'organisation : les heures des réunions y sont saisies et affichées. */
export async function organisationTimeZone(ctx: AppContext, organisationId: string): Promise<string> {
  return departmentTimeZone((await getOrganisation(ctx, organisationId)).department_code);
}

export async function getMeeting(ctx: AppContext, organisationId: string, meetingId: string): Promise<MeetingRow> {
  const row = await findMeeting(ctx.db, organisationId, meetingId);
  if (!row) throw new AppError('not_found', {}, 'Réunion introuvable.');
  return row;
}

export const PAST_MEETINGS_PAGE_SIZE = 20;

/** Liste des réunions : toutes celles à venir, les passées par pages de 20 (une ou deux par an). */
export async function meetingsPage(ctx: AppContext, organisationId: string, page: number) {
  const nowLocal = instantToLocalDateTime(ctx.clock.now(), await organisationTimeZone(ctx, organisationId));
  const total = await countPastMeetings(ctx.db, organisationId, nowLocal);
  const pageCount = Math.max(1, Math.ceil(total / PAST_MEETINGS_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pageCount);
  const [upcoming, past] = await Promise.all([
    listUpcomingMeetings(ctx.db, organisationId, nowLocal),
    listPastMeetings(ctx.db, organisationId, nowLocal, PAST_MEETINGS_PAGE_SIZE, (current - 1) * PAST_MEETINGS_PAGE_SIZE),
  ]);
  return { upcoming, past, pastTotal: total, page: current, pageCount };
}

export interface MeetingFormValues {
  date: string;
  time: string;
  durationMinutes: string;
  place: string;
  chair: string;
  periodFrom: string;
  periodTo: string;
  agenda: AgendaItem[];
}

/** Valeurs d'une nouvelle réunion : l'ordre du jour des seeds, 2 heures, bilan de l'année civile écoulée. */
export async function newMeetingDefaults(ctx: AppContext, organisationId: string): Promise<MeetingFormValues> {
  const today = instantToLocalDateTime(ctx.clock.now(), await organisationTimeZone(ctx, organisationId)).slice(0, 10);
  const period = defaultPeriod(today);
  return {
    date: '',
    time: '10:00',
    durationMinutes: '120',
    place: '',
    chair: '',
    periodFrom: period.from,
    periodTo: period.to,
    agenda: standardAgenda(),
  };
}

export function meetingFormValues(row: MeetingRow): MeetingFormValues {
  return {
    date: row.starts_at.slice(0, 10),
    time: row.starts_at.slice(11, 16),
    durationMinutes: String(row.duration_minutes),
    place: row.place,
    chair: row.chair,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    agenda: parseAgenda(row.agenda_json),
  };
}

/** Lignes de l'ordre du jour d'un formulaire : `agendaKey_<i>`, `agendaTitle_<i>`, `agendaPosition_<i>`, `agendaRemove_<i>`. */
export function agendaRowsOf(body: Record<string, unknown>): AgendaRowInput[] {
  const str = (name: string) => {
    const v = body[name];
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
  };
  const count = Math.min(Number.parseInt(str('agendaCount'), 10) || 0, 100);
  const rows: AgendaRowInput[] = [];
  for (let i = 0; i < count; i++) {
    const position = Number.parseInt(str(`agendaPosition_${i}`), 10);
    rows.push({
      key: str(`agendaKey_${i}`),
      title: str(`agendaTitle_${i}`),
      position: Number.isFinite(position) ? position : null,
      remove: str(`agendaRemove_${i}`) !== '',
    });
  }
  return rows;
}

function validMeeting(input: unknown, previousAgenda: readonly AgendaItem[]) {
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  let fields: Record<string, string> = {};
  let data: MeetingInput | undefined;
  try {
    data = validate(meetingSchema, body);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    fields = { ...error.fields };
  }
  const agenda = buildAgenda(agendaRowsOf(body), previousAgenda);
  if (!agenda.ok) fields.agenda = agenda.error;
  if (!data || !agenda.ok) throw new AppError('validation_failed', fields);
  return { data, agenda: agenda.agenda };
}

export async function createMeeting(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  await getOrganisation(ctx, organisationId);
  const { data, agenda } = validMeeting(input, []);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  const startsAt = `${data.date}T${data.time}`;
  await ctx.db.transaction().execute(async (trx) => {
    await insertMeeting(trx, {
      id,
      organisation_id: organisationId,
      starts_at: startsAt,
      duration_minutes: data.durationMinutes,
      place: data.place,
      chair: data.chair,
      period_from: data.periodFrom,
      period_to: data.periodTo,
      agenda_json: JSON.stringify(agenda),
      invitations_sent_at: null,
      minutes_json: null,
      minutes_approved_at: null,
      minutes_approved_by_name: null,
      deck_publication_id: null,
      minutes_publication_id: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_meeting.created',
      entityType: 'clu_meeting',
      entityId: id,
      summary: `Réunion du comité local des usagers du ${data.date} créée`,
      after: { startsAt, place: data.place, chair: data.chair, periodFrom: data.periodFrom, periodTo: data.periodTo },
    });
  });
  return id;
}

export async function editMeeting(ctx: AppContext, organisationId: string, meetingId: string, input: unknown, actor: Actor) {
  const current = await getMeeting(ctx, organisationId, meetingId);
  const { data, agenda } = validMeeting(input, parseAgenda(current.agenda_json));
  const startsAt = `${data.date}T${data.time}`;
  await ctx.db.transaction().execute(async (trx) => {
    await updateMeeting(trx, organisationId, meetingId, {
      starts_at: startsAt,
      duration_minutes: data.durationMinutes,
      place: data.place,
      chair: data.chair,
      period_from: data.periodFrom,
      period_to: data.periodTo,
      agenda_json: JSON.stringify(agenda),
      updated_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_meeting.updated',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: `Réunion du comité local des usagers du ${data.date} modifiée`,
      before: {
        startsAt: current.starts_at,
        place: current.place,
        chair: current.chair,
        agenda: parseAgenda(current.agenda_json),
      },
      after: { startsAt, place: data.place, chair: data.chair, agenda },
    });
  });
}

// ——— Lecture détaillée (page de la réunion, support et compte rendu) ———

export interface MeetingAttendee {
  memberId: string;
  /** « Mme Christine DEVAUX », ou « Membre retiré » une fois les coordonnées effacées. */
  name: string;
  civility: string | null;
  firstName: string | null;
  lastName: string | null;
  function: string | null;
  memberOrganisationId: string;
  organisationName: string;
  category: string;
  categoryLabel: string;
  status: AttendanceStatus;
  statusLabel: string;
  /** `email`, `post`, ou nul (inscrit sans invitation envoyée par Vigie). */
  channel: string | null;
  channelLabel: string | null;
  invitedAt: string | null;
  /** Retiré du comité depuis (il reste dans les présences de cette réunion). */
  removed: boolean;
}

export interface MeetingTemplate {
  templateId: string;
  name: string;
  purpose: string;
  purposeLabel: string;
  subject: string;
  body: string;
  archived: boolean;
  opinion: string | null;
}

export interface MeetingProposal {
  id: string;
  meetingId: string;
  text: string;
  memberOrganisationId: string | null;
  memberOrganisation: string | null;
  status: string;
  statusLabel: string;
  followUp: string | null;
  actionId: string | null;
  actionNumber: number | null;
  createdAt: string;
}

export interface PreviousMeeting {
  id: string;
  /** Date et heure locales `AAAA-MM-JJTHH:MM`. */
  startsAt: string;
  proposals: MeetingProposal[];
}

export interface MeetingDetail {
  id: string;
  organisationId: string;
  /** Date et heure locales `AAAA-MM-JJTHH:MM` (fuseau du département). */
  startsAt: string;
  durationMinutes: number;
  /** Fin, heure locale `AAAA-MM-JJTHH:MM`. */
  endsAt: string;
  timeZone: string;
  place: string;
  chair: string;
  periodFrom: string;
  periodTo: string;
  agenda: AgendaItem[];
  invitationsSentAt: string | null;
  minutesJson: string | null;
  minutesApprovedAt: string | null;
  minutesApprovedByName: string | null;
  deckPublicationId: string | null;
  minutesPublicationId: string | null;
  /** Réunion passée (son heure de début est dépassée, heure locale). */
  isPast: boolean;
  attendees: MeetingAttendee[];
  templates: MeetingTemplate[];
  proposals: MeetingProposal[];
  /** La réunion précédente et ses propositions, suivies à celle-ci ; nul pour la première réunion. */
  previousMeeting: PreviousMeeting | null;
  nextMeeting: { id: string; startsAt: string } | null;
}

async function proposalsOf(ctx: AppContext, meetingId: string): Promise<MeetingProposal[]> {
  return (await listProposals(ctx.db, meetingId)).map((p) => ({
    id: p.id,
    meetingId: p.meeting_id,
    text: p.text,
    memberOrganisationId: p.member_organisation_id,
    memberOrganisation: p.member_organisation_name ?? null,
    status: p.status,
    statusLabel: proposalStatusLabel(p.status),
    followUp: p.follow_up,
    actionId: p.action_id,
    actionNumber: p.action_number === null || p.action_number === undefined ? null : Number(p.action_number),
    createdAt: p.created_at,
  }));
}

function addMinutes(localDateTime: string, minutes: number): string {
  return new Date(Date.parse(`${localDateTime}:00Z`) + minutes * 60_000).toISOString().slice(0, 16);
}

/**
 * Tout ce qu'il faut savoir d'une réunion : ordre du jour, présences (noms et organismes, jamais les
 * coordonnées), modèles soumis pour avis, propositions, et la réunion précédente avec ses propositions
 * (le suivi présenté à celle-ci). Lu par la page de la réunion, le support et le compte rendu.
 */
export async function meetingDetail(ctx: AppContext, organisationId: string, meetingId: string): Promise<MeetingDetail> {
  const row = await getMeeting(ctx, organisationId, meetingId);
  const timeZone = await organisationTimeZone(ctx, organisationId);
  const [attendances, templates, proposals, previous, next] = await Promise.all([
    listAttendances(ctx.db, meetingId),
    listMeetingTemplates(ctx.db, meetingId),
    proposalsOf(ctx, meetingId),
    findPreviousMeeting(ctx.db, organisationId, row),
    findNextMeeting(ctx.db, organisationId, row),
  ]);
  const statusOf = (s: string): AttendanceStatus =>
    (ATTENDANCE_STATUSES as readonly string[]).includes(s) ? (s as AttendanceStatus) : 'invited';
  return {
    id: row.id,
    organisationId,
    startsAt: row.starts_at,
    durationMinutes: row.duration_minutes,
    endsAt: addMinutes(row.starts_at, row.duration_minutes),
    timeZone,
    place: row.place,
    chair: row.chair,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    agenda: parseAgenda(row.agenda_json),
    invitationsSentAt: row.invitations_sent_at,
    minutesJson: row.minutes_json,
    minutesApprovedAt: row.minutes_approved_at,
    minutesApprovedByName: row.minutes_approved_by_name,
    deckPublicationId: row.deck_publication_id,
    minutesPublicationId: row.minutes_publication_id,
    isPast: row.starts_at < instantToLocalDateTime(ctx.clock.now(), timeZone),
    attendees: attendances.map((a) => {
      const status = statusOf(a.status);
      return {
        memberId: a.member_id,
        name: memberDisplayName(a),
        civility: a.erased_at ? null : a.civility,
        firstName: a.erased_at ? null : a.first_name,
        lastName: a.erased_at ? null : a.last_name,
        function: a.erased_at ? null : a.function,
        memberOrganisationId: a.member_organisation_id,
        organisationName: a.organisation_name,
        category: a.category,
        categoryLabel: categoryLabel(a.category),
        status,
        statusLabel: ATTENDANCE_LABELS[status],
        channel: a.invitation_channel,
        channelLabel: a.invitation_channel ? (CHANNEL_LABELS[a.invitation_channel] ?? a.invitation_channel) : null,
        invitedAt: a.invited_at,
        removed: a.removed_at !== null,
      };
    }),
    templates: templates.map((t) => ({
      templateId: t.template_id,
      name: t.name,
      purpose: t.purpose,
      purposeLabel: (TEMPLATE_PURPOSE_LABELS as Record<string, string>)[t.purpose] ?? t.purpose,
      subject: t.subject,
      body: t.body,
      archived: t.archived_at !== null,
      opinion: t.opinion,
    })),
    proposals,
    previousMeeting: previous
      ? { id: previous.id, startsAt: previous.starts_at, proposals: await proposalsOf(ctx, previous.id) }
      : null,
    nextMeeting: next ? { id: next.id, startsAt: next.starts_at } : null,
  };
}

// ——— Présences ———

/** Relevé des présences en un formulaire : `status_<membre>` vaut présent, excusé, absent ou invité. */
export async function recordAttendance(ctx: AppContext, organisationId: string, meetingId: string, input: unknown, actor: Actor) {
  const meeting = await getMeeting(ctx, organisationId, meetingId);
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const attendances = await listAttendances(ctx.db, meetingId);
  if (attendances.length === 0) {
    throw new AppError('validation_failed', {}, 'Aucun membre invité à cette réunion : envoyez d’abord les invitations.');
  }
  const changes: { memberId: string; status: AttendanceStatus }[] = [];
  const fields: Record<string, string> = {};
  for (const a of attendances) {
    const value = body[`status_${a.member_id}`];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || !(ATTENDANCE_STATUSES as readonly string[]).includes(value)) {
      fields[`status_${a.member_id}`] = `${memberDisplayName(a)} : choisissez présent, excusé ou absent.`;
      continue;
    }
    if (value !== a.status) changes.push({ memberId: a.member_id, status: value as AttendanceStatus });
  }
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', fields);
  if (changes.length === 0) return { changed: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    for (const c of changes) await updateAttendance(trx, meetingId, c.memberId, { status: c.status });
    const count = (s: AttendanceStatus) =>
      attendances.filter((a) => (changes.find((c) => c.memberId === a.member_id)?.status ?? a.status) === s).length;
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_meeting.attendance_recorded',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: `Présences du comité du ${meeting.starts_at.slice(0, 10)} : ${count('present')} présent(s), ${count('excused')} excusé(s), ${count('absent')} absent(s)`,
    });
  });
  return { changed: changes.length };
}

// ——— Modèles soumis pour avis ———

/** Modèles de la bibliothèque qui peuvent être soumis (non archivés), modèles de départ compris. */
export async function availableTemplates(ctx: AppContext, organisationId: string) {
  await ctx.db.transaction().execute((trx) => ensureDefaultTemplates(trx, ctx, organisationId));
  return (await listTemplates(ctx.db, organisationId)).map((t) => ({
    id: t.id,
    name: t.name,
    purpose: t.purpose,
    purposeLabel: (TEMPLATE_PURPOSE_LABELS as Record<string, string>)[t.purpose] ?? t.purpose,
  }));
}

export async function submitTemplates(ctx: AppContext, organisationId: string, meetingId: string, input: unknown, actor: Actor) {
  const meeting = await getMeeting(ctx, organisationId, meetingId);
  const raw = (input && typeof input === 'object' ? (input as Record<string, unknown>).templateIds : undefined) ?? [];
  const ids = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
  if (ids.length === 0)
    throw new AppError('validation_failed', { templateIds: 'Modèles : cochez au moins un modèle à soumettre pour avis.' });
  const known = new Map((await listTemplates(ctx.db, organisationId)).map((t) => [t.id, t.name]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new AppError('validation_failed', { templateIds: 'Modèles : choisissez des modèles de la liste.' });
  await ctx.db.transaction().execute(async (trx) => {
    await insertMeetingTemplatesIfAbsent(trx, meetingId, ids);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_meeting.templates_submitted',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: `Modèles soumis pour avis au comité du ${meeting.starts_at.slice(0, 10)} : ${ids.map((id) => known.get(id)).join(', ')}`,
    });
  });
  return ids.length;
}

export async function recordOpinion(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  templateId: string,
  input: unknown,
  actor: Actor,
) {
  const meeting = await getMeeting(ctx, organisationId, meetingId);
  const { opinion } = validate(opinionSchema, input);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await updateMeetingTemplate(trx, meetingId, templateId, opinion))) {
      throw new AppError('not_found', {}, 'Ce modèle n’est pas soumis à cette réunion.');
    }
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_meeting.template_opinion',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: `Avis du comité du ${meeting.starts_at.slice(0, 10)} enregistré sur un modèle`,
      after: { templateId, opinion },
    });
  });
}

export async function withdrawTemplate(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  templateId: string,
  actor: Actor,
) {
  const meeting = await getMeeting(ctx, organisationId, meetingId);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteMeetingTemplate(trx, meetingId, templateId))) {
      throw new AppError('not_found', {}, 'Ce modèle n’est pas soumis à cette réunion.');
    }
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_meeting.template_withdrawn',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: `Modèle retiré de la réunion du ${meeting.starts_at.slice(0, 10)}`,
      after: { templateId },
    });
  });
}
