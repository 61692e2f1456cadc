import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { createAccount } from '../src/modules/accounts/account.service.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { addDays } from '../src/modules/calendar/civil-date.ts';
import { instantToLocalDate, instantToLocalDateTime, localDateTimeInstant } from '../src/modules/calendar/local-date.ts';
import { caseGroupsBetween } from '../src/modules/cases/case.repository.ts';
import { createCase, organisationContext, registerIndicators } from '../src/modules/cases/case.service.ts';
import { MailWorker } from '../src/modules/mail/mail-worker.ts';
import { listIntakeMailboxes, listSendingMailboxes } from '../src/modules/mail/mailbox.repository.ts';
import { createMailbox } from '../src/modules/mail/mailbox.service.ts';
import { saveSignature } from '../src/modules/mail/template.service.ts';
import { checkMysteryMailbox, runMysteryMail, scheduleCampaignEmails } from '../src/modules/mystery/mystery-mail.service.ts';
import type { MeasuredEmail } from '../src/modules/mystery/mystery-mail.ts';
import { addService, createOrganisation } from '../src/modules/organisations/organisation.service.ts';
import { FixedClock } from '../src/shared/clock.ts';
import { isAppError } from '../src/shared/errors.ts';
import { createTestContext, type TestContext, testEngines } from './helpers/context.ts';
import { TestBrowser, testApp } from './helpers/http.ts';
import { mailServerSkipReason, startTestMailServer, TEST_MAIL_PASSWORD, type TestMailServer } from './helpers/mail-server.ts';

/**
 * LE parcours de bout en bout des courriels mystère, sur un vrai serveur de courrier (Dovecot + relais
 * SMTP) : une campagne confirmée de 4 courriels mystère vers la boîte fonctionnelle de la préfecture ;
 * la file les envoie à leur heure ; la relève en fait 4 dossiers marqués mystère (invisibles de l'agent,
 * hors de DI_MAIL_5J) ; les accusés automatiques arrivent ; le service répond à l'un à temps (réponse par
 * courriel de Vigie, signée), à un autre en retard (après une relance), jamais au troisième (deux
 * relances), et au quatrième à temps mais sans signature (message SMTP brut) ; la tâche de suivi lit la
 * boîte mystère et la grille calculée est exactement celle attendue.
 */
const PASSWORD = 'Clermont-Ferrand 63000';
const BOX = 'pref-public@example.test';
const MYSTERY = 'camille.martin.63@example.test';
const CITIZEN = 'dominique.usager@example.test';
const PARIS = 'Europe/Paris';

const SCENARIOS = [
  {
    subject: 'Horaires du guichet des cartes grises',
    body: 'Bonjour,\n\nPouvez-vous m’indiquer les horaires du guichet des cartes grises ?\n\nCamille Martin',
  },
  {
    subject: 'Renouvellement de mon titre de séjour',
    body: 'Bonjour,\n\nMon titre de séjour expire le mois prochain : quelles pièces fournir ?\n\nCamille Martin',
  },
  {
    subject: 'Perte de mon permis de conduire',
    body: 'Bonjour,\n\nJ’ai perdu mon permis de conduire : que dois-je faire ?\n\nCamille Martin',
  },
  {
    subject: 'Rendez-vous pour une naturalisation',
    body: 'Bonjour,\n\nComment obtenir un rendez-vous pour déposer un dossier de naturalisation ?\n\nCamille Martin',
  },
];

