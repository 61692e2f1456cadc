import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { closeCase, createCase } from '../cases/case.service.ts';
import { runRetention } from '../jobs/retention.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { insertMailbox } from './mailbox.repository.ts';
import { enqueueOutgoingMail } from './outbox.service.ts';

const DAY = 86_400_000;

for (const engine of testEngines()) {
  describe(`conservation du courrier (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let caseId: string;

    function inbound(id: string, uid: number, linkedCase: string | null) {
      return t.ctx.db
        .insertInto('inbound_messages')
        .values({
          id,
          organisation_id: organisationId,
          mailbox_id: 'boite-1',
          uid_validity: '1',
          uid,
          message_id: `<${id}@exemple.fr>`,
          from_address: 'camille.martin@exemple.fr',
          subject: 'Mon titre de séjour',
          received_at: t.clock.now().toISOString(),
          outcome: linkedCase ? 'case_created' : 'ignored',
          reason: linkedCase ? null : 'Réponse automatique',
          case_id: linkedCase,
          created_at: t.clock.now().toISOString(),
        })
        .execute();
    }

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR);
      const serviceId = (await listServices(t.ctx.db, organisationId))[0]?.id ?? '';
      const now = t.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id: 'boite-1',
        organisation_id: organisationId,
        service_id: serviceId,
        label: 'Accueil',
        address: 'pref-public@cantal.gouv.fr',
        display_name: 'Préfecture du Cantal',
        imap_tls: 0,
        imap_folder: 'INBOX',
        poll_interval_seconds: 60,
        smtp_tls: 0,
        intake_enabled: 0,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      });
      const row = await createCase(
        t.ctx,
        organisationId,
        {
          kind: 'information_request',
          channel: 'email',
          receivedAt: now,
          requesterName: 'Camille Martin',
          requesterEmail: 'camille.martin@exemple.fr',
          subject: 'Mon titre de séjour',
          themeIds: [],
        },
        CLI_ACTOR,
      );
      caseId = row.id;
      await inbound('lie', 1, caseId);
      await inbound('bruit', 2, null);
      await enqueueOutgoingMail(
        t.ctx.db,
        t.ctx,
        {
          organisationId,
          caseId,
          mailboxId: 'boite-1',
          purpose: 'acknowledgment',
          uniqueKey: `acknowledgment:${caseId}`,
          to: { address: 'camille.martin@exemple.fr', name: 'Camille Martin' },
          subject: 'Accusé de réception',
          bodyText: 'Madame, Monsieur, …',
        },
        'pref-public@cantal.gouv.fr',
      );
      const reminder = await enqueueOutgoingMail(
        t.ctx.db,
        t.ctx,
        {
          organisationId,
          mailboxId: null,
          purpose: 'reminder',
          to: { address: 'agent@cantal.gouv.fr' },
          subject: 'Échéances du jour',
          bodyText: '2 dossiers en retard',
        },
        null,
      );
      await t.ctx.db.updateTable('outgoing_mails').set({ status: 'sent' }).where('id', '=', reminder.id).execute();
      await closeCase(t.ctx, organisationId, caseId, CLI_ACTOR);
    });
    after(async () => {
      await t.close();
    });

    it('garde tout pendant 30 jours', async () => {
      t.clock.advance(29 * DAY);
      await runRetention(t.ctx);
      assert.equal((await t.ctx.db.selectFrom('outgoing_mails').select('id').execute()).length, 2);
      const noise = await t.ctx.db.selectFrom('inbound_messages').selectAll().where('id', '=', 'bruit').executeTakeFirstOrThrow();
      assert.equal(noise.from_address, 'camille.martin@exemple.fr');
    });

    it('au-delà, supprime les récapitulatifs envoyés et efface l’expéditeur des messages sans dossier, garde leur Message-ID', async () => {
      t.clock.advance(2 * DAY);
      const result = await runRetention(t.ctx);
      assert.equal(result.mailPurged, 2);
      const mails = await t.ctx.db.selectFrom('outgoing_mails').selectAll().execute();
      assert.deepEqual(
        mails.map((m) => m.purpose),
        ['acknowledgment'],
      );
      const noise = await t.ctx.db.selectFrom('inbound_messages').selectAll().where('id', '=', 'bruit').executeTakeFirstOrThrow();
      assert.equal(noise.from_address, null);
      assert.equal(noise.subject, null);
      assert.equal(noise.message_id, '<bruit@exemple.fr>');
      // Le courrier d'un dossier suit le dossier : encore là tant que le dossier est conservé.
      const linked = await t.ctx.db.selectFrom('inbound_messages').selectAll().where('id', '=', 'lie').executeTakeFirstOrThrow();
      assert.equal(linked.from_address, 'camille.martin@exemple.fr');
    });

    it('efface le courrier d’un dossier avec les données personnelles du dossier', async () => {
      t.clock.advance((t.ctx.config.casePersonalDataRetentionMonths + 1) * 31 * DAY);
      const result = await runRetention(t.ctx);
      assert.equal(result.casesErased, 1);
      const mail = await t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow();
      assert.equal(mail.to_address, '');
      assert.equal(mail.body_text, '');
      assert.equal(mail.subject, '');
      const linked = await t.ctx.db.selectFrom('inbound_messages').selectAll().where('id', '=', 'lie').executeTakeFirstOrThrow();
      assert.equal(linked.from_address, null);
      assert.equal(linked.subject, null);
    });
  });
}
