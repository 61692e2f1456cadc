import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { pdfText, readZip, wordText } from '../../../test/helpers/documents.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { findCase } from '../cases/case.repository.ts';
import { createCase } from '../cases/case.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { DOCX_TYPE } from './letter.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`lettre de réponse : pages (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let serviceId: string;
    let foreignCaseId: string;

    before(async () => {
      t = await createTestContext(engine);
      // Jeudi 3 décembre 2026, 10 h à Clermont-Ferrand.
      t.clock.set('2026-12-03T09:00:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      serviceId = (await addService(t.ctx, organisationId, { name: 'Bureau des relations aux usagers' }, CLI_ACTOR)).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      for (const [role, displayName] of [
        ['admin', 'Référent Qualité'],
        ['agent', 'Camille Martin'],
        ['auditor', 'Auditeur Externe'],
        ['clu_member', 'Membre du comité'],
      ] as const) {
        await createAccount(
          t.ctx,
          { email: `${role}@63.test`, displayName, role, organisationId, password: PASSWORD },
          CLI_ACTOR,
        );
      }
      await createAccount(t.ctx, { email: 'admin@15.test', role: 'admin', organisationId: other, password: PASSWORD }, CLI_ACTOR);
      foreignCaseId = (
        await createCase(
          t.ctx,
          other,
          { kind: 'complaint', channel: 'letter', receivedAt: '2026-12-01', requesterAddress: 'Secret, 15000 Aurillac' },
          CLI_ACTOR,
        )
      ).id;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);

    async function newCase() {
      return createCase(
        t.ctx,
        organisationId,
        {
          kind: 'complaint',
          channel: 'urn',
          receivedAt: '2026-12-01',
          serviceId,
          subject: 'Attente au guichet',
          requesterName: 'Jean Dupont',
          requesterAddress: '1, place de Jaude\n63000 Clermont-Ferrand',
        },
        CLI_ACTOR,
      );
    }

    const attachmentsOf = (caseId: string) =>
      t.ctx.db
        .selectFrom('case_attachments')
        .select(['id', 'filename', 'content_type'])
        .where('case_id', '=', caseId)
        .orderBy('filename')
        .execute();

    it('la fiche propose la lettre ; le formulaire est pré-rempli (modèle, agent connecté, adresse du dossier)', async () => {
      const row = await newCase();
      const agent = await as('agent@63.test');
      const fiche = await agent.get(`/registre/${row.id}`);
      assert.match(fiche.body, new RegExp(`href="/registre/${row.id}/lettre">Préparer une lettre de réponse</a>`));
      const page = await agent.get(`/registre/${row.id}/lettre`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`<h1>Lettre de réponse — dossier ${row.reference}</h1>`));
      assert.match(page.body, /name="subject" value="Attente au guichet"/);
      assert.match(page.body, /name="followedBy" value="Camille Martin"/);
      assert.match(page.body, /name="recipientName" value="Jean Dupont"/);
      assert.match(page.body, /<textarea[^>]*name="recipientAddress"[^>]*>1, place de Jaude\n63000 Clermont-Ferrand<\/textarea>/);
      assert.match(page.body, /<textarea[^>]*name="body"[^>]*>Madame, Monsieur,/);
      assert.match(page.body, /modèle « Lettre — réponse à un courrier »/);
      assert.match(page.body, /name="recordAnswer" value="on" checked/);
      assert.match(page.body, /name="_csrf"/);
    });

    it('saisie invalide : 400, messages par champ, saisie conservée, rien d’enregistré', async () => {
      const row = await newCase();
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${row.id}/lettre`);
      const response = await agent.post(`/registre/${row.id}/lettre`, {
        _csrf: csrf,
        subject: 'Mon objet <gardé>',
        body: 'Madame,\n\n[À compléter : la réponse]',
        followedBy: 'Camille Martin',
        recipientName: 'Jean Dupont',
        recipientAddress: '   ',
        recordAnswer: 'on',
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /Adresse postale du destinataire : champ obligatoire/);
      assert.match(response.body, /name="subject" value="Mon objet &lt;gardé&gt;"/);
      assert.match(response.body, /aria-invalid="true"/);
      assert.equal((await attachmentsOf(row.id)).length, 0);
      // Adresse corrigée, mais passage « à compléter » oublié : refusé aussi, avec son propre message.
      const second = await agent.post(`/registre/${row.id}/lettre`, {
        _csrf: csrf,
        subject: 'Mon objet',
        body: 'Madame,\n\n[À compléter : la réponse]',
        recipientAddress: '1, place de Jaude',
      });
      assert.equal(second.statusCode, 400);
      assert.match(second.body, /complétez ou supprimez le passage/);
      assert.match(second.body, /\[À compléter : la réponse\]<\/textarea>/);
      // Case décochée à l'envoi : elle reste décochée au réaffichage.
      assert.doesNotMatch(second.body, /name="recordAnswer" value="on" checked/);
      assert.equal((await attachmentsOf(row.id)).length, 0);
    });

    it('« Générer » : redirection vers la fiche, DOCX et PDF téléchargeables, réponse enregistrée', async () => {
      const row = await newCase();
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${row.id}/lettre`);
      const response = await agent.post(`/registre/${row.id}/lettre`, {
        _csrf: csrf,
        subject: 'Votre suggestion sur l’attente au guichet',
        body: 'Monsieur,\n\nNous avons ajouté un guichet le matin.\n\nJe vous prie d’agréer, Monsieur, mes salutations distinguées.',
        followedBy: 'Camille Martin',
        enclosures: '',
        recipientName: 'Monsieur Jean Dupont',
        recipientAddress: '1, place de Jaude\n63000 Clermont-Ferrand',
        recordAnswer: 'on',
      });
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, `/registre/${row.id}#pieces-jointes`);

      const fiche = await agent.get(`/registre/${row.id}`);
      assert.match(fiche.body, /Lettre générée : lettre-.*\.docx \(modifiable\) et lettre-.*\.pdf \(à imprimer\)/);
      assert.match(fiche.body, /réponse par courrier enregistrée/);
      assert.match(fiche.body, /<td>DOCX<\/td>/);
      assert.match(fiche.body, /Lettre de réponse préparée/);
      const files = await attachmentsOf(row.id);
      assert.deepEqual(
        files.map((f) => f.filename),
        [`lettre-${row.reference}-2026-12-03.docx`, `lettre-${row.reference}-2026-12-03.pdf`],
      );
      const [docxRow, pdfRow] = files;
      assert.ok(docxRow && pdfRow);
      assert.ok(fiche.body.includes(`href="/registre/${row.id}/pieces-jointes/${docxRow.id}"`));

      const docx = await agent.get(`/registre/${row.id}/pieces-jointes/${docxRow.id}`);
      assert.equal(docx.statusCode, 200);
      assert.equal(docx.headers['content-type'], DOCX_TYPE);
      assert.match(String(docx.headers['content-disposition']), /attachment; filename="lettre-.*\.docx"/);
      const text = wordText(readZip(docx.rawPayload).get('word/document.xml')?.toString('utf8') ?? '');
      assert.match(text, /Objet\u00a0:\tVotre suggestion sur l’attente au guichet/);
      assert.match(text, new RegExp(`votre formulaire déposé le 1er décembre 2026 — dossier ${row.reference}`));
      assert.match(text, /Clermont-Ferrand, le 3 décembre 2026/);
      assert.match(text, /Monsieur Jean Dupont/);

      const pdf = await agent.get(`/registre/${row.id}/pieces-jointes/${pdfRow.id}`);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 4).toString('latin1'), '%PDF');
      assert.match(pdfText(pdf.rawPayload), /Nous avons ajouté un guichet le matin\./);

      const after = await findCase(t.ctx.db, organisationId, row.id);
      assert.equal(after?.status, 'answered');
      assert.equal(after?.answer_channel, 'letter');
      assert.equal(after?.answered_local_date, '2026-12-03');
    });

    it('un administrateur peut aussi préparer la lettre ; auditeur et membre du comité sont refusés', async () => {
      const row = await newCase();
      const admin = await as('admin@63.test');
      assert.equal((await admin.get(`/registre/${row.id}/lettre`)).statusCode, 200);
      for (const email of ['auditor@63.test', 'clu_member@63.test']) {
        const browser = await as(email);
        assert.equal((await browser.get(`/registre/${row.id}/lettre`)).statusCode, 403, email);
        const csrf = await browser.csrfFrom('/compte');
        const post = await browser.post(`/registre/${row.id}/lettre`, {
          _csrf: csrf,
          subject: 'Objet',
          body: 'Texte',
          recipientAddress: 'Adresse',
        });
        assert.equal(post.statusCode, 403, email);
      }
      // L'auditeur voit la fiche, sans le bouton de la lettre.
      const auditorFiche = await (await as('auditor@63.test')).get(`/registre/${row.id}`);
      assert.equal(auditorFiche.statusCode, 200);
      assert.doesNotMatch(auditorFiche.body, /Préparer une lettre de réponse/);
      // Sans session : vers la connexion.
      const anonymous = await app.inject({ method: 'GET', url: `/registre/${row.id}/lettre` });
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/connexion/);
      assert.equal((await attachmentsOf(row.id)).length, 0);
    });

    it('le dossier d’une autre organisation est introuvable (404), en lecture comme en envoi', async () => {
      const agent = await as('agent@63.test');
      const page = await agent.get(`/registre/${foreignCaseId}/lettre`);
      assert.equal(page.statusCode, 404);
      assert.doesNotMatch(page.body, /Aurillac/);
      const csrf = await agent.csrfFrom('/registre');
      const post = await agent.post(`/registre/${foreignCaseId}/lettre`, {
        _csrf: csrf,
        subject: 'Objet',
        body: 'Texte',
        recipientAddress: 'Adresse',
      });
      assert.equal(post.statusCode, 404);
      const invalid = await agent.post(`/registre/${foreignCaseId}/lettre`, { _csrf: csrf, subject: '' });
      assert.equal(invalid.statusCode, 404);
      assert.equal((await attachmentsOf(foreignCaseId)).length, 0);
    });

    it('sans jeton CSRF, l’envoi est refusé', async () => {
      const row = await newCase();
      const agent = await as('agent@63.test');
      const post = await agent.post(`/registre/${row.id}/lettre`, {
        subject: 'Objet',
        body: 'Texte',
        recipientAddress: 'Adresse',
      });
      assert.equal(post.statusCode, 403);
      assert.equal((await attachmentsOf(row.id)).length, 0);
    });
  });
}
