import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { type SeededSurvey, seedSurvey } from '../../../test/helpers/survey-response-fixtures.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { KIOSK_PAIRING_RATE_LIMIT } from './kiosk.routes.ts';
import type { KioskConfig } from './views/kiosk.view.ts';

const PASSWORD = 'Clermont-Ferrand 63000';
const START = '2026-04-02T08:30:00.000Z';
const HOST = 'vigie.test';
let nextAddress = 1;

/** Formulaire d'appairage envoyé depuis une adresse propre (la limite de débit est par adresse). */
async function pair(browser: TestBrowser, form: Record<string, string>, address = `203.0.113.${nextAddress++}`) {
  const csrf = await browser.csrfFrom('/borne');
  const response = await browser.app.inject({
    method: 'POST',
    url: '/borne',
    remoteAddress: address,
    payload: new URLSearchParams({ _csrf: csrf, ...form }).toString(),
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

/** Envoi JSON comme le fait le script de la borne (en-tête CSRF, même origine). */
async function sendAnswer(browser: TestBrowser, body: unknown, headers: Record<string, string> = {}) {
  return browser.app.inject({
    method: 'POST',
    url: '/borne/reponses',
    payload: JSON.stringify(body),
    headers: {
      host: HOST,
      origin: `http://${HOST}`,
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/json',
      'x-csrf-token': browser.cookies.get('vigie_csrf') ?? '',
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      ...headers,
    },
  });
}

function codeOf(body: string): string {
  const match = body.match(/class="vigie-code">([A-Z0-9]{4}-[A-Z0-9]{4})</);
  assert.ok(match?.[1], 'code d’appairage absent de la page');
  return match[1];
}

function configOf(body: string): KioskConfig {
  const match = body.match(/<script type="application\/json" id="borne-config">([^<]*)<\/script>/);
  assert.ok(match?.[1], 'configuration embarquée absente');
  return JSON.parse(match[1]) as KioskConfig;
}

for (const engine of testEngines()) {
  describe(`bornes d’enquête : appairage, page, réponses (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let survey: SeededSurvey;
    let adminUrl: string;

    before(async () => {
      t = await createTestContext(engine);
      t.clock.set(START);
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const otherId = (await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '75' }, CLI_ACTOR))
        .id;
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['auditeur@63.test', 'auditor', organisationId],
        ['referent@75.test', 'admin', otherId],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD, serviceIds: [] }, CLI_ACTOR);
      }
      survey = await seedSurvey(t.ctx, organisationId);
      adminUrl = `/enquetes/campagnes/${survey.campaignId}/points/${survey.points.kiosk.id}/borne`;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });
    beforeEach(() => t.clock.set(START));

    const as = (email: string) => signedIn(app, email, PASSWORD);

    /** Un code frais créé par le référent. */
    async function newCode(): Promise<string> {
      const admin = await as('referent@63.test');
      const csrf = await admin.csrfFrom(adminUrl);
      const created = await admin.post(`${adminUrl}/code`, { _csrf: csrf });
      assert.equal(created.statusCode, 200);
      return codeOf(created.body);
    }

    /** Une tablette appairée au point « borne ». */
    async function pairedTablet(label = 'Tablette hall'): Promise<TestBrowser> {
      const tablet = new TestBrowser(app);
      const paired = await pair(tablet, { code: await newCode(), label });
      assert.equal(paired.statusCode, 303, paired.body);
      assert.equal(paired.headers.location, '/borne/questionnaire');
      return tablet;
    }

    const responseCount = async () =>
      (await t.ctx.db.selectFrom('survey_responses').select('id').where('mode', '=', 'kiosk').execute()).length;

    it('droits : seul le référent appaire ; autre organisation et point non « borne » : 404 ; lien sur la fiche campagne', async () => {
      const admin = await as('referent@63.test');
      const campaign = await admin.get(`/enquetes/campagnes/${survey.campaignId}`);
      assert.ok(campaign.body.includes(`href="${adminUrl}"`), 'lien « Appairer une borne » absent');
      assert.match(campaign.body, />Appairer une borne</);
      const page = await admin.get(adminUrl);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Bornes — Borne accueil général<\/h1>/);
      assert.match(page.body, /Aucune borne appairée/);

      for (const email of ['agent@63.test', 'auditeur@63.test']) {
        const other = await as(email);
        assert.equal((await other.get(adminUrl)).statusCode, 403, email);
        const csrf = (await other.get('/compte')).body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
        assert.equal((await other.post(`${adminUrl}/code`, { _csrf: csrf })).statusCode, 403, email);
      }
      const anonymous = await new TestBrowser(app).get(adminUrl);
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/connexion/);

      const stranger = await as('referent@75.test');
      assert.equal((await stranger.get(adminUrl)).statusCode, 404);
      const csrf = (await stranger.get('/compte')).body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      assert.equal((await stranger.post(`${adminUrl}/code`, { _csrf: csrf })).statusCode, 404);
      const qrUrl = `/enquetes/campagnes/${survey.campaignId}/points/${survey.points.qr.id}/borne`;
      assert.equal((await admin.get(qrUrl)).statusCode, 404);
      assert.equal((await t.ctx.db.selectFrom('kiosk_pairing_codes').select('id').execute()).length, 0);
    });

    it('appairage : code faux, expiré ou déjà utilisé refusé avec un message ; code valide → cookie HttpOnly, empreintes seules en base', async () => {
      const tablet = new TestBrowser(app);
      const form = await tablet.get('/borne');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<h1>Appairer cette borne<\/h1>/);
      assert.doesNotMatch(form.body, /<a /, 'aucun lien de sortie sur la tablette');

      const wrong = await pair(tablet, { code: 'ZZZZ-ZZZZ', label: 'Tablette hall' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /Code inconnu/);
      assert.match(wrong.body, /value="ZZZZ-ZZZZ"/);
      assert.match(wrong.body, /value="Tablette hall"/);
      const malformed = await pair(tablet, { code: 'abc' });
      assert.equal(malformed.statusCode, 400);
      assert.match(malformed.body, /8 lettres et chiffres/);

      const expired = await newCode();
      t.clock.set('2026-04-02T08:45:01.000Z');
      const late = await pair(tablet, { code: expired });
      assert.equal(late.statusCode, 400);
      assert.match(late.body, /Ce code a expiré/);

      t.clock.set(START);
      const code = await newCode();
      // Saisie tolérante : minuscules, sans tiret.
      const paired = await pair(tablet, { code: code.replace('-', '').toLowerCase(), label: 'Tablette hall' });
      assert.equal(paired.statusCode, 303);
      assert.equal(paired.headers.location, '/borne/questionnaire');
      const cookie = String(paired.headers['set-cookie']);
      assert.match(cookie, /vigie_borne=[A-Za-z0-9_-]{40,}/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.match(cookie, /Path=\/borne/);
      assert.match(cookie, /Max-Age=31536000/);

      const reused = await pair(new TestBrowser(app), { code });
      assert.equal(reused.statusCode, 400);
      assert.match(reused.body, /Ce code a déjà servi/);

      const token = tablet.cookies.get('vigie_borne') ?? '';
      const devices = await t.ctx.db.selectFrom('kiosk_devices').selectAll().execute();
      assert.equal(devices.length, 1);
      assert.notEqual(devices[0]?.token_hash, token);
      assert.equal(devices[0]?.label, 'Tablette hall');
      const codes = await t.ctx.db.selectFrom('kiosk_pairing_codes').select(['code_hash', 'used_at']).execute();
      assert.ok(codes.every((c) => c.code_hash.length === 64 && !c.code_hash.includes(code.replace('-', ''))));
      const audit = await t.ctx.db.selectFrom('audit_events').select('action').where('action', 'like', 'kiosk%').execute();
      assert.ok(audit.some((a) => a.action === 'kiosk_device.paired'));

      // Une tablette appairée qui rouvre l'écran d'appairage va à la borne.
      const again = await tablet.get('/borne');
      assert.equal(again.statusCode, 303);
      assert.equal(again.headers.location, '/borne/questionnaire');
      const admin = await as('referent@63.test');
      assert.match((await admin.get(adminUrl)).body, /Tablette hall[\s\S]*En service/);
    });

    it('page de la borne : questionnaire en JSON embarqué, script de même origine, ni lien de sortie ni donnée personnelle ; poids < 300 Ko', async () => {
      const tablet = await pairedTablet();
      const page = await tablet.get('/borne/questionnaire');
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      assert.match(page.body, /<html lang="fr"/);
      assert.match(page.body, /Préfecture du Puy-de-Dôme/);
      assert.doesNotMatch(page.body, /<a /);
      assert.doesNotMatch(page.body, /fr-header|fr-footer/);
      // Seuls scripts : le JSON (non exécutable) et le fichier de la borne.
      const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1] ?? '');
      assert.deepEqual(
        scripts.map((s) => s.replace(/\?v=[0-9a-f]+/, '')),
        [' type="application/json" id="borne-config"', ' src="/borne/borne.js" defer'],
      );
      const config = configOf(page.body);
      assert.equal(config.title, 'Votre avis sur l’accueil');
      assert.equal(config.submitUrl, '/borne/reponses');
      assert.ok(config.csrfToken.length >= 20);
      const courtesy = config.questions.find((q) => q.key === 'courtesy');
      assert.deepEqual(
        courtesy?.options.map((o) => o.label),
        ['Très satisfaisant', 'Satisfaisant', 'Peu satisfaisant', 'Pas du tout satisfaisant', 'Sans avis'],
      );
      assert.deepEqual(config.questions.find((q) => q.key === 'website_access')?.showIf, {
        question: 'website_used',
        answer: 'yes',
      });

      const sw = await tablet.get('/borne/sw.js');
      assert.equal(sw.statusCode, 200);
      assert.match(String(sw.headers['content-type']), /javascript/);
      assert.doesNotMatch(sw.body, /__VERSION__|__ASSETS__/);
      assert.match(sw.body, /"\/borne\/questionnaire"/);

      // Poids au premier chargement, compressé (gzip, comme derrière le mandataire inverse) : page, styles, script, polices.
      const css = page.body.match(/href="(\/borne\/borne\.css\?v=[0-9a-f]+)"/)?.[1] ?? '';
      const js = page.body.match(/src="(\/borne\/borne\.js\?v=[0-9a-f]+)"/)?.[1] ?? '';
      let total = gzipSync(page.body).length;
      for (const url of ['/dsfr/core/core.min.css', css, js, '/borne/sw.js']) {
        const asset = await tablet.get(url);
        assert.equal(asset.statusCode, 200, url);
        total += gzipSync(asset.rawPayload).length;
      }
      for (const font of ['Marianne-Regular', 'Marianne-Bold']) {
        total += readFileSync(new URL(`../../../node_modules/@gouvfr/dsfr/dist/fonts/${font}.woff2`, import.meta.url)).length;
      }
      console.log(`Poids de la borne au premier chargement : ${(total / 1024).toFixed(1)} Ko compressés`);
      assert.ok(total < 300 * 1024, `poids ${total} octets`);
    });

    it('réponses : 201 puis rejeu sans doublon (200), option inexistante 400 clair, CSRF ou origine manquants 403, sans borne 401', async () => {
      const tablet = await pairedTablet();
      await tablet.get('/borne/questionnaire');
      const before = await responseCount();
      const answer = {
        responseId: '6f1c1d2e-3b4a-4c5d-8e6f-708192a3b4c5',
        answeredAt: '2026-04-02T08:29:00.000Z',
        durationMs: 25_000,
        answers: { courtesy: 'very_satisfied', website_used: 'no', comment: 'Très bon accueil' },
      };
      assert.ok(JSON.stringify(answer).length < 2048, 'une réponse pèse moins de 2 Ko');
      const created = await sendAnswer(tablet, answer);
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().status, 'created');
      const replay = await sendAnswer(tablet, answer);
      assert.equal(replay.statusCode, 200);
      assert.equal(replay.json().status, 'duplicate');
      assert.equal(await responseCount(), before + 1);
      const stored = await t.ctx.db
        .selectFrom('survey_responses')
        .selectAll()
        .where('id', '=', answer.responseId)
        .executeTakeFirst();
      assert.equal(stored?.collection_point_id, survey.points.kiosk.id);
      assert.equal(stored?.answered_at, answer.answeredAt);

      const forged = await sendAnswer(tablet, {
        ...answer,
        responseId: '7f1c1d2e-3b4a-4c5d-8e6f-708192a3b4c5',
        answers: { courtesy: 'parfait' },
      });
      assert.equal(forged.statusCode, 400);
      assert.equal(forged.json().error.code, 'validation_failed');
      assert.match(forged.json().error.fields['answers.courtesy'], /n’est pas proposée par le questionnaire/);
      const conflicting = await sendAnswer(tablet, { ...answer, answers: { courtesy: 'very_dissatisfied' } });
      assert.equal(conflicting.statusCode, 409);
      assert.equal(conflicting.json().error.code, 'survey_response_conflict');
      // Le point est celui de la borne : un point indiqué par le client est refusé.
      const otherPoint = await sendAnswer(tablet, {
        ...answer,
        responseId: '8f1c1d2e-3b4a-4c5d-8e6f-708192a3b4c5',
        pointId: survey.points.paper.id,
      });
      assert.equal(otherPoint.statusCode, 400);

      const fresh = { ...answer, responseId: '9f1c1d2e-3b4a-4c5d-8e6f-708192a3b4c5' };
      assert.equal((await sendAnswer(tablet, fresh, { 'x-csrf-token': '' })).statusCode, 403);
      assert.equal((await sendAnswer(tablet, fresh, { origin: 'https://malveillant.example' })).statusCode, 403);
      assert.equal((await sendAnswer(tablet, fresh, { 'sec-fetch-site': 'cross-site' })).statusCode, 403);
      const stranger = new TestBrowser(app);
      await stranger.get('/borne');
      const unpaired = await sendAnswer(stranger, fresh);
      assert.equal(unpaired.statusCode, 401);
      assert.equal(unpaired.json().error.code, 'kiosk_not_paired');
      assert.equal(await responseCount(), before + 1, 'aucun envoi refusé n’est enregistré');

      // Cookie CSRF perdu : la borne obtient un nouveau jeton.
      tablet.cookies.delete('vigie_csrf');
      const token = await tablet.get('/borne/jeton');
      assert.equal(token.statusCode, 200);
      assert.equal(token.json().csrfToken, tablet.cookies.get('vigie_csrf'));
      assert.equal((await sendAnswer(tablet, fresh)).statusCode, 201);
    });

    it('révocation : la borne révoquée est refusée avec un message clair et revient à l’écran d’appairage', async () => {
      const tablet = await pairedTablet('Tablette à retirer');
      // La borne en service est gardée en mémoire courte : la révocation doit l'en chasser aussitôt.
      await tablet.get('/borne/jeton');
      const accepted = await sendAnswer(tablet, {
        responseId: 'be2d2e3f-4c5b-4d6e-9f70-8192a3b4c5d6',
        answers: { courtesy: 'satisfied' },
      });
      assert.equal(accepted.statusCode, 201);
      const admin = await as('referent@63.test');
      const list = await admin.get(adminUrl);
      const device = await t.ctx.db
        .selectFrom('kiosk_devices')
        .select('id')
        .where('label', '=', 'Tablette à retirer')
        .executeTakeFirstOrThrow();
      const csrf = list.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      const stranger = await as('referent@75.test');
      const strangerCsrf = (await stranger.get('/compte')).body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      assert.equal((await stranger.post(`${adminUrl}/${device.id}/revoquer`, { _csrf: strangerCsrf })).statusCode, 404);
      const revoked = await admin.post(`${adminUrl}/${device.id}/revoquer`, { _csrf: csrf });
      assert.equal(revoked.statusCode, 303);
      assert.match((await admin.get(adminUrl)).body, /Tablette à retirer[\s\S]*Révoquée/);

      await tablet.get('/borne/jeton');
      const refused = await sendAnswer(tablet, {
        responseId: 'af1c1d2e-3b4a-4c5d-8e6f-708192a3b4c5',
        answers: { courtesy: 'satisfied' },
      });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, 'kiosk_revoked');
      assert.match(refused.json().error.message, /retirée par le référent qualité/);
      const page = await tablet.get('/borne/questionnaire');
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /Cette borne a été retirée/);
      assert.match(page.body, /<h1>Appairer cette borne<\/h1>/);
      assert.equal(tablet.cookies.has('vigie_borne'), false, 'cookie de la borne effacé');
    });

    it(`limite de débit : au-delà de ${KIOSK_PAIRING_RATE_LIMIT.max} saisies du code par adresse, 429`, async () => {
      const tablet = new TestBrowser(app);
      const statuses: number[] = [];
      for (let i = 0; i <= KIOSK_PAIRING_RATE_LIMIT.max; i++) {
        statuses.push((await pair(tablet, { code: 'ZZZZ-ZZZZ' }, '192.0.2.200')).statusCode);
      }
      assert.deepEqual(statuses.slice(0, -1), Array(KIOSK_PAIRING_RATE_LIMIT.max).fill(400));
      assert.equal(statuses.at(-1), 429);
    });
  });
}