for (const engine of testEngines()) {
  describe(`courriels mystère de bout en bout sur un vrai serveur (${engine})`, { skip: mailServerSkipReason() }, () => {
    let server: TestMailServer;
    let t: TestContext;
    let app: FastifyInstance;
    let worker: MailWorker;
    let organisationId: string;
    let campaignId: string;
    let mysteryMailboxId: string;
    let accueilId: string;
    const contactIds: string[] = [];
    /** Jours ouvrés de la campagne et de la suite, à partir du premier lundi ouvré dans au moins une semaine. */
    const days: string[] = [];

    const local = (date: string, time: string) => localDateTimeInstant(`${date}T${time}`, PARIS);
    const day = (n: number) => days[n - 1] ?? '';
    const casesOf = () =>
      t.ctx.db.selectFrom('cases').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').execute();
    const contacts = () =>
      t.ctx.db.selectFrom('mystery_contacts').selectAll().where('campaign_id', '=', campaignId).orderBy('rank').execute();
    async function caseOfContact(rank: number) {
      const row = (await casesOf()).find((c) => c.mystery_contact_id === contactIds[rank - 1]);
      assert.ok(row, `dossier du contact ${rank}`);
      return row;
    }
    /** Un passage du courrier (relève puis envoi), une minute plus tard : la boîte est due à chaque fois. */
    async function tick() {
      t.clock.advance(60_000);
      return worker.tick();
    }

    before(async () => {
      server = await startTestMailServer();
      // L'horloge part d'au moins une semaine après l'heure réelle : les dates internes du serveur IMAP
      // (heure réelle, date de réception des dossiers) restent avant les réponses datées par l'horloge.
      const start = new Date(Date.now() + 7 * 86_400_000);
      t = await createTestContext(engine, {
        clock: new FixedClock(start),
        config: { mailSecrets: { VIGIE_MAIL_SECRET_PREF: TEST_MAIL_PASSWORD, VIGIE_MAIL_SECRET_MYSTERE: TEST_MAIL_PASSWORD } },
      });
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const { calendar } = await organisationContext(t.ctx, organisationId);
      let date = instantToLocalDate(start, PARIS);
      while (days.length < 20) {
        if (calendar.isWorkingDay(date) && (days.length > 0 || new Date(`${date}T12:00:00Z`).getUTCDay() === 1)) days.push(date);
        date = addDays(date, 1);
      }
      t.clock.set(local(day(1), '08:00'));
      accueilId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      await saveSignature(
        t.ctx,
        organisationId,
        accueilId,
        {
          serviceLabel: 'Bureau relation aux usagers\nPôle logistique, courrier, accueil',
          postalAddress: '18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1',
          phone: '04 73 98 63 63',
          website: 'www.puy-de-dome.gouv.fr',
        },
        CLI_ACTOR,
      );
      await createAccount(
        t.ctx,
        { email: 'agent@63.test', role: 'agent', organisationId, password: PASSWORD, serviceIds: [accueilId] },
        CLI_ACTOR,
      );
      await createAccount(t.ctx, { email: 'referent@63.test', role: 'admin', organisationId, password: PASSWORD }, CLI_ACTOR);
      const box = (address: string, secret: string) => ({
        serviceId: accueilId,
        label: address === BOX ? 'Accueil général' : 'Enquêtes mystère',
        address,
        displayName: address === BOX ? 'Préfecture du Puy-de-Dôme' : 'Camille Martin',
        imapHost: server.host,
        imapPort: String(server.imapPort),
        imapUser: address,
        imapSecretEnv: secret,
        intakeEnabled: 'on',
        pollIntervalSeconds: '30',
        smtpHost: server.host,
        smtpPort: String(server.smtpPort),
        smtpUser: address,
        smtpSecretEnv: secret,
      });
      await createMailbox(t.ctx, organisationId, box(BOX, 'VIGIE_MAIL_SECRET_PREF'), CLI_ACTOR);
      mysteryMailboxId = (
        await createMailbox(t.ctx, organisationId, { ...box(MYSTERY, 'VIGIE_MAIL_SECRET_MYSTERE'), kind: 'mystery' }, CLI_ACTOR)
      ).id;
      app = await testApp(t.ctx);
      worker = new MailWorker(t.ctx);
    });
    after(async () => {
      await worker?.stop();
      await app?.close();
      await t?.close();
      await server?.stop();
    });

    it('la boîte mystère n’est ni relevée en dossiers ni boîte d’expédition par défaut ; injoignable, elle est refusée en français', async () => {
      assert.deepEqual(
        (await listIntakeMailboxes(t.ctx.db)).map((m) => m.address),
        [BOX],
      );
      assert.deepEqual(
        (await listSendingMailboxes(t.ctx.db, organisationId)).map((m) => m.address),
        [BOX],
      );
      await checkMysteryMailbox(t.ctx, organisationId, mysteryMailboxId);
      await server.stopSmtp();
      await assert.rejects(checkMysteryMailbox(t.ctx, organisationId, mysteryMailboxId), (error) => {
        assert.ok(isAppError(error));
        assert.equal(error.code, 'mystery_mailbox_unreachable');
        assert.match(Object.values(error.fields).join(' '), /ne peut pas être jointe.*Relais SMTP injoignable/);
        return true;
      });
      await server.startSmtp();
    });

    it('campagne confirmée : 4 courriels en file, chacun à son heure dans sa demi-journée, depuis la boîte mystère', async () => {
      const now = t.clock.now().toISOString();
      campaignId = 'campagne-mystere-1';
      await t.ctx.db
        .insertInto('mystery_campaigns')
        .values({
          id: campaignId,
          organisation_id: organisationId,
          name: 'Courriels mystère — décembre',
          channels: 'email',
          window_from: day(1),
          window_to: day(2),
          status: 'confirmed',
          mystery_mailbox_id: mysteryMailboxId,
          findings_json: null,
          confirmed_at: now,
          confirmed_by_name: 'Référent',
          closed_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await t.ctx.db
        .insertInto('mystery_targets')
        .values({
          id: 'cible-1',
          campaign_id: campaignId,
          channel: 'email',
          label: 'Accueil général',
          service_id: null,
          address: BOX,
        })
        .execute();
      await t.ctx.db
        .insertInto('mystery_evaluators')
        .values({
          id: 'enqueteur-1',
          campaign_id: campaignId,
          label: 'Bénévole du Cantal',
          user_id: null,
          service_ids_json: '[]',
          external: 1,
          access_token_hash: null,
        })
        .execute();
      for (const [index, scenario] of SCENARIOS.entries()) {
        const rank = index + 1;
        await t.ctx.db
          .insertInto('mystery_scenarios')
          .values({
            id: `scenario-${rank}`,
            organisation_id: organisationId,
            channel: 'email',
            label: scenario.subject,
            subject: scenario.subject,
            body: scenario.body,
            service_id: null,
            archived_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        const id = `contact-${rank}`;
        contactIds.push(id);
        await t.ctx.db
          .insertInto('mystery_contacts')
          .values({
            id,
            campaign_id: campaignId,
            rank,
            channel: 'email',
            date: rank <= 2 ? day(1) : day(2),
            half_day: rank % 2 === 1 ? 'am' : 'pm',
            target_id: 'cible-1',
            evaluator_id: 'enqueteur-1',
            scenario_id: `scenario-${rank}`,
            status: 'planned',
            scheduled_at: null,
            outgoing_mail_id: null,
            sent_message_id: null,
            sent_at: null,
            answers_json: null,
            measured_json: null,
            notes: null,
            completed_at: null,
            completed_by_name: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const result = await t.ctx.db.transaction().execute((trx) => scheduleCampaignEmails(trx, t.ctx, campaignId));
      assert.equal(result.scheduled, 4);
      // Une seconde confirmation (rejeu) ne remet rien en file.
      assert.equal((await t.ctx.db.transaction().execute((trx) => scheduleCampaignEmails(trx, t.ctx, campaignId))).scheduled, 0);
      for (const c of await contacts()) {
        assert.ok(c.scheduled_at && c.outgoing_mail_id && c.sent_message_id);
        const at = instantToLocalDateTime(new Date(c.scheduled_at), PARIS);
        assert.equal(at.slice(0, 10), c.date);
        const [from, to] = c.half_day === 'am' ? ['09:00', '11:30'] : ['14:00', '16:30'];
        assert.ok(at.slice(11) >= from && at.slice(11) <= to, `contact ${c.rank} à ${at}`);
        const mail = await t.ctx.db
          .selectFrom('outgoing_mails')
          .selectAll()
          .where('id', '=', c.outgoing_mail_id)
          .executeTakeFirstOrThrow();
        assert.equal(mail.next_attempt_at, c.scheduled_at);
        assert.equal(mail.mailbox_id, mysteryMailboxId);
        assert.equal(mail.to_address, BOX);
        assert.equal(mail.message_id, c.sent_message_id);
        assert.equal(mail.subject, SCENARIOS[c.rank - 1]?.subject);
      }
      // 8 h : rien n'est encore dû.
      assert.equal((await tick()).outbox?.sent, 0);
    });

    it('la file les envoie à leur heure ; la relève en fait 4 dossiers mystère, et l’accusé automatique part', async () => {
      for (const c of await contacts()) {
        t.clock.set(new Date(Date.parse(c.scheduled_at ?? '') - 120_000));
        assert.equal((await tick()).outbox?.sent, 0, `contact ${c.rank} : pas avant son heure`);
        t.clock.set(new Date(Date.parse(c.scheduled_at ?? '')));
        assert.equal((await tick()).outbox?.sent, 1, `contact ${c.rank} parti à son heure`);
        const received = await tick();
        assert.equal(received.polled[0]?.report.created, 1, `contact ${c.rank} : dossier créé`);
        assert.equal(received.outbox?.sent, 1, `contact ${c.rank} : accusé envoyé`);
      }
      const rows = await casesOf();
      assert.equal(rows.length, 4);
      assert.deepEqual(
        rows.map((r) => r.mystery_contact_id),
        contactIds,
      );
      assert.ok(rows.every((r) => r.requester_email === MYSTERY && r.status === 'acknowledged'));
      const inbox = await server.messages(MYSTERY);
      assert.equal(inbox.length, 4, '4 accusés dans la boîte mystère');
    });

    it('rien de visible pour l’agent (file, fiche) ; le référent voit la marque « Enquête mystère »', async () => {
      const agent = new TestBrowser(app);
      await agent.login('agent@63.test', PASSWORD);
      const referent = new TestBrowser(app);
      await referent.login('referent@63.test', PASSWORD);
      const first = await caseOfContact(1);
      const queue = await agent.get('/registre');
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, new RegExp(first.reference));
      assert.doesNotMatch(queue.body, /mystère/i);
      const page = await agent.get(`/registre/${first.id}`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /mystère/i);
      assert.match((await referent.get('/registre')).body, /Enquête mystère/);
      assert.match((await referent.get(`/registre/${first.id}`)).body, /Enquête mystère/);
      // La boîte mystère n'est connue que du référent.
      assert.equal((await agent.get(`/courrier/boites/${mysteryMailboxId}`)).statusCode, 403);
      assert.match((await referent.get('/courrier/boites')).body, /Enquêtes mystère/);
    });

    it('la tâche de suivi lit la boîte mystère : contacts partis, 4 accusés rattachés', async () => {
      t.clock.set(local(day(2), '17:30'));
      const [report] = await runMysteryMail(t.ctx);
      assert.equal(report?.error, undefined);
      assert.equal(report?.sent, 4);
      assert.equal(report?.read, 4);
      assert.equal(report?.matched, 4);
      const messages = await t.ctx.db.selectFrom('mystery_messages').selectAll().where('campaign_id', '=', campaignId).execute();
      assert.equal(messages.filter((m) => m.direction === 'in' && m.kind === 'acknowledgment').length, 4);
      for (const c of await contacts()) {
        assert.equal(c.status, 'sent');
        const measured = JSON.parse(c.measured_json ?? '{}') as MeasuredEmail;
        assert.ok(measured.acknowledgment && measured.acknowledgment.minutes >= 0 && measured.acknowledgment.minutes <= 3);
        assert.deepEqual(JSON.parse(c.answers_json ?? '{}').acknowledgment, 'yes');
      }
      // Idempotent : un second passage ne relit rien.
      assert.equal((await runMysteryMail(t.ctx))[0]?.read, 0);
    });

    let normalCaseId: string;

    it('le service répond : à temps et signé par Vigie (1), à temps sans signature par un message SMTP brut (4)', async () => {
      // Un usager ordinaire écrit aussi (saisi à la date de l'horloge) : son dossier compte dans les indicateurs.
      t.clock.set(local(day(3), '10:00'));
      await createCase(
        t.ctx,
        organisationId,
        {
          kind: 'information_request',
          channel: 'email',
          audience: 'public',
          serviceId: accueilId,
          receivedAt: t.clock.now().toISOString(),
          requesterName: 'Dominique Usager',
          requesterEmail: CITIZEN,
          subject: 'Horaires de la préfecture',
          body: 'Bonjour, quels sont vos horaires ?',
        },
        CLI_ACTOR,
      );
      const normal = (await casesOf()).find((c) => c.requester_email === CITIZEN);
      assert.ok(normal);
      assert.equal(normal.mystery_contact_id, null);
      normalCaseId = normal.id;
      const agent = new TestBrowser(app);
      await agent.login('agent@63.test', PASSWORD);
      for (const [caseId, subject] of [
        [(await caseOfContact(1)).id, `RE: ${SCENARIOS[0]?.subject}`],
        [normalCaseId, 'Horaires de la préfecture'],
      ] as const) {
        const csrf = await agent.csrfFrom(`/registre/${caseId}/courriel`);
        const sent = await agent.post(`/registre/${caseId}/courriel`, {
          _csrf: csrf,
          subject,
          body: 'Madame, Monsieur,\n\nLe guichet est ouvert du lundi au vendredi de 8 h 30 à 12 h ; prenez rendez-vous sur https://www.puy-de-dome.gouv.fr/rendez-vous.\n\nCordialement,',
          signatureForm: 'functional',
          action: 'send',
        });
        assert.equal(sent.statusCode, 303);
      }
      assert.equal((await tick()).outbox?.sent, 2, 'les deux réponses');
      // Réponse « à la main » depuis la messagerie du service : pas de fil, pas de signature.
      t.clock.set(local(day(3), '11:00'));
      const relay = nodemailer.createTransport({ host: server.host, port: server.smtpPort, secure: false, ignoreTLS: true });
      await relay.sendMail({
        envelope: { from: BOX, to: [MYSTERY] },
        raw: [
          `From: Accueil <${BOX}>`,
          `To: ${MYSTERY}`,
          `Subject: RE: ${SCENARIOS[3]?.subject}`,
          'Message-ID: <reponse-brute-4@example.test>',
          `Date: ${t.clock.now().toUTCString()}`,
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Bonjour,',
          '',
          'Les rendez-vous de naturalisation se prennent uniquement en ligne, sur la plateforme du ministère : https://administration-etrangers-en-france.interieur.gouv.fr/.',
          '',
          'Cordialement.',
          '',
        ].join('\r\n'),
      });
      relay.close();
      t.clock.set(local(day(3), '12:00'));
      const [report] = await runMysteryMail(t.ctx);
      assert.equal(report?.read, 2);
      assert.equal(report?.matched, 2);
      const byRank = await contacts();
      assert.equal(JSON.parse(byRank[0]?.answers_json ?? '{}').answer_in_time, 'yes');
      assert.equal(JSON.parse(byRank[3]?.answers_json ?? '{}').answer_in_time, 'yes');
      assert.equal(JSON.parse(byRank[3]?.answers_json ?? '{}').complete_signature, 'no');
      // Rien encore pour 2 et 3 : le délai court.
      assert.equal(JSON.parse(byRank[1]?.answers_json ?? '{}').answer_in_time, undefined);
    });

    it('relances après 5 jours ouvrés, dans le fil du dossier (aucun nouveau dossier) ; réponse tardive au 2', async () => {
      // Contact 2 (envoyé le jour 1) : son 5e jour ouvré est le jour 6 ; contact 3 (jour 2) : le jour 7.
      t.clock.set(local(day(6), '10:00'));
      assert.equal((await runMysteryMail(t.ctx))[0]?.reminders, 0);
      t.clock.set(local(day(7), '10:00'));
      assert.equal((await runMysteryMail(t.ctx))[0]?.reminders, 1);
      await tick(); // la relance part
      await tick(); // la relève la rattache au dossier du contact 2
      assert.equal((await casesOf()).length, 5);
      const second = await caseOfContact(2);
      const events = await t.ctx.db.selectFrom('case_events').select('type').where('case_id', '=', second.id).execute();
      assert.ok(
        events.some((e) => e.type === 'requester_reply'),
        'relance rattachée au dossier',
      );
      const agent = new TestBrowser(app);
      await agent.login('agent@63.test', PASSWORD);
      const csrf = await agent.csrfFrom(`/registre/${second.id}/courriel`);
      const sent = await agent.post(`/registre/${second.id}/courriel`, {
        _csrf: csrf,
        subject: `RE: ${SCENARIOS[1]?.subject}`,
        body: 'Madame, Monsieur,\n\nLa liste des pièces est publiée sur notre site.\n\nCordialement,',
        signatureForm: 'individual',
        action: 'send',
      });
      assert.equal(sent.statusCode, 303);
      await tick();
      t.clock.set(local(day(8), '10:00'));
      const [report] = await runMysteryMail(t.ctx);
      assert.equal(report?.reminders, 1, 'première relance du contact 3');
      await tick();
      await tick();
      // Seconde relance du 3 cinq jours ouvrés plus tard ; jamais de troisième.
      t.clock.set(local(day(13), '10:00'));
      assert.equal((await runMysteryMail(t.ctx))[0]?.reminders, 0);
      t.clock.set(local(day(14), '10:00'));
      assert.equal((await runMysteryMail(t.ctx))[0]?.reminders, 1);
      await tick();
      await tick();
      t.clock.set(local(day(20), '10:00'));
      assert.equal((await runMysteryMail(t.ctx))[0]?.reminders, 0);
      assert.equal((await casesOf()).length, 5, 'les relances rejoignent leurs dossiers');
    });

    it('la grille calculée est exactement celle attendue', async () => {
      const rows = await contacts();
      const grid = rows.map((c) => JSON.parse(c.answers_json ?? '{}'));
      const measured = rows.map((c) => JSON.parse(c.measured_json ?? '{}') as MeasuredEmail);
      assert.deepEqual(
        grid.map((g) => g.acknowledgment),
        ['yes', 'yes', 'yes', 'yes'],
      );
      assert.deepEqual(
        grid.map((g) => g.answer_in_time),
        ['yes', 'no', 'no', 'yes'],
      );
      // Signature jugée sur la réponse : sans réponse, « na » ; le message brut n'en a aucune.
      assert.deepEqual(
        grid.map((g) => g.complete_signature),
        ['yes', 'yes', 'na', 'no'],
      );
      assert.deepEqual(
        measured.map((m) => m.reminders),
        [0, 1, 2, 0],
      );
      assert.deepEqual(
        grid.map((g) => g.reorientation_notice),
        ['na', 'na', 'na', 'na'],
      );
      assert.deepEqual(
        grid.map((g) => g.attachments_announced),
        ['na', 'na', 'na', 'na'],
      );
      // Le 2 renvoie « sur notre site » sans adresse ; les autres liens (accusés, réponses) sont complets.
      assert.deepEqual(
        grid.map((g) => g.complete_links),
        ['yes', 'no', 'yes', 'yes'],
      );
      assert.deepEqual(measured[1]?.links.incomplete, ['sur notre site']);
      assert.equal(measured[1]?.answer?.workingDays, 6);
      assert.equal(measured[1]?.answer?.inTime, false);
      assert.equal(measured[0]?.answer?.workingDays, 2);
      assert.equal(measured[2]?.answer, null);
      assert.deepEqual(measured[3]?.signature.missing, ['identity', 'postal_address', 'phone', 'website']);
      assert.deepEqual(
        measured.map((m) => m.messages),
        [2, 2, 1, 2],
      );
    });

    it('les dossiers mystère sont hors de DI_MAIL_5J et du tableau ; révélés aux agents une fois la campagne close', async () => {
      const normal = (await casesOf()).find((c) => c.id === normalCaseId);
      assert.ok(normal?.answered_local_date);
      const asOf = instantToLocalDate(t.clock.now(), PARIS);
      const all = await casesOf();
      // Les dossiers mystère (reçus à la date réelle du serveur IMAP) seraient comptés : trois ont une réponse.
      const periods = [...new Set(all.map((c) => c.received_local_date.slice(0, 7)))];
      const counted = { met: [] as string[], missed: [] as string[], pending: [] as string[] };
      for (const period of periods) {
        const indicator = (await registerIndicators(t.ctx, organisationId, period, asOf)).find((r) => r.key === 'DI_MAIL_5J');
        assert.ok(indicator);
        for (const list of ['met', 'missed', 'pending'] as const) counted[list].push(...indicator.cases[list]);
      }
      assert.deepEqual(counted, { met: [normalCaseId], missed: [], pending: [] });
      const first = all.map((c) => c.received_local_date).sort()[0] ?? asOf;
      const groups = await caseGroupsBetween(t.ctx.db, organisationId, first, asOf, asOf);
      assert.equal(
        groups.reduce((sum, g) => sum + g.answered + g.overdue + g.pending, 0),
        1,
      );
      const agent = new TestBrowser(app);
      await agent.login('agent@63.test', PASSWORD);
      assert.doesNotMatch((await agent.get('/registre')).body, /Enquête mystère/);
      await t.ctx.db
        .updateTable('mystery_campaigns')
        .set({ status: 'closed', closed_at: t.clock.now().toISOString() })
        .where('id', '=', campaignId)
        .execute();
      assert.match((await agent.get('/registre')).body, /Enquête mystère/);
      assert.match((await agent.get(`/registre/${(await caseOfContact(3)).id}`)).body, /Enquête mystère/);
      assert.doesNotMatch((await agent.get(`/registre/${normalCaseId}`)).body, /Enquête mystère/);
    });
  });
}
