import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, tableCount, testEngines } from '../../../test/helpers/context.ts';
import { listEntityEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { listClosureDays, listPerimeter, listSites } from './organisation.repository.ts';
import { addClosureDay, addService, createOrganisation, organisationBrand, updatePerimeter } from './organisation.service.ts';

for (const engine of testEngines()) {
  describe(`organisations (${engine})`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
    });
    after(() => t.close());

    it('crée une préfecture avec son site principal, le module 1 et un événement d’audit', async () => {
      const org = await createOrganisation(
        t.ctx,
        { slug: 'Puy-de-Dome', name: 'Préfecture du Puy-de-Dôme', department: '63' },
        CLI_ACTOR,
      );
      assert.equal(org.slug, 'puy-de-dome');
      assert.equal(organisationBrand(org), 'Préfet du Puy-de-Dôme');
      const sites = await listSites(t.ctx.db, org.id);
      assert.deepEqual(
        sites.map((s) => [s.name, s.kind, s.city]),
        [['Préfecture du Puy-de-Dôme', 'prefecture', 'Clermont-Ferrand']],
      );
      assert.deepEqual(await listPerimeter(t.ctx.db, org.id), [1]);
      const events = await listEntityEvents(t.ctx.db, 'organisation', org.id);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.action, 'organisation.created');
      assert.equal(events[0]?.actor_label, 'Ligne de commande');
    });

    it('déclarer un CERT rend le module 2 obligatoire', async () => {
      const org = await createOrganisation(
        t.ctx,
        { slug: 'bas-rhin', name: 'Préfecture du Bas-Rhin', department: '67', hasCert: 'on' },
        CLI_ACTOR,
      );
      assert.deepEqual(await listPerimeter(t.ctx.db, org.id), [1, 2]);
      await assert.rejects(
        updatePerimeter(t.ctx, org.id, { hasCert: 'on', modules: ['1', '4'] }, CLI_ACTOR),
        (error: Error & { code?: string; fields?: Record<string, string> }) => {
          assert.equal(error.code, 'module_mandatory');
          assert.match(error.fields?.modules ?? '', /module 2 est obligatoire quand la préfecture a un CERT/);
          return true;
        },
      );
      assert.deepEqual(await updatePerimeter(t.ctx, org.id, { modules: ['1', '3', '4'] }, CLI_ACTOR), [1, 3, 4]);
      await assert.rejects(updatePerimeter(t.ctx, org.id, { modules: ['3'] }, CLI_ACTOR), { code: 'module_mandatory' });
      await assert.rejects(updatePerimeter(t.ctx, org.id, { modules: ['1', '42'] }, CLI_ACTOR), { code: 'unknown_module' });
    });

    it('refuse un département inconnu et un identifiant déjà pris, sans rien écrire', async () => {
      const before = await tableCount(t.ctx, 'organisations');
      const auditBefore = await tableCount(t.ctx, 'audit_events');
      await assert.rejects(
        createOrganisation(t.ctx, { slug: 'x', name: 'X', department: '99' }, CLI_ACTOR),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'unknown_department');
          assert.match(error.message, /Département inconnu/);
          return true;
        },
      );
      await assert.rejects(createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Autre', department: '63' }, CLI_ACTOR), {
        code: 'duplicate_slug',
      });
      await assert.rejects(
        createOrganisation(t.ctx, { slug: 'a b', name: '', department: '63' }, CLI_ACTOR),
        (error: Error & { fields?: Record<string, string> }) => {
          assert.match(error.fields?.slug ?? '', /lettres minuscules/);
          assert.match(error.fields?.name ?? '', /obligatoire/);
          return true;
        },
      );
      assert.equal(await tableCount(t.ctx, 'organisations'), before);
      assert.equal(await tableCount(t.ctx, 'audit_events'), auditBefore);
    });

    it('enregistre services et jours de fermeture, et refuse les doublons', async () => {
      const org = await createOrganisation(
        t.ctx,
        { slug: 'correze', name: 'Préfecture de la Corrèze', department: '19' },
        CLI_ACTOR,
      );
      await addService(t.ctx, org.id, { name: 'Accueil général', mailboxAddress: 'Pref-Accueil@correze.gouv.fr' }, CLI_ACTOR);
      await assert.rejects(addService(t.ctx, org.id, { name: 'Accueil général' }, CLI_ACTOR), { code: 'duplicate_service' });
      await assert.rejects(
        addService(t.ctx, org.id, { name: 'Étrangers', mailboxAddress: 'pas-une-adresse' }, CLI_ACTOR),
        (error: Error & { fields?: Record<string, string> }) => {
          assert.match(error.fields?.mailboxAddress ?? '', /adresse électronique invalide/);
          return true;
        },
      );
      await addClosureDay(t.ctx, org.id, { date: '2026-05-15', reason: 'Pont de l’Ascension' }, CLI_ACTOR);
      await assert.rejects(addClosureDay(t.ctx, org.id, { date: '2026-05-15', reason: 'Doublon' }, CLI_ACTOR), {
        code: 'duplicate_closure_day',
      });
      await assert.rejects(addClosureDay(t.ctx, org.id, { date: '15/05/2026', reason: 'x' }, CLI_ACTOR), {
        code: 'validation_failed',
      });
      assert.deepEqual(
        (await listClosureDays(t.ctx.db, org.id)).map((c) => [c.date, c.reason]),
        [['2026-05-15', 'Pont de l’Ascension']],
      );
    });
  });
}
