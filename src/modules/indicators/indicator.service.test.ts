import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createCase } from '../cases/case.service.ts';
import { createOrganisation, updatePerimeter } from '../organisations/organisation.service.ts';
import {
  addLocalIndicator,
  clearTarget,
  indicatorCatalogue,
  indicatorYearTable,
  recordValue,
  removeValue,
  setTarget,
} from './indicator.service.ts';

const AGENT = { userId: null, label: 'Agente Test' };

for (const engine of testEngines()) {
  describe(`indicateurs : catalogue, cibles, saisies et tableau de l'année (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'ind', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      await updatePerimeter(t.ctx, organisationId, { modules: ['1', '2', '7'], hasCert: 'on' }, CLI_ACTOR);
    });
    after(() => t.close());

    it('le catalogue suit le périmètre et reçoit les indicateurs locaux', async () => {
      const catalogue = await indicatorCatalogue(t.ctx, organisationId);
      const keys = catalogue.map((i) => i.key);
      assert.ok(keys.includes('TEL_ABOUTIS'));
      assert.ok(keys.includes('CIV_FRAUDE'));
      assert.ok(keys.includes('CRISE_EXERCICES'));
      assert.ok(!keys.includes('CT_MAIL_5J'), 'le module 4 n’est pas au périmètre');
      assert.equal(catalogue.find((i) => i.key === 'RS_ENGAGEMENT')?.source, 'social');
      assert.equal(catalogue.find((i) => i.key === 'WEB_CONNEXION')?.aggregation, 'mean_of_months');
      const { key } = await addLocalIndicator(
        t.ctx,
        organisationId,
        { label: 'Usagers reçus au guichet étrangers', unit: 'count', direction: 'none', source: 'manual' },
        CLI_ACTOR,
      );
      assert.equal(key, 'LOC_USAGERS_RECUS_AU_GUICHET_ETRAN');
      assert.ok((await indicatorCatalogue(t.ctx, organisationId)).some((i) => i.key === key && i.local));
    });

    it('une cible locale l’emporte sur la nationale ; la retirer fait revenir la nationale', async () => {
      await setTarget(t.ctx, { national: true }, 'TEL_ABOUTIS', 2026, { kind: 'min', low: '90' }, CLI_ACTOR);
      let table = await indicatorYearTable(t.ctx, organisationId, 2026, '2026-04-02');
      assert.equal(table.rows.find((r) => r.indicator.key === 'TEL_ABOUTIS')?.target?.label, '≥\u202f90\u202f%');
      await setTarget(t.ctx, { organisationId }, 'TEL_ABOUTIS', 2026, { kind: 'range', low: '75', high: '80' }, CLI_ACTOR);
      table = await indicatorYearTable(t.ctx, organisationId, 2026, '2026-04-02');
      const row = table.rows.find((r) => r.indicator.key === 'TEL_ABOUTIS');
      assert.equal(row?.target?.scope, 'local');
      assert.equal(row?.target?.label, '75 à 80\u202f%');
      await clearTarget(t.ctx, { organisationId }, 'TEL_ABOUTIS', 2026, CLI_ACTOR);
      table = await indicatorYearTable(t.ctx, organisationId, 2026, '2026-04-02');
      assert.equal(table.rows.find((r) => r.indicator.key === 'TEL_ABOUTIS')?.target?.scope, 'national');
      await assert.rejects(
        setTarget(t.ctx, { organisationId }, 'TEL_ABOUTIS', 2026, { kind: 'range', low: '80', high: '75' }, CLI_ACTOR),
        (error: { fields?: Record<string, string> }) => /supérieure ou égale/.test(error.fields?.high ?? ''),
      );
    });

    it('une saisie refuse 120 %, un numérateur au-delà du dénominateur, un « sans objet » sans raison', async () => {
      const reject = async (key: string, input: Record<string, string>, field: string, pattern: RegExp) => {
        await assert.rejects(
          recordValue(t.ctx, organisationId, key, input, AGENT),
          (error: { fields?: Record<string, string> }) => {
            assert.match(error.fields?.[field] ?? '', pattern);
            return true;
          },
        );
      };
      await reject('CRISE_CIP', { month: '2026-01', status: 'measured', value: '120' }, 'value', /entre 0 et 100/);
      await reject(
        'CRISE_CIP',
        { month: '2026-01', status: 'measured', numerator: '5', denominator: '4' },
        'numerator',
        /dépasser/,
      );
      await reject('CRISE_ACTIVATION', { month: '2026-01', status: 'not_applicable' }, 'note', /raison/);
      await reject('CRISE_ACTIVATION', { month: '2026-13', status: 'measured', value: '1' }, 'month', /AAAA-MM/);
      await reject('CRISE_ACTIVATION', { month: '2026-01', status: 'measured', value: '1,5' }, 'value', /entier/);
      await reject('RECL_MAIL_5J', { month: '2026-01', status: 'measured', value: '100' }, 'historic', /historique/);
      await reject(
        'CRISE_ACTIVATION',
        { month: '2026-01', status: 'measured', value: 'beaucoup' },
        'value',
        /nombre est attendu/,
      );
    });

    it('le tableau : « 4/an » cumulé, « sans objet » avec sa raison, valeur historique à la place du calcul', async () => {
      await setTarget(t.ctx, { organisationId }, 'CRISE_EXERCICES', 2026, { kind: 'count_per_year', low: '4' }, CLI_ACTOR);
      await recordValue(t.ctx, organisationId, 'CRISE_EXERCICES', { month: '2026-01', status: 'measured', value: '1' }, AGENT);
      await recordValue(t.ctx, organisationId, 'CRISE_EXERCICES', { month: '2026-02', status: 'measured', value: '0' }, AGENT);
      await recordValue(
        t.ctx,
        organisationId,
        'CRISE_INFO_ELUS',
        { month: '2026-02', status: 'not_applicable', note: 'aucune crise' },
        AGENT,
      );
      // Une réclamation électronique reçue en mars, répondue le lendemain : calculée par le registre.
      await createCase(
        t.ctx,
        organisationId,
        { kind: 'complaint', channel: 'email', receivedAt: '2026-03-02T09:00:00+01:00' },
        CLI_ACTOR,
      );
      // Janvier, avant Vigie : la valeur de l'ancien tableur, marquée historique.
      await recordValue(
        t.ctx,
        organisationId,
        'RECL_MAIL_5J',
        { month: '2026-01', status: 'measured', numerator: '3', denominator: '4', historic: 'on' },
        AGENT,
      );
      const table = await indicatorYearTable(t.ctx, organisationId, 2026, '2026-04-02');
      assert.equal(table.elapsedMonths, 4);
      const exercises = table.rows.find((r) => r.indicator.key === 'CRISE_EXERCICES');
      assert.ok(exercises);
      assert.equal(exercises.months[0]?.value, 1);
      assert.equal(exercises.months[0]?.target, null, 'une case mensuelle de « 4/an » n’a pas de statut');
      assert.equal(exercises.months[2]?.status, 'not_available', 'mars non saisi : non disponible, pas 0');
      assert.equal(exercises.months[5], null, 'juin n’a pas commencé');
      assert.equal(exercises.yearToDate.value, 1);
      assert.equal(exercises.yearToDate.target, 'behind');
      assert.equal(exercises.months[0]?.provenance, 'typed');
      const info = table.rows.find((r) => r.indicator.key === 'CRISE_INFO_ELUS');
      assert.equal(info?.months[1]?.status, 'not_applicable');
      assert.equal(info?.months[1]?.note, 'aucune crise');
      const complaints = table.rows.find((r) => r.indicator.key === 'RECL_MAIL_5J');
      assert.ok(complaints);
      assert.equal(complaints.months[0]?.value, 75);
      assert.equal(complaints.months[0]?.provenance, 'historic');
      assert.equal(complaints.months[1]?.status, 'not_applicable', 'février sans réclamation : sans objet, pas 0 %');
      assert.equal(complaints.months[2]?.status, 'measured', 'mars : réclamation échue sans réponse');
      assert.equal(complaints.months[2]?.value, 0);
      assert.equal(complaints.months[2]?.provenance, 'computed');
      // Le trimestre recompose les sommes : 3 tenues sur 5.
      assert.equal(complaints.quarters[0]?.numerator, 3);
      assert.equal(complaints.quarters[0]?.denominator, 5);
      assert.equal(complaints.quarters[0]?.value, 60);
      assert.equal(complaints.quarters[1]?.provisional, true);
      await removeValue(t.ctx, organisationId, 'RECL_MAIL_5J', '2026-01', AGENT);
      const again = await indicatorYearTable(t.ctx, organisationId, 2026, '2026-04-02');
      assert.equal(again.rows.find((r) => r.indicator.key === 'RECL_MAIL_5J')?.months[0]?.status, 'not_applicable');
    });
  });
}
