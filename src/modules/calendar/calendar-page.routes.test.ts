import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { listClosureDays } from '../organisations/organisation.repository.ts';
import { addClosureDay, createOrganisation } from '../organisations/organisation.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`page Calendrier (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let otherClosureId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'moselle', name: 'Préfecture de la Moselle', department: '57' }, CLI_ACTOR)
      ).id;
      const other = await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '63' }, CLI_ACTOR);
      otherClosureId = (await addClosureDay(t.ctx, other.id, { date: '2026-05-15', reason: 'Pont' }, CLI_ACTOR)).id;
      await createAccount(t.ctx, { email: 'referent@57.test', role: 'admin', organisationId, password: PASSWORD }, CLI_ACTOR);
      await createAccount(t.ctx, { email: 'agent@57.test', role: 'agent', organisationId, password: PASSWORD }, CLI_ACTOR);
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    async function admin(): Promise<TestBrowser> {
      const browser = new TestBrowser(app);
      await browser.login('referent@57.test', PASSWORD);
      return browser;
    }

    it('montre l’année avec les jours fériés d’Alsace-Moselle, les vacances scolaires et le nombre de jours ouvrés', async () => {
      const page = await (await admin()).get('/calendrier?annee=2026');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Calendrier 2026<\/h1>/);
      assert.match(page.body, /calendrier « Alsace-Moselle »/);
      assert.match(page.body, /3 : férié — Vendredi saint/);
      assert.match(page.body, /26 : férié — Saint Étienne \(26 décembre\)/);
      // 261 jours de semaine, 9 fériés de métropole et le Vendredi saint (le 26 décembre est un samedi).
      assert.match(page.body, /<strong>251 jours ouvrés<\/strong>/);
      assert.match(page.body, /Vacances scolaires \(Printemps\)/);
      assert.match(page.body, /class="vigie-day--school"/);
    });

    it('ajoute un jour de fermeture qui retire un jour ouvré, puis le supprime', async () => {
      const browser = await admin();
      const csrf = await browser.csrfFrom('/calendrier?annee=2026');
      const added = await browser.post('/calendrier/fermetures', {
        _csrf: csrf,
        date: '2026-05-15',
        reason: 'Pont de l’Ascension',
      });
      assert.equal(added.statusCode, 303);
      assert.equal(added.headers.location, '/calendrier?annee=2026#fermetures');
      const page = await browser.get('/calendrier?annee=2026');
      assert.match(page.body, /15 : fermeture — Pont de l’Ascension/);
      assert.match(page.body, /<strong>250 jours ouvrés<\/strong>/);
      const [closure] = await listClosureDays(t.ctx.db, organisationId);
      assert.ok(closure);
      const removed = await browser.post(`/calendrier/fermetures/${closure.id}/supprimer`, { _csrf: csrf });
      assert.equal(removed.statusCode, 303);
      assert.equal((await listClosureDays(t.ctx.db, organisationId)).length, 0);
    });

    it('réaffiche le formulaire avec la saisie et un message quand la date est impossible', async () => {
      const browser = await admin();
      const csrf = await browser.csrfFrom('/calendrier');
      const bad = await browser.post('/calendrier/fermetures', {
        _csrf: csrf,
        date: '2026-02-30',
        reason: 'Fermeture <exceptionnelle>',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /format attendu AAAA-MM-JJ/);
      assert.match(bad.body, /value="Fermeture &lt;exceptionnelle&gt;"/);
    });

    it('refuse une année hors de 2000–2100 avec un message clair', async () => {
      const page = await (await admin()).get('/calendrier?annee=1999');
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /Année : de 2000 à 2100/);
    });

    it('un agent lit le calendrier mais ne modifie rien ; une autre organisation reste hors d’atteinte', async () => {
      const agent = new TestBrowser(app);
      await agent.login('agent@57.test', PASSWORD);
      const page = await agent.get('/calendrier?annee=2026');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /action="\/calendrier\/fermetures"/);
      const csrf = await agent.csrfFrom('/compte');
      assert.equal(
        (await agent.post('/calendrier/fermetures', { _csrf: csrf, date: '2026-05-15', reason: 'x' })).statusCode,
        403,
      );
      const browser = await admin();
      const adminCsrf = await browser.csrfFrom('/calendrier');
      const foreign = await browser.post(`/calendrier/fermetures/${otherClosureId}/supprimer`, { _csrf: adminCsrf });
      assert.equal(foreign.statusCode, 404);
    });
  });
}
