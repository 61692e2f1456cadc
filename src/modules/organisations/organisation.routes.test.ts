import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from './organisation.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`écran Organisation (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    before(async () => {
      t = await createTestContext(engine);
      const org = await createOrganisation(
        t.ctx,
        { slug: 'seine-maritime', name: 'Préfecture de la Seine-Maritime', department: '76' },
        CLI_ACTOR,
      );
      await createAccount(
        t.ctx,
        { email: 'referent@76.test', role: 'admin', organisationId: org.id, password: PASSWORD },
        CLI_ACTOR,
      );
      await createAccount(
        t.ctx,
        { email: 'membre@76.test', role: 'clu_member', organisationId: org.id, password: PASSWORD },
        CLI_ACTOR,
      );
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('affiche le bloc-marque du département et le périmètre', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referent@76.test', PASSWORD);
      const page = await admin.get('/organisation');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<p class="fr-logo">Préfet<br>de la Seine-Maritime<\/p>/);
      assert.match(page.body, /Fuseau Europe\/Paris/);
      assert.match(page.body, /Module 1 — Relation générale avec les usagers/);
    });

    it('ajoute un service ; une saisie invalide est réaffichée avec son message, sans rien perdre', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referent@76.test', PASSWORD);
      const csrf = await admin.csrfFrom('/organisation');
      const bad = await admin.post('/organisation/services', {
        _csrf: csrf,
        name: 'Service des étrangers',
        mailboxAddress: 'pref-etrangers@',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Boîte fonctionnelle : adresse électronique invalide/);
      assert.match(bad.body, /value="Service des étrangers"/);
      assert.match(bad.body, /value="pref-etrangers@"/);
      assert.match(bad.body, /<details class="fr-mb-3w" open>/);
      const ok = await admin.post('/organisation/services', {
        _csrf: csrf,
        name: 'Service des étrangers',
        mailboxAddress: 'pref-etrangers@seine-maritime.gouv.fr',
      });
      assert.equal(ok.statusCode, 303);
      const page = await admin.get('/organisation');
      assert.match(page.body, /Service ajouté/);
      assert.match(page.body, /pref-etrangers@seine-maritime\.gouv\.fr/);
    });

    it('enregistre le périmètre et refuse de retirer un module obligatoire', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referent@76.test', PASSWORD);
      const csrf = await admin.csrfFrom('/organisation');
      const bad = await admin.post('/organisation/perimetre', { _csrf: csrf, hasCert: 'on', modules: ['1', '3'] });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /module 2 est obligatoire quand la préfecture a un CERT/);
      const ok = await admin.post('/organisation/perimetre', { _csrf: csrf, modules: ['1', '3', '4'] });
      assert.equal(ok.statusCode, 303);
      const api = await admin.get('/api/v1/organisations/seine-maritime');
      assert.deepEqual(api.json().perimeter, [1, 3, 4]);
    });

    it('un membre du CLU lit la page sans formulaire de modification', async () => {
      const member = new TestBrowser(app);
      await member.login('membre@76.test', PASSWORD);
      const page = await member.get('/organisation');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /action="\/organisation\/services"/);
      const referentiel = await member.get('/referentiel');
      assert.equal(referentiel.statusCode, 200);
      assert.match(referentiel.body, /Dans le périmètre/);
    });

    it('ajoute un jour de fermeture et refuse une date mal formée', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referent@76.test', PASSWORD);
      const csrf = await admin.csrfFrom('/organisation');
      const bad = await admin.post('/organisation/fermetures', { _csrf: csrf, date: '2026-02-30', reason: 'Pont' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /format attendu AAAA-MM-JJ/);
      assert.match(bad.body, /value="Pont"/);
      const ok = await admin.post('/organisation/fermetures', { _csrf: csrf, date: '2026-05-15', reason: 'Pont de l’Ascension' });
      assert.equal(ok.statusCode, 303);
      assert.match((await admin.get('/organisation')).body, /15 mai 2026/);
    });
  });
}
