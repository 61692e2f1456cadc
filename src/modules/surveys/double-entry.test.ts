import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_QUESTIONNAIRE } from '../../../test/helpers/survey-response-fixtures.ts';
import { changedKeys, compareEntries, entryValuesOf, resolvedValues } from './double-entry.ts';

const entry = (values: Record<string, string[]>) => new Map(Object.entries(values));

describe('double saisie : comparaison de deux saisies', () => {
  it('identiques : aucun écart, quel que soit l’ordre des cases cochées ou les espaces du commentaire', () => {
    const first = entry({ courtesy: ['satisfied'], services: ['counter', 'reception'], comment: ['Très bien\n accueilli.'] });
    const second = entry({ courtesy: ['satisfied'], services: ['reception', 'counter'], comment: ['Très  bien accueilli. '] });
    assert.deepEqual(compareEntries(TEST_QUESTIONNAIRE, first, second), []);
  });

  it('écarts listés dans l’ordre du questionnaire, avec les deux valeurs ; une question vide d’un côté est un écart', () => {
    const first = entry({ courtesy: ['satisfied'], visit_reason: ['titles'], comment: ['Bien.'] });
    const second = entry({ courtesy: ['dissatisfied'], services: ['cashier'], comment: ['bien.'] });
    assert.deepEqual(compareEntries(TEST_QUESTIONNAIRE, first, second), [
      { key: 'visit_reason', first: ['titles'], second: [] },
      { key: 'services', first: [], second: ['cashier'] },
      { key: 'courtesy', first: ['satisfied'], second: ['dissatisfied'] },
      // La casse compte : « Bien. » et « bien. » ne sont pas la même transcription.
      { key: 'comment', first: ['Bien.'], second: ['bien.'] },
    ]);
  });

  it('lignes de la base → valeurs par question', () => {
    assert.deepEqual(
      entryValuesOf([
        { question_key: 'services', value: 'counter' },
        { question_key: 'courtesy', value: 'satisfied' },
        { question_key: 'services', value: 'reception' },
      ]),
      entry({ services: ['counter', 'reception'], courtesy: ['satisfied'] }),
    );
  });
});

describe('double saisie : arbitrage', () => {
  const first = entry({ courtesy: ['satisfied'], visit_reason: ['titles'] });
  const second = entry({ courtesy: ['dissatisfied'], services: ['cashier'] });
  const differences = compareEntries(TEST_QUESTIONNAIRE, first, second);

  it('chaque écart prend la saisie choisie ; une valeur vide retenue efface la question', () => {
    const { values, missing } = resolvedValues(first, second, differences, {
      visit_reason: 'second',
      services: 'second',
      courtesy: 'first',
    });
    assert.deepEqual(missing, []);
    assert.deepEqual(values, entry({ courtesy: ['satisfied'], services: ['cashier'] }));
    assert.deepEqual(changedKeys(TEST_QUESTIONNAIRE, first, values), ['visit_reason', 'services']);
  });

  it('un écart sans choix (ou avec un choix inconnu) est signalé, jamais tranché en silence', () => {
    const { missing } = resolvedValues(first, second, differences, { courtesy: 'second', services: 'autre' });
    assert.deepEqual(missing, ['visit_reason', 'services']);
  });
});
