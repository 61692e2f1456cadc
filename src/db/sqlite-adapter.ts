import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely ne fournit pas de dialecte pour `node:sqlite` : on présente la base intégrée sous la forme
 * attendue par `SqliteDialect` (celle de better-sqlite3), sans module natif à compiler.
 */
export function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || value instanceof Uint8Array) {
    return value;
  }
  // Les objets (JSON) sont sérialisés explicitement par les dépôts ; ici on refuse plutôt que de deviner.
  throw new TypeError(`Valeur non prise en charge par SQLite : ${typeof value}`);
}

function wrapStatement(statement: StatementSync): SqliteStatement {
  const reader = statement.columns().length > 0;
  return {
    reader,
    all(parameters) {
      // Les lignes de node:sqlite ont un prototype nul : on les recopie en objets ordinaires.
      return statement.all(...parameters.map(toSqliteValue)).map((row) => ({ ...row }));
    },
    run(parameters) {
      const result = statement.run(...parameters.map(toSqliteValue));
      return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
    },
    *iterate(parameters) {
      for (const row of statement.iterate(...parameters.map(toSqliteValue))) {
        yield { ...row };
      }
    },
  };
}

export interface SqliteOptions {
  /** `FULL` : chaque écriture acquittée survit à une coupure de courant. */
  synchronous?: 'FULL' | 'NORMAL';
}

export function openSqlite(path: string, options: SqliteOptions = {}): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(path);
  if (path !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
  raw.exec(`PRAGMA synchronous = ${options.synchronous ?? 'FULL'}`);
  raw.exec('PRAGMA foreign_keys = ON');
  raw.exec('PRAGMA busy_timeout = 5000');
  const cache = new Map<string, SqliteStatement>();
  return {
    raw,
    close() {
      cache.clear();
      if (raw.isOpen) raw.close();
    },
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = wrapStatement(raw.prepare(sql));
        if (cache.size > 500) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
