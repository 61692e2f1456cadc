import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, tableCount, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { countSchoolHolidayPeriods } from './school-holiday.repository.ts';
import { addSchoolHolidayPeriod, listSchoolHolidays } from './school-holiday.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';
const PAGE = '/calendrier/vacances-scolaires';
const HEADER = 'annee_scolaire;zone;nom;debut;fin';
/** Dates de test d'une année que Vigie ne livre pas (2028-2029). */
const GOOD = [HEADER, '2028-2029;A;Toussaint;2028-10-21;2028-11-06', '2028-2029;A;Noël;2028-12-23;2029-01-08'].join('\n');

function unescapeAttribute(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#96;', '`')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

for (const engine of testEngines()) {
  describe(`écran Vacances scolaires (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let otherPeriodId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = await createOrganisation(
        t.ctx,
        { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' },
        CLI_ACTOR,
      );
      otherPeriodId = (
        await addSchoolHolidayPeriod(
          t.ctx,
          other.id,
          { schoolYear: '2028-2029', name: 'Hiver', startDate: '2029-02-10', endDate: '2029-02-26' },
          CLI_ACTOR,
        )
      ).id;
      for (const role of ['admin', 'agent', 'auditor', 'clu_member'] as const) {
        await createAccount(t.ctx, { email: `${role}@63.test`, role, organisationId, password: PASSWORD }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    async function as(role: string): Promise<TestBrowser> {
      const browser = new TestBrowser(app);
      await browser.login(`${role}@63.test`, PASSWORD);
      return browser;
    }

    it('montre la zone du département, la couverture par année et les données livrées', async () => {
      const page = await (await as('admin')).get(PAGE);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Vacances scolaires<\/h1>/);
      assert.match(page.body, /Département 63 — Puy-de-Dôme/);
      assert.match(page.body, /<p class="fr-tag">Zone A<\/p>/);
      assert.match(page.body, /campagnes d’appels et de courriels mystères/);
      assert.match(page.body, /jamais devinée/);
      // Horloge au 2 avril 2026 : de 2024-2025 à 2027-2028 (deux ans après l'année en cours).
      assert.match(page.body, /<td>2024-2025<\/td><td><p class="fr-badge fr-badge--sm fr-badge--success">complète<\/p><\/td>/);
      assert.match(page.body, /<td>2027-2028<\/td><td><p class="fr-badge fr-badge--sm fr-badge--warning">partielle<\/p><\/td>/);
      assert.match(page.body, /Manque : Été/);
      assert.doesNotMatch(page.body, /<td>2028-2029<\/td>/);
      assert.match(page.body, /données livrées/);
      assert.match(page.body, /23 octobre 2027/);
      assert.match(page.body, /name="csv"/);
      assert.match(page.body, /action="\/calendrier\/vacances-scolaires\/periodes"/);
    });

    it('signale « manquante » une année sans calendrier, d’après l’horloge', async () => {
      t.clock.set('2026-10-01T08:00:00.000Z');
      try {
        const page = await (await as('auditor')).get(PAGE);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /<td>2028-2029<\/td><td><p class="fr-badge fr-badge--sm fr-badge--error">manquante<\/p><\/td>/);
        // Un auditeur lit sans formulaire.
        assert.doesNotMatch(page.body, /name="csv"/);
        assert.doesNotMatch(page.body, /\/supprimer/);
      } finally {
        t.clock.set('2026-04-02T08:30:00.000Z');
      }
    });

    it('ajoute une période (la saisie est gardée en cas d’erreur), puis la supprime', async () => {
      const admin = await as('admin');
      const csrf = await admin.csrfFrom(PAGE);
      const bad = await admin.post(`${PAGE}/periodes`, {
        _csrf: csrf,
        schoolYear: '2027-2028',
        name: 'Été',
        startDate: '2028-07-08',
        endDate: '2028-07-08',
        source: 'Arrêté à venir',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Jour de reprise des cours : il doit suivre le premier jour de vacances/);
      assert.match(bad.body, /value="Arrêté à venir"/);
      assert.match(bad.body, /value="2028-07-08"/);
      assert.match(bad.body, /<details class="fr-mb-3w" open>/);

      const overlap = await admin.post(`${PAGE}/periodes`, {
        _csrf: csrf,
        schoolYear: '2027-2028',
        name: 'Pont',
        startDate: '2027-12-24',
        endDate: '2027-12-28',
      });
      assert.equal(overlap.statusCode, 400);
      assert.match(overlap.body, /chevauche « Noël » \(2027-12-18 → 2028-01-03\), données livrées/);

      const ok = await admin.post(`${PAGE}/periodes`, {
        _csrf: csrf,
        schoolYear: '2027-2028',
        name: 'Été',
        startDate: '2028-07-08',
        endDate: '2028-09-01',
      });
      assert.equal(ok.statusCode, 303);
      const page = await admin.get(PAGE);
      assert.match(page.body, /Période ajoutée : Été 2027-2028/);
      assert.match(page.body, /<td>2027-2028<\/td><td><p class="fr-badge fr-badge--sm fr-badge--success">complète<\/p><\/td>/);
      assert.match(page.body, /ajoutée par la préfecture/);
      const own = (await listSchoolHolidays(t.ctx, organisationId, 'A')).find((p) => !p.shipped);
      assert.ok(own);
      const removed = await admin.post(`${PAGE}/periodes/${own.id}/supprimer`, { _csrf: csrf });
      assert.equal(removed.statusCode, 303);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, organisationId), 0);
      const actions = (await listAuditEvents(t.ctx.db, organisationId, 10, 0)).map((e) => e.action);
      assert.ok(actions.includes('school_holiday_period.created'));
      assert.ok(actions.includes('school_holiday_period.deleted'));
    });

    it('ne supprime ni une période d’une autre préfecture (404) ni une donnée livrée (403)', async () => {
      const admin = await as('admin');
      const csrf = await admin.csrfFrom(PAGE);
      assert.equal((await admin.post(`${PAGE}/periodes/${otherPeriodId}/supprimer`, { _csrf: csrf })).statusCode, 404);
      const shipped = (await listSchoolHolidays(t.ctx, organisationId, 'A')).find((p) => p.shipped);
      assert.ok(shipped);
      assert.equal((await admin.post(`${PAGE}/periodes/${shipped.id}/supprimer`, { _csrf: csrf })).statusCode, 403);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, null), 124);
    });

    it('un import avec une ligne fautive est prévisualisé avec ses erreurs, et rien n’est écrit', async () => {
      const admin = await as('admin');
      const csrf = await admin.csrfFrom(PAGE);
      const auditBefore = await tableCount(t.ctx, 'audit_events');
      const text = `${GOOD}\n2028-2029;D;Hiver;2029-02-10;2029-02-26`;
      const preview = await admin.post(`${PAGE}/import`, { _csrf: csrf, csv: text });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /1 erreur : rien ne sera importé/);
      assert.match(preview.body, /<td>4<\/td><td>Zone inconnue « D »/);
      assert.match(preview.body, /<td>Toussaint<\/td>/);
      assert.doesNotMatch(preview.body, /Confirmer l’import/);
      // Le texte reste modifiable sur la page.
      assert.match(preview.body, /2028-2029;D;Hiver;2029-02-10;2029-02-26<\/textarea>/);
      const forced = await admin.post(`${PAGE}/import`, { _csrf: csrf, csv: text, confirm: '1' });
      assert.equal(forced.statusCode, 400);
      assert.match(forced.body, /Import refusé : 1 erreur, aucune période n’a été enregistrée/);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, organisationId), 0);
      assert.equal(await tableCount(t.ctx, 'audit_events'), auditBefore);

      const empty = await admin.post(`${PAGE}/import`, { _csrf: csrf, csv: '  ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Texte CSV : collez l’en-tête/);
    });

    it('un import valide se confirme : toutes les lignes et un seul événement d’audit', async () => {
      const admin = await as('admin');
      const csrf = await admin.csrfFrom(PAGE);
      const preview = await admin.post(`${PAGE}/import`, { _csrf: csrf, csv: GOOD });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /2 périodes prêtes à être importées/);
      assert.match(preview.body, /Confirmer l’import/);
      const hidden = /<input type="hidden" name="csv" value="([^"]*)">/.exec(preview.body)?.[1];
      assert.ok(hidden);
      assert.equal(unescapeAttribute(hidden), GOOD);
      assert.match(preview.body, /<input type="hidden" name="confirm" value="1">/);

      const auditBefore = await tableCount(t.ctx, 'audit_events');
      const done = await admin.post(`${PAGE}/import`, { _csrf: csrf, csv: unescapeAttribute(hidden), confirm: '1' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, `${PAGE}#periodes`);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, organisationId), 2);
      assert.equal(await tableCount(t.ctx, 'audit_events'), auditBefore + 1);
      const page = await admin.get(PAGE);
      assert.match(page.body, /Import terminé : 2 périodes de vacances scolaires enregistrées/);
      assert.match(page.body, /21 octobre 2028/);
    });

    it('un agent lit la page mais n’écrit pas (403) ; un membre du CLU n’y a pas accès', async () => {
      const agent = await as('agent');
      const page = await agent.get(PAGE);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /name="csv"/);
      const csrf = await agent.csrfFrom(PAGE);
      const add = await agent.post(`${PAGE}/periodes`, {
        _csrf: csrf,
        schoolYear: '2028-2029',
        name: 'Printemps',
        startDate: '2029-04-07',
        endDate: '2029-04-23',
      });
      assert.equal(add.statusCode, 403);
      assert.equal((await agent.post(`${PAGE}/import`, { _csrf: csrf, csv: GOOD, confirm: '1' })).statusCode, 403);
      assert.equal((await (await as('clu_member')).get(PAGE)).statusCode, 403);
      const anonymous = await new TestBrowser(app).get(PAGE);
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/connexion\?suite=/);
    });

    it('exige le jeton CSRF pour toute écriture', async () => {
      const admin = await as('admin');
      const before = await countSchoolHolidayPeriods(t.ctx.db, organisationId);
      const form = { schoolYear: '2028-2029', name: 'Printemps', startDate: '2029-04-07', endDate: '2029-04-23' };
      assert.equal((await admin.post(`${PAGE}/periodes`, form)).statusCode, 403);
      assert.equal((await admin.post(`${PAGE}/periodes`, { ...form, _csrf: 'faux' })).statusCode, 403);
      assert.equal((await admin.post(`${PAGE}/import`, { csv: GOOD, confirm: '1' })).statusCode, 403);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, organisationId), before);
    });
  });
}
