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
    let otherOrganisationId: string;

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
      otherOrganisationId = otherId;
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

    /** Saisit un formulaire depuis la page de saisie (jetons CSRF et identifiant lus sur la page). */
    async function enter(browser: TestBrowser, url: string, form: Record<string, string | string[]>) {
      const page = await browser.get(url);
      return browser.post(url, { _csrf: hidden(page.body, '_csrf'), responseId: hidden(page.body, 'responseId'), ...form });
    }

    async function checkOf(formNumber: string) {
      return t.ctx.db
        .selectFrom('survey_form_checks')
        .selectAll()
        .where('campaign_id', '=', survey.campaignId)
        .where('form_number', '=', formNumber)
        .executeTakeFirst();
    }

    async function storedAnswers(formNumber: string) {
      const rows = await t.ctx.db
        .selectFrom('survey_answers')
        .innerJoin('survey_responses', 'survey_responses.id', 'survey_answers.response_id')
        .select(['survey_answers.question_key', 'survey_answers.value'])
        .where('survey_responses.campaign_id', '=', survey.campaignId)
        .where('survey_responses.form_number', '=', formNumber)
        .orderBy('survey_answers.question_key')
        .orderBy('survey_answers.value')
        .execute();
      return rows.map((r) => `${r.question_key}=${r.value}`);
    }

    it('double saisie de contrôle : identique → vérifié ; numéro nouveau → première saisie ; renvoi sans doublon', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      const referent = await signedIn(app, 'referent@63.test', PASSWORD);
      const url = entryUrl(survey);
      const controlUrl = `${url}&controle=1`;
      const first = { formNumber: 'A-21', 'answers.courtesy': 'satisfied', 'answers.services': ['counter', 'reception'] };
      assert.equal((await enter(agent, url, first)).statusCode, 303);

      const page = await referent.get(controlUrl);
      assert.match(page.body, /<h1>Double saisie de contrôle des formulaires papier<\/h1>/);
      assert.match(page.body, /name="controle" value="1" aria-describedby="champ-controle-aide" checked/);
      assert.match(page.body, /en attente de seconde saisie/);
      // Seconde saisie par un autre agent, cases cochées dans un autre ordre : identique.
      const form = {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        controle: '1',
        formNumber: 'A-21',
        'answers.courtesy': 'satisfied',
        'answers.services': ['reception', 'counter'],
      };
      const verified = await referent.post(url, form);
      assert.equal(verified.statusCode, 303);
      assert.equal(verified.headers.location, controlUrl);
      const next = await referent.get(controlUrl);
      assert.match(next.body, /Formulaire n° A-21 vérifié : la seconde saisie est identique à la première\./);
      // La case reste cochée pour le formulaire suivant de la pile.
      assert.match(next.body, /name="controle" value="1" aria-describedby="champ-controle-aide" checked/);
      const check = await checkOf('A-21');
      assert.equal(check?.status, 'verified');
      assert.equal(check?.differences, 0);

      // Double clic : le même envoi ne refait ni contrôle ni ligne d'audit.
      const auditCount = async () =>
        (await t.ctx.db.selectFrom('audit_events').select('id').where('action', 'like', 'survey_form_check.%').execute()).length;
      const before = await auditCount();
      assert.equal((await referent.post(url, form)).statusCode, 303);
      assert.equal(await auditCount(), before);
      assert.equal((await checkOf('A-21'))?.entry_id, check?.entry_id);

      // Numéro encore jamais saisi, en mode contrôle : une première saisie ordinaire, comptée.
      const fresh = await enter(referent, controlUrl, {
        controle: '1',
        formNumber: 'A-22',
        'answers.courtesy': 'very_satisfied',
      });
      assert.equal(fresh.statusCode, 303);
      assert.match((await referent.get(controlUrl)).body, /Formulaire n° A-22 enregistré : c’était sa première saisie/);
      assert.deepEqual(await storedAnswers('A-22'), ['courtesy=very_satisfied']);
      assert.equal(await checkOf('A-22'), undefined);

      // En mode contrôle, le numéro est obligatoire.
      const missing = await enter(referent, controlUrl, { controle: '1', 'answers.courtesy': 'satisfied' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Numéro du formulaire : obligatoire en double saisie de contrôle/);
      assert.match(missing.body, /name="controle" value="1" aria-describedby="champ-controle-aide" checked/);
    });

    it('double saisie : écarts listés question par question, arbitrage qui corrige la réponse (audit), compte de la campagne', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      const referent = await signedIn(app, 'referent@63.test', PASSWORD);
      const url = entryUrl(survey);
      await enter(agent, url, {
        formNumber: 'B-31',
        'answers.visit_reason': 'titles',
        'answers.courtesy': 'satisfied',
        'answers.website_used': 'no',
        'answers.comment': 'Bon accueil.',
      });
      const conflict = await enter(referent, `${url}&controle=1`, {
        controle: '1',
        formNumber: 'B-31',
        'answers.visit_reason': 'titles',
        'answers.courtesy': 'dissatisfied',
        'answers.website_used': 'yes',
        'answers.website_access': 'satisfied',
        'answers.comment': 'Bon accueil !',
      });
      assert.equal(conflict.statusCode, 303);
      const check = await checkOf('B-31');
      assert.equal(check?.status, 'conflict');
      assert.equal(check?.differences, 4);
      const checkUrl = `/enquetes/campagnes/${survey.campaignId}/controles/${check?.id}`;
      assert.equal(conflict.headers.location, checkUrl);
      // Le conflit ne bloque rien : la première saisie compte toujours.
      assert.deepEqual(await storedAnswers('B-31'), [
        'comment=Bon accueil.',
        'courtesy=satisfied',
        'visit_reason=titles',
        'website_used=no',
      ]);

      let page = await referent.get(checkUrl);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /les deux saisies diffèrent sur 4 questions/);
      assert.match(page.body, /<h1>Double saisie — formulaire n° B-31<\/h1>/);
      assert.match(page.body, /diffèrent sur <strong>4<\/strong> questions \(1 autre identique\)/);
      assert.match(page.body, /Première saisie : Satisfaisant/);
      assert.match(page.body, /Seconde saisie : Peu satisfaisant/);
      assert.match(page.body, /Première saisie : \(sans réponse\)/);
      assert.match(page.body, /Seconde saisie : Bon accueil !/);
      assert.doesNotMatch(page.body, /Raison de votre venue<\/legend>/);

      // La campagne montre où en est la double saisie.
      const campaignPage = await referent.get(`/enquetes/campagnes/${survey.campaignId}`);
      assert.match(campaignPage.body, /<h2>Double saisie des formulaires papier<\/h2>/);
      assert.match(
        campaignPage.body,
        /<strong>1<\/strong> en conflit — <a href="\/enquetes\/campagnes\/[^"]+\/controles">arbitrer les écarts<\/a>/,
      );
      const list = await referent.get(`/enquetes/campagnes/${survey.campaignId}/controles`);
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /n° B-31/);

      // Sans choix : chaque question en écart est signalée, rien n'est corrigé.
      const csrf = hidden(page.body, '_csrf');
      const entryId = hidden(page.body, 'entryId');
      const incomplete = await referent.post(checkUrl, { _csrf: csrf, entryId, 'choice.courtesy': 'second' });
      assert.equal(incomplete.statusCode, 400);
      assert.match(incomplete.body, /« Avez-vous utilisé le site internet \? » : choisissez la première ou la seconde saisie/);
      assert.match(incomplete.body, /name="choice\.courtesy" value="second" checked/);

      // Choix contradictoires : « Oui » au site (seconde saisie) mais sa question conditionnelle vide (première).
      const contradictory = await referent.post(checkUrl, {
        _csrf: csrf,
        entryId,
        'choice.courtesy': 'second',
        'choice.website_used': 'second',
        'choice.website_access': 'first',
        'choice.comment': 'first',
      });
      assert.equal(contradictory.statusCode, 400);
      assert.match(
        contradictory.body,
        /Ces choix se contredisent : « Facilité d’accès au site internet » : choisissez une réponse\./,
      );
      assert.equal((await checkOf('B-31'))?.status, 'conflict');

      const resolved = await referent.post(checkUrl, {
        _csrf: csrf,
        entryId,
        'choice.courtesy': 'second',
        'choice.website_used': 'second',
        'choice.website_access': 'second',
        'choice.comment': 'first',
      });
      assert.equal(resolved.statusCode, 303);
      assert.equal(resolved.headers.location, `/enquetes/campagnes/${survey.campaignId}/controles`);
      assert.match(
        (await referent.get(String(resolved.headers.location))).body,
        /Formulaire n° B-31 corrigé \(3 questions\) et vérifié\./,
      );
      assert.deepEqual(await storedAnswers('B-31'), [
        'comment=Bon accueil.',
        'courtesy=dissatisfied',
        'visit_reason=titles',
        'website_access=satisfied',
        'website_used=yes',
      ]);
      const after = await checkOf('B-31');
      assert.equal(after?.status, 'verified');
      assert.deepEqual(JSON.parse(after?.corrected_keys ?? '[]'), ['courtesy', 'website_used', 'website_access']);
      const leftovers = await t.ctx.db
        .selectFrom('survey_form_check_answers')
        .select('id')
        .where('check_id', '=', after?.id ?? '')
        .execute();
      assert.equal(leftovers.length, 0);
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'survey_response.corrected')
        .executeTakeFirstOrThrow();
      assert.match(audit.summary ?? '', /Formulaire papier n° B-31 corrigé après double saisie \(Accueil et courtoisie, /);
      assert.deepEqual(JSON.parse(audit.before_json ?? '{}'), {
        courtesy: ['satisfied'],
        website_used: ['no'],
        website_access: [],
      });
      assert.deepEqual(JSON.parse(audit.after_json ?? '{}'), {
        courtesy: ['dissatisfied'],
        website_used: ['yes'],
        website_access: ['satisfied'],
      });

      // Déjà arbitré : un second envoi est refusé, la page dit que le formulaire est vérifié.
      const again = await referent.post(checkUrl, { _csrf: csrf, entryId, 'choice.courtesy': 'first' });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /déjà été arbitré/);
      assert.match(again.body, /Formulaire vérifié/);
      page = await referent.get(`/enquetes/campagnes/${survey.campaignId}`);
      assert.match(page.body, /<strong>0<\/strong> en conflit/);
    });

    it('double saisie : une autre seconde saisie pendant l’arbitrage le fait refuser ; autre organisation, auditeur : refusés', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      const url = entryUrl(survey);
      const controlUrl = `${url}&controle=1`;
      await enter(agent, url, { formNumber: 'C-41', 'answers.courtesy': 'satisfied' });
      await enter(agent, controlUrl, { controle: '1', formNumber: 'C-41', 'answers.courtesy': 'very_satisfied' });
      const check = await checkOf('C-41');
      const checkUrl = `/enquetes/campagnes/${survey.campaignId}/controles/${check?.id}`;
      const page = await agent.get(checkUrl);
      // Entre-temps, une troisième saisie, encore différente, remplace la seconde : l'arbitrage affiché est périmé.
      await enter(agent, controlUrl, { controle: '1', formNumber: 'C-41', 'answers.courtesy': 'dissatisfied' });
      const stale = await agent.post(checkUrl, {
        _csrf: hidden(page.body, '_csrf'),
        entryId: hidden(page.body, 'entryId'),
        'choice.courtesy': 'second',
      });
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /Une autre saisie de contrôle de ce formulaire est arrivée/);
      assert.match(stale.body, /Seconde saisie : Peu satisfaisant/);
      assert.deepEqual(await storedAnswers('C-41'), ['courtesy=satisfied']);

      const auditor = await signedIn(app, 'auditeur@63.test', PASSWORD);
      assert.equal((await auditor.get(checkUrl)).statusCode, 403);
      assert.equal((await auditor.get(`/enquetes/campagnes/${survey.campaignId}/controles`)).statusCode, 403);
      // Un agent d'une autre organisation ne trouve ni le contrôle ni la liste.
      await createAccount(
        t.ctx,
        { email: 'agent@03.test', role: 'agent', organisationId: otherOrganisationId, password: PASSWORD },
        CLI_ACTOR,
      );
      const other = await signedIn(app, 'agent@03.test', PASSWORD);
      assert.equal((await other.get(checkUrl)).statusCode, 404);
      assert.equal((await other.get(`/enquetes/campagnes/${otherSurvey.campaignId}/controles/${check?.id}`)).statusCode, 404);
      assert.equal((await other.get(`/enquetes/campagnes/${survey.campaignId}/controles`)).statusCode, 404);
      const forged = await other.post(`/enquetes/campagnes/${survey.campaignId}/controles/${check?.id}`, {
        _csrf: await other.csrfFrom('/enquetes'),
        entryId: (await checkOf('C-41'))?.entry_id ?? '',
        'choice.courtesy': 'second',
      });
      assert.equal(forged.statusCode, 404);
      assert.deepEqual(await storedAnswers('C-41'), ['courtesy=satisfied']);
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
