import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AppError } from '../../shared/errors.ts';
import {
  answerOptions,
  COMMENT_PERSONAL_DATA_HINT,
  checkQuestionnaire,
  measuresCriterion,
  type Questionnaire,
  questionnaireProblems,
  readQuestionnaireTemplates,
  SATISFACTION_LEVELS,
  STANDARD_CRITERIA,
  SURVEY_INDICATORS,
} from './questionnaire.ts';

const referentiel = JSON.parse(readFileSync(new URL('../referentiel/data/qualepref.json', import.meta.url), 'utf8')) as {
  engagements: { number: number }[];
  indicators: { key: string; source: string }[];
  sources: { seeds: Record<string, string> };
};
const engagements = referentiel.engagements.map((e) => e.number);
const templatesText = readFileSync(new URL('./data/questionnaires.json', import.meta.url), 'utf8');
const rawTemplates = (JSON.parse(templatesText) as { templates: unknown[] }).templates;

function template(key: string): Questionnaire {
  const found = readQuestionnaireTemplates(engagements).find((t) => t.key === key);
  assert.ok(found, `modèle ${key} absent`);
  return found;
}

function criteriaOf(questionnaire: Questionnaire): string[] {
  return questionnaire.questions.filter(measuresCriterion).map((q) => q.criterion.key);
}

/** Petit questionnaire valide, modifié par chaque cas de refus. */
function minimal(): Record<string, unknown> & { questions: Record<string, unknown>[] } {
  return {
    key: 'test',
    title: 'Questionnaire d’essai',
    surveyedChannel: 'physical_reception',
    questions: [
      {
        key: 'courtesy',
        type: 'satisfaction_4',
        label: 'Accueil et courtoisie',
        criterion: { key: 'courtesy', label: 'Accueil et courtoisie' },
        engagements: [2],
      },
    ],
  };
}

function errorsOf(input: unknown): Record<string, string> {
  return questionnaireProblems(input, engagements).errors;
}

describe('questionnaires livrés', () => {
  it('chaque modèle passe checkQuestionnaire avec les engagements du référentiel', () => {
    assert.equal(rawTemplates.length, 5);
    for (const raw of rawTemplates) {
      const { errors } = questionnaireProblems(raw, engagements);
      assert.deepEqual(errors, {}, `modèle ${(raw as { key: string }).key}`);
      checkQuestionnaire(raw, engagements);
    }
    const keys = readQuestionnaireTemplates(engagements).map((t) => t.key);
    assert.deepEqual(keys, ['physical_reception', 'digital_access_point', 'phone', 'website', 'annual_eleven_criteria']);
  });

  it('chaque modèle cite un fichier des seeds, sa section et ses lignes', () => {
    for (const t of readQuestionnaireTemplates(engagements)) {
      assert.ok(t.source, `source de ${t.key}`);
      assert.ok(referentiel.sources.seeds[t.source.seed], `seed inconnu : ${t.source.seed}`);
      assert.match(t.source.lines, /^\d+/);
    }
    assert.equal(template('physical_reception').source?.responses, 207);
    assert.equal(template('digital_access_point').source?.responses, 95);
    assert.equal(template('phone').source?.responses, 44);
    assert.equal(template('website').source?.responses, 114);
    assert.equal(template('annual_eleven_criteria').source?.responses, 152);
  });

  it('les critères couvrent ceux cités par l’issue, canal par canal', () => {
    const physical = template('physical_reception');
    assert.equal(physical.surveyedChannel, 'physical_reception');
    const reason = physical.questions.find((q) => q.key === 'visit_reason');
    assert.equal(reason?.type, 'single_choice', 'raison de la venue : question de profil');
    assert.deepEqual(criteriaOf(physical), ['orientation', 'waiting_time', 'courtesy', 'confidentiality']);

    const pan = template('digital_access_point');
    assert.equal(pan.surveyedChannel, 'digital_access_point');
    assert.deepEqual(criteriaOf(pan), ['courtesy', 'plain_language', 'confidentiality']);
    assert.equal(pan.questions.find((q) => q.key === 'plain_language')?.type, 'yes_no', 'légende Oui / Non du seed');

    const phone = template('phone');
    assert.equal(phone.surveyedChannel, 'phone');
    assert.deepEqual(criteriaOf(phone), ['courtesy', 'plain_language', 'relevant_answer', 'waiting_time']);

    const website = template('website');
    assert.equal(website.surveyedChannel, 'website');
    assert.ok(criteriaOf(website).length >= 3);

    const annual = template('annual_eleven_criteria');
    assert.equal(annual.surveyedChannel, 'physical_reception');
    assert.equal(criteriaOf(annual).length, 11);
    assert.deepEqual(criteriaOf(annual).sort(), [
      'appointment_delay',
      'availability',
      'comfort',
      'confidentiality',
      'courtesy',
      'difficulty_support',
      'disability_support',
      'orientation',
      'plain_language',
      'signage',
      'waiting_time',
    ]);
  });

  it('une clé de critère garde le même libellé dans tous les modèles (catalogue commun)', () => {
    for (const t of readQuestionnaireTemplates(engagements)) {
      for (const q of t.questions.filter(measuresCriterion)) {
        assert.equal(
          STANDARD_CRITERIA[q.criterion.key as keyof typeof STANDARD_CRITERIA],
          q.criterion.label,
          `${t.key}.${q.key}`,
        );
      }
    }
  });

  it('les indicateurs issus des enquêtes existent au référentiel et leur critère est mesuré par un modèle', () => {
    for (const [key, target] of Object.entries(SURVEY_INDICATORS)) {
      const indicator = referentiel.indicators.find((i) => i.key === key);
      assert.equal(indicator?.source, 'survey', key);
      const measured = readQuestionnaireTemplates(engagements).filter((t) => t.surveyedChannel === target.surveyedChannel);
      assert.ok(measured.length > 0, key);
      if (target.criterion)
        assert.ok(
          measured.some((t) => criteriaOf(t).includes(target.criterion ?? '')),
          key,
        );
    }
    assert.deepEqual(SURVEY_INDICATORS.PAN_SATISF_CONF, {
      surveyedChannel: 'digital_access_point',
      criterion: 'confidentiality',
    });
  });

  it('aucune donnée personnelle demandée : au plus un commentaire, avec l’avertissement', () => {
    for (const t of readQuestionnaireTemplates(engagements)) {
      const comments = t.questions.filter((q) => q.type === 'comment');
      assert.ok(comments.length <= 1, t.key);
      for (const c of comments) {
        assert.equal(c.hint, COMMENT_PERSONAL_DATA_HINT);
        assert.equal(c.required, false);
      }
    }
  });

  it('les libellés utilisent l’apostrophe typographique', () => {
    assert.ok(!templatesText.includes("'"), 'apostrophe droite dans questionnaires.json');
  });
});

