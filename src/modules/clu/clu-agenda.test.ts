import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAgenda, parseAgenda, STANDARD_AGENDA_KEYS, standardAgenda } from './clu-agenda.ts';

const rows = (items: { key?: string; title: string; position?: number | null; remove?: boolean }[]) =>
  items.map((i) => ({ key: i.key ?? '', title: i.title, position: i.position ?? null, remove: i.remove ?? false }));

describe('ordre du jour du CLU', () => {
  it('pré-remplit l’ordre des seeds avec des clés stables pour le support', () => {
    assert.deepEqual(STANDARD_AGENDA_KEYS, [
      'demarche',
      'surveys',
      'mystery',
      'indicators',
      'complaints',
      'templates',
      'action_plan',
      'proposals_follow_up',
      'questions',
    ]);
    assert.equal(standardAgenda()[0]?.title.includes('Qual-e-pref'), true);
  });

  it('renomme, réordonne par rang, retire et ajoute (clé custom-<n>)', () => {
    const result = buildAgenda(
      rows([
        { key: 'demarche', title: 'Rôle et composition du comité', position: 2 },
        { key: 'surveys', title: 'Enquête de satisfaction 2025', position: 1 },
        { key: 'mystery', title: 'Mystère', remove: true },
        { title: 'Plan de communication', position: 3 },
        { title: '   ' },
      ]),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.agenda, [
      { key: 'surveys', title: 'Enquête de satisfaction 2025' },
      { key: 'demarche', title: 'Rôle et composition du comité' },
      { key: 'custom-1', title: 'Plan de communication' },
    ]);
  });

  it('ne réattribue jamais une clé libre déjà utilisée, et refuse une clé inconnue ou répétée', () => {
    const result = buildAgenda(
      rows([
        { key: 'custom-1', title: 'Point libre gardé' },
        { key: 'surveys', title: 'A' },
        { key: 'surveys', title: 'B' },
        { key: 'injection', title: 'C' },
        { title: 'Nouveau' },
      ]),
      [{ key: 'custom-4', title: 'Point retiré' }],
    );
    assert.ok(result.ok);
    assert.deepEqual(
      result.agenda.map((a) => a.key),
      ['custom-1', 'surveys', 'custom-5', 'custom-6', 'custom-7'],
    );
  });

  it('refuse un ordre du jour vide', () => {
    const result = buildAgenda(rows([{ key: 'demarche', title: 'Démarche', remove: true }, { title: '' }]));
    assert.deepEqual(result, { ok: false, error: 'Ordre du jour : gardez ou ajoutez au moins un point.' });
  });

  it('lit un agenda_json illisible comme un ordre du jour vide', () => {
    assert.deepEqual(parseAgenda('pas du json'), []);
    assert.deepEqual(parseAgenda('[{"key":"questions","title":"Questions"},{"x":1}]'), [
      { key: 'questions', title: 'Questions' },
    ]);
  });
});
