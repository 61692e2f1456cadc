import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { runRetention } from '../jobs/retention.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { closeCase, createCase, recordAnswer, themesOf } from './case.service.ts';
import { ERASED_EVENT_SUMMARY, purgeCasePersonalData, retentionCutoff } from './case-retention.ts';

const MONTH = 31 * 86_400_000;

describe('retentionCutoff', () => {
  it('recule de N mois, en ramenant au dernier jour d’un mois plus court', () => {
    assert.equal(retentionCutoff(new Date('2026-04-02T08:30:00Z'), 24).toISOString(), '2024-04-02T08:30:00.000Z');
    assert.equal(retentionCutoff(new Date('2026-03-31T10:00:00Z'), 1).toISOString(), '2026-02-28T10:00:00.000Z');
  });
});

for (const engine of testEngines()) {
  describe(`conservation des dossiers du registre (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let oldClosed: string;
    let oldOpen: string;
    let recentClosed: string;
    let themeId: string;

    async function newCase(reference: string) {
      return createCase(
        t.ctx,
        organisationId,
        {
          kind: 'complaint',
          channel: 'web_form',
          receivedAt: t.clock.now().toISOString(),
          requesterName: `Camille ${reference}`,
          requesterEmail: 'camille.martin@exemple.fr',
          requesterAddress: '12 rue Blatin, 63000 Clermont-Ferrand',
          subject: 'Attente au guichet des titres de séjour',
          body: 'J’ai attendu trois heures.',
          themeIds: [themeId],
        },
        { userId: null, label: 'Formulaire public' },
      );
    }

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      themeId = (await themesOf(t.ctx, organisationId))[0]?.id ?? '';
      const a = await newCase('a');
      const b = await newCase('b');
      oldClosed = a.id;
      oldOpen = b.id;
      await recordAnswer(
        t.ctx,
        organisationId,
        a.id,
        { answeredAt: '2026-04-03', answerChannel: 'email', answerText: 'Madame Martin, nous…', followUp: 'Guichet renforcé' },
        CLI_ACTOR,
      );
      await closeCase(t.ctx, organisationId, a.id, CLI_ACTOR);
      await t.ctx.db
        .insertInto('case_attachments')
        .values({
          id: 'piece-1',
          case_id: a.id,
          filename: 'scan.pdf',
          content_type: 'application/pdf',
          size: 4,
          content: new Uint8Array([37, 80, 68, 70]),
          created_at: t.clock.now().toISOString(),
        })
        .execute();
      // 25 mois plus tard, un autre dossier est clos : trop récent pour être effacé.
      t.clock.advance(25 * MONTH);
      const c = await newCase('c');
      recentClosed = c.id;
      await closeCase(t.ctx, organisationId, c.id, CLI_ACTOR);
    });
    after(async () => {
      await t.close();
    });

    const caseRow = (id: string) => t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('simulation : liste les dossiers clos au-delà de la durée sans rien modifier', async () => {
      const result = await purgeCasePersonalData(t.ctx, { dryRun: true });
      assert.equal(result.dryRun, true);
      assert.deepEqual(
        result.cases.map((c) => c.id),
        [oldClosed],
      );
      const row = await caseRow(oldClosed);
      assert.equal(row.requester_name, 'Camille a');
      assert.equal(row.personal_data_erased_at, null);
      const attachments = await t.ctx.db.selectFrom('case_attachments').select('id').execute();
      assert.equal(attachments.length, 1);
    });

    it('efface les données personnelles, les pièces jointes et les copies d’audit, garde les champs des indicateurs', async () => {
      const before = await caseRow(oldClosed);
      const auditBefore = await t.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('entity_type', '=', 'case')
        .where('entity_id', '=', oldClosed)
        .execute();
      assert.ok(auditBefore.some((e) => e.summary !== null));

      const result = await runRetention(t.ctx);
      assert.equal(result.casesErased, 1);

      const row = await caseRow(oldClosed);
      for (const field of [
        'requester_name',
        'requester_email',
        'requester_address',
        'subject',
        'body',
        'answer_text',
        'follow_up',
      ] as const) {
        assert.equal(row[field], null, field);
      }
      assert.ok(row.personal_data_erased_at);
      // Ce que lisent les indicateurs reste.
      for (const field of [
        'reference',
        'kind',
        'channel',
        'audience',
        'status',
        'received_local_date',
        'due_date',
        'answered_local_date',
        'answer_channel',
        'closed_at',
        'service_id',
      ] as const) {
        assert.equal(row[field], before[field], field);
      }
      const themes = await t.ctx.db.selectFrom('case_themes').selectAll().where('case_id', '=', oldClosed).execute();
      assert.deepEqual(
        themes.map((x) => x.theme_id),
        [themeId],
      );
      assert.equal((await t.ctx.db.selectFrom('case_attachments').select('id').execute()).length, 0);
      // L'historique garde ses étapes datées, sans leur détail (noms de pièces, correspondants).
      const events = await t.ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', oldClosed).execute();
      assert.ok(events.length >= 3);
      for (const e of events) {
        assert.equal(e.summary, ERASED_EVENT_SUMMARY);
        assert.equal(e.data_json, null);
        assert.ok(e.type && e.occurred_at);
      }

      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('entity_type', '=', 'case')
        .where('entity_id', '=', oldClosed)
        .execute();
      assert.ok(audit.length >= 3);
      for (const e of audit) {
        assert.equal(e.before_json, null);
        assert.equal(e.after_json, null);
        assert.equal(e.summary, null);
        assert.ok(e.personal_data_erased_at);
      }
      const summary = await t.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'cases.personal_data_purged')
        .execute();
      assert.equal(summary.length, 1);
      assert.match(summary[0]?.summary ?? '', /1 dossier clos avant le/);

      // Les autres dossiers sont intacts : l'un est encore ouvert, l'autre clos trop récemment.
      assert.equal((await caseRow(oldOpen)).requester_name, 'Camille b');
      assert.equal((await caseRow(recentClosed)).requester_email, 'camille.martin@exemple.fr');

      // Un second passage ne retrouve rien et n'écrit pas d'audit.
      assert.equal((await purgeCasePersonalData(t.ctx)).cases.length, 0);
      assert.equal(
        (await t.ctx.db.selectFrom('audit_events').select('id').where('action', '=', 'cases.personal_data_purged').execute())
          .length,
        1,
      );
    });
  });
}
