import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { daysInMonth } from '../calendar/civil-date.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { organisationContext, registerIndicatorTable } from '../cases/case.service.ts';
import { parsePeriod } from '../cases/period.ts';
import type { IndicatorSummary } from '../cases/register-indicators.ts';
import { findDepartment } from '../organisations/departments.ts';
import { listPerimeter } from '../organisations/organisation.repository.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import { listIndicators } from '../referentiel/referentiel.repository.ts';
import { SURVEY_INDICATORS } from '../surveys/questionnaire.ts';
import { type SurveyIndicatorResult, surveyIndicatorMonthlyFractions } from '../surveys/results.service.ts';
import {
  deleteTarget,
  deleteValues,
  findTarget,
  findValues,
  type IndicatorValueRow,
  insertLocalIndicator,
  listLocalIndicators,
  listTargets,
  listValues,
  upsertTarget,
  upsertValues,
} from './indicator.repository.ts';
import { localIndicatorSchema, MONTH, targetSchema, valueEntrySchema, yearSchema } from './indicator.schemas.ts';
import { buildCatalogue, type CatalogueIndicator, isComputed } from './indicator-catalogue.ts';
import { aggregateCells, type Cell, notApplicable, notAvailable, ratioValue, round2 } from './indicator-cell.ts';
import { checkTarget, evaluateTarget, formatTarget, type Target, type TargetKind, type TargetStatus } from './target.ts';

export const NATIONAL_SCOPE = 'national';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function monthEnd(year: number, month: number): string {
  return `${year}-${pad(month)}-${pad(daysInMonth(year, month))}`;
}

/** Le catalogue de l'organisation : indicateurs du référentiel de son périmètre, puis ses indicateurs locaux. */
export async function indicatorCatalogue(ctx: AppContext, organisationId: string): Promise<CatalogueIndicator[]> {
  const [referentiel, perimeter, locals] = await Promise.all([
    listIndicators(ctx.db),
    listPerimeter(ctx.db, organisationId),
    listLocalIndicators(ctx.db, organisationId),
  ]);
  return buildCatalogue(referentiel, perimeter, locals);
}

async function catalogueEntry(ctx: AppContext, organisationId: string, key: string): Promise<CatalogueIndicator> {
  const entry = (await indicatorCatalogue(ctx, organisationId)).find((i) => i.key === key);
  if (!entry) throw new AppError('not_found', {}, 'Indicateur inconnu ou hors du périmètre de l’organisation.');
  return entry;
}

export interface ResolvedTarget extends Target {
  scope: 'national' | 'local';
  label: string;
}

function resolvedTarget(
  rows: { scope: string; indicator_key: string; year: number; kind: string; low: number | null; high: number | null }[],
  indicator: CatalogueIndicator,
  year: number,
  organisationId: string,
): ResolvedTarget | null {
  const pick = (scope: string) => rows.find((r) => r.scope === scope && r.indicator_key === indicator.key && r.year === year);
  const local = pick(organisationId);
  const national = pick(NATIONAL_SCOPE);
  const row = local ?? national;
  if (!row) return null;
  const target: Target = { kind: row.kind as TargetKind, low: row.low, high: row.high };
  return { ...target, scope: local ? 'local' : 'national', label: formatTarget(target, indicator.unit) };
}

/** Le catalogue avec la cible de l'année de chaque indicateur (locale, sinon nationale), sans calcul de valeurs. */
export async function catalogueWithTargets(ctx: AppContext, organisationId: string, yearInput: unknown) {
  const year = validate(yearSchema, yearInput);
  const [catalogue, targets] = await Promise.all([
    indicatorCatalogue(ctx, organisationId),
    listTargets(ctx.db, [organisationId, NATIONAL_SCOPE], year, year),
  ]);
  return {
    year,
    rows: catalogue.map((indicator) => ({ indicator, target: resolvedTarget(targets, indicator, year, organisationId) })),
  };
}

// --- Cibles -------------------------------------------------------------------------------------

/**
 * Enregistre la cible d'un indicateur pour une année : `national` (rôle national, indicateurs du
 * référentiel) ou locale (référent de l'organisation). Une cible « aucune » se note `none` ; effacer
 * une cible locale fait revenir la cible nationale.
 */
