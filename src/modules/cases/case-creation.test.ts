import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { insertCases, listCaseEvents } from './case.repository.ts';
import { createCase, draftCase, insertNewCases, prepareCaseCreation, themesOf } from './case.service.ts';

/** Création groupée des dossiers (relève d'un lot de courriels) : mêmes règles que la saisie, une écriture par sorte. */
for (const engine of testEngines()) {
  describe(`création groupée de dossiers (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let serviceId: string;
    const actor = { userId: null, label: 'Relève de pref-public@example.test' };

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
    });
    after(async () => {
      await t.close();
    });

    const input = (receivedAt: string, subject: string) => ({
      kind: 'information_request',
      channel: 'email',
      serviceId,
      receivedAt,
      requesterEmail: 'camille.martin@example.test',
      subject,
    });

    it('un lot reçoit des références libres de chaque année, en sautant celles des dossiers importés', async () => {
      const first = await createCase(t.ctx, organisationId, input('2026-04-02T08:00:00Z', 'Premier'), CLI_ACTOR);
      assert.equal(first.reference, '2026-00001');
      // Deux dossiers importés portent déjà des numéros de la forme de Vigie.
      const { id: _id, reference: _reference, ...rest } = first;
      await insertCases(
        t.ctx.db,
        ['2026-00002', '2026-00004'].map((reference) => ({ ...rest, id: crypto.randomUUID(), reference })),
        t.ctx.engine,
      );

      const prepared = await prepareCaseCreation(t.ctx, organisationId);
      const drafts = [
        draftCase(t.ctx, prepared, input('2026-04-02T09:00:00Z', 'A')),
        draftCase(t.ctx, prepared, input('2025-12-31T10:00:00Z', 'B')),
        draftCase(t.ctx, prepared, input('2026-04-02T10:00:00Z', 'C')),
        draftCase(t.ctx, prepared, input('2026-04-02T11:00:00Z', 'D')),
      ];
      const rows = await t.ctx.db.transaction().execute((trx) => insertNewCases(trx, t.ctx, prepared, drafts, actor));
      assert.deepEqual(
        rows.map((r) => [r.subject, r.reference, r.due_date]),
        [
          ['A', '2026-00003', '2026-04-10'],
          ['B', '2025-00001', '2026-01-08'],
          ['C', '2026-00005', '2026-04-10'],
          ['D', '2026-00006', '2026-04-10'],
        ],
      );
      const stored = await t.ctx.db
        .selectFrom('cases')
        .select(['id', 'reference'])
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      assert.equal(stored.length, 4);
      for (const row of rows) {
        const events = await listCaseEvents(t.ctx.db, row.id);
        assert.deepEqual(
          events.map((e) => [e.type, e.actor_label]),
          [['received', actor.label]],
        );
      }
      const audits = await t.ctx.db
        .selectFrom('audit_events')
        .select(['entity_id', 'summary'])
        .where('action', '=', 'case.created')
        .where(
          'entity_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      assert.equal(audits.length, 4);
      assert.ok(audits.some((a) => a.summary === 'Dossier 2025-00001 enregistré'));
    });

    it('draftCase applique les règles de la saisie sans rien écrire', async () => {
      const prepared = await prepareCaseCreation(t.ctx, organisationId);
      const refused = (change: Record<string, unknown>) => {
        try {
          draftCase(t.ctx, prepared, { ...input('2026-04-02T09:00:00Z', 'Refusé'), ...change });
        } catch (error) {
          assert.ok(isAppError(error));
          return error.fields;
        }
        assert.fail('saisie acceptée');
      };
      assert.deepEqual(refused({ serviceId: 'service-inconnu' }), { serviceId: 'Service inconnu.' });
      assert.deepEqual(refused({ themeIds: ['theme-inconnu'] }), { themeIds: 'Thème inconnu.' });
      assert.ok(refused({ requesterEmail: 'pas une adresse' }).requesterEmail);
      const theme = (await themesOf(t.ctx, organisationId))[0];
      assert.ok(theme);
      const draft = draftCase(t.ctx, prepared, { ...input('2026-04-02T09:00:00Z', 'Accepté'), themeIds: [theme.id] });
      assert.deepEqual(draft.themeIds, [theme.id]);
      const written = await t.ctx.db.selectFrom('cases').select('id').where('subject', 'in', ['Refusé', 'Accepté']).execute();
      assert.equal(written.length, 0);
    });
  });
}
