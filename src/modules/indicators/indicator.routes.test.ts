import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation, updatePerimeter } from '../organisations/organisation.service.ts';
import { indicatorYearTable, recordValue, setTarget } from './indicator.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`pages des indicateurs (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let otherId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'pdd', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      otherId = (await createOrganisation(t.ctx, { slug: 'autre', name: 'Préfecture voisine', department: '03' }, CLI_ACTOR)).id;
      await updatePerimeter(t.ctx, organisationId, { modules: ['1', '7'] }, CLI_ACTOR);
      await updatePerimeter(t.ctx, otherId, { modules: ['1', '7'] }, CLI_ACTOR);
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['clu@63.test', 'clu_member', organisationId],
        ['referent@03.test', 'admin', otherId],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      await createAccount(
        t.ctx,
        { email: 'national@vigie.test', role: 'national', organisationId: null, password: PASSWORD },
        CLI_ACTOR,
      );
      await setTarget(t.ctx, { organisationId }, 'TEL_ABOUTIS', 2026, { kind: 'min', low: '90' }, CLI_ACTOR);
      for (const [month, answered] of [
        ['2026-01', '89'],
        ['2026-02', '92'],
      ] as const) {
        await recordValue(
          t.ctx,
          organisationId,
          'TEL_ABOUTIS',
          { month, status: 'measured', numerator: answered, denominator: '100' },
          CLI_ACTOR,
        );
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('le tableau de bord, le tableau de l’année et la fiche s’ouvrent aux lecteurs ; couleurs et texte de la cible', async () => {
      const clu = await signedIn(app, 'clu@63.test', PASSWORD);
      const dashboard = await clu.get('/indicateurs?annee=2026&asOf=2026-03-15');
      assert.equal(dashboard.statusCode, 200);
      assert.match(dashboard.body, /Taux d&#39;appels aboutis|Taux d’appels aboutis|appels aboutis/);
      const table = await clu.get('/indicateurs/tableau?annee=2026&asOf=2026-03-15');
      assert.equal(table.statusCode, 200);
      assert.match(table.body, /vigie-target--not-met[^>]*>89\u202f%/);
      assert.match(table.body, /vigie-target--met[^>]*>92\u202f%/);
      assert.match(table.body, /cible non atteinte/);
      const quarters = await clu.get('/indicateurs/tableau?annee=2026&asOf=2026-03-15&vue=quarters');
      assert.match(quarters.body, /90,5\u202f%/, 'T1 = 181 / 200, jamais la moyenne des taux');
      const detail = await clu.get('/indicateurs/TEL_ABOUTIS?annee=2026&asOf=2026-03-15');
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /89 \/ 100/);
      assert.match(detail.body, /saisie par Ligne de commande, le \d{2}\/\d{2}\/\d{4}/);
      assert.doesNotMatch(detail.body, /Saisir une valeur/, 'un membre du CLU ne saisit pas');
      assert.equal((await clu.get('/indicateurs/INCONNU?annee=2026')).statusCode, 404);
    });

    it('l’export XLSX se relit : une feuille par année, les valeurs et la note des cases', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      const response = await agent.get('/indicateurs/tableau.xlsx?annee=2026&asOf=2026-03-15&jusqua=2027');
      assert.equal(response.statusCode, 200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
      assert.deepEqual(
        workbook.worksheets.map((w) => w.name),
        ['2026', '2027'],
      );
      const sheet = workbook.getWorksheet('2026');
      assert.ok(sheet);
      let found = false;
      sheet.eachRow((row) => {
        if (row.getCell(3).value === 'IM714') {
          found = true;
          assert.equal(row.getCell(5).value, '≥\u202f90\u202f%');
          assert.equal(row.getCell(6).value, 89);
          assert.equal(row.getCell(7).value, 92);
          assert.match(String(row.getCell(6).note), /non atteinte/);
        }
      });
      assert.ok(found);
      const csv = await agent.get('/indicateurs/tableau.csv?annee=2026&asOf=2026-03-15');
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body, /TEL_ABOUTIS;.*;89;92;/);
    });

    it('la saisie garde l’entrée refusée et son message ; l’agent saisit, seul le référent retire', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      const csrf = await agent.csrfFrom('/indicateurs/CRISE_ACTIVATION?annee=2026');
      const refused = await agent.post('/indicateurs/CRISE_CIP/valeurs', {
        _csrf: csrf,
        month: '2026-02',
        status: 'measured',
        value: '120',
        note: '<script>x</script>',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /entre 0 et 100/);
      assert.match(refused.body, /value="120"/);
      assert.match(refused.body, /&lt;script&gt;x&lt;\/script&gt;/);
      const saved = await agent.post('/indicateurs/CRISE_ACTIVATION/valeurs', {
        _csrf: csrf,
        month: '2026-02',
        status: 'not_applicable',
        note: 'aucune activation',
      });
      assert.equal(saved.statusCode, 303);
      assert.equal(
        (await agent.post('/indicateurs/CRISE_ACTIVATION/valeurs/2026-02/supprimer', { _csrf: csrf })).statusCode,
        403,
      );
      const table = await indicatorYearTable(t.ctx, organisationId, 2026, '2026-03-15');
      assert.equal(table.rows.find((r) => r.indicator.key === 'CRISE_ACTIVATION')?.months[1]?.note, 'aucune activation');
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const adminCsrf = await admin.csrfFrom('/indicateurs/CRISE_ACTIVATION?annee=2026');
      assert.equal(
        (await admin.post('/indicateurs/CRISE_ACTIVATION/valeurs/2026-02/supprimer', { _csrf: adminCsrf })).statusCode,
        303,
      );
    });

    it('cibles : locale par le référent (fourchette inversée refusée), nationale par le seul rôle national', async () => {
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const csrf = await admin.csrfFrom('/indicateurs/DI_MAIL_5J/cible?annee=2026');
      const inverted = await admin.post('/indicateurs/DI_MAIL_5J/cible', {
        _csrf: csrf,
        annee: '2026',
        kind: 'range',
        low: '80',
        high: '75',
      });
      assert.equal(inverted.statusCode, 400);
      assert.match(inverted.body, /supérieure ou égale/);
      assert.match(inverted.body, /value="80"/);
      assert.equal(
        (await admin.post('/indicateurs/DI_MAIL_5J/cible', { _csrf: csrf, annee: '2026', kind: 'range', low: '75', high: '80' }))
          .statusCode,
        303,
      );
      assert.match((await admin.get('/indicateurs/catalogue?annee=2026')).body, /75 à 80\u202f% \(locale\)/);
      assert.equal((await admin.get('/national/cibles')).statusCode, 403);
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      assert.equal((await agent.get('/indicateurs/DI_MAIL_5J/cible?annee=2026')).statusCode, 403);
      const national = await signedIn(app, 'national@vigie.test', PASSWORD);
      assert.equal((await national.get('/indicateurs')).statusCode, 403);
      const nationalCsrf = await national.csrfFrom('/national/cibles/RECL_MAIL_5J?annee=2026');
      assert.equal(
        (await national.post('/national/cibles/RECL_MAIL_5J', { _csrf: nationalCsrf, annee: '2026', kind: 'min', low: '95' }))
          .statusCode,
        303,
      );
      assert.match((await national.get('/national/cibles?annee=2026')).body, /≥\u202f95\u202f%/);
      // La cible nationale s'applique à toute préfecture sans cible locale.
      const other = await signedIn(app, 'referent@03.test', PASSWORD);
      assert.match((await other.get('/indicateurs/catalogue?annee=2026')).body, /≥\u202f95\u202f% \(nationale\)/);
    });

    it('une organisation ne voit ni les valeurs ni les cibles locales d’une autre', async () => {
      const other = await signedIn(app, 'referent@03.test', PASSWORD);
      const table = await other.get('/indicateurs/tableau?annee=2026&asOf=2026-03-15');
      assert.equal(table.statusCode, 200);
      assert.doesNotMatch(table.body, />89\u202f%/);
      assert.doesNotMatch((await other.get('/indicateurs/catalogue?annee=2026')).body, /75 à 80/);
      const anonymous = await app.inject({ method: 'GET', url: '/indicateurs' });
      assert.equal(anonymous.statusCode, 303);
    });
  });
}
