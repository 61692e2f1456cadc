import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { runRetention } from '../jobs/retention.ts';
import { createMailbox } from '../mail/mailbox.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { closeCampaign } from './mystery-campaign.service.ts';
import { scheduleCampaignEmails } from './mystery-mail.service.ts';

for (const engine of testEngines()) {
  describe(`clôture d’une campagne mystère (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      await addService(t.ctx, organisationId, { name: 'Cellule performance' }, CLI_ACTOR);
    });
    after(() => t.close());

    it('annule les courriels mystère pas encore partis, garde ceux qui sont partis', async () => {
      const mailboxId = (
        await createMailbox(
          t.ctx,
          organisationId,
          {
            kind: 'mystery',
            label: 'Enquêtes mystère',
            address: 'usager.mystere@example.test',
            displayName: 'Camille Martin',
            smtpHost: 'smtp.example.test',
            smtpPort: '25',
          },
          CLI_ACTOR,
        )
      ).id;
      const now = t.ctx.clock.now().toISOString();
      await t.ctx.db
        .insertInto('mystery_campaigns')
        .values({
          id: 'c1',
          organisation_id: organisationId,
          name: 'Courriels de novembre',
          channels: 'email',
          window_from: '2026-04-06',
          window_to: '2026-04-17',
          status: 'confirmed',
          mystery_mailbox_id: mailboxId,
          findings_json: null,
          confirmed_at: now,
          confirmed_by_name: null,
          closed_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await t.ctx.db
        .insertInto('mystery_targets')
        .values({
          id: 't1',
          campaign_id: 'c1',
          channel: 'email',
          label: 'Accueil',
          service_id: null,
          address: 'pref@example.test',
        })
        .execute();
      await t.ctx.db
        .insertInto('mystery_scenarios')
        .values({
          id: 's1',
          organisation_id: organisationId,
          channel: 'email',
          label: 'Horaires',
          subject: 'Horaires du guichet',
          body: 'Bonjour, quels sont vos horaires ?',
          service_id: null,
          archived_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      for (const [id, rank, date] of [
        ['k1', 1, '2026-04-06'],
        ['k2', 2, '2026-04-16'],
      ] as const) {
        await t.ctx.db
          .insertInto('mystery_contacts')
          .values({
            id,
            campaign_id: 'c1',
            rank,
            channel: 'email',
            date,
            half_day: 'am',
            target_id: 't1',
            evaluator_id: null,
            scenario_id: 's1',
            status: 'planned',
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      await t.ctx.db.transaction().execute((trx) => scheduleCampaignEmails(trx, t.ctx, 'c1'));
      const contacts = await t.ctx.db.selectFrom('mystery_contacts').selectAll().orderBy('rank').execute();
      const [first, second] = contacts;
      assert.ok(first?.outgoing_mail_id && second?.outgoing_mail_id);
      // Le premier est parti ; le second attend sa demi-journée.
      await t.ctx.db
        .updateTable('outgoing_mails')
        .set({ status: 'sent', attempts: 1, sent_at: now })
        .where('id', '=', first.outgoing_mail_id)
        .execute();
      await t.ctx.db.updateTable('mystery_contacts').set({ status: 'sent', sent_at: now }).where('id', '=', 'k1').execute();

      const result = await closeCampaign(t.ctx, organisationId, 'c1', CLI_ACTOR);
      assert.deepEqual(result, { cancelledEmails: 1 });
      const mails = await t.ctx.db.selectFrom('outgoing_mails').select(['id', 'status']).execute();
      assert.deepEqual(mails, [{ id: first.outgoing_mail_id, status: 'sent' }]);
      const after = await t.ctx.db.selectFrom('mystery_contacts').select(['id', 'status']).orderBy('rank').execute();
      assert.deepEqual(
        after.map((c) => ({ ...c })),
        [
          { id: 'k1', status: 'sent' },
          { id: 'k2', status: 'cancelled' },
        ],
      );
      const campaign = await t.ctx.db
        .selectFrom('mystery_campaigns')
        .select('status')
        .where('id', '=', 'c1')
        .executeTakeFirstOrThrow();
      assert.equal(campaign.status, 'closed');
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('summary')
        .where('action', '=', 'mystery_campaign.closed')
        .executeTakeFirstOrThrow();
      assert.match(audit.summary ?? '', /1 courriel\(s\) mystère pas encore partis annulés/);
    });
    it('efface le texte et l’expéditeur des messages mystère passé la durée de conservation après la clôture', async () => {
      const now = t.ctx.clock.now().toISOString();
      await t.ctx.db
        .insertInto('mystery_messages')
        .values({
          id: 'm1',
          campaign_id: 'c1',
          contact_id: 'k1',
          direction: 'in',
          kind: 'answer',
          message_id: '<reponse@example.test>',
          from_address: 'agent.nomme@example.test',
          subject: 'RE: Horaires du guichet',
          at: now,
          body_text: 'Bonjour, le guichet est ouvert de 9 h à 16 h. Jeanne Dupont, bureau de l’accueil',
          attachment_count: 0,
          created_at: now,
        })
        .execute();
      t.clock.advance(10 * 86_400_000);
      assert.equal((await runRetention(t.ctx)).mysteryMessagesErased, 0, 'rien avant la fin de la durée');
      t.clock.advance((t.ctx.config.casePersonalDataRetentionMonths * 31 + 1) * 86_400_000);
      assert.equal((await runRetention(t.ctx)).mysteryMessagesErased, 1);
      const row = await t.ctx.db.selectFrom('mystery_messages').selectAll().where('id', '=', 'm1').executeTakeFirstOrThrow();
      assert.equal(row.body_text, null);
      assert.equal(row.from_address, null);
      assert.equal(row.kind, 'answer', 'la sorte et la date restent pour les résultats');
    });
  });
}