export async function setTarget(
  ctx: AppContext,
  scope: { national: true } | { organisationId: string },
  indicatorKey: string,
  yearInput: unknown,
  input: unknown,
  actor: Actor,
): Promise<void> {
  const year = validate(yearSchema, yearInput);
  const parsed = validate(targetSchema, input);
  const unitAndDirection =
    'organisationId' in scope
      ? await catalogueEntry(ctx, scope.organisationId, indicatorKey)
      : await nationalIndicator(ctx, indicatorKey);
  const target: Target = {
    kind: parsed.kind,
    low: parsed.kind === 'max' || parsed.kind === 'none' ? null : parsed.low,
    high: parsed.kind === 'min' || parsed.kind === 'count_per_year' || parsed.kind === 'none' ? null : parsed.high,
  };
  const errors = checkTarget(target, unitAndDirection.unit);
  if (Object.keys(errors).length > 0) throw new AppError('validation_failed', errors);
  const scopeKey = 'organisationId' in scope ? scope.organisationId : NATIONAL_SCOPE;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findTarget(trx, scopeKey, indicatorKey, year);
    await upsertTarget(trx, {
      id: newId(),
      scope: scopeKey,
      indicator_key: indicatorKey,
      year,
      kind: target.kind,
      low: target.low,
      high: target.high,
      updated_by_user_id: actor.userId,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId: 'organisationId' in scope ? scope.organisationId : null,
      actor,
      action: 'indicator.target_set',
      entityType: 'indicator',
      entityId: indicatorKey,
      summary: `Cible ${scopeKey === NATIONAL_SCOPE ? 'nationale' : 'locale'} ${year} de ${indicatorKey} : ${formatTarget(target, unitAndDirection.unit)}`,
      before: before ? { kind: before.kind, low: before.low, high: before.high } : undefined,
      after: target,
    });
  });
}

export async function clearTarget(
  ctx: AppContext,
  scope: { national: true } | { organisationId: string },
  indicatorKey: string,
  yearInput: unknown,
  actor: Actor,
): Promise<void> {
  const year = validate(yearSchema, yearInput);
  const scopeKey = 'organisationId' in scope ? scope.organisationId : NATIONAL_SCOPE;
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findTarget(trx, scopeKey, indicatorKey, year);
    if (!before) return;
    await deleteTarget(trx, scopeKey, indicatorKey, year);
    await recordAudit(trx, ctx.clock, {
      organisationId: 'organisationId' in scope ? scope.organisationId : null,
      actor,
      action: 'indicator.target_cleared',
      entityType: 'indicator',
      entityId: indicatorKey,
      summary: `Cible ${scopeKey === NATIONAL_SCOPE ? 'nationale' : 'locale'} ${year} de ${indicatorKey} retirée`,
      before: { kind: before.kind, low: before.low, high: before.high },
    });
  });
}

/** Les indicateurs du référentiel, pour les cibles nationales (tous modules confondus). */
export async function nationalIndicator(ctx: AppContext, key: string): Promise<CatalogueIndicator> {
  const entry = buildCatalogue(await listIndicators(ctx.db), [1, 2, 3, 4, 5, 6, 7, 8], []).find((i) => i.key === key);
  if (!entry) throw new AppError('not_found', {}, 'Indicateur inconnu du référentiel.');
  return entry;
}

export async function nationalTargets(ctx: AppContext, yearInput: unknown) {
  const year = validate(yearSchema, yearInput);
  const catalogue = buildCatalogue(await listIndicators(ctx.db), [1, 2, 3, 4, 5, 6, 7, 8], []);
  const rows = await listTargets(ctx.db, [NATIONAL_SCOPE], year, year);
  return {
    year,
    rows: catalogue.map((indicator) => ({ indicator, target: resolvedTarget(rows, indicator, year, '') })),
  };
}

// --- Indicateurs locaux -------------------------------------------------------------------------

function localKey(label: string, taken: Set<string>): string {
  const base = `LOC_${label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 30)}`;
  let key = base === 'LOC_' ? 'LOC_INDICATEUR' : base;
  for (let i = 2; taken.has(key); i++) key = `${base}_${i}`;
  return key;
}

