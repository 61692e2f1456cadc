import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { openSqlite, readPragma, toSqliteValue } from './sqlite-adapter.ts';

interface TestDb {
  items: { id: number; label: string; flag: number; at: string | null };
}

describe('adaptateur node:sqlite pour Kysely', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-adapter-'));
  const path = join(dir, 'test.sqlite');
  const database = openSqlite(path);
  const db = new Kysely<TestDb>({ dialect: new SqliteDialect({ database }) });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ouvre la base en WAL, clés étrangères actives, écriture durable', () => {
    const pragma = (name: string) => readPragma(database.raw, name);
    assert.equal(pragma('journal_mode'), 'wal');
    assert.equal(pragma('foreign_keys'), 1);
    assert.equal(pragma('synchronous'), 2);
    assert.equal(pragma('page_size'), 8192);
  });

  it('garde la taille de page d’une base existante (une base créée avec 4 Kio reste en 4 Kio)', () => {
    const older = join(dir, 'ancienne.sqlite');
    const created = new DatabaseSync(older);
    created.exec('PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)');
    created.close();
    const reopened = openSqlite(older);
    try {
      assert.equal(readPragma(reopened.raw, 'page_size'), 4096);
      assert.equal(readPragma(reopened.raw, 'journal_mode'), 'wal');
    } finally {
      reopened.close();
    }
  });

  it('convertit booléens et dates, et refuse les objets', () => {
    assert.equal(toSqliteValue(true), 1);
    assert.equal(toSqliteValue(false), 0);
    assert.equal(toSqliteValue(undefined), null);
    assert.equal(toSqliteValue(new Date('2026-04-02T10:00:00Z')), '2026-04-02T10:00:00.000Z');
    assert.throws(() => toSqliteValue({ a: 1 }), /non prise en charge/);
  });

  it('exécute lectures, écritures et renvoie des objets ordinaires', async () => {
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('flag', 'integer', (c) => c.notNull())
      .addColumn('at', 'text')
      .execute();
    const inserted = await db
      .insertInto('items')
      .values({ id: 1, label: 'Accueil', flag: toSqliteValue(true) as number, at: null })
      .executeTakeFirst();
    assert.equal(Number(inserted.numInsertedOrUpdatedRows), 1);
    const rows = await db.selectFrom('items').selectAll().execute();
    assert.deepEqual(rows, [{ id: 1, label: 'Accueil', flag: 1, at: null }]);
    assert.equal(Object.getPrototypeOf(rows[0]), Object.prototype);
    const updated = await db.updateTable('items').set({ label: 'Accueil général' }).where('id', '=', 1).executeTakeFirst();
    assert.equal(Number(updated.numUpdatedRows), 1);
  });

  it('annule une transaction en erreur', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 2, label: 'Étrangers', flag: 0, at: null }).execute();
        throw new Error('échec volontaire');
      }),
      /échec volontaire/,
    );
    const count = await sql<{ n: number }>`select count(*) as n from items`.execute(db);
    assert.equal(count.rows[0]?.n, 1);
  });

  it('diffuse les lignes une à une (stream)', async () => {
    const labels: string[] = [];
    for await (const row of db.selectFrom('items').select('label').stream()) labels.push(row.label);
    assert.deepEqual(labels, ['Accueil général']);
  });
});
