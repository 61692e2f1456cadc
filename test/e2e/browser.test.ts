import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CLI_ACTOR } from '../../src/modules/audit/audit.service.ts';
import { createCase } from '../../src/modules/cases/case.service.ts';
import { addAttachment } from '../../src/modules/cases/case-attachment.service.ts';
import { DEMO_SLUG, ensureDemo } from '../../src/modules/demo/demo.service.ts';
import { createMailbox } from '../../src/modules/mail/mailbox.service.ts';
import { listTemplates } from '../../src/modules/mail/template.repository.ts';
import { issueEvaluatorLink } from '../../src/modules/mystery/mystery-grid.service.ts';
import { listServices } from '../../src/modules/organisations/organisation.repository.ts';
import { submitControlEntry } from '../../src/modules/surveys/double-entry.service.ts';
import { entryPoint } from '../../src/modules/surveys/response.service.ts';
import { buildServer } from '../../src/server.ts';
import { assertNoAxeViolation, CHROMIUM_ARGS, findChromium, loginAsReferent } from '../helpers/browser.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';

/**
 * Parcours de bout en bout dans un vrai Chromium (Debian) piloté par playwright-core, avec axe sur
 * chaque page : aucune violation tolérée. Sans Chromium, le test est sauté hors CI et échoue en CI.
 */

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

/** Ouvre une adresse et vérifie le statut HTTP. */
async function open(page: Page, path: string, expectedStatus = 200): Promise<void> {
  const response = await page.goto(path);
  assert.ok(response, `pas de réponse pour ${path}`);
  assert.equal(response.status(), expectedStatus, `statut HTTP de ${path}`);
}

/** Ouvre une adresse, vérifie le statut HTTP puis l'accessibilité (axe) de la page obtenue. */
async function visit(page: Page, path: string, expectedStatus = 200): Promise<void> {
  await open(page, path, expectedStatus);
  await assertNoAxeViolation(page, path);
}

async function h1(page: Page): Promise<string> {
  return ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
}