export async function addLocalIndicator(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const parsed = validate(localIndicatorSchema, input);
  return ctx.db.transaction().execute(async (trx) => {
    const taken = new Set((await listLocalIndicators(trx, organisationId)).map((l) => l.key));
    const key = localKey(parsed.label, taken);
    await insertLocalIndicator(trx, {
      id: newId(),
      organisation_id: organisationId,
      key,
      label: parsed.label,
      unit: parsed.unit,
      direction: parsed.direction,
      source: parsed.source,
      created_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'indicator.local_created',
      entityType: 'indicator',
      entityId: key,
      summary: `Indicateur local ${key} créé : ${parsed.label}`,
    });
    return { key };
  });
}

// --- Saisie mensuelle -----------------------------------------------------------------------------

/**
 * Saisie à la main d'une valeur mensuelle : « sans objet » est un choix explicite (avec sa raison),
 * jamais un 0 vide. Un indicateur calculé n'accepte qu'une valeur historique (mois où Vigie n'avait pas
 * les données), qui remplace alors le calcul de ce mois.
 */
export async function recordValue(ctx: AppContext, organisationId: string, indicatorKey: string, input: unknown, actor: Actor) {
  const indicator = await catalogueEntry(ctx, organisationId, indicatorKey);
  const entry = validate(valueEntrySchema, input);
  const errors: Record<string, string> = {};
  if (isComputed(indicator) && !entry.historic) {
    errors.historic =
      'Cet indicateur est calculé par Vigie : une valeur saisie ne peut être qu’historique (mois antérieur aux données de Vigie).';
  }
  let value: number | null = null;
  let numerator: number | null = null;
  let denominator: number | null = null;
  if (entry.status === 'not_applicable') {
    if (!entry.note) errors.note = 'Sans objet : indiquez la raison (exemple : « aucune demande »).';
  } else {
    numerator = entry.numerator;
    denominator = entry.denominator;
    if ((numerator === null) !== (denominator === null)) {
      errors[numerator === null ? 'numerator' : 'denominator'] =
        'Numérateur et dénominateur vont ensemble : saisissez les deux ou aucun.';
    }
    for (const [field, n] of [
      ['value', entry.value],
      ['numerator', numerator],
      ['denominator', denominator],
    ] as const) {
      if (n !== null && n < 0) errors[field] = 'Un nombre positif ou nul est attendu.';
    }
    if (numerator !== null && denominator !== null && !errors.numerator && !errors.denominator) {
      if (denominator === 0) errors.denominator = 'Dénominateur nul : rien à mesurer, choisissez « sans objet ».';
      else if (indicator.unit === 'percent' && numerator > denominator) {
        errors.numerator = 'Un taux : le numérateur ne peut dépasser le dénominateur.';
      } else value = ratioValue(numerator, denominator, indicator.unit);
    } else if (numerator === null) {
      value = entry.value;
      if (value === null) errors.value = 'Valeur : saisissez un nombre, ou choisissez « sans objet ».';
    }
    if (value !== null && indicator.unit === 'percent' && value > 100 && !errors.value) {
      errors.value = 'Un pourcentage est compris entre 0 et 100.';
    }
    if (value !== null && indicator.unit === 'count' && !Number.isInteger(value) && !errors.value) {
      errors.value = 'Un nombre entier est attendu.';
    }
  }
  if (Object.keys(errors).length > 0) throw new AppError('validation_failed', errors);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findValues(trx, organisationId, indicatorKey, entry.month);
    await deleteValues(trx, organisationId, indicatorKey, entry.month);
    await upsertValues(trx, [
      {
        id: newId(),
        organisation_id: organisationId,
        indicator_key: indicatorKey,
        month: entry.month,
        breakdown: '',
        status: entry.status,
        value: value === null ? null : round2(value),
        numerator,
        denominator,
        note: entry.note ?? null,
        historic: entry.historic ? 1 : 0,
        provenance: 'manual',
        source_file: null,
        entered_by_user_id: actor.userId,
        entered_by_name: actor.label,
        updated_at: now,
      },
    ]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'indicator.value_recorded',
      entityType: 'indicator',
      entityId: indicatorKey,
      summary: `${indicatorKey} ${entry.month} : ${entry.status === 'not_applicable' ? 'sans objet' : String(value)}${entry.historic ? ' (historique)' : ''}`,
      before: before.length > 0 ? before.map((b) => ({ status: b.status, value: b.value, breakdown: b.breakdown })) : undefined,
      after: { status: entry.status, value, numerator, denominator, note: entry.note ?? null },
    });
  });
}

