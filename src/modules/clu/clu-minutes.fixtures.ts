import type { CellWithStatus, IndicatorYearRow } from '../indicators/indicator.service.ts';
import type { CatalogueIndicator } from '../indicators/indicator-catalogue.ts';
import type { TargetStatus } from '../indicators/target.ts';
import { type CluDeckSnapshot, DECK_SNAPSHOT_VERSION } from './clu-deck-snapshot.ts';
import type { MinutesMeeting } from './clu-minutes.ts';

/**
 * Un instantané de support et une réunion écrits à la main, pour tester le compte rendu sans base :
 * l'Allier du seed (28 février 2022), avec des chiffres connus.
 */
function cell(value: number | null, target: TargetStatus | null): CellWithStatus {
  return {
    status: value === null ? 'not_available' : 'measured',
    value,
    numerator: null,
    denominator: null,
    provisional: false,
    note: null,
    provenance: value === null ? null : 'typed',
    breakdown: [],
    target,
  };
}

function indicatorRow(
  key: string,
  code: string,
  label: string,
  value: number | null,
  status: TargetStatus | null,
  low: number,
): IndicatorYearRow {
  const indicator: CatalogueIndicator = {
    key,
    code,
    label,
    module: 1,
    engagements: [],
    unit: 'percent',
    direction: 'higher_is_better',
    period: 'monthly',
    source: 'manual',
    aggregation: 'ratio',
    formula: null,
    local: false,
  };
  const c = cell(value, status);
  return {
    indicator,
    target: { kind: 'min', low, high: null, scope: 'national', label: `≥ ${low} %` },
    months: [],
    quarters: [c, null, null, null],
    year: c,
    yearToDate: c,
  };
}

export function fixtureSnapshot(): CluDeckSnapshot {
  return {
    version: DECK_SNAPSHOT_VERSION,
    generatedAt: '2022-02-20T09:00:00.000Z',
    organisation: { name: 'Préfecture de l’Allier', brand: 'Préfet de l’Allier', city: 'Moulins' },
    meeting: {
      id: 'reunion-1',
      startsAt: '2022-02-28T10:30',
      place: 'Préfecture, salle Marianne',
      chair: 'M. Alexandre SANZ, secrétaire général de la préfecture de l’Allier',
      periodFrom: '2021-01-01',
      periodTo: '2021-12-31',
      agenda: [],
    },
    perimeter: {
      modules: [
        { code: '1', title: 'Relation générale avec les usagers', engagements: [{ code: '1.1', title: 'Accueil' }] },
        { code: '5', title: 'Polices administratives liées à la sécurité', engagements: [] },
      ],
    },
    surveys: [
      {
        channel: 'physical_reception',
        channelLabel: 'Accueil physique',
        campaigns: ['Enquête 2021'],
        responses: 1207,
        criteria: [],
        global: { rate: 91.3, n: 4850, meanOfCriteria: 90.8 },
      },
      {
        channel: 'website',
        channelLabel: 'Site internet',
        campaigns: ['Enquête 2021'],
        responses: 12,
        criteria: [],
        global: { rate: 58.3, n: 12, meanOfCriteria: 58.3 },
      },
    ],
    extraSections: [],
    indicators: {
      year: 2021,
      asOf: '2022-02-20',
      elapsedMonths: 12,
      rows: [
        indicatorRow('TEL_ABOUTIS', 'IM714', 'Taux d’appels aboutis', 92.5, 'met', 85),
        indicatorRow('DI_MAIL_5J', 'IM101', 'Courriels traités en 5 jours', 95, 'met', 90),
        indicatorRow('SAT_WEB', 'IM105', 'Satisfaction du site internet', 58.3, 'not_met', 70),
      ],
    },
    complaints: {
      total: 0,
      byChannel: [],
      byTheme: [],
      byKind: [],
      followUp: { answeredInTime: 0, answeredLate: 0, unanswered: 0, actionsCreated: 0 },
    },
    templates: [
      {
        name: 'Accusé de réception',
        purpose: 'acknowledgment',
        purposeLabel: 'Accusé de réception',
        subject: 'Votre demande',
        body: 'Bonjour',
        opinion: 'Avis favorable',
      },
    ],
    actionPlan: {
      done: [
        {
          number: 1,
          objective: 'Signalétique',
          description: 'Changer la signalétique',
          services: ['Accueil'],
          dueDate: '2021-06-30',
          status: 'done',
          statusLabel: 'Réalisée',
          originKind: 'survey_criterion',
          originLabel: 'Critère d’enquête',
        },
      ],
      inProgress: [],
      created: [],
      byOrigin: [{ originKind: 'survey_criterion', originLabel: 'Critère d’enquête', done: 1, titles: ['Signalétique'] }],
    },
    proposals: { previousMeetingStartsAt: null, items: [] },
  };
}

export function fixtureMeeting(overrides: Partial<MinutesMeeting> = {}): MinutesMeeting {
  return {
    id: 'reunion-1',
    startsAt: '2022-02-28T10:30',
    place: 'Préfecture, salle Marianne',
    chair: 'M. Alexandre SANZ, secrétaire général de la préfecture de l’Allier',
    agenda: [
      { key: 'demarche', title: 'Rôle et composition du comité, présentation de la démarche qualité' },
      { key: 'surveys', title: 'Résultats de l’enquête de satisfaction usagers 2021' },
      { key: 'mystery', title: 'Résultats des enquêtes « mystère » 2021' },
      { key: 'indicators', title: 'Résultats des indicateurs qualité 2021' },
      { key: 'complaints', title: 'Réclamations et suggestions' },
      { key: 'templates', title: 'Modèles soumis pour avis' },
      { key: 'action_plan', title: 'Plan d’actions' },
      { key: 'proposals_follow_up', title: 'Suivi des propositions' },
      { key: 'custom-1', title: 'Présentation du plan de communication' },
    ],
    attendees: [
      {
        name: 'Mme Annie CHARMANT',
        civility: 'Mme',
        firstName: 'Annie',
        lastName: 'Charmant',
        function: null,
        organisation: 'la chambre de commerce et d’industrie de l’Allier',
        status: 'present',
      },
      {
        name: 'M. Luc MAILLARD',
        civility: 'M.',
        firstName: 'Luc',
        lastName: 'Maillard',
        function: 'président',
        organisation: 'UFC Que Choisir',
        status: 'present',
      },
      {
        name: 'Mme Agnès MONTOILLE',
        civility: 'Mme',
        firstName: 'Agnès',
        lastName: 'Montoille',
        function: 'déléguée départementale',
        organisation: 'Défenseur des droits',
        status: 'excused',
      },
    ],
    proposals: [{ text: 'Afficher les horaires à l’entrée', memberOrganisation: 'UFC Que Choisir' }],
    ...overrides,
  };
}
