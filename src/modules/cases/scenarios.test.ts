import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation, updatePerimeter } from '../organisations/organisation.service.ts';
import { caseDetail, createCase, reassignCase, recordAnswer, recordAppointment, registerIndicators } from './case.service.ts';

/**
 * Scénarios du registre écrits comme des données : un dossier, ses étapes, ce que l'usager et les
 * indicateurs doivent voir. Chacun tourne dans sa propre préfecture, sur les deux moteurs.
 */
interface Scenario {
  title: string;
  department: string;
  modules?: string[];
  case: Record<string, string>;
  steps: ({ answer: Record<string, string> } | { reorientTo: string; note: string } | { appointment: Record<string, string> })[];
  expect: {
    receivedLocalDate: string;
    dueDate: string | null;
    status: string;
    delay?: number;
    indicators: {
      period: string;
      asOf: string;
      values: Record<string, { value: number | null; status: string; numerator: number; denominator: number }>;
    };
    history: RegExp[];
  };
}

const SCENARIOS: Scenario[] = [
  {
    title: 'une réclamation de l’urne (relève du lundi), répondue par courrier dans les 10 jours ouvrés',
    department: '63',
    case: {
      kind: 'complaint',
      channel: 'urn',
      receivedAt: '2026-03-02',
      depositedAt: '2026-02-27',
      subject: 'Attente trop longue au guichet',
    },
    steps: [
      {
        answer: {
          answeredAt: '2026-03-13',
          answerChannel: 'letter',
          answerText: 'Réponse',
          followUp: 'Renfort de deux agents le lundi matin',
        },
      },
    ],
    expect: {
      receivedLocalDate: '2026-03-02',
      dueDate: '2026-03-16',
      status: 'answered',
      delay: 9,
      indicators: {
        period: '2026-03',
        asOf: '2026-04-30',
        values: {
          RECL_PAPIER_10J: { value: 100, status: 'measured', numerator: 1, denominator: 1 },
          RECL_PAPIER_DELAI: { value: 9, status: 'measured', numerator: 9, denominator: 1 },
          RECL_MAIL_5J: { value: null, status: 'not_applicable', numerator: 0, denominator: 0 },
        },
      },
      history: [
        /Réclamation reçue par urne le 2026-03-02, échéance le 2026-03-16/,
        /Réponse par courrier le 2026-03-13 \(délai : 9 jours ouvrés\)/,
      ],
    },
  },
  {
    title: 'une demande d’information par courriel, réorientée puis répondue en retard',
    department: '76',
    case: { kind: 'information_request', channel: 'email', receivedAt: '2026-03-09T18:30:00+01:00', subject: 'Titre de séjour' },
    steps: [
      { reorientTo: 'Service des étrangers', note: 'Demande relevant du séjour' },
      { answer: { answeredAt: '2026-03-18T09:00:00+01:00', answerChannel: 'email' } },
    ],
    expect: {
      receivedLocalDate: '2026-03-09',
      dueDate: '2026-03-16',
      status: 'answered',
      delay: 7,
      indicators: {
        period: '2026-03',
        asOf: '2026-04-30',
        values: {
          DI_MAIL_5J: { value: 0, status: 'measured', numerator: 0, denominator: 1 },
          DI_MAIL_DELAI: { value: 7, status: 'measured', numerator: 7, denominator: 1 },
        },
      },
      history: [/Réorienté : aucun service → Service des étrangers \(Demande relevant du séjour\)/, /délai : 7 jours ouvrés/],
    },
  },
  {
    title: 'un formulaire en ligne du samedi de Pâques en Moselle : Vendredi saint et lundi de Pâques ne comptent pas',
    department: '57',
    case: { kind: 'suggestion', channel: 'web_form', receivedAt: '2026-04-04T10:00:00+02:00', subject: 'Plus de bancs' },
    steps: [{ answer: { answeredAt: '2026-04-13', answerChannel: 'email' } }],
    expect: {
      receivedLocalDate: '2026-04-04',
      dueDate: '2026-04-13',
      status: 'answered',
      delay: 5,
      indicators: {
        period: '2026-04',
        asOf: '2026-04-30',
        values: { RECL_MAIL_5J: { value: 100, status: 'measured', numerator: 1, denominator: 1 } },
      },
      history: [/Suggestion reçue par formulaire en ligne le 2026-04-04, échéance le 2026-04-13/],
    },
  },
  {
    title: 'une mise à jour du serveur vocal faite en 4 jours ouvrés : hors délai de 3 jours',
    department: '19',
    case: { kind: 'update_request', channel: 'internal', target: 'svi', receivedAt: '2026-03-11', subject: 'Nouveaux horaires' },
    steps: [{ answer: { answeredAt: '2026-03-17', answerChannel: 'internal' } }],
    expect: {
      receivedLocalDate: '2026-03-11',
      dueDate: '2026-03-16',
      status: 'answered',
      delay: 4,
      indicators: {
        period: '2026-Q1',
        asOf: '2026-04-30',
        values: {
          SVI_MAJ_3J: { value: 0, status: 'measured', numerator: 0, denominator: 1 },
          WEB_MAJ_3J: { value: null, status: 'not_applicable', numerator: 0, denominator: 0 },
        },
      },
      history: [/Demande de mise à jour \(SVI ou site\) reçue par interne le 2026-03-11, échéance le 2026-03-16/],
    },
  },
  {
    title: 'un rendez-vous demandé par un maire : fixé sous 4 jours, tenu au-delà de 10',
    department: '03',
    modules: ['1', '4'],
    case: { kind: 'elected_official_appointment', channel: 'letter', audience: 'local_authority', receivedAt: '2026-03-02' },
    steps: [{ appointment: { fixedAt: '2026-03-05', heldAt: '2026-03-20' } }],
    expect: {
      receivedLocalDate: '2026-03-02',
      dueDate: null,
      status: 'answered',
      indicators: {
        period: '2026-03',
        asOf: '2026-04-30',
        values: {
          CT_RDV_FIX_4J: { value: 100, status: 'measured', numerator: 1, denominator: 1 },
          CT_RDV_10J: { value: 0, status: 'measured', numerator: 0, denominator: 1 },
        },
      },
      history: [/Rendez-vous : fixé le 2026-03-05, tenu le 2026-03-20/],
    },
  },
];

