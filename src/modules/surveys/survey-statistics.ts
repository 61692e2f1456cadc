import { round2 } from '../cases/register-indicators.ts';

/**
 * Statistiques des enquêtes de satisfaction (BRIEF, « Domain rules », taux de satisfaction) :
 * - taux d'un critère = (très satisfaisant + satisfaisant) / réponses exprimées ; « sans avis » et
 *   l'absence de réponse ne sont pas des réponses exprimées ; Oui/Non : Oui / (Oui + Non) ;
 * - aucune réponse exprimée : « sans objet » (`not_applicable`), jamais 0 % ;
 * - chaque taux porte son n et un intervalle de Wilson à 95 % (z = 1,96) ; n < 30 : « indicatif » ;
 * - taux global d'un canal enquêté = taux poolé sur ses critères, la moyenne des taux des critères
 *   étant donnée à côté, sous son propre nom ;
 * - évolution entre deux campagnes « significative » quand le test z de deux proportions donne p < 0,05.
 *
 * Module pur (ni base ni HTTP). Les calculs ne sont jamais arrondis : seules les fonctions `format…`
 * et `indicatorFraction` (valeur d'indicateur, 2 décimales comme les indicateurs du registre) arrondissent.
 */

// --- Modalités ---------------------------------------------------------------------------------
// Mêmes clés que les options de réponse de `questionnaire.ts` (un test le vérifie) ; ce module n'en
// dépend pas pour rester utilisable seul.

/** Échelle à 4 niveaux, du meilleur au pire. */
export const SATISFACTION_LEVEL_KEYS = ['very_satisfied', 'satisfied', 'dissatisfied', 'very_dissatisfied'] as const;
export type SatisfactionLevel = (typeof SATISFACTION_LEVEL_KEYS)[number];

/** Les deux niveaux comptés comme « satisfaits ». */
export const SATISFIED_LEVEL_KEYS: readonly SatisfactionLevel[] = ['very_satisfied', 'satisfied'];

/** « Sans avis » : une réponse donnée, mais pas une réponse exprimée. */
export const NO_OPINION_KEY = 'no_opinion';

/** Réponses possibles à une question de satisfaction, dans l'ordre d'affichage. */
export const SATISFACTION_ANSWER_KEYS = [...SATISFACTION_LEVEL_KEYS, NO_OPINION_KEY] as const;
export type SatisfactionAnswer = (typeof SATISFACTION_ANSWER_KEYS)[number];

export const YES_NO_ANSWER_KEYS = ['yes', 'no'] as const;
export type YesNoAnswer = (typeof YES_NO_ANSWER_KEYS)[number];

export const ANSWER_LABELS: Readonly<Record<SatisfactionAnswer | YesNoAnswer, string>> = {
  very_satisfied: 'Très satisfaisant',
  satisfied: 'Satisfaisant',
  dissatisfied: 'Peu satisfaisant',
  very_dissatisfied: 'Pas du tout satisfaisant',
  no_opinion: 'Sans avis',
  yes: 'Oui',
  no: 'Non',
};

/** Les deux types de question qui donnent un taux de satisfaction (mêmes noms que `QuestionType` du questionnaire). */
export type RatedQuestionKind = 'satisfaction_4' | 'yes_no';

// --- Décomptes ---------------------------------------------------------------------------------

/** Décompte des réponses à une question de l'échelle de satisfaction. `no_answer` : question laissée vide. */
export interface SatisfactionScaleTally {
  kind: 'satisfaction_4';
  very_satisfied: number;
  satisfied: number;
  dissatisfied: number;
  very_dissatisfied: number;
  no_opinion: number;
  no_answer: number;
}

/** Décompte des réponses à une question Oui/Non. */
export interface YesNoTally {
  kind: 'yes_no';
  yes: number;
  no: number;
  no_answer: number;
}

/** Décompte des réponses à un critère (une question notée). */
export type CriterionTally = SatisfactionScaleTally | YesNoTally;

export function emptyTally(kind: 'satisfaction_4'): SatisfactionScaleTally;
export function emptyTally(kind: 'yes_no'): YesNoTally;
export function emptyTally(kind: RatedQuestionKind): CriterionTally;
export function emptyTally(kind: RatedQuestionKind): CriterionTally {
  if (kind === 'yes_no') return { kind, yes: 0, no: 0, no_answer: 0 };
  return { kind, very_satisfied: 0, satisfied: 0, dissatisfied: 0, very_dissatisfied: 0, no_opinion: 0, no_answer: 0 };
}

