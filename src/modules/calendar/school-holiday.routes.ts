import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { findDepartment } from '../organisations/departments.ts';
import {
  addSchoolHolidayPeriod,
  deleteSchoolHolidayPeriod,
  FIRST_SCHOOL_YEAR,
  importSchoolHolidays,
  listSchoolHolidays,
  previewSchoolHolidayImport,
  SchoolHolidayImportError,
  schoolHolidayCoverage,
} from './school-holiday.service.ts';
import { isSchoolZone, schoolYearOf, shiftSchoolYear } from './school-holidays.ts';
import {
  SCHOOL_HOLIDAYS_PATH,
  type SchoolHolidaysPageView,
  schoolHolidayImportPreviewView,
  schoolHolidaysView,
} from './views/school-holidays.view.ts';

const READERS = { access: ['admin', 'agent', 'auditor'] } as const;
const ADMIN = { access: ['admin'] } as const;

/** Date civile du jour dans le fuseau du département (l'heure vient de l'horloge injectée). */
function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function schoolHolidayRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Département et zone de la préfecture du compte. */
  function zoneOf(request: FastifyRequest) {
    organisationIdOf(request);
    const departmentCode = viewerOf(request).organisation?.departmentCode ?? '';
    const department = findDepartment(departmentCode);
    if (!department || !isSchoolZone(department.schoolZone)) {
      throw new AppError(
        'unknown_department',
        {},
        `Département « ${departmentCode} » inconnu : zone de vacances scolaires introuvable.`,
      );
    }
    return { department, zone: department.schoolZone };
  }

  async function show(request: FastifyRequest, reply: FastifyReply, form?: SchoolHolidaysPageView['form'], status = 200) {
    const viewer = viewerOf(request);
    const organisationId = organisationIdOf(request);
    const { department, zone } = zoneOf(request);
    // De la première année livrée à deux ans après l'année scolaire en cours.
    const lastYear = shiftSchoolYear(schoolYearOf(todayIn(department.timeZone, ctx.clock.now())), 2);
    const [coverage, periods] = await Promise.all([
      schoolHolidayCoverage(ctx, organisationId, zone, FIRST_SCHOOL_YEAR, lastYear),
      listSchoolHolidays(ctx, organisationId, zone),
    ]);
    return renderPage(request, reply, {
      title: 'Vacances scolaires',
      status,
      breadcrumb: [{ label: 'Calendrier', href: '/calendrier' }],
      content: schoolHolidaysView({
        department: { code: department.code, name: department.name },
        zone,
        coverage,
        periods,
        canEdit: viewer.role === 'admin',
        csrfToken: viewer.csrfToken ?? '',
        ...(form ? { form } : {}),
      }),
    });
  }

  app.get(SCHOOL_HOLIDAYS_PATH, { config: READERS }, (request, reply) => show(request, reply));

  app.post(`${SCHOOL_HOLIDAYS_PATH}/periodes`, { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const result = await handleForm(
      () => addSchoolHolidayPeriod(ctx, organisationIdOf(request), body, actorOf(viewerOf(request))),
      (error, fields, status) => show(request, reply, { name: 'period', error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    const period = result.value;
    return redirectWithFlash(reply, `${SCHOOL_HOLIDAYS_PATH}#periodes`, {
      type: 'success',
      message: `Période ajoutée : ${period.name} ${period.schoolYear}.`,
    });
  });

  app.post<{ Params: { id: string } }>(
    `${SCHOOL_HOLIDAYS_PATH}/periodes/:id/supprimer`,
    { config: ADMIN },
    async (request, reply) => {
      await deleteSchoolHolidayPeriod(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
      return redirectWithFlash(reply, `${SCHOOL_HOLIDAYS_PATH}#periodes`, { type: 'success', message: 'Période supprimée.' });
    },
  );

  /** Prévisualisation (par défaut) ou import confirmé (`confirm=1`) du texte CSV collé. */
  app.post(`${SCHOOL_HOLIDAYS_PATH}/import`, { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const organisationId = organisationIdOf(request);
    const csv = text(body, 'csv') ?? '';
    const csrfToken = viewerOf(request).csrfToken ?? '';
    const preview = async (status: number, refused?: string) => {
      const result = await previewSchoolHolidayImport(ctx, organisationId, csv);
      return renderPage(request, reply, {
        title: 'Prévisualisation de l’import',
        status,
        breadcrumb: [
          { label: 'Calendrier', href: '/calendrier' },
          { label: 'Vacances scolaires', href: SCHOOL_HOLIDAYS_PATH },
        ],
        content: schoolHolidayImportPreviewView({
          zone: result.zone,
          csv,
          rows: result.rows,
          errors: result.errors,
          csrfToken,
          ...(refused ? { refused } : {}),
        }),
      });
    };
    const backToForm = (error: string, fields: Record<string, string>, status: number) =>
      show(request, reply, { name: 'import', error, fields, values: body }, status);

    if (text(body, 'confirm') !== '1') {
      const result = await handleForm(() => preview(200), backToForm);
      return result.ok ? result.value : result.response;
    }
    const result = await handleForm(async () => {
      try {
        return { count: await importSchoolHolidays(ctx, organisationId, csv, actorOf(viewerOf(request))) };
      } catch (error) {
        // Refusé à la confirmation (le texte ou les données ont changé) : les erreurs par ligne sont remontrées.
        if (error instanceof SchoolHolidayImportError) return { refused: error.message };
        throw error;
      }
    }, backToForm);
    if (!result.ok) return result.response;
    if ('refused' in result.value) return preview(400, result.value.refused);
    const { count } = result.value;
    return redirectWithFlash(reply, `${SCHOOL_HOLIDAYS_PATH}#periodes`, {
      type: 'success',
      message: `Import terminé : ${count} période${count > 1 ? 's' : ''} de vacances scolaires enregistrée${count > 1 ? 's' : ''}.`,
    });
  });
}
