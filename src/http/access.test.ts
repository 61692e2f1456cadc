import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../test/helpers/http.ts';
import { createAccount, createApiToken, login, resolveSession } from '../modules/accounts/account.service.ts';
import type { Viewer } from '../modules/accounts/viewer.ts';
import { CLI_ACTOR } from '../modules/audit/audit.service.ts';
import { createOrganisation } from '../modules/organisations/organisation.service.ts';
import { registerAccessControl } from './access.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`contrôle d’accès HTTP (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    const ids: Record<string, string> = {};

    before(async () => {
      t = await createTestContext(engine);
      const a = await createOrganisation(t.ctx, { slug: 'org-a', name: 'Préfecture A', department: '63' }, CLI_ACTOR);
      const b = await createOrganisation(t.ctx, { slug: 'org-b', name: 'Préfecture B', department: '67' }, CLI_ACTOR);
      ids.a = a.id;
      ids.b = b.id;
      for (const [email, role, org] of [
        ['admin@a.test', 'admin', a.id],
        ['agent@a.test', 'agent', a.id],
        ['admin@b.test', 'admin', b.id],
        ['agent@b.test', 'agent', b.id],
        ['national@interieur.test', 'national', null],
      ] as const) {
        const created = await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
        ids[email] = created.membershipId;
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    async function loggedIn(email: string): Promise<TestBrowser> {
      const browser = new TestBrowser(app);
      const response = await browser.login(email, PASSWORD);
      assert.equal(response.statusCode, 303, response.body);
      return browser;
    }

    async function apiToken(email: string): Promise<string> {
      const { sessionToken } = await login(t.ctx, { email, password: PASSWORD });
      const lookup = await resolveSession(t.ctx, sessionToken);
      return createApiToken(t.ctx, (lookup as { viewer: Viewer }).viewer, { name: 'test' });
    }

    it('toute route déclare qui peut l’utiliser, sinon le serveur refuse de démarrer', async () => {
      const bare = Fastify();
      registerAccessControl(bare, t.ctx);
      assert.throws(() => bare.get('/oubli', async () => 'non'), /sans déclaration d'accès/);
      await bare.close();
    });

    it('sans session, une page interne redirige vers la connexion et l’API répond 401', async () => {
      const browser = new TestBrowser(app);
      const page = await browser.get('/organisation');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/connexion?suite=%2Forganisation');
      const api = await browser.get('/api/v1/moi');
      assert.equal(api.statusCode, 401);
      assert.equal(api.json().error.code, 'authentication_required');
      assert.match(api.json().error.message, /connectez-vous/);
    });

    it('une session expirée est signalée en français sur la page de connexion', async () => {
      const browser = await loggedIn('agent@a.test');
      t.clock.advance((t.ctx.config.sessionIdleMinutes + 5) * 60_000);
      const page = await browser.get('/organisation');
      assert.equal(page.statusCode, 303);
      assert.match(String(page.headers.location), /expiree=1/);
      const login = await browser.get(String(page.headers.location));
      assert.match(login.body, /Votre session a expiré/);
    });

    it('un mauvais mot de passe réaffiche le formulaire avec l’adresse saisie et un message', async () => {
      const browser = new TestBrowser(app);
      const csrf = await browser.csrfFrom('/connexion');
      const response = await browser.post('/connexion', { _csrf: csrf, email: 'agent@a.test', password: 'pas le bon mot' });
      assert.equal(response.statusCode, 401);
      assert.match(response.body, /Adresse électronique ou mot de passe incorrect/);
      assert.match(response.body, /value="agent@a.test"/);
    });

    it('refuse un formulaire sans jeton CSRF ou avec un jeton faux (403), connecté ou non', async () => {
      const anonymous = new TestBrowser(app);
      await anonymous.get('/connexion');
      const noToken = await anonymous.post('/connexion', { email: 'agent@a.test', password: PASSWORD });
      assert.equal(noToken.statusCode, 403);
      assert.match(noToken.body, /jeton de sécurité manquant ou invalide/);

      const admin = await loggedIn('admin@a.test');
      const forged = await admin.post('/organisation/services', { _csrf: 'faux', name: 'Service pirate' });
      assert.equal(forged.statusCode, 403);
      const missing = await admin.post('/organisation/services', { name: 'Service pirate' });
      assert.equal(missing.statusCode, 403);
      const organisation = await admin.get('/organisation');
      assert.doesNotMatch(organisation.body, /Service pirate/);
      // Le jeton d'une autre session ne vaut pas pour celle-ci.
      const other = await loggedIn('admin@a.test');
      const otherToken = await other.csrfFrom('/organisation');
      const crossed = await admin.post('/organisation/services', { _csrf: otherToken, name: 'Service pirate' });
      assert.equal(crossed.statusCode, 403);
    });

    it('un agent ne peut pas administrer les comptes ni modifier l’organisation (403)', async () => {
      const agent = await loggedIn('agent@a.test');
      assert.equal((await agent.get('/admin/utilisateurs')).statusCode, 403);
      assert.equal((await agent.get('/admin/journal')).statusCode, 403);
      const csrf = await agent.csrfFrom('/organisation');
      const response = await agent.post('/organisation/services', { _csrf: csrf, name: 'Nouveau' });
      assert.equal(response.statusCode, 403);
      assert.match(response.body, /Vous n’avez pas les droits nécessaires/);
      assert.equal((await agent.get('/national')).statusCode, 403);
    });

    it('un compte de l’organisation A ne voit ni ne touche rien de B', async () => {
      const admin = await loggedIn('admin@a.test');
      const csrf = await admin.csrfFrom('/admin/utilisateurs');
      const users = await admin.get('/admin/utilisateurs');
      assert.doesNotMatch(users.body, /@b\.test/);
      const reset = await admin.post(`/admin/utilisateurs/${ids['agent@b.test']}/reinitialiser`, { _csrf: csrf });
      assert.equal(reset.statusCode, 404);
      assert.equal((await admin.get(`/admin/utilisateurs/${ids['agent@b.test']}/retirer`)).statusCode, 404);
      const remove = await admin.post(`/admin/utilisateurs/${ids['agent@b.test']}/retirer`, { _csrf: csrf });
      assert.equal(remove.statusCode, 404);
      assert.ok(
        await t.ctx.db
          .selectFrom('memberships')
          .select('id')
          .where('id', '=', ids['agent@b.test'] ?? '')
          .executeTakeFirst(),
      );

      const token = await apiToken('agent@a.test');
      const own = await app.inject({ url: '/api/v1/organisations/org-a', headers: { authorization: `Bearer ${token}` } });
      assert.equal(own.statusCode, 200);
      assert.equal(own.json().name, 'Préfecture A');
      const other = await app.inject({ url: '/api/v1/organisations/org-b', headers: { authorization: `Bearer ${token}` } });
      assert.equal(other.statusCode, 403);
      assert.equal(other.json().error.code, 'forbidden');
      const all = await app.inject({ url: '/api/v1/organisations', headers: { authorization: `Bearer ${token}` } });
      assert.equal(all.statusCode, 403);
      const journal = await admin.get('/admin/journal');
      assert.doesNotMatch(journal.body, /Préfecture B/);
    });

    it('le niveau national lit toutes les organisations mais n’administre aucune', async () => {
      const token = await apiToken('national@interieur.test');
      const all = await app.inject({ url: '/api/v1/organisations', headers: { authorization: `Bearer ${token}` } });
      assert.equal(all.statusCode, 200);
      assert.deepEqual(
        all
          .json()
          .organisations.map((o: { slug: string }) => o.slug)
          .sort(),
        ['org-a', 'org-b'],
      );
      const b = await app.inject({ url: '/api/v1/organisations/org-b', headers: { authorization: `Bearer ${token}` } });
      assert.equal(b.statusCode, 200);
      const national = await loggedIn('national@interieur.test');
      assert.equal((await national.get('/national')).statusCode, 200);
      assert.equal((await national.get('/admin/utilisateurs')).statusCode, 403);
      assert.equal((await national.get('/organisation')).statusCode, 403);
    });

    it('un jeton d’API invalide est refusé en JSON français, sans toucher aux pages', async () => {
      const response = await app.inject({ url: '/api/v1/moi', headers: { authorization: 'Bearer vigie_x_y' } });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'invalid_api_token');
      const unknown = await app.inject({ url: '/api/v1/inconnu' });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.json().error.message, /introuvable/);
    });

    it('l’administrateur crée un compte : mot de passe provisoire affiché, saisie conservée en cas d’erreur', async () => {
      const admin = await loggedIn('admin@a.test');
      const csrf = await admin.csrfFrom('/admin/utilisateurs');
      const bad = await admin.post('/admin/utilisateurs', {
        _csrf: csrf,
        email: 'pas-une-adresse',
        displayName: 'Jeanne <b>Test</b>',
        role: 'agent',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Adresse électronique invalide/);
      assert.match(bad.body, /value="Jeanne &lt;b&gt;Test&lt;\/b&gt;"/);
      assert.doesNotMatch(bad.body, /<b>Test<\/b>/);
      const ok = await admin.post('/admin/utilisateurs', {
        _csrf: csrf,
        email: 'jeanne@a.test',
        displayName: 'Jeanne',
        role: 'agent',
      });
      assert.equal(ok.statusCode, 201, ok.body.match(/fr-alert--error[\s\S]{0,600}/)?.[0]);
      const password = ok.body.match(/<code>([\w-]+)<\/code>/)?.[1];
      assert.ok(password);
      const duplicate = await admin.post('/admin/utilisateurs', { _csrf: csrf, email: 'jeanne@a.test', role: 'agent' });
      assert.equal(duplicate.statusCode, 409);

      const jeanne = new TestBrowser(app);
      const first = await jeanne.login('jeanne@a.test', password);
      assert.equal(first.headers.location, '/compte/mot-de-passe');
      assert.equal((await jeanne.get('/organisation')).headers.location, '/compte/mot-de-passe');
      const change = await jeanne.csrfFrom('/compte/mot-de-passe');
      const weak = await jeanne.post('/compte/mot-de-passe', {
        _csrf: change,
        currentPassword: password,
        newPassword: 'faible',
        confirmPassword: 'faible',
      });
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /Au moins 12 caractères/);
      const good = await jeanne.post('/compte/mot-de-passe', {
        _csrf: change,
        currentPassword: password,
        newPassword: 'Une phrase de passe 2026',
        confirmPassword: 'Une phrase de passe 2026',
      });
      assert.equal(good.statusCode, 303);
      assert.equal((await jeanne.get('/organisation')).statusCode, 200);
    });

    it('le référent réinitialise un mot de passe (sessions fermées) et retire un compte après confirmation', async () => {
      const created = await createAccount(
        t.ctx,
        { email: 'temporaire@a.test', role: 'agent', organisationId: ids.a ?? '', password: PASSWORD },
        CLI_ACTOR,
      );
      const agent = await loggedIn('temporaire@a.test');
      const admin = await loggedIn('admin@a.test');
      const csrf = await admin.csrfFrom('/admin/utilisateurs');
      const reset = await admin.post(`/admin/utilisateurs/${created.membershipId}/reinitialiser`, { _csrf: csrf });
      assert.equal(reset.statusCode, 200);
      assert.match(reset.body, /Mot de passe réinitialisé : temporaire@a\.test/);
      const password = reset.body.match(/<code>([\w-]+)<\/code>/)?.[1];
      assert.ok(password);
      assert.equal((await agent.get('/organisation')).statusCode, 303, 'l’ancienne session est fermée');
      const relogged = new TestBrowser(app);
      assert.equal((await relogged.login('temporaire@a.test', password)).headers.location, '/compte/mot-de-passe');

      const confirm = await admin.get(`/admin/utilisateurs/${created.membershipId}/retirer`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Confirmer le retrait/);
      const removed = await admin.post(`/admin/utilisateurs/${created.membershipId}/retirer`, { _csrf: csrf });
      assert.equal(removed.statusCode, 303);
      assert.doesNotMatch((await admin.get('/admin/utilisateurs')).body, /temporaire@a\.test/);
      const self = await admin.post(`/admin/utilisateurs/${ids['admin@a.test']}/retirer`, { _csrf: csrf });
      assert.equal(self.statusCode, 403);
    });

    it('la déconnexion ferme la session côté serveur', async () => {
      const browser = await loggedIn('agent@a.test');
      const cookie = browser.cookies.get('vigie_session');
      const csrf = await browser.csrfFrom('/');
      const response = await browser.post('/deconnexion', { _csrf: csrf });
      assert.equal(response.statusCode, 303);
      const replay = await app.inject({ url: '/api/v1/moi', headers: { cookie: `vigie_session=${cookie}` } });
      assert.equal(replay.statusCode, 401);
    });

    it('les pages portent les en-têtes de sécurité et échappent le HTML', async () => {
      const response = await app.inject({ url: '/connexion?suite=%22%3E%3Cscript%3Ealert(1)%3C/script%3E' });
      assert.equal(response.statusCode, 200);
      assert.doesNotMatch(response.body, /<script>alert/);
      assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      const cookie = String(response.headers['set-cookie']);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
    });
  });
}

describe('limite de débit de la connexion', () => {
  it('au-delà de la limite par adresse IP, répond 429 avec un message français', async () => {
    const t = await createTestContext('sqlite', { config: { loginRateLimitPerMinute: 3 } });
    const app = await testApp(t.ctx);
    try {
      const statuses: number[] = [];
      let last = '';
      for (let i = 0; i < 5; i++) {
        const response = await app.inject({
          method: 'POST',
          url: '/connexion',
          remoteAddress: '203.0.113.7',
          payload: 'email=a%40b.fr&password=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        statuses.push(response.statusCode);
        last = response.body;
      }
      assert.deepEqual(statuses.slice(3), [429, 429]);
      assert.match(last, /Trop de requêtes/);
    } finally {
      await app.close();
      await t.close();
    }
  });
});
