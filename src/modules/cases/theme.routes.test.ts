import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { themesOf } from './case.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`thèmes du registre (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (await createOrganisation(t.ctx, { slug: 'themes', name: 'Préfecture', department: '19' }, CLI_ACTOR)).id;
      await createAccount(t.ctx, { email: 'referent@19.test', role: 'admin', organisationId, password: PASSWORD }, CLI_ACTOR);
      await createAccount(t.ctx, { email: 'agent@19.test', role: 'agent', organisationId, password: PASSWORD }, CLI_ACTOR);
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('propose les thèmes des CLU, puis l’administrateur ajoute, renomme et archive', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referent@19.test', PASSWORD);
      const page = await admin.get('/registre/themes');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Délais de rendez-vous \(étrangers\)/);
      const csrf = await admin.csrfFrom('/registre/themes');
      assert.equal((await admin.post('/registre/themes', { _csrf: csrf, label: 'Stationnement' })).statusCode, 303);
      const duplicate = await admin.post('/registre/themes', { _csrf: csrf, label: 'stationnement' });
      assert.equal(duplicate.statusCode, 400);
      assert.match(duplicate.body, /existe déjà/);
      const markup = await admin.post('/registre/themes', { _csrf: csrf, label: '<b>gras</b>' });
      assert.equal(markup.statusCode, 400);
      assert.match(markup.body, /value="&lt;b&gt;gras&lt;\/b&gt;"/);
      const theme = (await themesOf(t.ctx, organisationId)).find((x) => x.label === 'Stationnement');
      assert.ok(theme);
      assert.equal(
        (await admin.post(`/registre/themes/${theme.id}`, { _csrf: csrf, label: 'Stationnement des usagers' })).statusCode,
        303,
      );
      assert.equal((await admin.post(`/registre/themes/${theme.id}/archiver`, { _csrf: csrf })).statusCode, 303);
      assert.ok(!(await themesOf(t.ctx, organisationId)).some((x) => x.id === theme.id), 'archivé : plus proposé à la saisie');
      assert.ok(
        (await themesOf(t.ctx, organisationId, { includeArchived: true })).some((x) => x.label === 'Stationnement des usagers'),
      );
    });

    it('un agent ne modifie pas la taxonomie (403)', async () => {
      const agent = new TestBrowser(app);
      await agent.login('agent@19.test', PASSWORD);
      assert.equal((await agent.get('/registre/themes')).statusCode, 403);
    });
  });
}
