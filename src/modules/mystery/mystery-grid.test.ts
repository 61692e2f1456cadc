import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readReferentielFile } from '../referentiel/referentiel.data.ts';
import { checkQuestionnaire, measuresCriterion } from '../surveys/questionnaire.ts';
import {
  CALL_GRID,
  checkGridInput,
  EMAIL_GRID,
  gridProblems,
  gridQuestionnaire,
  isGridComplete,
  measuredExplanation,
  missingMeasured,
  parseGridAnswers,
  parseMeasured,
} from './mystery-grid.ts';

const engagements = readReferentielFile().data.engagements.map((e) => e.number);

describe('grilles des enquêtes mystère', () => {
  it('chaque grille est un questionnaire valide du moteur des enquêtes : Oui / Non, critère et engagement par question', () => {
    for (const grid of [CALL_GRID, EMAIL_GRID]) {
      assert.deepEqual(gridProblems(grid, engagements), {}, grid.key);
      const questionnaire = checkQuestionnaire(gridQuestionnaire(grid), engagements);
      assert.equal(questionnaire.questions.length, grid.criteria.length);
      for (const question of questionnaire.questions) {
        assert.equal(question.type, 'yes_no');
        assert.ok(measuresCriterion(question), `${question.key} mesure un critère`);
        assert.ok(question.engagements.length > 0);
        assert.equal(question.required, true);
      }
    }
  });

  it('porte les clés du contrat de l’issue 9', () => {
    assert.deepEqual(
      CALL_GRID.criteria.map((c) => c.key),
      ['pickup', 'greeting', 'courtesy', 'official_sites', 'first_level_info', 'transfer_announced', 'farewell', 'ivr'],
    );
    assert.equal(CALL_GRID.measure?.key, 'rings');
    assert.deepEqual(
      EMAIL_GRID.criteria.map((c) => c.key),
      [
        'acknowledgment',
        'answer_in_time',
        'reorientation_notice',
        'complete_signature',
        'language_layout',
        'attachments_announced',
        'complete_links',
      ],
    );
    assert.deepEqual(
      EMAIL_GRID.criteria.filter((c) => c.source === 'evaluator').map((c) => c.key),
      ['language_layout'],
      'seul le langage et la mise en page reste à l’enquêteur',
    );
  });

  it('contrôle une grille d’appel : réponses obligatoires, sonneries de 0 à 30, Sans objet seulement quand il est possible', () => {
    const empty = checkGridInput('call', { values: {}, notes: '' }, {}, { measuredLocked: true });
    assert.match(empty.errors['answers.rings'] ?? '', /Nombre de sonneries avant le décroché : indiquez un nombre de 0 à 30/);
    assert.match(empty.errors['answers.greeting'] ?? '', /Formule d’accueil : répondez Oui, Non\./);
    assert.match(empty.errors['answers.transfer_announced'] ?? '', /répondez Oui, Non ou Sans objet/);
    assert.equal(empty.complete, false);

    const wrong = checkGridInput(
      'call',
      { values: { rings: '31', greeting: 'na', courtesy: 'peut-être' }, notes: 'x'.repeat(2001) },
      {},
      { measuredLocked: true },
    );
    assert.match(wrong.errors['answers.rings'] ?? '', /entier de 0 à 30 est attendu \(reçu « 31 »\)/);
    assert.match(wrong.errors['answers.greeting'] ?? '', /« Sans objet » n’est pas possible/);
    assert.match(wrong.errors['answers.courtesy'] ?? '', /réponse inconnue|répondez Oui ou Non/);
    assert.match(wrong.errors.notes ?? '', /2\s000 caractères au plus/);

    const values = {
      rings: '7',
      greeting: 'yes',
      courtesy: 'yes',
      official_sites: 'na',
      first_level_info: 'yes',
      transfer_announced: 'no',
      farewell: 'yes',
      ivr: 'na',
    };
    const ok = checkGridInput('call', { values, notes: '  Standard saturé  ' }, {}, { measuredLocked: true });
    assert.deepEqual(ok.errors, {});
    assert.equal(ok.answers.rings, 7);
    assert.equal(ok.answers.pickup, 'no', '7 sonneries : prise en charge non conforme');
    assert.equal(
      checkGridInput('call', { values: { ...values, rings: '5' }, notes: '' }, {}, { measuredLocked: true }).answers.pickup,
      'yes',
    );
    assert.equal(ok.notes, 'Standard saturé');
    assert.equal(ok.complete, true);
  });

  it('grille d’un courriel : les réponses mesurées restent celles de Vigie, l’enquêteur complète le reste', () => {
    const measured = {
      acknowledgment: 'yes',
      answer_in_time: 'no',
      reorientation_notice: 'na',
      complete_signature: 'no',
    } as const;
    const result = checkGridInput(
      'email',
      { values: { acknowledgment: 'no', language_layout: 'yes', attachments_announced: 'yes' }, notes: '' },
      { ...measured },
      { measuredLocked: true },
    );
    assert.deepEqual(result.errors, {});
    assert.equal(result.answers.acknowledgment, 'yes', 'la saisie ne remplace pas la mesure');
    assert.equal(result.answers.attachments_announced, undefined, 'mesure en attente : pas prise du formulaire');
    assert.equal(result.complete, false);
    assert.deepEqual(
      missingMeasured(EMAIL_GRID, result.answers).map((c) => c.key),
      ['attachments_announced', 'complete_links'],
    );
    assert.equal(isGridComplete('email', { ...result.answers, attachments_announced: 'na', complete_links: 'yes' }), true);
    // Sans mesure (courriel envoyé hors de Vigie), l'enquêteur répond à tout.
    const manual = checkGridInput('email', { values: { language_layout: 'yes' }, notes: '' }, {}, { measuredLocked: false });
    assert.match(manual.errors['answers.acknowledgment'] ?? '', /Accusé de réception : répondez Oui, Non\./);
  });

  it('explique les mesures des courriels en français', () => {
    const measured = parseMeasured(
      JSON.stringify({
        sentAt: '2026-03-02T09:10:00.000Z',
        acknowledgment: { at: '2026-03-02T09:13:00.000Z', minutes: 3 },
        answer: { at: '2026-03-12T10:00:00.000Z', workingDays: 8, inTime: false },
        reminders: 1,
        reorientation: false,
        signature: { complete: false, missing: ['phone', 'postal_address'] },
        attachments: { announced: 2, present: 1 },
        links: { total: 3, incomplete: ['www.service-public.fr'] },
        messages: 3,
      }),
    );
    assert.equal(measuredExplanation('acknowledgment', measured), 'accusé reçu 3 min après l’envoi');
    assert.equal(measuredExplanation('answer_in_time', measured), 'réponse reçue en 8 jours ouvrés, hors délai, après 1 relance');
    assert.equal(measuredExplanation('complete_signature', measured), 'signature : manque le téléphone, l’adresse postale');
    assert.equal(
      measuredExplanation('complete_signature', parseMeasured('{"signature":{"complete":false,"missing":[],"source":null}}')),
      'aucune réponse reçue : signature non évaluée',
    );
    assert.equal(
      measuredExplanation('attachments_announced', parseMeasured('{"attachments":{"announced":true,"present":false}}')),
      'pièces jointes annoncées absentes',
    );
    assert.equal(measuredExplanation('reorientation_notice', measured), 'courriel non réorienté : sans objet');
    assert.equal(measuredExplanation('attachments_announced', measured), '2 pièces jointes annoncées, 1 présente');
    assert.equal(measuredExplanation('complete_links', measured), '1 lien incomplet sur 3 : www.service-public.fr');
    assert.equal(
      measuredExplanation('acknowledgment', parseMeasured('{"acknowledgment":null}')),
      'aucun accusé de réception reçu',
    );
    assert.equal(parseMeasured('pas du json'), null);
    assert.deepEqual(parseGridAnswers('{"rings":4,"greeting":"yes","x":"peut-être"}'), { rings: 4, greeting: 'yes' });
  });
});
