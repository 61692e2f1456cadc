import { z } from 'zod';
import type { AppContext } from '../../shared/context.ts';
import { validate } from '../../shared/validation.ts';
import { organisationCalendar } from '../calendar/calendar.service.ts';
import { isValidCivilDate } from '../calendar/civil-date.ts';
import { appointmentFactsBetween, caseGroupsBetween } from '../cases/case.repository.ts';
import type { IndicatorTableRow } from '../cases/case.service.ts';
import { monthsOf, type Period, parsePeriod } from '../cases/period.ts';
import {
  type CalendarPort,
  type CaseFacts,
  type CaseGroup,
  computeRegisterIndicator,
  type IndicatorSummary,
  indicatorFromGroups,
  type RegisterIndicatorDefinition,
  registerIndicatorsFor,
} from '../cases/register-indicators.ts';
import type { Audience, CaseChannel, CaseKind, UpdateTarget } from '../cases/vocabulary.ts';
import { listOrganisations, listPerimeter } from '../organisations/organisation.repository.ts';
import { listIndicators } from '../referentiel/referentiel.repository.ts';
import { yearSchema } from './indicator.schemas.ts';

/**
 * Le niveau national : les indicateurs du registre de toutes les organisations pour une année, lus en
 * UNE requête groupée sur tous les dossiers (organisation, mois, nature, canal, public, cible), puis
 * repliés organisation par organisation avec les règles de `registerIndicatorTable` (même fonction pure
 * `indicatorFromGroups`) : le résultat de chaque organisation est exactement son propre tableau.
 * Seuls les rendez-vous d'élus (module 4) se calculent dossier par dossier, avec le calendrier de
 * l'organisation — chargé seulement pour celles qui en ont.
 */

const asOfSchema = z
  .string({ error: 'Date d’arrêté : champ obligatoire.' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Date d’arrêté : date AAAA-MM-JJ attendue (la même pour toutes les organisations).' })
  .refine(isValidCivilDate, { error: 'Date d’arrêté : cette date n’existe pas au calendrier.' });

export interface NationalOrganisationTable {
  organisationId: string;
  slug: string;
  name: string;
  departmentCode: string;
  isDemo: boolean;
  /** Les indicateurs du registre de son périmètre : douze mois et l'année, comme `registerIndicatorTable`. */
  rows: IndicatorTableRow[];
}

export interface NationalRegisterTables {
  year: number;
  asOf: string;
  period: Period;
  months: Period[];
  organisations: NationalOrganisationTable[];
}

/** Ce que le calcul dossier par dossier lit d'une demande de rendez-vous. */
function appointmentFacts(row: {
  id: string;
  reference: string;
  kind: CaseKind;
  channel: string;
  audience: Audience;
  target: UpdateTarget | null;
  received_local_date: string;
  answered_local_date: string | null;
  appointment_fixed_local_date: string | null;
  appointment_held_local_date: string | null;
  answer_delay: number | null;
}): CaseFacts {
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind,
    channel: row.channel as CaseChannel,
    audience: row.audience,
    target: row.target,
    receivedLocalDate: row.received_local_date,
    answeredLocalDate: row.answered_local_date,
    appointmentFixedLocalDate: row.appointment_fixed_local_date,
    appointmentHeldLocalDate: row.appointment_held_local_date,
    answerDelay: row.answer_delay,
  };
}

/** Sans demande de rendez-vous, le calcul ne consulte jamais le calendrier. */
const NO_APPOINTMENTS: CalendarPort = {
  dueDate() {
    throw new Error('Calendrier non chargé : aucune demande de rendez-vous pour cette organisation.');
  },
  delay() {
    throw new Error('Calendrier non chargé : aucune demande de rendez-vous pour cette organisation.');
  },
};

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * Les tableaux du registre de toutes les organisations pour `year`, à la date d'arrêté `asOf` (une date
 * civile commune, AAAA-MM-JJ).
 */
export async function nationalRegisterTables(
  ctx: AppContext,
  yearInput: unknown,
  asOfInput: unknown,
): Promise<NationalRegisterTables> {
  const year = validate(yearSchema, yearInput);
  const asOf = validate(asOfSchema, asOfInput);
  const period = parsePeriod(String(year));
  if (!period) throw new RangeError(`Année hors calendrier : ${year}`);
  const months = monthsOf(period);
  const organisations = await listOrganisations(ctx.db);
  const [labels, perimeters] = await Promise.all([
    listIndicators(ctx.db),
    Promise.all(organisations.map((o) => listPerimeter(ctx.db, o.id))),
  ]);
  const definitionsOf = perimeters.map((perimeter) => registerIndicatorsFor(perimeter));
  const withAppointments = organisations
    .filter((_, i) => definitionsOf[i]?.some((d) => d.milestone !== 'answer'))
    .map((o) => o.id);
  // Les deux lectures des dossiers partent ensemble (PostgreSQL les mène en parallèle).
  const [groups, appointmentRows] = await Promise.all([
    caseGroupsBetween(ctx.db, null, period.start, period.end, asOf),
    appointmentFactsBetween(ctx.db, withAppointments, period.start, period.end),
  ]);
  const appointments = groupBy(
    appointmentRows.map((row) => ({ organisationId: row.organisation_id, facts: appointmentFacts(row) })),
    (a) => a.organisationId,
  );
  // Le calendrier (jours fériés du département et fermetures de l'organisation) ne sert qu'aux rendez-vous.
  const calendars = new Map<string, CalendarPort>(
    await Promise.all(
      organisations
        .filter((o) => appointments.has(o.id))
        .map(async (o) => [o.id, (await organisationCalendar(ctx, o.id, o.department_code)).calendar] as const),
    ),
  );
  const groupsOf = groupBy<CaseGroup & { organisationId: string }>(groups, (g) => g.organisationId);
  const labelOf = new Map(labels.map((l) => [l.key, l.label]));

  return {
    year,
    asOf,
    period,
    months,
    organisations: organisations.map((organisation, index) => {
      const ownGroups = groupsOf.get(organisation.id) ?? [];
      // Un mois ne lit que ses groupes (`indicatorFromGroups` écarte de toute façon les autres) : le
      // repli national parcourt ainsi deux fois les groupes par indicateur, et non treize.
      const byMonth = groupBy(ownGroups, (g) => g.month);
      const ownAppointments = (appointments.get(organisation.id) ?? []).map((a) => a.facts);
      const calendar = calendars.get(organisation.id);
      const valueFor = (definition: RegisterIndicatorDefinition, p: Period): IndicatorSummary => {
        if (definition.milestone === 'answer') {
          const relevant = p.kind === 'month' ? (byMonth.get(p.key) ?? []) : ownGroups;
          return indicatorFromGroups(definition, relevant, p, asOf);
        }
        const { cases, ...rest } = computeRegisterIndicator(definition, ownAppointments, p, asOf, calendar ?? NO_APPOINTMENTS);
        return { ...rest, pending: cases.pending.length };
      };
      return {
        organisationId: organisation.id,
        slug: organisation.slug,
        name: organisation.name,
        departmentCode: organisation.department_code,
        isDemo: organisation.is_demo === 1,
        rows: (definitionsOf[index] ?? []).map((definition) => ({
          key: definition.key,
          label: labelOf.get(definition.key) ?? definition.key,
          unit: definition.unit,
          months: months.map((m) => valueFor(definition, m)),
          total: valueFor(definition, period),
        })),
      };
    }),
  };
}
