import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { addCollectionPoint, createCampaign } from './campaign.service.ts';
import { copyTemplate, getQuestionnaire } from './questionnaire.service.ts';
import { submitResponse } from './response.service.ts';

const PASSWORD = 'Tulle 19000 Corrèze';

/** Contenu de la zone de texte, tel que le navigateur le renverrait (entités décodées). */
function textareaOf(body: string): string {
  const match = /<textarea[^>]*name="definition"[^>]*>([\s\S]*?)<\/textarea>/.exec(body);
  assert.ok(match, 'zone de texte absente');
  return (match[1] ?? '')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function csrfOf(body: string): string {
  const match = body.match(/name="_csrf" value="([^"]+)"/);
  assert.ok(match?.[1]);
  return match[1];
}

for (const engine of testEngines()) {
  describe(`questionnaire : écran JSON (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let otherId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'correze', name: 'Préfecture de la Corrèze', department: '19' }, CLI_ACTOR)
      ).id;
      otherId = (await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR))
        .id;
      for (const [email, role, org] of [
        ['referent@19.test', 'admin', organisationId],
        ['agent@19.test', 'agent', organisationId],
        ['referent@15.test', 'admin', otherId],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('sans réponse : le JSON modifié remplace la définition sur place, audité', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'phone', CLI_ACTOR);
      const browser = await signedIn(app, 'referent@19.test', PASSWORD);
      const form = await browser.get(`/enquetes/questionnaires/${id}`);
      assert.match(
        form.body,
        new RegExp(`href="/enquetes/questionnaires/${id}/json">Modifier la définition complète \\(JSON\\)`),
      );
      const url = `/enquetes/questionnaires/${id}/json`;
      const page = await browser.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<label class="fr-label" for="champ-definition">Définition complète \(JSON\)/);
      assert.match(page.body, /<h2 id="format">Format<\/h2>/);
      assert.match(page.body, /&quot;key&quot;: &quot;accueil_guichet&quot;/);
      const definition = JSON.parse(textareaOf(page.body));
      assert.equal(definition.surveyedChannel, 'phone');

      // Ce que le formulaire simple ne sait pas faire : changer une aide, un engagement, ajouter une condition.
      definition.questions[1].hint = 'Sans jargon administratif.';
      definition.questions[1].engagements = [10, 15];
      definition.questions.unshift({ key: 'called_before', type: 'yes_no', label: 'Aviez-vous déjà appelé ?' });
      definition.questions[4].showIf = { question: 'called_before', answer: 'yes' };
      const saved = await browser.post(url, { _csrf: csrfOf(page.body), definition: JSON.stringify(definition, null, 2) });
      assert.equal(saved.statusCode, 303);
      assert.equal(saved.headers.location, url);
      assert.match((await browser.get(url)).body, /Questionnaire enregistré\./);
      const { row, questionnaire } = await getQuestionnaire(t.ctx, organisationId, id);
      assert.equal(row.version, 1);
      assert.equal(questionnaire.questions[0]?.key, 'called_before');
      assert.equal(questionnaire.questions[2]?.hint, 'Sans jargon administratif.');
      assert.deepEqual(questionnaire.questions[4]?.showIf, { question: 'called_before', answer: 'yes' });
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('summary')
        .where('entity_id', '=', id)
        .where('action', '=', 'survey_questionnaire.updated')
        .execute();
      assert.equal(audit.length, 1);
    });

    it('erreurs : syntaxe avec ligne et colonne, contenu avec chemin et ligne, saisie gardée, rien d’enregistré', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'physical_reception', CLI_ACTOR);
      const before = await getQuestionnaire(t.ctx, organisationId, id);
      const browser = await signedIn(app, 'referent@19.test', PASSWORD);
      const url = `/enquetes/questionnaires/${id}/json`;
      const page = await browser.get(url);
      const csrf = csrfOf(page.body);

      const broken = textareaOf(page.body).replace('"questions": [', '"questions": [,');
      const syntax = await browser.post(url, { _csrf: csrf, definition: broken });
      assert.equal(syntax.statusCode, 400);
      assert.match(syntax.body, /JSON illisible, ligne 6, colonne 17 : valeur attendue/);
      assert.match(syntax.body, /aria-invalid="true" aria-describedby="champ-definition-aide champ-definition-erreur"/);
      assert.equal(textareaOf(syntax.body), broken);

      const definition = JSON.parse(textareaOf(page.body));
      delete definition.questions[1].criterion;
      definition.questions[2].engagements = [99];
      definition.questions[0].options[1].label = definition.questions[0].options[0].label;
      definition.color = 'bleu';
      const invalidText = JSON.stringify(definition, null, 2);
      const invalid = await browser.post(url, { _csrf: csrf, definition: invalidText });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /<code>questionnaire<\/code> — ligne 1<\/a> : Clé non reconnue : &quot;color&quot;/);
      const strict = await browser.post(url, {
        _csrf: csrf,
        definition: JSON.stringify({ ...definition, color: undefined }, null, 2),
      });
      assert.equal(strict.statusCode, 400);
      assert.match(
        strict.body,
        /<code>questions\[1\]\.criterion \(question 2\)<\/code> — ligne \d+<\/a> : Question 2 : indiquez le critère mesuré par cette échelle de satisfaction\./,
      );
      assert.match(
        strict.body,
        /<code>questions\[2\]\.engagements\[0\] \(question 3, engagement 1\)<\/code> — ligne \d+<\/a> : Engagement 99 inconnu du référentiel/,
      );
      assert.match(
        strict.body,
        /<code>questions\[0\]\.options\[1\]\.label \(question 1, option 2\)<\/code> — ligne \d+<\/a> : Option « .+ » en double/,
      );
      assert.equal(textareaOf(invalid.body), invalidText);

      const otherChannel = await browser.post(url, {
        _csrf: csrf,
        definition: JSON.stringify({ ...JSON.parse(textareaOf(page.body)), surveyedChannel: 'website' }),
      });
      assert.equal(otherChannel.statusCode, 400);
      assert.match(otherChannel.body, /<code>surveyedChannel<\/code> — ligne 1<\/a> : Canal enquêté : une copie garde son canal/);

      const empty = await browser.post(url, { _csrf: csrf, definition: '  ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /collez le questionnaire complet/);

      const after = await getQuestionnaire(t.ctx, organisationId, id);
      assert.equal(after.row.definition_json, before.row.definition_json);
      assert.equal(after.row.updated_at, before.row.updated_at);
    });

    it('avec des réponses : l’enregistrement crée la version suivante, l’ancienne reste intacte et en lecture seule', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'physical_reception', CLI_ACTOR);
      const campaign = await createCampaign(
        t.ctx,
        organisationId,
        { name: 'Accueil — avril 2026', questionnaireId: id, startsOn: '2026-04-01', endsOn: '2026-04-30' },
        CLI_ACTOR,
      );
      const point = await addCollectionPoint(t.ctx, organisationId, campaign.id, { label: 'Affiche', mode: 'qr' }, CLI_ACTOR);
      await submitResponse(t.ctx, {
        responseId: crypto.randomUUID(),
        pointToken: point.token,
        answers: { orientation: 'satisfied', waiting_time: 'satisfied', courtesy: 'satisfied', confidentiality: 'satisfied' },
      });
      const before = await getQuestionnaire(t.ctx, organisationId, id);

      const browser = await signedIn(app, 'referent@19.test', PASSWORD);
      const url = `/enquetes/questionnaires/${id}/json`;
      const page = await browser.get(url);
      assert.match(page.body, /Ce questionnaire a déjà 1 réponse/);
      assert.match(page.body, /Enregistrer la version 2/);
      const definition = JSON.parse(textareaOf(page.body));
      definition.questions = definition.questions.filter((q: { key: string }) => q.key !== 'confidentiality');
      const saved = await browser.post(url, { _csrf: csrfOf(page.body), definition: JSON.stringify(definition) });
      assert.equal(saved.statusCode, 303);
      const next = await t.ctx.db
        .selectFrom('survey_questionnaires')
        .selectAll()
        .where('previous_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(next.version, 2);
      assert.equal(saved.headers.location, `/enquetes/questionnaires/${next.id}/json`);
      assert.match((await browser.get(String(saved.headers.location))).body, /Version 2 créée/);
      const kept = await getQuestionnaire(t.ctx, organisationId, id);
      assert.equal(kept.row.definition_json, before.row.definition_json);
      assert.ok(kept.questionnaire.questions.some((q) => q.key === 'confidentiality'));

      // L'ancienne version se lit, ne se modifie plus.
      const old = await browser.get(url);
      assert.match(old.body, /Une version plus récente existe : cette version reste telle quelle, en lecture seule\./);
      assert.doesNotMatch(old.body, /<textarea/);
      const refused = await browser.post(url, { _csrf: csrfOf(old.body), definition: JSON.stringify(definition) });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /Une version plus récente de ce questionnaire existe/);
    });

    it('droits : agent refusé, autre organisation introuvable, jeton CSRF exigé', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'website', CLI_ACTOR);
      const url = `/enquetes/questionnaires/${id}/json`;
      const agent = await signedIn(app, 'agent@19.test', PASSWORD);
      assert.equal((await agent.get(url)).statusCode, 403);
      const other = await signedIn(app, 'referent@15.test', PASSWORD);
      assert.equal((await other.get(url)).statusCode, 404);
      const forged = await other.post(url, { _csrf: await other.csrfFrom('/enquetes'), definition: '{}' });
      assert.equal(forged.statusCode, 404);
      const referent = await signedIn(app, 'referent@19.test', PASSWORD);
      const noCsrf = await referent.post(url, { definition: '{}' });
      assert.equal(noCsrf.statusCode, 403);
      const { row } = await getQuestionnaire(t.ctx, organisationId, id);
      assert.equal(row.version, 1);
    });
  });
}
