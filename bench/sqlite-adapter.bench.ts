import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import { openSqlite } from '../src/db/sqlite-adapter.ts';

/**
 * Coût de l'adaptateur Kysely ↔ node:sqlite, mesuré contre node:sqlite brut dans le même processus :
 * lectures par clé et insertions groupées en transaction. Affiche les débits et le rapport.
 */
interface Db {
  items: { id: number; label: string; n: number };
}

const ROWS = 20_000;
const READS = 20_000;

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
try {
  const rawDb = new DatabaseSync(join(dir, 'raw.sqlite'));
  rawDb.exec(
    'PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, n INTEGER NOT NULL)',
  );
  let start = performance.now();
  rawDb.exec('BEGIN');
  const insert = rawDb.prepare('INSERT INTO items (id, label, n) VALUES (?, ?, ?)');
  for (let i = 0; i < ROWS; i++) insert.run(i, `libellé ${i}`, i % 7);
  rawDb.exec('COMMIT');
  const rawInsertMs = performance.now() - start;
  start = performance.now();
  const select = rawDb.prepare('SELECT * FROM items WHERE id = ?');
  for (let i = 0; i < READS; i++) select.get(i % ROWS);
  const rawReadMs = performance.now() - start;
  rawDb.close();

  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: openSqlite(join(dir, 'kysely.sqlite')) }) });
  await db.schema
    .createTable('items')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
  start = performance.now();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < ROWS; i++)
      await trx
        .insertInto('items')
        .values({ id: i, label: `libellé ${i}`, n: i % 7 })
        .execute();
  });
  const kyselyInsertMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < READS; i++)
    await db
      .selectFrom('items')
      .selectAll()
      .where('id', '=', i % ROWS)
      .executeTakeFirst();
  const kyselyReadMs = performance.now() - start;
  await db.destroy();

  console.log('Adaptateur SQLite (Kysely sur node:sqlite) contre node:sqlite brut, même processus');
  console.log(
    `  insertions en transaction : ${rate(ROWS, kyselyInsertMs)} lignes/s contre ${rate(ROWS, rawInsertMs)} (rapport ${(kyselyInsertMs / rawInsertMs).toFixed(1)}×)`,
  );
  console.log(
    `  lectures par clé          : ${rate(READS, kyselyReadMs)} lectures/s contre ${rate(READS, rawReadMs)} (rapport ${(kyselyReadMs / rawReadMs).toFixed(1)}×)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
