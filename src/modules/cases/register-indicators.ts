import { APPOINTMENT_FIX_WORKING_DAYS, APPOINTMENT_HELD_WORKING_DAYS, UPDATE_WORKING_DAYS } from './deadline-rules.ts';
import type { Period } from './period.ts';
import type { Audience, CaseChannel, CaseKind, UpdateTarget } from './vocabulary.ts';

/**
 * Indicateurs calculés depuis le registre (BRIEF, « Register indicators for a period ») :
 * - population : dossiers des natures, canaux et public de l'indicateur dont la date locale de
 *   réception tombe dans la période ;
 * - une réponse datée après la date d'arrêté est ignorée (le dossier est alors sans réponse) ;
 * - taux à N jours : tenu = répondu avec un délai ≤ N ; manqué = répondu avec un délai > N, ou sans
 *   réponse et échéance antérieure à la date d'arrêté ; les dossiers sans réponse pas encore échus sont
 *   « en attente » et exclus ; valeur = 100 × tenus / (tenus + manqués) ;
 * - délai moyen : somme des délais des dossiers répondus / leur nombre ;
 * - rien à mesurer (dénominateur nul) : `not_applicable`, jamais 0 ;
 * - provisoire quand la période n'est pas close à la date d'arrêté ou que des dossiers sont en attente ;
 * - valeurs arrondies à 2 décimales.
 * Les indicateurs du module 1 comptent tous les publics ; ceux du module 4 les seules collectivités.
 */
export interface RegisterIndicatorDefinition {
  key: string;
  module: number;
  measure: 'rate' | 'mean_delay';
  /** Pour un rendez-vous d'élu : la date mesurée (fixation ou tenue). */
  milestone: 'answer' | 'appointment_fixed' | 'appointment_held';
  kinds: readonly CaseKind[];
  channels: readonly CaseChannel[] | null;
  audience: Audience | null;
  target: UpdateTarget | null;
  workingDays: number;
  unit: 'percent' | 'working_days';
}

const INFO = ['information_request'] as const;
const COMPLAINTS = ['complaint', 'suggestion'] as const;
const ELECTRONIC = ['email', 'web_form'] as const;
const PAPER = ['letter', 'urn'] as const;

function rate(
  key: string,
  kinds: readonly CaseKind[],
  channels: readonly CaseChannel[] | null,
  workingDays: number,
  extra: Partial<RegisterIndicatorDefinition> = {},
): RegisterIndicatorDefinition {
  return {
    key,
    module: 1,
    measure: 'rate',
    milestone: 'answer',
    kinds,
    channels,
    audience: null,
    target: null,
    workingDays,
    unit: 'percent',
    ...extra,
  };
}

function meanDelay(
  key: string,
  kinds: readonly CaseKind[],
  channels: readonly CaseChannel[],
  workingDays: number,
): RegisterIndicatorDefinition {
  return { ...rate(key, kinds, channels, workingDays), measure: 'mean_delay', unit: 'working_days' };
}

