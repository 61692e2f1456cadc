import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase, testEngines } from './helpers/context.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function vigie(url: string, args: string[]) {
  const result = spawnSync(process.execPath, ['bin/vigie.js', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sample = (source: string) => join(root, 'docs', 'formats', `indicateurs-${source}-exemple.csv`);

describe('vigie indicators : aide (sans base)', () => {
  const url = join(tmpdir(), 'vigie-jamais-creee.sqlite');

  it('le groupe indicators montre la commande d’origine et import', () => {
    const run = vigie(url, ['indicators', '--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /vigie indicators --org S --period P/);
    assert.match(run.stdout, /vigie indicators import --org S --source telephony\|web_analytics\|social\|ants FICHIER/);
    const help = vigie(url, ['help', 'indicators', 'import']);
    assert.match(help.stdout, /Utilisation : vigie indicators import --org IDENTIFIANT --source SOURCE/);
    const global = vigie(url, ['--help']);
    assert.match(global.stdout, /vigie indicators import --org S/);
  });

  it('source inconnue ou fichier manquant : erreur d’utilisation, code 1', () => {
    const unknown = vigie(url, ['indicators', 'import', '--org', 'x', '--source', 'fax', 'f.csv']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /Erreur : Source « fax » inconnue : telephony, web_analytics, social, ants\./);
    const missing = vigie(url, ['indicators', 'import', '--org', 'x', '--source', 'social']);
    assert.match(missing.stderr, /Erreur : Indiquez un seul fichier à importer\./);
  });
});

for (const engine of testEngines()) {
  describe(`vigie indicators import (${engine})`, () => {
    let database: TestDatabase;
    let dir: string;
    before(async () => {
      database = await createTestDatabase(engine);
      dir = mkdtempSync(join(tmpdir(), 'vigie-ind-import-'));
      const created = vigie(database.url, [
        'org',
        'create',
        '--slug',
        'puy-de-dome',
        '--name',
        'Préfecture du Puy-de-Dôme',
        '--department',
        '63',
        '--cert',
      ]);
      assert.equal(created.status, 0, created.stderr);
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await database.dispose();
    });

    it('importe les quatre fichiers d’exemple, une ligne de bilan chacun', () => {
      const expected: Record<string, string> = {
        telephony: '6 valeurs importées (6 mois, remplace 0 valeur)\n',
        web_analytics: '6 valeurs importées (6 mois, remplace 0 valeur)\n',
        social: '18 valeurs importées (3 mois, remplace 0 valeur)\n',
        ants: '21 valeurs importées (3 mois, remplace 0 valeur)\n',
      };
      for (const [source, line] of Object.entries(expected)) {
        const run = vigie(database.url, ['indicators', 'import', '--org', 'puy-de-dome', '--source', source, sample(source)]);
        assert.equal(run.stderr, '', source);
        assert.equal(run.stdout, line, source);
        assert.equal(run.status, 0);
      }
      const again = vigie(database.url, [
        'indicators',
        'import',
        '--org',
        'puy-de-dome',
        '--source',
        'telephony',
        '--dry-run',
        sample('telephony'),
      ]);
      assert.equal(again.stdout, '6 valeurs à importer (6 mois, remplace 6 valeurs)\n');
    });

    it('refus : erreurs ligne par ligne sur la sortie d’erreur, code 1, rien d’écrit', () => {
      const file = join(dir, 'faux.csv');
      writeFileSync(file, 'date;appels_recus;appels_aboutis\n2026-07-01;100;120\n2026-07-02;-4;0\n2025-12;10;9\n');
      const run = vigie(database.url, ['indicators', 'import', '--org', 'puy-de-dome', '--source', 'telephony', file]);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^Erreur : Import refusé : aucune ligne n’a été enregistrée/);
      assert.match(run.stderr, / {2}- ligne 2 : appels_aboutis \(120\) supérieur à appels_recus \(100\)\n/);
      assert.match(run.stderr, / {2}- ligne 3 : appels_recus négatif \(-4\)\n/);
      assert.match(run.stderr, / {2}- ligne 4 : mois 2025-12 hors de l’année 2026 choisie pour l’import\n/);

      writeFileSync(file, 'mois;visites\n2026-07;1000\n');
      const wrong = vigie(database.url, ['indicators', 'import', '--org', 'puy-de-dome', '--source', 'telephony', file]);
      assert.equal(wrong.status, 1);
      assert.match(wrong.stderr, /colonnes obligatoires manquantes : appels_recus, appels_aboutis/);

      // Juillet n'a rien reçu : un nouvel essai ne remplace rien.
      writeFileSync(file, 'date;appels_recus;appels_aboutis\n2026-07;100;90\n');
      const check = vigie(database.url, [
        'indicators',
        'import',
        '--org',
        'puy-de-dome',
        '--source',
        'telephony',
        '--dry-run',
        file,
      ]);
      assert.equal(check.stdout, '1 valeur à importer (1 mois, remplace 0 valeur)\n');
    });

    it('XLSX et --year : un mois hors de l’année demandée est refusé', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Audience');
      sheet.addRow(['mois', 'visites']);
      sheet.addRow(['2026-07', 60000]);
      const file = join(dir, 'audience.xlsx');
      writeFileSync(file, Buffer.from(await workbook.xlsx.writeBuffer()));
      const refused = vigie(database.url, [
        'indicators',
        'import',
        '--org',
        'puy-de-dome',
        '--source',
        'web_analytics',
        '--year',
        '2027',
        file,
      ]);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /ligne 2 : mois 2026-07 hors de l’année 2027 choisie pour l’import/);
      const run = vigie(database.url, ['indicators', 'import', '--org', 'puy-de-dome', '--source', 'web_analytics', file]);
      assert.equal(run.stdout, '1 valeur importée (1 mois, remplace 0 valeur)\n', run.stderr);
    });

    it('sans CERT, le fichier ANTS est ignoré (signalé) et refusé : rien à enregistrer', () => {
      assert.equal(
        vigie(database.url, ['org', 'create', '--slug', 'allier', '--name', 'Préfecture de l’Allier', '--department', '03'])
          .status,
        0,
      );
      const run = vigie(database.url, ['indicators', 'import', '--org', 'allier', '--source', 'ants', sample('ants')]);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /Aucune valeur à enregistrer : les indicateurs de ce fichier sont hors du périmètre/);
      const dry = vigie(database.url, [
        'indicators',
        'import',
        '--org',
        'allier',
        '--source',
        'ants',
        '--dry-run',
        sample('ants'),
      ]);
      assert.equal(dry.status, 0);
      assert.match(dry.stderr, /Ignoré : CIV_FRAUDE \(3 valeurs\), hors du périmètre de l’organisation \(module 2/);
      assert.equal(dry.stdout, '0 valeur à importer (0 mois, remplace 0 valeur)\n');
    });

    it('la commande d’origine reste : vigie indicators --org S --period P', () => {
      const run = vigie(database.url, [
        'indicators',
        '--org',
        'puy-de-dome',
        '--period',
        '2026-03',
        '--as-of',
        '2026-04-30',
        '--json',
      ]);
      assert.equal(run.status, 0, run.stderr);
      assert.ok((JSON.parse(run.stdout) as { key: string }[]).some((r) => r.key === 'RECL_MAIL_5J'));
    });
  });
}
