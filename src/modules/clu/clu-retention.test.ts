import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { runRetention } from '../jobs/retention.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { sendInvitations } from './clu-invitation.service.ts';
import { createMeeting, meetingDetail } from './clu-meeting.service.ts';
import { findMember } from './clu-member.repository.ts';
import { createMember, createMemberOrganisation, removeMember } from './clu-member.service.ts';
import { ERASED_MEMBER_NAME, purgeCluMembers } from './clu-retention.ts';

const DAY = 86_400_000;

for (const engine of testEngines()) {
  describe(`conservation des coordonnées des membres du CLU (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      t.clock.set('2026-01-15T09:00:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
    });
    after(() => t.close());

    it(`efface les coordonnées ${12} mois après le retrait, garde la présence aux réunions passées`, async () => {
      assert.equal(t.ctx.config.cluMemberRetentionMonths, 12, 'valeur par défaut');
      const org = await createMemberOrganisation(
        t.ctx,
        organisationId,
        { name: 'FNATH Allier', category: 'disability_association' },
        CLI_ACTOR,
      );
      const guichon = await createMember(
        t.ctx,
        organisationId,
        {
          memberOrganisationId: org,
          civility: 'M.',
          firstName: 'Alain',
          lastName: 'Guichon',
          function: 'Représentant',
          email: 'a.guichon@fnath.example',
          phone: '04 70 00 00 00',
          postalAddress: '1 place d’Allier\n03000 Moulins',
        },
        CLI_ACTOR,
      );
      const stays = await createMember(t.ctx, organisationId, { memberOrganisationId: org, lastName: 'Durand' }, CLI_ACTOR);
      const meetingId = await createMeeting(
        t.ctx,
        organisationId,
        {
          date: '2026-01-20',
          time: '10:30',
          durationMinutes: '120',
          place: 'Moulins',
          chair: 'M. le secrétaire général',
          periodFrom: '2025-01-01',
          periodTo: '2025-12-31',
          agendaCount: '1',
          agendaKey_0: 'questions',
          agendaTitle_0: 'Questions',
        },
        CLI_ACTOR,
      );
      await sendInvitations(t.ctx, organisationId, meetingId, { memberIds: [guichon, stays], recordOnly: 'on' }, CLI_ACTOR);
      t.clock.set('2026-02-01T09:00:00.000Z');
      await removeMember(t.ctx, organisationId, guichon, CLI_ACTOR);

      // Onze mois plus tard : encore gardé.
      t.clock.set(new Date(Date.parse('2026-02-01T09:00:00.000Z') + 330 * DAY));
      assert.deepEqual(await purgeCluMembers(t.ctx), { members: 0 });
      assert.equal((await findMember(t.ctx.db, organisationId, guichon))?.email, 'a.guichon@fnath.example');

      // Douze mois et un jour après le retrait : effacé, par la tâche quotidienne de conservation.
      t.clock.set('2027-02-02T09:00:00.000Z');
      const result = await runRetention(t.ctx);
      assert.equal(result.cluMembersErased, 1);
      const erased = await findMember(t.ctx.db, organisationId, guichon);
      assert.ok(erased);
      assert.deepEqual(
        [
          erased.civility,
          erased.first_name,
          erased.last_name,
          erased.function,
          erased.email,
          erased.phone,
          erased.postal_address,
        ],
        [null, null, ERASED_MEMBER_NAME, null, null, null, null],
      );
      assert.equal(erased.erased_at, '2027-02-02T09:00:00.000Z');
      assert.equal(
        (await findMember(t.ctx.db, organisationId, stays))?.last_name,
        'Durand',
        'un membre actif n’est jamais effacé',
      );
      const detail = await meetingDetail(t.ctx, organisationId, meetingId);
      assert.deepEqual(detail.attendees.map((a) => [a.name, a.organisationName]).sort(), [
        ['DURAND', 'FNATH Allier'],
        ['Membre retiré', 'FNATH Allier'],
      ]);
      const audit = await t.ctx.db.selectFrom('audit_events').selectAll().where('entity_id', '=', guichon).execute();
      assert.ok(audit.length >= 3);
      assert.ok(
        audit.every((e) => !JSON.stringify(e).includes('Guichon') && !JSON.stringify(e).includes('GUICHON')),
        'nom effacé du journal',
      );
      assert.deepEqual(await purgeCluMembers(t.ctx), { members: 0 }, 'idempotent');
    });
  });
}
