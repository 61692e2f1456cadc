import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { listAllScenarios } from './mystery-scenario.repository.ts';
import { readyMadeScenarios } from './mystery-scenario.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`banque de scénarios des enquêtes mystère (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let foreignersId: string;
    let admin: TestBrowser;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      foreignersId = (await addService(t.ctx, organisationId, { name: 'Service des étrangers' }, CLI_ACTOR)).id;
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['auditeur@63.test', 'auditor', organisationId],
        ['referent@03.test', 'admin', other],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
      admin = new TestBrowser(app);
      await admin.login('referent@63.test', PASSWORD);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('les scénarios types livrés sont valides : appels et courriels, objet pour chaque courriel, sources citées', () => {
      const scenarios = readyMadeScenarios();
      assert.ok(scenarios.filter((s) => s.channel === 'call').length >= 6);
      assert.ok(scenarios.filter((s) => s.channel === 'email').length >= 6);
      assert.equal(new Set(scenarios.map((s) => s.key)).size, scenarios.length);
      for (const s of scenarios) {
        assert.ok(s.body.length > 100, s.key);
        assert.ok(s.source, s.key);
        if (s.channel === 'email') assert.ok(s.subject, s.key);
        else assert.equal(s.subject, null, s.key);
      }
      for (const topic of [
        /horaires/i,
        /rendez-vous/i,
        /titre de séjour/i,
        /carte grise/i,
        /procuration/i,
        /permis/i,
        /passeport/i,
      ]) {
        for (const channel of ['call', 'email']) {
          assert.ok(
            scenarios.some((s) => s.channel === channel && topic.test(s.label)),
            `${topic} (${channel})`,
          );
        }
      }
    });

    it('affiche la banque vide, puis ajoute les scénarios types une seule fois, reliés au service de même nom', async () => {
      const empty = await admin.get('/mystere/scenarios');
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /La banque est vide/);
      const csrf = await admin.csrfFrom('/mystere/scenarios');
      assert.equal((await admin.post('/mystere/scenarios/modeles', { _csrf: csrf })).statusCode, 303);
      const bank = await listAllScenarios(t.ctx.db, organisationId);
      assert.equal(bank.length, readyMadeScenarios().length);
      assert.equal(bank.find((s) => s.label === 'Renouvellement de titre de séjour')?.service_id, foreignersId);
      assert.equal(bank.find((s) => s.label === 'Horaires d’ouverture et accès')?.service_id, null);
      await admin.post('/mystere/scenarios/modeles', { _csrf: csrf });
      assert.equal((await listAllScenarios(t.ctx.db, organisationId)).length, readyMadeScenarios().length);
      const page = await admin.get('/mystere/scenarios');
      assert.match(page.body, /Carte grise d’un véhicule importé/);
      assert.match(page.body, /Objet : Immatriculation d’une voiture achetée en Allemagne/);
    });

    it('crée et modifie un scénario : objet exigé pour un courriel, saisie gardée en cas d’erreur', async () => {
      const csrf = await admin.csrfFrom('/mystere/scenarios/nouveau');
      const bad = await admin.post('/mystere/scenarios', {
        _csrf: csrf,
        channel: 'email',
        label: 'Naturalisation',
        subject: '',
        body: 'Bonjour, où en est ma demande de naturalisation ?',
        serviceId: foreignersId,
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Objet du courriel : obligatoire pour un scénario de courriel/);
      assert.match(bad.body, /value="Naturalisation"/);
      const unknownService = await admin.post('/mystere/scenarios', {
        _csrf: csrf,
        channel: 'call',
        label: 'Naturalisation',
        body: 'Trame',
        serviceId: 'inconnu',
      });
      assert.equal(unknownService.statusCode, 400);
      assert.match(unknownService.body, /Service : choisissez un service de la liste/);
      const ok = await admin.post('/mystere/scenarios', {
        _csrf: csrf,
        channel: 'email',
        label: 'Naturalisation',
        subject: 'Ma demande de naturalisation',
        body: 'Bonjour, où en est ma demande de naturalisation ?',
        serviceId: foreignersId,
      });
      assert.equal(ok.statusCode, 303);
      const created = (await listAllScenarios(t.ctx.db, organisationId)).find((s) => s.label === 'Naturalisation');
      assert.ok(created);
      const edited = await admin.post(`/mystere/scenarios/${created.id}`, {
        _csrf: csrf,
        channel: 'email',
        label: 'Demande de naturalisation',
        subject: 'Ma demande de naturalisation',
        body: 'Bonjour, où en est ma demande de naturalisation déposée en mars ?',
        serviceId: '',
      });
      assert.equal(edited.statusCode, 303);
      const after = (await listAllScenarios(t.ctx.db, organisationId)).find((s) => s.id === created.id);
      assert.equal(after?.label, 'Demande de naturalisation');
      assert.equal(after?.service_id, null);
    });

    it('archive un scénario (plus proposé) puis le remet en service', async () => {
      const scenario = (await listAllScenarios(t.ctx.db, organisationId)).find((s) => s.label === 'Demande de naturalisation');
      assert.ok(scenario);
      const csrf = await admin.csrfFrom('/mystere/scenarios');
      assert.equal((await admin.post(`/mystere/scenarios/${scenario.id}/archiver`, { _csrf: csrf })).statusCode, 303);
      assert.ok((await listAllScenarios(t.ctx.db, organisationId)).find((s) => s.id === scenario.id)?.archived_at);
      assert.doesNotMatch((await admin.get('/mystere/scenarios')).body, /<strong>Demande de naturalisation<\/strong>/);
      assert.match((await admin.get('/mystere/scenarios?archives=1')).body, /<strong>Demande de naturalisation<\/strong>/);
      assert.equal((await admin.post(`/mystere/scenarios/${scenario.id}/restaurer`, { _csrf: csrf })).statusCode, 303);
      assert.equal((await listAllScenarios(t.ctx.db, organisationId)).find((s) => s.id === scenario.id)?.archived_at, null);
    });

    it('réserve la banque au référent : agent et auditeur refusés (403), autre préfecture 404', async () => {
      const scenario = (await listAllScenarios(t.ctx.db, organisationId))[0];
      assert.ok(scenario);
      for (const email of ['agent@63.test', 'auditeur@63.test']) {
        const browser = new TestBrowser(app);
        await browser.login(email, PASSWORD);
        assert.equal((await browser.get('/mystere/scenarios')).statusCode, 403, email);
        assert.equal((await browser.get(`/mystere/scenarios/${scenario.id}/modifier`)).statusCode, 403, email);
        const csrf = await browser.csrfFrom('/compte');
        assert.equal((await browser.post('/mystere/scenarios/modeles', { _csrf: csrf })).statusCode, 403, email);
      }
      const stranger = new TestBrowser(app);
      await stranger.login('referent@03.test', PASSWORD);
      assert.equal((await stranger.get(`/mystere/scenarios/${scenario.id}/modifier`)).statusCode, 404);
      const csrf = await stranger.csrfFrom('/mystere/scenarios');
      assert.equal((await stranger.post(`/mystere/scenarios/${scenario.id}/archiver`, { _csrf: csrf })).statusCode, 404);
      assert.equal(
        (await stranger.post(`/mystere/scenarios/${scenario.id}`, { _csrf: csrf, channel: 'call', label: 'x', body: 'y' }))
          .statusCode,
        404,
      );
      assert.equal((await listAllScenarios(t.ctx.db, organisationId)).find((s) => s.id === scenario.id)?.archived_at, null);
    });
  });
}