export async function removeValue(ctx: AppContext, organisationId: string, indicatorKey: string, month: string, actor: Actor) {
  if (!MONTH.test(month)) throw new AppError('validation_failed', { month: 'Mois : attendu sous la forme AAAA-MM.' });
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findValues(trx, organisationId, indicatorKey, month);
    if (before.length === 0) return;
    await deleteValues(trx, organisationId, indicatorKey, month);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'indicator.value_removed',
      entityType: 'indicator',
      entityId: indicatorKey,
      summary: `${indicatorKey} ${month} : valeur retirée`,
      before: before.map((b) => ({ status: b.status, value: b.value, breakdown: b.breakdown })),
    });
  });
}

/** Qui a saisi ou importé les valeurs d'un indicateur, mois par mois (traçabilité de la fiche). */
export async function valueProvenance(ctx: AppContext, organisationId: string, indicatorKey: string, year: number) {
  const rows = await listValues(ctx.db, organisationId, `${year}-01`, `${year}-12`, [indicatorKey]);
  const byMonth = new Map<string, string>();
  for (const row of rows) {
    const who =
      row.provenance === 'import' ? `fichier « ${row.source_file ?? '?'} »` : `saisie par ${row.entered_by_name ?? '?'}`;
    byMonth.set(row.month, `${who}, le ${row.updated_at.slice(0, 10).split('-').reverse().join('/')}`);
  }
  return byMonth;
}

// --- Le tableau de l'année -------------------------------------------------------------------------

export interface CellWithStatus extends Cell {
  target: TargetStatus | null;
}

export interface IndicatorYearRow {
  indicator: CatalogueIndicator;
  target: ResolvedTarget | null;
  /** Douze mois ; un mois pas encore commencé à la date d'arrêté est `null`. */
  months: (CellWithStatus | null)[];
  quarters: (CellWithStatus | null)[];
  year: CellWithStatus;
  yearToDate: CellWithStatus;
}

export interface IndicatorYearTable {
  year: number;
  asOf: string;
  /** Mois commencés à la date d'arrêté (0 à 12). */
  elapsedMonths: number;
  rows: IndicatorYearRow[];
}

function fromSummary(summary: IndicatorSummary): Cell {
  if (summary.status !== 'measured' || summary.value === null) {
    // 0 / 0 : rien à mesurer, dit avec ses chiffres.
    return {
      ...notApplicable('aucune demande dans la période', 'computed', summary.provisional),
      numerator: summary.numerator,
      denominator: summary.denominator,
    };
  }
  return {
    status: 'measured',
    value: summary.value,
    numerator: summary.numerator,
    denominator: summary.denominator,
    provisional: summary.provisional,
    note: null,
    provenance: 'computed',
    breakdown: [],
  };
}

/** Les valeurs stockées d'un mois (une par ventilation) en une case. */
export function cellFromStored(rows: readonly IndicatorValueRow[], indicator: CatalogueIndicator, provisional: boolean): Cell {
  const provenance = rows.some((r) => r.historic === 1) ? 'historic' : rows[0]?.provenance === 'import' ? 'imported' : 'typed';
  const notes = [...new Set(rows.map((r) => r.note).filter((n): n is string => !!n))].join(' ; ') || null;
  const measured = rows.filter((r) => r.status === 'measured');
  if (measured.length === 0) {
    if (rows.some((r) => r.status === 'not_applicable')) return notApplicable(notes, provenance, provisional);
    return { ...notAvailable(provisional), note: notes, provenance };
  }
  const withFraction = measured.every((r) => r.numerator !== null && r.denominator !== null);
  const numerator = withFraction ? measured.reduce((s, r) => s + (r.numerator ?? 0), 0) : null;
  // Un compte par jour (vues par jour) a pour dénominateur la durée du mois, commune aux réseaux : le total
  // du mois est la somme des vues de tous les réseaux sur cette durée, pas sur la somme des durées.
  const sharedPeriod = indicator.unit === 'count' && indicator.aggregation === 'ratio';
  const denominator = withFraction
    ? sharedPeriod
      ? Math.max(...measured.map((r) => r.denominator ?? 0))
      : measured.reduce((s, r) => s + (r.denominator ?? 0), 0)
    : null;
  let value: number | null;
  if (indicator.aggregation === 'sum') value = round2(measured.reduce((s, r) => s + (r.value ?? 0), 0));
  else if (numerator !== null && denominator !== null) value = ratioValue(numerator, denominator, indicator.unit);
  else value = round2(measured.reduce((s, r) => s + (r.value ?? 0), 0) / measured.length);
  if (value === null) return notApplicable(notes, provenance, provisional);
  return {
    status: 'measured',
    value,
    numerator,
    denominator,
    provisional,
    note: notes,
    provenance,
    breakdown: measured
      .filter((r) => r.breakdown !== '')
      .map((r) => ({ label: r.breakdown, value: r.value ?? 0, numerator: r.numerator, denominator: r.denominator })),
  };
}

