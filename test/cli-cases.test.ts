import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
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

const HEADER = 'reference,kind,channel,received_at,answered_at,service,subject,theme,audience,target';
const GOOD = [
  HEADER,
  'R-1,information_request,email,2026-03-02T09:00:00+01:00,2026-03-06,Accueil général,Horaires,Site internet,,',
  'R-2,information_request,email,2026-03-03,2026-03-20,Accueil général,Carte grise,,,',
  'R-3,complaint,urn,2026-03-02,,Accueil général,Attente,Attente au guichet|Manque d’agents,,',
  'R-4,update_request,internal,2026-03-10,2026-03-12,Communication,Horaires SVI,,,svi',
].join('\n');

for (const engine of testEngines()) {
  describe(`vigie cases import et vigie indicators (${engine})`, () => {
    let database: TestDatabase;
    let dir: string;
    before(async () => {
      database = await createTestDatabase(engine);
      dir = mkdtempSync(join(tmpdir(), 'vigie-import-'));
      assert.equal(vigie(database.url, ['org create', '--slug', 'x']).status, 1);
      assert.equal(
        vigie(database.url, ['org', 'create', '--slug', 'test', '--name', 'Préfecture test', '--department', '63']).status,
        0,
      );
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await database.dispose();
    });

    it('importe un CSV et affiche une ligne de bilan ; réimporter met à jour ce qui change', () => {
      const file = join(dir, 'registre.csv');
      writeFileSync(file, GOOD);
      const first = vigie(database.url, ['cases', 'import', '--org', 'test', file]);
      assert.equal(first.stderr, '');
      assert.equal(first.stdout, '4 dossiers importés (4 créés, 0 mis à jour, 0 inchangés)\n');
      writeFileSync(file, GOOD.replace('R-3,complaint,urn,2026-03-02,,', 'R-3,complaint,urn,2026-03-02,2026-03-10,'));
      const second = vigie(database.url, ['cases', 'import', '--org', 'test', file]);
      assert.equal(second.stdout, '4 dossiers importés (0 créés, 1 mis à jour, 3 inchangés)\n');
    });

    it('accepte le point-virgule, le BOM et le Windows-1252 d’Excel', () => {
      const file = join(dir, 'excel.csv');
      const text = `${HEADER.replaceAll(',', ';')}\r\nR-5;suggestion;letter;2026-03-04;;Accueil général;Idée : créer un accès pour personnes âgées;;;\r\n`;
      writeFileSync(file, Buffer.from(text, 'latin1'));
      assert.equal(
        vigie(database.url, ['cases', 'import', '--org', 'test', file]).stdout,
        '1 dossiers importés (1 créés, 0 mis à jour, 0 inchangés)\n',
      );
      writeFileSync(file, `\uFEFF${text.replace('R-5', 'R-6')}`);
      assert.equal(
        vigie(database.url, ['cases', 'import', '--org', 'test', file]).stdout,
        '1 dossiers importés (1 créés, 0 mis à jour, 0 inchangés)\n',
      );
    });

    it('refuse tout le fichier à la première ligne fautive, en nommant la ligne et la raison', () => {
      const cases: [string, RegExp][] = [
        ['reference,kind,channel\nX,complaint,email', /colonnes manquantes : received_at, answered_at, service/],
        [`${HEADER}\nB-1,plainte,email,2026-03-02,,,,,,`, /ligne 2 : kind « plainte » inconnu/],
        [`${HEADER}\nB-1,complaint,fax,2026-03-02,,,,,,`, /ligne 2 : channel « fax » inconnu/],
        [
          `${HEADER}\nB-1,complaint,email,2026-03-10,2026-03-09,,,,,`,
          /ligne 2 : answered_at \(2026-03-09\) précède received_at \(2026-03-10\)/,
        ],
        [`${HEADER}\nB-1,complaint,email,2026-02-30,,,,,,`, /ligne 2 : received_at « 2026-02-30 » : date impossible/],
        [`${HEADER}\nR-1,complaint,email,2026-03-02,,,,,,`, /ligne 2 : reference « R-1 » déjà enregistrée avec une autre nature/],
        [`${HEADER}\nB-1,complaint,email,2026-03-02,,,<script>alert(1)</script>,,,`, /ligne 2 : subject : le balisage HTML/],
      ];
      for (const [content, pattern] of cases) {
        const file = join(dir, 'mauvais.csv');
        writeFileSync(file, `${content}\nB-9,complaint,email,2026-03-02,,,,,,\n`);
        const run = vigie(database.url, ['cases', 'import', '--org', 'test', file]);
        assert.equal(run.status, 1, content);
        assert.match(run.stderr, /Import refusé : aucune ligne n’a été enregistrée/);
        assert.match(run.stderr, pattern);
      }
      const check = vigie(database.url, [
        'indicators',
        '--org',
        'test',
        '--period',
        '2026-03',
        '--as-of',
        '2026-04-30',
        '--json',
      ]);
      const rows = JSON.parse(check.stdout) as { key: string; denominator: number }[];
      assert.equal(rows.find((r) => r.key === 'RECL_MAIL_5J')?.denominator, 0, 'aucune ligne B-… importée');
    });

    it('calcule les indicateurs en JSON, sans objet quand il n’y a rien à mesurer', () => {
      const run = vigie(database.url, ['indicators', '--org', 'test', '--period', '2026-03', '--as-of', '2026-05-31', '--json']);
      assert.equal(run.status, 0, run.stderr);
      const rows = JSON.parse(run.stdout) as {
        key: string;
        value: number | null;
        status: string;
        provisional: boolean;
        numerator: number;
        denominator: number;
        unit: string;
        label: string;
      }[];
      assert.equal(rows.length, 18, 'les 18 indicateurs du module 1 seulement');
      assert.equal(rows.find((r) => r.key === 'TEL_ABOUTIS')?.status, 'not_available', 'importé, jamais fourni : non disponible');
      const byKey = new Map(rows.map((r) => [r.key, r]));
      assert.deepEqual(
        { ...byKey.get('DI_MAIL_5J') },
        {
          ...byKey.get('DI_MAIL_5J'),
          value: 50,
          status: 'measured',
          numerator: 1,
          denominator: 2,
          provisional: false,
          unit: 'percent',
        },
      );
      assert.equal(
        byKey.get('DI_MAIL_5J')?.label,
        "Taux de réponse aux e-mails de demandes d'information dans le délai de 5 jours ouvrés",
      );
      // R-3 répondue en 6 jours ouvrés ; R-5 et R-6 (courriers du 4 mars) sans réponse et échues.
      assert.deepEqual([byKey.get('RECL_PAPIER_10J')?.value, byKey.get('RECL_PAPIER_10J')?.denominator], [33.33, 3]);
      assert.deepEqual([byKey.get('SVI_MAJ_3J')?.value, byKey.get('SVI_MAJ_3J')?.status], [100, 'measured']);
      assert.deepEqual([byKey.get('WEB_MAJ_3J')?.value, byKey.get('WEB_MAJ_3J')?.status], [null, 'not_applicable']);
      const quarter = JSON.parse(
        vigie(database.url, ['indicators', '--org', 'test', '--period', '2026-Q1', '--as-of', '2026-03-20', '--json']).stdout,
      ) as {
        key: string;
        provisional: boolean;
      }[];
      assert.equal(quarter.find((r) => r.key === 'DI_MAIL_5J')?.provisional, true);
      const bad = vigie(database.url, ['indicators', '--org', 'test', '--period', 'mars']);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /Période : « mars » attendue sous la forme 2026-03/);
    });
  });
}
