import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { addDays, civilDateKey, parseCivilDate, weekday } from '../calendar/civil-date.ts';
import type { HolidayCalendar } from '../calendar/holidays.ts';
import { coverage, type SchoolHolidayPeriod } from '../calendar/school-holidays.ts';
import { WorkingCalendar } from '../calendar/working-calendar.ts';
import {
  checkPlan,
  checkWindow,
  type PlanEvaluator,
  type PlannedContact,
  type PlanScenario,
  type PlanSetting,
  type PlanTarget,
  proposePlan,
  slotsOf,
  workingDaysOf,
} from './mystery-plan.ts';

const SHIPPED: SchoolHolidayPeriod[] = (
  parse(readFileSync(new URL('../calendar/data/school-holidays.csv', import.meta.url), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[]
).map((r) => ({
  schoolYear: r.school_year ?? '',
  zone: r.zone ?? '',
  name: r.name ?? '',
  startDate: r.start_date ?? '',
  endDate: r.end_date ?? '',
}));

function knowledge(zone: string) {
  const periods = SHIPPED.filter((p) => p.zone === zone);
  return { zone, periods, coverage: (schoolYear: string) => coverage(periods, zone, schoolYear) };
}

const TARGETS: PlanTarget[] = [
  { id: 'standard', label: 'le standard', channel: 'call', serviceId: null },
  { id: 'etrangers', label: 'le service des étrangers', channel: 'call', serviceId: 'svc-etrangers' },
  { id: 'elections', label: 'le bureau des élections', channel: 'call', serviceId: 'svc-elections' },
  { id: 'pref-public', label: 'pref-public@', channel: 'email', serviceId: 'svc-accueil' },
  { id: 'pref-etrangers', label: 'pref-etrangers@', channel: 'email', serviceId: 'svc-etrangers' },
];
const EVALUATORS: PlanEvaluator[] = [
  { id: 'agent-etrangers', label: 'Agent du service des étrangers', serviceIds: ['svc-etrangers'] },
  { id: 'agent-accueil', label: 'Agent de l’accueil', serviceIds: ['svc-accueil'] },
  { id: 'benevole-03', label: 'Bénévole de la préfecture de l’Allier', serviceIds: [] },
];
const SCENARIOS: PlanScenario[] = [
  { id: 'horaires', label: 'Horaires d’ouverture', channel: 'call', targetIds: [] },
  { id: 'titre-sejour', label: 'Renouvellement d’un titre de séjour', channel: 'call', targetIds: ['etrangers', 'standard'] },
  { id: 'procuration', label: 'Procuration de vote', channel: 'call', targetIds: ['elections', 'standard'] },
  { id: 'carte-grise', label: 'Carte grise d’un véhicule importé', channel: 'email', targetIds: ['pref-public'] },
  { id: 'rdv', label: 'Prise de rendez-vous', channel: 'email', targetIds: [] },
];

function setting(zone: string, from: string, to: string, calendar: HolidayCalendar = 'metropole'): PlanSetting {
  return {
    calendar: new WorkingCalendar(calendar),
    schoolHolidays: knowledge(zone),
    window: { from, to },
    channels: ['call', 'email'],
    targets: TARGETS,
    evaluators: EVALUATORS,
    scenarios: SCENARIOS,
  };
}

function dayOfWeek(date: string): number {
  const parsed = parseCivilDate(date);
  assert.ok(parsed);
  return weekday(parsed.year, parsed.dayOfYear);
}

describe('planificateur des enquêtes mystère', () => {
  it('propose 20 appels et 20 courriels sur deux semaines hors vacances, un par demi-journée et par canal', () => {
    // Zone B, mars 2026 : les vacances d'hiver finissent le 2 mars.
    const s = setting('B', '2026-03-09', '2026-03-20');
    const plan = proposePlan(s);
    assert.deepEqual(plan.violations, []);
    for (const channel of ['call', 'email'] as const) {
      const contacts = plan.contacts.filter((c) => c.channel === channel);
      assert.equal(contacts.length, 20);
      assert.equal(new Set(contacts.map((c) => `${c.date}|${c.halfDay}`)).size, 20, 'une demi-journée par contact');
      assert.equal(new Set(contacts.map((c) => c.date)).size, 10, 'chaque jour ouvré de la fenêtre');
    }
    // Réparti entre les cibles (3 cibles d'appel : 7, 7, 6), chacune à des jours de semaine variés.
    const calls = plan.contacts.filter((c) => c.channel === 'call');
    const perTarget = ['standard', 'etrangers', 'elections'].map((id) => calls.filter((c) => c.targetId === id));
    assert.deepEqual(perTarget.map((list) => list.length).sort(), [6, 7, 7]);
    for (const list of perTarget) {
      assert.ok(new Set(list.map((c) => dayOfWeek(c.date))).size >= 4, 'au moins quatre jours de semaine différents par cible');
      assert.ok(list.some((c) => c.halfDay === 'am') && list.some((c) => c.halfDay === 'pm'));
    }
    // Jamais un enquêteur du service visé ; scénario adapté à la cible.
    for (const contact of plan.contacts) {
      const target = TARGETS.find((t) => t.id === contact.targetId);
      const evaluator = EVALUATORS.find((e) => e.id === contact.evaluatorId);
      assert.ok(target && evaluator);
      assert.ok(target.serviceId === null || !evaluator.serviceIds.includes(target.serviceId));
      const scenario = SCENARIOS.find((x) => x.id === contact.scenarioId);
      assert.ok(scenario && (scenario.targetIds.length === 0 || scenario.targetIds.includes(target.id)));
    }
    // Même entrée, même plan.
    assert.deepEqual(proposePlan(s).contacts, plan.contacts);
  });

  it('refuse une fenêtre sur les vacances d’hiver de la zone, et seulement de la zone', () => {
    // Semaine du 16 février 2026 : vacances d'hiver en zones A (7–22 février) et B (14 février – 1er mars), pas en C (à partir du 21).
    const a = checkWindow(setting('A', '2026-02-09', '2026-02-20'));
    assert.equal(a.length, 1);
    assert.equal(a[0]?.code, 'school_holidays');
    assert.match(a[0]?.message ?? '', /Hiver \(zone A\) du 7 février 2026 au 22 février 2026/);
    assert.equal(checkWindow(setting('B', '2026-02-09', '2026-02-20'))[0]?.code, 'school_holidays');
    assert.deepEqual(checkWindow(setting('C', '2026-02-02', '2026-02-13')), []);
    assert.equal(checkWindow(setting('C', '2026-02-16', '2026-02-27'))[0]?.code, 'school_holidays');
    // Aucun contact proposé n'échappe à la règle : le plan lui-même porte la violation.
    assert.ok(proposePlan(setting('A', '2026-02-09', '2026-02-20')).violations.some((v) => v.code === 'school_holidays'));
  });

  it('sur toutes les zones et années connues, une fenêtre est refusée exactement quand elle touche des vacances', () => {
    const cases: { zone: string; calendar: HolidayCalendar; years: string[] }[] = [
      { zone: 'A', calendar: 'metropole', years: ['2024-2025', '2025-2026', '2026-2027'] },
      { zone: 'B', calendar: 'metropole', years: ['2024-2025', '2025-2026', '2026-2027'] },
      { zone: 'C', calendar: 'metropole', years: ['2024-2025', '2025-2026', '2026-2027'] },
      { zone: 'Corse', calendar: 'metropole', years: ['2024-2025'] },
      { zone: 'La Réunion', calendar: 'reunion', years: ['2024-2025', '2025-2026'] },
    ];
    let accepted = 0;
    let refused = 0;
    for (const { zone, calendar, years } of cases) {
      const k = knowledge(zone);
      for (const schoolYear of years) {
        assert.equal(k.coverage(schoolYear).status, 'complete', `${zone} ${schoolYear} complet dans les données livrées`);
        const first = Number(schoolYear.slice(0, 4));
        // Chaque lundi de l'année scolaire (septembre → juin), fenêtre de deux semaines.
        for (let monday = `${first}-09-01`; monday < `${first + 1}-06-15`; monday = addDays(monday, 1)) {
          if (dayOfWeek(monday) !== 0) continue;
          const window = { from: monday, to: addDays(monday, 11) };
          const violations = checkWindow(setting(zone, window.from, window.to, calendar));
          const inHolidays = k.periods.some((p) => p.startDate <= window.to && p.endDate > window.from);
          assert.equal(
            violations.some((v) => v.code === 'school_holidays'),
            inHolidays,
            `${zone} ${window.from} → ${window.to}`,
          );
          if (inHolidays) refused++;
          else accepted++;
        }
      }
    }
    assert.ok(accepted > 50 && refused > 30, `${accepted} acceptées, ${refused} refusées`);
  });

  it('dit quand les vacances scolaires de l’année ne sont pas connues', () => {
    const missing = checkWindow(setting('A', '2028-10-02', '2028-10-13'));
    assert.equal(missing[0]?.code, 'school_holidays_unknown');
    assert.match(missing[0]?.message ?? '', /2028-2029 de la zone A sont absentes/);
    const partial = checkWindow(setting('A', '2028-03-06', '2028-03-17'));
    assert.match(partial[0]?.message ?? '', /incomplètes \(manque : Été\)/);
  });

  it('compte les jours ouvrés de la fenêtre avec les jours fériés du département', () => {
    // Lundi de Pâques 2026 (6 avril) : 9 jours ouvrés, 18 demi-journées — trop peu pour 20 contacts.
    const s = setting('C', '2026-03-30', '2026-04-10');
    assert.equal(workingDaysOf(s.calendar, s.window).length, 9);
    assert.equal(slotsOf(s.calendar, s.window).length, 18);
    const plan = proposePlan(s);
    assert.ok(plan.violations.some((v) => v.code === 'window_too_short' && /18 demi-journées/.test(v.message)));
    // Trois semaines : trop longue.
    const long = checkWindow(setting('B', '2026-03-09', '2026-03-27'));
    assert.equal(long[0]?.code, 'window_too_long');
    assert.match(long[0]?.message ?? '', /15 jours ouvrés/);
  });

  it('explique chaque violation d’un plan retouché à la main', () => {
    const s = { ...setting('B', '2026-03-09', '2026-03-20'), channels: ['call' as const] };
    const base: PlannedContact = {
      channel: 'call',
      date: '2026-03-09',
      halfDay: 'am',
      targetId: 'standard',
      evaluatorId: 'benevole-03',
      scenarioId: 'horaires',
    };
    const contacts: PlannedContact[] = [
      base,
      { ...base, evaluatorId: 'agent-accueil' },
      { ...base, date: '2026-03-14', targetId: 'etrangers', evaluatorId: 'agent-etrangers' },
      { ...base, date: '2026-03-10', targetId: 'elections', scenarioId: 'titre-sejour' },
      { ...base, date: '2026-03-23', halfDay: 'pm', evaluatorId: null },
    ];
    const violations = checkPlan(s, contacts);
    const codes = violations.map((v) => v.code);
    assert.deepEqual(codes.sort(), [
      'evaluator_from_target',
      'missing_evaluator',
      'not_working_day',
      'outside_window',
      'same_half_day',
      'scenario_not_for_target',
      'too_few_contacts',
    ]);
    const text = violations.map((v) => v.message).join('\n');
    assert.match(text, /Contact 2 \(appels, lundi 9 mars 2026 \(matin\)\) : même demi-journée que le contact 1/);
    assert.match(text, /Agent du service des étrangers appartient au service visé \(le service des étrangers\)/);
    assert.match(text, /samedi 14 mars 2026.*week-end, pas un jour ouvré/);
    assert.match(text, /5 appels prévus : il en faut au moins 20/);
    // Un plan de 12 contacts, sinon conforme.
    const twelve = proposePlan(s, 12);
    assert.deepEqual(
      twelve.violations.map((v) => v.code),
      ['too_few_contacts'],
    );
    assert.equal(civilDateKey(twelve.contacts[11]?.date ?? '') <= civilDateKey('2026-03-20'), true);
  });
});