for (const engine of testEngines()) {
  describe(`scénarios du registre (${engine})`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
    });
    after(() => t.close());

    SCENARIOS.forEach((scenario, index) => {
      it(scenario.title, async () => {
        const organisation = await createOrganisation(
          t.ctx,
          { slug: `scenario-${index}`, name: `Préfecture ${index}`, department: scenario.department },
          CLI_ACTOR,
        );
        if (scenario.modules) await updatePerimeter(t.ctx, organisation.id, { modules: scenario.modules }, CLI_ACTOR);
        const created = await createCase(t.ctx, organisation.id, scenario.case, CLI_ACTOR);
        assert.match(created.reference, /^2026-\d{5}$/);
        assert.equal(created.received_local_date, scenario.expect.receivedLocalDate);
        assert.equal(created.due_date, scenario.expect.dueDate);
        let delay: number | undefined;
        for (const step of scenario.steps) {
          if ('answer' in step) delay = (await recordAnswer(t.ctx, organisation.id, created.id, step.answer, CLI_ACTOR)).delay;
          else if ('reorientTo' in step) {
            const service = await addService(t.ctx, organisation.id, { name: step.reorientTo }, CLI_ACTOR);
            await reassignCase(
              t.ctx,
              organisation.id,
              created.id,
              { serviceId: service.id, reorient: 'on', note: step.note },
              CLI_ACTOR,
            );
          } else await recordAppointment(t.ctx, organisation.id, created.id, step.appointment, CLI_ACTOR);
        }
        if (scenario.expect.delay !== undefined) assert.equal(delay, scenario.expect.delay);
        const detail = await caseDetail(t.ctx, organisation.id, created.id);
        assert.equal(detail.case.status, scenario.expect.status);
        const history = detail.events.map((e) => e.summary).join('\n');
        for (const pattern of scenario.expect.history) assert.match(history, pattern);
        const indicators = await registerIndicators(
          t.ctx,
          organisation.id,
          scenario.expect.indicators.period,
          scenario.expect.indicators.asOf,
        );
        for (const [key, expected] of Object.entries(scenario.expect.indicators.values)) {
          const actual = indicators.find((i) => i.key === key);
          assert.ok(actual, `${key} absent`);
          assert.deepEqual(
            { value: actual.value, status: actual.status, numerator: actual.numerator, denominator: actual.denominator },
            expected,
            key,
          );
        }
      });
    });
  });
}
