import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTarget, evaluateTarget, formatTarget, type Target } from './target.ts';

const min90: Target = { kind: 'min', low: 90, high: null };
const max5: Target = { kind: 'max', low: null, high: 5 };
const range: Target = { kind: 'range', low: 75, high: 80 };
const fourPerYear: Target = { kind: 'count_per_year', low: 4, high: null };

describe('cibles annuelles (BRIEF)', () => {
  it('minimum et maximum comparent la valeur arrondie à 2 décimales', () => {
    assert.equal(evaluateTarget(min90, 'higher_is_better', 90), 'met');
    assert.equal(evaluateTarget(min90, 'higher_is_better', 89.996), 'met');
    assert.equal(evaluateTarget(min90, 'higher_is_better', 89.99), 'not_met');
    assert.equal(evaluateTarget(max5, 'lower_is_better', 5), 'met');
    assert.equal(evaluateTarget(max5, 'lower_is_better', 5.01), 'not_met');
  });

  it('une fourchette est tenue dès sa borne basse quand plus haut est mieux, sa borne haute sinon', () => {
    assert.equal(evaluateTarget(range, 'higher_is_better', 75), 'met');
    assert.equal(evaluateTarget(range, 'higher_is_better', 95), 'met');
    assert.equal(evaluateTarget(range, 'higher_is_better', 74.99), 'not_met');
    assert.equal(evaluateTarget(range, 'lower_is_better', 60), 'met');
    assert.equal(evaluateTarget(range, 'lower_is_better', 80.5), 'not_met');
  });

  it('« 4/an » : atteint par le cumul, en bonne voie ou en retard en cours d’année, non atteint à la clôture', () => {
    assert.equal(evaluateTarget(fourPerYear, 'higher_is_better', 1), null, 'une case mensuelle n’a pas de statut');
    assert.equal(evaluateTarget(fourPerYear, 'higher_is_better', 1, { sum: 4, elapsedMonths: 5, yearClosed: false }), 'met');
    assert.equal(evaluateTarget(fourPerYear, 'higher_is_better', 1, { sum: 1, elapsedMonths: 3, yearClosed: false }), 'on_track');
    assert.equal(evaluateTarget(fourPerYear, 'higher_is_better', 1, { sum: 1, elapsedMonths: 6, yearClosed: false }), 'behind');
    assert.equal(evaluateTarget(fourPerYear, 'higher_is_better', 3, { sum: 3, elapsedMonths: 12, yearClosed: true }), 'not_met');
  });

  it('sans cible ou sans valeur : aucun statut (jamais « non atteinte » faute de données)', () => {
    assert.equal(evaluateTarget({ kind: 'none', low: null, high: null }, 'none', 12), null);
    assert.equal(evaluateTarget(min90, 'higher_is_better', null), null);
    assert.equal(evaluateTarget(null, 'higher_is_better', 50), null);
  });

  it('s’écrit comme dans les tableaux des CLU', () => {
    assert.equal(formatTarget(min90, 'percent'), '≥\u202f90\u202f%');
    assert.equal(formatTarget(range, 'percent'), '75 à 80\u202f%');
    assert.equal(formatTarget(fourPerYear, 'count'), '4/an');
    assert.equal(formatTarget({ kind: 'none', low: null, high: null }, 'count'), 'sans');
    assert.equal(formatTarget(max5, 'working_days'), '≤\u202f5\u202fj.o.');
    assert.equal(formatTarget({ kind: 'min', low: 0.5, high: null }, 'per_mille'), '≥\u202f0,5\u202f‰');
  });

  it('refuse une fourchette inversée, un pourcentage au-delà de 100 et un nombre par an non entier', () => {
    assert.match(checkTarget({ kind: 'range', low: 80, high: 75 }, 'percent').high ?? '', /supérieure ou égale/);
    assert.match(checkTarget({ kind: 'min', low: 120, high: null }, 'percent').low ?? '', /ne dépasse pas 100/);
    assert.match(checkTarget({ kind: 'count_per_year', low: 2.5, high: null }, 'count').low ?? '', /entier/);
    assert.match(checkTarget({ kind: 'max', low: null, high: null }, 'days').high ?? '', /valeur est attendue/);
    assert.deepEqual(checkTarget({ kind: 'min', low: 120, high: null }, 'count'), {});
  });
});
