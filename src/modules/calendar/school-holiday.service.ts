import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId, sha256 } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { findDepartment } from '../organisations/departments.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import {
  deleteSchoolHolidayPeriodRow,
  findSchoolHolidayDataVersion,
  findSchoolHolidayPeriod,
  insertSchoolHolidayPeriods,
  listSchoolHolidayPeriods,
  replaceShippedSchoolHolidays,
  type SchoolHolidayPeriodRow,
} from './school-holiday.repository.ts';
import { schoolHolidayImportSchema, schoolHolidayPeriodSchema } from './school-holiday.schemas.ts';
import {
  type Coverage,
  coverage,
  describePeriod,
  type ImportError,
  type ImportRow,
  isIsoDate,
  isSchoolYear,
  isSchoolZone,
  parseSchoolHolidayCsv,
  periodsOverlap,
  type SchoolHolidayPeriod,
  type SchoolZone,
  schoolYearOf,
  schoolYearsBetween,
} from './school-holidays.ts';

/** Clé de la version chargée dans `school_holiday_data_versions`. */
export const SCHOOL_HOLIDAYS_DATA_KEY = 'school-holidays';
/** Première année scolaire des données livrées : le tableau de couverture part de là. */
export const FIRST_SCHOOL_YEAR = '2024-2025';

/** Une période telle que les écrans la montrent. */
export interface SchoolHoliday extends SchoolHolidayPeriod {
  id: string;
  organisationId: string | null;
  /** Livrée avec Vigie (sinon ajoutée par la préfecture). */
  shipped: boolean;
  source: string | null;
  note: string | null;
}

interface ShippedRow {
  school_year: string;
  zone: string;
  name: string;
  start_date: string;
  end_date: string;
  source: string;
  note: string;
}

/** Le fichier livré `data/school-holidays.csv` (copie sourcée de shared/referentiel) et son empreinte. */
export function readSchoolHolidayFile(): { rows: ShippedRow[]; hash: string } {
  const text = readFileSync(new URL('./data/school-holidays.csv', import.meta.url), 'utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as ShippedRow[];
  for (const row of rows) {
    const valid =
      isSchoolZone(row.zone) &&
      isIsoDate(row.start_date) &&
      isIsoDate(row.end_date) &&
      row.end_date > row.start_date &&
      isSchoolYear(row.school_year) &&
      schoolYearOf(row.start_date) === row.school_year;
    if (!valid) throw new Error(`school-holidays.csv : ligne invalide ${JSON.stringify(row)}`);
  }
  return { rows, hash: sha256(text) };
}

/**
 * Charge les vacances scolaires livrées quand la base n'a pas encore cette version exacte du fichier
 * (empreinte SHA-256) : les périodes livrées sont remplacées en une transaction, celles que les
 * préfectures ont ajoutées restent. Idempotent : appelé à chaque démarrage.
 */
export async function ensureSchoolHolidays(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<'loaded' | 'up_to_date'> {
  const { rows, hash } = readSchoolHolidayFile();
  const current = await findSchoolHolidayDataVersion(ctx.db, SCHOOL_HOLIDAYS_DATA_KEY);
  if (current?.data_hash === hash) return 'up_to_date';
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await replaceShippedSchoolHolidays(
      trx,
      { key: SCHOOL_HOLIDAYS_DATA_KEY, data_hash: hash, loaded_at: now },
      rows.map((r) => ({
        id: newId(),
        organisation_id: null,
        school_year: r.school_year,
        zone: r.zone,
        name: r.name,
        start_date: r.start_date,
        end_date: r.end_date,
        source: r.source || null,
        note: r.note || null,
        created_at: now,
      })),
    );
  });
  return 'loaded';
}

function toSchoolHoliday(row: SchoolHolidayPeriodRow): SchoolHoliday {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    shipped: row.organisation_id === null,
    schoolYear: row.school_year,
    zone: row.zone,
    name: row.name,
    startDate: row.start_date,
    endDate: row.end_date,
    source: row.source,
    note: row.note,
  };
}

