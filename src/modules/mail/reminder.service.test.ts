import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { createJobRunner } from '../../app.ts';
import { updateUser } from '../accounts/account.repository.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { updateCase } from '../cases/case.repository.ts';
import { createCase } from '../cases/case.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { REMINDER_JOB, reminderKey, runDailyReminders } from './reminder.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`rappels quotidiens : mise en file (${engine})`, () => {
    let t: TestContext;
    const users: Record<string, string> = {};

    async function reminders() {
      return t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('purpose', '=', 'reminder')
        .orderBy('to_address')
        .orderBy('unique_key')
        .execute();
    }

    before(async () => {
      t = await createTestContext(engine);
      const org = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const accueil = (await addService(t.ctx, org, { name: 'Accueil général' }, CLI_ACTOR)).id;
      const etrangers = (await addService(t.ctx, org, { name: 'Service des étrangers' }, CLI_ACTOR)).id;
      const accounts = [
        ['agent@63.test', 'agent', [accueil]],
        ['desabonne@63.test', 'agent', [accueil]],
        ['desactive@63.test', 'agent', [accueil]],
        ['tranquille@63.test', 'agent', [etrangers]],
        ['referent@63.test', 'admin', []],
        ['auditeur@63.test', 'auditor', []],
      ] as const;
      for (const [email, role, serviceIds] of accounts) {
        users[email] = (
          await createAccount(
            t.ctx,
            { email, role, organisationId: org, password: PASSWORD, serviceIds: [...serviceIds] },
            CLI_ACTOR,
          )
        ).userId;
      }
      await updateUser(t.ctx.db, users['desabonne@63.test'] ?? '', { reminder_digest: 0 });
      await updateUser(t.ctx.db, users['desactive@63.test'] ?? '', { disabled_at: '2026-04-01T00:00:00.000Z' });
      const add = async (orgId: string, serviceId: string, due: string) => {
        const row = await createCase(
          t.ctx,
          orgId,
          { kind: 'information_request', channel: 'email', receivedAt: '2026-04-01', serviceId, subject: `Échéance ${due}` },
          CLI_ACTOR,
        );
        await updateCase(t.ctx.db, orgId, row.id, { due_date: due });
      };
      await add(org, accueil, '2026-04-09'); // en retard
      await add(org, accueil, '2026-04-15'); // aujourd'hui
      await add(org, accueil, '2026-04-17'); // ≤ 2 jours ouvrés
      await add(org, etrangers, '2026-04-30'); // lointain : rien pour le service des étrangers

      // Guadeloupe (UTC−4) : son 7 h tombe à 11 h UTC.
      const guadeloupe = (
        await createOrganisation(t.ctx, { slug: 'guadeloupe', name: 'Préfecture de la Guadeloupe', department: '971' }, CLI_ACTOR)
      ).id;
      const service971 = (await addService(t.ctx, guadeloupe, { name: 'Accueil' }, CLI_ACTOR)).id;
      users['referent@971.test'] = (
        await createAccount(
          t.ctx,
          { email: 'referent@971.test', role: 'admin', organisationId: guadeloupe, password: PASSWORD },
          CLI_ACTOR,
        )
      ).userId;
      await add(guadeloupe, service971, '2026-04-08');
    });
    after(() => t.close());

    it('rien avant 7 h, heure du département', async () => {
      t.clock.set('2026-04-15T04:30:00.000Z'); // 6 h 30 à Clermont-Ferrand
      assert.deepEqual(await runDailyReminders(t.ctx), { organisations: 0, queued: 0, nothingToReport: 0 });
      assert.equal((await reminders()).length, 0);
    });

    it('à 7 h : l’agent reçoit ses services, le référent les retards ; ni les désabonnés, ni les désactivés, ni ceux qui n’ont rien', async () => {
      t.clock.set('2026-04-15T05:30:00.000Z'); // 7 h 30 à Paris, 1 h 30 en Guadeloupe
      const report = await runDailyReminders(t.ctx);
      assert.deepEqual(report, { organisations: 1, queued: 2, nothingToReport: 1 });
      const rows = await reminders();
      assert.deepEqual(
        rows.map((r) => [r.to_address, r.unique_key, r.status, r.mailbox_id, r.case_id]),
        [
          ['agent@63.test', reminderKey(users['agent@63.test'] ?? '', '2026-04-15'), 'pending', null, null],
          ['referent@63.test', reminderKey(users['referent@63.test'] ?? '', '2026-04-15'), 'pending', null, null],
        ],
      );
      const [agentMail, referentMail] = rows;
      assert.equal(agentMail?.subject, 'Vigie : 3 dossiers à suivre dont 1 en retard — 15 avril 2026');
      assert.match(agentMail?.body_text ?? '', /échéance dépassée depuis le 9 avril 2026/);
      assert.match(agentMail?.body_text ?? '', /http:\/\/localhost:3000\/registre\/[0-9a-f-]{36}/);
      assert.equal(referentMail?.subject, 'Vigie : 1 dossier en retard — 15 avril 2026');
    });

    it('jamais deux fois le même jour ; la Guadeloupe reçoit le sien à son 7 h', async () => {
      t.clock.set('2026-04-15T09:00:00.000Z');
      assert.equal((await runDailyReminders(t.ctx)).queued, 0);
      t.clock.set('2026-04-15T11:30:00.000Z'); // 7 h 30 en Guadeloupe
      const report = await runDailyReminders(t.ctx);
      assert.equal(report.queued, 1);
      assert.ok((await reminders()).some((r) => r.to_address === 'referent@971.test' && r.unique_key?.endsWith(':2026-04-15')));
      assert.equal((await reminders()).length, 3);
    });

    it('pas les jours non ouvrés (1er mai, week-end) ; de nouveau le jour ouvré suivant', async () => {
      t.clock.set('2026-05-01T08:00:00.000Z'); // vendredi 1er mai, férié
      assert.equal((await runDailyReminders(t.ctx)).organisations, 0);
      t.clock.set('2026-05-02T08:00:00.000Z'); // samedi
      assert.equal((await runDailyReminders(t.ctx)).organisations, 0);
      t.clock.set('2026-05-04T08:00:00.000Z'); // lundi
      const report = await runDailyReminders(t.ctx);
      // Le dossier des étrangers (échéance 30 avril) est désormais en retard : son agent le reçoit aussi.
      assert.deepEqual(report, { organisations: 1, queued: 3, nothingToReport: 0 });
      assert.ok((await reminders()).some((r) => r.unique_key === reminderKey(users['agent@63.test'] ?? '', '2026-05-04')));
    });

    it('la tâche est enregistrée dans l’exécuteur et planifiée : un passage met les récapitulatifs en file', async () => {
      t.clock.set('2026-05-05T08:00:00.000Z');
      const runner = createJobRunner(t.ctx);
      try {
        const { ran } = await runner.tick();
        assert.ok(ran >= 1);
      } finally {
        await runner.stop();
      }
      const job = await t.ctx.db.selectFrom('jobs').selectAll().where('kind', '=', REMINDER_JOB).executeTakeFirst();
      assert.equal(job?.status, 'done');
      assert.ok((await reminders()).some((r) => r.unique_key === reminderKey(users['agent@63.test'] ?? '', '2026-05-05')));
    });
  });
}
