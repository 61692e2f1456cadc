import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { officeToPdf } from '../../shared/office-pdf.ts';
import { actionPlanSummary } from '../actions/action.service.ts';
import type { Actor } from '../audit/audit.service.ts';
import { addDays } from '../calendar/civil-date.ts';
import { instantToLocalDate, localMidnightInstant } from '../calendar/local-date.ts';
import { organisationContext } from '../cases/case.service.ts';
import { type CaseChannel, type CaseKind, CHANNEL_LABELS, KIND_LABELS } from '../cases/vocabulary.ts';
import { indicatorYearTable } from '../indicators/indicator.service.ts';
import { publication, publishWithin } from '../indicators/publication.service.ts';
import { listPerimeter } from '../organisations/organisation.repository.ts';
import { organisationBrand } from '../organisations/organisation.service.ts';
import { referentielTree } from '../referentiel/referentiel.service.ts';
import { SURVEYED_CHANNEL_LABELS, SURVEYED_CHANNELS } from '../surveys/questionnaire.ts';
import { listCampaignsOverlapping } from '../surveys/results.repository.ts';
import { campaignResults } from '../surveys/results.service.ts';
import {
  addTallies,
  type CriterionTally,
  channelGlobalRate,
  criterionRate,
  tallyDistribution,
} from '../surveys/survey-statistics.ts';
import {
  complaintCounts,
  complaintFollowUps,
  complaintThemeCounts,
  countActionsFromComplaints,
  listDeckVersions,
  setDeckPublication,
  themeLabelsOfCases,
} from './clu-deck.repository.ts';
import { buildDeck } from './clu-deck.ts';
import { collectDeckSections, DECK_SECTION_SLOTS } from './clu-deck-sections.ts';
import {
  type CluDeckSnapshot,
  DECK_SNAPSHOT_VERSION,
  type DeckActionItem,
  type DeckComplaints,
  type DeckPerimeter,
  type DeckSurveyChannel,
} from './clu-deck-snapshot.ts';
import { type MeetingDetail, meetingDetail } from './clu-meeting.service.ts';

/**
 * Le support de présentation d'une réunion du CLU : les chiffres sont lus dans les modules vivants
 * (enquêtes, indicateurs, registre, plan d'actions, réunions), figés en une publication versionnée
 * (`indicator_publications`, sorte `clu_deck`, clé = la réunion), puis mis en diapositives depuis cet
 * instantané seulement. Reconstruire le support redonne les mêmes chiffres ; régénérer en crée une
 * nouvelle version.
 */

export type DeckStep = 'surveys' | 'indicators' | 'register' | 'build';

export const DECK_STEPS: { key: DeckStep; label: string }[] = [
  { key: 'surveys', label: 'Enquêtes de satisfaction' },
  { key: 'indicators', label: 'Indicateurs et cibles' },
  { key: 'register', label: 'Réclamations, modèles, plan d’actions et propositions' },
  { key: 'build', label: 'Construction et publication du support' },
];