export const REGISTER_INDICATORS: readonly RegisterIndicatorDefinition[] = [
  rate('SVI_MAJ_3J', ['update_request'], null, UPDATE_WORKING_DAYS, { target: 'svi' }),
  rate('WEB_MAJ_3J', ['update_request'], null, UPDATE_WORKING_DAYS, { target: 'website' }),
  rate('RECL_MAIL_5J', COMPLAINTS, ELECTRONIC, 5),
  rate('RECL_PAPIER_10J', COMPLAINTS, PAPER, 10),
  meanDelay('RECL_MAIL_DELAI', COMPLAINTS, ELECTRONIC, 5),
  meanDelay('RECL_PAPIER_DELAI', COMPLAINTS, PAPER, 10),
  rate('DI_COURRIER_10J', INFO, ['letter'], 10),
  rate('DI_MAIL_5J', INFO, ELECTRONIC, 5),
  meanDelay('DI_MAIL_DELAI', INFO, ELECTRONIC, 5),
  meanDelay('DI_COURRIER_DELAI', INFO, ['letter'], 10),
  rate('CT_COURRIER_10J', ['information_request', 'advice_request'], ['letter'], 10, { module: 4, audience: 'local_authority' }),
  rate('CT_MAIL_5J', ['information_request', 'advice_request'], ['email'], 5, { module: 4, audience: 'local_authority' }),
  rate('CT_RDV_FIX_4J', ['elected_official_appointment'], null, APPOINTMENT_FIX_WORKING_DAYS, {
    module: 4,
    audience: 'local_authority',
    milestone: 'appointment_fixed',
  }),
  rate('CT_RDV_10J', ['elected_official_appointment'], null, APPOINTMENT_HELD_WORKING_DAYS, {
    module: 4,
    audience: 'local_authority',
    milestone: 'appointment_held',
  }),
];

/** Ce que le calcul doit savoir d'un dossier (aucune donnée personnelle). */
export interface CaseFacts {
  id: string;
  reference: string;
  kind: CaseKind;
  channel: CaseChannel;
  audience: Audience;
  target: UpdateTarget | null;
  receivedLocalDate: string;
  /** Date locale de la réponse (ou de la fixation / tenue du rendez-vous selon l'indicateur). */
  answeredLocalDate: string | null;
  appointmentFixedLocalDate: string | null;
  appointmentHeldLocalDate: string | null;
  /** Délai enregistré avec la réponse ; recalculé ici s'il manque. */
  answerDelay?: number | null;
}

export interface CalendarPort {
  dueDate(receipt: string, workingDays: number): string;
  delay(receipt: string, answer: string): number;
}

export type IndicatorStatus = 'measured' | 'not_applicable' | 'not_available';

export interface IndicatorResult {
  key: string;
  unit: 'percent' | 'working_days';
  status: IndicatorStatus;
  value: number | null;
  numerator: number;
  denominator: number;
  provisional: boolean;
  /** Les dossiers derrière la valeur : on passe d'un taux aux dossiers en retard. */
  cases: { met: string[]; missed: string[]; pending: string[] };
}

export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export function inPopulation(definition: RegisterIndicatorDefinition, facts: CaseFacts, period: Period): boolean {
  return (
    facts.receivedLocalDate >= period.start &&
    facts.receivedLocalDate <= period.end &&
    definition.kinds.includes(facts.kind) &&
    (definition.channels === null || definition.channels.includes(facts.channel)) &&
    (definition.audience === null || facts.audience === definition.audience) &&
    (definition.target === null || facts.target === definition.target)
  );
}

function milestoneDate(definition: RegisterIndicatorDefinition, facts: CaseFacts): string | null {
  if (definition.milestone === 'appointment_fixed') return facts.appointmentFixedLocalDate;
  if (definition.milestone === 'appointment_held') return facts.appointmentHeldLocalDate;
  return facts.answeredLocalDate;
}

