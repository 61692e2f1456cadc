import { z } from 'zod';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { xlsxToCsv } from '../cases/case-import.routes.ts';
import { decodeCsv } from '../cases/case-import.ts';
import { listIndicators } from '../referentiel/referentiel.repository.ts';
import { deleteValues, findImportMapping, listValues, saveImportMapping, upsertValues } from './indicator.repository.ts';
import { yearSchema } from './indicator.schemas.ts';
import { indicatorCatalogue, organisationPopulation } from './indicator.service.ts';
import type { ImportSource, IndicatorUnit } from './indicator-catalogue.ts';
import {
  type ColumnMapping,
  headerErrors,
  IMPORT_FORMATS,
  ImportPlanner,
  isImportSource,
  type LineError,
  type PlannedValue,
  parsePeriod,
  parseTable,
  type RawTable,
  suggestMapping,
} from './indicator-import.ts';

/** Au-delà de ce nombre de lignes de données, l'import confirmé s'exécute en tâche de fond. */
export const BACKGROUND_IMPORT_MIN_LINES = 2000;
/** Fréquence des rappels d'avancement pendant le contrôle des lignes. */
export const PROGRESS_EVERY_LINES = 500;
/** Au-delà, l'erreur d'import résume le reste (la page et la sortie restent lisibles). */
const MAX_REPORTED_ERRORS = 200;

/** Erreur d'import : rien n'est écrit ; chaque ligne fautive avec son numéro et sa raison. */
export function indicatorImportError(errors: LineError[]): AppError {
  const fields: Record<string, string> = {};
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  for (const error of sorted.slice(0, MAX_REPORTED_ERRORS)) {
    const key = `ligne ${error.line}`;
    // Deux erreurs sur la même ligne (en-tête) : réunies.
    fields[key] = fields[key] ? `${fields[key]} ; ${error.message}` : `${key} : ${error.message}`;
  }
  if (sorted.length > MAX_REPORTED_ERRORS) fields.suite = `… et ${sorted.length - MAX_REPORTED_ERRORS} autres lignes en erreur.`;
  return new AppError('import_failed', fields);
}

function isXlsx(bytes: Uint8Array, fileName: string): boolean {
  // Un classeur .xlsx est une archive ZIP (« PK\x03\x04 »).
  return (
    fileName.toLowerCase().endsWith('.xlsx') || (bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03)
  );
}

/**
 * Le texte CSV d'un fichier envoyé : CSV décodé (UTF-8 avec ou sans BOM, à défaut Windows-1252) ou
 * première feuille d'un classeur .xlsx convertie. C'est ce texte qui passe d'une étape à l'autre.
 */
export async function readImportFile(bytes: Uint8Array, fileName: string): Promise<string> {
  return isXlsx(bytes, fileName) ? xlsxToCsv(bytes) : decodeCsv(bytes);
}

function tableOf(csv: string): RawTable {
  const parsed = parseTable(csv);
  if ('error' in parsed) throw indicatorImportError([parsed.error]);
  return parsed.table;
}

function sourceOf(input: unknown): ImportSource {
  if (!isImportSource(input)) {
    throw new AppError('validation_failed', {
      source: 'Source : choisissez téléphonie, statistiques du site, réseaux sociaux, ANTS ou indicateurs locaux.',
    });
  }
  return input;
}

export async function rememberedMapping(
  ctx: AppContext,
  organisationId: string,
  source: ImportSource,
): Promise<ColumnMapping | null> {
  const row = await findImportMapping(ctx.db, organisationId, source);
  if (!row) return null;
  try {
    const parsed = JSON.parse(row.mapping_json) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return null;
  }
}

export interface MappingStep {
  source: ImportSource;
  headers: string[];
  mapping: ColumnMapping;
  /** Une correspondance a déjà été retenue pour cette organisation et cette source. */
  remembered: boolean;
  lineCount: number;
  /** Premières valeurs de chaque colonne du fichier, pour reconnaître la bonne. */
  samples: Record<string, string[]>;
}

/**
 * Étape de correspondance : les colonnes du fichier et la correspondance proposée (retenue pour la
 * source, sinon par les intitulés). Un fichier vide ou illisible est refusé dès cette étape.
 */
