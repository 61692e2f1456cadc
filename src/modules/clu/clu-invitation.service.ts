import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { listSendingMailboxes } from '../mail/mailbox.repository.ts';
import { enqueueOutgoingMail } from '../mail/outbox.service.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import { parseAgenda } from './clu-agenda.ts';
import {
  type InvitationContext,
  type InvitationMeeting,
  invitationBody,
  invitationIcs,
  invitationSubject,
  invitationVersion,
} from './clu-invitation.ts';
import { insertAttendanceIfAbsent, listAttendances, updateAttendance, updateMeeting } from './clu-meeting.repository.ts';
import { getMeeting } from './clu-meeting.service.ts';
import { findMemberOrganisation, listMemberOrganisations, listMembers, type MemberRow } from './clu-member.repository.ts';
import { isActiveMember, memberDisplayName } from './clu-member.service.ts';

export const NO_MEMBER_TO_INVITE = 'Aucun membre à inviter : ajoutez des membres du comité.';
export const NO_SENDING_MAILBOX_FOR_INVITATIONS =
  'Aucune boîte d’expédition configurée : les invitations par courriel ne peuvent pas partir. Ajoutez une boîte fonctionnelle avec un relais SMTP (Courrier › Boîtes fonctionnelles), ou cochez « Inscrire seulement » pour enregistrer les invités sans courriel.';

/** Préfixe de la clé d'unicité de la file d'envoi : une invitation par réunion, membre et version. */
export function invitationKeyPrefix(meetingId: string, memberId: string): string {
  return `clu-invitation:${meetingId}:${memberId}:`;
}

function salutation(civility: string | null): string {
  return civility === 'Mme' ? 'Madame' : civility === 'M.' ? 'Monsieur' : 'Madame, Monsieur';
}

/** Ce que le formulaire d'invitation propose : membres actifs (tous cochés), boîtes d'expédition, invités déjà inscrits. */
export async function invitationOptions(ctx: AppContext, organisationId: string, meetingId: string) {
  await getMeeting(ctx, organisationId, meetingId);
  const [members, organisations, mailboxes, attendances] = await Promise.all([
    listMembers(ctx.db, organisationId),
    listMemberOrganisations(ctx.db, organisationId),
    listSendingMailboxes(ctx.db, organisationId),
    listAttendances(ctx.db, meetingId),
  ]);
  const organisationName = new Map(organisations.map((o) => [o.id, o.name]));
  const invited = new Set(attendances.map((a) => a.member_id));
  return {
    members: members.filter(isActiveMember).map((m) => ({
      id: m.id,
      name: memberDisplayName(m),
      organisationName: organisationName.get(m.member_organisation_id) ?? '',
      channel: m.email ? ('email' as const) : ('post' as const),
      alreadyInvited: invited.has(m.id),
    })),
    mailboxes: mailboxes.map((b) => ({ id: b.id, label: `${b.label} <${b.address}>` })),
  };
}

export interface InvitationReport {
  /** Courriels mis en file par cet envoi. */
  emailed: number;
  /** Courriels déjà en file pour la même version de la réunion : pas de doublon. */
  alreadySent: number;
  /** Membres sans adresse électronique : à inviter par courrier (page imprimable). */
  byPost: number;
  /** Inscrits sans courriel (mode « inscrire seulement »). */
  recordedOnly: number;
}

/**
 * Invite les membres choisis (tous les actifs par défaut). Avec une adresse électronique : un courriel
 * par la file d'envoi, avec l'invitation d'agenda (.ics), depuis la boîte choisie ; la clé d'unicité
 * (réunion, membre, version de l'heure et du lieu) empêche tout doublon. Sans adresse : inscrit « par
 * courrier », listé sur la page imprimable. Chaque invité reçoit sa ligne de présence. `recordOnly` :
 * inscrire les invités sans rien envoyer (réunion déjà tenue, invitation faite autrement).
 */