export interface CollectOptions {
  /** Appelé au début de chaque étape (suivi de la tâche de fond). */
  onStep?: (step: DeckStep) => Promise<void> | void;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const pct = (proportion: number | null) => (proportion === null ? null : round1(proportion * 100));

async function perimeterOf(ctx: AppContext, organisationId: string): Promise<DeckPerimeter> {
  const [modules, tree] = await Promise.all([listPerimeter(ctx.db, organisationId), referentielTree(ctx)]);
  const chosen = new Set(modules);
  return {
    modules: tree.modules
      .filter((m) => chosen.has(m.number))
      .map((m) => ({
        code: `Module ${m.number}`,
        title: m.title,
        engagements: m.engagements.map((e) => ({ code: String(e.number), title: e.text })),
      })),
  };
}

/**
 * Résultats des enquêtes par canal enquêté sur la période : les campagnes du canal qui la recoupent,
 * leurs réponses données dans la période (dates locales), additionnées critère par critère (jamais de
 * moyenne de pourcentages), avec n, intervalle de Wilson et la marque « indicatif ».
 */
async function surveysOf(ctx: AppContext, organisationId: string, from: string, to: string, timeZone: string) {
  const answeredFrom = localMidnightInstant(from, timeZone).toISOString();
  const answeredBefore = localMidnightInstant(addDays(to, 1), timeZone).toISOString();
  const channels: DeckSurveyChannel[] = [];
  for (const channel of SURVEYED_CHANNELS) {
    const campaigns = await listCampaignsOverlapping(ctx.db, organisationId, channel, from, to);
    if (campaigns.length === 0) continue;
    const criteria = new Map<string, { label: string; tally: CriterionTally }>();
    let responses = 0;
    for (const campaign of campaigns) {
      const results = await campaignResults(ctx, organisationId, campaign.id, { answeredFrom, answeredBefore });
      responses += results.responses;
      for (const c of results.criteria) {
        const known = criteria.get(c.criterion.key);
        if (!known) criteria.set(c.criterion.key, { label: c.criterion.label, tally: c.tally });
        // Un critère mesuré par deux types de question selon la campagne : on garde le premier, sans mélanger.
        else if (known.tally.kind === c.tally.kind) known.tally = addTallies(known.tally, c.tally);
      }
    }
    const tallies = [...criteria.values()].map((c) => c.tally);
    const global = channelGlobalRate(tallies);
    channels.push({
      channel,
      channelLabel: SURVEYED_CHANNEL_LABELS[channel],
      campaigns: campaigns.map((c) => c.name),
      responses,
      criteria: [...criteria.entries()].map(([key, { label, tally }]) => {
        const estimate = criterionRate(tally);
        return {
          key,
          label,
          status: estimate.status,
          rate: pct(estimate.rate),
          n: estimate.n,
          low: pct(estimate.interval?.lower ?? null),
          high: pct(estimate.interval?.upper ?? null),
          indicative: estimate.indicative,
          distribution: tallyDistribution(tally).bars.map((b) => ({ label: b.label, count: b.count })),
        };
      }),
      global: {
        rate: pct(global.pooled.rate),
        n: global.pooled.n,
        meanOfCriteria: pct(global.meanOfCriterionRates.value),
      },
    });
  }
  return channels;
}

async function complaintsOf(
  ctx: AppContext,
  organisationId: string,
  from: string,
  to: string,
  timeZone: string,
): Promise<DeckComplaints> {
  const [counts, themes, notes, actionsCreated] = await Promise.all([
    complaintCounts(ctx.db, organisationId, from, to),
    complaintThemeCounts(ctx.db, organisationId, from, to),
    complaintFollowUps(ctx.db, organisationId, from, to, 20),
    countActionsFromComplaints(
      ctx.db,
      organisationId,
      localMidnightInstant(from, timeZone).toISOString(),
      localMidnightInstant(addDays(to, 1), timeZone).toISOString(),
    ),
  ]);
  const sum = (filter: (r: (typeof counts)[number]) => boolean) => counts.filter(filter).reduce((s, r) => s + r.count, 0);
  const channels = [...new Set(counts.map((r) => r.channel))];
  const kinds = (['complaint', 'suggestion'] as const).filter((k) => counts.some((r) => r.kind === k));
  const themeRows = await themeLabelsOfCases(
    ctx.db,
    notes.map((n) => n.id),
  );
  return {
    total: sum(() => true),
    byChannel: channels
      .map((channel) => ({
        channel,
        label: CHANNEL_LABELS[channel as CaseChannel] ?? channel,
        count: sum((r) => r.channel === channel),
      }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'fr')),
    byTheme: themes,
    byKind: kinds.map((kind) => ({ kind, label: KIND_LABELS[kind], count: sum((r) => r.kind === kind) })),
    followUp: {
      answeredInTime: sum((r) => r.state === 'in_time'),
      answeredLate: sum((r) => r.state === 'late'),
      unanswered: sum((r) => r.state === 'unanswered'),
      actionsCreated,
    },
    followUpNotes: notes.map((n) => ({
      reference: n.reference,
      kind: n.kind,
      kindLabel: KIND_LABELS[n.kind as CaseKind] ?? n.kind,
      themes: themeRows.filter((t) => t.case_id === n.id).map((t) => t.label),
      text: n.follow_up ?? '',
    })),
  };
}

function actionItem(a: DeckActionItem): DeckActionItem {
  // Seuls les champs du contrat entrent dans l'instantané figé.
  return {
    number: a.number,
    objective: a.objective,
    description: a.description,
    services: a.services,
    dueDate: a.dueDate,
    status: a.status,
    statusLabel: a.statusLabel,
    originKind: a.originKind,
    originLabel: a.originLabel,
  };
}

/** Les chiffres vivants du support d'une réunion (rien n'est écrit). */
export async function collectDeckSnapshot(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  options: CollectOptions = {},
): Promise<CluDeckSnapshot> {
  const meeting: MeetingDetail = await meetingDetail(ctx, organisationId, meetingId);
  const { organisation, department } = await organisationContext(ctx, organisationId);
  const from = meeting.periodFrom;
  const to = meeting.periodTo;
  const today = instantToLocalDate(ctx.clock.now(), department.timeZone);

  await options.onStep?.('surveys');
  const perimeter = await perimeterOf(ctx, organisationId);
  const surveys = await surveysOf(ctx, organisationId, from, to, department.timeZone);
  const extraSections = await collectDeckSections(ctx, organisationId, { from, to });

  await options.onStep?.('indicators');
  // Le tableau de l'année de fin de période, arrêté au jour de la génération : les chiffres du module des indicateurs.
  const indicators = await indicatorYearTable(ctx, organisationId, Number(to.slice(0, 4)), today);

  await options.onStep?.('register');
  const complaints = await complaintsOf(ctx, organisationId, from, to, department.timeZone);
  const plan = await actionPlanSummary(ctx, organisationId, { from, to });
  const previous = meeting.previousMeeting;

  return {
    version: DECK_SNAPSHOT_VERSION,
    generatedAt: ctx.clock.now().toISOString(),
    organisation: { name: organisation.name, brand: organisationBrand(organisation), city: department.prefectureCity },
    meeting: {
      id: meeting.id,
      startsAt: meeting.startsAt,
      place: meeting.place,
      chair: meeting.chair,
      periodFrom: from,
      periodTo: to,
      agenda: meeting.agenda.map((a) => ({ key: a.key, title: a.title })),
    },
    perimeter,
    surveys,
    extraSections,
    extraSectionSlots: DECK_SECTION_SLOTS.map((s) => ({ ...s })),
    indicators,
    complaints,
    templates: meeting.templates.map((t) => ({
      name: t.name,
      purpose: t.purpose,
      purposeLabel: t.purposeLabel,
      subject: t.subject,
      body: t.body,
      opinion: t.opinion,
    })),
    actionPlan: {
      done: plan.done.map(actionItem),
      inProgress: plan.inProgress.map(actionItem),
      created: plan.created.map(actionItem),
      byOrigin: plan.byOrigin.map((o) => ({
        originKind: o.originKind,
        originLabel: o.originLabel,
        done: o.done,
        titles: o.titles,
      })),
    },
    proposals: {
      previousMeetingStartsAt: previous?.startsAt ?? null,
      items: (previous?.proposals ?? []).map((p) => ({
        text: p.text,
        memberOrganisation: p.memberOrganisation,
        status: p.status,
        statusLabel: p.statusLabel,
        followUp: p.followUp,
        actionNumber: p.actionNumber,
      })),
    },
  };
}

export interface DeckVersion {
  publicationId: string;
  version: number;
  publishedAt: string;
  publishedBy: string | null;
}

/**
 * Génère le support : collecte, publication figée (version suivante) et rattachement à la réunion, dans
 * une même transaction avec l'événement d'audit ; puis construit le PPTX pour vérifier qu'il se construit.
 */
export async function generateDeck(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  actor: Actor,
  options: CollectOptions = {},
): Promise<DeckVersion & { slideCount: number }> {
  const snapshot = await collectDeckSnapshot(ctx, organisationId, meetingId, options);
  await options.onStep?.('build');
  // Construire avant de publier : un instantané qui ne donnerait pas de support n'est jamais figé.
  const built = await buildDeck(snapshot);
  const published = await ctx.db.transaction().execute(async (trx) => {
    const p = await publishWithin(
      trx,
      ctx.clock,
      organisationId,
      'clu_deck',
      meetingId,
      { kind: 'clu_deck', deck: snapshot },
      actor,
    );
    await setDeckPublication(trx, organisationId, meetingId, p.id, ctx.clock.now().toISOString());
    return p;
  });
  return {
    publicationId: published.id,
    version: published.version,
    publishedAt: published.publishedAt,
    publishedBy: published.publishedBy,
    slideCount: built.titles.length,
  };
}

export async function deckVersions(ctx: AppContext, organisationId: string, meetingId: string): Promise<DeckVersion[]> {
  return (await listDeckVersions(ctx.db, organisationId, meetingId)).map((r) => ({
    publicationId: r.id,
    version: Number(r.version),
    publishedAt: r.published_at,
    publishedBy: r.published_by_name,
  }));
}

/** L'instantané figé d'une version (la dernière par défaut) ; `deck_not_generated` s'il n'y en a pas. */
export async function frozenDeckSnapshot(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  version?: number,
): Promise<{ snapshot: CluDeckSnapshot; version: DeckVersion }> {
  await meetingDetail(ctx, organisationId, meetingId);
  const versions = await deckVersions(ctx, organisationId, meetingId);
  const chosen = version === undefined ? versions[0] : versions.find((v) => v.version === version);
  if (!chosen) {
    if (version !== undefined && versions.length > 0)
      throw new AppError('not_found', {}, `Version ${version} du support introuvable.`);
    throw new AppError('deck_not_generated');
  }
  const p = await publication(ctx, organisationId, chosen.publicationId);
  if (p.snapshot.kind !== 'clu_deck') throw new AppError('not_found');
  return { snapshot: p.snapshot.deck, version: chosen };
}

/** Le PPTX d'une version figée du support (la dernière par défaut) : mêmes chiffres à chaque construction. */
export async function deckPptx(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  version?: number,
): Promise<{ buffer: Buffer; version: DeckVersion; titles: string[]; fileName: string }> {
  const frozen = await frozenDeckSnapshot(ctx, organisationId, meetingId, version);
  const built = await buildDeck(frozen.snapshot);
  return { ...built, version: frozen.version, fileName: deckFileName(frozen.snapshot, frozen.version.version, 'pptx') };
}

export function deckFileName(snapshot: CluDeckSnapshot, version: number, extension: 'pptx' | 'pdf'): string {
  return `support-clu-${snapshot.meeting.startsAt.slice(0, 10)}-v${version}.${extension}`;
}

/** Les chiffres du support : figés s'il a été généré, sinon collectés à l'instant (non enregistrés). Lu par le compte rendu. */
export async function deckSnapshotFor(ctx: AppContext, organisationId: string, meetingId: string): Promise<CluDeckSnapshot> {
  const versions = await deckVersions(ctx, organisationId, meetingId);
  if (versions.length > 0) return (await frozenDeckSnapshot(ctx, organisationId, meetingId)).snapshot;
  return collectDeckSnapshot(ctx, organisationId, meetingId);
}

/**
 * Quelques PDF récents gardés en mémoire, par publication : une version figée donne toujours le même
 * PDF, et LibreOffice met plusieurs secondes à le produire.
 */
const pdfCache = new Map<string, Buffer>();
const PDF_CACHE_SIZE = 4;

/** Le PDF d'une version figée, converti par LibreOffice (`pdf_unavailable` quand il est absent). */
export async function deckPdf(
  ctx: AppContext,
  organisationId: string,
  meetingId: string,
  version?: number,
): Promise<{ buffer: Buffer; fileName: string }> {
  if (!ctx.config.soffice) throw new AppError('pdf_unavailable');
  const frozen = await frozenDeckSnapshot(ctx, organisationId, meetingId, version);
  const fileName = deckFileName(frozen.snapshot, frozen.version.version, 'pdf');
  const cached = pdfCache.get(frozen.version.publicationId);
  if (cached) return { buffer: cached, fileName };
  const { buffer: pptx } = await buildDeck(frozen.snapshot);
  const pdf = await officeToPdf(ctx.config.soffice, pptx, 'pptx');
  pdfCache.set(frozen.version.publicationId, pdf);
  while (pdfCache.size > PDF_CACHE_SIZE) pdfCache.delete(pdfCache.keys().next().value as string);
  return { buffer: pdf, fileName };
}
