import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { AppError } from '../../shared/errors.ts';
import { createAccount } from '../accounts/account.service.ts';
import { type Actor, CLI_ACTOR } from '../audit/audit.service.ts';
import { findCase, listCaseEvents } from '../cases/case.repository.ts';
import { createCase, reassignCase } from '../cases/case.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { previewAnswerEmail, queueAcknowledgment, sendAnswerByEmail } from './correspondence.service.ts';
import { DEFAULT_TEMPLATES, defaultTemplateId } from './default-templates.ts';
import { findMailboxById, insertMailbox, type MailboxRow } from './mailbox.repository.ts';
import { listOutgoingMailsOfCase } from './outgoing-mail.repository.ts';
import { listTemplates, upsertSignature } from './template.repository.ts';
import { ensureDefaultTemplates } from './template.service.ts';

for (const engine of testEngines()) {
  describe(`accusés de réception (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let accueilId: string;
    let etrangersId: string;
    let mailbox: MailboxRow;

    before(async () => {
      t = await createTestContext(engine);
      // Jeudi 2 avril 2026, 10 h 30 à Clermont-Ferrand.
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      accueilId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      etrangersId = (await addService(t.ctx, organisationId, { name: 'Service des Étrangers' }, CLI_ACTOR)).id;
      const now = t.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id: 'boite-public',
        organisation_id: organisationId,
        service_id: accueilId,
        label: 'Boîte publique',
        address: 'pref-public@puy-de-dome.gouv.fr',
        display_name: 'Préfecture du Puy-de-Dôme',
        imap_tls: 0,
        imap_folder: 'INBOX',
        poll_interval_seconds: 60,
        smtp_tls: 0,
        intake_enabled: 0,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      });
      mailbox = (await findMailboxById(t.ctx.db, 'boite-public')) as MailboxRow;
      await upsertSignature(t.ctx.db, {
        service_id: accueilId,
        organisation_id: organisationId,
        service_label: 'Bureau relation aux usagers\nPôle logistique, courrier, accueil',
        postal_address: '18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1',
        phone: '04 73 98 63 63',
        website: 'www.puy-de-dome.gouv.fr',
        updated_at: now,
      });
    });
    after(async () => {
      await t.close();
    });

    async function newCase(input: Record<string, unknown>) {
      return createCase(
        t.ctx,
        organisationId,
        {
          channel: 'email',
          receivedAt: '2026-04-02T08:00:00Z',
          requesterEmail: 'camille.martin@example.test',
          requesterName: 'Camille Martin',
          subject: 'Question',
          ...input,
        },
        CLI_ACTOR,
      );
    }

    async function acknowledge(caseId: string, inReplyTo: string | null = '<origine@example.test>') {
      const row = await findCase(t.ctx.db, organisationId, caseId);
      assert.ok(row);
      return t.ctx.db.transaction().execute((trx) => queueAcknowledgment(trx, t.ctx, { caseRow: row, mailbox, inReplyTo }));
    }

    it('met l’accusé en file une seule fois, dans le fil du message, avec référence, échéance et signature', async () => {
      const row = await newCase({ kind: 'information_request', serviceId: accueilId });
      assert.deepEqual(await acknowledge(row.id), { queued: true });
      const second = await acknowledge(row.id);
      assert.equal(second.queued, false);
      assert.match(second.reason ?? '', /déjà en file/);
      const mails = await listOutgoingMailsOfCase(t.ctx.db, row.id);
      assert.equal(mails.length, 1);
      const mail = mails[0];
      assert.ok(mail);
      assert.equal(mail.purpose, 'acknowledgment');
      assert.equal(mail.unique_key, `acknowledgment:${row.id}`);
      assert.equal(mail.mailbox_id, 'boite-public');
      assert.equal(mail.to_address, 'camille.martin@example.test');
      assert.equal(mail.to_name, 'Camille Martin');
      assert.equal(mail.in_reply_to, '<origine@example.test>');
      assert.equal(mail.references_header, '<origine@example.test>');
      assert.match(mail.message_id, /@puy-de-dome\.gouv\.fr>$/);
      assert.equal(mail.subject, `Accusé de réception de votre message – dossier ${row.reference}`);
      // Reçu le jeudi 2 avril : 5 jours ouvrés, lundi de Pâques (6 avril) exclu → vendredi 10 avril.
      assert.equal(row.due_date, '2026-04-10');
      assert.match(mail.body_text, /Préfecture du Puy-de-Dôme accuse réception de votre message du jeudi 2 avril 2026/);
      assert.match(mail.body_text, new RegExp(`référence ${row.reference}`));
      assert.match(mail.body_text, /délai de 5 jours ouvrés, soit au plus tard le vendredi 10 avril 2026/);
      assert.match(
        mail.body_text,
        /Bureau relation aux usagers\nPôle logistique, courrier, accueil\nPréfecture du Puy-de-Dôme\n18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1\nTél\. : 04 73 98 63 63\npref-public@puy-de-dome\.gouv\.fr\nwww\.puy-de-dome\.gouv\.fr$/,
      );
      assert.doesNotMatch(mail.body_text, /\{\{|\}\}/);
      const events = await listCaseEvents(t.ctx.db, row.id);
      const queued = events.filter((e) => e.type === 'acknowledgment_queued');
      assert.equal(queued.length, 1);
      // L'adresse est dans les données de l'événement (effacées avec le dossier), pas dans le résumé qui reste.
      assert.doesNotMatch(queued[0]?.summary ?? '', /@/);
      assert.match(queued[0]?.data_json ?? '', /camille\.martin@example\.test/);
    });

    it('choisit le modèle selon le service et la nature du dossier', async () => {
      const cases = {
        general: await newCase({ kind: 'information_request', serviceId: accueilId }),
        foreigners: await newCase({ kind: 'information_request', serviceId: etrangersId }),
        complaint: await newCase({ kind: 'complaint', serviceId: accueilId }),
        // La nature l'emporte sur le service : une réclamation au service des étrangers reçoit l'accusé
        // des réclamations.
        complaintForeigners: await newCase({ kind: 'complaint', serviceId: etrangersId }),
        suggestion: await newCase({ kind: 'suggestion' }),
        website: await newCase({ kind: 'update_request', target: 'website', serviceId: accueilId }),
      };
      const expected: Record<keyof typeof cases, string> = {
        general: 'acknowledgment-general',
        foreigners: 'acknowledgment-foreigners',
        complaint: 'acknowledgment-complaint',
        complaintForeigners: 'acknowledgment-complaint',
        suggestion: 'acknowledgment-suggestion',
        website: 'acknowledgment-website-error',
      };
      for (const [name, row] of Object.entries(cases) as [keyof typeof cases, (typeof cases)[keyof typeof cases]][]) {
        assert.equal((await acknowledge(row.id)).queued, true, name);
        const event = (await listCaseEvents(t.ctx.db, row.id)).find((e) => e.type === 'acknowledgment_queued');
        const data = JSON.parse(event?.data_json ?? '{}') as { templateId?: string };
        assert.equal(data.templateId, defaultTemplateId(organisationId, expected[name]), name);
      }
      const [foreigners] = await listOutgoingMailsOfCase(t.ctx.db, cases.foreigners.id);
      assert.match(foreigners?.body_text ?? '', /administration-etrangers-en-france/);
      // Sans signature saisie, le service des étrangers signe de son nom et de celui de la préfecture.
      assert.match(foreigners?.body_text ?? '', /Service des Étrangers\nPréfecture du Puy-de-Dôme\npref-public@/);
      const [website] = await listOutgoingMailsOfCase(t.ctx.db, cases.website.id);
      // Demande de mise à jour : 3 jours ouvrés, du jeudi 2 au mercredi 8 avril (lundi de Pâques exclu).
      assert.match(website?.body_text ?? '', /au plus tard le mercredi 8 avril 2026/);
    });

    it('sans adresse du demandeur : rien en file, la raison est rendue et notée au dossier', async () => {
      const row = await newCase({ kind: 'information_request', requesterEmail: undefined });
      const result = await acknowledge(row.id);
      assert.equal(result.queued, false);
      assert.match(result.reason ?? '', /Pas d’adresse électronique/);
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, row.id)).length, 0);
      const events = await listCaseEvents(t.ctx.db, row.id);
      assert.ok(events.some((e) => e.type === 'acknowledgment_not_sent'));
    });

    it('sans boîte configurée : l’accusé attend en file, sans expéditeur', async () => {
      const row = await newCase({ kind: 'information_request', serviceId: accueilId });
      const caseRow = await findCase(t.ctx.db, organisationId, row.id);
      assert.ok(caseRow);
      const result = await t.ctx.db
        .transaction()
        .execute((trx) => queueAcknowledgment(trx, t.ctx, { caseRow, mailbox: null, inReplyTo: null }));
      assert.equal(result.queued, true);
      const [mail] = await listOutgoingMailsOfCase(t.ctx.db, row.id);
      assert.equal(mail?.mailbox_id, null);
      assert.equal(mail?.in_reply_to, null);
      assert.equal(mail?.status, 'pending');
    });

    it('une transaction annulée n’a mis aucun accusé en file', async () => {
      const row = await newCase({ kind: 'information_request', serviceId: accueilId });
      const caseRow = await findCase(t.ctx.db, organisationId, row.id);
      assert.ok(caseRow);
      await assert.rejects(
        t.ctx.db.transaction().execute(async (trx) => {
          await queueAcknowledgment(trx, t.ctx, { caseRow, mailbox, inReplyTo: null });
          throw new Error('relève interrompue');
        }),
        /relève interrompue/,
      );
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, row.id)).length, 0);
      assert.deepEqual(await acknowledge(row.id), { queued: true });
    });

    it('les modèles de départ sont créés une fois ; l’accusé des étrangers attend que le service existe', async () => {
      const other = await createOrganisation(
        t.ctx,
        { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' },
        CLI_ACTOR,
      );
      const created = await ensureDefaultTemplates(t.ctx.db, t.ctx, other.id);
      assert.equal(created, DEFAULT_TEMPLATES.length - 1);
      assert.equal(await ensureDefaultTemplates(t.ctx.db, t.ctx, other.id), 0);
      const service = await addService(t.ctx, other.id, { name: 'Bureau des étrangers' }, CLI_ACTOR);
      assert.equal(await ensureDefaultTemplates(t.ctx.db, t.ctx, other.id), 1);
      const templates = await listTemplates(t.ctx.db, other.id, { includeArchived: true });
      assert.equal(templates.length, DEFAULT_TEMPLATES.length);
      assert.equal(templates.find((tpl) => tpl.name.includes('étrangers'))?.service_id, service.id);
      // Les modèles d'une organisation ne servent jamais à une autre.
      assert.ok(templates.every((tpl) => tpl.organisation_id === other.id));
    });
  });
}

/** L'erreur attendue, avec le champ signalé. */
function rejectsWith(code: string, field?: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code);
    if (field) {
      assert.ok(error.fields[field], `champ ${field} non signalé : ${JSON.stringify(error.fields)}`);
      if (pattern) assert.match(error.fields[field] ?? '', pattern);
    }
    return true;
  };
}

for (const engine of testEngines()) {
  describe(`réorientation et réponse par courriel (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let accueilId: string;
    let ddtId: string;
    let agent: Actor;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'loir-et-cher', name: 'Préfecture de Loir-et-Cher', department: '41' }, CLI_ACTOR)
      ).id;
      accueilId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      ddtId = (await addService(t.ctx, organisationId, { name: 'Direction départementale des territoires' }, CLI_ACTOR)).id;
      const account = await createAccount(
        t.ctx,
        {
          email: 'agent@41.test',
          role: 'agent',
          organisationId,
          displayName: 'Dominique Durand',
          password: 'Blois 41000 chateau',
        },
        CLI_ACTOR,
      );
      await t.ctx.db.updateTable('users').set({ job_title: 'Chargée d’accueil' }).where('id', '=', account.userId).execute();
      agent = { userId: account.userId, label: 'Dominique Durand <agent@41.test>' };
      const now = t.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id: 'boite-41',
        organisation_id: organisationId,
        service_id: accueilId,
        label: 'Boîte publique',
        address: 'pref-contact@loir-et-cher.gouv.fr',
        display_name: 'Préfecture de Loir-et-Cher',
        imap_tls: 0,
        imap_folder: 'INBOX',
        poll_interval_seconds: 60,
        smtp_host: '127.0.0.1',
        smtp_port: 2525,
        smtp_tls: 0,
        intake_enabled: 0,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      });
    });
    after(async () => {
      await t.close();
    });

    async function newCase(input: Record<string, unknown>) {
      return createCase(
        t.ctx,
        organisationId,
        {
          kind: 'information_request',
          channel: 'email',
          receivedAt: '2026-04-02T08:00:00Z',
          serviceId: accueilId,
          requesterEmail: 'usager@example.test',
          subject: 'Permis de construire',
          ...input,
        },
        CLI_ACTOR,
      );
    }

    it('réorienter un dossier met l’avis en file dans le fil du demandeur et le dit dans l’historique', async () => {
      const row = await newCase({});
      await t.ctx.db
        .insertInto('inbound_messages')
        .values({
          id: 'entrant-1',
          organisation_id: organisationId,
          mailbox_id: 'boite-41',
          uid_validity: '1',
          uid: 1,
          message_id: '<question-1@example.test>',
          from_address: 'usager@example.test',
          subject: 'Permis de construire',
          received_at: '2026-04-02T08:00:00Z',
          outcome: 'case_created',
          reason: null,
          case_id: row.id,
          created_at: '2026-04-02T08:00:01Z',
        })
        .execute();
      await reassignCase(t.ctx, organisationId, row.id, { serviceId: ddtId, reorient: 'on' }, agent);
      const mails = await listOutgoingMailsOfCase(t.ctx.db, row.id);
      assert.equal(mails.length, 1);
      const notice = mails[0];
      assert.equal(notice?.purpose, 'reorientation');
      assert.equal(notice?.to_address, 'usager@example.test');
      assert.equal(notice?.mailbox_id, 'boite-41');
      assert.equal(notice?.in_reply_to, '<question-1@example.test>');
      assert.equal(notice?.subject, `Votre demande ${row.reference} a été transmise au service compétent`);
      assert.match(notice?.body_text ?? '', /transmise ce jour au service compétent, Direction départementale des territoires,/);
      // Demande d'information : modèle « information générale » du Loir-et-Cher, avec l'échéance.
      assert.match(notice?.body_text ?? '', /au plus tard le vendredi 10 avril 2026/);
      assert.match(notice?.body_text ?? '', /Accueil général\nPréfecture de Loir-et-Cher\npref-contact@loir-et-cher\.gouv\.fr$/);
      const events = await listCaseEvents(t.ctx.db, row.id);
      const reoriented = events.find((e) => e.type === 'reoriented');
      assert.match(
        reoriented?.summary ?? '',
        /Réorienté : Accueil général → Direction départementale des territoires ; avis de réorientation envoyé au demandeur/,
      );
    });

    it('un dossier individuel reçoit l’avis « dossier individuel » ; sans adresse, l’avis n’est pas envoyé', async () => {
      const complaint = await newCase({ kind: 'complaint' });
      await reassignCase(t.ctx, organisationId, complaint.id, { serviceId: ddtId, reorient: 'on' }, agent);
      const [notice] = await listOutgoingMailsOfCase(t.ctx.db, complaint.id);
      assert.match(notice?.body_text ?? '', /qui vous apportera directement une réponse/);
      // Pas de message relevé ni d'accusé : pas d'en-tête de fil.
      assert.equal(notice?.in_reply_to, null);

      const anonymous = await newCase({ requesterEmail: undefined });
      await reassignCase(t.ctx, organisationId, anonymous.id, { serviceId: ddtId, reorient: 'on' }, agent);
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, anonymous.id)).length, 0);
      const events = await listCaseEvents(t.ctx.db, anonymous.id);
      assert.match(
        events.find((e) => e.type === 'reoriented')?.summary ?? '',
        /pas d’adresse électronique : avis de réorientation non envoyé/,
      );

      // Une simple réaffectation (sans réorientation) n'écrit pas au demandeur.
      const moved = await newCase({});
      await reassignCase(t.ctx, organisationId, moved.id, { serviceId: ddtId }, agent);
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, moved.id)).length, 0);
    });

    it('répondre par courriel : dossier répondu, délai calculé, courriel en file dans le fil de l’accusé', async () => {
      const row = await newCase({ requesterName: 'Alex Petit' });
      const caseRow = await findCase(t.ctx.db, organisationId, row.id);
      assert.ok(caseRow);
      await t.ctx.db
        .transaction()
        .execute((trx) => queueAcknowledgment(trx, t.ctx, { caseRow, mailbox: null, inReplyTo: '<demande@example.test>' }));
      const [ack] = await listOutgoingMailsOfCase(t.ctx.db, row.id);
      assert.ok(ack);
      // Mercredi 8 avril, 12 h à Blois : 3 jours ouvrés après le 2 (lundi de Pâques exclu).
      t.clock.set('2026-04-08T10:00:00.000Z');
      const input = {
        subject: 'Votre demande – dossier {{dossier.reference}}',
        body: 'Bonjour {{demandeur.nom}},\r\n\r\nLa demande se fait en mairie.\r\n\r\nCordialement.',
        signatureForm: 'individual',
      };
      const preview = await previewAnswerEmail(t.ctx, organisationId, row.id, input, agent);
      const result = await sendAnswerByEmail(t.ctx, organisationId, row.id, input, agent);
      assert.equal(result.delay, 3);
      assert.equal(result.answeredLocalDate, '2026-04-08');
      const answered = await findCase(t.ctx.db, organisationId, row.id);
      assert.equal(answered?.status, 'answered');
      assert.equal(answered?.answer_channel, 'email');
      assert.equal(answered?.answer_delay, 3);
      assert.equal(answered?.answered_local_date, '2026-04-08');
      const mail = (await listOutgoingMailsOfCase(t.ctx.db, row.id)).find((m) => m.purpose === 'answer');
      assert.ok(mail);
      assert.equal(mail.id, result.outgoingMailId);
      assert.equal(mail.subject, `Votre demande – dossier ${row.reference}`);
      assert.equal(mail.in_reply_to, ack.message_id);
      assert.equal(mail.references_header, `<demande@example.test> ${ack.message_id}`);
      assert.equal(mail.created_by_user_id, agent.userId);
      // La signature individuelle (nom, fonction) est ajoutée puisque le texte ne l'appelait pas.
      assert.equal(
        mail.body_text,
        'Bonjour Alex Petit,\n\nLa demande se fait en mairie.\n\nCordialement.\n\nDominique Durand\nChargée d’accueil\nAccueil général\nPréfecture de Loir-et-Cher\npref-contact@loir-et-cher.gouv.fr',
      );
      assert.equal(answered?.answer_text, mail.body_text);
      // L'aperçu montrait exactement ce qui est parti.
      assert.equal(preview.bodyText, mail.body_text);
      assert.equal(preview.subject, mail.subject);
      const events = await listCaseEvents(t.ctx.db, row.id);
      assert.ok(
        events.some(
          (e) => e.type === 'answered' && /Réponse par courriel le 2026-04-08 \(délai : 3 jours ouvrés\)/.test(e.summary),
        ),
      );
      assert.ok(events.some((e) => e.type === 'answer_email_queued'));
      // Double clic : le même envoi est refusé, rien de plus en file.
      await assert.rejects(sendAnswerByEmail(t.ctx, organisationId, row.id, input, agent), rejectsWith('duplicate_answer'));
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, row.id)).filter((m) => m.purpose === 'answer').length, 1);
      t.clock.set('2026-04-02T08:30:00.000Z');
    });

    it('refuse une variable inconnue, un passage à compléter, un dossier sans adresse', async () => {
      const row = await newCase({});
      await assert.rejects(
        sendAnswerByEmail(
          t.ctx,
          organisationId,
          row.id,
          { subject: 'Réponse', body: 'Bonjour {{usager.nom}}', signatureForm: 'functional' },
          agent,
        ),
        rejectsWith(
          'validation_failed',
          'body',
          /Variable inconnue : \{\{usager\.nom\}\} \(variables possibles : \{\{organisation\.nom\}\}/,
        ),
      );
      await assert.rejects(
        sendAnswerByEmail(
          t.ctx,
          organisationId,
          row.id,
          { subject: 'Réponse', body: 'Bonjour,\n\n[À compléter : la réponse.]', signatureForm: 'functional' },
          agent,
        ),
        rejectsWith('validation_failed', 'body', /reste à rédiger/),
      );
      await assert.rejects(
        sendAnswerByEmail(t.ctx, organisationId, row.id, { subject: '', body: 'Bonjour', signatureForm: 'autre' }, agent),
        (error: unknown) => {
          assert.ok(error instanceof AppError);
          assert.deepEqual(Object.keys(error.fields).sort(), ['signatureForm', 'subject']);
          return true;
        },
      );
      const anonymous = await newCase({ requesterEmail: undefined });
      await assert.rejects(
        sendAnswerByEmail(
          t.ctx,
          organisationId,
          anonymous.id,
          { subject: 'Réponse', body: 'Bonjour', signatureForm: 'functional' },
          agent,
        ),
        rejectsWith('no_requester_email'),
      );
      assert.equal((await listOutgoingMailsOfCase(t.ctx.db, row.id)).length, 0);
      assert.equal((await findCase(t.ctx.db, organisationId, row.id))?.status, 'received');
      // Un dossier d'une autre organisation est introuvable.
      const other = await createOrganisation(t.ctx, { slug: 'cher', name: 'Préfecture du Cher', department: '18' }, CLI_ACTOR);
      await assert.rejects(
        sendAnswerByEmail(t.ctx, other.id, row.id, { subject: 'Réponse', body: 'Bonjour', signatureForm: 'functional' }, agent),
        rejectsWith('not_found'),
      );
    });
  });
}
