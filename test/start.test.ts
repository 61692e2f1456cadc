import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../src/db/database.ts';
import { createTestDatabase, type TestDatabase, testEngines } from './helpers/context.ts';

/** Démarre un vrai processus serveur et attend qu'il annonce son adresse. */
function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; output: string; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', ...env } });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Pas de démarrage : ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Vigie est prêt : (\S+)/);
      if (match?.[1] && output.includes('\n', output.indexOf(match[1]))) {
        clearTimeout(timer);
        setTimeout(() => resolve({ child, output, url: match[1] ?? '' }), 200);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Arrêt prématuré (${code}) : ${output}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function organisationSlugs(url: string): Promise<string[]> {
  const handle = openDatabase(url);
  try {
    return (await handle.db.selectFrom('organisations').select('slug').execute()).map((o) => o.slug);
  } finally {
    await handle.close();
  }
}

for (const engine of testEngines()) {
  describe(`démarrage du serveur (${engine})`, () => {
    const databases: TestDatabase[] = [];
    after(async () => {
      for (const database of databases) await database.dispose();
    });

    it('npm start crée la préfecture de démonstration sur une base vide et affiche les comptes', async () => {
      const database = await createTestDatabase(engine);
      databases.push(database);
      const { child, output, url } = await start(['src/main.ts'], { DATABASE_URL: database.url, NODE_ENV: 'development' });
      try {
        assert.match(output, /Préfecture de démonstration créée/);
        assert.match(output, /referent@demo\.vigie\.test \(admin\)/);
        const home = await fetch(`${url}/`);
        assert.equal(home.status, 200);
        assert.match(await home.text(), /Vigie/);
      } finally {
        await stop(child);
      }
      assert.deepEqual(await organisationSlugs(database.url), ['demo']);
    });

    it('vigie serve ne crée jamais de données de démonstration', async () => {
      const database = await createTestDatabase(engine);
      databases.push(database);
      const { child, output } = await start(['bin/vigie.js', 'serve'], { DATABASE_URL: database.url, NODE_ENV: 'development' });
      await stop(child);
      assert.doesNotMatch(output, /démonstration/);
      assert.deepEqual(await organisationSlugs(database.url), []);
    });

    it('en production, refuse de démarrer sans ses secrets', async () => {
      const database = await createTestDatabase(engine);
      databases.push(database);
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['src/main.ts'], {
          env: { ...process.env, DATABASE_URL: database.url, NODE_ENV: 'production' },
        });
        let output = '';
        child.stderr.on('data', (c: Buffer) => {
          output += c.toString();
        });
        child.on('exit', (code) => resolve({ code, output }));
      });
      assert.equal(result.code, 1);
      assert.match(result.output, /Démarrage refusé en production/);
    });
  });
}
