import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { insertMailbox } from './mailbox.repository.ts';
import { enqueueOutgoingMail } from './outbox.service.ts';

const PASSWORD = 'Aurillac 15000 cantal';

for (const engine of testEngines()) {
  describe(`page « Courrier » (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      const other = (await createOrganisation(t.ctx, { slug: 'lot', name: 'Préfecture du Lot', department: '46' }, CLI_ACTOR)).id;
      const otherService = (await addService(t.ctx, other, { name: 'Accueil du Lot' }, CLI_ACTOR)).id;
      for (const [email, role, org] of [
        ['referent@15.test', 'admin', organisationId],
        ['agent@15.test', 'agent', organisationId],
        ['auditeur@15.test', 'auditor', organisationId],
        ['referent@46.test', 'admin', other],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      const now = t.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id: 'boite-lot',
        organisation_id: other,
        service_id: otherService,
        label: 'Boîte du Lot',
        address: 'pref-public@lot.gouv.fr',
        display_name: 'Préfecture du Lot',
        last_error: 'Relève IMAP : connexion refusée',
        last_error_at: now,
        imap_tls: 0,
        imap_folder: 'INBOX',
        poll_interval_seconds: 60,
        smtp_tls: 0,
        intake_enabled: 0,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      });
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('sans boîte : explique que la relève est arrêtée et que les courriels attendent', async () => {
      await enqueueOutgoingMail(
        t.ctx.db,
        t.ctx,
        {
          organisationId,
          mailboxId: null,
          purpose: 'reminder',
          to: { address: 'agent@15.test' },
          subject: 'Échéances',
          bodyText: '1 dossier en retard',
        },
        null,
      );
      const browser = new TestBrowser(app);
      await browser.login('referent@15.test', PASSWORD);
      const page = await browser.get('/courrier');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Aucune boîte fonctionnelle configurée/);
      assert.match(page.body, /1 en attente, 0 envoyé, 0 en échec/);
      assert.match(page.body, /href="\/courrier"/, 'entrée du menu');
      // Rien de l'autre organisation.
      assert.doesNotMatch(page.body, /Boîte du Lot|connexion refusée/);
    });

    it('signale une boîte en erreur à son organisation', async () => {
      const browser = new TestBrowser(app);
      await browser.login('referent@46.test', PASSWORD);
      const page = await browser.get('/courrier');
      assert.match(page.body, /Boîte du Lot \(pref-public@lot\.gouv\.fr\)/);
      assert.match(page.body, /connexion refusée/);
      assert.doesNotMatch(page.body, /Aucune boîte fonctionnelle configurée/);
    });

    it('refuse les agents et les auditeurs, renvoie l’anonyme vers la connexion', async () => {
      for (const email of ['agent@15.test', 'auditeur@15.test']) {
        const browser = new TestBrowser(app);
        await browser.login(email, PASSWORD);
        const page = await browser.get('/courrier');
        assert.equal(page.statusCode, 403, email);
        assert.doesNotMatch(page.body, /href="\/courrier"/, `pas d’entrée de menu pour ${email}`);
      }
      const anonymous = await new TestBrowser(app).get('/courrier');
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/connexion/);
    });
  });
}
