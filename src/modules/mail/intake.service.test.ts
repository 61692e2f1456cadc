import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import {
  mailServerSkipReason,
  startTestMailServer,
  TEST_MAIL_DOMAIN,
  TEST_MAIL_PASSWORD,
  type TestMailServer,
} from '../../../test/helpers/mail-server.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { listAttachments, listCaseEvents } from '../cases/case.repository.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { pollMailbox } from './intake.service.ts';
import { findMailboxById, insertMailbox, type MailboxRow } from './mailbox.repository.ts';
import { sealSecret } from './secret-box.ts';

const skip = mailServerSkipReason();
const CHILD_SCRIPT = fileURLToPath(new URL('../../../test/helpers/poll-mailbox.child.ts', import.meta.url));

interface MailParts {
  from?: string | null;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string | null;
  headers?: string[];
  contentType?: string;
  date?: string;
}

/** Un message RFC 5322 en texte, lignes CRLF. */
export function mail(parts: MailParts = {}): string {
  const lines = [
    ...(parts.from === null ? [] : [`From: ${parts.from ?? 'Jeanne Martin <jeanne.martin@example.test>'}`]),
    `To: ${parts.to ?? 'pref-public@example.test'}`,
    `Subject: ${parts.subject ?? 'Demande de renseignement'}`,
    `Date: ${parts.date ?? 'Thu, 02 Apr 2026 09:00:00 +0200'}`,
    ...(parts.messageId === null ? [] : [`Message-ID: ${parts.messageId ?? `<${crypto.randomUUID()}@usager.example.test>`}`]),
    'MIME-Version: 1.0',
    ...(parts.headers ?? []),
    `Content-Type: ${parts.contentType ?? 'text/plain; charset=utf-8'}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    parts.body ?? 'Bonjour,\r\nQuels sont les horaires du guichet des cartes grises ?\r\nMerci.',
    '',
  ];
  return lines.join('\r\n');
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

for (const engine of testEngines()) {
  describe(`relève IMAP des boîtes fonctionnelles (${engine})`, { skip }, () => {
    let server: TestMailServer;
    let t: TestContext;
    let organisationId: string;
    let serviceId: string;
    let otherOrganisationId: string;
    let otherServiceId: string;
    let counter = 0;
    // Jeudi 2 avril 2026, 9 h 30 à Clermont-Ferrand ; le lundi de Pâques (6 avril) n'est pas ouvré.
    const internalDate = new Date('2026-04-02T07:15:00.000Z');

    before(async () => {
      server = await startTestMailServer();
      t = await createTestContext(engine);
      t.clock.set('2026-04-02T07:30:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      otherOrganisationId = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      otherServiceId = (await addService(t.ctx, otherOrganisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
    });

    after(async () => {
      await t?.close();
      await server?.stop();
    });

    /** Une boîte neuve (un compte Dovecot à elle) : chaque test part d'une boîte vide. */
    async function newMailbox(options: { organisation?: 'other'; folder?: string; port?: number } = {}): Promise<MailboxRow> {
      counter++;
      const address = `pref-${engine}-${counter}@${TEST_MAIL_DOMAIN}`;
      const id = crypto.randomUUID();
      const now = t.ctx.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id,
        organisation_id: options.organisation === 'other' ? otherOrganisationId : organisationId,
        service_id: options.organisation === 'other' ? otherServiceId : serviceId,
        label: `Boîte ${counter}`,
        address,
        display_name: 'Préfecture du Puy-de-Dôme',
        imap_host: server.host,
        imap_port: options.port ?? server.imapPort,
        imap_tls: 0,
        imap_user: address,
        imap_folder: options.folder ?? 'INBOX',
        imap_password_encrypted: sealSecret(t.ctx.config.secretKey, TEST_MAIL_PASSWORD),
        poll_interval_seconds: 60,
        smtp_tls: 0,
        intake_enabled: 1,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      });
      const row = await findMailboxById(t.ctx.db, id);
      assert.ok(row);
      return row;
    }

    async function casesOf(mailbox: MailboxRow) {
      return t.ctx.db
        .selectFrom('cases')
        .innerJoin('inbound_messages', 'inbound_messages.case_id', 'cases.id')
        .selectAll('cases')
        .where('inbound_messages.mailbox_id', '=', mailbox.id)
        .where('inbound_messages.outcome', '=', 'case_created')
        .orderBy('cases.reference')
        .execute();
    }

    async function inboundOf(mailbox: MailboxRow) {
      return t.ctx.db.selectFrom('inbound_messages').selectAll().where('mailbox_id', '=', mailbox.id).orderBy('uid').execute();
    }

    async function acknowledgmentsOf(caseIds: string[]) {
      if (caseIds.length === 0) return [];
      return t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('case_id', 'in', caseIds)
        .where('purpose', '=', 'acknowledgment')
        .execute();
    }

    it('un message devient un dossier reçu par courriel, avec son échéance et un accusé de réception en file', async () => {
      const mailbox = await newMailbox();
      const messageId = '<premier-message@usager.example.test>';
      await server.append(mailbox.address, 'INBOX', [{ raw: mail({ messageId }), internalDate }]);

      const report = await pollMailbox(t.ctx, mailbox);
      assert.deepEqual(report, { fetched: 1, created: 1, threaded: 0, ignored: 0, flagged: 0, rejected: 0 });

      const [row, ...others] = await casesOf(mailbox);
      assert.ok(row);
      assert.equal(others.length, 0);
      assert.equal(row.channel, 'email');
      assert.equal(row.kind, 'information_request');
      assert.equal(row.audience, 'public');
      assert.equal(row.service_id, serviceId);
      assert.equal(row.received_at, internalDate.toISOString(), 'reçu à la date interne du serveur IMAP');
      assert.equal(row.received_local_date, '2026-04-02');
      assert.equal(row.due_date, '2026-04-10', '5 jours ouvrés, lundi de Pâques exclu');
      assert.equal(row.requester_name, 'Jeanne Martin');
      assert.equal(row.requester_email, 'jeanne.martin@example.test');
      assert.equal(row.subject, 'Demande de renseignement');
      assert.match(row.body ?? '', /horaires du guichet des cartes grises/);
      assert.match(row.reference, /^2026-\d{5}$/);

      const [ack, ...moreAcks] = await acknowledgmentsOf([row.id]);
      assert.ok(ack, 'accusé de réception en file');
      assert.equal(moreAcks.length, 0);
      assert.equal(ack.status, 'pending');
      assert.equal(ack.to_address, 'jeanne.martin@example.test');
      assert.equal(ack.mailbox_id, mailbox.id);
      assert.equal(ack.in_reply_to, messageId);
      assert.match(`${ack.subject}\n${ack.body_text}`, new RegExp(row.reference));

      const events = await listCaseEvents(t.ctx.db, row.id);
      assert.ok(events.some((e) => e.type === 'mail_received' && e.actor_label === `Relève de ${mailbox.address}`));
      const audit = await t.ctx.db.selectFrom('audit_events').selectAll().where('entity_id', '=', row.id).execute();
      assert.ok(audit.some((a) => a.action === 'case.created' && a.actor_label === `Relève de ${mailbox.address}`));

      const after = await findMailboxById(t.ctx.db, mailbox.id);
      assert.ok(after?.last_polled_at);
      assert.equal(after?.last_error, null);
      assert.ok((after?.last_uid ?? 0) >= 1);
      assert.ok(after?.uid_validity);
    });

    it('deux passages ne créent aucun doublon ; un message arrivé entre-temps est relevé seul', async () => {
      const mailbox = await newMailbox();
      for (let i = 1; i <= 3; i++) await server.deliver(mailbox.address, mail({ subject: `Question ${i}` }));
      assert.equal((await pollMailbox(t.ctx, mailbox)).created, 3);
      const again = await pollMailbox(t.ctx, mailbox);
      assert.deepEqual(again, { fetched: 0, created: 0, threaded: 0, ignored: 0, flagged: 0, rejected: 0 });
      await server.deliver(mailbox.address, mail({ subject: 'Question 4' }));
      // L'appelant passe une ligne périmée (curseur d'avant) : la relève relit le curseur en base.
      const third = await pollMailbox(t.ctx, mailbox);
      assert.equal(third.created, 1);
      assert.equal(third.fetched, 1);
      const rows = await casesOf(mailbox);
      assert.deepEqual(
        rows.map((r) => r.subject),
        ['Question 1', 'Question 2', 'Question 3', 'Question 4'],
      );
      assert.equal((await acknowledgmentsOf(rows.map((r) => r.id))).length, 4);
    });

    it('maxMessages borne un passage ; le suivant reprend où il s’est arrêté', async () => {
      const mailbox = await newMailbox();
      for (let i = 1; i <= 5; i++) await server.deliver(mailbox.address, mail({ subject: `Lot ${i}` }));
      const first = await pollMailbox(t.ctx, mailbox, { maxMessages: 2 });
      assert.equal(first.fetched, 2);
      assert.equal(first.created, 2);
      const second = await pollMailbox(t.ctx, mailbox, { maxMessages: 2 });
      assert.equal(second.created, 2);
      const third = await pollMailbox(t.ctx, mailbox);
      assert.equal(third.created, 1);
      assert.deepEqual(
        (await casesOf(mailbox)).map((r) => r.subject),
        ['Lot 1', 'Lot 2', 'Lot 3', 'Lot 4', 'Lot 5'],
      );
    });

    it('panne du serveur IMAP : l’erreur est rendue et écrite sur la boîte, puis le retour relève tout', async () => {
      const mailbox = await newMailbox();
      await server.deliver(mailbox.address, mail({ subject: 'Avant la panne' }));
      await server.stopImap();
      let report: Awaited<ReturnType<typeof pollMailbox>>;
      try {
        report = await pollMailbox(t.ctx, mailbox);
      } finally {
        await server.startImap();
      }
      assert.equal(report.created, 0);
      assert.match(report.error ?? '', /injoignable|interrompue/);
      const failed = await findMailboxById(t.ctx.db, mailbox.id);
      assert.equal(failed?.last_error, report.error);
      assert.equal(failed?.last_error_at, t.ctx.clock.now().toISOString());
      assert.equal(failed?.last_polled_at, null);

      await server.deliver(mailbox.address, mail({ subject: 'Pendant la reprise' }));
      t.clock.advance(60_000);
      const recovered = await pollMailbox(t.ctx, mailbox);
      assert.equal(recovered.error, undefined);
      assert.equal(recovered.created, 2);
      const ok = await findMailboxById(t.ctx.db, mailbox.id);
      assert.equal(ok?.last_error, null);
      assert.equal(ok?.last_error_at, null);
      assert.equal(ok?.last_polled_at, t.ctx.clock.now().toISOString());
    });

    it('port fermé, mot de passe refusé, dossier absent : une raison claire, jamais d’exception', async () => {
      const closed = await newMailbox({ port: 1 });
      const refused = await pollMailbox(t.ctx, closed);
      assert.match(refused.error ?? '', /injoignable \(connexion refusée\)/);
      assert.equal(refused.fetched, 0);

      const wrongPassword = await newMailbox();
      await t.ctx.db
        .updateTable('mailboxes')
        .set({ imap_password_encrypted: sealSecret(t.ctx.config.secretKey, 'mauvais') })
        .where('id', '=', wrongPassword.id)
        .execute();
      const denied = await pollMailbox(t.ctx, wrongPassword);
      assert.ok(denied.error, 'mot de passe refusé signalé');

      const missingFolder = await newMailbox({ folder: 'Inexistant' });
      const missing = await pollMailbox(t.ctx, missingFolder);
      assert.match(missing.error ?? '', /Inexistant/);

      const missingSecret = await newMailbox();
      await t.ctx.db
        .updateTable('mailboxes')
        .set({ imap_password_encrypted: null, imap_secret_env: 'VIGIE_MAIL_SECRET_ABSENT' })
        .where('id', '=', missingSecret.id)
        .execute();
      const noSecret = await pollMailbox(t.ctx, missingSecret);
      assert.match(noSecret.error ?? '', /VIGIE_MAIL_SECRET_ABSENT/);
      assert.equal((await findMailboxById(t.ctx.db, missingSecret.id))?.last_error, noSecret.error);
    });

    it('UIDVALIDITY changé (dossier recréé, messages renumérotés) : aucun doublon, le nouveau message est relevé', async () => {
      const mailbox = await newMailbox({ folder: 'Demandes' });
      const messages = [1, 2, 3].map((i) => ({ raw: mail({ subject: `Renumérotation ${i}` }), internalDate }));
      await server.append(mailbox.address, 'Demandes', messages);
      assert.equal((await pollMailbox(t.ctx, mailbox)).created, 3);
      const before = await findMailboxById(t.ctx.db, mailbox.id);

      await server.recreateFolder(mailbox.address, 'Demandes');
      await server.append(mailbox.address, 'Demandes', [
        ...messages,
        { raw: mail({ subject: 'Après la renumérotation' }), internalDate },
      ]);
      const report = await pollMailbox(t.ctx, mailbox);
      assert.equal(report.fetched, 4);
      assert.equal(report.created, 1);
      const after = await findMailboxById(t.ctx.db, mailbox.id);
      assert.notEqual(after?.uid_validity, before?.uid_validity);
      assert.equal((await casesOf(mailbox)).length, 4);
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', mailbox.id)
        .where('action', '=', 'mailbox.uid_validity_changed')
        .execute();
      assert.equal(audit.length, 1);

      // Même renumérotation simulée par la valeur stockée : rien de nouveau.
      await t.ctx.db.updateTable('mailboxes').set({ uid_validity: '1', last_uid: 999 }).where('id', '=', mailbox.id).execute();
      const replay = await pollMailbox(t.ctx, mailbox);
      assert.equal(replay.created, 0);
      assert.equal(replay.fetched, 4);
      assert.equal((await casesOf(mailbox)).length, 4);
    });

    it('réponses automatiques, listes de diffusion et rebonds ne deviennent pas des dossiers ; le rebond marque l’accusé en échec', async () => {
      const mailbox = await newMailbox();
      await server.deliver(mailbox.address, mail({ subject: 'Carte grise', from: 'Paul Roux <paul.roux@example.test>' }));
      assert.equal((await pollMailbox(t.ctx, mailbox)).created, 1);
      const [origin] = await casesOf(mailbox);
      assert.ok(origin);
      const [ack] = await acknowledgmentsOf([origin.id]);
      assert.ok(ack);
      await t.ctx.db
        .updateTable('outgoing_mails')
        .set({ status: 'sent', sent_at: t.ctx.clock.now().toISOString() })
        .where('id', '=', ack.id)
        .execute();

      const auto = [
        mail({ subject: 'Réponse automatique : Votre demande', headers: ['Auto-Submitted: auto-replied'] }),
        mail({ subject: 'Je suis absent', headers: ['X-Autoreply: yes'] }),
        mail({ subject: 'Congés', headers: ['Precedence: auto_reply'] }),
        mail({ subject: 'Out of Office: Carte grise' }),
        mail({ subject: 'Absence du bureau' }),
        mail({ subject: 'Lettre d’information', headers: ['List-Id: Actualités <actu.example.test>'] }),
        mail({ subject: 'Promotion', headers: ['List-Unsubscribe: <mailto:stop@example.test>'] }),
        mail({ subject: 'Discussion', headers: ['Precedence: list'] }),
      ];
      for (const raw of auto) await server.deliver(mailbox.address, raw);
      const boundary = 'rebond-1';
      const bounce = [
        'From: Mail Delivery System <MAILER-DAEMON@relais.example.test>',
        `To: ${mailbox.address}`,
        'Subject: Undelivered Mail Returned to Sender',
        'Date: Thu, 02 Apr 2026 09:05:00 +0200',
        `Message-ID: <rebond-${crypto.randomUUID()}@relais.example.test>`,
        'Auto-Submitted: auto-replied',
        'MIME-Version: 1.0',
        `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Votre message n’a pas pu être remis.',
        `--${boundary}`,
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; relais.example.test',
        '',
        'Final-Recipient: rfc822; paul.roux@example.test',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 Boîte inconnue',
        `--${boundary}`,
        'Content-Type: text/rfc822-headers',
        '',
        `From: ${mailbox.address}`,
        'To: paul.roux@example.test',
        `Message-ID: ${ack.message_id}`,
        'Subject: Accusé de réception',
        `--${boundary}--`,
        '',
      ].join('\r\n');
      await server.deliver(mailbox.address, bounce, { envelopeFrom: '' });
      await server.deliver(mailbox.address, mail({ subject: 'Message sans expéditeur d’enveloppe' }), { envelopeFrom: '' });
      await server.deliver(mailbox.address, mail({ subject: 'Absence de réponse à ma demande du 12 mars' }));

      const report = await pollMailbox(t.ctx, mailbox);
      assert.deepEqual(report, { fetched: 11, created: 1, threaded: 0, ignored: 8, flagged: 2, rejected: 0 });
      const inbound = await inboundOf(mailbox);
      for (const row of inbound.filter((r) => r.outcome === 'ignored' || r.outcome === 'flagged')) {
        assert.ok(row.reason && row.reason.length > 10, `raison en français pour « ${row.subject} »`);
        assert.equal(row.outcome === 'flagged' ? true : row.case_id === null, true);
      }
      assert.match(inbound.find((r) => r.subject === 'Lettre d’information')?.reason ?? '', /Liste de diffusion/);
      assert.match(inbound.find((r) => r.subject?.startsWith('Réponse automatique'))?.reason ?? '', /Auto-Submitted/);
      const flaggedBounce = inbound.find((r) => r.subject === 'Undelivered Mail Returned to Sender');
      assert.equal(flaggedBounce?.outcome, 'flagged');
      assert.equal(flaggedBounce?.case_id, origin.id);
      assert.match(flaggedBounce?.reason ?? '', /5\.1\.1/);
      assert.equal(inbound.find((r) => r.subject === 'Message sans expéditeur d’enveloppe')?.outcome, 'flagged');
      // « Absence de réponse… » est une vraie demande, pas un message d'absence.
      assert.deepEqual(
        (await casesOf(mailbox)).map((r) => r.subject),
        ['Carte grise', 'Absence de réponse à ma demande du 12 mars'],
      );

      const failedAck = await t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('id', '=', ack.id)
        .executeTakeFirstOrThrow();
      assert.equal(failedAck.status, 'failed');
      assert.match(failedAck.last_error ?? '', /550 5\.1\.1 Boîte inconnue/);
      const events = await listCaseEvents(t.ctx.db, origin.id);
      assert.ok(
        events.some(
          (e) => e.type === 'mail_bounced' && !e.summary.includes('@') && (e.data_json ?? '').includes('paul.roux@example.test'),
        ),
      );
    });

    it('une réponse du demandeur rejoint son dossier par In-Reply-To ou par la référence dans l’objet, sans nouvel accusé', async () => {
      const mailbox = await newMailbox();
      const original = '<demande-initiale@usager.example.test>';
      await server.deliver(mailbox.address, mail({ subject: 'Titre de séjour', messageId: original }));
      await pollMailbox(t.ctx, mailbox);
      const [row] = await casesOf(mailbox);
      assert.ok(row);
      const [ack] = await acknowledgmentsOf([row.id]);
      assert.ok(ack);

      // Réponse à l'accusé (In-Reply-To : son Message-ID), avec une pièce jointe PDF.
      const boundary = 'reponse-1';
      const pdf = Buffer.from('%PDF-1.4\n% justificatif\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
      await server.deliver(
        mailbox.address,
        mail({
          subject: `Re: ${ack.subject}`,
          headers: [`In-Reply-To: ${ack.message_id}`, `References: ${original} ${ack.message_id}`],
          contentType: `multipart/mixed; boundary="${boundary}"`,
          body: [
            `--${boundary}`,
            'Content-Type: text/plain; charset=utf-8',
            '',
            'Voici le justificatif demandé.',
            `--${boundary}`,
            'Content-Type: application/pdf; name="justificatif.pdf"',
            'Content-Disposition: attachment; filename="justificatif.pdf"',
            'Content-Transfer-Encoding: base64',
            '',
            base64Lines(pdf),
            `--${boundary}--`,
          ].join('\r\n'),
        }),
      );
      // Nouveau message sans en-tête de fil mais avec la référence du dossier dans l'objet.
      await server.deliver(
        mailbox.address,
        mail({ subject: `Complément au dossier ${row.reference}`, body: 'J’ajoute une précision.' }),
      );
      // Une référence inconnue dans l'objet ne rattache à rien : nouveau dossier.
      await server.deliver(mailbox.address, mail({ subject: 'Dossier 2019-99999', body: 'Ancienne référence.' }));

      const report = await pollMailbox(t.ctx, mailbox);
      assert.equal(report.threaded, 2);
      assert.equal(report.created, 1);
      assert.equal((await casesOf(mailbox)).length, 2);
      assert.equal((await acknowledgmentsOf([row.id])).length, 1, 'pas d’accusé pour une réponse rattachée');

      const events = await listCaseEvents(t.ctx.db, row.id);
      const replies = events.filter((e) => e.type === 'requester_reply');
      assert.equal(replies.length, 2);
      const byHeaders = replies.find((e) => JSON.parse(e.data_json ?? '{}').via === 'en-têtes de réponse');
      assert.match(byHeaders?.data_json ?? '', /Voici le justificatif demandé/);
      assert.doesNotMatch(byHeaders?.summary ?? '', /justificatif|@/);
      const bySubject = replies.find((e) => e !== byHeaders);
      assert.equal(JSON.parse(bySubject?.data_json ?? '{}').text, 'J’ajoute une précision.');
      assert.match(JSON.parse(bySubject?.data_json ?? '{}').via, new RegExp(`référence ${row.reference}`));
      const attachments = await listAttachments(t.ctx.db, row.id);
      assert.deepEqual(
        attachments.map((a) => [a.filename, a.content_type]),
        [['justificatif.pdf', 'application/pdf']],
      );
      const inbound = await inboundOf(mailbox);
      assert.deepEqual(
        inbound.map((r) => r.outcome),
        ['case_created', 'threaded', 'threaded', 'case_created'],
      );
    });

    it('une réponse arrivée dans le même passage que la demande rejoint le dossier créé juste avant', async () => {
      const mailbox = await newMailbox();
      const original = `<meme-lot-${crypto.randomUUID()}@usager.example.test>`;
      await server.deliver(mailbox.address, mail({ subject: 'Carte de séjour', messageId: original }));
      await server.deliver(
        mailbox.address,
        mail({
          subject: 'Re: Carte de séjour',
          headers: [`In-Reply-To: ${original}`],
          body: 'J’oubliais : mon dossier est en ligne.',
        }),
      );
      const report = await pollMailbox(t.ctx, mailbox);
      assert.equal(report.created, 1);
      assert.equal(report.threaded, 1);
      const [row] = await casesOf(mailbox);
      assert.ok(row);
      const inbound = await inboundOf(mailbox);
      assert.deepEqual(
        inbound.map((r) => [r.outcome, r.case_id]),
        [
          ['case_created', row.id],
          ['threaded', row.id],
        ],
      );
      const replies = (await listCaseEvents(t.ctx.db, row.id)).filter((e) => e.type === 'requester_reply');
      assert.equal(replies.length, 1);
      assert.match(replies[0]?.data_json ?? '', /mon dossier est en ligne/);
      assert.equal((await acknowledgmentsOf([row.id])).length, 1, 'un seul accusé, pour la demande');
    });

    it('un message en échec imprévu est rejeté seul : les autres messages de son lot sont gardés', async () => {
      const mailbox = await newMailbox();
      // Une vraie erreur de la base, levée à l'écriture d'un seul message du lot (déclencheur de test).
      if (engine === 'sqlite')
        await sql`create trigger panne_imprevue before insert on inbound_messages
          when new.subject = 'Panne imprévue' and new.outcome = 'case_created'
          begin select raise(abort, 'panne imprévue de la base'); end`.execute(t.ctx.db);
      else {
        await sql`create function panne_imprevue() returns trigger language plpgsql as $$
          begin
            if new.subject = 'Panne imprévue' and new.outcome = 'case_created' then
              raise exception 'panne imprévue de la base';
            end if;
            return new;
          end $$`.execute(t.ctx.db);
        await sql`create trigger panne_imprevue before insert on inbound_messages
          for each row execute function panne_imprevue()`.execute(t.ctx.db);
      }
      try {
        await server.deliver(mailbox.address, mail({ subject: 'Lot 1' }));
        await server.deliver(mailbox.address, mail({ subject: 'Panne imprévue' }));
        await server.deliver(mailbox.address, mail({ subject: 'Lot 3' }));
        // Date interne hors du calendrier pris en charge : refusée à la préparation, sans rien écrire.
        await server.append(mailbox.address, 'INBOX', [
          { raw: mail({ subject: 'Archive de 1995' }), internalDate: new Date('1995-06-01T08:00:00Z') },
        ]);
        await server.deliver(mailbox.address, mail({ subject: 'Lot 5' }));
        const report = await pollMailbox(t.ctx, mailbox);
        assert.deepEqual(report, { fetched: 5, created: 3, threaded: 0, ignored: 0, flagged: 0, rejected: 2 });
      } finally {
        if (engine === 'sqlite') await sql`drop trigger panne_imprevue`.execute(t.ctx.db);
        else {
          await sql`drop trigger panne_imprevue on inbound_messages`.execute(t.ctx.db);
          await sql`drop function panne_imprevue()`.execute(t.ctx.db);
        }
      }
      const rows = await casesOf(mailbox);
      assert.deepEqual(
        rows.map((r) => r.subject),
        ['Lot 1', 'Lot 3', 'Lot 5'],
      );
      assert.equal((await acknowledgmentsOf(rows.map((r) => r.id))).length, 3);
      const orphans = await t.ctx.db
        .selectFrom('cases')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('subject', 'in', ['Panne imprévue', 'Archive de 1995'])
        .execute();
      assert.equal(orphans.length, 0, 'aucun dossier à moitié écrit pour les messages rejetés');
      const inbound = await inboundOf(mailbox);
      assert.deepEqual(
        inbound.map((r) => [r.subject, r.outcome]),
        [
          ['Lot 1', 'case_created'],
          ['Panne imprévue', 'rejected'],
          ['Lot 3', 'case_created'],
          ['Archive de 1995', 'rejected'],
          ['Lot 5', 'case_created'],
        ],
      );
      assert.match(inbound[1]?.reason ?? '', /Traitement impossible : .*panne imprévue de la base/);
      assert.match(inbound[3]?.reason ?? '', /Traitement impossible : .*1995/);
      assert.equal((await findMailboxById(t.ctx.db, mailbox.id))?.last_uid, inbound[4]?.uid);
      // Rien n'est repris au passage suivant : les rejets restent sur le serveur, avec leur raison.
      assert.equal((await pollMailbox(t.ctx, mailbox)).fetched, 0);
    });

    it('une organisation ne rattache jamais un message au dossier d’une autre', async () => {
      const mine = await newMailbox();
      await server.deliver(mine.address, mail({ subject: 'Permis de conduire', messageId: '<org-a@usager.example.test>' }));
      await pollMailbox(t.ctx, mine);
      const [row] = await casesOf(mine);
      assert.ok(row);
      const [ack] = await acknowledgmentsOf([row.id]);
      assert.ok(ack);

      const theirs = await newMailbox({ organisation: 'other' });
      await server.deliver(
        theirs.address,
        mail({ subject: `Re: dossier ${row.reference}`, headers: [`In-Reply-To: ${ack.message_id}`] }),
      );
      const report = await pollMailbox(t.ctx, theirs);
      assert.equal(report.threaded, 0);
      assert.equal(report.created, 1);
      const [created] = await casesOf(theirs);
      assert.equal(created?.organisation_id, otherOrganisationId);
      assert.equal(created?.service_id, otherServiceId);
      assert.equal((await listCaseEvents(t.ctx.db, row.id)).filter((e) => e.type === 'requester_reply').length, 0);
    });

    it('mauvaises entrées : MIME mal formé rejeté, charset inconnu, sans From, HTML avec script, objet encodé', async () => {
      const mailbox = await newMailbox();
      // Multipart sans délimiteur : illisible, rejeté avec sa raison, laissé sur le serveur.
      await server.deliver(
        mailbox.address,
        mail({
          subject: 'Structure cassée',
          contentType: 'multipart/mixed',
          body: '--abc\r\nContent-Type: text/plain\r\n\r\nperdu ?\r\n--abc--',
        }),
      );
      // Jeu de caractères inconnu, texte en Windows-1252 (octets 0xE9…).
      await server.deliver(
        mailbox.address,
        Buffer.concat([
          Buffer.from(mail({ subject: 'Charset inconnu', contentType: 'text/plain; charset=x-inconnu', body: '' }).trimEnd()),
          Buffer.from('\r\n\r\nR\xe9clamation : d\xe9lai trop long \xe0 l\x92accueil.\r\n', 'latin1'),
        ]),
      );
      // Pas de From : dossier sans demandeur, pas d'accusé.
      await server.deliver(mailbox.address, mail({ from: null, subject: 'Sans expéditeur', body: 'Qui suis-je ?' }));
      // HTML seul avec script : le script n'est jamais stocké.
      await server.deliver(
        mailbox.address,
        mail({
          subject: 'HTML piégé',
          contentType: 'text/html; charset=utf-8',
          body: '<html><head><title>t</title><script>alert("vigie-script")</script></head><body><p>Bonjour&nbsp;madame,</p><p onclick="alert(1)">Ma demande &amp; <b>ma question</b> &lt;urgente&gt;</p><img src=x onerror="alert(2)"><script>document.cookie</script></body></html>',
        }),
      );
      // Objet encodé (RFC 2047) en UTF-8.
      await server.deliver(
        mailbox.address,
        mail({ subject: '=?utf-8?B?w4l0w6kgw6AgbGEgcHLDqWZlY3R1cmUgOiBkZW1hbmRlIGTigJlhY3Rl?=' }),
      );
      // En-têtes illisibles.
      await server.deliver(mailbox.address, '\x00\x01 pas un message\r\nni un en-tête\r\n\r\ncorps\r\n');

      const report = await pollMailbox(t.ctx, mailbox);
      assert.equal(report.error, undefined);
      assert.equal(report.fetched, 6);
      assert.equal(report.rejected, 2);
      assert.equal(report.created, 4);

      const inbound = await inboundOf(mailbox);
      const broken = inbound.find((r) => r.subject === 'Structure cassée');
      assert.equal(broken?.outcome, 'rejected');
      assert.match(broken?.reason ?? '', /boundary/);
      assert.match(
        inbound.find((r) => r.outcome === 'rejected' && r.subject !== 'Structure cassée')?.reason ?? '',
        /aucun en-tête/,
      );
      assert.equal((await server.messages(mailbox.address)).length, 6, 'les messages restent sur le serveur IMAP');
      const rejectedAudit = await t.ctx.db
        .selectFrom('audit_events')
        .select('summary')
        .where('entity_id', '=', mailbox.id)
        .where('action', '=', 'mail.inbound_rejected')
        .execute();
      assert.equal(rejectedAudit.length, 2);

      const rows = await casesOf(mailbox);
      const charset = rows.find((r) => r.subject === 'Charset inconnu');
      assert.equal(charset?.body, 'Réclamation : délai trop long à l’accueil.');
      const charsetEvents = await listCaseEvents(t.ctx.db, charset?.id ?? '');
      assert.ok(charsetEvents.some((e) => e.summary.includes('Jeu de caractères inconnu « x-inconnu »')));

      const anonymous = rows.find((r) => r.subject === 'Sans expéditeur');
      assert.ok(anonymous);
      assert.equal(anonymous.requester_email, null);
      assert.equal(anonymous.requester_name, null);
      assert.equal((await acknowledgmentsOf([anonymous.id])).length, 0);
      const anonymousEvents = await listCaseEvents(t.ctx.db, anonymous.id);
      assert.ok(anonymousEvents.some((e) => e.type === 'acknowledgment_not_sent' && /sans expéditeur/i.test(e.summary)));

      const htmlCase = rows.find((r) => r.subject === 'HTML piégé');
      assert.ok(htmlCase?.body);
      assert.doesNotMatch(htmlCase.body, /script|alert|cookie|onclick|onerror|<\/?(p|b|img|html|head|title|body)\b/i);
      assert.match(htmlCase.body, /Bonjour\u00a0madame,\n+Ma demande & ma question <urgente>/);
      const stored = JSON.stringify(
        await t.ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', htmlCase.id).execute(),
      );
      assert.doesNotMatch(stored, /vigie-script|document\.cookie/);

      assert.ok(rows.some((r) => r.subject === 'Été à la préfecture : demande d’acte'));
    });

    it('pièces jointes : PDF gardé, 30 Mo et type non accepté refusés mais notés dans l’historique', async () => {
      const mailbox = await newMailbox();
      const boundary = 'pieces-1';
      const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
      const huge = Buffer.alloc(30 * 1024 * 1024, 0x41);
      huge.write('%PDF-1.7\n', 0, 'latin1');
      const part = (name: string, type: string, bytes: Buffer) =>
        [
          `--${boundary}`,
          `Content-Type: ${type}; name="${name}"`,
          `Content-Disposition: attachment; filename="${name}"`,
          'Content-Transfer-Encoding: base64',
          '',
          base64Lines(bytes),
        ].join('\r\n');
      await server.deliver(
        mailbox.address,
        mail({
          subject: 'Pièces de mon dossier',
          contentType: `multipart/mixed; boundary="${boundary}"`,
          body: [
            `--${boundary}`,
            'Content-Type: text/plain; charset=utf-8',
            '',
            'Ci-joint mes pièces.',
            part('avis.pdf', 'application/pdf', pdf),
            part('scan-enorme.pdf', 'application/pdf', huge),
            part('outil.exe', 'application/octet-stream', Buffer.from('MZ\x90\x00binaire', 'latin1')),
            `--${boundary}--`,
          ].join('\r\n'),
        }),
      );
      const report = await pollMailbox(t.ctx, mailbox);
      assert.equal(report.created, 1);
      const [row] = await casesOf(mailbox);
      assert.ok(row);
      assert.equal(row.body, 'Ci-joint mes pièces.');
      const attachments = await listAttachments(t.ctx.db, row.id);
      assert.deepEqual(
        attachments.map((a) => [a.filename, a.content_type, Number(a.size)]),
        [['avis.pdf', 'application/pdf', pdf.length]],
      );
      const refused = (await listCaseEvents(t.ctx.db, row.id)).filter((e) => e.type === 'attachment_refused');
      assert.equal(refused.length, 2);
      const tooLarge = refused.find((e) => e.summary.includes('scan-enorme.pdf'));
      assert.match(tooLarge?.summary ?? '', /scan-enorme\.pdf \(30\sMo\) — trop volumineuse/);
      assert.equal(JSON.parse(tooLarge?.data_json ?? '{}').size, huge.length);
      assert.match(refused.find((e) => e.summary.includes('outil.exe'))?.summary ?? '', /type non accepté/);
    });
  });
}

