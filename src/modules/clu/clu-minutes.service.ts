import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { validate } from '../../shared/validation.ts';
import { listOrganisationMembers } from '../accounts/account.repository.ts';
import { actorDisplayName } from '../accounts/viewer.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { publication, publishWithin } from '../indicators/publication.service.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import { deckSnapshotFor } from './clu-deck.service.ts';
import { findMeeting } from './clu-meeting.repository.ts';
import { type MeetingDetail, meetingDetail } from './clu-meeting.service.ts';
import { countApprovedMinutes, listApprovedMinutes, markMinutesApproved, saveMinutesJson } from './clu-minutes.repository.ts';
import { decisionsField, minutesFormSchema, observationsField } from './clu-minutes.schemas.ts';
import {
  defaultMinutesContent,
  MINUTES_VERSION,
  type MinutesContent,
  type MinutesDocument,
  type MinutesMeeting,
  mergeMinutesContent,
  minutesDocument,
  minutesDocxFromDocument,
  numericDate,
} from './clu-minutes.ts';
import { minutesPdf } from './clu-minutes-pdf.ts';

/** Sorte de publication figée du compte rendu approuvé (`indicator_publications.kind`), clé : l'id de la réunion. */
export const MINUTES_PUBLICATION_KIND = 'clu_minutes' as const;

/** La forme `CluMinutesPublication` du module des indicateurs, précisée : le document complet du compte rendu. */
export interface MinutesPublicationSnapshot {
  kind: typeof MINUTES_PUBLICATION_KIND;
  meetingId: string;
  minutes: MinutesDocument;
}

/** Qui ouvre le compte rendu : son nom et son adresse pré-remplissent « Affaire suivie par ». */
export interface MinutesEditor {
  displayName: string;
  email: string;
}

export interface MinutesState {
  meeting: MeetingDetail;
  document: MinutesDocument;
  /** Approuvé : le document vient de la publication figée, plus des données vivantes. */
  approved: { at: string; byName: string; publicationId: string } | null;
}

function toMinutesMeeting(detail: MeetingDetail): MinutesMeeting {
  return {
    id: detail.id,
    startsAt: detail.startsAt,
    place: detail.place,
    chair: detail.chair,
    agenda: detail.agenda,
    attendees: detail.attendees.map((a) => ({
      name: a.name,
      civility: a.civility,
      firstName: a.firstName,
      lastName: a.lastName,
      function: a.function,
      organisation: a.organisationName,
      status: a.status,
    })),
    proposals: detail.proposals.map((p) => ({ text: p.text, memberOrganisation: p.memberOrganisation })),
  };
}

function parseStored(json: string | null): MinutesContent | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as MinutesContent;
    return value && value.version === MINUTES_VERSION && Array.isArray(value.items) ? value : null;
  } catch {
    // Un contenu illisible n'empêche pas d'ouvrir le compte rendu : il repart des valeurs par défaut.
    return null;
  }
}

/** « Affaire suivie par » : la personne qui rédige, sinon le premier référent qualité de l'organisation. */
async function followedByDefault(ctx: AppContext, organisationId: string, editor: MinutesEditor | undefined) {
  if (editor) return { name: editor.displayName, phone: '', email: editor.email };
  const admin = (await listOrganisationMembers(ctx.db, organisationId)).find((m) => m.role === 'admin' && !m.disabled_at);
  return { name: admin?.display_name ?? '', phone: '', email: admin?.email ?? '' };
}

/** Le compte rendu d'une réunion : figé s'il est approuvé, sinon pré-rempli depuis le support et complété de ce qui est enregistré. */
export async function minutesState(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  editor?: MinutesEditor,
): Promise<MinutesState> {
  const meeting = await meetingDetail(ctx, organisationId, meetingId);
  if (meeting.minutesApprovedAt && meeting.minutesPublicationId) {
    const frozen = await publication(ctx, organisationId, meeting.minutesPublicationId);
    const snapshot = frozen.snapshot as unknown as MinutesPublicationSnapshot;
    return {
      meeting,
      document: snapshot.minutes,
      approved: { at: meeting.minutesApprovedAt, byName: meeting.minutesApprovedByName ?? '', publicationId: frozen.id },
    };
  }
  const [snapshot, organisation, services, followedBy] = await Promise.all([
    deckSnapshotFor(ctx, organisationId, meetingId),
    getOrganisation(ctx, organisationId),
    listServices(ctx.db, organisationId),
    followedByDefault(ctx, organisationId, editor),
  ]);
  const minutesMeeting = toMinutesMeeting(meeting);
  const fresh = defaultMinutesContent(snapshot, minutesMeeting, {
    today: instantToLocalDate(ctx.clock.now(), departmentTimeZone(organisation.department_code)),
    followedBy,
    services: services.map((s) => s.name),
    deckGenerated: meeting.deckPublicationId !== null,
  });
  const content = mergeMinutesContent(parseStored(meeting.minutesJson), fresh);
  return { meeting, document: minutesDocument(snapshot, minutesMeeting, content), approved: null };
}

function refuseIfApproved(state: MinutesState) {
  if (state.approved) {
    throw new AppError(
      'minutes_already_approved',
      {},
      `Ce compte rendu a déjà été approuvé le ${numericDate(state.approved.at)}${state.approved.byName ? ` par ${state.approved.byName}` : ''} : il est figé et publié, il ne peut plus être modifié ni approuvé à nouveau.`,
    );
  }
}

