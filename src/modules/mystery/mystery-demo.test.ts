import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { countCampaigns, findCampaignByName, listContacts } from './mystery-campaign.repository.ts';
import { campaignPlan, campaignWindowViolations } from './mystery-campaign.service.ts';
import { DEMO_CLOSED_CAMPAIGN, DEMO_DRAFT_CAMPAIGN, ensureDemoMystery } from './mystery-demo.ts';
import { listAllScenarios } from './mystery-scenario.repository.ts';
import { readyMadeScenarios } from './mystery-scenario.service.ts';

for (const engine of testEngines()) {
  describe(`enquêtes mystère de démonstration (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'demo-mystere', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      for (const [name, mailboxAddress] of [
        ['Standard', ''],
        ['Accueil général', 'pref-accueil@demo.vigie.test'],
        ['Service des étrangers', 'pref-etrangers@demo.vigie.test'],
      ]) {
        await addService(t.ctx, organisationId, { name, mailboxAddress }, CLI_ACTOR);
      }
      await createAccount(
        t.ctx,
        { email: 'referent@demo.vigie.test', role: 'admin', organisationId, password: 'Demo-Vigie-2026' },
        CLI_ACTOR,
      );
    });
    after(() => t.close());

    it('crée une seule fois la banque, une campagne close de 20 appels hors vacances et un brouillon avec son plan', async () => {
      await ensureDemoMystery(t.ctx, organisationId);
      await ensureDemoMystery(t.ctx, organisationId);
      assert.equal((await listAllScenarios(t.ctx.db, organisationId)).length, readyMadeScenarios().length);
      assert.equal(await countCampaigns(t.ctx.db, organisationId), 2);

      const closed = await findCampaignByName(t.ctx.db, organisationId, DEMO_CLOSED_CAMPAIGN);
      assert.ok(closed);
      assert.equal(closed.status, 'closed');
      assert.equal(closed.channels, 'call');
      // L'horloge des tests est au 2 avril 2026 : deux semaines de mars, entre les vacances d'hiver et de printemps (zone A).
      assert.deepEqual([closed.window_from, closed.window_to], ['2026-03-16', '2026-03-27']);
      assert.deepEqual(
        await campaignWindowViolations(t.ctx, organisationId, { from: closed.window_from, to: closed.window_to }),
        [],
      );
      const calls = await listContacts(t.ctx.db, closed.id);
      assert.equal(calls.length, 20);
      assert.ok(calls.every((c) => c.status === 'done' && c.answers_json));
      // Chaque appel est daté de sa demi-journée, pas du jour où la démonstration a été créée.
      assert.ok(calls.every((c) => c.completed_at?.slice(0, 10) === c.date));
      assert.ok(closed.confirmed_at && closed.closed_at && closed.confirmed_at < closed.closed_at);

      const draft = await findCampaignByName(t.ctx.db, organisationId, DEMO_DRAFT_CAMPAIGN);
      assert.ok(draft);
      assert.equal(draft.status, 'draft');
      assert.ok(draft.window_from > '2026-04-02');
      const plan = await campaignPlan(t.ctx, organisationId, draft.id);
      assert.equal(plan.contacts.filter((c) => c.channel === 'call').length, 20);
      assert.equal(plan.contacts.filter((c) => c.channel === 'email').length, 20);
      assert.deepEqual(plan.violations, []);
    });
  });
}
