import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { createJobRunner } from '../../app.ts';
import { updateUser } from '../accounts/account.repository.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { findAction } from './action.repository.ts';
import { changeActionStatus, createAction } from './action.service.ts';
import { ACTION_REMINDER_JOB, actionReminderKey, runActionReminders } from './action-reminder.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`plan d’actions : rappels d’échéance (${engine})`, () => {
    let t: TestContext;
    let org: string;
    const users: Record<string, string> = {};
    const actions: Record<string, string> = {};

    async function mails() {
      const rows = await t.ctx.db
        .selectFrom('outgoing_mails')
        .select(['to_address', 'unique_key', 'subject', 'body_text', 'purpose', 'status'])
        .where('unique_key', 'like', 'action-reminder:%')
        .orderBy('unique_key')
        .execute();
      return rows;
    }

    before(async () => {
      t = await createTestContext(engine);
      org = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const accueil = (await addService(t.ctx, org, { name: 'Accueil général' }, CLI_ACTOR)).id;
      const etrangers = (await addService(t.ctx, org, { name: 'Service des étrangers' }, CLI_ACTOR)).id;
      for (const [email, role, serviceIds] of [
        ['agent@63.test', 'agent', [accueil]],
        ['desabonne@63.test', 'agent', [accueil]],
        ['referent@63.test', 'admin', []],
        ['auditeur@63.test', 'auditor', []],
      ] as const) {
        users[email] = (
          await createAccount(
            t.ctx,
            { email, role, organisationId: org, password: PASSWORD, serviceIds: [...serviceIds] },
            CLI_ACTOR,
          )
        ).userId;
      }
      await updateUser(t.ctx.db, users['desabonne@63.test'] ?? '', { reminder_digest: 0 });
      const add = async (key: string, dueDate: string, serviceIds: string[]) => {
        actions[key] = (
          await createAction(
            t.ctx,
            org,
            { objective: `Objectif ${key}`, description: `Action ${key}`, dueDate, serviceIds, originKind: 'free' },
            CLI_ACTOR,
          )
        ).id;
      };
      // Jeudi 2 avril 2026 : les 5 jours ouvrés suivants sautent le lundi de Pâques (6 avril) → jusqu'au vendredi 10.
      await add('proche', '2026-04-09', [accueil]);
      await add('limite', '2026-04-10', [accueil]);
      await add('lointaine', '2026-04-13', [accueil]);
      await add('retard', '2026-04-02', [etrangers]);
      await add('faite', '2026-04-03', [accueil]);
      await t.ctx.db
        .updateTable('actions')
        .set({ due_date: '2026-03-31' })
        .where('id', '=', actions.retard ?? '')
        .execute();
      await changeActionStatus(
        t.ctx,
        org,
        actions.faite ?? '',
        { status: 'done' },
        { role: 'admin', membershipId: '', actor: CLI_ACTOR },
      );
    });
    after(() => t.close());

    it('rien avant 7 h locales', async () => {
      t.clock.set('2026-04-02T04:30:00.000Z'); // 6 h 30 à Clermont-Ferrand
      assert.deepEqual(await runActionReminders(t.ctx), { organisations: 0, reminded: 0, queued: 0 });
      assert.equal((await mails()).length, 0);
    });

    it('avant l’échéance (5 jours ouvrés) aux agents des services acteurs ; après l’échéance aux référents quand le service n’a aucun agent', async () => {
      t.clock.set('2026-04-02T08:30:00.000Z');
      const report = await runActionReminders(t.ctx);
      assert.deepEqual(report, { organisations: 1, reminded: 3, queued: 3 });
      const rows = await mails();
      assert.deepEqual(
        rows.map((r) => [r.to_address, r.unique_key]).sort(),
        [
          ['agent@63.test', actionReminderKey('before', actions.limite ?? '', users['agent@63.test'] ?? '')],
          ['agent@63.test', actionReminderKey('before', actions.proche ?? '', users['agent@63.test'] ?? '')],
          ['referent@63.test', actionReminderKey('after', actions.retard ?? '', users['referent@63.test'] ?? '')],
        ].sort(),
      );
      const late = rows.find((r) => r.to_address === 'referent@63.test');
      assert.equal(late?.purpose, 'reminder');
      assert.equal(late?.status, 'pending');
      assert.match(late?.subject ?? '', /a dépassé son échéance \(31 mars 2026\)/);
      assert.match(late?.body_text ?? '', /\/plan-actions\//);
      const soon = rows.find((r) => r.unique_key?.includes(actions.proche ?? '?'));
      assert.match(soon?.subject ?? '', /arrive à échéance le 9 avril 2026/);
      assert.match(soon?.body_text ?? '', /confiée à Accueil général/);
      assert.ok((await findAction(t.ctx.db, org, actions.proche ?? ''))?.reminder_before_sent_at);
      assert.equal((await findAction(t.ctx.db, org, actions.lointaine ?? ''))?.reminder_before_sent_at, null);
      assert.equal((await findAction(t.ctx.db, org, actions.faite ?? ''))?.reminder_before_sent_at, null);
    });

    it('jamais deux fois : un nouveau passage le même jour ne met rien en file', async () => {
      t.clock.set('2026-04-02T14:00:00.000Z');
      assert.deepEqual(await runActionReminders(t.ctx), { organisations: 1, reminded: 0, queued: 0 });
      assert.equal((await mails()).length, 3);
    });

    it('le week-end, rien ; l’échéance passée déclenche une fois le rappel « après » ; le rappel « avant » n’est pas répété', async () => {
      t.clock.set('2026-04-11T08:00:00.000Z'); // samedi
      assert.equal((await runActionReminders(t.ctx)).organisations, 0);
      t.clock.set('2026-04-13T08:00:00.000Z'); // lundi 13 : « proche » (9) et « limite » (10) sont passées, « lointaine » est du jour
      const report = await runActionReminders(t.ctx);
      assert.deepEqual(report, { organisations: 1, reminded: 3, queued: 3 });
      const keys = (await mails()).map((r) => r.unique_key);
      assert.ok(keys.includes(actionReminderKey('after', actions.proche ?? '', users['agent@63.test'] ?? '')));
      assert.ok(keys.includes(actionReminderKey('after', actions.limite ?? '', users['agent@63.test'] ?? '')));
      assert.ok(keys.includes(actionReminderKey('before', actions.lointaine ?? '', users['agent@63.test'] ?? '')));
      assert.ok(!keys.some((k) => k?.includes(users['desabonne@63.test'] ?? '?')), 'récapitulatif décoché : aucun rappel');
      t.clock.set('2026-04-14T08:00:00.000Z');
      assert.deepEqual(await runActionReminders(t.ctx), { organisations: 1, reminded: 1, queued: 1 });
      assert.ok(
        (await mails()).some(
          (r) => r.unique_key === actionReminderKey('after', actions.lointaine ?? '', users['agent@63.test'] ?? ''),
        ),
      );
      t.clock.set('2026-04-15T08:00:00.000Z');
      assert.deepEqual(await runActionReminders(t.ctx), { organisations: 1, reminded: 0, queued: 0 });
    });

    it('la tâche est enregistrée et planifiée dans l’exécuteur', async () => {
      t.clock.set('2026-04-16T08:00:00.000Z');
      const runner = createJobRunner(t.ctx);
      try {
        await runner.tick();
      } finally {
        await runner.stop();
      }
      const job = await t.ctx.db.selectFrom('jobs').selectAll().where('kind', '=', ACTION_REMINDER_JOB).executeTakeFirst();
      assert.equal(job?.status, 'done');
    });
  });
}
