import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation, updatePerimeter } from '../organisations/organisation.service.ts';
import { addLocalIndicator, indicatorYearTable, recordValue } from './indicator.service.ts';
import type { ImportSource } from './indicator-catalogue.ts';
import {
  importIndicatorFile,
  prepareMapping,
  readImportFile,
  rememberedMapping,
  yearOfFirstLine,
} from './indicator-import.service.ts';

const ACTOR = { userId: null, label: 'Référente Test' };

function sample(source: ImportSource): string {
  return readFileSync(new URL(`../../../docs/formats/indicateurs-${source}-exemple.csv`, import.meta.url), 'utf8');
}

for (const engine of testEngines()) {
  describe(`import des indicateurs : fichiers d'exemple, remplacement, tout ou rien (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let withoutCert: string;
    let other: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      await updatePerimeter(t.ctx, organisationId, { modules: ['1', '2'], hasCert: 'on' }, CLI_ACTOR);
      withoutCert = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      other = (await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)).id;
    });
    after(() => t.close());

    const rowOf = async (key: string, org = organisationId) => {
      const table = await indicatorYearTable(t.ctx, org, 2026, '2026-12-31');
      const row = table.rows.find((r) => r.indicator.key === key);
      assert.ok(row, `${key} absent du tableau`);
      return row;
    };
    const storedCount = async (org = organisationId) =>
      (await t.ctx.db.selectFrom('indicator_values').select('id').where('organisation_id', '=', org).execute()).length;

    it('téléphonie : le fichier d’exemple donne 89 % en janvier et 89,93 % au 2e trimestre', async () => {
      const progress: [number, number][] = [];
      const summary = await importIndicatorFile(
        t.ctx,
        organisationId,
        { source: 'telephony', year: 2026, csv: sample('telephony'), fileName: 'indicateurs-telephony-exemple.csv' },
        ACTOR,
        { onProgress: (done, total) => void progress.push([done, total]) },
      );
      assert.equal(summary.lineCount, 27);
      assert.equal(summary.values.length, 6);
      assert.equal(summary.replaced, 0);
      assert.deepEqual(progress, [
        [0, 27],
        [27, 27],
      ]);
      const row = await rowOf('TEL_ABOUTIS');
      assert.equal(row.months[0]?.value, 89);
      assert.equal(row.months[0]?.provenance, 'imported');
      assert.equal(row.months[1]?.note, "problème Memobox le 12/02 : appels de l'après-midi non comptés");
      assert.equal(row.months[5]?.value, 90.25);
      assert.deepEqual([row.quarters[1]?.numerator, row.quarters[1]?.denominator, row.quarters[1]?.value], [32832, 36507, 89.93]);
      const stored = await t.ctx.db
        .selectFrom('indicator_values')
        .selectAll()
        .where('indicator_key', '=', 'TEL_ABOUTIS')
        .where('month', '=', '2026-01')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [stored.provenance, stored.source_file, stored.entered_by_name, stored.numerator, stored.denominator],
        ['import', 'indicateurs-telephony-exemple.csv', 'Référente Test', 11107, 12480],
      );
      const audit = await t.ctx.db.selectFrom('audit_events').selectAll().where('action', '=', 'indicator.imported').execute();
      assert.equal(audit.length, 1);
      assert.match(
        audit[0]?.summary ?? '',
        /Import Téléphonie « indicateurs-telephony-exemple\.csv » \(2026\) : 6 valeur\(s\) sur 6 mois/,
      );
    });

    it('statistiques du site : IM106 8, 7 et 10 % ; le trimestre est la moyenne des mois (8,33 %)', async () => {
      await importIndicatorFile(
        t.ctx,
        organisationId,
        { source: 'web_analytics', year: 2026, csv: sample('web_analytics'), fileName: 'web.csv' },
        ACTOR,
      );
      const row = await rowOf('WEB_CONNEXION');
      assert.deepEqual(
        row.months.slice(0, 6).map((c) => c?.value),
        [8, 7, 10, 9.1, 8.4, 7.7],
      );
      assert.equal(row.months[0]?.denominator, 664453);
      assert.equal(row.quarters[0]?.value, 8.33);
    });

    it('réseaux sociaux : engagement 4, 5, 4 % ; 23 000 vues par jour sur Facebook, 2 800 sur Twitter au trimestre', async () => {
      await importIndicatorFile(
        t.ctx,
        organisationId,
        { source: 'social', year: 2026, csv: sample('social'), fileName: 'social.csv' },
        ACTOR,
      );
      const engagement = await rowOf('RS_ENGAGEMENT');
      assert.deepEqual(
        engagement.months.slice(0, 3).map((c) => c?.value),
        [4, 5, 4],
      );
      const views = await rowOf('RS_VUES_JOUR');
      assert.deepEqual(
        views.quarters[0]?.breakdown.map((b) => [b.label, b.value]),
        [
          ['Facebook', 23000],
          ['X/Twitter', 2800],
        ],
      );
      // Le total est la somme des réseaux par jour, pas leur moyenne.
      assert.equal(views.quarters[0]?.value, 25800);
      const connections = await rowOf('RS_CONNEXIONS_MOIS');
      assert.equal(connections.months[0]?.value, 14000);
    });

    it('ANTS : fraude CIV 2,37 ‰, délai de délivrance pondéré au trimestre, médiane du permis moyennée', async () => {
      const summary = await importIndicatorFile(
        t.ctx,
        organisationId,
        { source: 'ants', year: 2026, csv: sample('ants'), fileName: 'ants.csv' },
        ACTOR,
      );
      assert.deepEqual(summary.ignored, []);
      assert.deepEqual(
        (await rowOf('CIV_FRAUDE')).months.slice(0, 3).map((c) => c?.value),
        [2.37, 3.01, 3.25],
      );
      assert.deepEqual(
        (await rowOf('PC_FRAUDE')).months.slice(1, 3).map((c) => c?.value),
        [4.66, 4.4],
      );
      assert.equal((await rowOf('CIV_TELEPROC_DELAI')).quarters[0]?.value, 4);
      assert.equal((await rowOf('TP_CNI_PASS')).quarters[0]?.value, 18.26);
      assert.equal((await rowOf('TP_CIV')).quarters[0]?.value, 4.96);
      assert.equal((await rowOf('TP_PC')).quarters[0]?.value, 28.01);
      assert.equal((await rowOf('PC_DELAI_MEDIAN')).quarters[0]?.value, 8.67);
    });

    it('un mois réimporté remplace le précédent, ventilations comprises, et la prévisualisation le dit', async () => {
      // Le réseau renommé ne doit pas s'ajouter à l'ancien, et une saisie à la main est remplacée aussi.
      await recordValue(
        t.ctx,
        organisationId,
        'RS_CONNEXIONS_MOIS',
        { month: '2026-04', status: 'measured', value: '500' },
        ACTOR,
      );
      const csv =
        'mois;reseau;engagements;impressions;vues;connexions\n2026-01;Facebook;100;1000;31000;10\n2026-01;X;50;1000;3100;20\n2026-04;Facebook;10;100;3000;30\n';
      const preview = await importIndicatorFile(
        t.ctx,
        organisationId,
        { source: 'social', year: 2026, csv, fileName: 'social-corrige.csv' },
        ACTOR,
        { dryRun: true },
      );
      // Janvier : 3 indicateurs × 2 réseaux ; avril : la saisie de RS_CONNEXIONS_MOIS.
      assert.equal(preview.replaced, 7);
      assert.equal(preview.replacedTyped, 1);
      assert.deepEqual(preview.months, ['2026-01', '2026-04']);
      await importIndicatorFile(
        t.ctx,
        organisationId,
        { source: 'social', year: 2026, csv, fileName: 'social-corrige.csv' },
        ACTOR,
      );
      const views = await rowOf('RS_VUES_JOUR');
      assert.deepEqual(
        views.months[0]?.breakdown.map((b) => [b.label, b.value]),
        [
          ['Facebook', 1000],
          ['X', 100],
        ],
      );
      assert.equal((await rowOf('RS_ENGAGEMENT')).months[1]?.value, 5, 'février inchangé');
      assert.equal((await rowOf('RS_CONNEXIONS_MOIS')).months[3]?.value, 30);
    });

    it('tout ou rien : une ligne fautive, rien n’est écrit ; les erreurs donnent ligne et raison', async () => {
      const before = await storedCount();
      const csv = `${sample('telephony').trim()}\n2026-07-01;100;120;\n2026-08;-3;0;\n`;
      await assert.rejects(
        importIndicatorFile(t.ctx, organisationId, { source: 'telephony', year: 2026, csv, fileName: 'faux.csv' }, ACTOR),
        (error: { code: string; fields: Record<string, string> }) => {
          assert.equal(error.code, 'import_failed');
          assert.deepEqual(error.fields, {
            'ligne 29': 'ligne 29 : appels_aboutis (120) supérieur à appels_recus (100)',
            'ligne 30': 'ligne 30 : appels_recus négatif (-3)',
          });
          return true;
        },
      );
      await assert.rejects(
        importIndicatorFile(
          t.ctx,
          organisationId,
          { source: 'telephony', year: 2025, csv: sample('telephony'), fileName: 'x.csv' },
          ACTOR,
        ),
        /Import refusé/,
      );
      await assert.rejects(
        importIndicatorFile(
          t.ctx,
          organisationId,
          { source: 'telephony', year: 2026, csv: sample('ants'), fileName: 'ants.csv' },
          ACTOR,
        ),
        (error: { fields: Record<string, string> }) => {
          assert.match(
            error.fields['ligne 1'] ?? '',
            /colonnes obligatoires manquantes : appels_recus, appels_aboutis — ce fichier n’est pas au format « Téléphonie »/,
          );
          return true;
        },
      );
      await assert.rejects(
        importIndicatorFile(t.ctx, organisationId, { source: 'web_analytics', year: 2026, csv: '', fileName: 'vide.csv' }, ACTOR),
        /Import refusé/,
      );
      assert.equal(await storedCount(), before);
    });

    it('la correspondance des colonnes est retenue par source et proposée au prochain fichier', async () => {
      const csv = 'Période;Visites totales;Sessions uniques\n2026-09;60000;41000\n';
      const step = await prepareMapping(t.ctx, other, 'web_analytics', csv);
      assert.equal(step.remembered, false);
      assert.deepEqual(step.mapping, { mois: 'Période', visites: '', note: '' });
      assert.deepEqual(step.samples['Visites totales'], ['60000']);
      const mapping = { mois: 'Période', visites: 'Visites totales', note: '' };
      await importIndicatorFile(
        t.ctx,
        other,
        { source: 'web_analytics', year: 2026, csv, fileName: 'matomo.csv', mapping },
        ACTOR,
      );
      assert.deepEqual(await rememberedMapping(t.ctx, other, 'web_analytics'), mapping);
      const next = await prepareMapping(t.ctx, other, 'web_analytics', csv.replace('2026-09;60000', '2026-10;61000'));
      assert.equal(next.remembered, true);
      assert.deepEqual(next.mapping, mapping);
      // Sans correspondance fournie (ligne de commande), celle retenue s'applique.
      const summary = await importIndicatorFile(
        t.ctx,
        other,
        { source: 'web_analytics', year: 2026, csv: csv.replace('2026-09;60000', '2026-10;61000'), fileName: 'matomo.csv' },
        ACTOR,
      );
      assert.equal(summary.values[0]?.numerator, 61000);
      assert.equal(await yearOfFirstLine(t.ctx, other, 'web_analytics', csv), 2026);
    });

    it('sans CERT : les indicateurs ANTS sont annoncés ignorés et rien n’est enregistré', async () => {
      const preview = await importIndicatorFile(
        t.ctx,
        withoutCert,
        { source: 'ants', year: 2026, csv: sample('ants'), fileName: 'ants.csv' },
        ACTOR,
        { dryRun: true },
      );
      assert.deepEqual(preview.values, []);
      assert.deepEqual(
        preview.ignored.map((i) => [i.indicatorKey, i.values]),
        [
          ['CIV_TELEPROC_DELAI', 3],
          ['CIV_FRAUDE', 3],
          ['PC_DELAI_MEDIAN', 3],
          ['PC_FRAUDE', 3],
          ['TP_CNI_PASS', 3],
          ['TP_CIV', 3],
          ['TP_PC', 3],
        ],
      );
      assert.match(preview.ignored[0]?.reason ?? '', /module 2 : préfectures dotées d’un CERT/);
      await assert.rejects(
        importIndicatorFile(t.ctx, withoutCert, { source: 'ants', year: 2026, csv: sample('ants'), fileName: 'ants.csv' }, ACTOR),
        /Certaines informations sont invalides/,
      );
      assert.equal(await storedCount(withoutCert), 0);
    });

    it('indicateurs locaux : le fichier d’exemple, par clé ou libellé, remplace une saisie, correspondance retenue', async () => {
      const org = (
        await createOrganisation(
          t.ctx,
          { slug: 'haute-loire', name: 'Préfecture de la Haute-Loire', department: '43' },
          CLI_ACTOR,
        )
      ).id;
      const created = [
        await addLocalIndicator(
          t.ctx,
          org,
          { label: 'Usagers guichet étrangers', unit: 'count', direction: 'none', source: 'import' },
          ACTOR,
        ),
        await addLocalIndicator(
          t.ctx,
          org,
          { label: 'RDV séjour honorés', unit: 'percent', direction: 'higher_is_better', source: 'import' },
          ACTOR,
        ),
        // En saisie mensuelle : un fichier de rattrapage est accepté aussi.
        await addLocalIndicator(
          t.ctx,
          org,
          {
            label: 'Délai moyen d’obtention d’un rendez-vous naturalisation',
            unit: 'days',
            direction: 'lower_is_better',
            source: 'manual',
          },
          ACTOR,
        ),
      ].map((c) => c.key);
      assert.deepEqual(created, [
        'LOC_USAGERS_GUICHET_ETRANGERS',
        'LOC_RDV_SEJOUR_HONORES',
        'LOC_DELAI_MOYEN_D_OBTENTION_D_UN_R',
      ]);
      await recordValue(
        t.ctx,
        org,
        'LOC_DELAI_MOYEN_D_OBTENTION_D_UN_R',
        { month: '2026-03', status: 'measured', value: '45' },
        ACTOR,
      );

      // Le fichier écrit le libellé avec l'apostrophe droite, le catalogue avec « ’ » : c'est le même.
      const csv = sample('local');
      const step = await prepareMapping(t.ctx, org, 'local', csv);
      assert.equal(step.remembered, false);
      assert.equal(step.lineCount, 9);
      const preview = await importIndicatorFile(
        t.ctx,
        org,
        { source: 'local', year: 2026, csv, fileName: 'indicateurs-local-exemple.csv' },
        ACTOR,
        { dryRun: true },
      );
      assert.equal(preview.sourceLabel, 'Indicateurs locaux');
      assert.equal(preview.values.length, 9);
      assert.deepEqual([preview.replaced, preview.replacedTyped], [1, 1]);
      assert.deepEqual(preview.ignored, []);
      assert.deepEqual(
        preview.values.slice(0, 3).map((v) => [v.label, v.month, v.status, v.value]),
        [
          ['Délai moyen d’obtention d’un rendez-vous naturalisation', '2026-01', 'measured', 38],
          ['Délai moyen d’obtention d’un rendez-vous naturalisation', '2026-02', 'not_applicable', null],
          ['Délai moyen d’obtention d’un rendez-vous naturalisation', '2026-03', 'measured', 41.5],
        ],
      );
      assert.equal(await storedCount(org), 1, 'la prévisualisation n’écrit rien');

      await importIndicatorFile(
        t.ctx,
        org,
        { source: 'local', year: 2026, csv, fileName: 'indicateurs-local-exemple.csv' },
        ACTOR,
      );
      assert.equal(await storedCount(org), 9);
      const visitors = await rowOf('LOC_USAGERS_GUICHET_ETRANGERS', org);
      assert.deepEqual(
        visitors.months.slice(0, 3).map((c) => c?.value),
        [1842, 1695, 2031],
      );
      assert.equal(visitors.months[2]?.note, "guichet fermé le 13/03 (panne de l'outil de rendez-vous)");
      assert.equal(visitors.months[0]?.provenance, 'imported');
      assert.equal(visitors.quarters[0]?.value, 5568);
      const appointments = await rowOf('LOC_RDV_SEJOUR_HONORES', org);
      assert.deepEqual(
        appointments.months.slice(0, 3).map((c) => c?.value),
        [88.61, 90.7, 90.62],
      );
      // Le trimestre d'un taux est recalculé des sommes, pas la moyenne des trois taux.
      assert.deepEqual(
        [appointments.quarters[0]?.numerator, appointments.quarters[0]?.denominator, appointments.quarters[0]?.value],
        [3361, 3736, 89.96],
      );
      const delay = await rowOf('LOC_DELAI_MOYEN_D_OBTENTION_D_UN_R', org);
      assert.equal(delay.months[1]?.status, 'not_applicable');
      assert.equal(delay.months[1]?.note, 'prise de rendez-vous suspendue tout le mois');
      assert.equal(delay.months[2]?.value, 41.5, 'la saisie de mars est remplacée');
      assert.equal(delay.quarters[0]?.value, 39.75);

      assert.deepEqual(await rememberedMapping(t.ctx, org, 'local'), {
        mois: 'mois',
        indicateur: 'indicateur',
        valeur: 'valeur',
        numerateur: 'numerateur',
        denominateur: 'denominateur',
        statut: 'statut',
        note: 'note',
      });
      assert.equal(await yearOfFirstLine(t.ctx, org, 'local', csv), 2026);

      // Tout ou rien : un indicateur inconnu (ou d'une autre organisation) fait tout refuser.
      await addLocalIndicator(
        t.ctx,
        other,
        { label: 'Accueil Cantal', unit: 'count', direction: 'none', source: 'import' },
        ACTOR,
      );
      await assert.rejects(
        importIndicatorFile(
          t.ctx,
          org,
          {
            source: 'local',
            year: 2026,
            csv: `${csv.trim()}\n2026-04;LOC_ACCUEIL_CANTAL;12;;;;\n2026-04;LOC_RDV_SEJOUR_HONORES;;1300;1264;;\n`,
            fileName: 'faux.csv',
          },
          ACTOR,
        ),
        (error: { code: string; fields: Record<string, string> }) => {
          assert.equal(error.code, 'import_failed');
          assert.deepEqual(error.fields, {
            'ligne 11':
              'ligne 11 : indicateur « LOC_ACCUEIL_CANTAL » inconnu : ni la clé (LOC_…) ni le libellé d’un indicateur local de l’organisation',
            'ligne 12': 'ligne 12 : numerateur (1300) supérieur au denominateur (1264) : un taux ne dépasse pas 100 %',
          });
          return true;
        },
      );
      assert.equal(await storedCount(org), 9);
    });

    it('XLSX : la première feuille est lue, un mois saisi en date Excel est accepté', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Audience');
      workbook.addWorksheet('Notes').addRow(['à ignorer']);
      sheet.addRow(['Mois', 'Visites']);
      sheet.addRow([new Date(Date.UTC(2026, 10, 1)), 70000]);
      sheet.addRow(['2026-12', 65000]);
      const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
      const csv = await readImportFile(bytes, 'audience.xlsx');
      const summary = await importIndicatorFile(
        t.ctx,
        withoutCert,
        { source: 'web_analytics', year: 2026, csv, fileName: 'audience.xlsx' },
        ACTOR,
      );
      assert.deepEqual(
        summary.values.map((v) => [v.month, v.numerator, v.denominator]),
        [
          ['2026-11', 70000, 333298],
          ['2026-12', 65000, 333298],
        ],
      );
    });
  });
}