/** Zone de vacances scolaires d'une préfecture, d'après son département. */
export async function organisationSchoolZone(ctx: Pick<AppContext, 'db'>, organisationId: string): Promise<SchoolZone> {
  const organisation = await getOrganisation(ctx, organisationId);
  const zone = findDepartment(organisation.department_code)?.schoolZone ?? '';
  if (!isSchoolZone(zone)) throw new Error(`Zone scolaire inconnue pour le département ${organisation.department_code}`);
  return zone;
}

async function periodsOf(db: Executor, organisationId: string, zone: string): Promise<SchoolHoliday[]> {
  return (await listSchoolHolidayPeriods(db, organisationId, zone)).map(toSchoolHoliday);
}

/** Les périodes d'une zone : les livrées et celles de l'organisation, par date. */
export async function listSchoolHolidays(ctx: Pick<AppContext, 'db'>, organisationId: string, zone: string) {
  return periodsOf(ctx.db, organisationId, zone);
}

function origin(period: SchoolHoliday): string {
  return period.shipped ? 'données livrées' : 'ajoutée par la préfecture';
}

function sameBreak(a: SchoolHolidayPeriod, b: SchoolHolidayPeriod): boolean {
  return a.startDate === b.startDate && a.endDate === b.endDate && a.name.trim().toLowerCase() === b.name.trim().toLowerCase();
}

export async function addSchoolHolidayPeriod(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const data = validate(schoolHolidayPeriodSchema, input);
  const zone = await organisationSchoolZone(ctx, organisationId);
  const row = {
    id: newId(),
    organisation_id: organisationId,
    school_year: data.schoolYear,
    zone,
    name: data.name,
    start_date: data.startDate,
    end_date: data.endDate,
    source: data.source ?? null,
    note: null,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    const clash = (await periodsOf(trx, organisationId, zone)).find((p) =>
      periodsOverlap(p, { startDate: row.start_date, endDate: row.end_date }),
    );
    if (clash) {
      throw new AppError(
        'validation_failed',
        { startDate: `Premier jour de vacances : la période chevauche ${describePeriod(clash)}, ${origin(clash)}.` },
        `Cette période chevauche une période déjà enregistrée pour la zone ${zone} : ${describePeriod(clash)}.`,
      );
    }
    await insertSchoolHolidayPeriods(trx, [row]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'school_holiday_period.created',
      entityType: 'school_holiday_period',
      entityId: row.id,
      summary: `Vacances scolaires ajoutées : ${row.name} ${row.school_year}, zone ${zone} (${row.start_date} → ${row.end_date})`,
      after: {
        schoolYear: row.school_year,
        zone,
        name: row.name,
        startDate: row.start_date,
        endDate: row.end_date,
        source: row.source,
      },
    });
  });
  return toSchoolHoliday(row);
}

/** Supprime une période ajoutée par l'organisation ; les données livrées ne se suppriment pas. */
export async function deleteSchoolHolidayPeriod(ctx: AppContext, organisationId: string, periodId: string, actor: Actor) {
  const row = await findSchoolHolidayPeriod(ctx.db, periodId);
  if (row && row.organisation_id === null) {
    throw new AppError('forbidden', {}, 'Les vacances scolaires livrées avec Vigie ne peuvent pas être supprimées.');
  }
  // La période d'une autre organisation n'existe pas pour celle-ci.
  if (!row || row.organisation_id !== organisationId) throw new AppError('not_found', {}, 'Période de vacances introuvable.');
  await ctx.db.transaction().execute(async (trx) => {
    await deleteSchoolHolidayPeriodRow(trx, organisationId, periodId);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'school_holiday_period.deleted',
      entityType: 'school_holiday_period',
      entityId: periodId,
      summary: `Vacances scolaires supprimées : ${row.name} ${row.school_year}, zone ${row.zone} (${row.start_date} → ${row.end_date})`,
      before: { schoolYear: row.school_year, zone: row.zone, name: row.name, startDate: row.start_date, endDate: row.end_date },
    });
  });
}

export interface ImportPreview {
  zone: SchoolZone;
  /** Lignes valides, prêtes à être importées. */
  rows: ImportRow[];
  /** Toutes les erreurs, par ligne ; une seule suffit à refuser tout l'import. */
  errors: ImportError[];
}

