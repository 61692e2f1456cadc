import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/config.ts';
import { type DatabaseHandle, type Engine, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { ensureSchoolHolidays } from '../../src/modules/calendar/school-holiday.service.ts';
import { ensureReferentiel } from '../../src/modules/referentiel/referentiel.service.ts';
import { type Clock, FixedClock } from '../../src/shared/clock.ts';
import type { AppContext } from '../../src/shared/context.ts';

/** Les moteurs à tester : SQLite toujours, PostgreSQL quand `npm test` (ou la CI) en fournit un. */
export function testEngines(): Engine[] {
  if (process.env.TEST_POSTGRES_URL) return ['sqlite', 'postgres'];
  if (process.env.CI) throw new Error('TEST_POSTGRES_URL manquant en CI : la suite doit tourner sur PostgreSQL.');
  return ['sqlite'];
}

export interface TestDatabase {
  url: string;
  dispose(): Promise<void>;
}

/**
 * Une base vierge par test : un fichier SQLite temporaire, ou un schéma PostgreSQL dédié (plus rapide
 * qu'une base, et isolé des autres fichiers de test qui tournent en parallèle).
 */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-test-'));
    return { url: join(dir, 'vigie.sqlite'), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = process.env.TEST_POSTGRES_URL;
  if (!base) throw new Error('TEST_POSTGRES_URL absent');
  const schema = `t_${crypto.randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async dispose() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  // Les tests se connectent souvent depuis la même adresse : la limite par IP est testée à part.
  return {
    ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT_PER_MINUTE: '10000' }),
    ...overrides,
  };
}

export interface TestContext {
  ctx: AppContext;
  handle: DatabaseHandle;
  clock: FixedClock;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Base migrée, référentiel et vacances scolaires chargés, horloge réglable. */
export async function createTestContext(
  engine: Engine,
  options: { clock?: Clock; config?: Partial<Config> } = {},
): Promise<TestContext> {
  const database = await createTestDatabase(engine);
  const handle = openDatabase(database.url);
  await migrateToLatest(handle.db, handle.engine);
  const clock = (options.clock as FixedClock | undefined) ?? new FixedClock('2026-04-02T08:30:00.000Z');
  const ctx: AppContext = { db: handle.db, engine: handle.engine, clock, config: testConfig(database.url, options.config) };
  await ensureReferentiel(ctx);
  await ensureSchoolHolidays(ctx);
  return {
    ctx,
    handle,
    clock,
    database,
    async close() {
      await handle.close();
      await database.dispose();
    },
  };
}

export async function tableCount(ctx: AppContext, table: 'audit_events' | 'users' | 'organisations' | 'jobs'): Promise<number> {
  const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(ctx.db);
  return Number(row.rows[0]?.n ?? 0);
}
