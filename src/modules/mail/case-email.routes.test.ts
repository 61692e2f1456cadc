import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { findCase } from '../cases/case.repository.ts';
import { createCase } from '../cases/case.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { queueAcknowledgment } from './correspondence.service.ts';
import { defaultTemplateId } from './default-templates.ts';
import { listOutgoingMailsOfCase } from './outgoing-mail.repository.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`page « Répondre par courriel » (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let caseId: string;
    let reference: string;
    let anonymousCaseId: string;
    let foreignCaseId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const accueilId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      for (const [email, role] of [
        ['referent@63.test', 'admin'],
        ['agent@63.test', 'agent'],
        ['auditeur@63.test', 'auditor'],
        ['membre@63.test', 'clu_member'],
      ] as const) {
        await createAccount(
          t.ctx,
          { email, role, organisationId, password: PASSWORD, displayName: 'Dominique Durand' },
          CLI_ACTOR,
        );
      }
      const row = await createCase(
        t.ctx,
        organisationId,
        {
          kind: 'information_request',
          channel: 'email',
          receivedAt: '2026-04-01T08:00:00Z',
          serviceId: accueilId,
          requesterName: 'Camille Martin',
          requesterEmail: 'camille.martin@example.test',
          subject: 'Carte grise',
        },
        CLI_ACTOR,
      );
      caseId = row.id;
      reference = row.reference;
      await t.ctx.db
        .transaction()
        .execute((trx) => queueAcknowledgment(trx, t.ctx, { caseRow: row, mailbox: null, inReplyTo: '<question@example.test>' }));
      anonymousCaseId = (
        await createCase(t.ctx, organisationId, { kind: 'complaint', channel: 'letter', receivedAt: '2026-04-01' }, CLI_ACTOR)
      ).id;
      const other = await createOrganisation(
        t.ctx,
        { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' },
        CLI_ACTOR,
      );
      foreignCaseId = (
        await createCase(
          t.ctx,
          other.id,
          { kind: 'complaint', channel: 'email', receivedAt: '2026-04-01', requesterEmail: 'x@example.test' },
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

    it('la fiche propose « Répondre par courriel » et liste les courriels du dossier avec leur statut', async () => {
      const agent = await as('agent@63.test');
      const detail = await agent.get(`/registre/${caseId}`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, new RegExp(`href="/registre/${caseId}/courriel">Répondre par courriel`));
      assert.match(detail.body, /<h2[^>]*id="courriels">Courriels<\/h2>/);
      assert.match(detail.body, /Accusé de réception<\/td>/);
      assert.match(detail.body, /En attente d’envoi/);
      // Sans adresse, pas de bouton.
      const anonymous = await agent.get(`/registre/${anonymousCaseId}`);
      assert.doesNotMatch(anonymous.body, /Répondre par courriel/);
      assert.match(anonymous.body, /Aucun courriel pour ce dossier/);
    });

    it('choisir un modèle pré-remplit l’objet et le texte, modifiables', async () => {
      const agent = await as('agent@63.test');
      const blank = await agent.get(`/registre/${caseId}/courriel`);
      assert.equal(blank.statusCode, 200);
      assert.match(blank.body, /Répondre par courriel — dossier/);
      assert.match(blank.body, /Réponse — cartes grises/);
      assert.doesNotMatch(blank.body, /Accusé de réception — message général/, 'seules les réponses types sont proposées');
      assert.doesNotMatch(blank.body, /value="send"/, 'envoi après aperçu');
      const templateId = defaultTemplateId(organisationId, 'answer-registration');
      const chosen = await agent.get(`/registre/${caseId}/courriel?modele=${templateId}`);
      assert.match(chosen.body, /value="Votre démarche de carte grise – dossier \{\{dossier\.reference\}\}"/);
      assert.match(chosen.body, /immatriculation\.ants\.gouv\.fr/);
      assert.match(chosen.body, new RegExp(`name="templateId" value="${templateId}"`));
    });

    it('l’aperçu montre le rendu exact, échappé ; une variable inconnue est refusée avec la saisie conservée', async () => {
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${caseId}/courriel`);
      const preview = await agent.post(`/registre/${caseId}/courriel`, {
        _csrf: csrf,
        action: 'preview',
        templateId: '',
        subject: 'Réponse – dossier {{dossier.reference}}',
        body: 'Bonjour {{demandeur.nom}},\r\n\r\n<script>alert(1)</script> réponse.\r\n',
        signatureForm: 'individual',
      });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /Aperçu du courriel tel qu’il partira/);
      assert.match(preview.body, new RegExp(`Réponse – dossier ${reference}`));
      assert.match(
        preview.body,
        /Bonjour Camille Martin,\n\n&lt;script&gt;alert\(1\)&lt;\/script&gt; réponse\.\n\nDominique Durand\nAccueil général/,
      );
      assert.doesNotMatch(preview.body, /<script>alert/);
      assert.match(preview.body, /dans le fil du message du demandeur/);
      assert.match(preview.body, /value="send"/);
      assert.match(preview.body, /id="champ-signatureForm-individual" name="signatureForm" value="individual" checked/);

      const refused = await agent.post(`/registre/${caseId}/courriel`, {
        _csrf: csrf,
        action: 'send',
        templateId: '',
        subject: 'Réponse',
        body: 'Bonjour {{usager.nom}}, texte conservé',
        signatureForm: 'functional',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Variable inconnue : \{\{usager\.nom\}\}/);
      assert.match(refused.body, /Bonjour \{\{usager\.nom\}\}, texte conservé<\/textarea>/);
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, caseId)).length, 1, 'seul l’accusé est en file');
      assert.equal((await findCase(t.ctx.db, organisationId, caseId))?.status, 'received');
    });

    it('envoyer : dossier répondu, courriel en file dans le fil, retour à la fiche', async () => {
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${caseId}/courriel`);
      // Jeudi 2 avril 2026 : 1 jour ouvré après la réception du 1er.
      const sent = await agent.post(`/registre/${caseId}/courriel`, {
        _csrf: csrf,
        action: 'send',
        templateId: defaultTemplateId(organisationId, 'answer-registration'),
        subject: 'Votre démarche – dossier {{dossier.reference}}',
        body: 'Bonjour,\n\nLa démarche se fait en ligne.\n\nCordialement.\n\n{{service.signature}}',
        signatureForm: 'functional',
      });
      assert.equal(sent.statusCode, 303);
      assert.equal(sent.headers.location, `/registre/${caseId}#courriels`);
      const row = await findCase(t.ctx.db, organisationId, caseId);
      assert.equal(row?.status, 'answered');
      assert.equal(row?.answer_channel, 'email');
      assert.equal(row?.answer_delay, 1);
      const mails = await listOutgoingMailsOfCase(t.ctx.db, caseId);
      const acknowledgment = mails.find((m) => m.purpose === 'acknowledgment');
      const answer = mails.find((m) => m.purpose === 'answer');
      assert.ok(answer && acknowledgment);
      assert.equal(answer.in_reply_to, acknowledgment.message_id);
      assert.equal(answer.subject, `Votre démarche – dossier ${reference}`);
      assert.equal(row?.answer_text, answer.body_text);
      const detail = await agent.get(`/registre/${caseId}`);
      assert.match(detail.body, /Réponse mise en file d’envoi pour camille\.martin@example\.test/);
      assert.match(detail.body, /Réponse<\/td>/);
    });

    it('droits : l’auditeur et le membre du CLU sont refusés, un dossier d’une autre organisation est introuvable', async () => {
      for (const email of ['auditeur@63.test', 'membre@63.test']) {
        const browser = await as(email);
        const csrf = await browser.csrfFrom('/compte');
        assert.equal((await browser.get(`/registre/${caseId}/courriel`)).statusCode, 403, email);
        const post = await browser.post(`/registre/${caseId}/courriel`, {
          _csrf: csrf,
          action: 'send',
          subject: 'x',
          body: 'x',
          signatureForm: 'functional',
        });
        assert.equal(post.statusCode, 403, email);
      }
      const admin = await as('referent@63.test');
      const csrf = await admin.csrfFrom(`/registre/${caseId}/courriel`);
      assert.equal((await admin.get(`/registre/${foreignCaseId}/courriel`)).statusCode, 404);
      const post = await admin.post(`/registre/${foreignCaseId}/courriel`, {
        _csrf: csrf,
        action: 'send',
        subject: 'x',
        body: 'x',
        signatureForm: 'functional',
      });
      assert.equal(post.statusCode, 404);
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, foreignCaseId)).length, 0);
    });

    it('un dossier sans adresse électronique : la page le dit et l’envoi est refusé sans erreur interne', async () => {
      const agent = await as('agent@63.test');
      const page = await agent.get(`/registre/${anonymousCaseId}/courriel`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Pas d’adresse électronique/);
      const csrf = await agent.csrfFrom('/registre');
      const post = await agent.post(`/registre/${anonymousCaseId}/courriel`, {
        _csrf: csrf,
        action: 'send',
        subject: 'Réponse',
        body: 'Bonjour',
        signatureForm: 'functional',
      });
      assert.equal(post.statusCode, 409);
      assert.match(post.body, /Pas d’adresse électronique/);
    });
  });
}
