import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { insertCampaign, insertPoint, insertResponses } from '../../../test/helpers/survey-fixtures.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { indicatorYearTable } from './indicator.service.ts';

for (const engine of testEngines()) {
  describe(`tableau de l'année : indicateurs d'enquête mois par mois (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      // La Réunion (UTC+4) : le mois local commence la veille à 20 h UTC.
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'reunion', name: 'Préfecture de La Réunion', department: '974' }, CLI_ACTOR)
      ).id;
      const pan = await insertCampaign(t.ctx, {
        organisationId,
        template: 'digital_access_point',
        name: 'PAN premier trimestre',
        startsOn: '2026-01-01',
        endsOn: '2026-03-31',
      });
      const kiosk = await insertPoint(t.ctx, { organisationId, campaignId: pan.campaignId, label: 'Borne PAN', mode: 'kiosk' });
      await insertResponses(t.ctx, { organisationId, campaignId: pan.campaignId, pointId: kiosk, mode: 'kiosk' }, [
        { answers: { confidentiality: 'satisfied' }, answeredAt: '2026-02-10T08:00:00.000Z' },
        { answers: { confidentiality: 'very_dissatisfied' }, answeredAt: '2026-02-27T08:00:00.000Z' },
        // 28 février 21:30 UTC = 1er mars 01:30 à La Réunion : mars.
        { answers: { confidentiality: 'dissatisfied' }, answeredAt: '2026-02-28T21:30:00.000Z' },
        { answers: { confidentiality: 'very_satisfied' }, answeredAt: '2026-03-12T08:00:00.000Z' },
      ]);
    });
    after(() => t.close());

    it('une réponse donnée en mars ne compte pas en février ; un mois sans réponse est sans objet', async () => {
      const table = await indicatorYearTable(t.ctx, organisationId, 2026, '2026-04-15');
      const row = table.rows.find((r) => r.indicator.key === 'PAN_SATISF_CONF');
      assert.ok(row);
      const [january, february, march, april, may] = row.months;
      assert.equal(january?.status, 'not_applicable');
      assert.deepEqual([february?.numerator, february?.denominator, february?.value], [1, 2, 50]);
      assert.deepEqual([march?.numerator, march?.denominator, march?.value], [1, 2, 50]);
      assert.equal(april?.status, 'not_applicable');
      assert.equal(may, null, 'mois pas encore commencé à la date d’arrêté');
      // Le trimestre additionne les décomptes des mois, jamais leurs pourcentages.
      assert.deepEqual([row.quarters[0]?.numerator, row.quarters[0]?.denominator], [2, 4]);
    });
  });
}
