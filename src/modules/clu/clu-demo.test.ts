import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { ensureDemoClu } from './clu-demo.ts';
import { meetingDetail, meetingsPage } from './clu-meeting.service.ts';
import { listMemberOrganisations, listMembers } from './clu-member.repository.ts';

for (const engine of testEngines()) {
  describe(`comité de démonstration (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'demo-clu', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
    });
    after(() => t.close());

    it('crée membres et réunions une seule fois : une réunion tenue l’an passé, une à venir sur l’année en cours, propositions suivies', async () => {
      await ensureDemoClu(t.ctx, organisationId);
      await ensureDemoClu(t.ctx, organisationId);
      assert.equal((await listMemberOrganisations(t.ctx.db, organisationId)).length, 10);
      const members = await listMembers(t.ctx.db, organisationId);
      assert.equal(members.length, 10);
      assert.equal(members.filter((m) => !m.email).length, 2);
      const page = await meetingsPage(t.ctx, organisationId, 1);
      assert.equal(page.past.length, 1);
      assert.equal(page.upcoming.length, 1);
      const past = page.past[0];
      const upcoming = page.upcoming[0];
      assert.ok(past && upcoming);
      assert.equal(past.starts_at, '2025-06-30T10:00');
      assert.equal(upcoming.starts_at.slice(0, 4), '2026');
      const held = await meetingDetail(t.ctx, organisationId, past.id);
      assert.equal(held.attendees.length, 10);
      assert.ok(held.attendees.every((a) => a.status !== 'invited'));
      assert.equal(held.templates.length, 2);
      assert.ok(held.templates.every((tpl) => tpl.opinion));
      assert.equal(held.proposals.length, 3);
      assert.equal(held.proposals.filter((p) => p.followUp).length, 1);
      const next = await meetingDetail(t.ctx, organisationId, upcoming.id);
      assert.equal(next.previousMeeting?.id, past.id);
      assert.equal(next.previousMeeting?.proposals.length, 3);
      assert.deepEqual([next.periodFrom, next.periodTo], ['2026-01-01', '2026-12-31'], 'bilan de l’année de la démonstration');
    });
  });
}
