import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateCells, type Cell, notApplicable, notAvailable, ratioValue } from './indicator-cell.ts';

function measured(value: number, numerator: number | null = null, denominator: number | null = null): Cell {
  return { ...notAvailable(), status: 'measured', value, numerator, denominator, provenance: 'imported' };
}

describe('agrégation des périodes (BRIEF)', () => {
  it('un taux se recalcule depuis les sommes, jamais comme une moyenne de taux', () => {
    const months = [measured(50, 1, 2), measured(100, 98, 98)];
    const quarter = aggregateCells(months, 'ratio', 'percent', true);
    assert.equal(quarter.value, 99);
    assert.equal(quarter.numerator, 99);
    assert.equal(quarter.denominator, 100);
  });

  it('IM106 (visites / population) : le trimestre est la moyenne des mois (seed Puy-de-Dôme : 8, 7, 10 % → 8 %)', () => {
    const population = 662_152;
    const months = [8, 7, 10].map((rate) => {
      const visits = (rate * population) / 100;
      return measured(ratioValue(visits, population, 'percent') ?? 0, visits, population);
    });
    const quarter = aggregateCells(months, 'mean_of_months', 'percent', true);
    assert.equal(quarter.value, 8.33);
    assert.equal(Math.round(quarter.value ?? 0), 8);
  });

  it('des comptes s’additionnent', () => {
    const year = aggregateCells([measured(1), measured(0), measured(3)], 'sum', 'count', true);
    assert.equal(year.value, 4);
  });

  it('rien à mesurer donne « sans objet », jamais 0 ; rien de fourni donne « non disponible »', () => {
    assert.equal(ratioValue(0, 0, 'percent'), null);
    assert.equal(ratioValue(0, 4, 'percent'), 0);
    const none = aggregateCells(
      [notApplicable('aucune demande', 'computed'), notApplicable(null, 'computed')],
      'ratio',
      'percent',
      true,
    );
    assert.equal(none.status, 'not_applicable');
    assert.equal(none.value, null);
    assert.equal(none.note, 'aucune demande');
    assert.equal(aggregateCells([notAvailable(), notApplicable(null, 'typed')], 'sum', 'count', true).status, 'not_available');
    assert.equal(aggregateCells([], 'ratio', 'percent', true).status, 'not_available');
  });

  it('un mois manquant est signalé et une période non close est provisoire', () => {
    const q = aggregateCells([measured(80, 8, 10), notAvailable(), measured(100, 5, 5)], 'ratio', 'percent', false);
    assert.equal(q.value, 86.67);
    assert.equal(q.provisional, true);
    assert.match(q.note ?? '', /1 mois sans donnée/);
  });

  it('la ventilation par réseau se recompose par sommes (vues par jour)', () => {
    const jan: Cell = {
      ...measured(1000, 31_000, 31),
      breakdown: [{ label: 'Facebook', value: 1000, numerator: 31_000, denominator: 31 }],
    };
    const feb: Cell = {
      ...measured(2000, 56_000, 28),
      breakdown: [{ label: 'Facebook', value: 2000, numerator: 56_000, denominator: 28 }],
    };
    const q = aggregateCells([jan, feb], 'ratio', 'count', true);
    assert.equal(q.value, 1474.58);
    assert.deepEqual(q.breakdown, [{ label: 'Facebook', value: 1474.58, numerator: 87_000, denominator: 59 }]);
  });
});
