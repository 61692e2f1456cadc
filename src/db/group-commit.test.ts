import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { createTestContext, type TestContext, testEngines } from '../../test/helpers/context.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { type DeferredSync, GroupCommit } from './group-commit.ts';
import { walDeferredSync } from './sqlite-adapter.ts';

// Une table à part, créée pour le test : l'écriture groupée ne connaît aucune table.
interface TestDb {
  group_commit_probe: { id: string; n: number };
}

for (const engine of testEngines()) {
  describe(`écriture groupée (${engine})`, () => {
    let t: TestContext;
    let db: Kysely<TestDb>;
    // Une seconde connexion : elle ne voit que ce qui est validé.
    let observer: DatabaseHandle;

    before(async () => {
      t = await createTestContext(engine);
      db = t.ctx.db as unknown as Kysely<TestDb>;
      await sql`create table group_commit_probe (id text primary key, n integer not null check (n >= 0))`.execute(db);
      observer = openDatabase(t.database.url);
    });
    after(async () => {
      await observer.close();
      await t.close();
    });

    const visible = async (id: string) =>
      (await sql<{ id: string }>`select id from group_commit_probe where id = ${id}`.execute(observer.db)).rows.length === 1;
    const insert =
      (id: string, n = 1) =>
      async (trx: Kysely<TestDb>) => {
        await trx.insertInto('group_commit_probe').values({ id, n }).execute();
        return id;
      };

    it('N écritures concurrentes : N lignes, en peu de transactions, chacune acquittée après sa validation', async () => {
      const committer = new GroupCommit(db, { maxBatch: 50 });
      const ids = Array.from({ length: 120 }, (_, i) => `a-${i}`);
      const seenAtAck: boolean[] = [];
      await Promise.all(
        ids.map(async (id) => {
          const result = await committer.submit(insert(id));
          assert.equal(result, id);
          seenAtAck.push(await visible(id));
        }),
      );
      assert.equal(seenAtAck.length, 120);
      assert.ok(
        seenAtAck.every((v) => v),
        'une écriture acquittée est visible d’une autre connexion',
      );
      const count = await sql<{ n: number | string }>`select count(*) as n from group_commit_probe where id like 'a-%'`.execute(
        db,
      );
      assert.equal(Number(count.rows[0]?.n), 120);
      // Lots bornés : 120 écritures en 3 lots de 50 au plus, aucun rejeu.
      assert.equal(committer.stats.writes, 120);
      assert.equal(committer.stats.largestBatch, 50);
      assert.ok(committer.stats.batches <= 4, `${committer.stats.batches} lots`);
      assert.equal(committer.stats.replays, 0);
    });

    it('rien n’est acquitté avant la validation : la promesse attend la fin du lot', async () => {
      const committer = new GroupCommit(db);
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let acknowledged = false;
      const first = committer.submit(async (trx) => {
        await trx.insertInto('group_commit_probe').values({ id: 'b-1', n: 1 }).execute();
        await gate;
        return 'b-1';
      });
      const second = committer.submit(insert('b-2')).then((id) => {
        acknowledged = true;
        return id;
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(acknowledged, false);
      assert.equal(await visible('b-2'), false);
      release();
      assert.deepEqual(await Promise.all([first, second]), ['b-1', 'b-2']);
      assert.ok(await visible('b-1'));
      assert.ok(await visible('b-2'));
    });

    it('une écriture en erreur n’emporte pas les autres : le lot est rejoué une par une', async () => {
      const committer = new GroupCommit(db);
      const outcomes = await Promise.allSettled([
        committer.submit(insert('c-1')),
        committer.submit(insert('c-2', -1)), // contrainte violée
        committer.submit(insert('c-3')),
        committer.submit(insert('c-1')), // même clé deux fois dans le lot
        committer.submit(async () => {
          throw new Error('refus métier');
        }),
        committer.submit(insert('c-4')),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled'],
      );
      const last = outcomes[4];
      assert.equal(last?.status === 'rejected' ? (last.reason as Error).message : '', 'refus métier');
      for (const id of ['c-1', 'c-3', 'c-4']) assert.ok(await visible(id), id);
      assert.equal(await visible('c-2'), false);
      assert.equal(committer.stats.replays, 1);
    });

    it('lignes confiées au lot : un INSERT par clé et par lot, dans l’ordre des clés, rejeu une par une en cas d’échec', async () => {
      const committer = new GroupCommit(db, { maxBatch: 50 });
      const flushes: string[] = [];
      const flush = (key: string) => async (trx: Kysely<TestDb>, rows: { id: string; n: number }[]) => {
        flushes.push(`${key}:${rows.length}`);
        await trx.insertInto('group_commit_probe').values(rows).execute();
      };
      const append = (id: string, n = 1) =>
        committer.submit(async (_trx, batch) => {
          batch.append('premiere', [{ id, n }], flush('premiere'));
          batch.append('seconde', [{ id: `${id}-bis`, n }], flush('seconde'));
          return id;
        });
      assert.deepEqual(await Promise.all(['d-1', 'd-2', 'd-3'].map((id) => append(id))), ['d-1', 'd-2', 'd-3']);
      assert.deepEqual(flushes, ['premiere:3', 'seconde:3']);
      for (const id of ['d-1', 'd-2', 'd-3', 'd-1-bis', 'd-3-bis']) assert.ok(await visible(id), id);

      // Une ligne refusée par la base : le lot est rejoué écriture par écriture, seule la fautive échoue.
      flushes.length = 0;
      const outcomes = await Promise.allSettled([append('e-1'), append('e-2', -1), append('e-3')]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.deepEqual(flushes, ['premiere:3', 'premiere:1', 'seconde:1', 'premiere:1', 'premiere:1', 'seconde:1']);
      for (const id of ['e-1', 'e-1-bis', 'e-3', 'e-3-bis']) assert.ok(await visible(id), id);
      assert.equal(await visible('e-2'), false);
      assert.equal(committer.stats.replays, 1);
    });

    it('suspension : le lot en cours finit, les suivants attendent la reprise, sa durée est comptée', async () => {
      const committer = new GroupCommit(db);
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const running = committer.submit(async (trx) => {
        await trx.insertInto('group_commit_probe').values({ id: 'f-1', n: 1 }).execute();
        await gate;
        return 'f-1';
      });
      await new Promise((resolve) => setImmediate(resolve));
      let paused = false;
      const pausing = committer.pause().then(() => {
        paused = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(paused, false, 'la suspension attend la fin du lot en cours');
      release();
      await pausing;
      assert.equal(await running, 'f-1');
      const waiting = committer.submit(insert('f-2'));
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(await visible('f-2'), false, 'aucun lot pendant la suspension');
      committer.resume();
      assert.equal(await waiting, 'f-2');
      assert.ok(await visible('f-2'));
      assert.equal(committer.stats.pauses, 1);
      assert.ok(committer.stats.longestPauseMs >= 45, 'suspension comptée de la demande à la reprise (50 ms ici)');
    });

    if (engine === 'sqlite') {
      /** Synchronisation différée réelle, retenue jusqu'à ce que le test libère chaque fdatasync demandé. */
      const gatedCommitter = () => {
        const real = walDeferredSync(t.database.url);
        const syncs: (() => void)[] = [];
        const gated: DeferredSync = {
          ...real,
          sync: () => new Promise<void>((resolve) => syncs.push(resolve)).then(() => real.sync()),
        };
        return { real, syncs, committer: new GroupCommit(db, { deferredSync: gated }) };
      };
      const synchronous = async (on: Kysely<TestDb>) =>
        Number(Object.values((await sql`PRAGMA synchronous`.execute(on)).rows[0] as object)[0]);

      it('synchronisation différée : lot validé en NORMAL, acquitté après le fdatasync du journal, FULL rétabli', async () => {
        const { real, syncs, committer } = gatedCommitter();
        let during = -1;
        let acknowledged = false;
        const write = committer
          .submit(async (trx) => {
            during = await synchronous(trx);
            await trx.insertInto('group_commit_probe').values({ id: 'g-1', n: 1 }).execute();
            return 'g-1';
          })
          .then((id) => {
            acknowledged = true;
            return id;
          });
        while (syncs.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        assert.equal(during, 1, 'NORMAL pendant le lot');
        assert.equal(await synchronous(db), 2, 'FULL pour toute autre transaction');
        assert.ok(await visible('g-1'), 'validé');
        assert.equal(acknowledged, false, 'pas acquitté avant la synchronisation du journal');
        // Un renvoi pendant ce temps attend, lui aussi, la synchronisation.
        let replayed = false;
        const replay = committer.durable().then(() => {
          replayed = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(replayed, false);
        for (const resolve of syncs.splice(0)) resolve();
        while (syncs.length === 0 && !replayed) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          for (const resolve of syncs.splice(0)) resolve();
        }
        assert.equal(await write, 'g-1');
        await replay;
        assert.equal(acknowledged, true);
        await real.close();
      });

      it('transaction hors lot validée sans attendre le disque : résultat rendu, FULL rétabli, durable après le fdatasync', async () => {
        const { real, syncs, committer } = gatedCommitter();
        let during = -1;
        const { result, durable } = await committer.transactDeferred(async (trx) => {
          during = await synchronous(trx);
          await trx.insertInto('group_commit_probe').values({ id: 'i-1', n: 1 }).execute();
          return 'i-1';
        });
        assert.equal(result, 'i-1');
        assert.equal(during, 1, 'NORMAL pendant la transaction');
        assert.equal(await synchronous(db), 2, 'FULL pour toute autre transaction');
        assert.ok(await visible('i-1'), 'validé avant la synchronisation');
        let synced = false;
        const done = durable.then(() => {
          synced = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(synced, false, 'pas durable avant le fdatasync du journal');
        for (const resolve of syncs.splice(0)) resolve();
        await done;
        assert.ok(committer.stats.slowestSyncMs >= 15, 'attente du disque comptée (20 ms retenus ici)');
        await real.close();
      });

      it('synchronisation différée en échec : les écritures du lot reçoivent l’erreur', async () => {
        const failing: DeferredSync = {
          relax: 'PRAGMA synchronous = NORMAL',
          restore: 'PRAGMA synchronous = FULL',
          sync: () => Promise.reject(new Error('EIO simulé')),
          close: async () => {},
        };
        const committer = new GroupCommit(db, { deferredSync: failing });
        await assert.rejects(committer.submit(insert('h-1')), /EIO simulé/);
      });
    }
  });
}
