import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { mailServerSkipReason, startTestMailServer, type TestMailServer } from '../../../test/helpers/mail-server.ts';
import { listEntityEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { findCase, listCaseEvents } from '../cases/case.repository.ts';
import { createCase } from '../cases/case.service.ts';
import { retryDelayMs } from '../jobs/backoff.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { insertMailbox } from './mailbox.repository.ts';
import {
  enqueueOutgoingMail,
  flushOutbox,
  MAX_SEND_ATTEMPTS,
  NO_SENDING_MAILBOX,
  retryOutgoingMail,
  STALE_SENDING_MS,
} from './outbox.service.ts';
import { findOutgoingMail, updateOutgoingMail } from './outgoing-mail.repository.ts';

/** Les messages d'une boîte IMAP qui portent ce Message-ID, en-têtes dépliés (RFC 5322 § 2.2.3). */
async function delivered(server: TestMailServer, user: string, messageId: string) {
  const all = await server.messages(user);
  return all
    .map((m) => m.source.toString('utf8').replace(/\r\n[ \t]+/g, ' '))
    .filter((source) => source.includes(`Message-ID: ${messageId}`));
}

/** Relais SMTP qui refuse tout destinataire (550), démarré à côté du vrai. */
async function refusingRelay(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error('Destinataire refusé par la politique du relais'), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Serveur TCP muet : accepte la connexion mais ne salue jamais (délai dépassé). */
async function silentRelay(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

for (const engine of testEngines()) {
  describe(`file d’envoi SMTP (${engine})`, { skip: mailServerSkipReason() }, () => {
    let t: TestContext;
    let server: TestMailServer;
    let organisationId: string;
    let serviceId: string;
    let mailboxId: string;
    let caseId: string;
    const user = (name: string) => `${engine}-${name}@example.test`;

    function mailbox(id: string, orgId: string, port: number, address: string) {
      const now = t.clock.now().toISOString();
      return {
        id,
        organisation_id: orgId,
        service_id: serviceId,
        label: `Boîte ${id}`,
        address,
        display_name: 'Préfecture du Puy-de-Dôme',
        smtp_host: server.host,
        smtp_port: port,
        smtp_tls: 0,
        imap_tls: 0,
        imap_folder: 'INBOX',
        poll_interval_seconds: 60,
        intake_enabled: 0,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      };
    }

    async function enqueue(to: string, extra: Partial<Parameters<typeof enqueueOutgoingMail>[2]> = {}, orgId = organisationId) {
      return enqueueOutgoingMail(
        t.ctx.db,
        t.ctx,
        {
          organisationId: orgId,
          caseId: null,
          mailboxId: null,
          purpose: 'other',
          to: { address: to, name: 'Jeanne Usagère' },
          subject: 'Votre demande',
          bodyText: 'Bonjour,\nVotre demande est bien reçue.',
          ...extra,
        },
        'pref-public@example.test',
      );
    }

    before(async () => {
      server = await startTestMailServer();
      t = await createTestContext(engine);
      t.clock.set('2026-04-15T08:00:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      mailboxId = 'boite-publique';
      await insertMailbox(t.ctx.db, mailbox(mailboxId, organisationId, server.smtpPort, 'pref-public@example.test'));
      caseId = (
        await createCase(
          t.ctx,
          organisationId,
          {
            kind: 'information_request',
            channel: 'email',
            receivedAt: '2026-04-15T07:55:00Z',
            serviceId,
            requesterEmail: user('usager'),
          },
          CLI_ACTOR,
        )
      ).id;
    });
    after(async () => {
      await t.close();
      await server.stop();
    });

    it('un accusé en file arrive chez le destinataire, dans son fil, avec le Message-ID fixé à la mise en file', async () => {
      const queued = await enqueue(user('usager'), {
        caseId,
        mailboxId,
        purpose: 'acknowledgment',
        uniqueKey: `acknowledgment:${caseId}`,
        subject: 'Accusé de réception — dossier 2026-00001',
        inReplyTo: '<demande-1@usager.example.test>',
        references: '<demande-0@usager.example.test> <demande-1@usager.example.test>',
        attachments: [
          { filename: 'notice.txt', contentType: 'text/plain', contentBase64: Buffer.from('notice').toString('base64') },
        ],
      });
      const report = await flushOutbox(t.ctx);
      assert.deepEqual(report, { sent: 1, failed: 0, retried: 0, waiting: 0 });

      const [message] = await delivered(server, user('usager'), queued.messageId);
      assert.ok(message, 'accusé absent de la boîte du destinataire');
      const source = message;
      assert.match(source, /^In-Reply-To: <demande-1@usager\.example\.test>/m);
      assert.match(source, /^References: <demande-0@usager\.example\.test> <demande-1@usager\.example\.test>/m);
      assert.match(source, /^From: =\?UTF-8\?Q\?Pr=C3=A9fecture_du_Puy-de-D=C3=B4me\?= <pref-public@example\.test>/m);
      assert.match(source, /^Auto-Submitted: auto-replied/m);
      assert.match(source, /filename=notice\.txt/);

      const row = await findOutgoingMail(t.ctx.db, organisationId, queued.id);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.sent_at, '2026-04-15T08:00:00.000Z');
      assert.equal(row?.attempts, 1);
      assert.equal(row?.last_error, null);
      const events = await listCaseEvents(t.ctx.db, caseId);
      assert.ok(
        events.some(
          (e) =>
            e.type === 'mail_sent' &&
            e.summary.startsWith('Accusé de réception envoyé depuis') &&
            (e.data_json ?? '').includes(user('usager')),
        ),
      );
      assert.equal((await findCase(t.ctx.db, organisationId, caseId))?.status, 'acknowledged');

      // Un second passage n'envoie rien de plus.
      assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 0, retried: 0, waiting: 0 });
      assert.equal((await delivered(server, user('usager'), queued.messageId)).length, 1);
    });

    it('une réponse d’agent ne se déclare pas automatique', async () => {
      const queued = await enqueue(user('reponse'), { caseId, mailboxId, purpose: 'answer' });
      assert.equal((await flushOutbox(t.ctx)).sent, 1);
      const [message] = await delivered(server, user('reponse'), queued.messageId);
      assert.ok(message);
      assert.doesNotMatch(message, /^Auto-Submitted:/m);
    });

    it('panne du relais : reprise programmée avec sa raison, rien n’est envoyé ; au retour, un seul envoi', async () => {
      await server.stopSmtp();
      const queued = await enqueue(user('panne'), { caseId, mailboxId, purpose: 'answer' });
      const second = await enqueue(user('panne'), { caseId, mailboxId, purpose: 'answer', subject: 'Second courriel' });
      try {
        const report = await flushOutbox(t.ctx);
        assert.deepEqual(report, { sent: 0, failed: 0, retried: 2, waiting: 0 });
        const row = await findOutgoingMail(t.ctx.db, organisationId, queued.id);
        assert.equal(row?.status, 'pending');
        assert.equal(row?.attempts, 1);
        assert.match(row?.last_error ?? '', /^Relais SMTP injoignable : connexion refusée.*Détail technique : .*ECONNREFUSED/);
        assert.equal(row?.next_attempt_at, new Date(t.clock.now().getTime() + retryDelayMs(1)).toISOString());
        // Le second courriel de la même boîte n'a pas retenté la connexion : même raison, même reprise.
        assert.equal((await findOutgoingMail(t.ctx.db, organisationId, second.id))?.last_error, row?.last_error);
        // Avant l'heure de la reprise, rien n'est retenté.
        assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 0, retried: 0, waiting: 0 });
      } finally {
        await server.startSmtp();
      }
      assert.equal((await delivered(server, user('panne'), queued.messageId)).length, 0);
      t.clock.advance(retryDelayMs(1));
      assert.deepEqual(await flushOutbox(t.ctx), { sent: 2, failed: 0, retried: 0, waiting: 0 });
      assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 0, retried: 0, waiting: 0 });
      assert.equal((await delivered(server, user('panne'), queued.messageId)).length, 1);
      const row = await findOutgoingMail(t.ctx.db, organisationId, queued.id);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.attempts, 2);
      assert.equal(row?.last_error, null);
    });

    it('délai dépassé : un relais muet ne bloque pas la file, l’essai échoue avec sa raison', async () => {
      const silent = await silentRelay();
      try {
        const other = (
          await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
        ).id;
        await insertMailbox(t.ctx.db, {
          ...mailbox('boite-muette', other, silent.port, 'pref@cantal.example.test'),
          service_id: (await addService(t.ctx, other, { name: 'Accueil' }, CLI_ACTOR)).id,
        });
        const queued = await enqueue(user('muet'), {}, other);
        const started = Date.now();
        const report = await flushOutbox(t.ctx, { timeoutMs: 300 });
        assert.ok(Date.now() - started < 5_000);
        assert.equal(report.retried, 1);
        const row = await findOutgoingMail(t.ctx.db, other, queued.id);
        assert.equal(row?.status, 'pending');
        assert.match(row?.last_error ?? '', /^Délai dépassé : le relais SMTP n’a pas répondu à temps/);
        // Hors de la file pour la suite : son relais n'existera plus.
        await updateOutgoingMail(t.ctx.db, queued.id, { status: 'failed' });
      } finally {
        await silent.close();
      }
    });

    it('relais qui refuse le destinataire : essais espacés, puis échec au 8e, noté sur le dossier ; relance manuelle', async () => {
      const refusing = await refusingRelay();
      try {
        await insertMailbox(t.ctx.db, mailbox('boite-refus', organisationId, refusing.port, 'pref-refus@example.test'));
        const queued = await enqueue(user('refus'), { caseId, mailboxId: 'boite-refus', purpose: 'answer' });
        for (let attempt = 1; attempt < MAX_SEND_ATTEMPTS; attempt++) {
          assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 0, retried: 1, waiting: 0 });
          const row = await findOutgoingMail(t.ctx.db, organisationId, queued.id);
          assert.equal(row?.attempts, attempt);
          assert.match(row?.last_error ?? '', /^Le relais SMTP a refusé le destinataire\. Détail technique : code 550/);
          t.clock.advance(retryDelayMs(attempt));
        }
        assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 1, retried: 0, waiting: 0 });
        const failed = await findOutgoingMail(t.ctx.db, organisationId, queued.id);
        assert.equal(failed?.status, 'failed');
        assert.equal(failed?.attempts, MAX_SEND_ATTEMPTS);
        const events = await listCaseEvents(t.ctx.db, caseId);
        assert.ok(events.some((e) => e.type === 'mail_failed' && e.summary.includes('après 8 essais')));
        t.clock.advance(3_600_000);
        assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 0, retried: 0, waiting: 0 });

        // Relance par l'admin : un nouvel essai, audité ; il échoue encore et repasse en échec.
        await retryOutgoingMail(t.ctx, organisationId, queued.id, { userId: null, label: 'Référent' });
        assert.equal((await findOutgoingMail(t.ctx.db, organisationId, queued.id))?.status, 'pending');
        const audit = await listEntityEvents(t.ctx.db, 'outgoing_mail', queued.id);
        assert.equal(audit[0]?.action, 'outgoing_mail.retried');
        assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 1, retried: 0, waiting: 0 });
      } finally {
        await refusing.close();
      }
    });

    it('un courriel envoyé ne peut pas être relancé ; un courriel d’une autre organisation est introuvable', async () => {
      const queued = await enqueue(user('relance'), { mailboxId });
      await flushOutbox(t.ctx);
      await assert.rejects(retryOutgoingMail(t.ctx, organisationId, queued.id, CLI_ACTOR), {
        code: 'outgoing_mail_not_retryable',
      });
      await assert.rejects(retryOutgoingMail(t.ctx, 'autre-organisation', queued.id, CLI_ACTOR), { code: 'not_found' });
    });

    it('sans boîte d’expédition, le courriel attend sans perdre d’essai, puis part quand une boîte est configurée', async () => {
      const lonely = (
        await createOrganisation(t.ctx, { slug: 'lozere', name: 'Préfecture de la Lozère', department: '48' }, CLI_ACTOR)
      ).id;
      const queued = await enqueue(user('attente'), {}, lonely);
      const report = await flushOutbox(t.ctx);
      assert.equal(report.waiting, 1);
      assert.equal(report.sent, 0);
      let row = await findOutgoingMail(t.ctx.db, lonely, queued.id);
      assert.equal(row?.status, 'pending');
      assert.equal(row?.attempts, 0);
      assert.equal(row?.last_error, NO_SENDING_MAILBOX);
      t.clock.advance(86_400_000);
      assert.equal((await flushOutbox(t.ctx)).waiting, 1);
      assert.equal((await findOutgoingMail(t.ctx.db, lonely, queued.id))?.attempts, 0);

      const service = (await addService(t.ctx, lonely, { name: 'Accueil' }, CLI_ACTOR)).id;
      await insertMailbox(t.ctx.db, {
        ...mailbox('boite-lozere', lonely, server.smtpPort, 'pref@lozere.example.test'),
        service_id: service,
      });
      assert.equal((await flushOutbox(t.ctx)).sent, 1);
      row = await findOutgoingMail(t.ctx.db, lonely, queued.id);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.mailbox_id, 'boite-lozere');
      const [message] = await delivered(server, user('attente'), queued.messageId);
      assert.match(message ?? '', /^From: .*<pref@lozere\.example\.test>/m);
    });

    it('un envoi interrompu (processus tué) est repris après 10 minutes avec le même Message-ID ; deux passages simultanés n’envoient qu’une fois', async () => {
      const queued = await enqueue(user('reprise'), { mailboxId });
      // Le processus a pris la ligne puis a disparu.
      await updateOutgoingMail(t.ctx.db, queued.id, { status: 'sending', attempts: 1, updated_at: t.clock.now().toISOString() });
      assert.equal((await flushOutbox(t.ctx)).sent, 0);
      t.clock.advance(STALE_SENDING_MS + 1000);
      const [a, b] = await Promise.all([flushOutbox(t.ctx), flushOutbox(t.ctx)]);
      assert.equal(a.sent + b.sent, 1);
      const messages = await delivered(server, user('reprise'), queued.messageId);
      assert.equal(messages.length, 1);
      const row = await findOutgoingMail(t.ctx.db, organisationId, queued.id);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.message_id, queued.messageId);
      assert.equal(row?.attempts, 2);
    });
  });
}
