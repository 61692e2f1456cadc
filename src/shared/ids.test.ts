import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newOrderedId } from './ids.ts';

describe('identifiants ordonnés dans le temps (UUID v7)', () => {
  it('format UUID v7, tous distincts, et dans l’ordre de création même au sein d’une milliseconde', () => {
    const ids = Array.from({ length: 10_000 }, () => newOrderedId());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
  });

  it('les millisecondes en tête : l’instant de création se relit', () => {
    const before = Date.now();
    const id = newOrderedId();
    const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    // Le compteur peut avoir avancé d'une milliseconde sur l'horloge (plus de 4 096 identifiants par ms).
    assert.ok(ms >= before && ms <= Date.now() + 1, `${ms} hors de [${before}, ${Date.now()}]`);
  });
});
