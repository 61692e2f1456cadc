import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { validate } from '../../shared/validation.ts';
import { type Department, findDepartment } from '../organisations/departments.ts';
import { findOrganisationBySlug, listClosureDays } from '../organisations/organisation.repository.ts';
import { delayQuerySchema, dueQuerySchema, holidaysQuerySchema } from './calendar.schemas.ts';
import { isHolidayCalendar } from './holidays.ts';
import { toLocalDate } from './local-date.ts';
import { CalendarError, calendarFor, WorkingCalendar } from './working-calendar.ts';

export interface ResolvedCalendar {
  department: Department;
  calendar: WorkingCalendar;
  /** L'organisation dont les jours de fermeture comptent, le cas échéant. */
  organisationId?: string;
}

export function departmentCalendar(code: string): ResolvedCalendar {
  const department = findDepartment(code);
  if (!department) throw new AppError('unknown_department', { department: `Département « ${code} » inconnu.` });
  if (!isHolidayCalendar(department.holidayCalendar)) throw new Error(`Calendrier inconnu : ${department.holidayCalendar}`);
  return { department, calendar: calendarFor(department.holidayCalendar) };
}

/** Calendrier d'une organisation : celui de son département, plus ses jours de fermeture. */
export async function organisationCalendar(
  ctx: Pick<AppContext, 'db'>,
  organisationId: string,
  departmentCode: string,
): Promise<ResolvedCalendar> {
  const { department } = departmentCalendar(departmentCode);
  const closures = await listClosureDays(ctx.db, organisationId);
  if (!isHolidayCalendar(department.holidayCalendar)) throw new Error(`Calendrier inconnu : ${department.holidayCalendar}`);
  return { department, calendar: new WorkingCalendar(department.holidayCalendar, closures), organisationId };
}

/**
 * Résout `department` ou `org`. `allowedOrganisationId` restreint l'organisation lisible (celle du
 * compte) ; `null` : toutes (niveau national, ligne de commande).
 */
export async function resolveCalendar(
  ctx: Pick<AppContext, 'db'>,
  target: { department?: string | undefined; org?: string | undefined },
  allowedOrganisationId: string | null,
): Promise<ResolvedCalendar> {
  if (target.org) {
    const organisation = await findOrganisationBySlug(ctx.db, target.org.toLowerCase());
    if (!organisation || (allowedOrganisationId !== null && organisation.id !== allowedOrganisationId)) {
      throw new AppError('organisation_not_found', { org: `Organisation « ${target.org} » introuvable.` });
    }
    return organisationCalendar(ctx, organisation.id, organisation.department_code);
  }
  if (target.department) return departmentCalendar(target.department);
  throw new AppError('calendar_target_required', { department: 'Indiquez un département (ou une organisation).' });
}

/** Date locale d'une saisie (date ou horodatage) dans le fuseau du département ; erreur nommant le champ. */
export function localDateOf(input: string, department: Department, field: string, label: string): string {
  const result = toLocalDate(input, department.timeZone);
  if (!result.ok) {
    throw new AppError('invalid_date', {
      [field]:
        result.reason === 'impossible_date'
          ? `${label} : « ${input} » n’existe pas au calendrier.`
          : `${label} : « ${input} » n’est ni une date AAAA-MM-JJ ni un horodatage ISO 8601.`,
    });
  }
  return result.date;
}

/** Convertit les erreurs du calendrier (domaine pur) en erreurs du catalogue. */
function translate<T>(field: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof CalendarError) {
      const code =
        error.field === 'year'
          ? 'year_out_of_range'
          : error.field === 'workingDays'
            ? 'invalid_working_days'
            : 'answer_before_receipt';
      // Une année hors période vient de la date saisie : l'erreur nomme ce champ.
      throw new AppError(code, { [error.field === 'workingDays' ? 'workingDays' : field]: error.message });
    }
    throw error;
  }
}

export interface DueDateResult {
  department: string;
  calendar: string;
  receivedLocalDate: string;
  workingDays: number;
  dueDate: string;
  organisation?: string;
}

export async function computeDueDate(
  ctx: Pick<AppContext, 'db'>,
  input: unknown,
  allowedOrganisationId: string | null,
): Promise<DueDateResult> {
  const query = validate(dueQuerySchema, input);
  const resolved = await resolveCalendar(ctx, query, allowedOrganisationId);
  const received = localDateOf(query.received, resolved.department, 'received', 'Date de réception');
  const dueDate = translate('received', () => resolved.calendar.dueDate(received, query.workingDays));
  return {
    department: resolved.department.code,
    calendar: resolved.calendar.calendar,
    receivedLocalDate: received,
    workingDays: query.workingDays,
    dueDate,
    ...(query.org ? { organisation: query.org.toLowerCase() } : {}),
  };
}

export interface DelayResult {
  department: string;
  calendar: string;
  receivedLocalDate: string;
  answeredLocalDate: string;
  delay: number;
}

export async function computeDelay(
  ctx: Pick<AppContext, 'db'>,
  input: unknown,
  allowedOrganisationId: string | null,
): Promise<DelayResult> {
  const query = validate(delayQuerySchema, input);
  const resolved = await resolveCalendar(ctx, query, allowedOrganisationId);
  const received = localDateOf(query.received, resolved.department, 'received', 'Date de réception');
  const answered = localDateOf(query.answered, resolved.department, 'answered', 'Date de réponse');
  const delay = translate('answered', () => resolved.calendar.delay(received, answered));
  return {
    department: resolved.department.code,
    calendar: resolved.calendar.calendar,
    receivedLocalDate: received,
    answeredLocalDate: answered,
    delay,
  };
}

export async function listHolidays(
  ctx: Pick<AppContext, 'db'>,
  input: unknown,
  allowedOrganisationId: string | null,
): Promise<{ department: string; calendar: string; year: number; holidays: { date: string; name: string }[] }> {
  const query = validate(holidaysQuerySchema, input);
  const resolved = await resolveCalendar(ctx, query, allowedOrganisationId);
  return {
    department: resolved.department.code,
    calendar: resolved.calendar.calendar,
    year: query.year,
    holidays: translate('year', () => resolved.calendar.holidays(query.year)),
  };
}
