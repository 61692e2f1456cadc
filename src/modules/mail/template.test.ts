import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TEMPLATES, isForeignersService } from './default-templates.ts';
import {
  checkTemplate,
  chooseTemplate,
  exampleValues,
  formatLongDate,
  missingValues,
  renderTemplate,
  TEMPLATE_VARIABLES,
  variablesUsed,
} from './template.ts';

describe('modèles : variables, contrôle et rendu', () => {
  it('remplace les variables, espaces intérieurs tolérés', () => {
    const text = 'Dossier {{dossier.reference}}, échéance {{ echeance }} ({{delai_jours_ouvres}} jours ouvrés).';
    assert.equal(
      renderTemplate(text, { 'dossier.reference': '2026-00042', echeance: 'jeudi 9 avril 2026', delai_jours_ouvres: '5' }),
      'Dossier 2026-00042, échéance jeudi 9 avril 2026 (5 jours ouvrés).',
    );
  });

  it('un même texte rendu avec d’autres valeurs, variables collées, texte sans variable', () => {
    const text = '{{dossier.reference}}{{echeance}} {{usager.nom}} {{dossier.reference}}';
    assert.equal(renderTemplate(text, { 'dossier.reference': 'A', echeance: 'B' }), 'AB {{usager.nom}} A');
    assert.equal(renderTemplate(text, { 'dossier.reference': 'C' }), 'C {{usager.nom}} C');
    assert.equal(renderTemplate('Sans variable.', { 'dossier.reference': 'A' }), 'Sans variable.');
    assert.equal(renderTemplate('', {}), '');
  });

  it('une valeur absente est rendue vide (décision documentée dans template.ts) et signalée par missingValues', () => {
    const text = 'Bonjour {{demandeur.nom}}, réponse le {{echeance}}.';
    assert.equal(renderTemplate(text, { 'demandeur.nom': null }), 'Bonjour , réponse le .');
    assert.deepEqual(missingValues(text, { echeance: '9 avril' }), ['demandeur.nom']);
  });

  it('une variable inconnue est refusée, avec la liste des variables possibles', () => {
    const problems = checkTemplate('Bonjour {{usager.nom}} et {{usager.nom}}, {{dossier.reference}}');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.kind, 'unknown_variable');
    assert.match(
      problems[0]?.message ?? '',
      /^Variable inconnue : \{\{usager\.nom\}\} \(variables possibles : \{\{organisation\.nom\}\}, /,
    );
    // Non remplacée au rendu : visible à la relecture plutôt qu'effacée.
    assert.equal(renderTemplate('{{usager.nom}}', {}), '{{usager.nom}}');
  });

  it('des accolades mal fermées, une variable vide ou des accolades simples sont des erreurs de syntaxe', () => {
    for (const broken of [
      'Référence {{dossier.reference}',
      'Référence {dossier.reference}}',
      'Référence {{dossier.reference',
      'Vide : {{}}',
      'Référence {dossier.reference}',
      '{{ {{echeance}} }}',
    ]) {
      const problems = checkTemplate(broken);
      assert.ok(
        problems.some((p) => p.kind === 'syntax'),
        `${broken} : ${JSON.stringify(problems)}`,
      );
    }
    assert.match(checkTemplate('Référence {{dossier.reference}')[0]?.message ?? '', /Accolades mal fermées près de « Référence/);
    // Des accolades simples autour d'un mot qui n'est pas une variable restent du texte.
    assert.deepEqual(checkTemplate('Tarif {x} ou {voir annexe}'), []);
    assert.deepEqual(checkTemplate('Sans variable.'), []);
  });

  it('chaque variable a une description française et un exemple', () => {
    const names: string[] = TEMPLATE_VARIABLES.map((v) => v.name);
    assert.equal(new Set(names).size, names.length);
    for (const v of TEMPLATE_VARIABLES) {
      assert.ok(v.description.length > 10 && v.example.length > 0, v.name);
    }
    for (const required of [
      'organisation.nom',
      'dossier.reference',
      'echeance',
      'service.signature',
      'service_destinataire.nom',
    ]) {
      assert.ok(names.includes(required), required);
    }
    const examples = exampleValues();
    assert.equal(renderTemplate('{{dossier.reference}}', examples), '2026-00042');
  });

  it('les modèles de départ sont corrects et n’emploient que des variables connues', () => {
    for (const t of DEFAULT_TEMPLATES) {
      assert.deepEqual(checkTemplate(t.subject), [], `${t.key} (objet)`);
      assert.deepEqual(checkTemplate(t.body), [], `${t.key} (texte)`);
      if (t.purpose !== 'letter') assert.ok(variablesUsed(t.body).includes('service.signature'), `${t.key} : signature`);
    }
    const purposes = DEFAULT_TEMPLATES.map((t) => t.purpose);
    assert.equal(purposes.filter((p) => p === 'acknowledgment').length, 5);
    assert.equal(purposes.filter((p) => p === 'reorientation').length, 2);
    assert.equal(purposes.filter((p) => p === 'answer').length, 5);
    assert.equal(purposes.filter((p) => p === 'letter').length, 1);
    assert.equal(new Set(DEFAULT_TEMPLATES.map((t) => t.key)).size, DEFAULT_TEMPLATES.length);
  });

  it('dates en toutes lettres, en français', () => {
    assert.equal(formatLongDate('2026-04-10'), 'vendredi 10 avril 2026');
    assert.equal(formatLongDate('2026-01-01'), 'jeudi 1er janvier 2026');
  });

  it('reconnaît le service des étrangers, accents et casse ignorés', () => {
    assert.ok(isForeignersService('Service des étrangers'));
    assert.ok(isForeignersService('BUREAU DES ÉTRANGERS'));
    assert.ok(isForeignersService('Accueil étranger'));
    assert.ok(!isForeignersService('Accueil général'));
  });
});