/**
 * Le tableau d'une année, tel que les CLU le présentent : chaque indicateur du catalogue avec sa
 * cible, une valeur par mois, par trimestre, l'année et le cumul à la date d'arrêté. Les valeurs
 * calculées sont lues dans le registre et les enquêtes (aucune copie) ; les autres viennent des imports
 * et des saisies.
 */
export async function indicatorYearTable(
  ctx: AppContext,
  organisationId: string,
  yearInput: unknown,
  asOfInput?: string,
): Promise<IndicatorYearTable> {
  const year = validate(yearSchema, yearInput);
  const { department } = await organisationContext(ctx, organisationId);
  const asOf = asOfInput ?? instantToLocalDate(ctx.clock.now(), department.timeZone);
  const catalogue = await indicatorCatalogue(ctx, organisationId);
  const register = await registerIndicatorTable(ctx, organisationId, String(year), asOf);
  const [targets, stored] = await Promise.all([
    listTargets(ctx.db, [organisationId, NATIONAL_SCOPE], year, year),
    listValues(ctx.db, organisationId, `${year}-01`, `${year}-12`),
  ]);
  const elapsedMonths = asOf < `${year}-01-01` ? 0 : asOf > `${year}-12-31` ? 12 : Number(asOf.slice(5, 7));
  const storedBy = new Map<string, IndicatorValueRow[]>();
  for (const row of stored) {
    const key = `${row.indicator_key}|${row.month}`;
    storedBy.set(key, [...(storedBy.get(key) ?? []), row]);
  }
  // Indicateurs d'enquête : les douze mois de chacun en une lecture groupée (une réponse compte dans le
  // mois, en date locale, où elle a été donnée).
  const surveyMonths = new Map<string, SurveyIndicatorResult[]>();
  if (elapsedMonths > 0) {
    for (const indicator of catalogue) {
      const survey = SURVEY_INDICATORS[indicator.key];
      if (!survey || !isComputed(indicator)) continue;
      surveyMonths.set(
        indicator.key,
        await surveyIndicatorMonthlyFractions(ctx, organisationId, {
          surveyedChannel: survey.surveyedChannel,
          criterion: survey.criterion,
          year,
        }),
      );
    }
  }
  const rows: IndicatorYearRow[] = [];
  for (const indicator of catalogue) {
    const registerRow = register.rows.find((r) => r.key === indicator.key);
    const survey = surveyMonths.get(indicator.key);
    const target = resolvedTarget(targets, indicator, year, organisationId);
    const months: (Cell | null)[] = [];
    for (let m = 1; m <= 12; m++) {
      if (m > elapsedMonths) {
        months.push(null);
        continue;
      }
      const month = `${year}-${pad(m)}`;
      const end = monthEnd(year, m);
      const provisional = asOf <= end;
      const storedRows = storedBy.get(`${indicator.key}|${month}`) ?? [];
      if (isComputed(indicator) && !storedRows.some((r) => r.historic === 1)) {
        if (indicator.source === 'register') {
          const summary = registerRow?.months[m - 1];
          months.push(summary ? fromSummary(summary) : notAvailable(provisional));
        } else if (survey) {
          const fraction = survey[m - 1];
          months.push(
            fraction?.status === 'measured'
              ? {
                  status: 'measured',
                  value: fraction.value,
                  numerator: fraction.numerator,
                  denominator: fraction.denominator,
                  provisional,
                  note: null,
                  provenance: 'computed',
                  breakdown: [],
                }
              : notApplicable('aucune réponse exprimée', 'computed', provisional),
          );
        } else {
          months.push(notAvailable(provisional));
        }
      } else {
        months.push(storedRows.length > 0 ? cellFromStored(storedRows, indicator, provisional) : notAvailable(provisional));
      }
    }
    const aggregate = (from: number, to: number, closed: boolean) => {
      const cells = months.slice(from, to).filter((c): c is Cell => c !== null);
      return aggregateCells(cells, indicator.aggregation, indicator.unit, closed);
    };
    const quarterCells = [0, 1, 2, 3].map((q) =>
      q * 3 >= elapsedMonths ? null : aggregate(q * 3, q * 3 + 3, asOf > monthEnd(year, q * 3 + 3)),
    );
    const yearClosed = asOf > `${year}-12-31`;
    const yearCell = aggregate(0, 12, yearClosed);
    const ytdCell = aggregate(0, elapsedMonths, yearClosed);
    const ytdInfo = indicator.aggregation === 'sum' ? { sum: ytdCell.value ?? 0, elapsedMonths, yearClosed } : undefined;
    const withStatus = (cell: Cell | null, cumulative: boolean): CellWithStatus | null =>
      cell === null
        ? null
        : {
            ...cell,
            target:
              cell.status === 'measured'
                ? evaluateTarget(target, indicator.direction, cell.value, cumulative ? ytdInfo : undefined)
                : null,
          };
    rows.push({
      indicator,
      target,
      months: months.map((c) => withStatus(c, false)),
      quarters: quarterCells.map((c) => withStatus(c, false)),
      year: withStatus(yearCell, true) as CellWithStatus,
      yearToDate: withStatus(ytdCell, true) as CellWithStatus,
    });
  }
  return { year, asOf, elapsedMonths, rows };
}

