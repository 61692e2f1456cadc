import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import {
  insertCampaign,
  insertPoint,
  insertResponses,
  type PhysicalReceptionScenario,
  physicalReceptionScenario,
  times,
} from '../../../test/helpers/survey-fixtures.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import {
  type CriterionResult,
  campaignResponsesExport,
  campaignResults,
  surveyIndicatorFraction,
  surveyIndicatorMonthlyFractions,
} from './results.service.ts';
import { resultsTable, tableCsv, tableXlsx } from './results-export.ts';
import { formatInterval, formatRate } from './survey-statistics.ts';

function criterion(results: { criteria: CriterionResult[] }, key: string): CriterionResult {
  const found = results.criteria.find((c) => c.criterion.key === key);
  assert.ok(found, `critère ${key} absent`);
  return found;
}

for (const engine of testEngines()) {
  describe(`résultats des enquêtes (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let otherOrganisationId: string;
    let s: PhysicalReceptionScenario;
    let websiteCampaignId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      otherOrganisationId = (
        await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '75' }, CLI_ACTOR)
      ).id;
      s = await physicalReceptionScenario(t.ctx, organisationId);
      // Même canal, autre organisation : ne compte jamais chez la première.
      const foreign = await insertCampaign(t.ctx, {
        organisationId: otherOrganisationId,
        template: 'physical_reception',
        name: 'Autre accueil',
        startsOn: '2026-03-01',
        endsOn: '2026-03-31',
      });
      const foreignPoint = await insertPoint(t.ctx, {
        organisationId: otherOrganisationId,
        campaignId: foreign.campaignId,
        label: 'Borne',
        mode: 'kiosk',
      });
      await insertResponses(
        t.ctx,
        { organisationId: otherOrganisationId, campaignId: foreign.campaignId, pointId: foreignPoint, mode: 'kiosk' },
        times(40, { answers: { courtesy: 'very_dissatisfied' } }),
      );
      // Autre canal enquêté de la même organisation, même période : hors des indicateurs d'accueil physique.
      const phone = await insertCampaign(t.ctx, {
        organisationId,
        template: 'phone',
        name: 'Téléphone mars',
        startsOn: '2026-03-01',
        endsOn: '2026-03-31',
      });
      const phonePoint = await insertPoint(t.ctx, {
        organisationId,
        campaignId: phone.campaignId,
        label: 'Standard',
        mode: 'phone',
      });
      await insertResponses(
        t.ctx,
        { organisationId, campaignId: phone.campaignId, pointId: phonePoint, mode: 'phone' },
        times(10, { answers: { courtesy: 'dissatisfied' } }),
      );
      // Site internet : questions posées seulement à ceux qui ont utilisé le site.
      const website = await insertCampaign(t.ctx, {
        organisationId,
        template: 'website',
        name: 'Site 2026',
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
      });
      websiteCampaignId = website.campaignId;
      const qr = await insertPoint(t.ctx, { organisationId, campaignId: websiteCampaignId, label: 'Affiche QR', mode: 'qr' });
      const point = { organisationId, campaignId: websiteCampaignId, pointId: qr, mode: 'qr' as const };
      await insertResponses(t.ctx, point, [
        ...times(5, { answers: { website_used: 'yes', website_access: 'satisfied' } }),
        ...times(1, { answers: { website_used: 'yes' } }),
        ...times(4, { answers: { website_used: 'no' } }),
      ]);
    });
    after(async () => {
      await t.close();
    });

    it('81 satisfaits sur 100 exprimés et 7 « sans avis » : 81 %, n = 100, [72,2 % ; 87,5 %], réponse signalée exclue', async () => {
      const r = await campaignResults(t.ctx, organisationId, s.currentId);
      assert.equal(r.responses, 107);
      assert.equal(r.flagged, 1);
      const courtesy = criterion(r, 'courtesy');
      assert.equal(courtesy.estimate.status, 'measured');
      assert.equal(courtesy.estimate.successes, 81);
      assert.equal(courtesy.estimate.n, 100);
      assert.equal(courtesy.estimate.indicative, false);
      assert.equal(formatRate(courtesy.estimate), '81\u00a0%');
      assert.equal(formatInterval(courtesy.estimate.interval), '[72,2\u00a0%\u00a0; 87,5\u00a0%]');
      assert.deepEqual(
        courtesy.distribution.bars.map((b) => [b.value, b.count]),
        [
          ['very_satisfied', 50],
          ['satisfied', 31],
          ['dissatisfied', 9],
          ['very_dissatisfied', 10],
          ['no_opinion', 7],
        ],
      );
      assert.equal(courtesy.distribution.unanswered, 0);
      // Inclure les réponses signalées : 81 sur 101.
      const withFlagged = await campaignResults(t.ctx, organisationId, s.currentId, { includeFlagged: true });
      assert.equal(withFlagged.responses, 108);
      assert.equal(criterion(withFlagged, 'courtesy').estimate.n, 101);
    });

    it('rien d’exprimé : « Sans objet », jamais 0 %, et la moyenne des critères l’ignore', async () => {
      const r = await campaignResults(t.ctx, organisationId, s.currentId);
      const confidentiality = criterion(r, 'confidentiality');
      assert.equal(confidentiality.estimate.status, 'not_applicable');
      assert.equal(confidentiality.estimate.rate, null);
      assert.equal(formatRate(confidentiality.estimate), 'Sans objet');
      assert.equal(confidentiality.tally.kind === 'satisfaction_4' && confidentiality.tally.no_opinion, 7);
      // Taux poolé : (84 + 107 + 81) / (107 + 107 + 100).
      assert.equal(r.global.pooled.successes, 272);
      assert.equal(r.global.pooled.n, 314);
      assert.equal(r.global.meanOfCriterionRates.criteriaMeasured, 3);
      assert.equal(r.global.meanOfCriterionRates.criteriaNotApplicable, 1);
      assert.ok(Math.abs((r.global.meanOfCriterionRates.value ?? 0) - (84 / 107 + 1 + 0.81) / 3) < 1e-12);
    });

    it('lecture par mode de collecte et par point', async () => {
      const kiosk = await campaignResults(t.ctx, organisationId, s.currentId, { mode: 'kiosk' });
      assert.equal(kiosk.responses, 60);
      assert.equal(kiosk.flagged, 1);
      assert.equal(criterion(kiosk, 'courtesy').estimate.successes, 50);
      assert.equal(criterion(kiosk, 'courtesy').estimate.n, 60);
      const paper = await campaignResults(t.ctx, organisationId, s.currentId, { collectionPointId: s.paperPointId });
      assert.equal(paper.filter.collectionPoint?.label, 'Formulaires papier');
      assert.equal(paper.responses, 47);
      assert.equal(paper.flagged, 0);
      assert.equal(criterion(paper, 'courtesy').estimate.successes, 31);
      assert.equal(criterion(paper, 'courtesy').estimate.n, 40);
      assert.equal(criterion(paper, 'courtesy').estimate.indicative, false);
      const visit = paper.profiles.find((p) => p.question.key === 'visit_reason');
      assert.equal(visit?.distribution.respondents, 40);
      assert.equal(visit?.distribution.unanswered, 7);
      assert.equal(visit?.distribution.bars.find((b) => b.value === 'counter')?.count, 40);
      // Un point d'une autre campagne est ignoré : toutes les réponses.
      const unknown = await campaignResults(t.ctx, organisationId, s.currentId, { collectionPointId: 'inconnu' });
      assert.equal(unknown.filter.collectionPoint, null);
      assert.equal(unknown.responses, 107);
    });

    it('comparaison avec la campagne précédente : significative, non significative, non calculable', async () => {
      const r = await campaignResults(t.ctx, organisationId, s.currentId);
      assert.equal(r.previous?.campaign.id, s.previousId);
      const courtesy = criterion(r, 'courtesy').comparison;
      assert.ok(courtesy?.status === 'compared' && courtesy.comparison.status === 'computed');
      assert.equal(courtesy.comparison.significant, true);
      assert.ok(Math.abs(courtesy.comparison.difference - 0.21) < 1e-12);
      const orientation = criterion(r, 'orientation').comparison;
      assert.ok(orientation?.status === 'compared' && orientation.comparison.status === 'computed');
      assert.equal(orientation.comparison.significant, false);
      const waiting = criterion(r, 'waiting_time').comparison;
      assert.ok(waiting?.status === 'compared' && waiting.comparison.status === 'not_computable');
      assert.equal(waiting.comparison.reason, 'no_variance');
      const confidentiality = criterion(r, 'confidentiality').comparison;
      assert.ok(confidentiality?.status === 'compared' && confidentiality.comparison.status === 'not_computable');
      assert.equal(confidentiality.comparison.reason, 'both_empty');
      // La première campagne n'a rien à quoi se comparer.
      const first = await campaignResults(t.ctx, organisationId, s.previousId);
      assert.equal(first.previous, null);
      assert.equal(criterion(first, 'courtesy').comparison, null);
    });

    it('commentaires masqués (adresse, téléphone) avec thèmes suggérés, du plus récent au plus ancien', async () => {
      const r = await campaignResults(t.ctx, organisationId, s.currentId);
      assert.equal(r.comments?.total, 3);
      const texts = r.comments?.rows.map((c) => c.text) ?? [];
      assert.equal(texts.length, 3);
      const all = texts.join('\n');
      assert.doesNotMatch(all, /jean\.dupont@example\.fr/);
      assert.doesNotMatch(all, /06 12 34 56 78/);
      assert.match(all, /écrivez-moi à \[/);
      const waiting = r.comments?.rows.find((c) => c.text.startsWith('Attente'));
      assert.ok(waiting?.themes.some((theme) => theme.theme === 'Attente au guichet'));
      assert.equal(r.comments?.rows[0]?.collectionPointLabel, 'Formulaires papier');
    });

    it('question conditionnelle : seules les réponses concernées sont attendues', async () => {
      const r = await campaignResults(t.ctx, organisationId, websiteCampaignId);
      const access = criterion(r, 'website_access');
      assert.equal(access.estimate.n, 5);
      assert.equal(access.estimate.indicative, true);
      assert.equal(access.tally.no_answer, 1);
      const used = r.profiles.find((p) => p.question.key === 'website_used');
      assert.deepEqual(
        used?.distribution.bars.map((b) => [b.value, b.count]),
        [
          ['yes', 6],
          ['no', 4],
        ],
      );
    });

    it('une organisation ne lit jamais la campagne d’une autre', async () => {
      await assert.rejects(campaignResults(t.ctx, otherOrganisationId, s.currentId), { code: 'not_found' });
      await assert.rejects(campaignResponsesExport(t.ctx, otherOrganisationId, s.currentId), { code: 'not_found' });
    });

    it('exports relus : résultats (CSV, XLSX) et réponses avec commentaires masqués', async () => {
      const r = await campaignResults(t.ctx, organisationId, s.currentId);
      const csv = tableCsv(resultsTable(r)).toString('utf8');
      assert.ok(csv.startsWith('\ufeffcriterion;criterion_label;'));
      const courtesyLine = csv.split('\r\n').find((line) => line.startsWith('courtesy;'));
      assert.match(
        courtesyLine ?? '',
        /^courtesy;Accueil et courtoisie;courtesy;satisfaction_4;measured;81;81;100;72,22;87,49;non;50;31;9;10;7;;;0;60;21;/,
      );
      assert.match(courtesyLine ?? '', /;significatif$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await tableXlsx(resultsTable(r), 'Résultats')) as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Résultats');
      assert.equal(sheet?.getRow(1).getCell(1).value, 'criterion');
      const rows = sheet?.getSheetValues() ?? [];
      const courtesyRow = rows.find((row) => Array.isArray(row) && row[1] === 'courtesy') as unknown[] | undefined;
      assert.equal(courtesyRow?.[6], 81);
      assert.equal(courtesyRow?.[8], 100);

      const { table } = await campaignResponsesExport(t.ctx, organisationId, s.currentId);
      assert.equal(table.rows.length, 108, 'toutes les réponses, signalée comprise');
      assert.deepEqual(table.columns.slice(6), [
        'visit_reason',
        'orientation',
        'waiting_time',
        'courtesy',
        'confidentiality',
        'comment',
      ]);
      const responsesCsv = tableCsv(table).toString('utf8');
      assert.doesNotMatch(responsesCsv, /jean\.dupont|06 12 34 56 78/);
      assert.match(responsesCsv, /Réponse en moins de 2 secondes/);
      const paper = await campaignResponsesExport(t.ctx, organisationId, s.currentId, { mode: 'paper' });
      assert.equal(paper.table.rows.length, 47);
    });

    it('surveyIndicatorFraction additionne les campagnes du canal qui recoupent la période', async () => {
      const both = await surveyIndicatorFraction(t.ctx, organisationId, {
        surveyedChannel: 'physical_reception',
        criterion: 'courtesy',
        from: '2025-10-01',
        to: '2026-03-31',
      });
      assert.equal(both.numerator, 141);
      assert.equal(both.denominator, 200);
      assert.equal(both.value, 70.5);
      assert.equal(both.status, 'measured');
      assert.equal(both.campaignIds.length, 2);
      const pooled = await surveyIndicatorFraction(t.ctx, organisationId, {
        surveyedChannel: 'physical_reception',
        criterion: null,
        from: '2025-10-15',
        to: '2026-03-10',
      });
      assert.deepEqual([pooled.numerator, pooled.denominator, pooled.value], [272 + 240, 314 + 300, 83.39]);
      // Les formulaires papier, donnés le 10 mars, ne comptent pas dans une période qui s'arrête le 9.
      const beforePaper = await surveyIndicatorFraction(t.ctx, organisationId, {
        surveyedChannel: 'physical_reception',
        criterion: null,
        from: '2025-10-15',
        to: '2026-03-09',
      });
      assert.deepEqual([beforePaper.numerator, beforePaper.denominator], [512 - 114, 614 - 134]);
      // Les deux campagnes recoupent la période, mais aucune réponse n'y a été donnée : sans objet, jamais 0 %.
      const quiet = await surveyIndicatorFraction(t.ctx, organisationId, {
        surveyedChannel: 'physical_reception',
        criterion: null,
        from: '2025-10-31',
        to: '2026-03-01',
      });
      assert.deepEqual([quiet.status, quiet.value, quiet.campaignIds.length], ['not_applicable', null, 2]);
      const current = await surveyIndicatorFraction(t.ctx, organisationId, {
        surveyedChannel: 'physical_reception',
        criterion: 'courtesy',
        from: '2026-01-01',
        to: '2026-12-31',
      });
      assert.deepEqual([current.numerator, current.denominator], [81, 100]);
      const none = await surveyIndicatorFraction(t.ctx, organisationId, {
        surveyedChannel: 'physical_reception',
        criterion: 'confidentiality',
        from: '2025-01-01',
        to: '2026-12-31',
      });
      assert.deepEqual([none.status, none.numerator, none.denominator, none.value], ['not_applicable', 0, 0, null]);
      await assert.rejects(
        surveyIndicatorFraction(t.ctx, organisationId, {
          surveyedChannel: 'physical_reception',
          criterion: null,
          from: '2026-12-31',
          to: '2026-01-01',
        }),
        { code: 'validation_failed' },
      );
      await assert.rejects(
        surveyIndicatorFraction(t.ctx, organisationId, {
          surveyedChannel: 'physical_reception',
          criterion: null,
          from: '2026-02-01',
          to: '2026-02-30',
        }),
        { code: 'validation_failed' },
      );
    });

    it('une réponse donnée en mars (heure de Paris) ne compte pas en février, même à minuit passé de peu', async () => {
      // Campagne PAN de février à mars ; les instants sont en UTC, le département (63) est à l'heure de Paris.
      const pan = await insertCampaign(t.ctx, {
        organisationId,
        template: 'digital_access_point',
        name: 'PAN hiver 2026',
        startsOn: '2026-02-01',
        endsOn: '2026-03-31',
      });
      const kiosk = await insertPoint(t.ctx, { organisationId, campaignId: pan.campaignId, label: 'Borne PAN', mode: 'kiosk' });
      await insertResponses(t.ctx, { organisationId, campaignId: pan.campaignId, pointId: kiosk, mode: 'kiosk' }, [
        // 1er février 00:30 à Paris : février.
        { answers: { confidentiality: 'satisfied' }, answeredAt: '2026-01-31T23:30:00.000Z' },
        // 28 février 23:59:59 à Paris : février.
        { answers: { confidentiality: 'very_satisfied' }, answeredAt: '2026-02-28T22:59:59.000Z' },
        { answers: { confidentiality: 'dissatisfied' }, answeredAt: '2026-02-10T10:00:00.000Z' },
        // 1er mars 00:00 à Paris : mars.
        { answers: { confidentiality: 'dissatisfied' }, answeredAt: '2026-02-28T23:00:00.000Z' },
        { answers: { confidentiality: 'very_dissatisfied' }, answeredAt: '2026-03-15T10:00:00.000Z' },
        { answers: { confidentiality: 'satisfied' }, answeredAt: '2026-03-16T10:00:00.000Z' },
        // Signalée : jamais comptée.
        { answers: { confidentiality: 'satisfied' }, answeredAt: '2026-02-11T10:00:00.000Z', flaggedReason: 'Trop rapide' },
      ]);
      const query = { surveyedChannel: 'digital_access_point' as const, criterion: 'confidentiality' };
      const february = await surveyIndicatorFraction(t.ctx, organisationId, { ...query, from: '2026-02-01', to: '2026-02-28' });
      assert.deepEqual([february.numerator, february.denominator, february.value], [2, 3, 66.67]);
      const march = await surveyIndicatorFraction(t.ctx, organisationId, { ...query, from: '2026-03-01', to: '2026-03-31' });
      assert.deepEqual([march.numerator, march.denominator, march.value], [1, 3, 33.33]);

      const months = await surveyIndicatorMonthlyFractions(t.ctx, organisationId, { ...query, year: 2026 });
      assert.equal(months.length, 12);
      assert.deepEqual(
        months.map((m) => [m.status, m.numerator, m.denominator]),
        [
          ['not_applicable', 0, 0],
          ['measured', 2, 3],
          ['measured', 1, 3],
          ...Array.from({ length: 9 }, () => ['not_applicable', 0, 0]),
        ],
      );
      assert.deepEqual(months[1]?.campaignIds, [pan.campaignId]);
      assert.deepEqual(months[0]?.campaignIds, [], 'la campagne ne recoupe pas janvier');
      // Chaque mois de la lecture groupée est exactement la lecture du mois seul.
      const website = await surveyIndicatorMonthlyFractions(t.ctx, organisationId, {
        surveyedChannel: 'website',
        criterion: null,
        year: 2026,
      });
      assert.equal(website[2]?.status, 'measured');
      for (let m = 1; m <= 12; m++) {
        const month = `2026-${String(m).padStart(2, '0')}`;
        const single = await surveyIndicatorFraction(t.ctx, organisationId, {
          surveyedChannel: 'website',
          criterion: null,
          from: `${month}-01`,
          to: `${month}-${new Date(Date.UTC(2026, m, 0)).getUTCDate()}`,
        });
        assert.deepEqual(website[m - 1], single, month);
      }
    });
  });
}
