import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { CLI_ACTOR } from '../../src/modules/audit/audit.service.ts';
import { ensureDemo } from '../../src/modules/demo/demo.service.ts';
import { addCollectionPoint, createCampaign } from '../../src/modules/surveys/campaign.service.ts';
import { buildServer } from '../../src/server.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { assertNoAxeViolation, CHROMIUM_ARGS, findChromium, loginAsReferent } from '../helpers/browser.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

/**
 * La borne dans un vrai Chromium : appairage par code, une réponse en ligne, trois hors connexion
 * (file IndexedDB, page servie par le service worker), retour du réseau, exactement quatre réponses
 * en base et sur la page de résultats. Axe sur l'appairage et sur chaque écran de la borne.
 * Mêmes lanceur et options que browser.test.ts ; l'horloge est réelle (la borne horodate ses réponses).
 */

const TIMEOUT_MS = 120_000;

let testContext: TestContext | undefined;
let app: FastifyInstance | undefined;
let browser: Browser | undefined;

after(async () => {
  await browser?.close();
});
after(async () => {
  await app?.close();
});
after(async () => {
  await testContext?.close();
});

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

test('borne : appairage, une réponse en ligne, trois hors connexion, synchronisation au retour du réseau', {
  timeout: TIMEOUT_MS,
}, async (t) => {
  const executablePath = findChromium();
  if (!executablePath) {
    const message = 'Chromium absent : installez-le (apt-get install chromium) pour lancer le test de bout en bout.';
    if (process.env.CI) assert.fail(`${message} En CI ce test est obligatoire.`);
    t.skip(message);
    return;
  }

  testContext = await createTestContext('sqlite', { clock: systemClock });
  const { ctx } = testContext;
  const { organisationId } = await ensureDemo(ctx);
  const demoCampaign = await ctx.db
    .selectFrom('survey_campaigns')
    .select('questionnaire_id')
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  // Une campagne à elle seule : ses comptes ne mêlent pas les réponses de la démonstration.
  const campaign = await createCampaign(
    ctx,
    organisationId,
    {
      name: 'Borne — essai hors connexion',
      questionnaireId: demoCampaign.questionnaire_id,
      startsOn: isoDay(-2),
      endsOn: isoDay(2),
    },
    CLI_ACTOR,
  );
  const point = await addCollectionPoint(ctx, organisationId, campaign.id, { label: 'Borne du hall', mode: 'kiosk' }, CLI_ACTOR);
  const countResponses = async () =>
    (await ctx.db.selectFrom('survey_responses').select('id').where('campaign_id', '=', campaign.id).execute()).length;

  app = await buildServer(ctx);
  const baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });

  // Le référent crée le code sur son poste.
  const adminContext = await browser.newContext({ baseURL, locale: 'fr-FR' });
  const admin = await adminContext.newPage();
  await admin.goto('/connexion');
  await loginAsReferent(admin);
  await admin.goto(`/enquetes/campagnes/${campaign.id}`);
  await admin.getByRole('link', { name: 'Appairer une borne : Borne du hall' }).click();
  await admin.waitForURL((url) => url.pathname.endsWith(`/points/${point.id}/borne`));
  await assertNoAxeViolation(admin, 'bornes du point (référent)');
  await admin.getByRole('button', { name: 'Créer un code d’appairage' }).click();
  const code = ((await admin.locator('.vigie-code').textContent()) ?? '').trim();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await assertNoAxeViolation(admin, 'code d’appairage affiché');

  // La tablette.
  const kioskContext = await browser.newContext({ baseURL, locale: 'fr-FR' });
  const kiosk = await kioskContext.newPage();
  const errors: string[] = [];
  kiosk.on('pageerror', (error) => errors.push(`erreur JavaScript : ${error.message}`));
  kiosk.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console : ${message.text()}`);
  });
  const sentSizes: number[] = [];
  kiosk.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/borne/reponses'))
      sentSizes.push(request.postDataBuffer()?.length ?? 0);
  });

  await kiosk.goto('/borne');
  await assertNoAxeViolation(kiosk, 'appairage de la borne');
  await kiosk.getByLabel('Code d’appairage').fill(code);
  await kiosk.getByLabel('Nom de la borne').fill('Tablette hall');
  await Promise.all([
    kiosk.waitForURL((url) => url.pathname === '/borne/questionnaire'),
    kiosk.getByRole('button', { name: 'Appairer la borne' }).click(),
  ]);
  await kiosk.getByRole('button', { name: 'Commencer' }).waitFor();
  assert.equal(await kiosk.locator('a').count(), 0, 'aucun lien de sortie');
  await assertNoAxeViolation(kiosk, 'borne : accueil');
  // Le service worker prend la main (cache de la page et des fichiers) avant la coupure du réseau.
  await kiosk.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });

  const waiting = () => kiosk.locator('#borne-attente').getAttribute('data-waiting');
  // Le script de la borne publie la longueur de sa file dans l'indicateur discret.
  const queueLength = (count: string, timeout = 10_000) =>
    kiosk.locator(`#borne-attente[data-waiting="${count}"]`).waitFor({ state: 'attached', timeout });
  let checkedScreens = false;
  async function answerOnce(): Promise<void> {
    await kiosk.getByRole('button', { name: 'Commencer' }).click();
    for (let screen = 0; screen < 20; screen++) {
      const heading = ((await kiosk.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
      if (heading === 'Merci !') break;
      const options = kiosk.locator('.borne-option label');
      if ((await options.count()) > 0) await options.first().click();
      if (!checkedScreens) await assertNoAxeViolation(kiosk, `borne : question « ${heading} »`);
      const next = kiosk.getByRole('button', { name: /^(Suivant|Envoyer)$/ });
      await next.click();
    }
    await kiosk.getByRole('heading', { level: 1, name: 'Merci !' }).waitFor();
    if (!checkedScreens) await assertNoAxeViolation(kiosk, 'borne : merci');
    checkedScreens = true;
    await kiosk.getByRole('button', { name: 'Nouvelle réponse' }).click();
  }

  await t.test('une réponse en ligne : envoyée aussitôt', async () => {
    await answerOnce();
    await queueLength('0');
    assert.equal(await countResponses(), 1);
  });

  await t.test('réseau coupé : trois réponses gardées sur la borne, page rechargée depuis le service worker', async () => {
    await kioskContext.setOffline(true);
    for (let i = 0; i < 3; i++) await answerOnce();
    assert.equal(await waiting(), '3');
    assert.match((await kiosk.locator('#borne-attente').textContent()) ?? '', /3 réponses en attente d’envoi/);
    await kiosk.reload();
    await kiosk.getByRole('button', { name: 'Commencer' }).waitFor();
    await queueLength('3');
    assert.equal(await countResponses(), 1, 'rien n’est parti sans réseau');
  });

  await t.test('retour du réseau : la file se vide, exactement quatre réponses', async () => {
    await kioskContext.setOffline(false);
    await queueLength('0', 30_000);
    assert.equal(await countResponses(), 4);
    // Identifiants UUID v7 tirés par la borne : dans l'ordre des réponses, l'index du serveur croît à droite.
    const stored = await ctx.db
      .selectFrom('survey_responses')
      .select('id')
      .where('campaign_id', '=', campaign.id)
      .orderBy('answered_at')
      .execute();
    const ids = stored.map((r) => r.id);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(sentSizes.length >= 4, `${sentSizes.length} envois`);
    assert.ok(
      sentSizes.every((size) => size < 2048),
      `taille des envois : ${sentSizes.join(', ')} octets`,
    );
    console.log(`Taille d’une réponse envoyée : ${Math.max(...sentSizes)} octets au plus`);

    await admin.goto(`/enquetes/campagnes/${campaign.id}`);
    assert.match((await admin.locator('main').textContent()) ?? '', /Réponses reçues : 4/);
    // Réponses remplies en quelques secondes par le robot : signalées « trop rapides », incluses ici.
    await admin.goto(`/enquetes/campagnes/${campaign.id}/resultats?signalees=1`);
    assert.match((await admin.locator('main').textContent()) ?? '', /4 réponses retenues/);
    assert.deepEqual(errors, []);
  });
});