/** Import refusé : rien n'a été écrit ; `lineErrors` dit pourquoi, ligne par ligne. */
export class SchoolHolidayImportError extends AppError {
  readonly lineErrors: ImportError[];
  constructor(lineErrors: ImportError[]) {
    const n = lineErrors.length;
    super(
      'validation_failed',
      { csv: `${n} erreur${n > 1 ? 's' : ''} : corrigez le texte et prévisualisez de nouveau.` },
      `Import refusé : ${n} erreur${n > 1 ? 's' : ''}, aucune période n’a été enregistrée.`,
    );
    this.lineErrors = lineErrors;
  }
}

async function checkImport(db: Executor, organisationId: string, zone: SchoolZone, csvText: string): Promise<ImportPreview> {
  const parsed = parseSchoolHolidayCsv(csvText);
  const errors = [...parsed.errors];
  const rows: ImportRow[] = [];
  const existing = await periodsOf(db, organisationId, zone);
  for (const row of parsed.rows) {
    if (row.zone !== zone) {
      errors.push({
        line: row.line,
        message: `Zone ${row.zone} : votre préfecture est en zone ${zone}, seules ses périodes peuvent être importées.`,
      });
      continue;
    }
    const clash = existing.find((p) => periodsOverlap(p, row));
    if (clash) {
      errors.push({
        line: row.line,
        message: sameBreak(clash, row)
          ? `Déjà enregistrée : ${describePeriod(clash)}, ${origin(clash)}.`
          : `Chevauche ${describePeriod(clash)}, déjà enregistrée (${origin(clash)}).`,
      });
      continue;
    }
    rows.push(row);
  }
  errors.sort((a, b) => a.line - b.line);
  return { zone, rows, errors };
}

/** Ce qu'un import donnerait : lignes lues, erreurs par ligne (format, doublons, chevauchements, zone). */
export async function previewSchoolHolidayImport(
  ctx: AppContext,
  organisationId: string,
  csvText: unknown,
): Promise<ImportPreview> {
  const { csv } = validate(schoolHolidayImportSchema, { csv: csvText });
  return checkImport(ctx.db, organisationId, await organisationSchoolZone(ctx, organisationId), csv);
}

/**
 * Importe tout ou rien : à la moindre erreur, rien n'est écrit et `SchoolHolidayImportError` donne les
 * erreurs par ligne. Un seul événement d'audit résume l'import. Renvoie le nombre de périodes importées.
 */
export async function importSchoolHolidays(
  ctx: AppContext,
  organisationId: string,
  csvText: unknown,
  actor: Actor,
): Promise<number> {
  const { csv } = validate(schoolHolidayImportSchema, { csv: csvText });
  const zone = await organisationSchoolZone(ctx, organisationId);
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const { rows, errors } = await checkImport(trx, organisationId, zone, csv);
    if (errors.length > 0) throw new SchoolHolidayImportError(errors);
    await insertSchoolHolidayPeriods(
      trx,
      rows.map((r) => ({
        id: newId(),
        organisation_id: organisationId,
        school_year: r.schoolYear,
        zone: r.zone,
        name: r.name,
        start_date: r.startDate,
        end_date: r.endDate,
        source: null,
        note: null,
        created_at: now,
      })),
    );
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'school_holiday_period.imported',
      entityType: 'school_holiday_period',
      summary: `Import de ${rows.length} période${rows.length > 1 ? 's' : ''} de vacances scolaires (zone ${zone})`,
      after: {
        zone,
        count: rows.length,
        periods: rows.map((r) => ({ schoolYear: r.schoolYear, name: r.name, startDate: r.startDate, endDate: r.endDate })),
      },
    });
    return rows.length;
  });
}

export interface SchoolYearCoverage extends Coverage<SchoolHoliday> {
  schoolYear: string;
}

/** Couverture de chaque année scolaire de `fromSchoolYear` à `toSchoolYear` : complète, partielle ou manquante. */
export async function schoolHolidayCoverage(
  ctx: Pick<AppContext, 'db'>,
  organisationId: string,
  zone: string,
  fromSchoolYear: string,
  toSchoolYear: string,
): Promise<SchoolYearCoverage[]> {
  const periods = await periodsOf(ctx.db, organisationId, zone);
  return schoolYearsBetween(fromSchoolYear, toSchoolYear).map((schoolYear) => ({
    schoolYear,
    ...coverage(periods, zone, schoolYear),
  }));
}
