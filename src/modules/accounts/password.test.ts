import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePassword, hashPassword, passwordWeakness, verifyPassword } from './password.ts';

describe('mots de passe', () => {
  it('vérifie un mot de passe haché avec scrypt et refuse un autre', async () => {
    const hash = await hashPassword('Clermont-Ferrand 63000');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('Clermont-Ferrand 63000', hash), true);
    assert.equal(await verifyPassword('clermont-ferrand 63000', hash), false);
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
  });

  it('refuse les mots de passe faibles avec une raison en français', () => {
    assert.equal(passwordWeakness('court1'), 'Au moins 12 caractères.');
    assert.equal(passwordWeakness('seulementdeslettres'), 'Mélangez des lettres et au moins un chiffre ou un symbole.');
    assert.equal(passwordWeakness('motdepasse123'), 'Ce mot de passe est trop courant.');
    assert.match(passwordWeakness('jeanne.dupont-2026', 'jeanne.dupont@test.fr') ?? '', /adresse/);
    assert.equal(passwordWeakness('Clermont-Ferrand 63000'), undefined);
  });

  it('génère des mots de passe provisoires robustes et différents', () => {
    const a = generatePassword();
    assert.equal(passwordWeakness(a), undefined);
    assert.notEqual(a, generatePassword());
  });
});