export async function prepareMapping(
  ctx: AppContext,
  organisationId: string,
  sourceInput: unknown,
  csv: string,
): Promise<MappingStep> {
  const source = sourceOf(sourceInput);
  const table = tableOf(csv);
  if (table.headers.length === 0 || table.rows.length === 0) {
    throw indicatorImportError([
      {
        line: table.headers.length === 0 ? 1 : 2,
        message: 'fichier vide : une ligne d’en-tête puis une ligne par période sont attendues',
      },
    ]);
  }
  const remembered = await rememberedMapping(ctx, organisationId, source);
  const samples: Record<string, string[]> = {};
  table.headers.forEach((header, i) => {
    samples[header] = table.rows
      .slice(0, 3)
      .map((r) => (r.cells[i] ?? '').trim())
      .filter(Boolean);
  });
  return {
    source,
    headers: table.headers,
    mapping: suggestMapping(source, table.headers, remembered),
    remembered: remembered !== null,
    lineCount: table.rows.length,
    samples,
  };
}

/**
 * Année par défaut d'un import en ligne de commande : celle de la première ligne datée du fichier
 * (les autres lignes doivent alors être de la même année), sinon l'année en cours.
 */
export async function yearOfFirstLine(
  ctx: AppContext,
  organisationId: string,
  sourceInput: unknown,
  csv: string,
): Promise<number> {
  const source = sourceOf(sourceInput);
  const parsed = parseTable(csv);
  const fallback = ctx.clock.now().getUTCFullYear();
  if ('error' in parsed) return fallback;
  const { headers, rows } = parsed.table;
  const mapping = suggestMapping(source, headers, await rememberedMapping(ctx, organisationId, source));
  const column = headers.indexOf(mapping[source === 'telephony' ? 'date' : 'mois'] ?? '');
  if (column < 0) return fallback;
  for (const row of rows) {
    const period = parsePeriod(row.cells[column] ?? '');
    if (period) return Number(period.month.slice(0, 4));
  }
  return fallback;
}

export interface IndicatorImportInput {
  source: unknown;
  year: unknown;
  /** Texte CSV (voir `readImportFile`). */
  csv: string;
  fileName: string;
  /** Absente : la correspondance retenue pour la source, sinon celle proposée par les intitulés. */
  mapping?: ColumnMapping | undefined;
}

export interface PreviewValue extends PlannedValue {
  code: string | null;
  label: string;
  unit: IndicatorUnit;
}

export interface IndicatorImportSummary {
  source: ImportSource;
  sourceLabel: string;
  year: number;
  fileName: string;
  lineCount: number;
  mapping: ColumnMapping;
  values: PreviewValue[];
  months: string[];
  /** Valeurs déjà enregistrées pour ces indicateurs et ces mois, remplacées par l'import. */
  replaced: number;
  /** Parmi elles, celles saisies à la main. */
  replacedTyped: number;
  ignored: { indicatorKey: string; label: string; module: number; values: number; reason: string }[];
  warnings: LineError[];
}

const optionsSchema = z.object({ year: yearSchema });

/**
 * Importe un fichier d'une source ou d'indicateurs locaux, tout ou rien : chaque ligne est contrôlée
 * (numéro et raison en cas d'erreur), les valeurs mensuelles sont calculées, puis, dans une transaction,
 * les valeurs déjà enregistrées pour ces indicateurs et ces mois sont remplacées, la correspondance des
 * colonnes est retenue et l'import est tracé. `dryRun` : la prévisualisation, sans rien écrire.
 */
