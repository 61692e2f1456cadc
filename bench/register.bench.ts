import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { registerIndicatorTable } from '../src/modules/cases/case.service.ts';
import { importCases } from '../src/modules/cases/case-import.service.ts';
import { createOrganisation } from '../src/modules/organisations/organisation.service.ts';
import { ensureReferentiel } from '../src/modules/referentiel/referentiel.service.ts';
import { FixedClock } from '../src/shared/clock.ts';
import type { AppContext } from '../src/shared/context.ts';

/**
 * Registre à l'échelle : import de 100 000 dossiers depuis un CSV et tableau des indicateurs sur
 * 12 mois, chacun à côté d'une référence mesurée dans le même processus — insertion des mêmes lignes
 * par un INSERT préparé brut en une transaction ; un agrégat SQL écrit à la main pour un indicateur.
 * Cibles : import ≥ 50 % du débit brut ; tableau de 12 mois < 100 ms sur SQLite.
 */
const COUNT = Number(process.env.BENCH_CASES ?? 100_000);
const KINDS = ['information_request', 'information_request', 'complaint', 'suggestion', 'update_request'] as const;
const CHANNELS = ['email', 'web_form', 'letter', 'urn'] as const;
const SERVICES = ['Accueil général', 'Service des étrangers', 'Point d’accès numérique', 'Standard'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function makeCsv(): string {
  const lines = ['reference,kind,channel,received_at,answered_at,service,subject,theme,audience,target'];
  let seed = 1;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < COUNT; i++) {
    const kind = KINDS[Math.floor(random() * KINDS.length)] ?? 'complaint';
    const channel = kind === 'update_request' ? 'internal' : (CHANNELS[Math.floor(random() * CHANNELS.length)] ?? 'email');
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const received = `2025-${pad(month)}-${pad(day)}`;
    const answered = random() < 0.85 ? `2025-${pad(month)}-${pad(Math.min(28, day + Math.floor(random() * 12)))}` : '';
    const target = kind === 'update_request' ? (random() < 0.5 ? 'svi' : 'website') : '';
    lines.push(`B-${i},${kind},${channel},${received},${answered},${SERVICES[i % SERVICES.length]},Objet ${i},,,${target}`);
  }
  return lines.join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-register-'));
try {
  const csv = makeCsv();
  const path = join(dir, 'vigie.sqlite');
  const handle = openDatabase(path);
  await migrateToLatest(handle.db, handle.engine);
  const clock = new FixedClock('2026-02-01T10:00:00Z');
  const ctx: AppContext = {
    db: handle.db,
    engine: handle.engine,
    clock,
    config: loadConfig({ NODE_ENV: 'test', DATABASE_URL: path }),
  };
  await ensureReferentiel(ctx);
  const organisation = await createOrganisation(ctx, { slug: 'bench', name: 'Préfecture banc', department: '63' }, CLI_ACTOR);

  let start = performance.now();
  const summary = await importCases(ctx, organisation.id, csv, CLI_ACTOR, { fileName: 'banc.csv' });
  const importMs = performance.now() - start;

  // Référence : les mêmes lignes par un INSERT préparé brut, une transaction, dans une base jumelle.
  const rawPath = join(dir, 'raw.sqlite');
  const twin = openDatabase(rawPath);
  await migrateToLatest(twin.db, twin.engine);
  await twin.close();
  const raw = new DatabaseSync(rawPath);
  raw.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF');
  const rows = ctx.db.selectFrom('cases').selectAll().where('organisation_id', '=', organisation.id);
  const all = await rows.execute();
  const columns = Object.keys(all[0] ?? {});
  const insert = raw.prepare(`INSERT INTO cases (${columns.join(',')}) VALUES (${columns.map(() => '?').join(',')})`);
  start = performance.now();
  raw.exec('BEGIN');
  for (const row of all) insert.run(...columns.map((c) => (row as Record<string, string | number | null>)[c] ?? null));
  raw.exec('COMMIT');
  const rawMs = performance.now() - start;

  // Tableau de 12 mois : tous les indicateurs du registre, mois par mois.
  await registerIndicatorTable(ctx, organisation.id, '2025', '2026-01-31');
  const tableRuns: number[] = [];
  for (let run = 0; run < 5; run++) {
    start = performance.now();
    await registerIndicatorTable(ctx, organisation.id, '2025', '2026-01-31');
    tableRuns.push(performance.now() - start);
  }
  const tableMs = Math.min(...tableRuns);

  // Référence : un agrégat SQL à la main pour un indicateur (réponses des courriels d'information par mois).
  const aggregate = raw.prepare(
    `SELECT substr(received_local_date, 1, 7) AS month, count(*) AS n, sum(answered_local_date IS NOT NULL) AS answered
       FROM cases WHERE organisation_id = ? AND kind = 'information_request' AND channel IN ('email', 'web_form')
        AND received_local_date BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY month`,
  );
  const sqlRuns: number[] = [];
  for (let run = 0; run < 5; run++) {
    start = performance.now();
    aggregate.all(organisation.id);
    sqlRuns.push(performance.now() - start);
  }
  const sqlMs = Math.min(...sqlRuns);
  raw.close();
  await handle.close();

  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('fr-FR');
  const importRatio = rawMs / importMs;
  console.log(`Registre : ${summary.total.toLocaleString('fr-FR')} dossiers (SQLite, fichier, synchronous=FULL)`);
  console.log(
    `  import CSV (analyse, contrôles, échéances, événements, audit) : ${rate(summary.total, importMs)} dossiers/s contre ${rate(all.length, rawMs)} pour l'INSERT brut — ${(importRatio * 100).toFixed(0)} % (cible ≥ 50 % : ${importRatio >= 0.5 ? 'atteinte' : 'NON atteinte'})`,
  );
  console.log(
    `  tableau de 12 mois et total annuel, 10 indicateurs : ${tableMs.toFixed(1)} ms (${(tableMs / 12).toFixed(1)} ms par mois ; cible < 100 ms : ${tableMs < 100 ? 'atteinte' : 'NON atteinte'}) contre ${sqlMs.toFixed(1)} ms pour un agrégat SQL d'un indicateur sur 12 mois`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
