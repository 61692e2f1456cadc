import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../test/helpers/context.ts';
import { insertRows } from './bulk-insert.ts';

for (const engine of testEngines()) {
  describe(`insertion groupée sans recompilation (${engine})`, () => {
    let t: TestContext;

    before(async () => {
      t = await createTestContext(engine);
    });
    after(async () => {
      await t.close();
    });

    const event = (i: number, action: string) => ({
      id: `evt-${action}-${String(i).padStart(4, '0')}`,
      organisation_id: null,
      actor_user_id: null,
      actor_label: `Acteur ${i}`,
      action,
      entity_type: 'essai',
      entity_id: i % 3 === 0 ? null : `entite-${i}`,
      summary: `Résumé n° ${i} — « accents » et 'apostrophes'`,
      before_json: null,
      after_json: JSON.stringify({ i }),
      occurred_at: `2026-04-02T08:${String(i % 60).padStart(2, '0')}:00.000Z`,
      personal_data_erased_at: null,
    });

    const stored = (action: string) =>
      t.ctx.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('id').execute();

    it('écrit toutes les lignes, valeurs intactes, par paquets de tailles diverses', async () => {
      for (const count of [1, 7, 450]) {
        const rows = Array.from({ length: count }, (_, i) => event(i, `paquets-${count}`));
        await insertRows(t.ctx.db, rows, (part) => t.ctx.db.insertInto('audit_events').values(part), 200);
        assert.deepEqual(await stored(`paquets-${count}`), rows);
      }
      // Même forme une seconde fois : l'instruction déjà compilée sert encore.
      const again = Array.from({ length: 7 }, (_, i) => event(i + 100, 'paquets-7'));
      await insertRows(t.ctx.db, again, (part) => t.ctx.db.insertInto('audit_events').values(part), 200);
      assert.equal((await stored('paquets-7')).length, 14);
    });

    it('rend les lignes de returning : un conflit ignoré n’y figure pas', async () => {
      const first = Array.from({ length: 5 }, (_, i) => event(i, 'conflit'));
      await insertRows(t.ctx.db, first.slice(0, 2), (part) => t.ctx.db.insertInto('audit_events').values(part));
      const returned = await insertRows(t.ctx.db, first, (part) =>
        t.ctx.db
          .insertInto('audit_events')
          .values(part)
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id'),
      );
      assert.deepEqual(returned.map((r) => r.id).sort(), [first[2]?.id, first[3]?.id, first[4]?.id]);
      assert.equal((await stored('conflit')).length, 5);
    });

    it('des lignes de formes différentes (colonnes dans un autre ordre, valeur absente) passent par l’exécution ordinaire', async () => {
      const { summary, ...withoutSummary } = event(1, 'formes');
      const rows = [event(0, 'formes'), { ...withoutSummary, summary }, { ...event(2, 'formes'), summary: undefined }];
      await insertRows(t.ctx.db, rows, (part) => t.ctx.db.insertInto('audit_events').values(part));
      const saved = await stored('formes');
      assert.equal(saved.length, 3);
      assert.equal(saved[1]?.summary, summary);
      assert.equal(saved[2]?.summary, null);
    });
  });
}
