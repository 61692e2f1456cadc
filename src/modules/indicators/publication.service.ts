import type { Executor } from '../../db/types.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { organisationContext } from '../cases/case.service.ts';
import { parsePeriod } from '../cases/period.ts';
import type { CluDeckSnapshot } from '../clu/clu-deck-snapshot.ts';
import { organisationBrand } from '../organisations/organisation.service.ts';
import { surveyIndicatorFraction } from '../surveys/results.service.ts';
import {
  findPublication,
  type IndicatorPublicationRow,
  insertPublication,
  latestPublicationVersion,
  listPublications,
} from './indicator.repository.ts';
import { type IndicatorYearTable, indicatorYearTable } from './indicator.service.ts';
import { formatNumber, valueText } from './indicator-number.ts';
import type { PosterFigures, PosterItem } from './transparency-poster.ts';

/**
 * Publications : le tableau d'une année ou l'affiche d'un trimestre, figés au moment de la publication
 * (BRIEF : une correction ultérieure change la valeur vivante, jamais ce qui a été publié ; republier
 * crée une nouvelle version, l'historique est gardé).
 */
export type PublicationKind = 'table' | 'poster' | 'clu_deck' | 'clu_minutes';

/** Libellé d'une sorte de publication (historique des publications). */
export const PUBLICATION_KIND_LABELS: Record<PublicationKind, string> = {
  table: 'Tableau',
  poster: 'Affiche',
  clu_deck: 'Support du CLU',
  clu_minutes: 'Compte rendu du CLU',
};

export interface TablePublication {
  kind: 'table';
  organisationName: string;
  table: IndicatorYearTable;
}

export interface PosterPublication {
  kind: 'poster';
  figures: PosterFigures;
}

/** Les chiffres figés du support d'une réunion du CLU (`period_key` = identifiant de la réunion). */
export interface CluDeckPublication {
  kind: 'clu_deck';
  deck: CluDeckSnapshot;
}

/** Le compte rendu approuvé d'une réunion du CLU (`period_key` = identifiant de la réunion) ; contenu propre au compte rendu. */
export interface CluMinutesPublication {
  kind: 'clu_minutes';
  meetingId: string;
  minutes: unknown;
}

export type PublicationSnapshot = TablePublication | PosterPublication | CluDeckPublication | CluMinutesPublication;

export interface Publication {
  id: string;
  kind: PublicationKind;
  periodKey: string;
  version: number;
  publishedAt: string;
  publishedBy: string | null;
  snapshot: PublicationSnapshot;
}

function toPublication(row: IndicatorPublicationRow): Publication {
  return {
    id: row.id,
    kind: row.kind as PublicationKind,
    periodKey: row.period_key,
    version: Number(row.version),
    publishedAt: row.published_at,
    publishedBy: row.published_by_name,
    snapshot: JSON.parse(row.snapshot_json) as PublicationSnapshot,
  };
}

/** Les chiffres de l'affiche d'un trimestre : appels aboutis, délais de délivrance des titres, satisfaction, réponses. */
const POSTER_ROWS: { key: string; label: string }[] = [
  { key: 'TEL_ABOUTIS', label: 'des appels téléphoniques aboutis' },
  {
    key: 'TP_CNI_PASS',
    label: 'délai moyen de délivrance des cartes d’identité et passeports (depuis le rendez-vous en mairie)',
  },
  { key: 'TP_CIV', label: 'délai moyen de délivrance des certificats d’immatriculation' },
  { key: 'TP_PC', label: 'délai moyen de délivrance des permis de conduire' },
  { key: 'DI_MAIL_5J', label: 'des courriels de demande d’information traités en 5 jours ouvrés' },
  { key: 'RECL_MAIL_5J', label: 'des réclamations électroniques traitées en 5 jours ouvrés' },
];

function quarterOf(input: unknown) {
  const period = typeof input === 'string' ? parsePeriod(input) : undefined;
  if (period?.kind !== 'quarter') {
    throw new AppError('validation_failed', { trimestre: 'Trimestre : attendu sous la forme 2026-Q3.' });
  }
  return period;
}

