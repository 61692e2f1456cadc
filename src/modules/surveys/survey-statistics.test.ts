import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_OPINION, SATISFACTION_LEVELS, YES_NO_OPTIONS } from './questionnaire.ts';
import {
  ANSWER_LABELS,
  addTallies,
  type CriterionTally,
  channelGlobalRate,
  choiceDistribution,
  compareCriterionRates,
  compareProportions,
  criterionRate,
  emptyTally,
  erfc,
  expressedCount,
  formatInterval,
  formatPercent,
  formatPointDifference,
  formatPValue,
  formatRate,
  indicatorFraction,
  NO_OPINION_KEY,
  NOT_COMPUTABLE_LABELS,
  proportionEstimate,
  SATISFACTION_LEVEL_KEYS,
  SATISFIED_LEVEL_KEYS,
  type SatisfactionScaleTally,
  satisfiedCount,
  tallyAnswers,
  tallyDistribution,
  twoSidedPValue,
  wilsonInterval,
  YES_NO_ANSWER_KEYS,
  type YesNoTally,
} from './survey-statistics.ts';

function scale(counts: Partial<Omit<SatisfactionScaleTally, 'kind'>>): SatisfactionScaleTally {
  return { ...emptyTally('satisfaction_4'), ...counts };
}

function yesNo(yes: number, no: number, noAnswer = 0): YesNoTally {
  return { kind: 'yes_no', yes, no, no_answer: noAnswer };
}

function close(actual: number | undefined | null, expected: number, tolerance: number, message?: string): void {
  assert.ok(typeof actual === 'number', message ?? `nombre attendu, reçu ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message ?? ''} ${actual} ≠ ${expected} (± ${tolerance})`);
}

/**
 * Wilson écrit autrement que dans le module, pour recouper : bornes = racines en p du trinôme
 * (1 + z²/n) p² − (2p̂ + z²/n) p + p̂² = 0, c.-à-d. les p tels que |p̂ − p| = z √(p(1 − p)/n).
 */
function wilsonByQuadratic(successes: number, n: number, z = 1.96): [number, number] {
  const phat = successes / n;
  const a = 1 + (z * z) / n;
  const b = -(2 * phat + (z * z) / n);
  const c = phat * phat;
  const root = Math.sqrt(Math.max(0, b * b - 4 * a * c));
  return [(-b - root) / (2 * a), (-b + root) / (2 * a)];
}

