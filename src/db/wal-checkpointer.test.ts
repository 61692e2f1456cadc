import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { GroupCommit } from './group-commit.ts';
import { openSqlite, readPragma, walDeferredSync } from './sqlite-adapter.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';

interface ProbeDb {
  probe: { id: number; payload: string };
}

describe('points de reprise du journal WAL hors du fil principal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const pragma = (database: ReturnType<typeof openSqlite>, name: string) => Number(readPragma(database.raw, name));

  it('sous écriture continue, le journal est remis à zéro (taille bornée), rien n’est perdu', async () => {
    const path = join(dir, 'continu.sqlite');
    const database = openSqlite(path);
    const db = new Kysely<ProbeDb>({ dialect: new SqliteDialect({ database }) });
    await sql`create table probe (id integer primary key, payload text not null)`.execute(db);
    const deferredSync = walDeferredSync(path);
    const committer = new GroupCommit(db, { deferredSync });
    const checkpointer = WalCheckpointer.start(path, database.raw, committer, { intervalMs: 10, restartFrames: 64 });
    try {
      await checkpointer.ready;
      assert.equal(pragma(database, 'wal_autocheckpoint'), 0, 'la connexion principale ne fait plus de point de reprise');

      // 4 000 lignes de 2 Ko (≈ 8 Mo de données), par vagues concurrentes, sans pause entre les lots.
      const payload = 'x'.repeat(2048);
      let next = 0;
      let largestWal = 0;
      for (let wave = 0; wave < 40; wave++) {
        await Promise.all(
          Array.from({ length: 100 }, () => {
            const id = next++;
            return committer.submit(async (trx) => {
              await trx.insertInto('probe').values({ id, payload }).execute();
            });
          }),
        );
        largestWal = Math.max(largestWal, statSync(`${path}-wal`).size);
      }
      const count = await sql<{ n: number }>`select count(*) as n from probe`.execute(db);
      assert.equal(Number(count.rows[0]?.n), 4000);
      // Sans remise à zéro, le journal dépasserait 8 Mo ; il reste ici de l'ordre de quelques remises (64 pages).
      assert.ok(largestWal < 4 * 1024 * 1024, `journal de ${largestWal} octets`);
    } finally {
      await checkpointer.stop();
    }
    assert.equal(pragma(database, 'wal_autocheckpoint'), 1000, 'réglage par défaut rétabli à l’arrêt');
    await db.destroy();
    await deferredSync.close();
  });
});