/** Enregistre l'en-tête, les destinataires et les observations et décisions de chaque point. */
export async function saveMinutes(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  input: unknown,
  actor: Actor,
  editor?: MinutesEditor,
): Promise<MinutesContent> {
  const state = await minutesState(ctx, organisationId, meetingId, editor);
  refuseIfApproved(state);
  const current = state.document.content;
  const data = validate(minutesFormSchema(current.items), input) as Record<string, unknown> & {
    documentDate: string;
    serviceLines: string[];
    followedByName: string;
    followedByPhone: string;
    followedByEmail: string;
    signatoryTitle: string;
    signatoryName: string;
    distribution: string[];
    enclosures: number;
  };
  const content: MinutesContent = {
    version: MINUTES_VERSION,
    documentDate: data.documentDate,
    serviceLines: data.serviceLines,
    followedBy: { name: data.followedByName, phone: data.followedByPhone, email: data.followedByEmail },
    signatory: { title: data.signatoryTitle, name: data.signatoryName },
    distribution: data.distribution,
    enclosures: data.enclosures,
    items: current.items.map((item) => ({
      ...item,
      observations: String(data[observationsField(item.key)] ?? ''),
      decisions: String(data[decisionsField(item.key)] ?? ''),
    })),
  };
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if ((await saveMinutesJson(trx, organisationId, meetingId, JSON.stringify(content), now)) === 0) {
      throw new AppError('minutes_already_approved');
    }
    // Pas les observations dans l'audit : le compte rendu lui-même fait foi.
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu.minutes_saved',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: `Compte rendu du CLU du ${numericDate(state.meeting.startsAt)} enregistré`,
    });
  });
  return content;
}

/**
 * Approuve le compte rendu : le document complet (chiffres compris) est figé dans une publication
 * `clu_minutes`, la réunion le référence, et l'événement d'audit est écrit dans la même transaction.
 * Une correction ultérieure des chiffres ne change plus ni le compte rendu ni son PDF public.
 */
export async function approveMinutes(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  actor: Actor,
): Promise<{ publicationId: string; approvedAt: string }> {
  const state = await minutesState(ctx, organisationId, meetingId);
  refuseIfApproved(state);
  const at = ctx.clock.now().toISOString();
  const byName = actorDisplayName(actor.label);
  const document: MinutesDocument = { ...state.document, approved: { at, byName } };
  const snapshot: MinutesPublicationSnapshot = { kind: MINUTES_PUBLICATION_KIND, meetingId, minutes: document };
  return ctx.db.transaction().execute(async (trx) => {
    const published = await publishWithin(trx, ctx.clock, organisationId, MINUTES_PUBLICATION_KIND, meetingId, snapshot, actor);
    const updated = await markMinutesApproved(trx, organisationId, meetingId, {
      json: JSON.stringify(document.content),
      at,
      byName,
      publicationId: published.id,
    });
    // Deux approbations simultanées : la seconde ne trouve plus de compte rendu à approuver et tout est annulé.
    if (updated === 0) throw new AppError('minutes_already_approved');
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu.minutes_approved',
      entityType: 'clu_meeting',
      entityId: meetingId,
      summary: `Compte rendu du CLU du ${numericDate(state.meeting.startsAt)} approuvé et publié`,
      after: { publicationId: published.id },
    });
    return { publicationId: published.id, approvedAt: at };
  });
}

/** Le compte rendu en DOCX (modifiable dans Word) : figé s'il est approuvé, sinon tel qu'enregistré. */
export async function minutesDocx(ctx: AppContext, organisationId: string, meetingId: string): Promise<Buffer> {
  return minutesDocxFromDocument((await minutesState(ctx, organisationId, meetingId)).document);
}

export async function minutesPdfOf(ctx: AppContext, organisationId: string, meetingId: string): Promise<Buffer> {
  return minutesPdf((await minutesState(ctx, organisationId, meetingId)).document);
}

/** Nom du fichier : « compte-rendu-clu-2022-02-28.docx ». */
export function minutesFilename(startsAt: string, extension: 'docx' | 'pdf'): string {
  return `compte-rendu-clu-${startsAt.slice(0, 10)}.${extension}`;
}

export const PUBLIC_MINUTES_PAGE_SIZE = 20;

/** Les comptes rendus approuvés d'une organisation, page par page (page publique). */
export async function publicMinutes(ctx: AppContext, organisationId: string, page: number) {
  const total = await countApprovedMinutes(ctx.db, organisationId);
  const pageCount = Math.max(1, Math.ceil(total / PUBLIC_MINUTES_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
  const rows = await listApprovedMinutes(
    ctx.db,
    organisationId,
    PUBLIC_MINUTES_PAGE_SIZE,
    (current - 1) * PUBLIC_MINUTES_PAGE_SIZE,
  );
  return {
    total,
    page: current,
    pageCount,
    items: rows.map((r) => ({ meetingId: r.id, startsAt: r.starts_at, approvedAt: r.minutes_approved_at ?? '' })),
  };
}

/** Le PDF public d'un compte rendu approuvé ; une réunion inconnue ou non approuvée n'existe pas (404). */
export async function publicMinutesPdf(ctx: AppContext, organisationId: string, meetingId: string) {
  const meeting = await findMeeting(ctx.db, organisationId, meetingId);
  if (!meeting?.minutes_publication_id) throw new AppError('not_found', {}, 'Compte rendu introuvable ou pas encore approuvé.');
  const frozen = await publication(ctx, organisationId, meeting.minutes_publication_id);
  const document = (frozen.snapshot as unknown as MinutesPublicationSnapshot).minutes;
  return { pdf: await minutesPdf(document), filename: minutesFilename(document.meeting.startsAt, 'pdf') };
}
