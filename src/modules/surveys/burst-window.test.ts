import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BurstWindow } from './burst-window.ts';

describe('débit d’un point en mémoire', () => {
  it('signale la réponse qui arrive après `limit` réceptions dans la fenêtre, pas avant', () => {
    const window = new BurstWindow(3, 60_000);
    assert.deepEqual(
      [0, 1000, 2000, 3000, 4000].map((at, i) => window.record('p', `r${i}`, at)),
      [false, false, false, true, true],
    );
    // Un autre point a sa propre fenêtre.
    assert.equal(window.record('autre', 'x', 4000), false);
  });

  it('la fenêtre glisse : une réception plus vieille que la fenêtre ne compte plus', () => {
    const window = new BurstWindow(3, 60_000);
    for (const [i, at] of [0, 10_000, 20_000].entries()) window.record('p', `r${i}`, at);
    assert.equal(window.record('p', 'r3', 59_999), true);
    // À 70 s : seules les réceptions de 20 s et 59,999 s sont dans la fenêtre (10 s n'est plus > 70 - 60).
    assert.equal(window.record('p', 'r4', 70_000), false);
    assert.equal(window.record('p', 'r5', 71_000), true);
  });

  it('amorcée depuis la base, et une écriture échouée est retirée', () => {
    const window = new BurstWindow(3, 60_000);
    assert.equal(window.has('p'), false);
    window.seed('p', [
      { at: 2000, id: 'b' },
      { at: 1000, id: 'a' },
    ]);
    assert.equal(window.has('p'), true);
    assert.equal(window.record('p', 'c', 3000), false);
    window.forget('p', 'c');
    assert.equal(window.record('p', 'd', 4000), false);
    assert.equal(window.record('p', 'e', 5000), true);
  });
});