/** Erreurs JavaScript et messages d'erreur de la console (dont les refus de la CSP) : aucun n'est admis. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`erreur JavaScript : ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console : ${message.text()}`);
  });
  return errors;
}

// Délai global : une attente de Playwright sans fin (evaluate n'en a pas) ne doit jamais bloquer la suite.
// Une centaine de pages auditées ; axe seul prend de 1,3 à 2,4 s par page sur une machine virtuelle à deux cœurs,
// jusqu'à 6 s quand les autres fichiers de tests tournent en parallèle : 10 minutes.
const TIMEOUT_MS = 600_000;

test('parcours navigateur : pages publiques et connectées, accessibilité axe, clavier, sans JavaScript', {
  timeout: TIMEOUT_MS,
}, async (t) => {
  const executablePath = findChromium();
  if (!executablePath) {
    const message = 'Chromium absent : installez-le (apt-get install chromium) pour lancer le test de bout en bout.';
    if (process.env.CI) assert.fail(`${message} En CI ce test est obligatoire.`);
    console.log(`AVERTISSEMENT : ${message} Test sauté.`);
    t.skip(message);
    return;
  }

  testContext = await createTestContext('sqlite');
  const { organisationId } = await ensureDemo(testContext.ctx);
  // Quelques dossiers pour que la file, la fiche et les indicateurs du registre ne soient pas vides.
  const [firstService] = await listServices(testContext.ctx.db, organisationId);
  const lateCase = await createCase(
    testContext.ctx,
    organisationId,
    { kind: 'complaint', channel: 'email', receivedAt: '2026-03-20', serviceId: firstService?.id, subject: 'Attente au guichet' },
    CLI_ACTOR,
  );
  // Une pièce jointe : la fiche montre la liste et le formulaire d'envoi.
  await addAttachment(
    testContext.ctx,
    organisationId,
    lateCase.id,
    { filename: 'courrier.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF\n') },
    CLI_ACTOR,
  );
  await createCase(
    testContext.ctx,
    organisationId,
    {
      kind: 'information_request',
      channel: 'letter',
      receivedAt: '2026-04-01',
      serviceId: firstService?.id,
      subject: 'Horaires',
    },
    CLI_ACTOR,
  );
  await createCase(
    testContext.ctx,
    organisationId,
    { kind: 'elected_official_appointment', channel: 'email', audience: 'local_authority', receivedAt: '2026-04-01' },
    CLI_ACTOR,
  );
  // Courrier : un dossier avec l'adresse du demandeur (réponse par courriel), une boîte sans relève.
  const emailCase = await createCase(
    testContext.ctx,
    organisationId,
    {
      kind: 'information_request',
      channel: 'email',
      receivedAt: '2026-04-01',
      serviceId: firstService?.id,
      subject: 'Titre de séjour',
      requesterName: 'Camille Martin',
      requesterEmail: 'camille.martin@exemple.fr',
      requesterAddress: '12 rue Blatin\n63000 Clermont-Ferrand',
    },
    CLI_ACTOR,
  );
  const mailbox = await createMailbox(
    testContext.ctx,
    organisationId,
    {
      serviceId: firstService?.id,
      label: 'Accueil général',
      address: 'pref-accueil@demo.vigie.test',
      displayName: 'Préfecture du Puy-de-Dôme',
      smtpHost: 'smtp.demo.vigie.test',
      smtpPort: '587',
    },
    CLI_ACTOR,
  );
  const [template] = await listTemplates(testContext.ctx.db, organisationId);
  // Enquête de la démonstration : campagne, questionnaire, points (borne, QR code, papier).
  const surveyCampaign = await testContext.ctx.db
    .selectFrom('survey_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  const surveyPoints = await testContext.ctx.db
    .selectFrom('survey_collection_points')
    .selectAll()
    .where('campaign_id', '=', surveyCampaign.id)
    .execute();
  const qrPoint = surveyPoints.find((p) => p.mode === 'qr');
  const paperPoint = surveyPoints.find((p) => p.mode === 'paper');
  // Double saisie : une seconde saisie du formulaire n° 1 qui diffère de la première (écart à arbitrer).
  const control = await submitControlEntry(
    testContext.ctx,
    await entryPoint(testContext.ctx, organisationId, surveyCampaign.id, paperPoint?.id ?? ''),
    {
      entryId: crypto.randomUUID(),
      formNumber: '1',
      answers: { orientation: 'no_opinion', waiting_time: 'no_opinion', courtesy: 'no_opinion', confidentiality: 'no_opinion' },
    },
    { organisationId, actor: CLI_ACTOR },
  );
  assert.equal(control.status, 'conflict');
  // Plan d'actions et comité des usagers de la démonstration.
  const demoAction = await testContext.ctx.db
    .selectFrom('actions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('number')
    .executeTakeFirstOrThrow();
  const meetings = await testContext.ctx.db
    .selectFrom('clu_meetings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('starts_at')
    .execute();
  const pastMeeting = meetings[0];
  const nextMeeting = meetings[1];
  assert.ok(pastMeeting && nextMeeting, 'deux réunions du CLU dans la démonstration');
  const cluMember = await testContext.ctx.db
    .selectFrom('clu_members')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  // Enquêtes mystère de la démonstration : une campagne close (grilles remplies), un brouillon.
  const mysteryCampaigns = await testContext.ctx.db
    .selectFrom('mystery_campaigns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .execute();
  const closedMystery = mysteryCampaigns.find((c) => c.status === 'closed');
  const draftMystery = mysteryCampaigns.find((c) => c.status === 'draft');
  assert.ok(closedMystery && draftMystery, 'une campagne mystère close et un brouillon dans la démonstration');
  const mysteryContact = await testContext.ctx.db
    .selectFrom('mystery_contacts')
    .selectAll()
    .where('campaign_id', '=', closedMystery.id)
    .orderBy('rank')
    .executeTakeFirstOrThrow();
  const mysteryScenario = await testContext.ctx.db
    .selectFrom('mystery_scenarios')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  const evaluatorLink = await issueEvaluatorLink(
    testContext.ctx,
    organisationId,
    closedMystery.id,
    mysteryContact.evaluator_id ?? '',
    CLI_ACTOR,
  );
  app = await buildServer(testContext.ctx);
  const baseURL = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const running = browser;

  let context: BrowserContext | undefined;
  let page: Page;
  let errors: string[] = [];

  await t.test('ouvre un contexte de navigation', async () => {
    context = await running.newContext({ baseURL, locale: 'fr-FR' });
    page = await context.newPage();
    errors = watchErrors(page);
  });

  await t.test('la touche Tab atteint d’abord le lien d’évitement « Contenu »', async () => {
    await page.goto('/');
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    assert.equal(((await focused.textContent()) ?? '').trim(), 'Contenu');
    assert.equal(await focused.getAttribute('href'), '#contenu');
  });

  await t.test('accueil public et page de connexion accessibles', async () => {
    await visit(page, '/');
    assert.match(await h1(page), /Vigie/);
    await visit(page, '/connexion');
    assert.equal(await h1(page), 'Connexion à Vigie');
  });

  await t.test('connexion du référent de démonstration', async () => {
    await loginAsReferent(page);
    assert.match(await h1(page), /^Bonjour /);
    await assertNoAxeViolation(page, '/ (connecté)');
  });

  await t.test('référentiel', async () => {
    await visit(page, '/referentiel');
    assert.match(await h1(page), /Référentiel/);
    assert.ok((await page.getByText('Engagement 17', { exact: false }).count()) > 0, '« Engagement 17 » absent');
  });

  for (const path of [
    '/organisation',
    '/calendrier?annee=2026',
    '/calendrier/vacances-scolaires',
    '/admin/utilisateurs',
    '/admin/journal',
    '/compte',
    '/registre',
    '/registre?kind=thanks',
    '/registre/nouveau',
    '/registre/urne',
    '/registre/urne?releve=2026-04-01',
    `/registre/${lateCase.id}`,
    '/registre/indicateurs?period=2026-03&asOf=2026-04-02',
    '/registre/indicateurs/RECL_MAIL_5J?period=2026-03&asOf=2026-04-02',
    '/registre/import',
    '/indicateurs/import',
    '/registre/themes',
    '/indicateurs?annee=2026&asOf=2026-04-02',
    '/indicateurs/tableau?annee=2026&asOf=2026-04-02',
    '/indicateurs/tableau?annee=2026&asOf=2026-04-02&vue=quarters',
    '/indicateurs/TEL_ABOUTIS?annee=2026&asOf=2026-04-02',
    '/indicateurs/RECL_MAIL_5J?annee=2026&asOf=2026-04-02',
    '/indicateurs/catalogue?annee=2026',
    '/indicateurs/DI_MAIL_5J/cible?annee=2026',
    '/indicateurs/publications?trimestre=2026-Q1',
    `/registre/${emailCase.id}`,
    `/registre/${emailCase.id}/courriel`,
    `/registre/${emailCase.id}/lettre`,
    '/courrier',
    '/courrier/boites',
    '/courrier/boites/nouvelle',
    `/courrier/boites/${mailbox.id}`,
    `/courrier/boites/${mailbox.id}/messages`,
    '/courrier/envois',
    '/courrier/modeles',
    '/courrier/modeles/nouveau',
    `/courrier/modeles/${template?.id}`,
    '/courrier/signatures',
    '/enquetes',
    '/enquetes/questionnaires',
    `/enquetes/questionnaires/${surveyCampaign.questionnaire_id}`,
    '/enquetes/campagnes/nouvelle',
    `/enquetes/campagnes/${surveyCampaign.id}`,
    `/enquetes/campagnes/${surveyCampaign.id}/resultats`,
    `/enquetes/campagnes/${surveyCampaign.id}/saisie?point=${paperPoint?.id}`,
    `/enquetes/campagnes/${surveyCampaign.id}/saisie?point=${paperPoint?.id}&controle=1`,
    `/enquetes/campagnes/${surveyCampaign.id}/controles`,
    `/enquetes/campagnes/${surveyCampaign.id}/controles/${control.status === 'conflict' ? control.checkId : ''}`,
    `/enquetes/questionnaires/${surveyCampaign.questionnaire_id}/json`,
    '/plan-actions',
    '/plan-actions/statuts',
    '/plan-actions/origines',
    '/plan-actions/calendrier',
    '/plan-actions/nouvelle',
    `/plan-actions/${demoAction.id}`,
    `/plan-actions/${demoAction.id}/modifier`,
    '/clu/reunions',
    '/clu/reunions/nouvelle',
    `/clu/reunions/${pastMeeting.id}`,
    `/clu/reunions/${pastMeeting.id}/modifier`,
    `/clu/reunions/${pastMeeting.id}/invitations-courrier`,
    `/clu/reunions/${nextMeeting.id}`,
    `/clu/reunions/${pastMeeting.id}/support`,
    `/clu/reunions/${pastMeeting.id}/compte-rendu`,
    `/clu/reunions/${pastMeeting.id}/compte-rendu/approuver`,
    '/clu/membres',
    '/clu/membres/nouveau',
    '/clu/membres/organismes/nouveau',
    `/clu/membres/${cluMember.id}/modifier`,
    `/clu/membres/organismes/${cluMember.member_organisation_id}/modifier`,
    '/mystere',
    '/mystere/scenarios',
    '/mystere/scenarios/nouveau',
    `/mystere/scenarios/${mysteryScenario.id}/modifier`,
    '/mystere/campagnes/nouvelle',
    `/mystere/campagnes/${closedMystery.id}`,
    `/mystere/campagnes/${closedMystery.id}/plan`,
    `/mystere/campagnes/${closedMystery.id}/grilles`,
    `/mystere/campagnes/${closedMystery.id}/contacts/${mysteryContact.id}/grille`,
    `/mystere/campagnes/${closedMystery.id}/resultats`,
    `/mystere/campagnes/${draftMystery.id}`,
    `/mystere/campagnes/${draftMystery.id}/plan`,
    `/mystere/campagnes/${draftMystery.id}/modifier`,
    `/mystere/campagnes/${draftMystery.id}/confirmer`,
    evaluatorLink.path,
    `${evaluatorLink.path}/contacts/${mysteryContact.id}`,
  ]) {
    await t.test(`page connectée ${path}`, async () => {
      await visit(page, path);
    });
  }

  await t.test('import d’indicateurs : correspondance des colonnes puis prévisualisation accessibles', async () => {
    await open(page, '/indicateurs/import');
    await page.getByLabel('Source des chiffres').selectOption('telephony');
    await page.getByLabel('Année des chiffres').fill('2026');
    await page
      .locator('#champ-file')
      .setInputFiles(fileURLToPath(new URL('../../docs/formats/indicateurs-telephony-exemple.csv', import.meta.url)));
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Envoyer le fichier' }).click()]);
    assert.equal(await h1(page), 'Correspondance des colonnes');
    await assertNoAxeViolation(page, '/indicateurs/import (correspondance)');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Prévisualiser l’import' }).click()]);
    assert.equal(await h1(page), 'Prévisualisation de l’import');
    await assertNoAxeViolation(page, '/indicateurs/import/apercu');
  });

  for (const path of [
    '/accessibilite',
    '/mentions-legales',
    '/donnees-personnelles',
    '/api/docs',
    '/reclamation',
    '/o/demo/comite-des-usagers',
    `/enquete/${qrPoint?.public_token}`,
    `/o/${DEMO_SLUG}/resultats`,
  ]) {
    await t.test(`page publique ${path}`, async () => {
      await visit(page, path);
    });
  }

  await t.test('page 404', async () => {
    await visit(page, '/page-qui-n-existe-pas', 404);
    assert.equal(await h1(page), 'Page non trouvée');
  });

  await t.test('aucune erreur JavaScript ni refus de la CSP', () => {
    // Le 404 volontaire ci-dessus est journalisé par Chromium comme une ressource en échec.
    const unexpected = errors.filter((e) => !/status of 404/.test(e));
    assert.deepEqual(unexpected, []);
  });

  // Après le contrôle de la console : le refus (400) de cet envoi volontairement incomplet y est journalisé.
  await t.test('formulaire public : erreurs de saisie accessibles', async () => {
    await open(page, '/reclamation');
    await page.getByLabel('Objet').fill('Attente');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    assert.equal(await h1(page), 'Réclamation, suggestion ou demande d’information');
    assert.ok((await page.getByText('Votre message : champ obligatoire.').count()) > 0);
    await assertNoAxeViolation(page, '/reclamation (erreurs)');
  });

  await t.test('sans JavaScript, la connexion fonctionne (formulaire rendu par le serveur)', async () => {
    const noScript = await running.newContext({ baseURL, locale: 'fr-FR', javaScriptEnabled: false });
    try {
      const plain = await noScript.newPage();
      // axe s'exécute dans la page : impossible sans JavaScript (la page a été auditée plus haut).
      await open(plain, '/connexion');
      await loginAsReferent(plain);
      assert.match(await h1(plain), /^Bonjour /);
    } finally {
      await noScript.close();
    }
  });

  await context?.close();
});
