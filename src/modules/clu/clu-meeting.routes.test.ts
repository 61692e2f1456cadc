import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { insertMailbox } from '../mail/mailbox.repository.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { standardAgenda } from './clu-agenda.ts';
import { NO_MEMBER_TO_INVITE, NO_SENDING_MAILBOX_FOR_INVITATIONS } from './clu-invitation.service.ts';
import { meetingDetail } from './clu-meeting.service.ts';
import { createMember, createMemberOrganisation } from './clu-member.service.ts';

const PASSWORD = 'Moulins-Allier 03000';

/** Champs du formulaire d'une réunion, ordre du jour des seeds compris. */
function meetingForm(csrf: string, overrides: Record<string, string> = {}): Record<string, string> {
  const form: Record<string, string> = {
    _csrf: csrf,
    date: '2026-06-30',
    time: '10:30',
    durationMinutes: '120',
    place: 'Salle des fêtes de la préfecture, Moulins',
    chair: 'M. Alexandre SANZ, secrétaire général',
    periodFrom: '2025-01-01',
    periodTo: '2025-12-31',
  };
  const agenda = standardAgenda();
  form.agendaCount = String(agenda.length + 1);
  agenda.forEach((item, i) => {
    form[`agendaKey_${i}`] = item.key;
    form[`agendaTitle_${i}`] = item.title;
    form[`agendaPosition_${i}`] = String(i + 1);
  });
  form[`agendaTitle_${agenda.length}`] = '';
  return { ...form, ...overrides };
}