export interface PeriodIndicator {
  key: string;
  code: string | null;
  label: string;
  unit: string;
  source: string;
  status: Cell['status'];
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  provisional: boolean;
  note: string | null;
  target: string | null;
  targetStatus: TargetStatus | null;
  period: string;
  asOf: string;
}

/**
 * Chaque indicateur du catalogue pour une période (un mois, un trimestre, une année), lu dans le tableau
 * de l'année : la même valeur que la case correspondante.
 */
export async function indicatorsForPeriod(
  ctx: AppContext,
  organisationId: string,
  periodText: string,
  asOfInput?: string,
): Promise<PeriodIndicator[]> {
  const period = parsePeriod(periodText);
  if (!period) {
    throw new AppError('validation_failed', {
      period: `Période : « ${periodText} » attendue sous la forme 2026-03 (mois), 2026-Q1 (trimestre) ou 2026 (année).`,
    });
  }
  const table = await indicatorYearTable(ctx, organisationId, Number(period.start.slice(0, 4)), asOfInput);
  const month = Number(period.start.slice(5, 7));
  return table.rows.map((row) => {
    const cell =
      period.kind === 'month'
        ? row.months[month - 1]
        : period.kind === 'quarter'
          ? row.quarters[Math.ceil(month / 3) - 1]
          : row.yearToDate;
    const shown = cell ?? { ...notAvailable(true), target: null };
    return {
      key: row.indicator.key,
      code: row.indicator.code,
      label: row.indicator.label,
      unit: row.indicator.unit,
      source: row.indicator.source,
      status: shown.status,
      value: shown.value,
      numerator: shown.numerator,
      denominator: shown.denominator,
      provisional: shown.provisional,
      note: shown.note,
      target: row.target?.label ?? null,
      targetStatus: shown.target,
      period: period.key,
      asOf: table.asOf,
    };
  });
}

/** Population du département (IM106), pour l'import des statistiques du site. */
export async function organisationPopulation(ctx: AppContext, organisationId: string): Promise<number> {
  const organisation = await getOrganisation(ctx, organisationId);
  const department = findDepartment(organisation.department_code);
  if (!department) throw new AppError('validation_failed', { department: 'Département de l’organisation inconnu.' });
  return department.population;
}
