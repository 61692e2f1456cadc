import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import {
  insertCampaign,
  insertPoint,
  type PhysicalReceptionScenario,
  physicalReceptionScenario,
} from '../../../test/helpers/survey-fixtures.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

/** La ligne du tableau des critères qui commence par ce libellé. */
function criterionRow(body: string, label: string): string {
  const row = body.split('<tr>').find((r) => r.includes(`">${label}</a></td>`));
  assert.ok(row, `ligne ${label} absente`);
  return row.split('</tr>')[0] ?? '';
}

for (const engine of testEngines()) {
  describe(`page des résultats d’une campagne (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let s: PhysicalReceptionScenario;
    let emptyCampaignId: string;
    let foreignCampaignId: string;

    before(async () => {
      t = await createTestContext(engine);
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '75' }, CLI_ACTOR);
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['auditeur@63.test', 'auditor', organisationId],
        ['membre@63.test', 'clu_member', organisationId],
        ['referent@75.test', 'admin', other.id],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD, serviceIds: [] }, CLI_ACTOR);
      }
      await createAccount(
        t.ctx,
        { email: 'national@vigie.test', role: 'national', organisationId: null, password: PASSWORD },
        CLI_ACTOR,
      );
      s = await physicalReceptionScenario(t.ctx, organisationId);
      const empty = await insertCampaign(t.ctx, {
        organisationId,
        template: 'digital_access_point',
        name: 'PAN 2026',
        startsOn: '2026-04-01',
        endsOn: '2026-04-30',
      });
      emptyCampaignId = empty.campaignId;
      await insertPoint(t.ctx, { organisationId, campaignId: emptyCampaignId, label: 'Borne PAN', mode: 'kiosk' });
      foreignCampaignId = (
        await insertCampaign(t.ctx, {
          organisationId: other.id,
          template: 'physical_reception',
          name: 'Campagne d’ailleurs',
          startsOn: '2026-03-01',
          endsOn: '2026-03-31',
        })
      ).campaignId;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);
    const url = () => `/enquetes/campagnes/${s.currentId}/resultats`;

    it('tableau par critère : taux, n, intervalle, évolution, « Sans objet » jamais 0 %', async () => {
      const page = await (await as('referent@63.test')).get(url());
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Résultats — Accueil printemps 2026<\/h1>/);
      const courtesy = criterionRow(page.body, 'Accueil et courtoisie');
      assert.match(courtesy, /<strong>81\u00a0%<\/strong>/);
      assert.match(courtesy, /<td>100<\/td>/);
      assert.match(courtesy, /72,2\u00a0% – 87,5\u00a0%/);
      assert.match(courtesy, /\+21\u00a0pts/);
      assert.match(courtesy, /Significatif/);
      assert.doesNotMatch(courtesy, /Indicatif/);
      assert.match(criterionRow(page.body, 'Orientation et prise en charge'), /Non significatif/);
      assert.match(criterionRow(page.body, 'Délai d’attente'), /Non calculable : toutes les réponses/);
      const confidentiality = criterionRow(page.body, 'Confidentialité');
      assert.match(confidentiality, /<strong>Sans objet<\/strong>/);
      assert.doesNotMatch(confidentiality, /0\u00a0%/);
      // Taux global poolé et moyenne, chacun sous son nom.
      assert.match(page.body, /Taux global \(toutes réponses exprimées des critères\)/);
      assert.match(page.body, /Moyenne des taux des critères/);
      // Réponse signalée : exclue, et dite.
      assert.match(page.body, /1 réponse signalée .* est exclue des taux/);
      // Graphique SVG sans script, avec son texte équivalent.
      assert.match(page.body, /<svg class="vigie-bar-chart" role="img"/);
      assert.match(page.body, /<title>Accueil et courtoisie — répartition des réponses — Très satisfaisant : 50/);
      assert.match(page.body, /<caption>Répartition des réponses — Accueil et courtoisie<\/caption>/);
      assert.doesNotMatch(page.body, /<script(?![^>]*src="\/dsfr\/)/);
    });

    it('commentaires masqués avec thèmes suggérés', async () => {
      const page = await (await as('membre@63.test')).get(url());
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Commentaires \(3\)/);
      assert.doesNotMatch(page.body, /jean\.dupont@example\.fr|06 12 34 56 78/);
      assert.match(page.body, /Attente au guichet/);
      // Le membre du CLU lit les résultats, pas le détail des réponses.
      assert.doesNotMatch(page.body, /reponses\.csv/);
    });

    it('filtre par mode de collecte et par point (liens GET)', async () => {
      const browser = await as('agent@63.test');
      const all = await browser.get(url());
      assert.match(all.body, new RegExp(`href="${url()}\\?mode=paper">Formulaire papier</a>`));
      const kiosk = await browser.get(`${url()}?mode=kiosk`);
      assert.match(kiosk.body, /Mode de collecte : Borne tactile<\/strong> : 60 réponses retenues/);
      assert.match(criterionRow(kiosk.body, 'Accueil et courtoisie'), /<strong>83,3\u00a0%<\/strong>/);
      const paper = await browser.get(`${url()}?point=${s.paperPointId}`);
      assert.match(paper.body, /Point de collecte « Formulaires papier »<\/strong> : 47 réponses retenues/);
      assert.match(criterionRow(paper.body, 'Accueil et courtoisie'), /<strong>77,5\u00a0%<\/strong>/);
      const withFlagged = await browser.get(`${url()}?signalees=1`);
      assert.match(withFlagged.body, /108 réponses retenues/);
      // Valeur inconnue : ignorée, jamais d'erreur.
      const odd = await browser.get(`${url()}?mode=fax&page=abc`);
      assert.equal(odd.statusCode, 200);
    });

    it('état vide : « aucune réponse pour l’instant »', async () => {
      const page = await (await as('auditeur@63.test')).get(`/enquetes/campagnes/${emptyCampaignId}/resultats`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Aucune réponse pour l’instant/);
      assert.doesNotMatch(page.body, /0\u00a0%/);
    });

    it('exports CSV et XLSX relus', async () => {
      const browser = await as('auditeur@63.test');
      const csv = await browser.get(`${url()}/export.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /enquete-resultats-2026-03-01\.csv/);
      assert.ok(csv.body.startsWith('\ufeffcriterion;'));
      assert.match(csv.body, /\r\ncourtesy;Accueil et courtoisie;courtesy;satisfaction_4;measured;81;81;100;/);
      const xlsx = await browser.get(`${url()}/reponses.xlsx?mode=paper`);
      assert.equal(xlsx.statusCode, 200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Réponses');
      assert.equal(sheet?.rowCount, 48);
      const header = sheet?.getRow(1).values as unknown[];
      assert.equal(header[header.length - 1], 'comment');
      const texts = JSON.stringify(sheet?.getSheetValues());
      assert.match(texts, /Rappelez-moi au \[/);
      assert.doesNotMatch(texts, /06 12 34 56 78/);
      const responsesCsv = await browser.get(`${url()}/reponses.csv`);
      assert.equal(responsesCsv.statusCode, 200);
      assert.equal(responsesCsv.body.trim().split('\r\n').length, 109);
    });

    it('droits : autre organisation 404, anonyme redirigé, niveau national refusé, membre du CLU sans export des réponses', async () => {
      const foreign = await as('referent@75.test');
      assert.equal((await foreign.get(url())).statusCode, 404);
      assert.equal((await foreign.get(`${url()}/export.csv`)).statusCode, 404);
      assert.equal((await foreign.get(`${url()}/reponses.csv`)).statusCode, 404);
      const mine = await as('referent@63.test');
      assert.equal((await mine.get(`/enquetes/campagnes/${foreignCampaignId}/resultats`)).statusCode, 404);
      const anonymous = await new TestBrowser(app).get(url());
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/connexion\?suite=/);
      const national = await as('national@vigie.test');
      assert.equal((await national.get(url())).statusCode, 403);
      const member = await as('membre@63.test');
      assert.equal((await member.get(`${url()}/export.xlsx`)).statusCode, 200);
      assert.equal((await member.get(`${url()}/reponses.csv`)).statusCode, 403);
      assert.equal((await member.get(`${url()}/reponses.xlsx`)).statusCode, 403);
    });
  });
}
