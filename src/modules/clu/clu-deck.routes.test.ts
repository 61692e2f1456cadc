import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { meetingFor } from '../../../test/helpers/clu-deck-fixtures.ts';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { readZip } from '../../../test/helpers/documents.ts';
import { signedIn, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createJobRunner } from '../../app.ts';
import { buildServer } from '../../server.ts';
import { resolveSoffice } from '../../shared/office-pdf.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { DEMO_PASSWORD, ensureDemo } from '../demo/demo.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { DECK_CONTENT_TYPE } from './clu-deck.ts';

const OTHER_PASSWORD = 'Tulle-Corrèze 19000';

for (const engine of testEngines()) {
  describe(`pages du support de présentation du CLU (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let meetingId: string;
    before(async () => {
      t = await createTestContext(engine);
      const { organisationId } = await ensureDemo(t.ctx);
      meetingId = await meetingFor(t, organisationId, '2026-06-30', '2026-01-01', '2026-03-31');
      const other = await createOrganisation(
        t.ctx,
        { slug: 'autre', name: 'Préfecture de la Corrèze', department: '19' },
        CLI_ACTOR,
      );
      await createAccount(
        t.ctx,
        { email: 'referent@19.test', role: 'admin', organisationId: other.id, password: OTHER_PASSWORD },
        CLI_ACTOR,
      );
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('le référent génère le support : barre de progression sans JavaScript, puis version figée téléchargeable', async () => {
      const admin = await signedIn(app, 'referent@demo.vigie.test', DEMO_PASSWORD);
      const page = await admin.get(`/clu/reunions/${meetingId}/support`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Support de présentation<\/h1>/);
      assert.match(page.body, /n’a pas encore été généré/);
      assert.match(page.body, /LibreOffice n’est pas installé/, 'sans LibreOffice, le PDF n’est pas proposé');
      assert.doesNotMatch(page.body, /support\.pdf/);
      assert.equal(
        (await admin.get(`/clu/reunions/${meetingId}/support.pptx`)).statusCode,
        404,
        'rien à télécharger avant la génération',
      );

      const csrf = await admin.csrfFrom(`/clu/reunions/${meetingId}/support`);
      assert.equal((await admin.post(`/clu/reunions/${meetingId}/support`, { _csrf: 'faux' })).statusCode, 403, 'CSRF exigé');
      const started = await admin.post(`/clu/reunions/${meetingId}/support`, { _csrf: csrf });
      assert.equal(started.statusCode, 303);
      const progressUrl = String(started.headers.location);
      assert.match(progressUrl, new RegExp(`^/clu/reunions/${meetingId}/support/generation/[0-9a-f-]+$`));
      const waiting = await admin.get(progressUrl);
      assert.equal(waiting.statusCode, 200);
      assert.equal(waiting.headers.refresh, '3', 'actualisation sans JavaScript (en-tête Refresh)');
      assert.match(waiting.body, /Arrêter la mise à jour automatique/);
      const manual = await admin.get(`${progressUrl}?auto=0`);
      assert.equal(manual.headers.refresh, undefined, 'la personne peut arrêter l’actualisation');
      assert.match(manual.body, />Actualiser</);
      assert.match(waiting.body, /<progress id="progression-support" max="4" value="0">/);
      assert.match(waiting.body, /Génération du support en cours/);

      await createJobRunner(t.ctx).tick();
      const jobId = progressUrl.split('/').at(-1) ?? '';
      const job = await t.ctx.db.selectFrom('jobs').select(['status', 'kind']).where('id', '=', jobId).executeTakeFirstOrThrow();
      assert.deepEqual({ ...job }, { status: 'done', kind: 'clu.deck' });
      const finished = await admin.get(progressUrl);
      assert.equal(finished.statusCode, 303);
      assert.equal(finished.headers.location, `/clu/reunions/${meetingId}/support`);
      const done = await admin.get(`/clu/reunions/${meetingId}/support`);
      assert.match(done.body, /Support généré : version 1, \d+ diapositives/);
      assert.match(done.body, /Dernière version : 1/);
      assert.match(done.body, /Claire Référente \(démo\)/);

      const pptx = await admin.get(`/clu/reunions/${meetingId}/support.pptx`);
      assert.equal(pptx.statusCode, 200);
      assert.equal(pptx.headers['content-type'], DECK_CONTENT_TYPE);
      assert.match(String(pptx.headers['content-disposition']), /attachment; filename="support-clu-2026-06-30-v1\.pptx"/);
      assert.ok(readZip(pptx.rawPayload).has('ppt/slides/slide1.xml'));
      assert.equal((await admin.get(`/clu/reunions/${meetingId}/support.pptx?version=1`)).statusCode, 200);
      const badVersion = await admin.get(`/clu/reunions/${meetingId}/support.pptx?version=abc`);
      assert.equal(badVersion.statusCode, 400);
      assert.match(badVersion.body, /Version : un nombre entier positif/);
      assert.equal((await admin.get(`/clu/reunions/${meetingId}/support.pptx?version=9`)).statusCode, 404);
      assert.equal(
        (await admin.get(`/clu/reunions/${meetingId}/support.pdf`)).statusCode,
        404,
        'PDF indisponible sans LibreOffice',
      );
    });

    it('membre du comité et auditeur lisent et téléchargent ; un agent est refusé ; une autre organisation obtient 404', async () => {
      const member = await signedIn(app, 'membre.clu@demo.vigie.test', DEMO_PASSWORD);
      const page = await member.get(`/clu/reunions/${meetingId}/support`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(
        page.body,
        /<form method="post" action="\/clu\/reunions\/[^"]+\/support"/,
        'pas de génération pour un membre',
      );
      assert.match(page.body, /Dernière version : 1/);
      assert.equal((await member.get(`/clu/reunions/${meetingId}/support.pptx`)).statusCode, 200);
      const csrf = await member.csrfFrom('/compte');
      assert.equal((await member.post(`/clu/reunions/${meetingId}/support`, { _csrf: csrf })).statusCode, 403);

      const auditor = await signedIn(app, 'auditeur@demo.vigie.test', DEMO_PASSWORD);
      assert.equal((await auditor.get(`/clu/reunions/${meetingId}/support.pptx`)).statusCode, 200);

      const agent = await signedIn(app, 'agent.accueil@demo.vigie.test', DEMO_PASSWORD);
      assert.equal((await agent.get(`/clu/reunions/${meetingId}/support`)).statusCode, 403);
      assert.equal((await agent.get(`/clu/reunions/${meetingId}/support.pptx`)).statusCode, 403);

      const anonymous = new TestBrowser(app);
      const redirected = await anonymous.get(`/clu/reunions/${meetingId}/support.pptx`);
      assert.equal(redirected.statusCode, 303);

      const other = await signedIn(app, 'referent@19.test', OTHER_PASSWORD);
      assert.equal((await other.get(`/clu/reunions/${meetingId}/support`)).statusCode, 404);
      assert.equal((await other.get(`/clu/reunions/${meetingId}/support.pptx`)).statusCode, 404);
      const otherCsrf = await other.csrfFrom('/compte');
      assert.equal((await other.post(`/clu/reunions/${meetingId}/support`, { _csrf: otherCsrf })).statusCode, 404);
      assert.equal((await other.get(`/clu/reunions/${meetingId}/support/generation/inconnue`)).statusCode, 404);
    });

    it('une conversion PDF qui échoue renvoie au support avec un message en français', async () => {
      const failing = await buildServer({ ...t.ctx, config: { ...t.ctx.config, soffice: '/bin/false' } });
      try {
        const admin = await signedIn(failing, 'referent@demo.vigie.test', DEMO_PASSWORD);
        const page = await admin.get(`/clu/reunions/${meetingId}/support`);
        assert.match(page.body, /support\.pdf/, 'LibreOffice configuré : le PDF est proposé');
        const pdf = await admin.get(`/clu/reunions/${meetingId}/support.pdf`);
        assert.equal(pdf.statusCode, 303);
        const back = await admin.get(String(pdf.headers.location));
        assert.match(back.body, /La conversion en PDF par LibreOffice a échoué/);
      } finally {
        await failing.close();
      }
    });

    it('avec LibreOffice, le support se télécharge aussi en PDF (obligatoire en CI)', async (test) => {
      const soffice = resolveSoffice(process.env.VIGIE_SOFFICE, process.env.PATH);
      if (!soffice) {
        if (process.env.CI) assert.fail('LibreOffice (soffice) absent : en CI le PDF du support est obligatoire.');
        test.skip('LibreOffice absent');
        return;
      }
      const withPdf = await buildServer({ ...t.ctx, config: { ...t.ctx.config, soffice } });
      try {
        const member = await signedIn(withPdf, 'membre.clu@demo.vigie.test', DEMO_PASSWORD);
        const pdf = await member.get(`/clu/reunions/${meetingId}/support.pdf?version=1`);
        assert.equal(pdf.statusCode, 200);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
      } finally {
        await withPdf.close();
      }
    });
  });
}