describe('choix automatique du modèle', () => {
  const base = { purpose: 'acknowledgment', archived_at: null, created_at: '2026-01-01T00:00:00Z' };
  const templates = [
    { ...base, id: 'general', case_kind: null, service_id: null },
    { ...base, id: 'foreigners', case_kind: null, service_id: 'etrangers' },
    { ...base, id: 'complaint', case_kind: 'complaint', service_id: null },
    { ...base, id: 'complaint-foreigners', case_kind: 'complaint', service_id: 'etrangers' },
    { ...base, id: 'archived', case_kind: 'suggestion', service_id: null, archived_at: '2026-02-01T00:00:00Z' },
    { ...base, id: 'answer', purpose: 'answer', case_kind: null, service_id: null },
  ];
  it('service et nature, puis nature, puis service, puis général', () => {
    assert.equal(chooseTemplate(templates, 'acknowledgment', 'etrangers', 'complaint')?.id, 'complaint-foreigners');
    assert.equal(chooseTemplate(templates, 'acknowledgment', 'accueil', 'complaint')?.id, 'complaint');
    assert.equal(chooseTemplate(templates, 'acknowledgment', 'etrangers', 'information_request')?.id, 'foreigners');
    assert.equal(chooseTemplate(templates, 'acknowledgment', null, 'information_request')?.id, 'general');
  });
  it('un modèle archivé, d’un autre usage, d’un autre service ou d’une autre nature n’est jamais retenu', () => {
    assert.equal(chooseTemplate(templates, 'acknowledgment', null, 'suggestion')?.id, 'general');
    assert.equal(chooseTemplate(templates.slice(1, 4), 'acknowledgment', 'accueil', 'thanks'), undefined);
    assert.equal(chooseTemplate(templates, 'reorientation', null, null), undefined);
  });
  it('à égalité, le plus ancien', () => {
    const twins = [
      { ...base, id: 'b', case_kind: null, service_id: null, created_at: '2026-03-01T00:00:00Z' },
      { ...base, id: 'a', case_kind: null, service_id: null, created_at: '2026-03-01T00:00:00Z' },
      { ...base, id: 'z', case_kind: null, service_id: null, created_at: '2026-02-01T00:00:00Z' },
    ];
    assert.equal(chooseTemplate(twins, 'acknowledgment', null, null)?.id, 'z');
    assert.equal(chooseTemplate(twins.slice(0, 2), 'acknowledgment', null, null)?.id, 'a');
  });
});
