import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { callForm, type FixtureCampaign, insertMysteryCampaign } from '../../../test/helpers/mystery-grid-fixtures.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { parseGridAnswers } from './mystery-grid.ts';
import { fillDemoGrids } from './mystery-grid-demo.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

const MEASURED = {
  sentAt: '2026-03-03T08:40:00.000Z',
  acknowledgment: { at: '2026-03-03T08:43:00.000Z', minutes: 3 },
  answer: { at: '2026-03-05T09:00:00.000Z', workingDays: 2, inTime: true },
  reminders: 0,
  reorientation: false,
  signature: { complete: false, missing: ['phone'] },
  attachments: { announced: 0, present: 0 },
  links: { total: 0, incomplete: [] },
  messages: 3,
};

async function contactOf(t: TestContext, id: string) {
  return t.ctx.db.selectFrom('mystery_contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

for (const engine of testEngines()) {
  describe(`grilles des enquêtes mystère (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let campaign: FixtureCampaign;
    let otherCampaign: FixtureCampaign;
    let draft: FixtureCampaign;
    let foreign: FixtureCampaign;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'pdd', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'correze', name: 'Préfecture de la Corrèze', department: '19' }, CLI_ACTOR)
      ).id;
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['referent@19.test', 'admin', other],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      campaign = await insertMysteryCampaign(t.ctx, organisationId, {
        name: 'Printemps 2026',
        channels: 'call,email',
        windowFrom: '2026-03-02',
        windowTo: '2026-03-13',
        status: 'confirmed',
        contacts: [
          { channel: 'call', date: '2026-03-02', evaluator: 0 },
          { channel: 'call', date: '2026-03-02', evaluator: 1, target: 'etrangers' },
          {
            channel: 'email',
            date: '2026-03-03',
            evaluator: 0,
            status: 'sent',
            sentAt: MEASURED.sentAt,
            measured: MEASURED,
            answers: {
              acknowledgment: 'yes',
              answer_in_time: 'yes',
              reorientation_notice: 'na',
              complete_signature: 'no',
              attachments_announced: 'na',
              complete_links: 'na',
            },
          },
          { channel: 'call', date: '2026-03-04', evaluator: 0, status: 'cancelled' },
        ],
      });
      otherCampaign = await insertMysteryCampaign(t.ctx, organisationId, {
        name: 'Automne 2026',
        channels: 'call',
        windowFrom: '2026-10-05',
        windowTo: '2026-10-16',
        status: 'confirmed',
        contacts: [{ channel: 'call', date: '2026-10-05' }],
      });
      draft = await insertMysteryCampaign(t.ctx, organisationId, {
        name: 'Brouillon',
        channels: 'call',
        windowFrom: '2026-11-02',
        windowTo: '2026-11-13',
        status: 'draft',
        contacts: [{ channel: 'call', date: '2026-11-02' }],
      });
      foreign = await insertMysteryCampaign(t.ctx, other, {
        name: 'Corrèze',
        channels: 'call',
        windowFrom: '2026-03-02',
        windowTo: '2026-03-13',
        status: 'confirmed',
        contacts: [{ channel: 'call', date: '2026-03-02' }],
      });
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('le référent remplit une grille d’appel : réponses obligatoires, saisie gardée, contact complet', async () => {
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const list = await admin.get(`/mystere/campagnes/${campaign.id}/grilles`);
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /<h1>Grilles — Printemps 2026<\/h1>/);
      assert.match(list.body, /0 grille complète sur 3 contacts/);
      const url = `/mystere/campagnes/${campaign.id}/contacts/${campaign.contactIds[0]}/grille`;
      const page = await admin.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Nombre de sonneries avant le décroché/);
      assert.match(page.body, /type="number" inputmode="numeric" min="0" max="30"/);
      assert.match(page.body, /Horaires du guichet des titres de séjour/, 'scénario à lire');
      assert.match(page.body, /Standard<\/strong> \(04 73 98 63 63\)/);
      const csrf = await admin.csrfFrom(url);

      const bad = await admin.post(url, {
        _csrf: csrf,
        ...callForm({ 'answers.rings': '45', 'answers.greeting': '', 'answers.ivr': 'na' }),
        notes: 'Attente longue',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /La grille n’est pas complète/);
      assert.match(bad.body, /entier de 0 à 30 est attendu \(reçu « 45 »\)/);
      assert.match(bad.body, /Formule d’accueil : répondez Oui, Non\./);
      assert.match(bad.body, /value="45"/, 'saisie gardée');
      assert.match(bad.body, /id="champ-answers.ivr-na" name="answers.ivr" value="na" checked/);
      assert.match(bad.body, />Attente longue<\/textarea>/);
      assert.equal((await contactOf(t, campaign.contactIds[0] as string)).status, 'planned', 'rien d’écrit');

      const ok = await admin.post(url, {
        _csrf: csrf,
        ...callForm({ 'answers.rings': '7', 'answers.transfer_announced': 'no' }),
        notes: 'Standard saturé',
      });
      assert.equal(ok.statusCode, 303);
      const saved = await contactOf(t, campaign.contactIds[0] as string);
      assert.equal(saved.status, 'done');
      assert.equal(saved.completed_by_name !== null, true);
      assert.equal(saved.notes, 'Standard saturé');
      const answers = parseGridAnswers(saved.answers_json);
      assert.equal(answers.rings, 7);
      assert.equal(answers.pickup, 'no', 'prise en charge déduite : 7 sonneries');
      assert.equal(answers.transfer_announced, 'no');
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', campaign.contactIds[0] as string)
        .execute();
      assert.ok(audit.some((a) => a.action === 'mystery.grid_saved'));
      assert.match((await admin.get(`/mystere/campagnes/${campaign.id}/grilles`)).body, /1 grille complète sur 3 contacts/);
    });

    it('courriel mesuré : les réponses de Vigie sont affichées avec leur explication et ne changent pas', async () => {
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const url = `/mystere/campagnes/${campaign.id}/contacts/${campaign.contactIds[2]}/grille`;
      const page = await admin.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Mesuré par Vigie/);
      assert.match(page.body, /accusé reçu 3 min après l’envoi/);
      assert.match(page.body, /signature : manque le téléphone/);
      assert.match(page.body, /réponse reçue en 2 jours ouvrés, dans le délai/);
      assert.doesNotMatch(page.body, /name="answers.acknowledgment"/, 'pas de saisie pour une mesure');
      assert.match(page.body, /name="answers.language_layout"/);
      const csrf = await admin.csrfFrom(url);
      const missing = await admin.post(url, { _csrf: csrf });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Langage et mise en page : répondez Oui, Non ou Sans objet/);
      const ok = await admin.post(url, {
        _csrf: csrf,
        'answers.language_layout': 'yes',
        'answers.acknowledgment': 'no',
        'answers.complete_signature': 'yes',
      });
      assert.equal(ok.statusCode, 303);
      const saved = await contactOf(t, campaign.contactIds[2] as string);
      assert.equal(saved.status, 'done');
      const answers = parseGridAnswers(saved.answers_json);
      assert.equal(answers.acknowledgment, 'yes', 'la mesure reste');
      assert.equal(answers.complete_signature, 'no', 'la mesure reste');
      assert.equal(answers.language_layout, 'yes');
    });

    it('refuse l’agent (403), une autre organisation (404), un contact d’une autre campagne (404), une campagne en préparation', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      assert.equal((await agent.get(`/mystere/campagnes/${campaign.id}/grilles`)).statusCode, 403);
      assert.equal(
        (await agent.get(`/mystere/campagnes/${campaign.id}/contacts/${campaign.contactIds[0]}/grille`)).statusCode,
        403,
      );
      const stranger = await signedIn(app, 'referent@19.test', PASSWORD);
      assert.equal((await stranger.get(`/mystere/campagnes/${campaign.id}/grilles`)).statusCode, 404);
      assert.equal(
        (await stranger.get(`/mystere/campagnes/${campaign.id}/contacts/${campaign.contactIds[0]}/grille`)).statusCode,
        404,
      );
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      assert.equal(
        (await admin.get(`/mystere/campagnes/${campaign.id}/contacts/${otherCampaign.contactIds[0]}/grille`)).statusCode,
        404,
      );
      assert.equal(
        (await admin.get(`/mystere/campagnes/${campaign.id}/contacts/${foreign.contactIds[0]}/grille`)).statusCode,
        404,
      );
      const draftUrl = `/mystere/campagnes/${draft.id}/contacts/${draft.contactIds[0]}/grille`;
      const draftPage = await admin.get(draftUrl);
      assert.equal(draftPage.statusCode, 200);
      assert.match(draftPage.body, /La campagne est en préparation : les grilles se remplissent une fois le plan confirmé/);
      assert.doesNotMatch(draftPage.body, /Enregistrer la grille/);
      const csrf = await admin.csrfFrom(`/mystere/campagnes/${campaign.id}/grilles`);
      const refused = await admin.post(draftUrl, { _csrf: csrf, ...callForm() });
      assert.equal(refused.statusCode, 400);
      assert.equal((await contactOf(t, draft.contactIds[0] as string)).status, 'planned');
      const cancelled = await admin.get(`/mystere/campagnes/${campaign.id}/contacts/${campaign.contactIds[3]}/grille`);
      assert.match(cancelled.body, /Ce contact a été annulé/);
    });

    it('lien personnel de l’enquêteur : montré une fois, ses contacts seulement, mauvais jeton 404, ancien lien désactivé', async () => {
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const gridsUrl = `/mystere/campagnes/${campaign.id}/grilles`;
      const csrf = await admin.csrfFrom(gridsUrl);
      const linkUrl = `/mystere/campagnes/${campaign.id}/enqueteurs/${campaign.evaluatorIds[1]}/lien`;
      assert.equal((await admin.post(linkUrl, { _csrf: 'faux' })).statusCode, 403, 'CSRF exigé');
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      assert.equal((await agent.post(linkUrl, { _csrf: await agent.csrfFrom('/') })).statusCode, 403);
      const created = await admin.post(linkUrl, { _csrf: csrf });
      assert.equal(created.statusCode, 200);
      const token = created.body.match(/\/mystere\/enqueteur\/([A-Za-z0-9_-]+)"/)?.[1];
      assert.ok(token, 'le lien est affiché');
      const stored = await t.ctx.db
        .selectFrom('mystery_evaluators')
        .select('access_token_hash')
        .where('id', '=', campaign.evaluatorIds[1] as string)
        .executeTakeFirstOrThrow();
      assert.ok(stored.access_token_hash && !stored.access_token_hash.includes(token), 'seule l’empreinte est gardée');
      assert.doesNotMatch((await admin.get(gridsUrl)).body, new RegExp(token), 'le lien n’est plus montré');
      assert.match((await admin.get(gridsUrl)).body, /Lien actif/);

      const evaluator = new TestBrowser(app);
      const home = await evaluator.get(`/mystere/enqueteur/${token}`);
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /Bénévole du Loir-et-Cher/);
      assert.match(home.body, /Service des étrangers/);
      assert.doesNotMatch(home.body, /Appel n° 1 /, 'pas les contacts d’un autre enquêteur');
      assert.equal((await evaluator.get('/mystere/enqueteur/inconnu-inconnu-inconnu-inconnu')).statusCode, 404);
      assert.equal((await evaluator.get(`/mystere/enqueteur/${token}x`)).statusCode, 404);
      assert.equal(
        (await evaluator.get(`/mystere/enqueteur/${token}/contacts/${campaign.contactIds[0]}`)).statusCode,
        404,
        'contact d’un autre enquêteur',
      );
      assert.equal(
        (await evaluator.get(`/mystere/enqueteur/${token}/contacts/${otherCampaign.contactIds[0]}`)).statusCode,
        404,
        'contact d’une autre campagne',
      );

      const gridUrl = `/mystere/enqueteur/${token}/contacts/${campaign.contactIds[1]}`;
      const grid = await evaluator.get(gridUrl);
      assert.equal(grid.statusCode, 200);
      assert.match(grid.body, /Enregistrer la grille/);
      const publicCsrf = grid.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      const bad = await evaluator.post(gridUrl, { _csrf: publicCsrf, ...callForm({ 'answers.courtesy': '' }) });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Courtoisie : répondez Oui, Non\./);
      const posted = await evaluator.post(gridUrl, { _csrf: publicCsrf, ...callForm({ 'answers.rings': '2' }) });
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, `/mystere/enqueteur/${token}`);
      const saved = await contactOf(t, campaign.contactIds[1] as string);
      assert.equal(saved.status, 'done');
      assert.equal(saved.completed_by_name, 'Enquêteur Bénévole du Loir-et-Cher');
      assert.match((await evaluator.get(`/mystere/enqueteur/${token}`)).body, /Grille enregistrée : elle est complète/);

      const replaced = await admin.post(linkUrl, { _csrf: csrf });
      assert.match(replaced.body, /L’ancien lien ne fonctionne plus/);
      assert.equal((await evaluator.get(`/mystere/enqueteur/${token}`)).statusCode, 404, 'ancien lien désactivé');
    });

    it('remplit les grilles de démonstration d’une campagne, sans toucher aux grilles complètes', async () => {
      const demo = await insertMysteryCampaign(t.ctx, organisationId, {
        name: 'Démonstration',
        channels: 'call,email',
        windowFrom: '2025-03-03',
        windowTo: '2025-03-14',
        status: 'closed',
        contacts: [
          ...Array.from({ length: 20 }, (_, i) => ({
            channel: 'call' as const,
            date: `2025-03-${String(3 + (i % 10)).padStart(2, '0')}`,
            target: i % 3 === 0 ? ('etrangers' as const) : ('standard' as const),
          })),
          ...Array.from({ length: 20 }, (_, i) => ({
            channel: 'email' as const,
            date: `2025-03-${String(3 + (i % 10)).padStart(2, '0')}`,
          })),
        ],
      });
      assert.equal(await fillDemoGrids(t.ctx, organisationId, demo.id), 40);
      assert.equal(await fillDemoGrids(t.ctx, organisationId, demo.id), 0, 'idempotent');
      const rows = await t.ctx.db
        .selectFrom('mystery_contacts')
        .select(['status', 'measured_json'])
        .where('campaign_id', '=', demo.id)
        .execute();
      assert.ok(rows.every((r) => r.status === 'done'));
    });
  });
}