function countKeys(tally: CriterionTally): readonly string[] {
  return tally.kind === 'yes_no' ? [...YES_NO_ANSWER_KEYS, 'no_answer'] : [...SATISFACTION_ANSWER_KEYS, 'no_answer'];
}

function checkCount(value: number, key: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Décompte invalide pour « ${key} » : un entier positif ou nul est attendu (reçu ${value}).`);
  }
}

/** Vérifie qu'un décompte ne contient que des entiers positifs ou nuls ; le rend tel quel. */
export function checkTally<T extends CriterionTally>(tally: T): T {
  const counts = tally as unknown as Record<string, number>;
  for (const key of countKeys(tally)) checkCount(counts[key] as number, key);
  return tally;
}

/**
 * Compte des réponses individuelles. `null`, `undefined` ou la chaîne vide : question laissée vide.
 * Une valeur hors de l'échelle est une erreur (la saisie l'a déjà refusée) : on ne l'écarte pas en silence.
 */
export function tallyAnswers(kind: 'satisfaction_4', answers: Iterable<string | null | undefined>): SatisfactionScaleTally;
export function tallyAnswers(kind: 'yes_no', answers: Iterable<string | null | undefined>): YesNoTally;
export function tallyAnswers(kind: RatedQuestionKind, answers: Iterable<string | null | undefined>): CriterionTally;
export function tallyAnswers(kind: RatedQuestionKind, answers: Iterable<string | null | undefined>): CriterionTally {
  const tally = emptyTally(kind);
  const counts = tally as unknown as Record<string, number>;
  const allowed: readonly string[] = kind === 'yes_no' ? YES_NO_ANSWER_KEYS : SATISFACTION_ANSWER_KEYS;
  for (const answer of answers) {
    if (answer === null || answer === undefined || answer === '') {
      counts.no_answer = (counts.no_answer as number) + 1;
    } else if (allowed.includes(answer)) {
      counts[answer] = (counts[answer] as number) + 1;
    } else {
      throw new RangeError(
        `Réponse « ${answer} » inconnue pour une question ${kind === 'yes_no' ? 'Oui/Non' : 'de satisfaction'}.`,
      );
    }
  }
  return tally;
}

/** Somme de deux décomptes du même critère (par exemple deux modes de collecte, ou deux mois). */
export function addTallies<T extends CriterionTally>(a: T, b: T): T {
  if (a.kind !== b.kind) throw new RangeError('Impossible d’additionner un décompte Oui/Non et un décompte de satisfaction.');
  const sum = { ...a } as unknown as Record<string, number>;
  const other = b as unknown as Record<string, number>;
  for (const key of countKeys(a)) sum[key] = (sum[key] as number) + (other[key] as number);
  return checkTally(sum as unknown as T);
}

/** Numérateur : très satisfaisant + satisfaisant, ou Oui. */
export function satisfiedCount(tally: CriterionTally): number {
  checkTally(tally);
  if (tally.kind === 'yes_no') return tally.yes;
  return SATISFIED_LEVEL_KEYS.reduce((sum, level) => sum + tally[level], 0);
}

/** n, le dénominateur : les réponses exprimées (ni « sans avis », ni question laissée vide). */
export function expressedCount(tally: CriterionTally): number {
  checkTally(tally);
  return tally.kind === 'yes_no'
    ? tally.yes + tally.no
    : tally.very_satisfied + tally.satisfied + tally.dissatisfied + tally.very_dissatisfied;
}

// --- Intervalle de Wilson et taux ----------------------------------------------------------------

/** Quantile de la loi normale pour un intervalle à 95 % (BRIEF : z = 1,96). */
export const WILSON_Z_95 = 1.96;
/** En dessous de ce n, un taux est « indicatif ». */
export const INDICATIVE_BELOW_N = 30;
/** Seuil du test : une évolution est significative quand p < 0,05. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** Intervalle de confiance d'une proportion, bornes dans [0, 1]. */
export interface ConfidenceInterval {
  lower: number;
  upper: number;
}

/**
 * Intervalle de score de Wilson : centre (p + z²/2n) / (1 + z²/n),
 * demi-largeur z / (1 + z²/n) · √(p(1 − p)/n + z²/4n²). Rien à calculer quand n = 0.
 */
export function wilsonInterval(successes: number, n: number, z: number = WILSON_Z_95): ConfidenceInterval | null {
  checkCount(successes, 'succès');
  checkCount(n, 'n');
  if (successes > n) throw new RangeError(`Plus de succès (${successes}) que de réponses (${n}).`);
  if (!(z > 0)) throw new RangeError('Le quantile z doit être strictement positif.');
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Aux extrémités (0 ou n succès) la borne vaut exactement 0 ou 1 : on efface l'erreur d'arrondi flottant.
  return {
    lower: successes === 0 ? 0 : Math.max(0, center - halfWidth),
    upper: successes === n ? 1 : Math.min(1, center + halfWidth),
  };
}

/** `measured` : au moins une réponse exprimée ; `not_applicable` : « sans objet », rien à mesurer. */
export type RateStatus = 'measured' | 'not_applicable';

/** Une proportion estimée, telle que l'affiche la page de résultats. */
export interface ProportionEstimate {
  status: RateStatus;
  /** Numérateur : réponses satisfaites (ou Oui). */
  successes: number;
  /** n : réponses exprimées. */
  n: number;
  /** successes / n dans [0, 1], non arrondi ; `null` quand sans objet (jamais 0). */
  rate: number | null;
  /** Intervalle de Wilson à 95 % ; `null` quand sans objet. */
  interval: ConfidenceInterval | null;
  /** « Indicatif » : mesuré sur moins de 30 réponses exprimées (faux quand sans objet). */
  indicative: boolean;
}

export function proportionEstimate(successes: number, n: number): ProportionEstimate {
  const interval = wilsonInterval(successes, n);
  if (n === 0) return { status: 'not_applicable', successes: 0, n: 0, rate: null, interval: null, indicative: false };
  return { status: 'measured', successes, n, rate: successes / n, interval, indicative: n < INDICATIVE_BELOW_N };
}

/** Taux de satisfaction d'un critère. */
export function criterionRate(tally: CriterionTally): ProportionEstimate {
  return proportionEstimate(satisfiedCount(tally), expressedCount(tally));
}

/** Valeur d'un indicateur fondé sur une enquête (par exemple `PAN_SATISF_CONF`), même forme que ceux du registre. */
export interface SurveyIndicatorFraction {
  status: RateStatus;
  numerator: number;
  denominator: number;
  /** 100 × numérateur / dénominateur, arrondi à 2 décimales ; `null` quand sans objet. */
  value: number | null;
}

/**
 * Numérateur, dénominateur et statut d'un critère, pour les indicateurs. Pour une période plus longue,
 * additionner les décomptes (`addTallies`) avant d'appeler : jamais de moyenne de pourcentages.
 */
export function indicatorFraction(tally: CriterionTally): SurveyIndicatorFraction {
  const numerator = satisfiedCount(tally);
  const denominator = expressedCount(tally);
  if (denominator === 0) return { status: 'not_applicable', numerator: 0, denominator: 0, value: null };
  return { status: 'measured', numerator, denominator, value: round2((100 * numerator) / denominator) };
}

// --- Taux global d'un canal enquêté ------------------------------------------------------------

export const GLOBAL_RATE_LABELS = {
  pooled: 'Taux global (toutes réponses exprimées des critères)',
  meanOfCriterionRates: 'Moyenne des taux des critères',
} as const;

/** Moyenne simple des taux des critères mesurés (les critères sans objet n'y comptent pas pour 0). */
export interface MeanOfRates {
  status: RateStatus;
  /** Dans [0, 1], non arrondie ; `null` quand aucun critère n'est mesuré. */
  value: number | null;
  criteriaMeasured: number;
  criteriaNotApplicable: number;
}

export interface ChannelGlobalRate {
  /**
   * Taux poolé : somme des satisfaits / somme des réponses exprimées, sur tous les critères du canal.
   * Un même répondant compte une fois par critère : n est un nombre de réponses, pas de personnes,
   * et l'intervalle de Wilson, qui suppose des réponses indépendantes, est un peu trop étroit.
   */
  pooled: ProportionEstimate;
  meanOfCriterionRates: MeanOfRates;
  criteria: ProportionEstimate[];
}

export function channelGlobalRate(tallies: readonly CriterionTally[]): ChannelGlobalRate {
  const criteria = tallies.map(criterionRate);
  let successes = 0;
  let n = 0;
  let sum = 0;
  let measured = 0;
  for (const criterion of criteria) {
    successes += criterion.successes;
    n += criterion.n;
    if (criterion.rate !== null) {
      sum += criterion.rate;
      measured++;
    }
  }
  return {
    pooled: proportionEstimate(successes, n),
    meanOfCriterionRates: {
      status: measured > 0 ? 'measured' : 'not_applicable',
      value: measured > 0 ? sum / measured : null,
      criteriaMeasured: measured,
      criteriaNotApplicable: criteria.length - measured,
    },
    criteria,
  };
}

// --- Comparaison de deux campagnes -------------------------------------------------------------

/**
 * Fonction d'erreur complémentaire erfc(x), x ≥ 0, à la précision des flottants :
 * - x < 2,5 : série à termes positifs erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ · x / (1·3·…·(2n+1)) ;
 * - au-delà : fraction continue erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
 *   évaluée de la queue vers la tête (assez de termes pour x ≥ 2,5).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
      term *= (2 * x2) / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  }
  let tail = 0;
  for (let k = 120; k >= 1; k--) tail = k / 2 / (x + tail);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + tail);
}

/** p-value bilatérale d'une statistique z de loi normale centrée réduite : P(|Z| ≥ |z|) = erfc(|z|/√2). */
export function twoSidedPValue(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Pourquoi une comparaison n'est pas calculable. */
export type NotComputableReason = 'previous_empty' | 'current_empty' | 'both_empty' | 'no_variance';

export const NOT_COMPUTABLE_LABELS: Readonly<Record<NotComputableReason, string>> = {
  previous_empty: 'Non calculable : aucune réponse exprimée lors de la campagne précédente.',
  current_empty: 'Non calculable : aucune réponse exprimée lors de cette campagne.',
  both_empty: 'Non calculable : aucune réponse exprimée lors des deux campagnes.',
  no_variance:
    'Non calculable : toutes les réponses des deux campagnes sont identiques (taux de 0 % ou de 100 % des deux côtés).',
};

export type ProportionComparison =
  | {
      status: 'computed';
      previous: ProportionEstimate;
      current: ProportionEstimate;
      /** Taux actuel − taux précédent, dans [−1, 1], non arrondi. */
      difference: number;
      z: number;
      pValue: number;
      /** p < 0,05. */
      significant: boolean;
    }
  | {
      status: 'not_computable';
      reason: NotComputableReason;
      previous: ProportionEstimate;
      current: ProportionEstimate;
      /** L'écart quand les deux taux existent (no_variance : 0), sinon `null`. */
      difference: number | null;
    };

/**
 * Test z de deux proportions, bilatéral, avec proportion commune (équivalent au χ² à 1 degré de liberté
 * sans correction de Yates : z² = χ²). Jamais de NaN : les cas sans réponse d'un côté, ou sans
 * variance (0 % ou 100 % des deux côtés), sont rendus « non calculables » avec leur raison.
 */
export function compareProportions(
  previous: { successes: number; n: number },
  current: { successes: number; n: number },
): ProportionComparison {
  const before = proportionEstimate(previous.successes, previous.n);
  const after = proportionEstimate(current.successes, current.n);
  if (before.rate === null || after.rate === null) {
    const reason: NotComputableReason =
      before.rate === null && after.rate === null ? 'both_empty' : before.rate === null ? 'previous_empty' : 'current_empty';
    return { status: 'not_computable', reason, previous: before, current: after, difference: null };
  }
  const difference = after.rate - before.rate;
  const pooled = (before.successes + after.successes) / (before.n + after.n);
  const variance = pooled * (1 - pooled) * (1 / before.n + 1 / after.n);
  if (!(variance > 0)) {
    return { status: 'not_computable', reason: 'no_variance', previous: before, current: after, difference };
  }
  const z = difference / Math.sqrt(variance);
  const pValue = twoSidedPValue(z);
  return {
    status: 'computed',
    previous: before,
    current: after,
    difference,
    z,
    pValue,
    significant: pValue < SIGNIFICANCE_LEVEL,
  };
}

/** Comparaison du taux d'un critère entre la campagne précédente et celle-ci. */
export function compareCriterionRates(previous: CriterionTally, current: CriterionTally): ProportionComparison {
  return compareProportions(
    { successes: satisfiedCount(previous), n: expressedCount(previous) },
    { successes: satisfiedCount(current), n: expressedCount(current) },
  );
}

// --- Répartition (graphique en barres) -----------------------------------------------------------

export interface DistributionBar {
  value: string;
  label: string;
  count: number;
  /** Part des répondants à la question (count / respondents) ; `null` quand personne n'a répondu. */
  share: number | null;
}

export interface Distribution {
  bars: DistributionBar[];
  /** Répondants qui ont donné au moins une réponse (« sans avis » compris). */
  respondents: number;
  /** Questions laissées vides. */
  unanswered: number;
}

/** Répartition d'un critère par modalité, dans l'ordre de l'échelle (« Sans avis » en dernier). */
export function tallyDistribution(tally: CriterionTally): Distribution {
  checkTally(tally);
  const counts = tally as unknown as Record<string, number>;
  const values: readonly (SatisfactionAnswer | YesNoAnswer)[] =
    tally.kind === 'yes_no' ? YES_NO_ANSWER_KEYS : SATISFACTION_ANSWER_KEYS;
  const respondents = values.reduce((sum, value) => sum + (counts[value] as number), 0);
  return {
    bars: values.map((value) => ({
      value,
      label: ANSWER_LABELS[value],
      count: counts[value] as number,
      share: respondents > 0 ? (counts[value] as number) / respondents : null,
    })),
    respondents,
    unanswered: tally.no_answer,
  };
}

/**
 * Répartition d'une question à choix (unique : une valeur ; multiple : une liste de valeurs) sur ses
 * modalités. Pour un choix multiple, les parts peuvent dépasser 100 % au total. Une valeur absente des
 * modalités est une erreur.
 */
export function choiceDistribution(
  options: readonly { value: string; label: string }[],
  answers: Iterable<string | readonly string[] | null | undefined>,
): Distribution {
  const counts = new Map<string, number>(options.map((option) => [option.value, 0]));
  let respondents = 0;
  let unanswered = 0;
  for (const answer of answers) {
    const chosen = answer === null || answer === undefined ? [] : typeof answer === 'string' ? [answer] : answer;
    const distinct = new Set(chosen.filter((value) => value !== ''));
    if (distinct.size === 0) {
      unanswered++;
      continue;
    }
    respondents++;
    for (const value of distinct) {
      const count = counts.get(value);
      if (count === undefined) throw new RangeError(`Modalité « ${value} » inconnue pour cette question.`);
      counts.set(value, count + 1);
    }
  }
  return {
    bars: options.map((option) => {
      const count = counts.get(option.value) as number;
      return { value: option.value, label: option.label, count, share: respondents > 0 ? count / respondents : null };
    }),
    respondents,
    unanswered,
  };
}

// --- Affichage (les seuls arrondis) --------------------------------------------------------------

const NOT_APPLICABLE_TEXT = 'Sans objet';

function percentFormat(fractionDigits: number): Intl.NumberFormat {
  return new Intl.NumberFormat('fr-FR', { maximumFractionDigits: fractionDigits, minimumFractionDigits: 0 });
}

/** Une proportion [0, 1] en pourcentage français : 0.8125 → « 81,3 % » (1 décimale par défaut). */
export function formatPercent(proportion: number, fractionDigits = 1): string {
  return `${percentFormat(fractionDigits).format(proportion * 100)}\u00a0%`;
}

/** Le taux, ou « Sans objet ». */
export function formatRate(estimate: ProportionEstimate, fractionDigits = 1): string {
  return estimate.rate === null ? NOT_APPLICABLE_TEXT : formatPercent(estimate.rate, fractionDigits);
}

/** L'intervalle : « [72,2 % ; 87,5 %] », ou « Sans objet ». */
export function formatInterval(interval: ConfidenceInterval | null, fractionDigits = 1): string {
  if (interval === null) return NOT_APPLICABLE_TEXT;
  return `[${formatPercent(interval.lower, fractionDigits)}\u00a0; ${formatPercent(interval.upper, fractionDigits)}]`;
}

/** Un écart en points de pourcentage, signé : « +15 pts », « −3,5 pts ». */
export function formatPointDifference(difference: number, fractionDigits = 1): string {
  const points = Number((difference * 100).toFixed(fractionDigits));
  const text = percentFormat(fractionDigits).format(Math.abs(points));
  const sign = points > 0 ? '+' : points < 0 ? '\u2212' : '';
  return `${sign}${text}\u00a0pt${Math.abs(points) >= 2 ? 's' : ''}`;
}

/** « p = 0,034 », ou « p < 0,001 » pour les très petites valeurs. */
export function formatPValue(pValue: number): string {
  if (pValue < 0.001) return 'p\u00a0<\u00a00,001';
  return `p\u00a0=\u00a0${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3, minimumFractionDigits: 3 }).format(pValue)}`;
}
