import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { organisationIdOf, viewerOf } from '../../http/access.ts';
import { formBody, handleForm, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { validate } from '../../shared/validation.ts';
import { actorOf } from '../accounts/viewer.ts';
import { recomputeAnswerDelays } from '../cases/case.service.ts';
import { listClosureDays } from '../organisations/organisation.repository.ts';
import { addClosureDay, removeClosureDay } from '../organisations/organisation.service.ts';
import { yearSchema } from './calendar.schemas.ts';
import { organisationCalendar } from './calendar.service.ts';
import { isHolidayCalendar } from './holidays.ts';
import { listSchoolHolidays } from './school-holiday.service.ts';
import { type CalendarPageView, calendarView } from './views/calendar.view.ts';

const READERS = { access: ['admin', 'agent', 'auditor', 'clu_member'] } as const;
const ADMIN = { access: ['admin'] } as const;

export function calendarPageRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function show(request: FastifyRequest, reply: FastifyReply, year: number, form?: CalendarPageView['form'], status = 200) {
    const viewer = viewerOf(request);
    const organisationId = organisationIdOf(request);
    const departmentCode = viewer.organisation?.departmentCode ?? '';
    const { department, calendar } = await organisationCalendar(ctx, organisationId, departmentCode);
    if (!isHolidayCalendar(department.holidayCalendar)) throw new AppError('internal');
    const closures = (await listClosureDays(ctx.db, organisationId)).filter((c) => c.date.startsWith(`${year}-`));
    const schoolPeriods = (await listSchoolHolidays(ctx, organisationId, department.schoolZone))
      .filter((p) => p.endDate > `${year}-01-01` && p.startDate <= `${year}-12-31`)
      .map((p) => ({ name: p.name, start_date: p.startDate, end_date: p.endDate }));
    return renderPage(request, reply, {
      title: `Calendrier ${year}`,
      status,
      content: calendarView({
        year,
        calendar,
        calendarName: department.holidayCalendar,
        departmentLabel: `${department.code} — ${department.name}`,
        schoolZone: department.schoolZone,
        schoolPeriods,
        closures,
        canEdit: viewer.role === 'admin',
        csrfToken: viewer.csrfToken ?? '',
        workingDayCount: calendar.workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`),
        ...(form ? { form } : {}),
      }),
    });
  }

  app.get('/calendrier', { config: READERS }, async (request, reply) => {
    const { annee } = validate(z.object({ annee: yearSchema.optional() }), request.query);
    return show(request, reply, annee ?? Number(ctx.clock.now().toISOString().slice(0, 4)));
  });

  app.post('/calendrier/fermetures', { config: ADMIN }, async (request, reply) => {
    const body = formBody(request.body);
    const year = Number((text(body, 'date') ?? '').slice(0, 4));
    const shownYear = year >= 2000 && year <= 2100 ? year : Number(ctx.clock.now().toISOString().slice(0, 4));
    const result = await handleForm(
      async () => {
        const organisationId = organisationIdOf(request);
        const closure = await addClosureDay(ctx, organisationId, body, actorOf(viewerOf(request)));
        await recomputeAnswerDelays(ctx, organisationId, closure.date);
        return closure;
      },
      (error, fields, status) => show(request, reply, shownYear, { error, fields, values: body }, status),
    );
    if (!result.ok) return result.response;
    return redirectWithFlash(reply, `/calendrier?annee=${result.value.date.slice(0, 4)}#fermetures`, {
      type: 'success',
      message: `Jour de fermeture ajouté : ${result.value.date}.`,
    });
  });

  app.post<{ Params: { id: string } }>('/calendrier/fermetures/:id/supprimer', { config: ADMIN }, async (request, reply) => {
    const removed = await removeClosureDay(ctx, organisationIdOf(request), request.params.id, actorOf(viewerOf(request)));
    await recomputeAnswerDelays(ctx, organisationIdOf(request), removed.date);
    return redirectWithFlash(reply, `/calendrier?annee=${removed.date.slice(0, 4)}#fermetures`, {
      type: 'success',
      message: `Jour de fermeture du ${removed.date} supprimé.`,
    });
  });
}
