import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { pdfText } from '../../../test/helpers/documents.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`écrans des enquêtes : questionnaires et campagnes (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;

    before(async () => {
      t = await createTestContext(engine);
      t.clock.set('2026-04-15T08:00:00.000Z');
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const otherId = (await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '75' }, CLI_ACTOR))
        .id;
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['auditeur@63.test', 'auditor', organisationId],
        ['membre@63.test', 'clu_member', organisationId],
        ['referent@75.test', 'admin', otherId],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD, serviceIds: [] }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);

    it('parcours du référent : copie d’un modèle, modification, campagne, point QR et affiche ; droits des autres rôles', async () => {
      const admin = await as('referent@63.test');
      const list = await admin.get('/enquetes/questionnaires');
      const token0 = /name="_csrf" value="([^"]+)"/.exec(list.body)?.[1] ?? '';
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Utiliser ce modèle/);
      const copied = await admin.post('/enquetes/questionnaires', { _csrf: token0, templateKey: 'phone' });
      assert.equal(copied.statusCode, 303);
      const questionnaireUrl = String(copied.headers.location);
      const questionnaireId = questionnaireUrl.split('/').at(-1) ?? '';
      const edit = await admin.get(questionnaireUrl);
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /name="questions\.0\.label" value="[^"]+"/);

      // Mauvaise saisie : 400, message au champ, saisie conservée.
      const bad = await admin.post(questionnaireUrl, {
        _csrf: token0,
        title: 'Accueil téléphonique 2026',
        'questions.0.label': '',
        'questions.1.label': 'Langage clair ?',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Libellé de la question : champ obligatoire/);
      assert.match(bad.body, /value="Accueil téléphonique 2026"/);
      assert.match(bad.body, /value="Langage clair \?"/);

      const page = await admin.get(questionnaireUrl);
      const form: Record<string, string> = {};
      for (const m of page.body.matchAll(/name="(title|questions\.\d+\.(?:label|position))" value="([^"]*)"/g)) {
        form[m[1] ?? ''] = (m[2] ?? '').replaceAll('&#39;', "'").replaceAll('&amp;', '&').replaceAll('&quot;', '"');
      }
      const saved = await admin.post(questionnaireUrl, { _csrf: token0, ...form, title: 'Accueil téléphonique 2026' });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(saved.headers.location, questionnaireUrl);

      // Campagne : erreurs par champ, puis création.
      await admin.get('/enquetes/campagnes/nouvelle');
      const badCampaign = await admin.post('/enquetes/campagnes', {
        _csrf: token0,
        name: 'Téléphone printemps',
        questionnaireId,
        startsOn: '2026-06-30',
        endsOn: '2026-04-01',
      });
      assert.equal(badCampaign.statusCode, 400);
      assert.match(badCampaign.body, /finir le jour de son début ou après/);
      assert.match(badCampaign.body, /value="Téléphone printemps"/);
      const created = await admin.post('/enquetes/campagnes', {
        _csrf: token0,
        name: 'Téléphone printemps',
        questionnaireId,
        startsOn: '2026-04-01',
        endsOn: '2026-06-30',
      });
      assert.equal(created.statusCode, 303);
      const campaignUrl = String(created.headers.location);
      await admin.get(campaignUrl);
      const badPoint = await admin.post(`${campaignUrl}/points`, { _csrf: token0, label: 'Affiche', mode: 'pigeon' });
      assert.equal(badPoint.statusCode, 400);
      assert.match(badPoint.body, /borne, QR code, papier ou téléphone/);
      assert.equal(
        (await admin.post(`${campaignUrl}/points`, { _csrf: token0, label: 'Affiche salle d’attente', mode: 'qr' })).statusCode,
        303,
      );
      const detail = await admin.get(campaignUrl);
      assert.match(detail.body, /fr-badge--success">En cours/);
      const token = /\/enquete\/([A-Za-z0-9_-]+)"/.exec(detail.body)?.[1];
      assert.ok(token, 'lien public absent');
      const posterUrl = /href="(\/enquetes\/campagnes\/[^"]+\/affiche\.pdf)"/.exec(detail.body)?.[1] ?? '';
      const poster = await admin.get(posterUrl);
      assert.equal(poster.statusCode, 200);
      assert.equal(poster.headers['content-type'], 'application/pdf');
      const text = pdfText(poster.rawPayload).replaceAll('\n', '');
      assert.ok(text.includes('Préfet du Puy-de-Dôme'));
      assert.ok(text.includes('Accueil téléphonique 2026'));
      assert.ok(text.includes(`${t.ctx.config.publicUrl}/enquete/${token}`));
      const list2 = await admin.get('/enquetes');
      assert.match(list2.body, /Téléphone printemps/);

      // Agent et auditeur : lecture seule.
      for (const email of ['agent@63.test', 'auditeur@63.test']) {
        const reader = await as(email);
        assert.equal((await reader.get('/enquetes')).statusCode, 200);
        const readerDetail = await reader.get(campaignUrl);
        assert.equal(readerDetail.statusCode, 200);
        assert.doesNotMatch(readerDetail.body, /Ajouter le point/);
        assert.equal((await reader.get(posterUrl)).statusCode, 200);
        assert.equal((await reader.get('/enquetes/questionnaires')).statusCode, 403);
        const csrf = await reader.csrfFrom('/compte');
        assert.equal((await reader.post(`${campaignUrl}/cloturer`, { _csrf: csrf })).statusCode, 403);
        assert.equal((await reader.post(`${campaignUrl}/points`, { _csrf: csrf, label: 'X', mode: 'qr' })).statusCode, 403);
        assert.equal((await reader.post('/enquetes/questionnaires', { _csrf: csrf, templateKey: 'phone' })).statusCode, 403);
      }
      // Membre du CLU : rien.
      const member = await as('membre@63.test');
      assert.equal((await member.get('/enquetes')).statusCode, 403);
      assert.equal((await member.get(campaignUrl)).statusCode, 403);

      // Autre organisation : introuvable.
      const foreign = await as('referent@75.test');
      assert.equal((await foreign.get(campaignUrl)).statusCode, 404);
      assert.equal((await foreign.get(posterUrl)).statusCode, 404);
      assert.equal((await foreign.get(questionnaireUrl)).statusCode, 404);
      const csrf = await foreign.csrfFrom('/enquetes/campagnes/nouvelle');
      assert.equal((await foreign.post(questionnaireUrl, { _csrf: csrf, ...form })).statusCode, 404);
      assert.equal((await foreign.post(`${campaignUrl}/cloturer`, { _csrf: csrf })).statusCode, 404);
      const foreignCampaign = await foreign.post('/enquetes/campagnes', {
        _csrf: csrf,
        name: 'Vol',
        questionnaireId,
        startsOn: '2026-04-01',
        endsOn: '2026-04-30',
      });
      assert.equal(foreignCampaign.statusCode, 400);
      assert.match(foreignCampaign.body, /choisissez un questionnaire de la liste/);

      // Clôture anticipée par le référent.
      assert.equal((await admin.post(`${campaignUrl}/cloturer`, { _csrf: token0 })).statusCode, 303);
      assert.match((await admin.get(campaignUrl)).body, /fr-badge--warning">Close/);
    });
  });
}
