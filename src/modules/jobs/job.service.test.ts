import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { listJobsByKind } from './job.repository.ts';
import { enqueueJob, JobRunner } from './job.service.ts';
import { RETENTION_JOB, runRetention } from './retention.ts';

for (const engine of testEngines()) {
  describe(`tâches de fond (${engine})`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
    });
    after(() => t.close());

    it('exécute une tâche due une seule fois et la marque terminée', async () => {
      const seen: unknown[] = [];
      const runner = new JobRunner(t.ctx).register('note', async (_ctx, payload) => {
        seen.push(payload);
      });
      await enqueueJob(t.ctx, 'note', { texte: 'bonjour' });
      await enqueueJob(t.ctx, 'note', { texte: 'plus tard' }, { runAt: new Date(t.clock.now().getTime() + 3_600_000) });
      assert.deepEqual(await runner.tick(), { leader: true, ran: 1 });
      assert.deepEqual(await runner.tick(), { leader: true, ran: 0 });
      assert.deepEqual(seen, [{ texte: 'bonjour' }]);
      const jobs = await listJobsByKind(t.ctx.db, 'note');
      assert.deepEqual(
        jobs.map((j) => j.status),
        ['done', 'queued'],
      );
      await runner.stop();
    });

    it('réessaie avec un délai croissant puis abandonne après le nombre maximal d’essais', async () => {
      let calls = 0;
      const runner = new JobRunner(t.ctx).register('fragile', async () => {
        calls++;
        throw new Error('relais SMTP indisponible');
      });
      await enqueueJob(t.ctx, 'fragile', null, { maxAttempts: 3 });
      await runner.tick();
      let [job] = await listJobsByKind(t.ctx.db, 'fragile');
      assert.equal(job?.status, 'queued');
      assert.equal(job?.last_error, 'relais SMTP indisponible');
      assert.equal(new Date(job?.run_at ?? '').getTime() - t.clock.now().getTime(), 30_000);
      await runner.tick();
      assert.equal(calls, 1, 'pas de nouvel essai avant le délai');
      t.clock.advance(30_000);
      await runner.tick();
      [job] = await listJobsByKind(t.ctx.db, 'fragile');
      assert.equal(new Date(job?.run_at ?? '').getTime() - t.clock.now().getTime(), 60_000);
      t.clock.advance(60_000);
      await runner.tick();
      [job] = await listJobsByKind(t.ctx.db, 'fragile');
      assert.equal(calls, 3);
      assert.equal(job?.status, 'failed');
      await runner.stop();
    });

    it('un seul processus exécute les tâches quand deux partagent la base (bail)', async () => {
      let runs = 0;
      const handler = async () => {
        runs++;
      };
      const first = new JobRunner(t.ctx).register('partage', handler);
      const second = new JobRunner(t.ctx).register('partage', handler);
      for (let i = 0; i < 5; i++) await enqueueJob(t.ctx, 'partage', i);
      const [a, b] = await Promise.all([first.tick(), second.tick()]);
      assert.equal([a.leader, b.leader].filter(Boolean).length, 1);
      assert.equal(runs, 5);
      // Le bail expire si son titulaire disparaît : l'autre prend le relais.
      t.clock.advance(61_000);
      await enqueueJob(t.ctx, 'partage', 'après');
      const follower = a.leader ? second : first;
      assert.equal((await follower.tick()).leader, true);
      assert.equal(runs, 6);
      await first.stop();
      await second.stop();
    });

    it('une tâche planifiée n’est créée qu’une fois par créneau, même par deux processus', async () => {
      const runs: string[] = [];
      const make = () =>
        new JobRunner(t.ctx)
          .register('quotidienne', async () => {
            runs.push('x');
          })
          .schedule({ kind: 'quotidienne', everyMs: 86_400_000 });
      const first = make();
      const second = make();
      await first.tick();
      await first.stop();
      await second.tick();
      await second.tick();
      assert.equal((await listJobsByKind(t.ctx.db, 'quotidienne')).length, 1);
      assert.equal(runs.length, 1);
      t.clock.advance(86_400_000);
      await second.tick();
      assert.equal((await listJobsByKind(t.ctx.db, 'quotidienne')).length, 2);
      await second.stop();
    });

    it('une tâche restée « en cours » après un arrêt brutal est reprise', async () => {
      let runs = 0;
      const crashed = new JobRunner(t.ctx);
      await enqueueJob(t.ctx, 'orpheline', null);
      // Simule un processus mort au milieu de la tâche.
      await t.ctx.db
        .updateTable('jobs')
        .set({ status: 'running', locked_by: crashed.holder, locked_at: t.clock.now().toISOString() })
        .where('kind', '=', 'orpheline')
        .execute();
      const runner = new JobRunner(t.ctx).register('orpheline', async () => {
        runs++;
      });
      t.clock.advance(11 * 60_000);
      await runner.tick();
      assert.equal(runs, 1);
      await runner.stop();
    });

    it('la conservation supprime les sessions expirées et efface les données personnelles anciennes du journal', async () => {
      await recordAudit(t.ctx.db, t.clock, {
        organisationId: null,
        actor: { userId: null, label: 'Système' },
        action: 'test.personal',
        entityType: 'test',
        entityId: 'x',
        summary: 'Événement ancien',
        after: { email: 'ancien@exemple.fr' },
      });
      t.clock.advance((t.ctx.config.auditPersonalDataRetentionDays + 1) * 86_400_000);
      const result = await runRetention(t.ctx);
      assert.ok(result.auditEvents >= 1);
      const row = await t.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'test.personal')
        .executeTakeFirstOrThrow();
      assert.equal(row.after_json, null);
      assert.equal(row.summary, 'Événement ancien');
      assert.ok(row.personal_data_erased_at);
      assert.equal(RETENTION_JOB, 'retention');
      assert.ok(result.jobsDeleted >= 1, 'les tâches terminées depuis plus de 30 jours sont supprimées');
    });
  });
}
