import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestContext, type TestContext, testEngines } from '../../test/helpers/context.ts';
import { precompile, precompileInsert } from './precompiled.ts';

for (const engine of testEngines()) {
  describe(`requêtes précompilées (${engine})`, () => {
    let t: TestContext;

    before(async () => {
      t = await createTestContext(engine);
    });
    after(async () => {
      await t.close();
    });

    const event = (i: number, action: string) => ({
      id: `pre-${action}-${String(i).padStart(4, '0')}`,
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
    const columns = Object.keys(event(0, 'x')) as (keyof ReturnType<typeof event>)[];
    const insertEvents = precompileInsert<ReturnType<typeof event>>(columns, (db, rows) =>
      db.insertInto('audit_events').values(rows),
    );
    const stored = (action: string) =>
      t.ctx.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('id').execute();

    it('INSERT à plusieurs lignes : toutes les valeurs intactes, quel que soit le nombre (paquets de 1 à 64)', async () => {
      for (const count of [1, 3, 64, 100]) {
        const rows = Array.from({ length: count }, (_, i) => event(i, `lignes-${count}`));
        await insertEvents.execute(t.ctx.db, rows);
        assert.deepEqual(
          (await stored(`lignes-${count}`)).map((row) => ({ ...row })),
          rows,
        );
      }
    });

    it('dans une transaction de la base : même SQL, annulé avec elle', async () => {
      const rows = Array.from({ length: 5 }, (_, i) => event(i, 'annulee'));
      await assert.rejects(
        t.ctx.db.transaction().execute(async (trx) => {
          await insertEvents.execute(trx, rows, t.ctx.db);
          assert.equal((await trx.selectFrom('audit_events').select('id').where('action', '=', 'annulee').execute()).length, 5);
          throw new Error('annulation voulue');
        }),
        /annulation voulue/,
      );
      assert.deepEqual(await stored('annulee'), []);
    });

    it('lecture à paramètres nommés, dans l’ordre du SQL et non des noms ; constantes gardées', async () => {
      await insertEvents.execute(
        t.ctx.db,
        Array.from({ length: 6 }, (_, i) => event(i, 'lecture')),
      );
      const query = precompile(['limit', 'action', 'after'], (db, p: { action: string; after: string; limit: number }) =>
        db
          .selectFrom('audit_events')
          .select('id')
          .where('entity_type', '=', 'essai')
          .where('action', '=', p.action)
          .where('id', '>', p.after)
          .orderBy('id')
          .limit(p.limit),
      );
      const first = await query.execute(t.ctx.db, { action: 'lecture', after: 'pre-lecture-0001', limit: 2 });
      assert.deepEqual(
        first.rows.map((r) => r.id),
        ['pre-lecture-0002', 'pre-lecture-0003'],
      );
      const second = await query.execute(t.ctx.db, { action: 'lecture', after: 'pre-lecture-0003', limit: 10 });
      assert.deepEqual(
        second.rows.map((r) => r.id),
        ['pre-lecture-0004', 'pre-lecture-0005'],
      );
    });

    it('un paramètre perdu ou écrit en littéral : erreur à la première exécution, jamais une requête fausse', async () => {
      const unused = precompile(['action', 'oublie'], (db, p: { action: string; oublie: string }) =>
        db.selectFrom('audit_events').select('id').where('action', '=', p.action),
      );
      await assert.rejects(unused.execute(t.ctx.db, { action: 'x', oublie: 'y' }), /paramètres absents du SQL \(oublie\)/);
      const literal = precompile(['action'], (db, p: { action: string }) =>
        db.selectFrom('audit_events').select('id').where('action', '=', sql.lit(p.action)),
      );
      await assert.rejects(literal.execute(t.ctx.db, { action: 'x' }), /écrit dans le SQL/);
    });
  });
}
