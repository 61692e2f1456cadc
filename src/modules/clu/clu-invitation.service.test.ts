import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { mailServerSkipReason, startTestMailServer, type TestMailServer } from '../../../test/helpers/mail-server.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { insertMailbox } from '../mail/mailbox.repository.ts';
import { flushOutbox } from '../mail/outbox.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { sendInvitations } from './clu-invitation.service.ts';
import { createMeeting } from './clu-meeting.service.ts';
import { createMember, createMemberOrganisation } from './clu-member.service.ts';

/** DTSTART d'un fichier iCalendar en UTC (`AAAAMMJJTHHMMSSZ`) relu en instant. */
function dtstart(ics: string): Date {
  const match = /\r\nDTSTART:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\r\n/.exec(ics);
  assert.ok(match, 'DTSTART en UTC');
  const [, y, mo, d, h, mi, s] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

for (const engine of testEngines()) {
  describe(`invitation au CLU remise par un vrai serveur de courrier (${engine})`, { skip: mailServerSkipReason() }, () => {
    let t: TestContext;
    let server: TestMailServer;
    before(async () => {
      server = await startTestMailServer();
      t = await createTestContext(engine);
    });
    after(async () => {
      await t.close();
      await server.stop();
    });

    it('le membre reçoit le courriel et son .ics, dont DTSTART relu est l’heure locale de La Réunion convertie en UTC', async () => {
      t.clock.set('2026-04-02T06:00:00.000Z');
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'reunion', name: 'Préfecture de La Réunion', department: '974' }, CLI_ACTOR)
      ).id;
      const service = await addService(t.ctx, organisationId, { name: 'Mission performance' }, CLI_ACTOR);
      const now = t.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id: `boite-${engine}`,
        organisation_id: organisationId,
        service_id: service.id,
        label: 'Qualité',
        address: `${engine}-qualite@example.test`,
        display_name: 'Préfecture de La Réunion',
        smtp_host: server.host,
        smtp_port: server.smtpPort,
        smtp_tls: 0,
        imap_tls: 0,
        imap_folder: 'INBOX',
        poll_interval_seconds: 60,
        intake_enabled: 0,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      });
      const org = await createMemberOrganisation(
        t.ctx,
        organisationId,
        { name: 'UFC Que Choisir', category: 'consumers_association' },
        CLI_ACTOR,
      );
      const recipient = `${engine}-membre@example.test`;
      const member = await createMember(
        t.ctx,
        organisationId,
        { memberOrganisationId: org, civility: 'M.', firstName: 'Luc', lastName: 'Maillard', email: recipient },
        CLI_ACTOR,
      );
      const meetingId = await createMeeting(
        t.ctx,
        organisationId,
        {
          date: '2026-06-30',
          time: '09:30',
          durationMinutes: '120',
          place: 'Préfecture, Saint-Denis',
          chair: 'Mme la secrétaire générale',
          periodFrom: '2025-01-01',
          periodTo: '2025-12-31',
          agendaCount: '2',
          agendaKey_0: 'indicators',
          agendaTitle_0: 'Résultats des indicateurs qualité',
          agendaKey_1: 'questions',
          agendaTitle_1: 'Questions',
        },
        CLI_ACTOR,
      );
      const report = await sendInvitations(t.ctx, organisationId, meetingId, { memberIds: member }, CLI_ACTOR);
      assert.deepEqual(report, { emailed: 1, alreadySent: 0, byPost: 0, recordedOnly: 0 });
      assert.deepEqual(await flushOutbox(t.ctx), { sent: 1, failed: 0, retried: 0, waiting: 0 });
      const messages = await server.messages(recipient);
      assert.equal(messages.length, 1);
      const parsed = await simpleParser(messages[0]?.source ?? Buffer.alloc(0));
      assert.match(parsed.subject ?? '', /^Invitation : Comité local des usagers — Préfecture de La Réunion, 30 juin 2026$/);
      assert.match(parsed.text ?? '', /^Monsieur,/);
      const calendar = parsed.attachments.find((a) => a.contentType === 'text/calendar');
      assert.ok(calendar, 'pièce jointe text/calendar');
      const ics = calendar.content.toString('utf8');
      assert.match(ics, /\r\nMETHOD:REQUEST\r\n/);
      // 9 h 30 à Saint-Denis (UTC+4) = 5 h 30 UTC.
      assert.equal(dtstart(ics).toISOString(), '2026-06-30T05:30:00.000Z');
      // Un second envoi ne remet rien en file.
      assert.deepEqual(await sendInvitations(t.ctx, organisationId, meetingId, { memberIds: member }, CLI_ACTOR), {
        emailed: 0,
        alreadySent: 1,
        byPost: 0,
        recordedOnly: 0,
      });
      assert.deepEqual(await flushOutbox(t.ctx), { sent: 0, failed: 0, retried: 0, waiting: 0 });
    });
  });
}
