import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { defaultTemplateId } from './default-templates.ts';
import { findSignature, findTemplate, listTemplates } from './template.repository.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`pages « Modèles » et « Signatures » (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let otherOrganisationId: string;
    let accueilId: string;
    let otherServiceId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      accueilId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      otherOrganisationId = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      otherServiceId = (await addService(t.ctx, otherOrganisationId, { name: 'Accueil du Cantal' }, CLI_ACTOR)).id;
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['auditeur@63.test', 'auditor', organisationId],
        ['referent@15.test', 'admin', otherOrganisationId],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);

    async function auditActions(): Promise<string[]> {
      const rows = await t.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('organisation_id', '=', organisationId)
        .where('action', 'like', 'mail_template.%')
        .execute();
      return rows.map((r) => r.action);
    }

    it('liste les modèles de départ par usage, avec l’aide des variables sur le formulaire', async () => {
      const admin = await as('referent@63.test');
      const page = await admin.get('/courrier/modeles');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Modèles de réponse<\/h1>/);
      for (const heading of [
        'Accusés de réception',
        'Avis de réorientation',
        'Réponses types par courriel',
        'Lettres \\(réponse papier\\)',
      ]) {
        assert.match(page.body, new RegExp(`<h2[^>]*>${heading}</h2>`));
      }
      assert.match(page.body, /Accusé de réception — message général/);
      assert.match(page.body, /Nature : Réclamation/);
      assert.match(page.body, /Réponse — cartes grises/);
      const form = await admin.get('/courrier/modeles/nouveau');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Variables disponibles/);
      assert.match(form.body, /<code>\{\{service_destinataire\.nom\}\}<\/code>/);
    });

    it('refuse une variable inconnue en conservant la saisie, puis crée, prévisualise, modifie et archive', async () => {
      const admin = await as('referent@63.test');
      const csrf = await admin.csrfFrom('/courrier/modeles/nouveau');
      const typed = {
        _csrf: csrf,
        action: 'save',
        name: 'Réponse — horaires',
        purpose: 'answer',
        caseKind: '',
        serviceId: accueilId,
        subject: 'Horaires – dossier {{dossier.reference}}',
        body: 'Bonjour {{usager.nom}},\n\nNos horaires <b>changent</b>.\n\n{{service.signature}}',
      };
      const refused = await admin.post('/courrier/modeles', typed);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Variable inconnue : \{\{usager\.nom\}\} \(variables possibles : \{\{organisation\.nom\}\}/);
      assert.match(refused.body, /value="Réponse — horaires"/);
      assert.match(refused.body, /Bonjour \{\{usager\.nom\}\},\n\nNos horaires &lt;b&gt;changent&lt;\/b&gt;\./);
      assert.match(refused.body, new RegExp(`<option value="${accueilId}" selected>`));
      const broken = await admin.post('/courrier/modeles', { ...typed, body: 'Échéance {{echeance}', subject: '' });
      assert.equal(broken.statusCode, 400);
      assert.match(broken.body, /Accolades mal fermées/);
      assert.match(broken.body, /Objet : champ obligatoire/);

      const fixed = { ...typed, body: 'Bonjour {{demandeur.nom}},\n\nNos horaires <b>changent</b>.\n\n{{service.signature}}' };
      const preview = await admin.post('/courrier/modeles', { ...fixed, action: 'preview' });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /Aperçu avec des valeurs d’exemple/);
      assert.match(preview.body, /Horaires – dossier 2026-00042/);
      assert.match(preview.body, /Bonjour Camille Martin,\n\nNos horaires &lt;b&gt;changent&lt;\/b&gt;/);
      assert.ok(
        !(await listTemplates(t.ctx.db, organisationId)).some((x) => x.name === 'Réponse — horaires'),
        'aperçu : rien enregistré',
      );

      const created = await admin.post('/courrier/modeles', fixed);
      assert.equal(created.statusCode, 303);
      const id = String(created.headers.location).split('/').pop() ?? '';
      const saved = await findTemplate(t.ctx.db, organisationId, id);
      assert.equal(saved?.service_id, accueilId);
      assert.equal(saved?.case_kind, null);
      // Les fins de ligne des navigateurs (\r\n) sont ramenées à \n.
      const edited = await admin.post(`/courrier/modeles/${id}`, {
        ...fixed,
        name: 'Réponse — horaires d’été',
        body: 'Ligne 1\r\nLigne 2',
      });
      assert.equal(edited.statusCode, 303);
      const after = await findTemplate(t.ctx.db, organisationId, id);
      assert.equal(after?.name, 'Réponse — horaires d’été');
      assert.equal(after?.body, 'Ligne 1\nLigne 2');
      const page = await admin.get(`/courrier/modeles/${id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /value="Réponse — horaires d’été"/);
      assert.equal((await admin.post(`/courrier/modeles/${id}/archiver`, { _csrf: csrf })).statusCode, 303);
      assert.ok((await findTemplate(t.ctx.db, organisationId, id))?.archived_at);
      assert.deepEqual((await auditActions()).sort(), [
        'mail_template.archived',
        'mail_template.created',
        'mail_template.updated',
      ]);
    });

    it('seul l’administrateur gère les modèles et les signatures', async () => {
      for (const email of ['agent@63.test', 'auditeur@63.test']) {
        const browser = await as(email);
        const csrf = await browser.csrfFrom('/registre');
        for (const url of ['/courrier/modeles', '/courrier/modeles/nouveau', '/courrier/signatures']) {
          assert.equal((await browser.get(url)).statusCode, 403, `${email} ${url}`);
        }
        const post = await browser.post('/courrier/modeles', {
          _csrf: csrf,
          name: 'x',
          purpose: 'answer',
          subject: 'x',
          body: 'x',
        });
        assert.equal(post.statusCode, 403);
        assert.equal((await browser.post(`/courrier/signatures/${accueilId}`, { _csrf: csrf, phone: '01' })).statusCode, 403);
      }
    });

    it('une organisation ne voit ni ne modifie les modèles et signatures d’une autre (404)', async () => {
      const other = await as('referent@15.test');
      const csrf = await other.csrfFrom('/courrier/modeles');
      const foreign = defaultTemplateId(organisationId, 'acknowledgment-general');
      assert.ok(await findTemplate(t.ctx.db, organisationId, foreign));
      assert.equal((await other.get(`/courrier/modeles/${foreign}`)).statusCode, 404);
      assert.equal((await other.post(`/courrier/modeles/${foreign}/archiver`, { _csrf: csrf })).statusCode, 404);
      const edit = await other.post(`/courrier/modeles/${foreign}`, {
        _csrf: csrf,
        name: 'Piraté',
        purpose: 'acknowledgment',
        subject: 'x',
        body: 'x',
      });
      assert.equal(edit.statusCode, 404);
      assert.equal((await findTemplate(t.ctx.db, organisationId, foreign))?.archived_at, null);
      assert.equal(
        (await other.post(`/courrier/signatures/${accueilId}`, { _csrf: csrf, phone: '01 02 03 04 05' })).statusCode,
        404,
      );
      const list = await other.get('/courrier/modeles');
      assert.ok(!list.body.includes(foreign));
      const signatures = await other.get('/courrier/signatures');
      assert.match(signatures.body, /Accueil du Cantal/);
      assert.doesNotMatch(signatures.body, /Accueil général/);
      assert.ok(otherServiceId);
    });

    it('signatures : un formulaire par service, saisie refusée conservée, aperçu des deux formes', async () => {
      const admin = await as('referent@63.test');
      const page = await admin.get('/courrier/signatures');
      assert.equal(page.statusCode, 200);
      // Rien de saisi : repli sur le nom du service et celui de la préfecture.
      assert.match(page.body, /Accueil général\nPréfecture du Puy-de-Dôme/);
      const csrf = await admin.csrfFrom('/courrier/signatures');
      const bad = await admin.post(`/courrier/signatures/${accueilId}`, {
        _csrf: csrf,
        serviceLabel: 'Bureau relation aux usagers',
        postalAddress: '18, boulevard Desaix',
        phone: 'appelez-nous',
        website: 'www.puy-de-dome.gouv.fr',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Téléphone : chiffres, espaces/);
      assert.match(bad.body, /value="appelez-nous"/);
      assert.match(bad.body, />Bureau relation aux usagers<\/textarea>/);
      const ok = await admin.post(`/courrier/signatures/${accueilId}`, {
        _csrf: csrf,
        serviceLabel: 'Bureau relation aux usagers\r\nPôle logistique, courrier, accueil',
        postalAddress: '18, boulevard Desaix\r\n63033 Clermont-Ferrand Cedex 1',
        phone: '04 73 98 63 63',
        website: 'www.puy-de-dome.gouv.fr',
      });
      assert.equal(ok.statusCode, 303);
      const stored = await findSignature(t.ctx.db, organisationId, accueilId);
      assert.equal(stored?.service_label, 'Bureau relation aux usagers\nPôle logistique, courrier, accueil');
      const shown = await admin.get('/courrier/signatures');
      assert.match(shown.body, /Prénom Nom \(exemple\)\nFonction \(exemple\)\nBureau relation aux usagers/);
      assert.match(shown.body, /Tél\. : 04 73 98 63 63/);
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'service_signature.updated')
        .execute();
      assert.equal(audit.length, 1);
    });
  });
}
