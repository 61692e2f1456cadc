import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';

const FORM = '/o/puy-de-dome/reclamation';

let nextAddress = 1;

/**
 * Envoi du formulaire depuis une adresse IP propre au test : la limite de 5 envois par adresse est
 * testée à part et ne doit pas gêner les autres tests.
 */
async function submit(browser: TestBrowser, form: Record<string, string>) {
  const response = await browser.app.inject({
    method: 'POST',
    url: FORM,
    remoteAddress: `198.51.100.${nextAddress++}`,
    payload: new URLSearchParams(form).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
  return response;
}

function hasPdfToText(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

for (const engine of testEngines()) {
  describe(`formulaire public de réclamation (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const casesCount = async () =>
      (await t.ctx.db.selectFrom('cases').select('id').where('organisation_id', '=', organisationId).execute()).length;

    it('/reclamation mène au formulaire de la seule préfecture ; le formulaire est public et accessible', async () => {
      const browser = new TestBrowser(app);
      const redirect = await browser.get('/reclamation');
      assert.equal(redirect.statusCode, 302);
      assert.equal(redirect.headers.location, FORM);
      const page = await browser.get(FORM);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Réclamation, suggestion ou demande d’information<\/h1>/);
      assert.match(page.body, /name="_csrf"/);
      assert.match(page.body, /<label for="champ-site">Ne pas remplir ce champ<\/label>/);
      assert.match(page.body, /effacées 24 mois après la clôture/);
      assert.match(page.body, /href="\/donnees-personnelles"/);
      assert.match(page.body, /nous ne pourrons pas vous répondre/);
      assert.equal((await browser.get('/o/inconnue/reclamation')).statusCode, 404);
    });

    it('enregistre une réclamation par formulaire en ligne et annonce la référence et l’échéance', async () => {
      const browser = new TestBrowser(app);
      const csrf = await browser.csrfFrom(FORM);
      const response = await submit(browser, {
        _csrf: csrf,
        kind: 'complaint',
        subject: 'Attente au guichet',
        body: 'J’ai attendu 3 h au guichet des cartes grises le 1er avril.',
        requesterName: 'Camille Martin',
        requesterEmail: 'Camille.Martin@exemple.fr',
        requesterAddress: '',
        site: '',
      });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /<h1>Message envoyé<\/h1>/);
      const row = await t.ctx.db
        .selectFrom('cases')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(row.channel, 'web_form');
      assert.equal(row.kind, 'complaint');
      assert.equal(row.requester_email, 'camille.martin@exemple.fr');
      assert.equal(row.requester_address, null);
      assert.equal(row.received_at, '2026-04-02T08:30:00.000Z');
      assert.equal(row.received_local_date, '2026-04-02');
      // Jeudi 2 avril 2026 : 5 jours ouvrés (lundi de Pâques 6 avril férié) → vendredi 10 avril.
      assert.equal(row.due_date, '2026-04-10');
      assert.ok(response.body.includes(`<strong>${row.reference}</strong>`));
      assert.match(response.body, /Réponse sous 5 jours ouvrés, au plus tard le <strong>10 avril 2026<\/strong>/);
      const event = await t.ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', row.id).executeTakeFirstOrThrow();
      assert.equal(event.actor_label, 'Formulaire public');
      assert.equal(event.actor_user_id, null);
    });

    it('un agent connecté peut aussi envoyer le formulaire public (jeton CSRF de sa session)', async () => {
      await createAccount(
        t.ctx,
        { email: 'agent@63.test', role: 'agent', organisationId, password: 'Clermont-Ferrand 63000' },
        CLI_ACTOR,
      );
      const browser = new TestBrowser(app);
      await browser.login('agent@63.test', 'Clermont-Ferrand 63000');
      const csrf = await browser.csrfFrom(FORM);
      const response = await submit(browser, { _csrf: csrf, kind: 'suggestion', body: 'Un écran d’attente', site: '' });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /<h1>Message envoyé<\/h1>/);
    });

    it('champ piège rempli : succès affiché, aucun dossier créé', async () => {
      const before = await casesCount();
      const browser = new TestBrowser(app);
      const csrf = await browser.csrfFrom(FORM);
      const response = await submit(browser, {
        _csrf: csrf,
        kind: 'suggestion',
        body: 'Achetez nos pilules',
        site: 'http://spam.example',
      });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /<h1>Message envoyé<\/h1>/);
      assert.equal(await casesCount(), before);
    });

    it('message manquant : le formulaire revient avec la saisie et une erreur par champ', async () => {
      const before = await casesCount();
      const browser = new TestBrowser(app);
      const csrf = await browser.csrfFrom(FORM);
      const response = await submit(browser, {
        _csrf: csrf,
        kind: 'information_request',
        subject: 'Horaires « guichet » & accueil',
        body: '   ',
        requesterName: 'Léa Dupont',
        requesterEmail: 'pas-une-adresse',
        requesterAddress: '3 place Delille\n63000 Clermont-Ferrand',
        site: '',
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /role="alert"/);
      assert.match(response.body, /Votre message : champ obligatoire\./);
      assert.match(response.body, /id="champ-body-erreur"/);
      assert.match(response.body, /Adresse électronique invalide/);
      assert.match(response.body, /value="Horaires « guichet » &amp; accueil"/);
      assert.match(response.body, /value="Léa Dupont"/);
      assert.match(response.body, /value="pas-une-adresse"/);
      assert.match(response.body, />3 place Delille\n63000 Clermont-Ferrand<\/textarea>/);
      assert.match(response.body, /id="champ-kind-2" name="kind" value="information_request" checked/);
      assert.equal(await casesCount(), before);

      const tooLong = await submit(browser, { _csrf: csrf, kind: 'complaint', body: 'x'.repeat(5001) });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.body, /5\u202f000 caractères au plus|5 000 caractères au plus/);
      const noKind = await submit(browser, { _csrf: csrf, body: 'Bonjour' });
      assert.equal(noKind.statusCode, 400);
      assert.match(noKind.body, /Nature : choisissez réclamation, suggestion ou demande d’information\./);
      assert.equal(await casesCount(), before);
    });

    it('sans jeton CSRF : 403', async () => {
      const before = await casesCount();
      const browser = new TestBrowser(app);
      await browser.get(FORM);
      const response = await submit(browser, { kind: 'complaint', body: 'Bonjour' });
      assert.equal(response.statusCode, 403);
      assert.match(response.body, /jeton de sécurité/);
      assert.equal(await casesCount(), before);
    });

    it('corps trop volumineux : 413 en français', async () => {
      const browser = new TestBrowser(app);
      const csrf = await browser.csrfFrom(FORM);
      const response = await submit(browser, { _csrf: csrf, kind: 'complaint', body: 'é'.repeat(40_000) });
      assert.equal(response.statusCode, 413);
      assert.match(response.body, /Données trop volumineuses/);
      assert.match(response.body, /trop volumineuses/);
    });

    it('formulaire papier : un PDF A4 d’une page', async () => {
      const browser = new TestBrowser(app);
      for (const url of ['/reclamation/formulaire.pdf', `${FORM}/formulaire.pdf`]) {
        const response = await browser.get(url);
        assert.equal(response.statusCode, 200, url);
        assert.equal(response.headers['content-type'], 'application/pdf');
        assert.equal(response.rawPayload.subarray(0, 4).toString('latin1'), '%PDF');
        assert.match(response.rawPayload.toString('latin1'), /\/Count 1\b/);
      }
      if (hasPdfToText()) {
        const dir = mkdtempSync(join(tmpdir(), 'vigie-pdf-'));
        try {
          const file = join(dir, 'formulaire.pdf');
          writeFileSync(file, (await browser.get(`${FORM}/formulaire.pdf`)).rawPayload);
          const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
          assert.match(text, /PRÉFECTURE DU PUY-DE-DÔME/);
          assert.match(text, /urne de l’accueil/);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  });

  describe(`formulaire public : limite d’envois par adresse (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    before(async () => {
      t = await createTestContext(engine);
      await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR);
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('au-delà de 5 envois en 10 minutes depuis une adresse : 429 en français, les autres adresses passent', async () => {
      const browser = new TestBrowser(app);
      const csrf = await browser.csrfFrom(FORM);
      const send = (remoteAddress: string) =>
        app.inject({
          method: 'POST',
          url: FORM,
          remoteAddress,
          payload: new URLSearchParams({ _csrf: csrf, kind: 'suggestion', body: 'Des bancs dans la file' }).toString(),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
      for (let i = 0; i < 5; i++) assert.equal((await send('203.0.113.7')).statusCode, 200);
      const limited = await send('203.0.113.7');
      assert.equal(limited.statusCode, 429);
      assert.match(limited.body, /Trop de requêtes/);
      assert.equal((await send('203.0.113.8')).statusCode, 200);
    });
  });

  describe(`formulaire public : plusieurs préfectures (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    before(async () => {
      t = await createTestContext(engine);
      await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR);
      await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR);
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('/reclamation propose la liste des préfectures', async () => {
      const page = await new TestBrowser(app).get('/reclamation');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<a href="\/o\/allier\/reclamation">Préfecture de l’Allier<\/a>/);
      assert.match(page.body, /<a href="\/o\/puy-de-dome\/reclamation">Préfecture du Puy-de-Dôme<\/a>/);
    });
  });
}
