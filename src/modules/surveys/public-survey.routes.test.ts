import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { type SeededSurvey, seedSurvey } from '../../../test/helpers/survey-response-fixtures.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { COMMENT_PERSONAL_DATA_HINT } from './questionnaire.ts';

const START = '2026-04-02T08:30:00.000Z';
let nextAddress = 1;

/** Envoi depuis une adresse propre : la limite par adresse ne gêne pas les autres tests. */
async function submit(browser: TestBrowser, url: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  const response = await browser.app.inject({
    method: 'POST',
    url,
    remoteAddress: `198.51.100.${nextAddress++}`,
    payload: body.toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
  for (const cookie of response.cookies as { name: string; value: string }[]) {
    if (cookie.value) browser.cookies.set(cookie.name, cookie.value);
    else browser.cookies.delete(cookie.name);
  }
  return response;
}

function hidden(body: string, name: string): string {
  const match = body.match(new RegExp(`name="${name}" value="([^"]+)"`));
  assert.ok(match?.[1], `champ caché ${name} absent`);
  return match[1];
}

for (const engine of testEngines()) {
  describe(`formulaire public d’enquête (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let survey: SeededSurvey;
    let url: string;

    before(async () => {
      t = await createTestContext(engine);
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      survey = await seedSurvey(t.ctx, organisationId);
      url = `/enquete/${survey.points.qr.token}`;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });
    beforeEach(() => t.clock.set(START));

    const responses = async () => (await t.ctx.db.selectFrom('survey_responses').select('id').execute()).length;

    it('page complète sans JavaScript : questions en fieldsets, échelle en radios, cases, commentaire et mention', async () => {
      const page = await new TestBrowser(app).get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /^<!DOCTYPE html>/i);
      assert.match(page.body, /<h1>Votre avis sur l’accueil<\/h1>/);
      assert.match(page.body, /<form method="post" action="\/enquete\/[^"]+" novalidate>/);
      assert.match(page.body, /name="_csrf" value="[^"]+"/);
      // UUID v7 : les réponses arrivent à peu près dans l'ordre de leurs identifiants (pages d'index partagées).
      assert.match(hidden(page.body, 'responseId'), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(page.body, /<legend class="fr-fieldset__legend" id="champ-answers\.courtesy-legende">Accueil et courtoisie/);
      assert.match(page.body, /type="radio" id="[^"]+" name="answers\.courtesy" value="very_satisfied"/);
      assert.match(page.body, /<label class="fr-label" for="champ-answers\.courtesy-4">Sans avis<\/label>/);
      assert.match(page.body, /type="checkbox" id="[^"]+" name="answers\.services" value="counter"/);
      assert.match(page.body, /Seulement si vous avez répondu « Oui » à la question « Avez-vous utilisé le site internet \? »/);
      assert.ok(page.body.includes(COMMENT_PERSONAL_DATA_HINT));
      assert.match(page.body, /Cette enquête est anonyme/);
      assert.match(page.body, /href="\/donnees-personnelles"/);
      // Aucun script propre au formulaire : celui du DSFR seul, que la page n'exige pas pour fonctionner.
      const scripts = [...page.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(
        scripts.every((src) => src?.startsWith('/dsfr/')),
        scripts.join(', '),
      );
      assert.doesNotMatch(page.body, /<script>(?!<\/script>)/);
    });

    it('envoi valide : « Merci », réponse enregistrée ; renvoi du même formulaire sans doublon ; cookie doux', async () => {
      const browser = new TestBrowser(app);
      const page = await browser.get(url);
      const form = {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        shownAt: hidden(page.body, 'shownAt'),
      };
      t.clock.set('2026-04-02T08:31:00.000Z');
      const before = await responses();
      const response = await submit(browser, url, {
        ...form,
        'answers.courtesy': 'satisfied',
        'answers.services': ['reception', 'cashier'],
        'answers.website_used': 'no',
        'answers.comment': 'Merci à l’agent du guichet 3.',
      });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /<h1>Merci<\/h1>/);
      assert.match(response.body, /Vos réponses ont bien été enregistrées/);
      assert.equal(await responses(), before + 1);
      const row = await t.ctx.db
        .selectFrom('survey_responses')
        .selectAll()
        .where('id', '=', form.responseId)
        .executeTakeFirstOrThrow();
      assert.equal(row.duration_ms, 60_000);
      assert.equal(row.flagged_reason, null);

      // Actualisation de la page « Merci » (même envoi) : succès, pas de doublon.
      const again = await submit(browser, url, {
        ...form,
        'answers.courtesy': 'satisfied',
        'answers.services': ['cashier', 'reception'],
        'answers.website_used': 'no',
        'answers.comment': 'Merci à l’agent du guichet 3.',
      });
      assert.equal(again.statusCode, 200);
      assert.equal(await responses(), before + 1);
      // Retour arrière et autres réponses avec le même formulaire : refus clair.
      const forged = await submit(browser, url, { ...form, 'answers.courtesy': 'very_dissatisfied' });
      assert.equal(forged.statusCode, 409);
      assert.match(forged.body, /Réponse déjà enregistrée/);
      assert.equal(await responses(), before + 1);

      // Même session de navigateur : la page « Merci » revient, avec « Répondre à nouveau » pour un poste partagé.
      const back = await browser.get(url);
      assert.match(back.body, /Vous avez déjà répondu à cette enquête/);
      assert.match(back.body, /href="\/enquete\/[^"]+\?nouvelle=1">Répondre à nouveau/);
      const fresh = await browser.get(`${url}?nouvelle=1`);
      assert.match(fresh.body, /name="answers\.courtesy"/);
      assert.notEqual(hidden(fresh.body, 'responseId'), form.responseId);
    });

    it('erreurs en français aimable, saisie conservée, rien d’enregistré', async () => {
      const browser = new TestBrowser(app);
      const page = await browser.get(url);
      const responseId = hidden(page.body, 'responseId');
      const before = await responses();
      const response = await submit(browser, url, {
        _csrf: hidden(page.body, '_csrf'),
        responseId,
        shownAt: hidden(page.body, 'shownAt'),
        'answers.services': 'counter',
        'answers.website_used': 'yes',
        'answers.comment': 'Attente « longue » & bruit',
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /role="alert"/);
      assert.match(response.body, /Certaines réponses sont à revoir/);
      assert.match(response.body, /« Accueil et courtoisie » : choisissez une réponse\./);
      assert.match(response.body, /id="champ-answers\.courtesy-erreur"/);
      assert.match(response.body, /« Facilité d’accès au site internet » : choisissez une réponse\./);
      assert.match(response.body, /name="answers\.services" value="counter" checked/);
      assert.match(response.body, /name="answers\.website_used" value="yes" checked/);
      assert.match(response.body, />Attente « longue » &amp; bruit<\/textarea>/);
      assert.equal(hidden(response.body, 'responseId'), responseId);
      assert.equal(await responses(), before);
    });

    it('sans jeton CSRF : 403 ; un mégaoctet : 413 en français ; rien d’enregistré', async () => {
      const browser = new TestBrowser(app);
      const page = await browser.get(url);
      const before = await responses();
      const noCsrf = await submit(browser, url, { responseId: hidden(page.body, 'responseId'), 'answers.courtesy': 'satisfied' });
      assert.equal(noCsrf.statusCode, 403);
      assert.match(noCsrf.body, /jeton de sécurité/);
      const huge = await submit(browser, url, {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        'answers.courtesy': 'satisfied',
        'answers.comment': 'x'.repeat(1024 * 1024),
      });
      assert.equal(huge.statusCode, 413);
      assert.match(huge.body, /trop volumineuses/);
      assert.equal(await responses(), before);
    });

    it('lien inconnu : 404 aimable ; enquête terminée ou pas commencée : page aimable', async () => {
      const browser = new TestBrowser(app);
      const unknown = await browser.get('/enquete/inconnu');
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /<h1>Enquête introuvable<\/h1>/);
      // Le jeton d'un point papier ne donne pas de formulaire public.
      assert.equal((await browser.get(`/enquete/${survey.points.paper.token}`)).statusCode, 404);

      const page = await browser.get(url);
      t.clock.set('2026-05-01T08:00:00.000Z');
      const closed = await browser.get(url);
      assert.equal(closed.statusCode, 410);
      assert.match(closed.body, /<h1>Cette enquête est terminée<\/h1>/);
      // Formulaire ouvert avant la fin, envoyé après : même page aimable, rien d'enregistré.
      const late = await submit(browser, url, {
        _csrf: hidden(page.body, '_csrf'),
        responseId: hidden(page.body, 'responseId'),
        'answers.courtesy': 'satisfied',
      });
      assert.equal(late.statusCode, 410);
      assert.match(late.body, /Cette enquête est terminée/);

      t.clock.set('2026-03-20T08:00:00.000Z');
      const early = await browser.get(url);
      assert.match(early.body, /<h1>Cette enquête n’a pas encore commencé<\/h1>/);
    });
  });
}
