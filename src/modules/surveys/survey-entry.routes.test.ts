import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { type SeededSurvey, seedSurvey } from '../../../test/helpers/survey-response-fixtures.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

function hidden(body: string, name: string): string {
  const match = body.match(new RegExp(`name="${name}" value="([^"]+)"`));
  assert.ok(match?.[1], `champ caché ${name} absent`);
  return match[1];
}

for (const engine of testEngines()) {
  describe(`saisie des réponses papier et téléphone (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let survey: SeededSurvey;
    let otherSurvey: SeededSurvey;

    before(async () => {
      t = await createTestContext(engine);
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const otherId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      for (const [email, role] of [
        ['referent@63.test', 'admin'],
        ['agent@63.test', 'agent'],
        ['auditeur@63.test', 'auditor'],
        ['membre@63.test', 'clu_member'],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId, password: PASSWORD }, CLI_ACTOR);
      }
      survey = await seedSurvey(t.ctx, organisationId);
      otherSurvey = await seedSurvey(t.ctx, otherId);
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const entryUrl = (s: SeededSurvey, mode: 'paper' | 'phone' = 'paper') =>
      `/enquetes/campagnes/${s.campaignId}/saisie?point=${s.points[mode].id}`;

    it('une pile de formulaires papier : « Enregistrer et suivant », compte, double saisie refusée avec le formulaire existant', async () => {
      const browser = await signedIn(app, 'agent@63.test', PASSWORD);
      const choice = await browser.get(`/enquetes/campagnes/${survey.campaignId}/saisie`);
      assert.equal(choice.statusCode, 200);
      assert.ok(choice.body.includes(`href="${entryUrl(survey)}"`));
      assert.doesNotMatch(choice.body, /Borne accueil général/);

      const url = entryUrl(survey);
      let page = await browser.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Saisie des formulaires papier<\/h1>/);
      assert.match(page.body, /<strong>0<\/strong> réponse saisie/);
      for (const [number, courtesy] of [
        ['12', 'satisfied'],
        ['13', 'dissatisfied'],
      ] as const) {
        const saved = await browser.post(url, {
          _csrf: hidden(page.body, '_csrf'),
          responseId: hidden(page.body, 'responseId'),
          formNumber: number,
          'answers.courtesy': courtesy,
          'answers.visit_reason': 'foreigners',
        });
        assert.equal(saved.statusCode, 303);
        assert.equal(saved.headers.location, url);
        page = await browser.get(url);
        assert.match(page.body, new RegExp(`Formulaire n° ${number} enregistré`));
        // Formulaire vide pour le suivant.
        assert.doesNotMatch(page.body, /checked/);
      }
      assert.match(page.body, /<strong>2<\/strong> réponses saisies/);
      const rows = await t.ctx.db
        .selectFrom('survey_responses')
        .select(['form_number', 'mode', 'entered_by_user_id'])
        .where('campaign_id', '=', survey.campaignId)
        .orderBy('form_number')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.form_number, r.mode, r.entered_by_user_id !== null]),
        [
          ['12', 'paper', true],
          ['13', 'paper', true],
        ],
      );

      const duplicate = await browser.post(url, {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        formNumber: '12',
        'answers.courtesy': 'very_satisfied',
      });
      assert.equal(duplicate.statusCode, 409);
      assert.match(duplicate.body, /double saisie évitée/);
      assert.match(duplicate.body, /Formulaire n° 12 déjà saisi/);
      assert.match(duplicate.body, /Accueil et courtoisie : Satisfaisant/);
      assert.match(duplicate.body, /Raison de votre venue : Étrangers/);
      assert.match(duplicate.body, /name="answers\.courtesy" value="very_satisfied" checked/);
      assert.match(duplicate.body, /name="formNumber" value="12"/);

      const missing = await browser.post(url, {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        formNumber: '14',
      });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /« Accueil et courtoisie » : choisissez une réponse\./);
      assert.match(missing.body, /name="formNumber" value="14"/);
    });

    it('téléphone : même écran sans numéro ; le référent qualité saisit aussi', async () => {
      const browser = await signedIn(app, 'referent@63.test', PASSWORD);
      const url = entryUrl(survey, 'phone');
      const page = await browser.get(url);
      assert.match(page.body, /<h1>Saisie d’une réponse par téléphone<\/h1>/);
      assert.doesNotMatch(page.body, /name="formNumber"/);
      const saved = await browser.post(url, {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        'answers.courtesy': 'very_satisfied',
      });
      assert.equal(saved.statusCode, 303);
      assert.match((await browser.get(url)).body, /Réponse enregistrée\./);
    });

    it('droits : auditeur et membre du CLU refusés ; autre organisation et point public : 404', async () => {
      for (const email of ['auditeur@63.test', 'membre@63.test']) {
        const browser = await signedIn(app, email, PASSWORD);
        assert.equal((await browser.get(entryUrl(survey))).statusCode, 403, email);
      }
      const redirect = await new TestBrowser(app).get(entryUrl(survey));
      assert.match(String(redirect.headers.location), /^\/connexion\?suite=/);

      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      assert.equal((await agent.get(entryUrl(otherSurvey))).statusCode, 404);
      assert.equal((await agent.get(`/enquetes/campagnes/${otherSurvey.campaignId}/saisie`)).statusCode, 404);
      // Le point de l'autre organisation avec la campagne de la sienne : 404 aussi.
      assert.equal(
        (await agent.get(`/enquetes/campagnes/${survey.campaignId}/saisie?point=${otherSurvey.points.paper.id}`)).statusCode,
        404,
      );
      assert.equal(
        (await agent.get(`/enquetes/campagnes/${survey.campaignId}/saisie?point=${survey.points.qr.id}`)).statusCode,
        404,
      );
      const page = await agent.get(entryUrl(survey));
      const forged = await agent.post(entryUrl(otherSurvey), {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        'answers.courtesy': 'satisfied',
      });
      assert.equal(forged.statusCode, 404);
      const count = await t.ctx.db
        .selectFrom('survey_responses')
        .select('id')
        .where('campaign_id', '=', otherSurvey.campaignId)
        .execute();
      assert.equal(count.length, 0);
    });
  });
}