/** Les chiffres vivants de l'affiche d'un trimestre, à la date d'arrêté (par défaut aujourd'hui). */
export async function posterFigures(
  ctx: AppContext,
  organisationId: string,
  quarterInput: unknown,
  asOfInput?: string,
): Promise<PosterFigures> {
  const quarter = quarterOf(quarterInput);
  const { organisation, department } = await organisationContext(ctx, organisationId);
  const asOf = asOfInput ?? instantToLocalDate(ctx.clock.now(), department.timeZone);
  const year = Number(quarter.start.slice(0, 4));
  const index = Number(quarter.key.slice(-1)) - 1;
  const table = await indicatorYearTable(ctx, organisationId, year, asOf);
  const items: PosterItem[] = [];
  for (const { key, label } of POSTER_ROWS) {
    const row = table.rows.find((r) => r.indicator.key === key);
    const cell = row?.quarters[index];
    if (!row || !cell || cell.status !== 'measured' || cell.value === null) continue;
    const days = row.indicator.unit === 'days' || row.indicator.unit === 'working_days';
    items.push({
      key,
      label,
      text: days ? `${formatNumber(cell.value)}\u202fjours` : valueText(cell.value, row.indicator.unit),
      detail:
        cell.denominator !== null && !days
          ? `${formatNumber(cell.numerator ?? 0)} sur ${formatNumber(cell.denominator)}`
          : cell.provisional
            ? 'valeur provisoire'
            : null,
    });
  }
  const satisfaction = await surveyIndicatorFraction(ctx, organisationId, {
    surveyedChannel: 'physical_reception',
    criterion: null,
    from: quarter.start,
    to: quarter.end < asOf ? quarter.end : asOf,
  });
  if (satisfaction.status === 'measured' && satisfaction.value !== null) {
    items.push({
      key: 'SATISFACTION_ACCUEIL',
      label: 'des usagers satisfaits de l’accueil physique (enquête de satisfaction)',
      text: valueText(satisfaction.value, 'percent'),
      detail: `${formatNumber(satisfaction.denominator)} réponses exprimées`,
    });
  }
  return {
    organisationName: organisation.name,
    prefect: organisationBrand(organisation),
    quarter: quarter.key,
    quarterLabel: quarter.label,
    asOf,
    items,
  };
}

/**
 * Écrit la version suivante d'une publication dans la transaction de l'appelant, avec son événement
 * d'audit : un module qui publie et modifie ses propres lignes (la réunion du CLU et son support) le
 * fait d'un seul bloc.
 */
export async function publishWithin(
  trx: Executor,
  clock: Clock,
  organisationId: string,
  kind: PublicationKind,
  periodKey: string,
  snapshot: PublicationSnapshot,
  actor: Actor,
): Promise<Publication> {
  const version = (await latestPublicationVersion(trx, organisationId, kind, periodKey)) + 1;
  const row = {
    id: newId(),
    organisation_id: organisationId,
    kind,
    period_key: periodKey,
    version,
    snapshot_json: JSON.stringify(snapshot),
    published_at: clock.now().toISOString(),
    published_by_user_id: actor.userId,
    published_by_name: actor.label,
  };
  await insertPublication(trx, row);
  await recordAudit(trx, clock, {
    organisationId,
    actor,
    action: 'indicator.published',
    entityType: 'indicator_publication',
    entityId: row.id,
    summary: `${PUBLICATION_KIND_LABELS[kind]} ${periodKey} publié (version ${version})`,
  });
  return toPublication(row);
}

async function publish(
  ctx: AppContext,
  organisationId: string,
  kind: PublicationKind,
  periodKey: string,
  snapshot: PublicationSnapshot,
  actor: Actor,
): Promise<Publication> {
  return ctx.db.transaction().execute((trx) => publishWithin(trx, ctx.clock, organisationId, kind, periodKey, snapshot, actor));
}

export async function publishTable(
  ctx: AppContext,
  organisationId: string,
  yearInput: unknown,
  asOf: string | undefined,
  actor: Actor,
) {
  const table = await indicatorYearTable(ctx, organisationId, yearInput, asOf);
  const { organisation } = await organisationContext(ctx, organisationId);
  return publish(
    ctx,
    organisationId,
    'table',
    String(table.year),
    { kind: 'table', organisationName: organisation.name, table },
    actor,
  );
}

export async function publishPoster(ctx: AppContext, organisationId: string, quarterInput: unknown, actor: Actor) {
  const figures = await posterFigures(ctx, organisationId, quarterInput);
  return publish(ctx, organisationId, 'poster', figures.quarter, { kind: 'poster', figures }, actor);
}

export async function publications(ctx: AppContext, organisationId: string, kind?: PublicationKind): Promise<Publication[]> {
  return (await listPublications(ctx.db, organisationId, kind)).map(toPublication);
}

export async function publication(ctx: AppContext, organisationId: string, id: string): Promise<Publication> {
  const row = await findPublication(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Publication introuvable.');
  return toPublication(row);
}

/** Sortes montrées sur la page publique « Nos résultats » (le support et le compte rendu du CLU ont leurs pages). */
export function isResultsPublication(p: Pick<Publication, 'kind'>): boolean {
  return p.kind === 'table' || p.kind === 'poster';
}

/** La dernière publication de chaque sorte (la page publique n'en montre pas d'autre par défaut). */
export async function latestPublications(ctx: AppContext, organisationId: string) {
  const all = (await publications(ctx, organisationId)).filter(isResultsPublication);
  return { table: all.find((p) => p.kind === 'table') ?? null, poster: all.find((p) => p.kind === 'poster') ?? null, all };
}