export async function sendInvitations(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  input: unknown,
  actor: Actor,
): Promise<InvitationReport> {
  const meeting = await getMeeting(ctx, organisationId, meetingId);
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const active = (await listMembers(ctx.db, organisationId)).filter(isActiveMember);
  if (active.length === 0) throw new AppError('validation_failed', {}, NO_MEMBER_TO_INVITE);
  const raw = body.memberIds;
  const ids = new Set(
    (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === 'string'),
  );
  const chosen = active.filter((m) => ids.has(m.id));
  if (chosen.length === 0) {
    throw new AppError('validation_failed', { memberIds: 'Membres : cochez au moins un membre à inviter.' });
  }
  const recordOnly = body.recordOnly === 'on' || body.recordOnly === '1';
  const byEmail = recordOnly ? [] : chosen.filter((m) => m.email);
  const mailboxes = await listSendingMailboxes(ctx.db, organisationId);
  const requested = typeof body.mailboxId === 'string' && body.mailboxId !== '' ? body.mailboxId : null;
  const mailbox = requested ? mailboxes.find((b) => b.id === requested) : mailboxes[0];
  if (byEmail.length > 0 && mailboxes.length === 0)
    throw new AppError('validation_failed', {}, NO_SENDING_MAILBOX_FOR_INVITATIONS);
  if (byEmail.length > 0 && !mailbox) {
    throw new AppError('validation_failed', { mailboxId: 'Boîte d’expédition : choisissez une boîte de la liste.' });
  }
  const organisation = await getOrganisation(ctx, organisationId);
  const invitation: InvitationMeeting = {
    id: meeting.id,
    startsAt: meeting.starts_at,
    durationMinutes: meeting.duration_minutes,
    place: meeting.place,
    chair: meeting.chair,
    agenda: parseAgenda(meeting.agenda_json),
  };
  const context: InvitationContext = {
    organisationName: organisation.name,
    timeZone: departmentTimeZone(organisation.department_code),
    uidDomain: new URL(ctx.config.publicUrl).hostname || 'vigie.invalid',
    organizer: { name: mailbox?.display_name ?? organisation.name, email: mailbox?.address ?? '' },
  };
  const version = invitationVersion(invitation);
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const report: InvitationReport = { emailed: 0, alreadySent: 0, byPost: 0, recordedOnly: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    for (const member of chosen) {
      const channel = recordOnly ? null : member.email ? 'email' : 'post';
      const created = await insertAttendanceIfAbsent(trx, {
        meeting_id: meetingId,
        member_id: member.id,
        status: 'invited',
        invitation_channel: channel,
        invited_at: recordOnly ? null : nowIso,
      });
      if (!created && channel)
        await updateAttendance(trx, meetingId, member.id, { invitation_channel: channel, invited_at: nowIso });
      if (recordOnly) {
        report.recordedOnly++;
        continue;
      }
      if (!member.email || !mailbox) {
        report.byPost++;
        continue;
      }
      const queued = await enqueueInvitation(trx, ctx, {
        organisationId,
        meetingId,
        member,
        mailbox,
        invitation,
        context,
        version,
        now,
        actor,
      });
      if (queued) report.emailed++;
      else report.alreadySent++;
    }
    if (!recordOnly) await updateMeeting(trx, organisationId, meetingId, { invitations_sent_at: nowIso, updated_at: nowIso });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_meeting.invitations_sent',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: recordOnly
        ? `Comité du ${meeting.starts_at.slice(0, 10)} : ${report.recordedOnly} invité(s) inscrit(s) sans envoi`
        : `Invitations au comité du ${meeting.starts_at.slice(0, 10)} : ${report.emailed} courriel(s) mis en file, ${report.alreadySent} déjà envoyé(s), ${report.byPost} par courrier`,
    });
  });
  return report;
}

async function enqueueInvitation(
  trx: Parameters<typeof enqueueOutgoingMail>[0],
  ctx: AppContext,
  a: {
    organisationId: string;
    meetingId: string;
    member: MemberRow;
    mailbox: { id: string; address: string };
    invitation: InvitationMeeting;
    context: InvitationContext;
    version: string;
    now: Date;
    actor: Actor;
  },
): Promise<boolean> {
  const prefix = invitationKeyPrefix(a.meetingId, a.member.id);
  const uniqueKey = `${prefix}${a.version}`;
  // SEQUENCE : le nombre de versions déjà envoyées à ce membre ; une réunion déplacée met l'événement à jour.
  const earlier = await trx
    .selectFrom('outgoing_mails')
    .select(['unique_key'])
    .where('organisation_id', '=', a.organisationId)
    .where('unique_key', 'like', `${prefix}%`)
    .execute();
  if (earlier.some((row) => row.unique_key === uniqueKey)) return false;
  const email = a.member.email ?? '';
  const name = memberDisplayName(a.member);
  const ics = invitationIcs(
    a.invitation,
    a.context,
    { memberId: a.member.id, name, email },
    { sequence: earlier.length, stamp: a.now },
  );
  const result = await enqueueOutgoingMail(
    trx,
    ctx,
    {
      organisationId: a.organisationId,
      caseId: null,
      mailboxId: a.mailbox.id,
      purpose: 'other',
      uniqueKey,
      to: { address: email, name },
      subject: invitationSubject(a.invitation, a.context),
      bodyText: invitationBody(a.invitation, a.context, salutation(a.member.civility)),
      attachments: [
        {
          filename: 'invitation-comite-local-des-usagers.ics',
          contentType: 'text/calendar; charset=utf-8; method=REQUEST',
          contentBase64: Buffer.from(ics, 'utf8').toString('base64'),
        },
      ],
      createdByUserId: a.actor.userId,
    },
    a.mailbox.address,
  );
  return result.queued;
}

export interface PostInvitation {
  memberId: string;
  name: string;
  function: string | null;
  organisationName: string;
  /** Adresse du membre, sinon celle de son organisme ; nulle si aucune n'est connue. */
  postalAddress: string | null;
}

/** Membres invités par courrier (sans adresse électronique), avec l'adresse postale à imprimer. */
export async function postInvitations(ctx: AppContext, organisationId: string, meetingId: string): Promise<PostInvitation[]> {
  await getMeeting(ctx, organisationId, meetingId);
  const attendances = (await listAttendances(ctx.db, meetingId)).filter((a) => a.invitation_channel === 'post');
  const members = new Map((await listMembers(ctx.db, organisationId)).map((m) => [m.id, m]));
  const result: PostInvitation[] = [];
  for (const a of attendances) {
    const member = members.get(a.member_id);
    if (!member) continue;
    const organisation = await findMemberOrganisation(ctx.db, organisationId, member.member_organisation_id);
    result.push({
      memberId: member.id,
      name: memberDisplayName(member),
      function: member.erased_at ? null : member.function,
      organisationName: a.organisation_name,
      postalAddress: member.postal_address ?? organisation?.postal_address ?? null,
    });
  }
  return result;
}
