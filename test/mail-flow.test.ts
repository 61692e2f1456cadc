import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { createAccount } from '../src/modules/accounts/account.service.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { instantToLocalDate } from '../src/modules/calendar/local-date.ts';
import { organisationContext, registerIndicators } from '../src/modules/cases/case.service.ts';
import { pollMailbox } from '../src/modules/mail/intake.service.ts';
import { MailWorker } from '../src/modules/mail/mail-worker.ts';
import { findMailboxById } from '../src/modules/mail/mailbox.repository.ts';
import { createMailbox } from '../src/modules/mail/mailbox.service.ts';
import { formatLongDate } from '../src/modules/mail/template.ts';
import { addService, createOrganisation } from '../src/modules/organisations/organisation.service.ts';
import { FixedClock } from '../src/shared/clock.ts';
import { createTestContext, type TestContext, testEngines } from './helpers/context.ts';
import { TestBrowser, testApp } from './helpers/http.ts';
import { mailServerSkipReason, startTestMailServer, TEST_MAIL_PASSWORD, type TestMailServer } from './helpers/mail-server.ts';

/**
 * Le parcours complet sur un vrai serveur de courrier (Dovecot + relais SMTP) : un usager écrit à la
 * boîte fonctionnelle, le dossier naît avec son échéance, l'accusé arrive chez l'usager, l'agent
 * répond depuis Vigie dans le même fil, l'indicateur compte la réponse ; puis un redémarrage au
 * milieu d'un lot, une panne du relais et une réorientation.
 */
const PASSWORD = 'Clermont-Ferrand 63000';
const BOX = 'pref-public@example.test';
const USER = 'camille.martin@example.test';