function assertNoNaN(value: unknown, path = 'résultat'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} n’est pas un nombre fini`);
  else if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) assertNoNaN(child, `${path}.${key}`);
}

describe('Intervalle de Wilson à 95 %', () => {
  it('épingle 81/100 → [0,7222 ; 0,8749]', () => {
    const interval = wilsonInterval(81, 100);
    close(interval?.lower, 0.7222, 0.00005);
    close(interval?.upper, 0.8749, 0.00005);
    // Valeurs à 16 chiffres calculées hors du projet (Python, même formule) : aucun arrondi dans le calcul.
    close(interval?.lower, 0.7222097592919214, 1e-12);
    close(interval?.upper, 0.8748534600729574, 1e-12);
  });

  it('retrouve les intervalles publiés par Newcombe (1998), méthode 3 « score sans correction »', () => {
    // R. G. Newcombe, « Two-sided confidence intervals for the single proportion: comparison of seven
    // methods », Statistics in Medicine 17 (1998) 857-872, tableau II.
    const published: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lower, upper] of published) {
      const interval = wilsonInterval(x, n);
      close(interval?.lower, lower, 0.00005, `${x}/${n} borne basse`);
      close(interval?.upper, upper, 0.00005, `${x}/${n} borne haute`);
    }
  });

  it('aux extrémités : 0/10, 10/10, 1/1 et 0/1 ont une borne exactement à 0 ou 1', () => {
    assert.deepEqual(wilsonInterval(0, 10)?.lower, 0);
    close(wilsonInterval(0, 10)?.upper, 0.2775401687666166, 1e-12);
    close(wilsonInterval(10, 10)?.lower, 0.7224598312333834, 1e-12);
    assert.equal(wilsonInterval(10, 10)?.upper, 1);
    close(wilsonInterval(1, 1)?.lower, 0.2065432914738929, 1e-12);
    assert.equal(wilsonInterval(1, 1)?.upper, 1);
    assert.ok(Object.is(wilsonInterval(0, 1)?.lower, 0), 'jamais −0 ni une borne négative');
    close(wilsonInterval(0, 1)?.upper, 0.7934567085261071, 1e-12);
  });

  it('concorde avec la résolution du trinôme pour toutes les proportions jusqu’à n = 60', () => {
    for (let n = 1; n <= 60; n++) {
      for (let x = 0; x <= n; x++) {
        const interval = wilsonInterval(x, n);
        const [lower, upper] = wilsonByQuadratic(x, n);
        close(interval?.lower, Math.max(0, lower), 1e-9, `${x}/${n}`);
        close(interval?.upper, Math.min(1, upper), 1e-9, `${x}/${n}`);
      }
    }
  });

  it('propriétés : contient le taux, reste dans [0, 1], se resserre quand n grandit', () => {
    for (let n = 1; n <= 400; n++) {
      for (let x = 0; x <= n; x++) {
        const interval = wilsonInterval(x, n);
        assert.ok(interval);
        assert.ok(interval.lower >= 0 && interval.upper <= 1, `${x}/${n} hors de [0, 1]`);
        assert.ok(interval.lower <= x / n && x / n <= interval.upper, `${x}/${n} : le taux sort de l’intervalle`);
      }
    }
    // À proportion fixée, chaque multiplication de n resserre l'intervalle.
    for (const [x, n] of [
      [0, 5],
      [1, 4],
      [4, 5],
      [5, 5],
      [3, 10],
    ] as const) {
      let previousWidth = Number.POSITIVE_INFINITY;
      for (const factor of [1, 2, 4, 10, 100, 1000]) {
        const interval = wilsonInterval(x * factor, n * factor);
        assert.ok(interval);
        const width = interval.upper - interval.lower;
        assert.ok(width < previousWidth, `${x * factor}/${n * factor} ne resserre pas l’intervalle`);
        previousWidth = width;
      }
    }
  });

  it('refuse un décompte impossible au lieu de rendre NaN', () => {
    assert.equal(wilsonInterval(0, 0), null);
    assert.throws(() => wilsonInterval(11, 10), RangeError);
    assert.throws(() => wilsonInterval(-1, 10), RangeError);
    assert.throws(() => wilsonInterval(1.5, 10), RangeError);
    assert.throws(() => wilsonInterval(Number.NaN, 10), RangeError);
  });
});

describe('Taux de satisfaction d’un critère', () => {
  it('emploie les mêmes clés de réponse que le questionnaire', () => {
    assert.deepEqual(
      SATISFACTION_LEVELS.map((level) => level.key),
      [...SATISFACTION_LEVEL_KEYS],
    );
    assert.deepEqual(
      SATISFACTION_LEVELS.filter((level) => level.favourable).map((level) => level.key),
      [...SATISFIED_LEVEL_KEYS],
    );
    assert.equal(NO_OPINION.key, NO_OPINION_KEY);
    assert.deepEqual(
      YES_NO_OPTIONS.map((option) => option.key),
      [...YES_NO_ANSWER_KEYS],
    );
    for (const level of SATISFACTION_LEVELS) assert.equal(ANSWER_LABELS[level.key], level.label);
  });

  it('compte très satisfaisant + satisfaisant sur les réponses exprimées, « sans avis » et vides exclus', () => {
    const tally = scale({
      very_satisfied: 50,
      satisfied: 31,
      dissatisfied: 12,
      very_dissatisfied: 7,
      no_opinion: 40,
      no_answer: 9,
    });
    assert.equal(satisfiedCount(tally), 81);
    assert.equal(expressedCount(tally), 100);
    const rate = criterionRate(tally);
    assert.equal(rate.status, 'measured');
    assert.equal(rate.n, 100);
    assert.equal(rate.rate, 0.81);
    assert.equal(rate.indicative, false);
    close(rate.interval?.lower, 0.7222097592919214, 1e-12);
    // « Sans avis » ne change rien au taux : ni au numérateur ni au dénominateur.
    assert.deepEqual(criterionRate({ ...tally, no_opinion: 0, no_answer: 0 }), rate);
  });

  it('Oui/Non : Oui / (Oui + Non), les questions laissées vides exclues', () => {
    const rate = criterionRate(yesNo(87, 8, 5));
    assert.equal(rate.successes, 87);
    assert.equal(rate.n, 95);
    assert.equal(rate.rate, 87 / 95);
  });

  it('sans réponse exprimée : « sans objet », jamais 0 %', () => {
    for (const tally of [
      emptyTally('satisfaction_4'),
      scale({ no_opinion: 12, no_answer: 3 }),
      yesNo(0, 0, 4),
    ] as CriterionTally[]) {
      const rate = criterionRate(tally);
      assert.deepEqual(rate, {
        status: 'not_applicable',
        successes: 0,
        n: 0,
        rate: null,
        interval: null,
        indicative: false,
      });
      assert.equal(formatRate(rate), 'Sans objet');
    }
    // 0 % n'existe qu'avec des réponses exprimées, toutes insatisfaites.
    const zero = criterionRate(scale({ dissatisfied: 3, very_dissatisfied: 2 }));
    assert.equal(zero.status, 'measured');
    assert.equal(zero.rate, 0);
    assert.equal(formatRate(zero), '0\u00a0%');
  });

  it('signale « indicatif » sous 30 réponses exprimées, « sans avis » ne comptant pas', () => {
    assert.equal(criterionRate(scale({ satisfied: 29 })).indicative, true);
    assert.equal(criterionRate(scale({ satisfied: 30 })).indicative, false);
    assert.equal(criterionRate(scale({ satisfied: 20, dissatisfied: 9, no_opinion: 50 })).indicative, true);
    assert.equal(criterionRate(yesNo(1, 0)).indicative, true);
  });

  it('compte des réponses individuelles et refuse une modalité inconnue', () => {
    const tally = tallyAnswers('satisfaction_4', ['very_satisfied', 'satisfied', 'no_opinion', null, '', 'dissatisfied']);
    assert.deepEqual(tally, scale({ very_satisfied: 1, satisfied: 1, dissatisfied: 1, no_opinion: 1, no_answer: 2 }));
    assert.deepEqual(tallyAnswers('yes_no', ['yes', 'no', 'yes', undefined]), yesNo(2, 1, 1));
    assert.throws(() => tallyAnswers('yes_no', ['peut-être']), /inconnue/);
    assert.throws(() => tallyAnswers('satisfaction_4', ['yes']), RangeError);
  });

  it('additionne des décomptes (modes de collecte, mois) sans mélanger les sortes', () => {
    const sum = addTallies(scale({ satisfied: 3, no_opinion: 1 }), scale({ satisfied: 2, very_dissatisfied: 4 }));
    assert.deepEqual(sum, scale({ satisfied: 5, very_dissatisfied: 4, no_opinion: 1 }));
    assert.throws(() => addTallies(yesNo(1, 1) as CriterionTally, scale({ satisfied: 1 }) as CriterionTally), /Oui\/Non/);
    assert.throws(() => criterionRate(scale({ satisfied: -1 })), RangeError);
  });

  it('rend numérateur, dénominateur et statut pour les indicateurs (PAN_SATISF_CONF)', () => {
    // « Confidentialité et sécurité des données saisies » au point d'accueil numérique : 95 réponses
    // comme dans le seed du Puy-de-Dôme (répartition inventée pour l'exemple).
    const confidentiality = scale({ very_satisfied: 70, satisfied: 21, dissatisfied: 2, no_opinion: 2 });
    assert.deepEqual(indicatorFraction(confidentiality), {
      status: 'measured',
      numerator: 91,
      denominator: 93,
      value: 97.85,
    });
    assert.deepEqual(indicatorFraction(scale({ no_opinion: 4 })), {
      status: 'not_applicable',
      numerator: 0,
      denominator: 0,
      value: null,
    });
    // Un trimestre : décomptes additionnés, puis un seul rapport (jamais la moyenne des pourcentages).
    const quarter = [
      scale({ satisfied: 9, dissatisfied: 1 }),
      scale({ satisfied: 1, dissatisfied: 1 }),
      scale({ satisfied: 80 }),
    ];
    const summed = quarter.reduce((a, b) => addTallies(a, b));
    assert.deepEqual(indicatorFraction(summed), { status: 'measured', numerator: 90, denominator: 92, value: 97.83 });
  });
});

describe('Taux global d’un canal enquêté', () => {
  it('poole les critères et donne à côté la moyenne des taux des critères', () => {
    const courtesy = scale({ very_satisfied: 60, satisfied: 30, dissatisfied: 10 }); // 90/100
    const plainLanguage = yesNo(8, 2); // 8/10
    const confidentiality = scale({ satisfied: 5, dissatisfied: 5, no_opinion: 7 }); // 5/10
    const global = channelGlobalRate([courtesy, plainLanguage, confidentiality]);
    assert.equal(global.pooled.successes, 103);
    assert.equal(global.pooled.n, 120);
    assert.equal(global.pooled.rate, 103 / 120);
    assert.deepEqual(global.pooled.interval, wilsonInterval(103, 120));
    assert.equal(global.pooled.indicative, false);
    assert.equal(global.meanOfCriterionRates.status, 'measured');
    close(global.meanOfCriterionRates.value, (0.9 + 0.8 + 0.5) / 3, 1e-15);
    assert.equal(global.meanOfCriterionRates.criteriaMeasured, 3);
    assert.deepEqual(
      global.criteria.map((c) => [c.rate, c.indicative]),
      [
        [0.9, false],
        [0.8, true],
        [0.5, true],
      ],
    );
  });

  it('un critère sans objet ne compte pas pour 0 dans la moyenne ; un canal vide est sans objet', () => {
    const global = channelGlobalRate([scale({ satisfied: 3, dissatisfied: 1 }), scale({ no_opinion: 6 })]);
    assert.equal(global.meanOfCriterionRates.value, 0.75);
    assert.equal(global.meanOfCriterionRates.criteriaMeasured, 1);
    assert.equal(global.meanOfCriterionRates.criteriaNotApplicable, 1);
    assert.equal(global.pooled.rate, 0.75);
    const empty = channelGlobalRate([]);
    assert.equal(empty.pooled.status, 'not_applicable');
    assert.equal(empty.meanOfCriterionRates.status, 'not_applicable');
    assert.equal(empty.meanOfCriterionRates.value, null);
  });
});

describe('Comparaison de deux campagnes (test z de deux proportions)', () => {
  it('épingle les p-values aux quantiles connus de la loi normale', () => {
    // P(|Z| ≥ 1,959964) = 0,05 ; P(|Z| ≥ 2,575829) = 0,01 ; P(|Z| ≥ 3,290527) = 0,001 (tables de la loi normale).
    close(twoSidedPValue(1.959963984540054), 0.05, 1e-12);
    close(twoSidedPValue(-2.5758293035489004), 0.01, 1e-12);
    close(twoSidedPValue(3.2905267314919255), 0.001, 1e-13);
    close(twoSidedPValue(1.96), 0.04999579029644087, 1e-13);
    assert.equal(twoSidedPValue(0), 1);
    assert.equal(twoSidedPValue(60), 0);
    // erfc(1) et erfc(3) : valeurs de référence (Abramowitz et Stegun, tableau 7.1).
    close(erfc(1), 0.157299207050285, 1e-14);
    close(erfc(3), 0.0000220904969985854, 1e-18);
    close(erfc(-1), 1.842700792949715, 1e-14);
  });

  it('45/100 contre 60/100 : p = 0,0337, significatif (χ² sans correction de Yates = 4,5113)', () => {
    const comparison = compareProportions({ successes: 45, n: 100 }, { successes: 60, n: 100 });
    assert.equal(comparison.status, 'computed');
    if (comparison.status !== 'computed') return;
    close(comparison.difference, 0.15, 1e-15);
    // Recoupement : z² est le χ² de Pearson du tableau 2×2, calculé ici par les effectifs attendus.
    const observed = [45, 55, 60, 40];
    const expected = [52.5, 47.5, 52.5, 47.5];
    const chiSquare = observed.reduce((sum, o, i) => sum + (o - (expected[i] as number)) ** 2 / (expected[i] as number), 0);
    close(comparison.z ** 2, chiSquare, 1e-9);
    close(chiSquare, 4.5113, 0.00005);
    // R : prop.test(c(45, 60), c(100, 100), correct = FALSE) → X-squared = 4.5113, p-value = 0.03367.
    close(comparison.pValue, 0.03367, 0.000005);
    close(comparison.pValue, 0.033672068856345876, 1e-12);
    assert.equal(comparison.significant, true);
    // Symétrique : l'ordre des campagnes change le signe de z, pas la p-value.
    const reversed = compareProportions({ successes: 60, n: 100 }, { successes: 45, n: 100 });
    assert.equal(reversed.status, 'computed');
    if (reversed.status === 'computed') {
      close(reversed.z, -comparison.z, 1e-12);
      close(reversed.pValue, comparison.pValue, 1e-15);
    }
  });

  it('81/100 contre 85/100 n’est pas significatif ; accueil 160/207 contre 60/95 l’est', () => {
    const small = compareProportions({ successes: 81, n: 100 }, { successes: 85, n: 100 });
    assert.equal(small.status, 'computed');
    if (small.status === 'computed') {
      close(small.z, 0.7529766114978539, 1e-12);
      close(small.pValue, 0.45146396872939754, 1e-12);
      assert.equal(small.significant, false);
    }
    const large = compareProportions({ successes: 160, n: 207 }, { successes: 60, n: 95 });
    assert.equal(large.status, 'computed');
    if (large.status === 'computed') {
      close(large.z, -2.564974343736648, 1e-12);
      close(large.pValue, 0.010318343436022708, 1e-12);
      assert.equal(large.significant, true);
    }
  });

  it('0/10 contre 10/10 : calculable (z = √20), très significatif', () => {
    const comparison = compareProportions({ successes: 0, n: 10 }, { successes: 10, n: 10 });
    assert.equal(comparison.status, 'computed');
    if (comparison.status === 'computed') {
      close(comparison.z, Math.sqrt(20), 1e-12);
      close(comparison.pValue, 7.744216431044096e-6, 1e-15);
      assert.equal(comparison.significant, true);
    }
  });

  it('cas limites : « non calculable » explicite, jamais NaN', () => {
    const cases: [{ successes: number; n: number }, { successes: number; n: number }, string, number | null][] = [
      [{ successes: 0, n: 0 }, { successes: 5, n: 10 }, 'previous_empty', null],
      [{ successes: 5, n: 10 }, { successes: 0, n: 0 }, 'current_empty', null],
      [{ successes: 0, n: 0 }, { successes: 0, n: 0 }, 'both_empty', null],
      [{ successes: 0, n: 12 }, { successes: 0, n: 40 }, 'no_variance', 0],
      [{ successes: 12, n: 12 }, { successes: 40, n: 40 }, 'no_variance', 0],
    ];
    for (const [previous, current, reason, difference] of cases) {
      const comparison = compareProportions(previous, current);
      assert.equal(comparison.status, 'not_computable');
      if (comparison.status !== 'not_computable') continue;
      assert.equal(comparison.reason, reason);
      assert.equal(comparison.difference, difference);
      assert.match(NOT_COMPUTABLE_LABELS[comparison.reason], /^Non calculable/);
      assertNoNaN(comparison);
    }
  });

  it('« significatif » coïncide exactement avec p < 0,05', () => {
    // 30/40 contre 35/40 : p = 0,152 (calculé hors du projet).
    const comparison = compareCriterionRates(
      scale({ satisfied: 30, dissatisfied: 10 }),
      scale({ satisfied: 35, dissatisfied: 5 }),
    );
    assert.equal(comparison.status, 'computed');
    if (comparison.status === 'computed') {
      close(comparison.pValue, 0.15207808079297527, 1e-12);
      assert.equal(comparison.significant, false);
    }
    // Balayage autour du seuil (de p ≈ 1 à p ≈ 0).
    for (let x = 0; x <= 50; x++) {
      const c = compareProportions({ successes: 25, n: 50 }, { successes: x, n: 50 });
      if (c.status === 'computed') assert.equal(c.significant, c.pValue < 0.05);
    }
  });
});

describe('Répartition par modalité', () => {
  it('donne les comptes de l’échelle dans l’ordre, « Sans avis » en dernier, vides à part', () => {
    const distribution = tallyDistribution(
      scale({ very_satisfied: 6, satisfied: 2, dissatisfied: 1, no_opinion: 1, no_answer: 4 }),
    );
    assert.deepEqual(
      distribution.bars.map((bar) => [bar.label, bar.count, bar.share]),
      [
        ['Très satisfaisant', 6, 0.6],
        ['Satisfaisant', 2, 0.2],
        ['Peu satisfaisant', 1, 0.1],
        ['Pas du tout satisfaisant', 0, 0],
        ['Sans avis', 1, 0.1],
      ],
    );
    assert.equal(distribution.respondents, 10);
    assert.equal(distribution.unanswered, 4);
    assert.deepEqual(
      tallyDistribution(yesNo(0, 0, 2)).bars.map((bar) => [bar.value, bar.count, bar.share]),
      [
        ['yes', 0, null],
        ['no', 0, null],
      ],
    );
  });

  it('choix unique ou multiple : comptes par modalité, parts des répondants', () => {
    const options = [
      { value: 'residence_permit', label: 'Titre de séjour' },
      { value: 'driving_licence', label: 'Permis de conduire' },
      { value: 'other', label: 'Autre' },
    ];
    const single = choiceDistribution(options, ['residence_permit', 'residence_permit', 'other', null]);
    assert.deepEqual(
      single.bars.map((bar) => [bar.value, bar.count, bar.share]),
      [
        ['residence_permit', 2, 2 / 3],
        ['driving_licence', 0, 0],
        ['other', 1, 1 / 3],
      ],
    );
    assert.equal(single.unanswered, 1);
    const multiple = choiceDistribution(options, [['residence_permit', 'other'], ['other', 'other'], []]);
    assert.deepEqual(
      multiple.bars.map((bar) => bar.count),
      [1, 0, 2],
    );
    assert.equal(multiple.respondents, 2);
    assert.equal(multiple.unanswered, 1);
    assert.throws(() => choiceDistribution(options, ['naturalisation']), /inconnue/);
  });
});

describe('Affichage : les arrondis n’interviennent qu’à la fin', () => {
  it('formate taux, intervalle, écart et p-value en français', () => {
    const rate = proportionEstimate(81, 100);
    assert.equal(formatRate(rate), '81\u00a0%');
    assert.equal(formatInterval(rate.interval), '[72,2\u00a0%\u00a0; 87,5\u00a0%]');
    assert.equal(formatInterval(rate.interval, 0), '[72\u00a0%\u00a0; 87\u00a0%]');
    assert.equal(formatInterval(null), 'Sans objet');
    assert.equal(formatPercent(2 / 3), '66,7\u00a0%');
    assert.equal(formatPointDifference(0.15), '+15\u00a0pts');
    assert.equal(formatPointDifference(-0.035), '\u22123,5\u00a0pts');
    assert.equal(formatPointDifference(0.01), '+1\u00a0pt');
    assert.equal(formatPointDifference(0), '0\u00a0pt');
    assert.equal(formatPValue(0.033672068856345876), 'p\u00a0=\u00a00,034');
    assert.equal(formatPValue(7.7e-6), 'p\u00a0<\u00a00,001');
  });

  it('le calcul garde toute la précision : 2/3 n’est pas 0,67', () => {
    const rate = proportionEstimate(2, 3);
    assert.equal(rate.rate, 2 / 3);
    assert.notEqual(rate.rate, 0.67);
    // Un taux de 1/3 + 1/3 + 1/3 critères poolés : la somme exacte, pas celle des taux affichés.
    const global = channelGlobalRate([scale({ satisfied: 1, dissatisfied: 2 }), scale({ satisfied: 1, dissatisfied: 2 })]);
    assert.equal(global.pooled.rate, 2 / 6);
    assert.equal(formatRate(global.pooled), '33,3\u00a0%');
  });
});
