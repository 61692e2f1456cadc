import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { type ActionEditor, actionPlanSummary, changeActionStatus, createAction } from './action.service.ts';

const ADMIN: ActionEditor = { role: 'admin', membershipId: '', actor: CLI_ACTOR };

for (const engine of testEngines()) {
  describe(`plan d’actions : bilan pour le support du CLU (${engine})`, () => {
    let t: TestContext;
    let org: string;

    before(async () => {
      t = await createTestContext(engine);
      org = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const standard = (await addService(t.ctx, org, { name: 'Standard' }, CLI_ACTOR)).id;
      const accueil = (await addService(t.ctx, org, { name: 'Accueil général' }, CLI_ACTOR)).id;
      const add = async (description: string, dueDate: string, originKind: string, serviceIds: string[]) =>
        (
          await createAction(
            t.ctx,
            org,
            { objective: 'Améliorer l’accueil téléphonique', description, dueDate, serviceIds, originKind },
            CLI_ACTOR,
          )
        ).id;
      // Créées le 2 février 2026.
      t.clock.set('2026-02-02T09:00:00.000Z');
      const svi = await add('Ajout des horaires d’ouverture sur le SVI', '2026-03-31', 'mystery_finding', [standard]);
      const annonce = await add(
        'Ajout d’une annonce concernant la démarche qualité sur le SVI',
        '2026-03-31',
        'mystery_finding',
        [standard],
      );
      const formation = await add('Formation des agents à l’accueil téléphonique', '2026-05-31', 'mystery_finding', [
        standard,
        accueil,
      ]);
      await add('Mise à jour de la signalétique', '2026-03-15', 'audit_finding', [accueil]);
      const abandon = await add('Projet de signalétique dynamique', '2026-06-30', 'free', [accueil]);
      t.clock.set('2026-03-10T09:00:00.000Z');
      await changeActionStatus(t.ctx, org, svi, { status: 'done' }, ADMIN);
      await changeActionStatus(t.ctx, org, annonce, { status: 'done', completedOn: '2026-03-02' }, ADMIN);
      await changeActionStatus(t.ctx, org, formation, { status: 'in_progress' }, ADMIN);
      await changeActionStatus(t.ctx, org, abandon, { status: 'abandoned', abandonReason: 'Budget reporté' }, ADMIN);
      // Créée après la période du bilan.
      t.clock.set('2026-04-02T09:00:00.000Z');
      await add('Affichage des heures d’affluence', '2026-06-30', 'free', [accueil]);
    });
    after(() => t.close());

    it('réalisées, en cours (retard signalé), créées et « N actions mises en place » par origine', async () => {
      const summary = await actionPlanSummary(t.ctx, org, { from: '2026-01-01', to: '2026-03-31' });
      assert.deepEqual(
        summary.done.map((a) => [a.number, a.description, a.statusLabel, a.originLabel, a.services]),
        [
          [1, 'Ajout des horaires d’ouverture sur le SVI', 'Réalisée', 'Constat d’enquête mystère', ['Standard']],
          [
            2,
            'Ajout d’une annonce concernant la démarche qualité sur le SVI',
            'Réalisée',
            'Constat d’enquête mystère',
            ['Standard'],
          ],
        ],
      );
      // À faire ou en cours, créées avant la fin de la période ; la n° 4 (échéance 15 mars) est en retard au 31 mars.
      assert.deepEqual(
        summary.inProgress.map((a) => [a.number, a.status, a.overdue, a.dueDate]),
        [
          [4, 'todo', true, '2026-03-15'],
          [3, 'in_progress', false, '2026-05-31'],
        ],
      );
      assert.deepEqual(summary.inProgress.find((a) => a.number === 3)?.services, ['Accueil général', 'Standard']);
      assert.deepEqual(
        summary.created.map((a) => a.number),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(summary.byOrigin, [
        {
          originKind: 'mystery_finding',
          originLabel: 'Constat d’enquête mystère',
          done: 2,
          titles: ['Ajout d’une annonce concernant la démarche qualité sur le SVI', 'Ajout des horaires d’ouverture sur le SVI'],
        },
      ]);
    });

    it('une période sans action : des listes vides, jamais une erreur', async () => {
      const summary = await actionPlanSummary(t.ctx, org, { from: '2025-01-01', to: '2025-12-31' });
      assert.deepEqual(summary, { done: [], inProgress: [], created: [], byOrigin: [] });
    });
  });
}