function rawMessage(id: string, subject: string, body: string): string {
  const headers = [
    `From: Camille Martin <${USER}>`,
    `To: ${BOX}`,
    `Subject: ${subject}`,
    `Message-ID: <${id}@example.test>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}

for (const engine of testEngines()) {
  describe(`courrier de bout en bout sur un vrai serveur (${engine})`, { skip: mailServerSkipReason() }, () => {
    let server: TestMailServer;
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let etrangersId: string;
    let mailboxId: string;
    let worker: MailWorker;

    async function inbox(user = USER) {
      return Promise.all((await server.messages(user)).map(async (m) => simpleParser(m.source)));
    }
    const casesOf = () => t.ctx.db.selectFrom('cases').selectAll().where('organisation_id', '=', organisationId).execute();

    before(async () => {
      server = await startTestMailServer();
      // L'horloge part de l'heure réelle : la date de réception est la date interne du serveur IMAP.
      t = await createTestContext(engine, {
        clock: new FixedClock(new Date()),
        config: { mailSecrets: { VIGIE_MAIL_SECRET_PREF: TEST_MAIL_PASSWORD } },
      });
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const accueilId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      etrangersId = (await addService(t.ctx, organisationId, { name: 'Service des étrangers' }, CLI_ACTOR)).id;
      await createAccount(
        t.ctx,
        { email: 'agent@63.test', role: 'agent', organisationId, password: PASSWORD, serviceIds: [accueilId] },
        CLI_ACTOR,
      );
      mailboxId = (
        await createMailbox(
          t.ctx,
          organisationId,
          {
            serviceId: accueilId,
            label: 'Accueil général',
            address: BOX,
            displayName: 'Préfecture du Puy-de-Dôme',
            imapHost: server.host,
            imapPort: String(server.imapPort),
            imapUser: BOX,
            imapSecretEnv: 'VIGIE_MAIL_SECRET_PREF',
            intakeEnabled: 'on',
            pollIntervalSeconds: '30',
            smtpHost: server.host,
            smtpPort: String(server.smtpPort),
            smtpUser: BOX,
            smtpSecretEnv: 'VIGIE_MAIL_SECRET_PREF',
          },
          CLI_ACTOR,
        )
      ).id;
      app = await testApp(t.ctx);
      worker = new MailWorker(t.ctx);
    });
    after(async () => {
      await worker.stop();
      await app.close();
      await t.close();
      await server.stop();
    });

    let caseId: string;

    it('un message arrive : dossier avec échéance, accusé chez l’usager avec la référence et l’échéance', async () => {
      await server.deliver(BOX, rawMessage('premier', 'Renouvellement de titre de séjour', 'Bonjour, où en est mon dossier ?'));
      const tick = await worker.tick();
      assert.equal(tick.leader, true);
      assert.equal(tick.polled[0]?.report.created, 1);
      const [row] = await casesOf();
      assert.ok(row);
      caseId = row.id;
      assert.equal(row.channel, 'email');
      assert.equal(row.requester_email, USER);
      assert.equal(row.subject, 'Renouvellement de titre de séjour');
      const { calendar, department } = await organisationContext(t.ctx, organisationId);
      const received = instantToLocalDate(new Date(row.received_at), department.timeZone);
      assert.equal(row.received_local_date, received);
      assert.equal(row.due_date, calendar.dueDate(received, 5));
      // L'accusé est parti dans le même passage et le dossier le dit.
      assert.equal((await casesOf())[0]?.status, 'acknowledged');
      const [ack] = await inbox();
      assert.ok(ack, 'accusé reçu par l’usager');
      assert.equal(ack.inReplyTo, '<premier@example.test>');
      assert.equal(ack.from?.value[0]?.address, BOX);
      assert.match(ack.text ?? '', new RegExp(row.reference));
      assert.match(`${ack.subject} ${ack.text}`, new RegExp(formatLongDate(row.due_date ?? '')));
    });

    it('l’agent répond depuis Vigie : l’usager la reçoit dans le même fil, l’indicateur la compte', async () => {
      const browser = new TestBrowser(app);
      await browser.login('agent@63.test', PASSWORD);
      const csrf = await browser.csrfFrom(`/registre/${caseId}/courriel`);
      const form = {
        _csrf: csrf,
        subject: 'Votre titre de séjour',
        body: 'Madame, votre titre de séjour est disponible au guichet.',
        signatureForm: 'functional',
      };
      const preview = await browser.post(`/registre/${caseId}/courriel`, { ...form, action: 'preview' });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /votre titre de séjour est disponible/);
      const sent = await browser.post(`/registre/${caseId}/courriel`, { ...form, action: 'send' });
      assert.equal(sent.statusCode, 303);
      await worker.tick();
      const messages = await inbox();
      assert.equal(messages.length, 2);
      const answer = messages[1];
      assert.ok(answer);
      assert.equal(answer.subject, 'Votre titre de séjour');
      assert.equal(answer.inReplyTo, '<premier@example.test>');
      assert.match(answer.text ?? '', /disponible au guichet/);
      const row = (await casesOf()).find((c) => c.id === caseId);
      assert.equal(row?.status, 'answered');
      assert.equal(row?.answer_channel, 'email');
      const today = row?.answered_local_date ?? '';
      const indicator = (await registerIndicators(t.ctx, organisationId, today.slice(0, 7), today)).find(
        (r) => r.key === 'DI_MAIL_5J',
      );
      assert.deepEqual(indicator?.cases.met, [caseId]);
      assert.equal(indicator?.value, 100);
    });

    it('un arrêt au milieu d’un lot puis un redémarrage : ni perte ni doublon', async () => {
      for (let i = 1; i <= 6; i++) {
        await server.deliver(BOX, rawMessage(`lot-${i}`, `Question ${i}`, `Question numéro ${i}`));
      }
      const mailbox = await findMailboxById(t.ctx.db, mailboxId);
      assert.ok(mailbox);
      // Le processus s'arrête après deux messages…
      const partial = await pollMailbox(t.ctx, mailbox, { maxMessages: 2 });
      assert.equal(partial.created, 2);
      // … sans rendre son bail ; un nouveau processus le reprend à son expiration.
      t.clock.advance(2 * 60_000);
      const restarted = new MailWorker(t.ctx);
      await restarted.tick();
      await restarted.stop();
      const rows = await casesOf();
      assert.equal(rows.length, 7);
      assert.equal(new Set(rows.map((r) => r.reference)).size, 7);
      const acks = await t.ctx.db
        .selectFrom('outgoing_mails')
        .select(['case_id', 'status'])
        .where('purpose', '=', 'acknowledgment')
        .execute();
      assert.equal(acks.length, 7);
      assert.ok(acks.every((a) => a.status === 'sent'));
      assert.equal((await inbox()).length, 2 + 6);
    });

    it('le relais tombe : le dossier est créé, l’accusé attend et part une seule fois au retour', async () => {
      await server.stopSmtp();
      await server.deliver(BOX, rawMessage('panne', 'Horaires du guichet', 'Quels sont vos horaires ?'));
      t.clock.advance(60_000);
      await worker.tick();
      const row = (await casesOf()).find((c) => c.subject === 'Horaires du guichet');
      assert.ok(row, 'dossier créé malgré la panne du relais');
      const pending = await t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('case_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(pending.status, 'pending');
      assert.ok(pending.last_error, 'raison de l’attente');
      assert.equal((await inbox()).length, 8);
      await server.startSmtp();
      // Tant que le délai de reprise n'est pas écoulé, rien ne part ; ensuite, une fois.
      t.clock.advance(10 * 60_000);
      await worker.tick();
      await worker.tick();
      const messages = await inbox();
      assert.equal(messages.length, 9);
      assert.equal(messages.filter((m) => m.inReplyTo === '<panne@example.test>').length, 1);
    });

    it('une réorientation envoie l’avis au demandeur', async () => {
      const browser = new TestBrowser(app);
      await browser.login('agent@63.test', PASSWORD);
      const row = (await casesOf()).find((c) => c.subject === 'Horaires du guichet');
      assert.ok(row);
      const csrf = await browser.csrfFrom(`/registre/${row.id}`);
      const response = await browser.post(`/registre/${row.id}/affectation`, {
        _csrf: csrf,
        serviceId: etrangersId,
        reorient: 'on',
        note: 'Relève du séjour',
      });
      assert.equal(response.statusCode, 303);
      await worker.tick();
      const notice = (await inbox()).at(-1);
      assert.ok(notice);
      assert.equal(notice.inReplyTo, '<panne@example.test>');
      assert.match(notice.text ?? '', /Service des étrangers/);
      const events = await t.ctx.db.selectFrom('case_events').select('summary').where('case_id', '=', row.id).execute();
      assert.ok(events.some((e) => /avis de réorientation envoyé/.test(e.summary)));
    });
  });
}