for (const engine of testEngines()) {
  describe(`réunions du CLU (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let otherId: string;
    let admin: TestBrowser;
    let firstMeetingId: string;
    let secondMeetingId: string;
    before(async () => {
      t = await createTestContext(engine);
      t.clock.set('2026-04-02T08:30:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      otherId = (await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR))
        .id;
      for (const [email, role, org] of [
        ['referent@03.test', 'admin', organisationId],
        ['agent@03.test', 'agent', organisationId],
        ['membre@03.test', 'clu_member', organisationId],
        ['auditeur@03.test', 'auditor', organisationId],
        ['referent@15.test', 'admin', otherId],
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

    it('pré-remplit une nouvelle réunion : ordre du jour des seeds, année civile écoulée', async () => {
      const page = await admin.get('/clu/reunions/nouvelle');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="periodFrom" value="2025-01-01"/);
      assert.match(page.body, /name="periodTo" value="2025-12-31"/);
      for (const item of standardAgenda()) assert.ok(page.body.includes(`value="${item.key}"`), item.key);
      const list = await admin.get('/clu/reunions');
      assert.match(list.body, /Aucune réunion à venir/);
    });

    it('refuse une réunion sans date, une période à l’envers, un ordre du jour vide (saisie gardée)', async () => {
      const csrf = await admin.csrfFrom('/clu/reunions/nouvelle');
      const noDate = await admin.post('/clu/reunions', meetingForm(csrf, { date: '', place: 'Sous-préfecture de Vichy' }));
      assert.equal(noDate.statusCode, 400);
      assert.match(noDate.body, /Date de la réunion : champ obligatoire/);
      assert.match(noDate.body, /value="Sous-préfecture de Vichy"/);
      const reversed = await admin.post('/clu/reunions', meetingForm(csrf, { periodFrom: '2025-12-31', periodTo: '2025-01-01' }));
      assert.equal(reversed.statusCode, 400);
      assert.match(reversed.body, /Fin de la période couverte : elle ne peut pas précéder le début/);
      const remove: Record<string, string> = {};
      standardAgenda().forEach((_, i) => {
        remove[`agendaRemove_${i}`] = 'on';
      });
      const empty = await admin.post('/clu/reunions', meetingForm(csrf, remove));
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Ordre du jour : gardez ou ajoutez au moins un point/);
      const badTime = await admin.post('/clu/reunions', meetingForm(csrf, { time: '25:00', durationMinutes: 'deux heures' }));
      assert.equal(badTime.statusCode, 400);
      assert.match(badTime.body, /Heure de début : indiquez HH:MM/);
      assert.match(badTime.body, /Durée/);
    });

    it('crée la réunion puis modifie son ordre du jour (renommer, déplacer, ajouter, retirer)', async () => {
      const csrf = await admin.csrfFrom('/clu/reunions/nouvelle');
      const created = await admin.post('/clu/reunions', meetingForm(csrf, { date: '2025-03-10' }));
      assert.equal(created.statusCode, 303);
      firstMeetingId = String(created.headers.location).split('/').pop() ?? '';
      const page = await admin.get(`/clu/reunions/${firstMeetingId}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Comité local des usagers du 10 mars 2025/);
      for (const section of [
        'Informations',
        'Ordre du jour',
        'Invitations et présences',
        'Modèles soumis pour avis',
        'Propositions',
      ]) {
        assert.ok(page.body.includes(`>${section}</h2>`), section);
      }
      assert.match(page.body, new RegExp(`href="/clu/reunions/${firstMeetingId}/support"`));
      assert.match(page.body, new RegExp(`href="/clu/reunions/${firstMeetingId}/compte-rendu"`));

      const edit = meetingForm(csrf, {
        date: '2025-03-10',
        agendaTitle_0: 'Rôle et composition du comité, démarche qualité',
        agendaPosition_0: '3',
        agendaRemove_2: 'on',
        agendaTitle_9: 'Présentation du plan de communication',
        agendaPosition_9: '20',
      });
      edit.agendaCount = '10';
      assert.equal((await admin.post(`/clu/reunions/${firstMeetingId}`, edit)).statusCode, 303);
      const detail = await meetingDetail(t.ctx, organisationId, firstMeetingId);
      assert.deepEqual(
        detail.agenda.map((a) => a.key),
        [
          'surveys',
          'demarche',
          'indicators',
          'complaints',
          'templates',
          'action_plan',
          'proposals_follow_up',
          'questions',
          'custom-1',
        ],
      );
      assert.equal(detail.agenda[1]?.title, 'Rôle et composition du comité, démarche qualité');
      assert.equal(detail.agenda[8]?.title, 'Présentation du plan de communication');
    });

    it('sans membre, l’invitation explique quoi faire ; sans boîte d’expédition, une erreur claire', async () => {
      const page = await admin.get(`/clu/reunions/${firstMeetingId}`);
      assert.match(page.body, /Aucun membre à inviter : ajoutez des membres du comité/);
      const csrf = await admin.csrfFrom(`/clu/reunions/${firstMeetingId}`);
      const none = await admin.post(`/clu/reunions/${firstMeetingId}/invitations`, { _csrf: csrf });
      assert.equal(none.statusCode, 400);
      assert.ok(none.body.includes(NO_MEMBER_TO_INVITE));

      const udaf = await createMemberOrganisation(
        t.ctx,
        organisationId,
        { name: 'UDAF de l’Allier', category: 'users_association', postalAddress: '4 rue de Paris\n03000 Moulins' },
        CLI_ACTOR,
      );
      const cci = await createMemberOrganisation(
        t.ctx,
        organisationId,
        { name: 'CCI de l’Allier', category: 'consular_chamber' },
        CLI_ACTOR,
      );
      const devaux = await createMember(
        t.ctx,
        organisationId,
        {
          memberOrganisationId: udaf,
          civility: 'Mme',
          firstName: 'Christine',
          lastName: 'Devaux',
          email: 'c.devaux@udaf.example',
        },
        CLI_ACTOR,
      );
      const charmant = await createMember(
        t.ctx,
        organisationId,
        { memberOrganisationId: cci, civility: 'Mme', firstName: 'Annie', lastName: 'Charmant' },
        CLI_ACTOR,
      );
      const noMailbox = await admin.post(`/clu/reunions/${firstMeetingId}/invitations`, {
        _csrf: csrf,
        memberIds: [devaux, charmant],
      });
      assert.equal(noMailbox.statusCode, 400);
      assert.ok(noMailbox.body.includes(NO_SENDING_MAILBOX_FOR_INVITATIONS.slice(0, 60)));
      const nobody = await admin.post(`/clu/reunions/${firstMeetingId}/invitations`, { _csrf: csrf });
      assert.equal(nobody.statusCode, 400);
      assert.match(nobody.body, /cochez au moins un membre/);
    });

    it('invite par courriel (file d’envoi, .ics) et par courrier (page imprimable), sans doublon au second envoi', async () => {
      const service = await addService(t.ctx, organisationId, { name: 'Mission performance' }, CLI_ACTOR);
      const now = t.clock.now().toISOString();
      await insertMailbox(t.ctx.db, {
        id: 'boite-qualite',
        organisation_id: organisationId,
        service_id: service.id,
        label: 'Qualité',
        address: 'pref-qualite@allier.example',
        display_name: 'Préfecture de l’Allier',
        smtp_host: '127.0.0.1',
        smtp_port: 2525,
        smtp_tls: 0,
        imap_tls: 0,
        imap_folder: 'INBOX',
        poll_interval_seconds: 60,
        intake_enabled: 0,
        last_uid: 0,
        created_at: now,
        updated_at: now,
      });
      const page = await admin.get(`/clu/reunions/${firstMeetingId}`);
      assert.match(page.body, /Qualité &lt;pref-qualite@allier.example&gt;/);
      const ids = [...page.body.matchAll(/name="memberIds" value="([^"]+)" checked/g)].map((m) => m[1] ?? '');
      assert.equal(ids.length, 2, 'tous les membres actifs cochés par défaut');
      const csrf = await admin.csrfFrom(`/clu/reunions/${firstMeetingId}`);
      const sent = await admin.post(`/clu/reunions/${firstMeetingId}/invitations`, {
        _csrf: csrf,
        memberIds: ids,
        mailboxId: 'boite-qualite',
      });
      assert.equal(sent.statusCode, 303);
      const again = await admin.post(`/clu/reunions/${firstMeetingId}/invitations`, {
        _csrf: csrf,
        memberIds: ids,
        mailboxId: 'boite-qualite',
      });
      assert.equal(again.statusCode, 303);
      const mails = await t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .execute();
      assert.equal(mails.length, 1, 'un seul courriel malgré deux envois');
      const mail = mails[0];
      assert.ok(mail);
      assert.equal(mail.to_address, 'c.devaux@udaf.example');
      assert.equal(mail.mailbox_id, 'boite-qualite');
      assert.match(mail.subject, /Comité local des usagers — Préfecture de l’Allier, 10 mars 2025/);
      assert.match(mail.body_text, /^Madame,/);
      const attachments = JSON.parse(mail.attachments_json ?? '[]') as { contentType: string; contentBase64: string }[];
      assert.equal(attachments[0]?.contentType, 'text/calendar; charset=utf-8; method=REQUEST');
      const ics = Buffer.from(attachments[0]?.contentBase64 ?? '', 'base64').toString('utf8');
      assert.match(ics, /DTSTART:20250310T093000Z/);
      const detail = await meetingDetail(t.ctx, organisationId, firstMeetingId);
      assert.deepEqual(
        detail.attendees.map((a) => [a.name, a.channel, a.status]),
        [
          ['Mme Annie CHARMANT', 'post', 'invited'],
          ['Mme Christine DEVAUX', 'email', 'invited'],
        ],
      );
      assert.ok(detail.invitationsSentAt);
      const post = await admin.get(`/clu/reunions/${firstMeetingId}/invitations-courrier`);
      assert.equal(post.statusCode, 200);
      assert.match(post.body, /Mme Annie CHARMANT/);
      assert.match(post.body, /Adresse postale inconnue/);
      assert.doesNotMatch(post.body, /DEVAUX/);
      // La réunion déplacée : une invitation mise à jour part (même UID, SEQUENCE suivante).
      const moved = meetingForm(csrf, { date: '2025-03-10', time: '14:00' });
      assert.equal((await admin.post(`/clu/reunions/${firstMeetingId}`, moved)).statusCode, 303);
      assert.equal(
        (await admin.post(`/clu/reunions/${firstMeetingId}/invitations`, { _csrf: csrf, memberIds: ids })).statusCode,
        303,
      );
      const updated = await t.ctx.db
        .selectFrom('outgoing_mails')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .orderBy('created_at')
        .execute();
      assert.equal(updated.length, 2);
      const second = Buffer.from(
        (JSON.parse(updated[1]?.attachments_json ?? '[]') as { contentBase64: string }[])[0]?.contentBase64 ?? '',
        'base64',
      ).toString('utf8');
      assert.match(second, /DTSTART:20250310T130000Z/);
      assert.match(second, /SEQUENCE:1/);
      assert.equal(second.match(/UID:[^\r]+/)?.[0], ics.match(/UID:[^\r]+/)?.[0]);
    });

    it('relève les présences en un formulaire ; le membre du CLU lit les noms, sans les coordonnées', async () => {
      const detail = await meetingDetail(t.ctx, organisationId, firstMeetingId);
      const [charmant, devaux] = detail.attendees;
      assert.ok(charmant && devaux);
      const csrf = await admin.csrfFrom(`/clu/reunions/${firstMeetingId}`);
      const bad = await admin.post(`/clu/reunions/${firstMeetingId}/presences`, {
        _csrf: csrf,
        [`status_${devaux.memberId}`]: 'peut-être',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /choisissez présent, excusé ou absent/);
      const ok = await admin.post(`/clu/reunions/${firstMeetingId}/presences`, {
        _csrf: csrf,
        [`status_${devaux.memberId}`]: 'present',
        [`status_${charmant.memberId}`]: 'excused',
      });
      assert.equal(ok.statusCode, 303);
      const after = await meetingDetail(t.ctx, organisationId, firstMeetingId);
      assert.deepEqual(
        after.attendees.map((a) => a.status),
        ['excused', 'present'],
      );
      const member = new TestBrowser(app);
      await member.login('membre@03.test', PASSWORD);
      const read = await member.get(`/clu/reunions/${firstMeetingId}`);
      assert.equal(read.statusCode, 200);
      assert.match(read.body, /Mme Christine DEVAUX/);
      assert.match(read.body, /UDAF de l’Allier/);
      assert.match(read.body, /Excusé/);
      assert.doesNotMatch(read.body, /c\.devaux@udaf\.example/);
      assert.doesNotMatch(read.body, /rue de Paris/);
      assert.doesNotMatch(read.body, /<form method="post" action="\/clu/);
      assert.equal((await member.get(`/clu/reunions/${firstMeetingId}/invitations-courrier`)).statusCode, 403);
      const memberCsrf = await member.csrfFrom('/clu/reunions');
      assert.equal((await member.post(`/clu/reunions/${firstMeetingId}/presences`, { _csrf: memberCsrf })).statusCode, 403);
    });

    it('soumet des modèles pour avis et enregistre l’avis du comité', async () => {
      const page = await admin.get(`/clu/reunions/${firstMeetingId}`);
      const templateIds = [...page.body.matchAll(/name="templateIds" value="([^"]+)"/g)].map((m) => m[1] ?? '');
      assert.ok(templateIds.length >= 2, 'la bibliothèque des modèles est proposée');
      const csrf = await admin.csrfFrom(`/clu/reunions/${firstMeetingId}`);
      assert.equal((await admin.post(`/clu/reunions/${firstMeetingId}/modeles`, { _csrf: csrf })).statusCode, 400);
      assert.equal(
        (await admin.post(`/clu/reunions/${firstMeetingId}/modeles`, { _csrf: csrf, templateIds: ['inconnu'] })).statusCode,
        400,
      );
      const chosen = templateIds.slice(0, 2);
      assert.equal(
        (await admin.post(`/clu/reunions/${firstMeetingId}/modeles`, { _csrf: csrf, templateIds: chosen })).statusCode,
        303,
      );
      assert.equal(
        (
          await admin.post(`/clu/reunions/${firstMeetingId}/modeles/${chosen[0]}`, {
            _csrf: csrf,
            opinion: 'Préciser le délai de réponse.',
          })
        ).statusCode,
        303,
      );
      assert.equal(
        (await admin.post(`/clu/reunions/${firstMeetingId}/modeles/${chosen[1]}/retirer`, { _csrf: csrf })).statusCode,
        303,
      );
      const detail = await meetingDetail(t.ctx, organisationId, firstMeetingId);
      assert.equal(detail.templates.length, 1);
      assert.equal(detail.templates[0]?.opinion, 'Préciser le délai de réponse.');
      assert.ok(detail.templates[0]?.name);
      assert.ok(detail.templates[0]?.purposeLabel);
    });

    it('une proposition de la réunion N apparaît, avec son suivi modifiable, sur la réunion N+1', async () => {
      const csrf = await admin.csrfFrom(`/clu/reunions/${firstMeetingId}`);
      const empty = await admin.post(`/clu/reunions/${firstMeetingId}/propositions`, { _csrf: csrf, text: '  ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Proposition : champ obligatoire/);
      const detail = await meetingDetail(t.ctx, organisationId, firstMeetingId);
      const udaf = detail.attendees.find((a) => a.organisationName === 'UDAF de l’Allier')?.memberOrganisationId ?? '';
      assert.equal(
        (
          await admin.post(`/clu/reunions/${firstMeetingId}/propositions`, {
            _csrf: csrf,
            text: 'Proposer un lieu extérieur pour le pré-accueil des usagers',
            memberOrganisationId: udaf,
            status: 'to_study',
          })
        ).statusCode,
        303,
      );
      const withProposal = await admin.get(`/clu/reunions/${firstMeetingId}`);
      assert.match(withProposal.body, /Proposer un lieu extérieur/);
      assert.match(withProposal.body, /action="\/plan-actions\/depuis-origine"/);
      assert.match(withProposal.body, /name="origin_kind" value="clu_proposal"/);
      const proposalId = (await meetingDetail(t.ctx, organisationId, firstMeetingId)).proposals[0]?.id ?? '';
      assert.ok(withProposal.body.includes(`name="origin_ref" value="${proposalId}"`));

      const created = await admin.post('/clu/reunions', meetingForm(csrf, { date: '2026-06-30' }));
      secondMeetingId = String(created.headers.location).split('/').pop() ?? '';
      const next = await admin.get(`/clu/reunions/${secondMeetingId}`);
      assert.match(next.body, /Suivi des propositions du CLU du 10 mars 2025/);
      assert.match(next.body, /Proposer un lieu extérieur/);
      const followUp = await admin.post(`/clu/propositions/${proposalId}/suivi`, {
        _csrf: csrf,
        status: 'done',
        followUp: 'Un barnum d’accueil est installé devant la préfecture depuis mai.',
      });
      assert.equal(followUp.statusCode, 303);
      assert.equal(followUp.headers.location, `/clu/reunions/${secondMeetingId}#suivi`);
      const nextDetail = await meetingDetail(t.ctx, organisationId, secondMeetingId);
      assert.equal(nextDetail.previousMeeting?.id, firstMeetingId);
      assert.equal(nextDetail.previousMeeting?.proposals[0]?.status, 'done');
      assert.equal(
        nextDetail.previousMeeting?.proposals[0]?.followUp,
        'Un barnum d’accueil est installé devant la préfecture depuis mai.',
      );
      assert.equal(nextDetail.previousMeeting?.proposals[0]?.memberOrganisation, 'UDAF de l’Allier');
      const badStatus = await admin.post(`/clu/propositions/${proposalId}/suivi`, { _csrf: csrf, status: 'peut-être' });
      assert.equal(badStatus.statusCode, 400);
      assert.match(badStatus.body, /Statut : choisissez un statut de la liste/);
      const list = await admin.get('/clu/reunions');
      assert.match(list.body, /Réunions à venir/);
      assert.ok(list.body.indexOf('30 juin 2026') < list.body.indexOf('10 mars 2025'));
    });

    it('contrôle d’accès : agent refusé (403), auditeur en lecture, autre préfecture 404', async () => {
      const agent = new TestBrowser(app);
      await agent.login('agent@03.test', PASSWORD);
      assert.equal((await agent.get('/clu/reunions')).statusCode, 403);
      assert.equal((await agent.get(`/clu/reunions/${firstMeetingId}`)).statusCode, 403);
      const auditor = new TestBrowser(app);
      await auditor.login('auditeur@03.test', PASSWORD);
      assert.equal((await auditor.get('/clu/reunions')).statusCode, 200);
      assert.equal((await auditor.get(`/clu/reunions/${secondMeetingId}`)).statusCode, 200);
      assert.equal((await auditor.get('/clu/reunions/nouvelle')).statusCode, 403);
      const stranger = new TestBrowser(app);
      await stranger.login('referent@15.test', PASSWORD);
      assert.equal((await stranger.get(`/clu/reunions/${firstMeetingId}`)).statusCode, 404);
      assert.equal((await stranger.get(`/clu/reunions/${firstMeetingId}/modifier`)).statusCode, 404);
      assert.equal((await stranger.get(`/clu/reunions/${firstMeetingId}/invitations-courrier`)).statusCode, 404);
      const csrf = await stranger.csrfFrom('/clu/reunions');
      assert.equal((await stranger.post(`/clu/reunions/${firstMeetingId}/invitations`, { _csrf: csrf })).statusCode, 404);
      const proposalId = (await meetingDetail(t.ctx, organisationId, firstMeetingId)).proposals[0]?.id ?? '';
      assert.equal(
        (await stranger.post(`/clu/propositions/${proposalId}/suivi`, { _csrf: csrf, status: 'rejected' })).statusCode,
        404,
      );
      assert.match((await stranger.get('/clu/reunions')).body, /Aucune réunion passée/);
    });
  });
}
