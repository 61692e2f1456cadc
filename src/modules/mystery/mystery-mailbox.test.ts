import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { isAppError } from '../../shared/errors.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { findMailbox, listAllMailboxes, listMailboxes } from '../mail/mailbox.repository.ts';
import { createMailbox } from '../mail/mailbox.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { mysteryCaseMarks, mysteryContactsOfLot, UNMATCHED_MYSTERY_CONTACT } from './mystery-case.ts';
import { checkMysteryMailbox } from './mystery-mail.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`boîte des enquêtes mystère et dossiers mystère (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let functionalId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      await createAccount(t.ctx, { email: 'referent@63.test', role: 'admin', organisationId, password: PASSWORD }, CLI_ACTOR);
      await createAccount(
        t.ctx,
        { email: 'agent@63.test', role: 'agent', organisationId, password: PASSWORD, serviceIds: [serviceId] },
        CLI_ACTOR,
      );
      functionalId = (
        await createMailbox(
          t.ctx,
          organisationId,
          {
            serviceId,
            label: 'Accueil',
            address: 'pref-public@example.test',
            displayName: 'Préfecture',
            smtpHost: 'smtp.example.test',
            smtpPort: '25',
          },
          CLI_ACTOR,
        )
      ).id;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('le référent crée une « Boîte des enquêtes mystère » depuis le formulaire ; l’agent n’y a pas accès', async () => {
      const referent = await signedIn(app, 'referent@63.test', PASSWORD);
      const form = await referent.get('/courrier/boites/nouvelle');
      assert.match(form.body, /Boîte des enquêtes mystère/);
      const csrf = await referent.csrfFrom('/courrier/boites/nouvelle');
      const base = {
        _csrf: csrf,
        label: 'Enquêtes mystère',
        address: 'camille.martin@example.test',
        displayName: 'Camille Martin',
        imapHost: 'imap.example.test',
        imapPort: '143',
        imapUser: 'camille.martin@example.test',
        imapPassword: 'secret-imap',
        smtpHost: 'smtp.example.test',
        smtpPort: '25',
      };
      const refused = await referent.post('/courrier/boites', { ...base, kind: 'secrète' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Type de boîte : choisissez/);
      assert.match(refused.body, /camille\.martin@example\.test/, 'saisie réaffichée');
      // Sans service choisi : une boîte mystère ne crée aucun dossier, elle est rattachée au premier service.
      const created = await referent.post('/courrier/boites', { ...base, kind: 'mystery' });
      assert.equal(created.statusCode, 303);
      const id = String(created.headers.location).split('/').at(-1) ?? '';
      const row = await findMailbox(t.ctx.db, organisationId, id);
      assert.equal(row?.kind, 'mystery');
      assert.match((await referent.get('/courrier/boites')).body, /Enquêtes mystère/);
      assert.match((await referent.get(`/courrier/boites/${id}`)).body, /boîte des enquêtes mystère/);
      // Une boîte fonctionnelle exige toujours son service.
      const noService = await referent.post('/courrier/boites', { ...base, address: 'autre@example.test', kind: 'functional' });
      assert.equal(noService.statusCode, 400);
      assert.match(noService.body, /Service : choisissez un service/);
      // Elle n'écrit jamais aux usagers (réponses, lettres) ; l'administration la voit.
      assert.deepEqual(
        (await listMailboxes(t.ctx.db, organisationId)).map((m) => m.id),
        [functionalId],
      );
      assert.equal((await listAllMailboxes(t.ctx.db, organisationId)).length, 2);
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      assert.equal((await agent.get('/courrier/boites/nouvelle')).statusCode, 403);
      assert.equal((await agent.get(`/courrier/boites/${id}`)).statusCode, 403);
    });

    it('une boîte fonctionnelle, ou d’une autre organisation, n’est pas une boîte mystère : refus en français', async () => {
      for (const [org, id] of [
        [organisationId, functionalId],
        ['autre-organisation', functionalId],
      ] as const) {
        await assert.rejects(checkMysteryMailbox(t.ctx, org, id), (error) => {
          assert.ok(isAppError(error));
          assert.equal(error.code, 'mystery_mailbox_unreachable');
          assert.match(Object.values(error.fields).join(' '), /boîte fonctionnelle|choisissez une boîte/);
          return true;
        });
      }
    });

    it('relève : le dossier porte son contact (Message-ID, sinon objet), « unmatched » sinon ; marque selon le rôle', async () => {
      const mystery = (await listAllMailboxes(t.ctx.db, organisationId)).find((m) => m.kind === 'mystery');
      assert.ok(mystery);
      const now = t.ctx.clock.now().toISOString();
      await t.ctx.db
        .insertInto('mystery_campaigns')
        .values({
          id: 'c1',
          organisation_id: organisationId,
          name: 'Campagne',
          channels: 'email',
          window_from: '2026-04-06',
          window_to: '2026-04-17',
          status: 'confirmed',
          mystery_mailbox_id: mystery.id,
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
          address: 'pref-public@example.test',
        })
        .execute();
      for (const [id, subject] of [
        ['s1', 'Horaires du guichet'],
        ['s2', 'Carte grise'],
      ] as const) {
        await t.ctx.db
          .insertInto('mystery_scenarios')
          .values({
            id,
            organisation_id: organisationId,
            channel: 'email',
            label: subject,
            subject,
            body: 'Bonjour',
            service_id: null,
            archived_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      for (const [id, scenario, messageId] of [
        ['k1', 's1', '<k1@example.test>'],
        ['k2', 's2', '<k2@example.test>'],
      ] as const) {
        await t.ctx.db
          .insertInto('mystery_contacts')
          .values({
            id,
            campaign_id: 'c1',
            rank: id === 'k1' ? 1 : 2,
            channel: 'email',
            date: '2026-04-06',
            half_day: 'am',
            target_id: 't1',
            evaluator_id: null,
            scenario_id: scenario,
            status: 'sent',
            scheduled_at: '2026-04-06T07:30:00.000Z',
            outgoing_mail_id: `o-${id}`,
            sent_message_id: messageId,
            sent_at: '2026-04-06T07:30:00.000Z',
            answers_json: null,
            measured_json: null,
            notes: null,
            completed_at: null,
            completed_by_name: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const at = '2026-04-06T08:00:00.000Z';
      const found = await mysteryContactsOfLot(
        t.ctx.db,
        { organisation_id: organisationId, address: 'pref-public@example.test' },
        [
          { headerMessageId: '<k1@example.test>', from: { address: 'quelquun@example.test' }, subject: 'X', receivedAt: at },
          {
            headerMessageId: '<autre@example.test>',
            from: { address: 'Camille.Martin@example.test' },
            subject: 'Carte grise',
            receivedAt: at,
          },
          { headerMessageId: null, from: { address: 'camille.martin@example.test' }, subject: 'Sans rapport', receivedAt: at },
          {
            headerMessageId: '<usager@example.test>',
            from: { address: 'usager@example.test' },
            subject: 'Carte grise',
            receivedAt: at,
          },
        ],
        {},
      );
      assert.deepEqual(found, ['k1', 'k2', UNMATCHED_MYSTERY_CONTACT, null]);
      const cases = [
        { id: 'd1', mystery_contact_id: 'k1' },
        { id: 'd2', mystery_contact_id: null },
        { id: 'd3', mystery_contact_id: UNMATCHED_MYSTERY_CONTACT },
      ];
      assert.deepEqual([...(await mysteryCaseMarks(t.ctx.db, organisationId, 'admin', cases))], ['d1', 'd3']);
      assert.deepEqual([...(await mysteryCaseMarks(t.ctx.db, organisationId, 'agent', cases))], []);
      await t.ctx.db.updateTable('mystery_campaigns').set({ status: 'closed' }).where('id', '=', 'c1').execute();
      assert.deepEqual([...(await mysteryCaseMarks(t.ctx.db, organisationId, 'agent', cases))], ['d1']);
      // Le contact d'une autre organisation n'est pas lu.
      assert.deepEqual([...(await mysteryCaseMarks(t.ctx.db, 'autre-organisation', 'agent', cases))], []);
    });
  });
}