describe('modèle de questionnaire', () => {
  it('l’échelle à quatre niveaux propose « Sans avis » en dernier ; seuls les deux premiers niveaux sont favorables', () => {
    const q = checkQuestionnaire(minimal(), engagements).questions[0];
    assert.ok(q);
    assert.deepEqual(
      answerOptions(q).map((o) => o.label),
      ['Très satisfaisant', 'Satisfaisant', 'Peu satisfaisant', 'Pas du tout satisfaisant', 'Sans avis'],
    );
    assert.deepEqual(
      SATISFACTION_LEVELS.filter((l) => l.favourable).map((l) => l.key),
      ['very_satisfied', 'satisfied'],
    );
    assert.equal(q.required, false, 'non obligatoire par défaut');
  });

  it('checkQuestionnaire lève validation_failed avec un message par champ', () => {
    const input = minimal();
    input.questions.push({ key: 'courtesy', type: 'yes_no', label: 'Doublon' });
    assert.throws(
      () => checkQuestionnaire(input, engagements),
      (error: unknown) =>
        error instanceof AppError &&
        error.code === 'validation_failed' &&
        /déjà utilisée par la question 1/.test(error.fields['questions.1.key'] ?? ''),
    );
  });

  it('refuse les clés de questions en double', () => {
    const input = minimal();
    input.questions.push({ key: 'courtesy', type: 'comment', label: 'Remarques' });
    assert.match(errorsOf(input)['questions.1.key'] ?? '', /Clé « courtesy » déjà utilisée par la question 1/);
  });

  it('refuse une question à choix sans options', () => {
    for (const type of ['single_choice', 'multiple_choice']) {
      const missing = minimal();
      missing.questions.push({ key: 'reason', type, label: 'Raison de la venue' });
      assert.match(errorsOf(missing)['questions.1.options'] ?? '', /au moins deux options/, type);
      const empty = minimal();
      empty.questions.push({ key: 'reason', type, label: 'Raison de la venue', options: [] });
      assert.match(errorsOf(empty)['questions.1.options'] ?? '', /au moins deux options/, type);
    }
  });

  it('refuse une option en double (clé ou libellé)', () => {
    const byKey = minimal();
    byKey.questions.push({
      key: 'reason',
      type: 'single_choice',
      label: 'Raison de la venue',
      options: [
        { key: 'a', label: 'Titre de séjour' },
        { key: 'a', label: 'Permis de conduire' },
      ],
    });
    assert.match(errorsOf(byKey)['questions.1.options.1.key'] ?? '', /Option « a » en double dans la question 2/);
    const byLabel = minimal();
    byLabel.questions.push({
      key: 'reason',
      type: 'multiple_choice',
      label: 'Raison de la venue',
      options: [
        { key: 'a', label: 'Titre de séjour' },
        { key: 'b', label: ' titre  de SÉJOUR' },
      ],
    });
    assert.match(errorsOf(byLabel)['questions.1.options.1.label'] ?? '', /en double dans la question 2/);
  });

  it('refuse un engagement inconnu du référentiel', () => {
    const input = minimal();
    (input.questions[0] as { engagements: number[] }).engagements = [2, 99];
    assert.equal(errorsOf(input)['questions.0.engagements.1'], 'Engagement 99 inconnu du référentiel (question 1).');
    assert.deepEqual(questionnaireProblems(input, [...engagements, 99]).errors, {});
  });

  it('refuse un questionnaire sans question mesurant un critère', () => {
    const input = minimal();
    input.questions = [
      { key: 'used', type: 'yes_no', label: 'Avez-vous utilisé le site ?' },
      { key: 'comment', type: 'comment', label: 'Remarques' },
    ];
    assert.match(errorsOf(input).questions ?? '', /ne mesure aucun critère/);
    assert.match(errorsOf({ ...minimal(), questions: [] }).questions ?? '', /au moins une question/);
  });

  it('refuse un second commentaire libre', () => {
    const input = minimal();
    input.questions.push(
      { key: 'c1', type: 'comment', label: 'Remarques' },
      { key: 'c2', type: 'comment', label: 'Suggestions' },
    );
    assert.match(errorsOf(input)['questions.2.type'] ?? '', /Un seul commentaire libre par questionnaire \(déjà la question 2\)/);
  });

  it('le commentaire porte l’avertissement sur les données personnelles et une longueur plafonnée', () => {
    const input = minimal();
    input.questions.push({ key: 'comment', type: 'comment', label: 'Remarques' });
    const comment = checkQuestionnaire(input, engagements).questions[1];
    assert.equal(comment?.type, 'comment');
    assert.equal(comment?.hint, COMMENT_PERSONAL_DATA_HINT);
    assert.equal(comment?.type === 'comment' && comment.maxLength, 2000);
    const huge = minimal();
    huge.questions.push({ key: 'comment', type: 'comment', label: 'Remarques', maxLength: 1_000_000 });
    assert.match(errorsOf(huge)['questions.1.maxLength'] ?? '', /5000 caractères au plus/);
  });

  it('refuse une échelle de satisfaction sans critère, un critère sur une question de profil, un critère mesuré deux fois', () => {
    const noCriterion = minimal();
    noCriterion.questions.push({ key: 'wait', type: 'satisfaction_4', label: 'Délai d’attente', engagements: [7] });
    assert.match(errorsOf(noCriterion)['questions.1.criterion'] ?? '', /indiquez le critère mesuré/);

    const onChoice = minimal();
    onChoice.questions.push({
      key: 'reason',
      type: 'single_choice',
      label: 'Raison',
      criterion: { key: 'orientation', label: 'Orientation' },
      options: [
        { key: 'a', label: 'A' },
        { key: 'b', label: 'B' },
      ],
    });
    assert.match(errorsOf(onChoice)['questions.1.criterion'] ?? '', /Seules les questions « satisfaction » et « Oui \/ Non »/);

    const twice = minimal();
    twice.questions.push({
      key: 'courtesy_again',
      type: 'yes_no',
      label: 'Courtoisie (bis)',
      criterion: { key: 'courtesy', label: 'Accueil et courtoisie' },
      engagements: [2],
    });
    assert.match(errorsOf(twice)['questions.1.criterion'] ?? '', /déjà mesuré par la question 1/);

    const noEngagement = minimal();
    (noEngagement.questions[0] as { engagements: number[] }).engagements = [];
    assert.match(errorsOf(noEngagement)['questions.0.engagements'] ?? '', /indiquez l’engagement du référentiel/);
  });

  it('refuse une condition sur une question absente, postérieure ou une réponse impossible', () => {
    const later = minimal();
    (later.questions[0] as Record<string, unknown>).showIf = { question: 'used', answer: 'yes' };
    later.questions.push({ key: 'used', type: 'yes_no', label: 'Avez-vous utilisé le site ?' });
    assert.match(errorsOf(later)['questions.0.showIf.question'] ?? '', /placée avant elle/);

    const wrongAnswer = minimal();
    wrongAnswer.questions.unshift({ key: 'used', type: 'yes_no', label: 'Avez-vous utilisé le site ?' });
    (wrongAnswer.questions[1] as Record<string, unknown>).showIf = { question: 'used', answer: 'maybe' };
    assert.match(errorsOf(wrongAnswer)['questions.1.showIf.answer'] ?? '', /« maybe » n’est pas une réponse possible/);

    (wrongAnswer.questions[1] as Record<string, unknown>).showIf = { question: 'used', answer: 'yes' };
    assert.deepEqual(errorsOf(wrongAnswer), {});
  });

  it('refuse un type de question, un canal enquêté ou un champ inconnus, avec un message français', () => {
    const badType = minimal();
    badType.questions.push({ key: 'x', type: 'free_text', label: 'Votre nom' });
    assert.match(errorsOf(badType)['questions.1.type'] ?? '', /Type de question inconnu/);
    assert.match(errorsOf({ ...minimal(), surveyedChannel: 'kiosk' }).surveyedChannel ?? '', /Canal enquêté/);
    assert.match(errorsOf({ ...minimal(), extra: 1 })._ ?? '', /Clé non reconnue/);
    assert.match(errorsOf({ ...minimal(), key: 'Mon modèle' }).key ?? '', /Identifiant du modèle : lettres minuscules/);
    assert.match(errorsOf({ ...minimal(), title: '  ' }).title ?? '', /Titre : champ obligatoire/);
    assert.ok(Object.keys(errorsOf(null)).length > 0);
  });
});
