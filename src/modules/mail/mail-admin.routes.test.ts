import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import {
  mailServerSkipReason,
  startTestMailServer,
  TEST_MAIL_PASSWORD,
  type TestMailServer,
} from '../../../test/helpers/mail-server.ts';
import { createAccount } from '../accounts/account.service.ts';
import { listEntityEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createCase } from '../cases/case.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { findMailbox, listMailboxes } from './mailbox.repository.ts';
import { createMailbox } from './mailbox.service.ts';
import { enqueueOutgoingMail } from './outbox.service.ts';
import { findOutgoingMail, updateOutgoingMail } from './outgoing-mail.repository.ts';

const PASSWORD = 'Clermont-Ferrand 63000';
const TYPED_PASSWORD = 'Secret-IMAP-tapé-2026';

for (const engine of testEngines()) {
  describe(`écrans Courrier : boîtes et file d’envoi (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let serviceId: string;
    let foreignMailboxId: string;
    let foreignMailId: string;
    let caseId: string;
    let caseReference: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      for (const [email, role] of [
        ['referent@63.test', 'admin'],
        ['agent@63.test', 'agent'],
        ['auditeur@63.test', 'auditor'],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId, password: PASSWORD, serviceIds: [serviceId] }, CLI_ACTOR);
      }
      const other = await createOrganisation(
        t.ctx,
        { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' },
        CLI_ACTOR,
      );
      const otherService = (await addService(t.ctx, other.id, { name: 'Accueil' }, CLI_ACTOR)).id;
      await createAccount(
        t.ctx,
        { email: 'referent@15.test', role: 'admin', organisationId: other.id, password: PASSWORD },
        CLI_ACTOR,
      );
      foreignMailboxId = (
        await createMailbox(
          t.ctx,
          other.id,
          {
            serviceId: otherService,
            label: 'Cantal',
            address: 'pref@cantal.example.test',
            displayName: 'Préfecture du Cantal',
            smtpHost: 'smtp.example.test',
            smtpPort: '25',
          },
          CLI_ACTOR,
        )
      ).id;
      foreignMailId = (
        await enqueueOutgoingMail(
          t.ctx.db,
          t.ctx,
          {
            organisationId: other.id,
            mailboxId: null,
            purpose: 'other',
            to: { address: 'usager@example.test' },
            subject: 'Courriel du Cantal',
            bodyText: 'Texte',
          },
          null,
        )
      ).id;
      const created = await createCase(
        t.ctx,
        organisationId,
        {
          kind: 'information_request',
          channel: 'email',
          receivedAt: '2026-04-01',
          serviceId,
          requesterEmail: 'jeanne@example.test',
        },
        CLI_ACTOR,
      );
      caseId = created.id;
      caseReference = created.reference;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);

    const form = (overrides: Record<string, string> = {}) => ({
      serviceId,
      label: 'Accueil général',
      address: 'pref-public@puy-de-dome.example.test',
      displayName: 'Préfecture du Puy-de-Dôme',
      imapHost: 'imap.example.test',
      imapPort: '993',
      imapTls: 'on',
      imapUser: 'pref-public',
      imapFolder: 'INBOX',
      imapPassword: TYPED_PASSWORD,
      pollIntervalSeconds: '60',
      intakeEnabled: 'on',
      smtpHost: 'smtp.example.test',
      smtpPort: '587',
      ...overrides,
    });

    it('sans boîte, la liste le dit et explique que les courriels attendent', async () => {
      const page = await (await as('referent@63.test')).get('/courrier/boites');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Boîtes fonctionnelles<\/h1>/);
      assert.match(page.body, /Aucune boîte configurée/);
      assert.match(page.body, /attendent dans la file d’envoi/);
    });

    it('une saisie invalide est réaffichée avec ses messages, sans le mot de passe ; la boîte créée ne le montre jamais', async () => {
      const admin = await as('referent@63.test');
      const csrf = await admin.csrfFrom('/courrier/boites/nouvelle');
      const bad = await admin.post('/courrier/boites', {
        _csrf: csrf,
        ...form({ imapPort: '99999', pollIntervalSeconds: '5', imapSecretEnv: 'VIGIE_MAIL_SECRET_INCONNUE', imapPassword: '' }),
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Port IMAP : un nombre entier de 1 à 65535/);
      assert.match(bad.body, /au moins 30 secondes/);
      assert.match(bad.body, /VIGIE_MAIL_SECRET_INCONNUE n’est pas définie sur le serveur/);
      assert.match(bad.body, /value="99999"/);
      assert.match(bad.body, /value="Accueil général"/);
      assert.match(bad.body, /value="VIGIE_MAIL_SECRET_INCONNUE"/);

      const withPassword = await admin.post('/courrier/boites', { _csrf: csrf, ...form({ imapPort: 'x' }) });
      assert.equal(withPassword.statusCode, 400);
      assert.ok(!withPassword.body.includes(TYPED_PASSWORD), 'mot de passe réaffiché');

      const ok = await admin.post('/courrier/boites', { _csrf: csrf, ...form() });
      assert.equal(ok.statusCode, 303);
      const [created] = await listMailboxes(t.ctx.db, organisationId);
      assert.ok(created);
      assert.equal(ok.headers.location, `/courrier/boites/${created.id}`);
      const edit = await admin.get(`/courrier/boites/${created.id}`);
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /Un mot de passe est enregistré \(chiffré\) : laissez vide pour ne pas le changer/);
      assert.match(edit.body, /Tester la connexion/);
      assert.match(edit.body, /En attente de la première relève/);
      for (const body of [edit.body, (await admin.get('/courrier/boites')).body]) {
        assert.ok(!body.includes(TYPED_PASSWORD));
        assert.ok(!body.includes(created.imap_password_encrypted ?? '?'));
      }

      // Modification : mot de passe laissé vide → inchangé ; erreur → saisie conservée.
      const renamed = await admin.post(`/courrier/boites/${created.id}`, {
        _csrf: csrf,
        ...form({ label: 'Accueil', imapPassword: '' }),
      });
      assert.equal(renamed.statusCode, 303);
      const after = await findMailbox(t.ctx.db, organisationId, created.id);
      assert.equal(after?.label, 'Accueil');
      assert.equal(after?.imap_password_encrypted, created.imap_password_encrypted);
      const invalid = await admin.post(`/courrier/boites/${created.id}`, {
        _csrf: csrf,
        ...form({ address: 'pas-une-adresse' }),
      });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /Adresse d’expédition invalide/);
      assert.match(invalid.body, /value="pas-une-adresse"/);

      const audit = JSON.stringify(await listEntityEvents(t.ctx.db, 'mailbox', created.id));
      assert.ok(!audit.includes(TYPED_PASSWORD));
      assert.ok(!audit.includes(created.imap_password_encrypted ?? '?'));
    });

    it('le journal des messages relevés montre la date, l’expéditeur, l’objet, l’issue et le lien vers le dossier', async () => {
      const [mailbox] = await listMailboxes(t.ctx.db, organisationId);
      assert.ok(mailbox);
      const admin = await as('referent@63.test');
      const empty = await admin.get(`/courrier/boites/${mailbox.id}/messages`);
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /Aucun message relevé pour l’instant/);
      const rows = [
        ['m1', 1, 'case_created', null, caseId, 'Question sur ma carte grise'],
        ['m2', 2, 'ignored', 'Réponse automatique (Auto-Submitted: auto-replied)', null, 'Absence du bureau'],
        ['m3', 3, 'rejected', 'MIME illisible', null, null],
      ] as const;
      for (const [id, uid, outcome, reason, linkedCase, subject] of rows) {
        await t.ctx.db
          .insertInto('inbound_messages')
          .values({
            id,
            organisation_id: organisationId,
            mailbox_id: mailbox.id,
            uid_validity: '7',
            uid,
            message_id: `<${id}@example.test>`,
            from_address: `${id}@example.test`,
            subject,
            received_at: `2026-04-0${uid}T08:00:00.000Z`,
            outcome,
            reason,
            case_id: linkedCase,
            created_at: '2026-04-05T08:00:00.000Z',
          })
          .execute();
      }
      const page = await admin.get(`/courrier/boites/${mailbox.id}/messages`);
      assert.match(page.body, /3 messages/);
      assert.match(page.body, new RegExp(`href="/registre/${caseId}">Dossier ${caseReference}`));
      assert.match(page.body, /Dossier créé/);
      assert.match(page.body, /Ignoré/);
      assert.match(page.body, /Réponse automatique \(Auto-Submitted: auto-replied\)/);
      assert.match(page.body, /Rejeté/);
      assert.match(page.body, /MIME illisible/);
      assert.match(page.body, /Sans objet ou effacé/);
      assert.match(page.body, /01\/04\/2026 10:00/);
      // Le plus récent d'abord.
      assert.ok(page.body.indexOf('m3@example.test') < page.body.indexOf('m1@example.test'));
    });

    it('la file d’envoi : état vide, filtres, raison, essais, lien vers le dossier, relance auditée', async () => {
      const admin = await as('referent@63.test');
      const empty = await admin.get('/courrier/envois?statut=failed');
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /Aucun courriel en échec/);

      const queued = await enqueueOutgoingMail(
        t.ctx.db,
        t.ctx,
        {
          organisationId,
          caseId,
          mailboxId: null,
          purpose: 'acknowledgment',
          to: { address: 'jeanne@example.test' },
          subject: 'Accusé de réception',
          bodyText: 'Texte',
        },
        null,
      );
      await updateOutgoingMail(t.ctx.db, queued.id, {
        status: 'failed',
        attempts: 8,
        last_error: 'Le relais SMTP a refusé le destinataire. Détail technique : code 550',
      });
      const sent = await enqueueOutgoingMail(
        t.ctx.db,
        t.ctx,
        {
          organisationId,
          mailboxId: null,
          purpose: 'reminder',
          to: { address: 'agent@63.test' },
          subject: 'Récapitulatif',
          bodyText: 'x',
        },
        null,
      );
      await updateOutgoingMail(t.ctx.db, sent.id, { status: 'sent', attempts: 1, sent_at: t.clock.now().toISOString() });

      const all = await admin.get('/courrier/envois');
      assert.match(all.body, /<strong>2 courriels<\/strong>/);
      const failed = await admin.get('/courrier/envois?statut=failed');
      assert.match(failed.body, /<strong>1 courriel<\/strong>/);
      assert.match(failed.body, /Accusé de réception/);
      assert.match(failed.body, /code 550/);
      assert.match(failed.body, new RegExp(`href="/registre/${caseId}">${caseReference}`));
      assert.match(failed.body, /<td>8<\/td>/);
      assert.match(failed.body, /Réessayer maintenant/);
      const onlySent = await admin.get('/courrier/envois?statut=sent');
      assert.match(onlySent.body, /Récapitulatif quotidien/);
      assert.doesNotMatch(onlySent.body, /Réessayer maintenant/);

      const csrf = await admin.csrfFrom('/courrier/envois?statut=failed');
      const retried = await admin.post(`/courrier/envois/${queued.id}/relancer`, { _csrf: csrf });
      assert.equal(retried.statusCode, 303);
      assert.equal((await findOutgoingMail(t.ctx.db, organisationId, queued.id))?.status, 'pending');
      assert.equal((await listEntityEvents(t.ctx.db, 'outgoing_mail', queued.id))[0]?.action, 'outgoing_mail.retried');
      const pending = await admin.get('/courrier/envois?statut=pending');
      assert.match(pending.body, /Nouvel essai programmé/);
      assert.match(pending.body, /prochain essai/);
      // Déjà parti : relance refusée avec un message, pas une erreur.
      const refused = await admin.post(`/courrier/envois/${sent.id}/relancer`, { _csrf: csrf });
      assert.equal(refused.statusCode, 303);
      assert.match((await admin.get('/courrier/envois')).body, /déjà parti ou en cours d’envoi/);
    });

    it('un agent ou un auditeur est refusé ; le jeton CSRF est exigé', async () => {
      const [mailbox] = await listMailboxes(t.ctx.db, organisationId);
      for (const email of ['agent@63.test', 'auditeur@63.test']) {
        const browser = await as(email);
        for (const url of [
          '/courrier/boites',
          '/courrier/boites/nouvelle',
          `/courrier/boites/${mailbox?.id}`,
          `/courrier/boites/${mailbox?.id}/messages`,
          '/courrier/envois',
        ]) {
          assert.equal((await browser.get(url)).statusCode, 403, `${email} ${url}`);
        }
        const csrf = await browser.csrfFrom('/compte');
        for (const url of [
          '/courrier/boites',
          `/courrier/boites/${mailbox?.id}`,
          `/courrier/boites/${mailbox?.id}/tester`,
          `/courrier/boites/${mailbox?.id}/supprimer`,
          `/courrier/envois/${foreignMailId}/relancer`,
        ]) {
          assert.equal((await browser.post(url, { _csrf: csrf, ...form() })).statusCode, 403, `${email} POST ${url}`);
        }
      }
      const admin = await as('referent@63.test');
      assert.equal((await admin.post('/courrier/boites', form())).statusCode, 403);
      const anonymous = new TestBrowser(app);
      const redirected = await anonymous.get('/courrier/boites');
      assert.match(String(redirected.headers.location), /^\/connexion/);
    });

    it('une organisation ne voit jamais les boîtes ni les courriels d’une autre (404)', async () => {
      const admin = await as('referent@63.test');
      for (const url of [
        `/courrier/boites/${foreignMailboxId}`,
        `/courrier/boites/${foreignMailboxId}/messages`,
        `/courrier/boites/${foreignMailboxId}/supprimer`,
      ]) {
        assert.equal((await admin.get(url)).statusCode, 404, url);
      }
      const csrf = await admin.csrfFrom('/courrier/boites');
      for (const url of [
        `/courrier/boites/${foreignMailboxId}`,
        `/courrier/boites/${foreignMailboxId}/tester`,
        `/courrier/boites/${foreignMailboxId}/supprimer`,
        `/courrier/envois/${foreignMailId}/relancer`,
      ]) {
        assert.equal((await admin.post(url, { _csrf: csrf, ...form() })).statusCode, 404, `POST ${url}`);
      }
      assert.doesNotMatch((await admin.get('/courrier/envois')).body, /Courriel du Cantal/);
      assert.doesNotMatch((await admin.get('/courrier/boites')).body, /cantal\.example\.test/);
    });

    it('supprime une boîte sans messages relevés après confirmation ; refuse avec explication sinon', async () => {
      const admin = await as('referent@63.test');
      const csrf = await admin.csrfFrom('/courrier/boites/nouvelle');
      await admin.post('/courrier/boites', {
        _csrf: csrf,
        ...form({ address: 'envoi@puy-de-dome.example.test', imapHost: '', imapPassword: '' }),
      });
      const boxes = await listMailboxes(t.ctx.db, organisationId);
      const sendOnly = boxes.find((b) => b.address === 'envoi@puy-de-dome.example.test');
      const withMessages = boxes.find((b) => b.address === 'pref-public@puy-de-dome.example.test');
      assert.ok(sendOnly && withMessages);
      const confirm = await admin.get(`/courrier/boites/${sendOnly.id}/supprimer`);
      assert.match(confirm.body, /Supprimer définitivement/);
      const deleted = await admin.post(`/courrier/boites/${sendOnly.id}/supprimer`, { _csrf: csrf });
      assert.equal(deleted.statusCode, 303);
      assert.equal(await findMailbox(t.ctx.db, organisationId, sendOnly.id), undefined);
      const refused = await admin.post(`/courrier/boites/${withMessages.id}/supprimer`, { _csrf: csrf });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /arrêtez plutôt sa relève/);
    });
  });

  describe(`écran d’une boîte : « Tester la connexion » (${engine})`, { skip: mailServerSkipReason() }, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let server: TestMailServer;
    let mailboxId: string;

    before(async () => {
      server = await startTestMailServer();
      t = await createTestContext(engine);
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      const serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil' }, CLI_ACTOR)).id;
      await createAccount(t.ctx, { email: 'referent@03.test', role: 'admin', organisationId, password: PASSWORD }, CLI_ACTOR);
      mailboxId = (
        await createMailbox(
          t.ctx,
          organisationId,
          {
            serviceId,
            label: 'Accueil',
            address: `${engine}-allier@example.test`,
            displayName: 'Préfecture de l’Allier',
            imapHost: server.host,
            imapPort: String(server.imapPort),
            imapUser: `${engine}-allier@example.test`,
            imapPassword: TEST_MAIL_PASSWORD,
            pollIntervalSeconds: '60',
            smtpHost: server.host,
            smtpPort: String(server.smtpPort),
          },
          CLI_ACTOR,
        )
      ).id;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
      await server.stop();
    });

    it('affiche la réussite IMAP et SMTP, puis l’échec quand le relais est arrêté, sans jamais montrer le mot de passe', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referent@03.test', PASSWORD);
      const csrf = await admin.csrfFrom(`/courrier/boites/${mailboxId}`);
      const ok = await admin.post(`/courrier/boites/${mailboxId}/tester`, { _csrf: csrf });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /Relève IMAP : réussi/);
      assert.match(ok.body, /Connexion IMAP réussie/);
      assert.match(ok.body, /Envoi SMTP : réussi/);
      assert.ok(!ok.body.includes(TEST_MAIL_PASSWORD));
      await server.stopSmtp();
      try {
        const down = await admin.post(`/courrier/boites/${mailboxId}/tester`, { _csrf: csrf });
        assert.match(down.body, /Envoi SMTP : échec/);
        assert.match(down.body, /Relais SMTP injoignable : connexion refusée/);
      } finally {
        await server.startSmtp();
      }
    });
  });
}
