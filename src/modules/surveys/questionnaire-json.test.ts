import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AppError } from '../../shared/errors.ts';
import { readReferentielFile } from '../referentiel/referentiel.data.ts';
import { questionnaireProblems } from './questionnaire.ts';
import {
  describeJsonPath,
  parseQuestionnaireJson,
  pathLines,
  QUESTIONNAIRE_JSON_EXAMPLE,
  QUESTIONNAIRE_JSON_MAX_LENGTH,
} from './questionnaire-json.ts';

function syntaxError(text: string): string {
  try {
    parseQuestionnaireJson(text);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'validation_failed');
    return error.fields.definition ?? '';
  }
  assert.fail('refus attendu');
}

describe('questionnaire en JSON : lecture', () => {
  it('un JSON valide est rendu tel quel', () => {
    assert.deepEqual(parseQuestionnaireJson('{ "title": "Accueil", "questions": [] }'), { title: 'Accueil', questions: [] });
  });

  it('erreurs de syntaxe en français, avec ligne et colonne', () => {
    assert.equal(
      syntaxError('{\n  "title": "Accueil",\n}'),
      'JSON illisible, ligne 3, colonne 1 : nom de propriété entre guillemets doubles attendu (une virgule de trop avant « } » ?) (trouvé « } »).',
    );
    assert.equal(
      syntaxError('{\n  "title": "Accueil"\n  "questions": []\n}'),
      'JSON illisible, ligne 3, colonne 3 : « , » ou « } » attendu après la valeur (virgule oubliée ?) (trouvé « " »).',
    );
    assert.match(
      syntaxError("{ 'title': 'Accueil' }"),
      /ligne 1, colonne 3 : .*guillemets doubles \("\) et non entre apostrophes/,
    );
    assert.match(
      syntaxError('{ "questions": [1, 2,] }'),
      /ligne 1, colonne 22 : valeur attendue \(une virgule de trop avant « \] » \?\)/,
    );
    assert.match(syntaxError('{ "title": "Accueil'), /ligne 1, colonne 12 : texte jamais fermé/);
    assert.match(syntaxError('{ "questions": [ {'), /fin du texte inattendue/);
    assert.match(syntaxError('{ "title": "a\tb" }'), /tabulation dans un texte/);
    assert.match(syntaxError('{} {}'), /ligne 1, colonne 4 : texte en trop/);
    assert.match(syntaxError('   '), /collez le questionnaire complet/);
    assert.match(syntaxError(`"${'a'.repeat(QUESTIONNAIRE_JSON_MAX_LENGTH)}"`), /200\s000 caractères au plus/);
  });
});

describe('questionnaire en JSON : chemins des erreurs', () => {
  const text =
    '{\n  "title": "Accueil",\n  "questions": [\n    {\n      "key": "courtesy",\n      "options": [\n        { "key": "a" }\n      ]\n    }\n  ]\n}';

  it('ligne d’un chemin ; une propriété absente se signale sur son objet', () => {
    const lineOf = pathLines(text);
    assert.equal(lineOf('title'), 2);
    assert.equal(lineOf('questions'), 3);
    assert.equal(lineOf('questions.0'), 4);
    assert.equal(lineOf('questions.0.key'), 5);
    assert.equal(lineOf('questions.0.options.0.key'), 7);
    assert.equal(lineOf('questions.0.options.0.label'), 7);
    assert.equal(lineOf('questions.0.criterion'), 4);
    assert.equal(lineOf('_'), 1);
    assert.equal(pathLines('{ oups')('title'), undefined);
  });

  it('chemin écrit comme en JavaScript, avec son sens', () => {
    assert.equal(describeJsonPath('questions.2.options.0.key'), 'questions[2].options[0].key (question 3, option 1)');
    assert.equal(describeJsonPath('questions.0.engagements.1'), 'questions[0].engagements[1] (question 1, engagement 2)');
    assert.equal(describeJsonPath('title'), 'title');
    assert.equal(describeJsonPath('_'), 'questionnaire');
  });
});

describe('questionnaire en JSON : l’exemple documenté', () => {
  it('est accepté tel quel', () => {
    const engagements = readReferentielFile().data.engagements.map((e) => e.number);
    const { questionnaire, errors } = questionnaireProblems(parseQuestionnaireJson(QUESTIONNAIRE_JSON_EXAMPLE), engagements);
    assert.deepEqual(errors, {});
    assert.equal(questionnaire?.questions.length, 5);
  });

  it('est le même dans docs/formats/questionnaire.md', () => {
    const doc = readFileSync(new URL('../../../docs/formats/questionnaire.md', import.meta.url), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    assert.equal(block, QUESTIONNAIRE_JSON_EXAMPLE);
  });
});
