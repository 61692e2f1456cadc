import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { listMemberOrganisations, listMembers } from './clu-member.repository.ts';

const PASSWORD = 'Moulins-Allier 03000';

for (const engine of testEngines()) {
  describe(`membres du CLU (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let admin: TestBrowser;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      for (const [email, role, org] of [
        ['referent@03.test', 'admin', organisationId],
        ['agent@03.test', 'agent', organisationId],
        ['membre@03.test', 'clu_member', organisationId],
        ['auditeur@03.test', 'auditor', organisationId],
        ['referent@15.test', 'admin', other],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
      admin = new TestBrowser(app);
      await admin.login('referent@03.test', PASSWORD);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('affiche un état vide, puis ajoute un organisme avec sa catégorie (saisie gardée en cas d’erreur)', async () => {
      const empty = await admin.get('/clu/membres');
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /Aucun membre pour l’instant/);
      const csrf = await admin.csrfFrom('/clu/membres/organismes/nouveau');
      const bad = await admin.post('/clu/membres/organismes', {
        _csrf: csrf,
        name: 'Union départementale des associations familiales',
        category: 'inconnue',
        email: 'pas-une-adresse',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Catégorie : choisissez une catégorie de la liste/);
      assert.match(bad.body, /Adresse électronique de l’organisme invalide/);
      assert.match(bad.body, /value="Union départementale des associations familiales"/);
      const ok = await admin.post('/clu/membres/organismes', {
        _csrf: csrf,
        name: 'UDAF de l’Allier',
        category: 'users_association',
        email: '',
        postalAddress: '4 rue de Paris\n03000 Moulins',
      });
      assert.equal(ok.statusCode, 303);
      const page = await admin.get('/clu/membres');
      assert.match(page.body, /UDAF de l’Allier/);
      assert.match(page.body, /Association d’usagers/);
    });

    it('ajoute des représentants : adresse électronique validée, membre sans adresse accepté (invité par courrier)', async () => {
      const [udaf] = await listMemberOrganisations(t.ctx.db, organisationId);
      assert.ok(udaf);
      const csrf = await admin.csrfFrom(`/clu/membres/nouveau?organisme=${udaf.id}`);
      const bad = await admin.post('/clu/membres', {
        _csrf: csrf,
        memberOrganisationId: udaf.id,
        civility: 'Mme',
        firstName: 'Christine',
        lastName: 'Devaux',
        email: 'christine.devaux@',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Adresse électronique invalide/);
      assert.match(bad.body, /value="Christine"/);
      const noName = await admin.post('/clu/membres', { _csrf: csrf, memberOrganisationId: udaf.id, lastName: ' ' });
      assert.equal(noName.statusCode, 400);
      assert.match(noName.body, /Nom : champ obligatoire/);
      assert.equal(
        (
          await admin.post('/clu/membres', {
            _csrf: csrf,
            memberOrganisationId: udaf.id,
            civility: 'Mme',
            firstName: 'Christine',
            lastName: 'Devaux',
            function: 'Représentante de l’UDAF',
            email: 'Christine.Devaux@UDAF03.example',
          })
        ).statusCode,
        303,
      );
      assert.equal(
        (
          await admin.post('/clu/membres', {
            _csrf: csrf,
            memberOrganisationId: udaf.id,
            civility: 'M.',
            firstName: 'Luc',
            lastName: 'Maillard',
          })
        ).statusCode,
        303,
      );
      const members = await listMembers(t.ctx.db, organisationId);
      assert.equal(members.length, 2);
      assert.equal(members.find((m) => m.last_name === 'Devaux')?.email, 'christine.devaux@udaf03.example');
      const page = await admin.get('/clu/membres');
      assert.match(page.body, /Mme Christine DEVAUX/);
      assert.match(page.body, /Sans courriel : invité par courrier/);
    });

    it('retire un membre (gardé, caché des invitations) puis le réintègre', async () => {
      const luc = (await listMembers(t.ctx.db, organisationId)).find((m) => m.last_name === 'Maillard');
      assert.ok(luc);
      const csrf = await admin.csrfFrom('/clu/membres');
      assert.equal((await admin.post(`/clu/membres/${luc.id}/retirer`, { _csrf: csrf })).statusCode, 303);
      const removed = (await listMembers(t.ctx.db, organisationId)).find((m) => m.id === luc.id);
      assert.equal(removed?.removed_at, t.clock.now().toISOString());
      assert.match((await admin.get('/clu/membres')).body, /Retirés du comité/);
      assert.equal((await admin.post(`/clu/membres/${luc.id}/reintegrer`, { _csrf: csrf })).statusCode, 303);
      assert.equal((await listMembers(t.ctx.db, organisationId)).find((m) => m.id === luc.id)?.removed_at, null);
    });

    it('réserve les coordonnées au référent : agent, membre du CLU et auditeur refusés (403), autre préfecture 404', async () => {
      for (const email of ['agent@03.test', 'membre@03.test', 'auditeur@03.test']) {
        const browser = new TestBrowser(app);
        await browser.login(email, PASSWORD);
        assert.equal((await browser.get('/clu/membres')).statusCode, 403, email);
      }
      const member = (await listMembers(t.ctx.db, organisationId))[0];
      assert.ok(member);
      const stranger = new TestBrowser(app);
      await stranger.login('referent@15.test', PASSWORD);
      assert.equal((await stranger.get(`/clu/membres/${member.id}/modifier`)).statusCode, 404);
      const csrf = await stranger.csrfFrom('/clu/membres');
      assert.equal((await stranger.post(`/clu/membres/${member.id}/retirer`, { _csrf: csrf })).statusCode, 404);
      assert.equal((await listMembers(t.ctx.db, organisationId)).find((m) => m.id === member.id)?.removed_at, null);
    });
  });
}
