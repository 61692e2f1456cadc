import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { listIndicators } from './referentiel.repository.ts';
import { ensureReferentiel, referentielTree } from './referentiel.service.ts';

for (const engine of testEngines()) {
  describe(`référentiel (${engine})`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
    });
    after(() => t.close());

    it('charge les 8 modules, 23 engagements, 3 critères et 33 indicateurs', async () => {
      const tree = await referentielTree(t.ctx);
      assert.equal(tree.version?.shortName, 'Qual-e-pref');
      assert.equal(tree.modules.length, 8);
      assert.equal(tree.modules.flatMap((m) => m.engagements).length, 23);
      assert.deepEqual(tree.modules.flatMap((m) => m.engagements.flatMap((e) => e.criteria.map((c) => c.number))).sort(), [
        '2.1',
        '6.2',
        '8.4',
      ]);
      assert.equal((await listIndicators(t.ctx.db)).length, 33);
      const m1 = tree.modules[0];
      assert.equal(m1?.mandatory, 'always');
      assert.equal(tree.modules[1]?.mandatory, 'if_cert');
      const e17 = m1?.engagements.find((e) => e.number === 17);
      assert.deepEqual(
        e17?.indicators.map((i) => i.key),
        ['DI_COURRIER_10J', 'DI_MAIL_5J', 'DI_MAIL_DELAI', 'DI_COURRIER_DELAI'],
      );
      const m4 = tree.modules.find((m) => m.number === 4);
      assert.deepEqual(
        m4?.otherIndicators.map((i) => i.key),
        ['CT_COURRIER_10J', 'CT_MAIL_5J', 'CT_RDV_FIX_4J', 'CT_RDV_10J'],
      );
    });

    it('ne recharge pas une version déjà chargée', async () => {
      assert.equal(await ensureReferentiel(t.ctx), 'up_to_date');
    });
  });
}
