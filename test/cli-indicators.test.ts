import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { openDatabase } from '../src/db/database.ts';
import { addLocalIndicator } from '../src/modules/indicators/indicator.service.ts';
import { getOrganisationBySlug } from '../src/modules/organisations/organisation.service.ts';
import { FixedClock } from '../src/shared/clock.ts';
import { createTestDatabase, type TestDatabase, testConfig, testEngines } from './helpers/context.ts';

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
    assert.match(run.stdout, /vigie indicators import --org S --source telephony\|web_analytics\|social\|ants\|local FICHIER/);
    const help = vigie(url, ['help', 'indicators', 'import']);
    assert.match(help.stdout, /Utilisation : vigie indicators import --org IDENTIFIANT --source SOURCE/);
    assert.match(help.stdout, /local {11}mois, indicateur, valeur \| numerateur \+ denominateur \[, statut, note\]/);
    const global = vigie(url, ['--help']);
    assert.match(global.stdout, /vigie indicators import --org S/);
  });

  it('source inconnue ou fichier manquant : erreur d’utilisation, code 1', () => {
    const unknown = vigie(url, ['indicators', 'import', '--org', 'x', '--source', 'fax', 'f.csv']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /Erreur : Source « fax » inconnue : telephony, web_analytics, social, ants, local\./);
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

    it('indicateurs locaux : --source local importe le fichier d’exemple une fois les indicateurs créés', async () => {
      const refused = vigie(database.url, ['indicators', 'import', '--org', 'puy-de-dome', '--source', 'local', sample('local')]);
      assert.equal(refused.status, 1);
      assert.match(
        refused.stderr,
        / {2}- ligne 2 : indicateur « LOC_USAGERS_GUICHET_ETRANGERS » inconnu : l’organisation n’a aucun indicateur local/,
      );
      // Les indicateurs locaux se créent sur la page du catalogue : ici directement par le service, sur la même base.
      const handle = openDatabase(database.url);
      try {
        const ctx = {
          db: handle.db,
          engine: handle.engine,
          clock: new FixedClock('2026-04-02T08:30:00.000Z'),
          config: testConfig(database.url),
        };
        const organisation = await getOrganisationBySlug(ctx, 'puy-de-dome');
        for (const [label, unit] of [
          ['Usagers guichet étrangers', 'count'],
          ['RDV séjour honorés', 'percent'],
          ['Délai moyen d’obtention d’un rendez-vous naturalisation', 'days'],
        ] as const) {
          await addLocalIndicator(
            ctx,
            organisation.id,
            { label, unit, direction: 'none', source: 'import' },
            {
              userId: null,
              label: 'Test',
            },
          );
        }
      } finally {
        await handle.close();
      }
      const run = vigie(database.url, ['indicators', 'import', '--org', 'puy-de-dome', '--source', 'local', sample('local')]);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, '9 valeurs importées (3 mois, remplace 0 valeur)\n');
      assert.equal(run.status, 0);
      const period = vigie(database.url, [
        'indicators',
        '--org',
        'puy-de-dome',
        '--period',
        '2026-Q1',
        '--as-of',
        '2026-04-30',
        '--json',
      ]);
      const rows = JSON.parse(period.stdout) as { key: string; value: number | null }[];
      assert.equal(rows.find((r) => r.key === 'LOC_RDV_SEJOUR_HONORES')?.value, 89.96);
      assert.equal(rows.find((r) => r.key === 'LOC_USAGERS_GUICHET_ETRANGERS')?.value, 5568);
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
      const rows = JSON.parse(run.stdout) as { key: string; value: number | null; source: string }[];
      assert.ok(rows.some((r) => r.key === 'RECL_MAIL_5J'));
      // Tous les indicateurs du périmètre, importés compris : la valeur de mars du fichier d'exemple.
      assert.equal(rows.find((r) => r.key === 'WEB_CONNEXION')?.value, 10);
      assert.equal(rows.find((r) => r.key === 'WEB_CONNEXION')?.source, 'web_analytics');
    });

    it('vigie indicators table écrit le tableau de l’année en XLSX (relu) et en CSV', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigie-tableau-'));
      try {
        const xlsx = join(dir, 'tableau.xlsx');
        const run = vigie(database.url, [
          'indicators',
          'table',
          '--org',
          'puy-de-dome',
          '--year',
          '2026',
          '--as-of',
          '2026-04-30',
          '--xlsx',
          xlsx,
        ]);
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /Tableau 2026 écrit : .*tableau\.xlsx \(\d+ indicateurs\)/);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(xlsx);
        const sheet = workbook.getWorksheet('2026');
        assert.ok(sheet);
        const codes: unknown[] = [];
        sheet.eachRow((row) => codes.push(row.getCell(3).value));
        assert.ok(codes.includes('IM106'));
        const csv = join(dir, 'tableau.csv');
        assert.equal(
          vigie(database.url, ['indicators', 'table', '--org', 'puy-de-dome', '--year', '2026', '--csv', csv]).status,
          0,
        );
        assert.match(readFileSync(csv, 'utf8'), /WEB_CONNEXION;/);
        const both = vigie(database.url, ['indicators', 'table', '--org', 'puy-de-dome', '--year', '2026']);
        assert.equal(both.status, 1);
        assert.match(both.stderr, /soit --xlsx FICHIER, soit --csv FICHIER/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
