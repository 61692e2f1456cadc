import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { listEntityEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { findUserByEmail } from './account.repository.ts';
import { createAccount } from './account.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`Mon compte : récapitulatif quotidien et fonction (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestContext(engine);
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      for (const [email, role] of [
        ['agent@63.test', 'agent'],
        ['auditeur@63.test', 'auditor'],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId, password: PASSWORD }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);

    it('le récapitulatif est reçu par défaut ; l’agent l’arrête, renseigne sa fonction, puis le reprend', async () => {
      const agent = await as('agent@63.test');
      const page = await agent.get('/compte');
      assert.match(page.body, /id="recapitulatif"/);
      assert.match(page.body, /name="reminderDigest" value="on" checked/);
      assert.match(page.body, /Recevoir le récapitulatif quotidien/);
      const csrf = await agent.csrfFrom('/compte');

      const stopped = await agent.post('/compte/preferences', { _csrf: csrf, jobTitle: 'Cheffe du bureau de l’accueil' });
      assert.equal(stopped.statusCode, 303);
      assert.equal(stopped.headers.location, '/compte#recapitulatif');
      let user = await findUserByEmail(t.ctx.db, 'agent@63.test');
      assert.equal(user?.reminder_digest, 0);
      assert.equal(user?.job_title, 'Cheffe du bureau de l’accueil');
      const after = await agent.get('/compte');
      assert.match(after.body, /vous ne recevrez plus le récapitulatif quotidien/);
      assert.doesNotMatch(after.body, /name="reminderDigest" value="on" checked/);
      assert.match(after.body, /value="Cheffe du bureau de l’accueil"/);

      assert.equal(
        (await agent.post('/compte/preferences', { _csrf: csrf, reminderDigest: 'on', jobTitle: '' })).statusCode,
        303,
      );
      user = await findUserByEmail(t.ctx.db, 'agent@63.test');
      assert.equal(user?.reminder_digest, 1);
      assert.equal(user?.job_title, null);

      const audit = await listEntityEvents(t.ctx.db, 'user', user?.id ?? '');
      const changes = audit.filter((e) => e.action === 'user.preferences_changed');
      assert.equal(changes.length, 2);
      assert.match(changes[0]?.summary ?? '', /récapitulatif quotidien arrêté/);
    });

    it('une fonction trop longue est refusée avec son message, la saisie conservée', async () => {
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom('/compte');
      const long = 'Chef'.repeat(40);
      const bad = await agent.post('/compte/preferences', { _csrf: csrf, jobTitle: long });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Fonction : 120 caractères au plus/);
      assert.match(bad.body, new RegExp(`value="${long}"`));
      assert.doesNotMatch(bad.body, /name="reminderDigest" value="on" checked/, 'la case décochée reste décochée');
      assert.equal((await findUserByEmail(t.ctx.db, 'agent@63.test'))?.reminder_digest, 1);
    });

    it('un auditeur n’a pas ces préférences ; le jeton CSRF est exigé', async () => {
      const auditor = await as('auditeur@63.test');
      const page = await auditor.get('/compte');
      assert.doesNotMatch(page.body, /id="recapitulatif"/);
      const csrf = await auditor.csrfFrom('/compte');
      assert.equal((await auditor.post('/compte/preferences', { _csrf: csrf, reminderDigest: 'on' })).statusCode, 403);
      const agent = await as('agent@63.test');
      assert.equal((await agent.post('/compte/preferences', { jobTitle: 'Sans jeton' })).statusCode, 403);
    });
  });
}
