import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('a des valeurs par défaut pour la démonstration locale', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, './data/vigie.sqlite');
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.secureCookies, false);
    assert.equal(config.secretKeyIsDevelopment, true);
  });

  it('refuse de démarrer en production sans clé secrète ni adresse https', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /Démarrage refusé en production/);
        assert.match(error.message, /VIGIE_SECRET_KEY/);
        assert.match(error.message, /PUBLIC_URL/);
        return true;
      },
    );
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', VIGIE_SECRET_KEY: 'x'.repeat(40), PUBLIC_URL: 'http://vigie.exemple.fr' }),
      /https/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      VIGIE_SECRET_KEY: 'x'.repeat(40),
      PUBLIC_URL: 'https://vigie.exemple.fr/',
    });
    assert.equal(config.secureCookies, true);
    assert.equal(config.publicUrl, 'https://vigie.exemple.fr');
    assert.equal(config.secretKeyIsDevelopment, false);
  });

  it('explique en français une valeur invalide', () => {
    assert.throws(
      () => loadConfig({ PORT: 'trois-mille' }),
      (error: Error) => {
        assert.match(error.message, /Configuration invalide/);
        assert.match(error.message, /PORT/);
        return true;
      },
    );
    assert.throws(() => loadConfig({ JOBS_ENABLED: 'peut-être' }), /JOBS_ENABLED/);
  });

  it('réunit les mots de passe des boîtes fonctionnelles sous leur nom, et eux seuls', () => {
    const config = loadConfig({
      VIGIE_MAIL_SECRET_PREF_PUBLIC: 'secret-1',
      VIGIE_MAIL_SECRET_VIDE: '',
      VIGIE_MAIL_SECRET_minuscules: 'x',
      AUTRE_SECRET: 'y',
    });
    assert.deepEqual(config.mailSecrets, { VIGIE_MAIL_SECRET_PREF_PUBLIC: 'secret-1' });
  });
});
