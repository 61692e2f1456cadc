import '../src/shared/runtime-guard.ts';
import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import { startThrowawayCluster } from '../test/helpers/postgres-cluster.ts';

/**
 * `npm test` : toute la suite, une fois, sur SQLite et sur un vrai PostgreSQL — celui de
 * TEST_POSTGRES_URL, sinon une grappe jetable démarrée ici depuis les binaires de la machine.
 * Sans PostgreSQL, la suite PostgreSQL est sautée avec un avertissement (jamais en CI).
 */
const files =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : globSync(['src/**/*.test.ts', 'test/**/*.test.ts']).sort();

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
let cluster: ReturnType<typeof startThrowawayCluster>;
if (!env.TEST_POSTGRES_URL) {
  cluster = startThrowawayCluster();
  if (cluster) {
    env.TEST_POSTGRES_URL = cluster.url;
    process.stdout.write(`PostgreSQL jetable démarré pour les tests : ${cluster.url}\n`);
  } else if (env.CI) {
    process.stderr.write(
      'PostgreSQL introuvable en CI : installez-le (apt-get install postgresql) ou fixez TEST_POSTGRES_URL.\n',
    );
    process.exit(1);
  } else {
    process.stdout.write(
      'AVERTISSEMENT : PostgreSQL introuvable, les tests PostgreSQL sont sautés (installez postgresql ou fixez TEST_POSTGRES_URL).\n',
    );
  }
}

const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  env,
  stdio: 'inherit',
});
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
cluster?.stop();
process.exit(code);