export async function importIndicatorFile(
  ctx: AppContext,
  organisationId: string,
  input: IndicatorImportInput,
  actor: Actor,
  options: {
    dryRun?: boolean;
    /**
     * Avancement en lignes : appelé avec 0, puis toutes les `PROGRESS_EVERY_LINES` lignes contrôlées
     * (hors transaction), puis avec le total une fois les valeurs écrites.
     */
    onProgress?: (done: number, total: number) => void | Promise<void>;
  } = {},
): Promise<IndicatorImportSummary> {
  const source = sourceOf(input.source);
  const { year } = validate(optionsSchema, { year: input.year });
  const format = IMPORT_FORMATS[source];
  const table = tableOf(input.csv);
  const mapping = input.mapping ?? suggestMapping(source, table.headers, await rememberedMapping(ctx, organisationId, source));
  const header = headerErrors(source, table, mapping);
  if (header.length > 0) throw indicatorImportError(header);

  const [catalogue, referentiel] = await Promise.all([indicatorCatalogue(ctx, organisationId), listIndicators(ctx.db)]);
  const population = source === 'web_analytics' ? await organisationPopulation(ctx, organisationId) : null;
  const planner = new ImportPlanner(source, table.headers, mapping, {
    year,
    population,
    indicatorKeys: new Set(catalogue.map((i) => i.key)),
    // Saisis ou importés : un indicateur local en saisie mensuelle peut aussi recevoir un fichier.
    localIndicators: catalogue.filter((i) => i.local).map((i) => ({ key: i.key, label: i.label, unit: i.unit })),
  });
  const total = table.rows.length;
  await options.onProgress?.(0, total);
  let done = 0;
  for (const row of table.rows) {
    planner.add(row.line, row.cells);
    done++;
    if (done % PROGRESS_EVERY_LINES === 0 && done < total) await options.onProgress?.(done, total);
  }
  if (planner.errors.length > 0) throw indicatorImportError(planner.errors);
  const plan = planner.finish();

  const byKey = new Map(catalogue.map((i) => [i.key, i]));
  const referentielByKey = new Map(referentiel.map((r) => [r.key, r]));
  const pairs = new Set(plan.values.map((v) => `${v.indicatorKey}|${v.month}`));
  const keys = [...new Set(plan.values.map((v) => v.indicatorKey))];
  const existing = (await listValues(ctx.db, organisationId, `${year}-01`, `${year}-12`, keys)).filter((r) =>
    pairs.has(`${r.indicator_key}|${r.month}`),
  );
  const summary: IndicatorImportSummary = {
    source,
    sourceLabel: format.label,
    year,
    fileName: input.fileName,
    lineCount: plan.lineCount,
    mapping,
    values: plan.values.map((v) => {
      const indicator = byKey.get(v.indicatorKey);
      return {
        ...v,
        code: indicator?.code ?? null,
        label: indicator?.label ?? v.indicatorKey,
        unit: indicator?.unit ?? 'count',
      };
    }),
    months: [...new Set(plan.values.map((v) => v.month))].sort(),
    replaced: existing.length,
    replacedTyped: existing.filter((r) => r.provenance !== 'import').length,
    ignored: plan.ignored.map((i) => ({
      ...i,
      label: referentielByKey.get(i.indicatorKey)?.label ?? i.indicatorKey,
      reason:
        i.module === 2
          ? 'hors du périmètre de l’organisation (module 2 : préfectures dotées d’un CERT)'
          : `hors du périmètre de l’organisation (module ${i.module})`,
    })),
    warnings: plan.warnings,
  };
  if (options.dryRun) return summary;
  if (plan.values.length === 0) {
    throw new AppError('validation_failed', {
      file: 'Aucune valeur à enregistrer : les indicateurs de ce fichier sont hors du périmètre de l’organisation.',
    });
  }

  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    // Un mois réimporté remplace tout ce que l'indicateur avait pour ce mois, ventilations comprises
    // (un réseau renommé ne doit pas s'ajouter à l'ancien).
    for (const pair of pairs) {
      const [key, month] = pair.split('|') as [string, string];
      await deleteValues(trx, organisationId, key, month);
    }
    await upsertValues(
      trx,
      plan.values.map((v) => ({
        id: newId(),
        organisation_id: organisationId,
        indicator_key: v.indicatorKey,
        month: v.month,
        breakdown: v.breakdown,
        status: v.status,
        value: v.value,
        numerator: v.numerator,
        denominator: v.denominator,
        note: v.note,
        historic: 0,
        provenance: 'import',
        source_file: input.fileName,
        entered_by_user_id: actor.userId,
        entered_by_name: actor.label,
        updated_at: now,
      })),
    );
    await saveImportMapping(trx, organisationId, source, JSON.stringify(mapping), now);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'indicator.imported',
      entityType: 'indicator_import',
      entityId: source,
      summary: `Import ${format.label} « ${input.fileName} » (${year}) : ${plan.values.length} valeur(s) sur ${summary.months.length} mois${
        existing.length > 0 ? `, remplace ${existing.length} valeur(s)` : ''
      }`,
      before:
        existing.length > 0
          ? existing.map((r) => ({
              key: r.indicator_key,
              month: r.month,
              breakdown: r.breakdown,
              status: r.status,
              value: r.value,
            }))
          : undefined,
      after: {
        lines: plan.lineCount,
        values: plan.values.length,
        months: summary.months,
        ignored: plan.ignored.map((i) => i.indicatorKey),
      },
    });
  });
  await options.onProgress?.(total, total);
  return summary;
}
