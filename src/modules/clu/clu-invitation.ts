import { createHash } from 'node:crypto';
import { createEvent, type EventAttributes } from 'ics';
import { formatDate } from '../../ui/format.ts';
import type { AgendaItem } from './clu-agenda.ts';
import { formatTime, localDateTimeToUtc } from './clu-time.ts';

/**
 * Invitation à une réunion du CLU : le texte du courriel et la pièce jointe d'agenda (.ics,
 * METHOD:REQUEST) que les messageries proposent d'ajouter au calendrier. Le paquet `ics` sait tout
 * écrire ici (méthode, organisateur, participant, UID, SEQUENCE, heures UTC) ; on lui passe l'horodatage
 * DTSTAMP de l'horloge injectée, pour que le fichier ne dépende pas de l'heure de la machine. Pur.
 */
export interface InvitationMeeting {
  id: string;
  startsAt: string;
  durationMinutes: number;
  place: string;
  chair: string;
  agenda: AgendaItem[];
}

export interface InvitationContext {
  /** « Préfecture du Puy-de-Dôme » : le titre de l'événement et la signature. */
  organisationName: string;
  timeZone: string;
  /** Domaine des UID : celui de l'adresse publique de Vigie (stable d'un envoi à l'autre). */
  uidDomain: string;
  organizer: { name: string; email: string };
}

export interface InvitationRecipient {
  memberId: string;
  name: string;
  email: string;
}

export function invitationSummary(organisationName: string): string {
  return `Comité local des usagers — ${organisationName}`;
}

/** UID stable par réunion et par membre : un nouvel envoi met à jour l'événement au lieu d'en créer un second. */
export function invitationUid(meetingId: string, memberId: string, domain: string): string {
  return `clu-${meetingId}-${memberId}@${domain}`;
}

/**
 * Empreinte de ce que l'invitation annonce (heure, durée, lieu) : une réunion déplacée donne une
 * nouvelle invitation (nouvelle clé d'unicité de la file d'envoi), un second clic sur « Envoyer » non.
 */
export function invitationVersion(meeting: Pick<InvitationMeeting, 'startsAt' | 'durationMinutes' | 'place'>): string {
  return createHash('sha256')
    .update(`${meeting.startsAt}|${meeting.durationMinutes}|${meeting.place}`)
    .digest('hex')
    .slice(0, 12);
}

export function agendaText(agenda: readonly AgendaItem[]): string {
  return agenda.map((item, index) => `${index + 1}. ${item.title}`).join('\n');
}

/** « mardi 30 juin 2026 à 10 h 00 » */
export function longDateTime(localDateTime: string): string {
  const date = localDateTime.slice(0, 10);
  const weekday = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
  return `${weekday} ${formatDate(date)} à ${formatTime(localDateTime)}`;
}

export function invitationSubject(meeting: InvitationMeeting, c: InvitationContext): string {
  return `Invitation : ${invitationSummary(c.organisationName)}, ${formatDate(meeting.startsAt.slice(0, 10))}`;
}

export function invitationBody(meeting: InvitationMeeting, c: InvitationContext, recipientName: string): string {
  return [
    `${recipientName},`,
    '',
    `Vous êtes invité(e) à la réunion du comité local des usagers de la ${lowerFirst(c.organisationName)}, le ${longDateTime(meeting.startsAt)} (durée prévue : ${durationText(meeting.durationMinutes)}), lieu : ${meeting.place}.`,
    `La séance sera présidée par ${meeting.chair}.`,
    '',
    'Ordre du jour :',
    agendaText(meeting.agenda),
    '',
    'L’invitation est jointe au format agenda (fichier .ics) : ouvrez-la pour l’ajouter à votre calendrier.',
    'Merci de nous faire savoir si vous serez présent(e) ou excusé(e) en répondant à ce courriel.',
    '',
    c.organisationName,
  ].join('\n');
}

function lowerFirst(text: string): string {
  return /^Préfecture\b/.test(text) ? `p${text.slice(1)}` : text;
}

export function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} minutes`;
  return m === 0 ? `${h} heure${h > 1 ? 's' : ''}` : `${h}\u00a0h\u00a0${String(m).padStart(2, '0')}`;
}

/** Le fichier .ics d'un membre : DTSTART/DTEND en UTC depuis l'heure locale du département. */
export function invitationIcs(
  meeting: InvitationMeeting,
  c: InvitationContext,
  recipient: InvitationRecipient,
  options: { sequence: number; stamp: Date },
): string {
  const start = localDateTimeToUtc(meeting.startsAt, c.timeZone).getTime();
  const attributes: EventAttributes & { timestamp: number } = {
    productId: 'Vigie//Comité local des usagers//FR',
    method: 'REQUEST',
    uid: invitationUid(meeting.id, recipient.memberId, c.uidDomain),
    sequence: options.sequence,
    timestamp: options.stamp.getTime(),
    start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: start + meeting.durationMinutes * 60_000,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: invitationSummary(c.organisationName),
    location: meeting.place,
    description: `Présidence : ${meeting.chair}\n\nOrdre du jour :\n${agendaText(meeting.agenda)}`,
    status: 'CONFIRMED',
    busyStatus: 'BUSY',
    organizer: c.organizer,
    attendees: [{ name: recipient.name, email: recipient.email, rsvp: true, partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' }],
  };
  const { error, value } = createEvent(attributes);
  if (error || !value) throw new Error(`Invitation d’agenda impossible à écrire : ${error?.message ?? 'contenu vide'}`);
  return value;
}