describe('relève interrompue par un arrêt brutal (SQLite fichier, processus tué)', { skip }, () => {
  let server: TestMailServer;
  let t: TestContext;

  before(async () => {
    server = await startTestMailServer();
    t = await createTestContext('sqlite');
  });

  after(async () => {
    await t?.close();
    await server?.stop();
  });

  it('un processus tué (SIGKILL) au milieu d’un lot, puis une relève : exactement N dossiers, références uniques', async () => {
    const organisationId = (
      await createOrganisation(
        t.ctx,
        { slug: 'seine-maritime', name: 'Préfecture de la Seine-Maritime', department: '76' },
        CLI_ACTOR,
      )
    ).id;
    const serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
    const address = `pref-reprise@${TEST_MAIL_DOMAIN}`;
    const id = crypto.randomUUID();
    const now = t.ctx.clock.now().toISOString();
    await insertMailbox(t.ctx.db, {
      id,
      organisation_id: organisationId,
      service_id: serviceId,
      label: 'Boîte de reprise',
      address,
      display_name: 'Préfecture de la Seine-Maritime',
      imap_host: server.host,
      imap_port: server.imapPort,
      imap_tls: 0,
      imap_user: address,
      imap_folder: 'INBOX',
      imap_password_encrypted: sealSecret(t.ctx.config.secretKey, TEST_MAIL_PASSWORD),
      poll_interval_seconds: 60,
      smtp_tls: 0,
      intake_enabled: 1,
      last_uid: 0,
      created_at: now,
      updated_at: now,
    });
    const total = 300;
    const messageIds = Array.from({ length: total }, (_, i) => `<reprise-${i}@usager.example.test>`);
    await server.append(
      address,
      'INBOX',
      messageIds.map((messageId, i) => ({
        raw: mail({ messageId, subject: `Demande ${i}`, from: `Usager ${i} <usager${i}@example.test>` }),
        internalDate: new Date('2026-04-02T07:00:00.000Z'),
      })),
    );

    const countCases = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('cases')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('organisation_id', '=', organisationId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const child = spawn(process.execPath, [CHILD_SCRIPT, t.database.url, id, now], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let atKill = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      atKill = await countCases();
      if (atKill >= 5) {
        child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const end = await exited;
    assert.equal(end.signal, 'SIGKILL', `le processus devait être tué en cours de relève (${stderr})`);
    const afterKill = await countCases();
    assert.ok(afterKill >= 5 && afterKill < total, `arrêt au milieu du lot : ${afterKill} dossiers sur ${total}`);

    const mailbox = await findMailboxById(t.ctx.db, id);
    assert.ok(mailbox);
    const report = await pollMailbox(t.ctx, mailbox);
    assert.equal(report.error, undefined);
    assert.equal(report.created, total - afterKill);

    assert.equal(await countCases(), total);
    const references = await t.ctx.db
      .selectFrom('cases')
      .select('reference')
      .where('organisation_id', '=', organisationId)
      .execute();
    assert.equal(new Set(references.map((r) => r.reference)).size, total, 'références uniques');
    const inbound = await t.ctx.db
      .selectFrom('inbound_messages')
      .select(['message_id', 'outcome'])
      .where('mailbox_id', '=', id)
      .execute();
    assert.deepEqual(inbound.map((r) => r.message_id).sort(), [...messageIds].sort());
    assert.ok(inbound.every((r) => r.outcome === 'case_created'));
    const acks = await t.ctx.db
      .selectFrom('outgoing_mails')
      .select((eb) => eb.fn.count<number>('case_id').distinct().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('purpose', '=', 'acknowledgment')
      .executeTakeFirstOrThrow();
    assert.equal(Number(acks.n), total, 'un accusé par dossier, aucun en double');
    assert.equal((await findMailboxById(t.ctx.db, id))?.last_uid, total);
  });
});