export function computeRegisterIndicator(
  definition: RegisterIndicatorDefinition,
  cases: readonly CaseFacts[],
  period: Period,
  asOf: string,
  calendar: CalendarPort,
): IndicatorResult {
  const met: string[] = [];
  const missed: string[] = [];
  const pending: string[] = [];
  let delaySum = 0;
  let answered = 0;
  for (const facts of cases) {
    if (!inPopulation(definition, facts, period)) continue;
    const raw = milestoneDate(definition, facts);
    // Une réponse postérieure à la date d'arrêté n'existe pas encore à cette date.
    const done = raw !== null && raw <= asOf ? raw : null;
    if (done !== null) {
      const delay =
        definition.milestone === 'answer' && facts.answerDelay != null
          ? facts.answerDelay
          : calendar.delay(facts.receivedLocalDate, done);
      answered++;
      delaySum += delay;
      (delay <= definition.workingDays ? met : missed).push(facts.id);
    } else if (calendar.dueDate(facts.receivedLocalDate, definition.workingDays) < asOf) {
      missed.push(facts.id);
    } else {
      pending.push(facts.id);
    }
  }
  const provisional = asOf <= period.end || pending.length > 0;
  if (definition.measure === 'mean_delay') {
    const value = answered > 0 ? round2(delaySum / answered) : null;
    return {
      key: definition.key,
      unit: definition.unit,
      status: answered > 0 ? 'measured' : 'not_applicable',
      value,
      numerator: delaySum,
      denominator: answered,
      provisional,
      cases: { met, missed, pending },
    };
  }
  const denominator = met.length + missed.length;
  return {
    key: definition.key,
    unit: definition.unit,
    status: denominator > 0 ? 'measured' : 'not_applicable',
    value: denominator > 0 ? round2((100 * met.length) / denominator) : null,
    numerator: met.length,
    denominator,
    provisional,
    cases: { met, missed, pending },
  };
}

/** Indicateurs du périmètre : module 1 toujours, module 4 s'il y est. */
export function registerIndicatorsFor(perimeter: readonly number[]): RegisterIndicatorDefinition[] {
  return REGISTER_INDICATORS.filter((d) => perimeter.includes(d.module));
}

/** Agrégat SQL d'un groupe de dossiers (mois, nature, canal, public, cible) à une date d'arrêté. */
export interface CaseGroup {
  month: string;
  kind: CaseKind;
  channel: CaseChannel;
  audience: Audience;
  target: UpdateTarget | null;
  /** Répondus à la date d'arrêté, avec la somme de leurs délais. */
  answered: number;
  delaySum: number;
  /** Répondus dans le délai de la nature et du canal (3, 5 ou 10 jours ouvrés). */
  met: number;
  /** Sans réponse à la date d'arrêté, échéance dépassée / pas encore échue. */
  overdue: number;
  pending: number;
}

/**
 * Valeur d'un indicateur (hors rendez-vous) à partir des agrégats : mêmes règles que
 * `computeRegisterIndicator`, sans lire les dossiers un à un (tableau mensuel sur une année).
 */
/** Une valeur sans la liste des dossiers, avec le nombre d'« en attente » (tableaux). */
export type IndicatorSummary = Omit<IndicatorResult, 'cases'> & { pending: number };

export function indicatorFromGroups(
  definition: RegisterIndicatorDefinition,
  groups: readonly CaseGroup[],
  period: Period,
  asOf: string,
): IndicatorSummary {
  let met = 0;
  let missed = 0;
  let pending = 0;
  let answered = 0;
  let delaySum = 0;
  for (const g of groups) {
    const first = `${g.month}-01`;
    if (first < period.start || first > period.end) continue;
    if (!definition.kinds.includes(g.kind)) continue;
    if (definition.channels !== null && !definition.channels.includes(g.channel)) continue;
    if (definition.audience !== null && g.audience !== definition.audience) continue;
    if (definition.target !== null && g.target !== definition.target) continue;
    met += g.met;
    missed += g.answered - g.met + g.overdue;
    pending += g.pending;
    answered += g.answered;
    delaySum += g.delaySum;
  }
  const provisional = asOf <= period.end || pending > 0;
  if (definition.measure === 'mean_delay') {
    return {
      key: definition.key,
      unit: definition.unit,
      status: answered > 0 ? 'measured' : 'not_applicable',
      value: answered > 0 ? round2(delaySum / answered) : null,
      numerator: delaySum,
      denominator: answered,
      provisional,
      pending,
    };
  }
  const denominator = met + missed;
  return {
    key: definition.key,
    unit: definition.unit,
    status: denominator > 0 ? 'measured' : 'not_applicable',
    value: denominator > 0 ? round2((100 * met) / denominator) : null,
    numerator: met,
    denominator,
    provisional,
    pending,
  };
}
