import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSecret, sealSecret } from './secret-box.ts';

describe('Coffre des mots de passe de boîtes', () => {
  it('rend le mot de passe avec la même clé, rien avec une autre ou après altération', () => {
    const key = 'une-clé-secrète-de-test-assez-longue';
    const sealed = sealSecret(key, 'mot de passe accentué é');
    assert.ok(!sealed.includes('passe'));
    assert.equal(openSecret(key, sealed), 'mot de passe accentué é');
    assert.equal(openSecret('une-autre-clé-secrète-de-test-longue', sealed), null);
    const parts = sealed.split(':');
    parts[3] = `${parts[3]?.slice(0, -2)}AA`;
    assert.equal(openSecret(key, parts.join(':')), null);
    assert.equal(openSecret(key, 'n’importe quoi'), null);
  });

  it('chiffre deux fois le même mot de passe en deux textes différents', () => {
    assert.notEqual(sealSecret('clé', 'x'), sealSecret('clé', 'x'));
  });
});
