import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import {
  mailServerSkipReason,
  startTestMailServer,
  TEST_MAIL_DOMAIN,
  TEST_MAIL_PASSWORD,
  type TestMailServer,
} from '../../../test/helpers/mail-server.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { listCaseEvents } from '../cases/case.repository.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { ImapReadError, MailboxReader } from './imap-reader.ts';
import { pollMailbox } from './intake.service.ts';
import type { TriagedMessage } from './intake-triage.ts';
import { findMailboxById, insertMailbox } from './mailbox.repository.ts';
import { sealSecret } from './secret-box.ts';

const skip = mailServerSkipReason();

function raw(subject: string, options: { headers?: string[]; attachment?: Buffer } = {}): string {
  const head = [
    'From: Jeanne Martin <jeanne.martin@example.test>',
    ...(options.headers ?? []),
    `Subject: ${subject}`,
    `Message-ID: <${crypto.randomUUID()}@usager.example.test>`,
    'MIME-Version: 1.0',
  ];
  if (!options.attachment)
    return [...head, 'Content-Type: text/plain; charset=utf-8', '', `Question : ${subject}`, ''].join('\r\n');
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="m"',
    '',
    '--m',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Question : ${subject}`,
    '--m',
    'Content-Type: application/pdf; name="piece.pdf"',
    'Content-Disposition: attachment; filename="piece.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    options.attachment.toString('base64'),
    '--m--',
    '',
  ].join('\r\n');
}

async function readAll(reader: MailboxReader, address: string): Promise<TriagedMessage[]> {
  const all: TriagedMessage[] = [];
  for await (const batch of reader.batches({
    cursor: 0,
    batchMessages: 2,
    batchBytes: 1024 * 1024,
    mailbox: { address, serviceId: 'service' },
    now: '2026-04-02T07:30:00.000Z',
  }))
    all.push(...batch);
  return all;
}

describe('fil de lecture de la relève', { skip }, () => {
  let server: TestMailServer;

  before(async () => {
    server = await startTestMailServer();
  });

  after(async () => {
    await server?.stop();
  });

  const connection = (address: string, password = TEST_MAIL_PASSWORD) => ({
    host: server.host,
    port: server.imapPort,
    secure: false,
    user: address,
    password,
    folder: 'INBOX',
  });

  it('deux relèves en même temps dans le même fil : chacune ses messages, lus, analysés et triés', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const a = `lecteur-a@${TEST_MAIL_DOMAIN}`;
    const b = `lecteur-b@${TEST_MAIL_DOMAIN}`;
    for (let i = 0; i < 5; i++) await server.deliver(a, raw(`A${i}`));
    await server.deliver(b, raw('B0', { attachment: pdf }));
    await server.deliver(b, raw('B1', { headers: ['Auto-Submitted: auto-replied'] }));
    const [readerA, readerB] = await Promise.all([MailboxReader.open(connection(a)), MailboxReader.open(connection(b))]);
    assert.ok(readerA && readerB);
    assert.equal(readerA.folder.exists, 5);
    const [fromA, fromB] = await Promise.all([readAll(readerA, a), readAll(readerB, b)]);
    await Promise.all([readerA.close({ logout: true }), readerB.close({ logout: true })]);

    assert.deepEqual(
      fromA.map((m) => m.subject),
      ['A0', 'A1', 'A2', 'A3', 'A4'],
    );
    assert.ok(fromA.every((m, i) => m.uid === i + 1 && m.verdict.outcome === 'accept' && m.intake?.ok));
    const [withPdf, daemon] = fromB;
    assert.ok(withPdf && daemon);
    assert.equal(withPdf.attachments[0]?.filename, 'piece.pdf');
    assert.ok(Buffer.isBuffer(withPdf.attachments[0]?.bytes));
    assert.deepEqual(withPdf.attachments[0]?.bytes, pdf);
    assert.equal(withPdf.intake?.ok && withPdf.intake.data.subject, 'B0');
    assert.equal(daemon.verdict.outcome, 'ignored', 'message automatique trié dans le fil de lecture');
    assert.equal(daemon.intake, null);
  });

  it('une première tranche plus petite, puis des tranches pleines, sans rien sauter ni répéter', async () => {
    const address = `lecteur-d@${TEST_MAIL_DOMAIN}`;
    for (let i = 0; i < 7; i++) await server.deliver(address, raw(`D${i}`));
    const reader = await MailboxReader.open(connection(address));
    const sizes: number[] = [];
    const subjects: (string | null)[] = [];
    try {
      for await (const batch of reader.batches({
        cursor: 0,
        firstBatchMessages: 1,
        batchMessages: 3,
        batchBytes: 1024 * 1024,
        mailbox: { address, serviceId: 'service' },
        now: '2026-04-02T07:30:00.000Z',
      })) {
        sizes.push(batch.length);
        subjects.push(...batch.map((m) => m.subject));
      }
    } finally {
      await reader.close({ logout: true });
    }
    assert.deepEqual(sizes, [1, 3, 3]);
    assert.deepEqual(subjects, ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6']);
  });

  it('mot de passe refusé : une erreur avec les champs d’imapflow, pour une raison en français', async () => {
    await assert.rejects(
      MailboxReader.open(connection(`lecteur-c@${TEST_MAIL_DOMAIN}`, 'mauvais')),
      (error: unknown) => error instanceof ImapReadError && error.authenticationFailed === true,
    );
  });
});

for (const engine of testEngines()) {
  describe(`historique et audit d’un courriel relevé (${engine})`, { skip }, () => {
    let server: TestMailServer;
    let t: TestContext;

    before(async () => {
      server = await startTestMailServer();
      t = await createTestContext(engine);
      t.clock.set('2026-04-02T07:30:00.000Z');
    });

    after(async () => {
      await t?.close();
      await server?.stop();
    });

    it('une ligne d’historique pour la réception, une pour l’accusé, un seul audit qui dit tout', async () => {
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      const serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      const address = `pref-historique-${engine}@${TEST_MAIL_DOMAIN}`;
      const id = crypto.randomUUID();
      const now = t.ctx.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id,
        organisation_id: organisationId,
        service_id: serviceId,
        label: 'Boîte',
        address,
        display_name: 'Préfecture de l’Allier',
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
      await server.deliver(address, raw('Horaires'));
      const mailbox = await findMailboxById(t.ctx.db, id);
      assert.ok(mailbox);
      const report = await pollMailbox(t.ctx, mailbox);
      assert.equal(report.created, 1);

      const row = await t.ctx.db
        .selectFrom('cases')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .executeTakeFirstOrThrow();
      const outgoing = await t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('case_id', '=', row.id)
        .executeTakeFirstOrThrow();
      // Reçu, relevé et accusé mis en file : une seule ligne d'historique, sans adresse dans le résumé.
      const events = await listCaseEvents(t.ctx.db, row.id);
      assert.deepEqual(
        events.map((e) => e.type),
        ['mail_received'],
      );
      const received = events[0];
      assert.match(
        received?.summary ?? '',
        new RegExp(
          `reçue par courriel le ${row.received_local_date}, échéance le ${row.due_date} ; courriel relevé dans ${address.replaceAll('.', '\\.')} ; accusé de réception mis en file pour le demandeur \\(modèle « [^»]+ »\\)$`,
        ),
      );
      const data = JSON.parse(received?.data_json ?? '{}');
      assert.equal(data.uid, 1);
      assert.equal(data.acknowledgment.outgoingMailId, outgoing.id);
      assert.equal(data.acknowledgment.messageId, outgoing.message_id);
      assert.equal(data.acknowledgment.to, outgoing.to_address);
      const audits = await t.ctx.db.selectFrom('audit_events').selectAll().where('entity_id', '=', row.id).execute();
      assert.equal(audits.length, 1);
      const [audit] = audits;
      assert.equal(audit?.action, 'case.created');
      assert.equal(audit?.actor_label, `Relève de ${address}`);
      assert.match(
        audit?.summary ?? '',
        new RegExp(`Dossier ${row.reference} enregistré depuis un courriel .*accusé de réception mis en file`),
      );
      const after = JSON.parse(audit?.after_json ?? '{}');
      assert.equal(after.reference, row.reference);
      assert.equal(after.dueDate, row.due_date);
      assert.equal(after.uid, 1);
      assert.match(after.messageId, /@usager\.example\.test>$/);
      assert.equal(after.acknowledgment.outgoingMailId, outgoing.id);
    });
  });
}
