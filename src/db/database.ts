import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { groupCommitOf } from './group-commit.ts';
import type { Database } from './schema.ts';
import { openSqlite, readPragma, walDeferredSync } from './sqlite-adapter.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';

export type Engine = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** Chemin du fichier SQLite (absent pour PostgreSQL). */
  sqlitePath?: string;
  /** SQLite fichier : points de reprise du journal dans un fil à part (le serveur, voir `wal-checkpointer.ts`). */
  checkpointInBackground?(): void;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

/** Ouvre la base désignée par `url` : un chemin de fichier SQLite (ou `:memory:`) ou une URL PostgreSQL. */
export function openDatabase(url: string): DatabaseHandle {
  if (isPostgresUrl(url)) {
    // Les `bigint` (count(*)…) arrivent en texte avec pg : les dépôts les convertissent par Number().
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const path = url.startsWith('file:') ? url.slice('file:'.length) : url;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = openSqlite(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  // Sans journal WAL (base en mémoire, ou système de fichiers qui le refuse) : validations FULL ordinaires.
  const journal = readPragma(database.raw, 'journal_mode');
  if (path === ':memory:' || journal !== 'wal') return { db, engine: 'sqlite', sqlitePath: path, close: () => db.destroy() };
  const deferredSync = walDeferredSync(path);
  const committer = groupCommitOf(db, { deferredSync });
  let checkpointer: WalCheckpointer | undefined;
  return {
    db,
    engine: 'sqlite',
    sqlitePath: path,
    checkpointInBackground() {
      checkpointer ??= WalCheckpointer.start(path, database.raw, committer);
    },
    async close() {
      await checkpointer?.stop();
      await db.destroy();
      await deferredSync.close();
    },
  };
}
