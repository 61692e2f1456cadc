import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { insertMailbox } from '../mail/mailbox.repository.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { findCampaign, findCampaignByName, listContacts, listTargets, updateCampaign } from './mystery-campaign.repository.ts';
import { addReadyMadeScenarios } from './mystery-scenario.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';
// Zone A (Puy-de-Dôme) : du lundi 1er au vendredi 12 juin 2026, dix jours ouvrés hors vacances scolaires.
const WINDOW = { windowFrom: '2026-06-01', windowTo: '2026-06-12' };

for (const engine of testEngines()) {
  describe(`campagnes d’enquêtes mystère et planificateur (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let admin: TestBrowser;
    let standardId: string;
    let foreignersId: string;
    let agentUserId: string;
    let campaignId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      standardId = (await addService(t.ctx, organisationId, { name: 'Standard' }, CLI_ACTOR)).id;
      foreignersId = (
        await addService(
          t.ctx,
          organisationId,
          { name: 'Service des étrangers', mailboxAddress: 'pref-etrangers@63.test' },
          CLI_ACTOR,
        )
      ).id;
      agentUserId = (
        await createAccount(
          t.ctx,
          {
            email: 'agent@63.test',
            displayName: 'Samia Agente',
            role: 'agent',
            organisationId,
            serviceIds: [foreignersId],
            password: PASSWORD,
          },
          CLI_ACTOR,
        )
      ).userId;
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['auditeur@63.test', 'auditor', organisationId],
        ['referent@03.test', 'admin', other],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      await addReadyMadeScenarios(t.ctx, organisationId, CLI_ACTOR);
      app = await testApp(t.ctx);
      admin = new TestBrowser(app);
      await admin.login('referent@63.test', PASSWORD);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    /** Une campagne d'appels : le standard et le service des étrangers, l'agente des étrangers et un bénévole. */
    function callCampaign(overrides: Record<string, string> = {}): Record<string, string> {
      return {
        name: 'Appels mystère de juin',
        channels: 'call',
        ...WINDOW,
        target_0_kind: 'new',
        target_0_channel: 'call',
        target_0_label: 'Standard de la préfecture',
        target_0_address: '04 73 98 63 63',
        target_0_serviceId: standardId,
        target_1_kind: 'new',
        target_1_channel: 'call',
        target_1_label: 'Service des étrangers',
        target_1_address: '04 73 98 63 08',
        target_1_serviceId: foreignersId,
        evaluator_0_kind: 'agent',
        evaluator_0_userId: agentUserId,
        evaluator_0_include: 'on',
        evaluator_1_kind: 'new',
        evaluator_1_label: 'Camille Martin (préfecture de l’Allier)',
        ...overrides,
      };
    }

    /** Le plan enregistré, en lignes de formulaire, modifiables avant de le renvoyer. */
    async function planForm(id: string) {
      const contacts = await listContacts(t.ctx.db, id);
      return contacts.map((c) => ({
        kind: 'existing',
        channel: c.channel,
        date: c.date,
        halfDay: c.half_day,
        targetId: c.target_id,
        evaluatorId: c.evaluator_id ?? '',
        scenarioId: c.scenario_id ?? '',
      }));
    }
    function encode(rows: Record<string, string>[]): Record<string, string> {
      const body: Record<string, string> = {};
      rows.forEach((row, i) => {
        for (const [k, v] of Object.entries(row)) body[`contact_${i}_${k}`] = v;
      });
      return body;
    }

    it('suggère les cibles (services, boîtes fonctionnelles) et explique l’absence de boîte mystère', async () => {
      const page = await admin.get('/mystere/campagnes/nouvelle');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /value="Service des étrangers"/);
      assert.match(page.body, /value="pref-etrangers@63.test"/);
      assert.match(page.body, /Samia Agente/);
      assert.match(page.body, /services : Service des étrangers/);
      assert.match(page.body, /href="\/courrier\/boites\/nouvelle"/);
      const list = await admin.get('/mystere');
      assert.match(list.body, /Aucune campagne pour l’instant/);
      assert.match(list.body, /href="\/mystere"[^>]*>Enquêtes mystère/);
    });

    it('refuse une fenêtre sur les vacances d’hiver de la zone A, en l’expliquant, et garde la saisie', async () => {
      const csrf = await admin.csrfFrom('/mystere/campagnes/nouvelle');
      const response = await admin.post(
        '/mystere/campagnes',
        callCampaign({ _csrf: csrf, windowFrom: '2026-02-02', windowTo: '2026-02-13' }),
      );
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /recoupe les vacances scolaires : Hiver \(zone A\) du 7 février 2026 au 22 février 2026/);
      assert.match(response.body, /value="Appels mystère de juin"/);
      assert.match(response.body, /value="04 73 98 63 08"/);
      assert.equal(await findCampaignByName(t.ctx.db, organisationId, 'Appels mystère de juin'), undefined);
    });

    it('refuse une année sans données de vacances scolaires, une fin avant le début et une liste de cibles vide', async () => {
      const csrf = await admin.csrfFrom('/mystere/campagnes/nouvelle');
      const unknown = await admin.post(
        '/mystere/campagnes',
        callCampaign({ _csrf: csrf, windowFrom: '2028-10-02', windowTo: '2028-10-13' }),
      );
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /Les vacances scolaires 2028-2029 de la zone A sont absentes dans Vigie/);
      const reversed = await admin.post(
        '/mystere/campagnes',
        callCampaign({ _csrf: csrf, windowFrom: '2026-06-12', windowTo: '2026-06-01' }),
      );
      assert.equal(reversed.statusCode, 400);
      assert.match(reversed.body, /la fin après le début/);
      const noTarget = await admin.post(
        '/mystere/campagnes',
        callCampaign({ _csrf: csrf, target_0_label: '', target_1_label: '' }),
      );
      assert.equal(noTarget.statusCode, 400);
      assert.match(noTarget.body, /Cibles : retenez au moins une cible pour les appels/);
      const tooLong = await admin.post('/mystere/campagnes', callCampaign({ _csrf: csrf, windowTo: '2026-06-26' }));
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.body, /La fenêtre compte 20 jours ouvrés : la campagne doit tenir en deux semaines/);
      const noNumber = await admin.post('/mystere/campagnes', callCampaign({ _csrf: csrf, target_1_address: '' }));
      assert.equal(noNumber.statusCode, 400);
      assert.match(noNumber.body, /indiquez le numéro appelé/);
      assert.equal(await findCampaignByName(t.ctx.db, organisationId, 'Appels mystère de juin'), undefined);
    });

    it('crée la campagne, propose un plan de 20 appels qui respecte toutes les règles', async () => {
      const csrf = await admin.csrfFrom('/mystere/campagnes/nouvelle');
      const created = await admin.post('/mystere/campagnes', callCampaign({ _csrf: csrf }));
      assert.equal(created.statusCode, 303);
      const campaign = await findCampaignByName(t.ctx.db, organisationId, 'Appels mystère de juin');
      assert.ok(campaign);
      campaignId = campaign.id;
      assert.equal(campaign.status, 'draft');
      assert.equal((await listTargets(t.ctx.db, campaignId)).length, 2);
      const empty = await admin.get(`/mystere/campagnes/${campaignId}/plan`);
      assert.match(empty.body, /Aucun contact prévu/);

      const proposed = await admin.post(`/mystere/campagnes/${campaignId}/plan/proposer`, { _csrf: csrf });
      assert.equal(proposed.statusCode, 303);
      const contacts = await listContacts(t.ctx.db, campaignId);
      assert.equal(contacts.length, 20);
      assert.equal(new Set(contacts.map((c) => `${c.date}|${c.half_day}`)).size, 20);
      assert.ok(contacts.every((c) => c.status === 'planned' && c.evaluator_id && c.scenario_id));
      const page = await admin.get(`/mystere/campagnes/${campaignId}/plan`);
      assert.match(page.body, /Le plan respecte toutes les règles/);
    });

    it('vérifie un plan retouché : 12 contacts, deux dans une demi-journée, un enquêteur du service visé — enregistré tel quel', async () => {
      const csrf = await admin.csrfFrom(`/mystere/campagnes/${campaignId}/plan`);
      const rows = await planForm(campaignId);
      const foreigners = (await listTargets(t.ctx.db, campaignId)).find((x) => x.service_id === foreignersId);
      assert.ok(foreigners);
      const agentEvaluator = await t.ctx.db
        .selectFrom('mystery_evaluators')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('user_id', '=', agentUserId)
        .executeTakeFirstOrThrow();
      const kept = rows.slice(0, 12).map((r) => ({ ...r }));
      const [first, second, third] = kept;
      assert.ok(first && second && third);
      second.date = first.date;
      second.halfDay = first.halfDay;
      third.targetId = foreigners.id;
      third.evaluatorId = agentEvaluator.id;
      // La ligne 13 est retirée, une ligne nouvelle sans date est ignorée.
      const body = encode([...kept, { ...(rows[12] ?? {}), remove: 'on' }, { kind: 'new', channel: 'call', date: '' }]);
      const saved = await admin.post(`/mystere/campagnes/${campaignId}/plan`, { _csrf: csrf, ...body });
      assert.equal(saved.statusCode, 303);
      const contacts = await listContacts(t.ctx.db, campaignId);
      assert.equal(contacts.length, 12);
      assert.equal(contacts[1]?.date, first.date);
      assert.equal(contacts[2]?.evaluator_id, agentEvaluator.id);
      const page = await admin.get(`/mystere/campagnes/${campaignId}/plan`);
      assert.match(page.body, /12 appels prévus : il en faut au moins 20 sur la période/);
      assert.match(
        page.body,
        /Contact 2 \(appels, lundi 1 juin 2026 \(matin\)\) : même demi-journée que le contact 1 : un seul appel par demi-journée/,
      );
      assert.match(
        page.body,
        /Contact 3 \(appels, .*?\)\) : Samia Agente appartient au service visé \(Service des étrangers\) et serait reconnu/,
      );
      assert.match(page.body, /À corriger/);
    });

    it('refuse une ligne illisible sans rien enregistrer, en gardant la saisie', async () => {
      const csrf = await admin.csrfFrom(`/mystere/campagnes/${campaignId}/plan`);
      const rows = await planForm(campaignId);
      const broken = rows.map((r, i) => (i === 0 ? { ...r, date: '2026-06-31' } : r));
      const response = await admin.post(`/mystere/campagnes/${campaignId}/plan`, { _csrf: csrf, ...encode(broken) });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /Ligne 1 : date impossible ou mal formée/);
      assert.match(response.body, /value="2026-06-31"/);
      assert.equal((await listContacts(t.ctx.db, campaignId)).length, 12);
    });

    it('refuse de confirmer tant qu’une règle est enfreinte', async () => {
      const page = await admin.get(`/mystere/campagnes/${campaignId}/confirmer`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Le plan ne peut pas encore être confirmé/);
      const csrf = await admin.csrfFrom(`/mystere/campagnes/${campaignId}/plan`);
      const refused = await admin.post(`/mystere/campagnes/${campaignId}/confirmer`, { _csrf: csrf });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /Le plan ne peut pas être confirmé : 3 points à corriger/);
      assert.equal((await findCampaign(t.ctx.db, organisationId, campaignId))?.status, 'draft');
    });

    it('refuse de confirmer des courriels sans boîte des enquêtes mystère', async () => {
      const csrf = await admin.csrfFrom('/mystere/campagnes/nouvelle');
      const created = await admin.post(
        '/mystere/campagnes',
        callCampaign({
          _csrf: csrf,
          name: 'Courriels mystère de juin',
          channels: 'email',
          target_0_channel: 'email',
          target_0_label: 'Boîte des étrangers',
          target_0_address: 'pref-etrangers@63.test',
          target_0_serviceId: foreignersId,
          target_1_label: '',
        }),
      );
      assert.equal(created.statusCode, 303);
      const campaign = await findCampaignByName(t.ctx.db, organisationId, 'Courriels mystère de juin');
      assert.ok(campaign);
      await admin.post(`/mystere/campagnes/${campaign.id}/plan/proposer`, { _csrf: csrf });
      assert.equal((await listContacts(t.ctx.db, campaign.id)).length, 20);
      const page = await admin.get(`/mystere/campagnes/${campaign.id}/confirmer`);
      assert.match(page.body, /la campagne n’a pas de boîte des enquêtes mystère/);
      const refused = await admin.post(`/mystere/campagnes/${campaign.id}/confirmer`, { _csrf: csrf });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /choisissez la boîte des enquêtes mystère/);
      assert.equal((await findCampaign(t.ctx.db, organisationId, campaign.id))?.status, 'draft');
      const outbox = await t.ctx.db.selectFrom('outgoing_mails').select('id').execute();
      assert.equal(outbox.length, 0, 'rien n’est envoyé tant que le plan n’est pas confirmé');
    });

    it('refuse de confirmer quand la boîte des enquêtes mystère ne répond pas, et n’envoie rien', async () => {
      const campaign = await findCampaignByName(t.ctx.db, organisationId, 'Courriels mystère de juin');
      assert.ok(campaign);
      const now = t.clock.now().toISOString();
      const mailboxId = 'boite-mystere-injoignable';
      // Un port fermé de la boucle locale : la connexion est refusée tout de suite.
      await insertMailbox(t.ctx.db, {
        id: mailboxId,
        organisation_id: organisationId,
        service_id: foreignersId,
        label: 'Usagers mystère',
        address: 'usager.mystere@63.test',
        display_name: 'Marie Lefèvre',
        imap_host: '127.0.0.1',
        imap_port: 1,
        imap_tls: 0,
        imap_user: 'usager.mystere@63.test',
        imap_folder: 'INBOX',
        imap_secret_env: null,
        imap_password_encrypted: null,
        poll_interval_seconds: 300,
        smtp_host: '127.0.0.1',
        smtp_port: 1,
        smtp_tls: 0,
        smtp_user: null,
        smtp_secret_env: null,
        smtp_password_encrypted: null,
        intake_enabled: 0,
        uid_validity: null,
        last_uid: 0,
        last_polled_at: null,
        last_error: null,
        last_error_at: null,
        kind: 'mystery',
        created_at: now,
        updated_at: now,
      });
      await updateCampaign(t.ctx.db, organisationId, campaign.id, { mystery_mailbox_id: mailboxId });
      const form = await admin.get(`/mystere/campagnes/${campaign.id}/modifier`);
      assert.match(form.body, /Usagers mystère \(usager.mystere@63.test\)/);
      const csrf = await admin.csrfFrom(`/mystere/campagnes/${campaign.id}/confirmer`);
      const refused = await admin.post(`/mystere/campagnes/${campaign.id}/confirmer`, { _csrf: csrf });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /ne peut pas être jointe/);
      assert.equal((await findCampaign(t.ctx.db, organisationId, campaign.id))?.status, 'draft');
      assert.equal((await t.ctx.db.selectFrom('outgoing_mails').select('id').execute()).length, 0);
    });

    it('confirme un plan valide : statut confirmé, plan figé, puis clôture', async () => {
      const csrf = await admin.csrfFrom(`/mystere/campagnes/${campaignId}/plan`);
      await admin.post(`/mystere/campagnes/${campaignId}/plan/proposer`, { _csrf: csrf });
      const page = await admin.get(`/mystere/campagnes/${campaignId}/confirmer`);
      assert.match(page.body, /20 appels/);
      const confirmed = await admin.post(`/mystere/campagnes/${campaignId}/confirmer`, { _csrf: csrf });
      assert.equal(confirmed.statusCode, 303);
      const campaign = await findCampaign(t.ctx.db, organisationId, campaignId);
      assert.equal(campaign?.status, 'confirmed');
      assert.equal(campaign?.confirmed_at, t.clock.now().toISOString());
      assert.ok(campaign?.confirmed_by_name);
      assert.doesNotMatch(campaign.confirmed_by_name, /</);

      const readOnly = await admin.get(`/mystere/campagnes/${campaignId}/plan`);
      assert.equal(readOnly.statusCode, 200);
      assert.doesNotMatch(readOnly.body, /Enregistrer et vérifier/);
      assert.match(readOnly.body, /il ne peut plus être modifié/);
      const rows = await planForm(campaignId);
      for (const [url, body] of [
        [`/mystere/campagnes/${campaignId}/plan`, encode(rows.slice(0, 5))],
        [`/mystere/campagnes/${campaignId}/plan/proposer`, {}],
        [`/mystere/campagnes/${campaignId}/confirmer`, {}],
        [`/mystere/campagnes/${campaignId}`, callCampaign()],
      ] as const) {
        const response = await admin.post(url, { _csrf: csrf, ...body });
        assert.equal(response.statusCode, 409, url);
      }
      assert.equal((await admin.get(`/mystere/campagnes/${campaignId}/modifier`)).statusCode, 409);
      assert.equal((await listContacts(t.ctx.db, campaignId)).length, 20);

      const closed = await admin.post(`/mystere/campagnes/${campaignId}/clore`, { _csrf: csrf });
      assert.equal(closed.statusCode, 303);
      assert.equal((await findCampaign(t.ctx.db, organisationId, campaignId))?.status, 'closed');
    });

    it('réserve tout au référent : agent refusé partout, autre préfecture 404, auditeur seulement sur une campagne close', async () => {
      const draft = await findCampaignByName(t.ctx.db, organisationId, 'Courriels mystère de juin');
      assert.ok(draft);
      const agent = new TestBrowser(app);
      await agent.login('agent@63.test', PASSWORD);
      const home = await agent.get('/');
      assert.doesNotMatch(home.body, /\/mystere/);
      const agentCsrf = await agent.csrfFrom('/compte');
      for (const url of [
        '/mystere',
        '/mystere/scenarios',
        '/mystere/campagnes/nouvelle',
        `/mystere/campagnes/${draft.id}`,
        `/mystere/campagnes/${draft.id}/plan`,
        `/mystere/campagnes/${draft.id}/confirmer`,
        `/mystere/campagnes/${campaignId}`,
      ]) {
        assert.equal((await agent.get(url)).statusCode, 403, url);
      }
      for (const url of [
        `/mystere/campagnes/${draft.id}/plan/proposer`,
        `/mystere/campagnes/${draft.id}/confirmer`,
        '/mystere/campagnes',
      ]) {
        assert.equal((await agent.post(url, { _csrf: agentCsrf })).statusCode, 403, url);
      }

      const stranger = new TestBrowser(app);
      await stranger.login('referent@03.test', PASSWORD);
      const strangerCsrf = await stranger.csrfFrom('/mystere');
      for (const url of [
        `/mystere/campagnes/${draft.id}`,
        `/mystere/campagnes/${draft.id}/plan`,
        `/mystere/campagnes/${draft.id}/modifier`,
      ]) {
        assert.equal((await stranger.get(url)).statusCode, 404, url);
      }
      for (const url of [
        `/mystere/campagnes/${draft.id}/plan/proposer`,
        `/mystere/campagnes/${draft.id}/confirmer`,
        `/mystere/campagnes/${draft.id}/clore`,
      ]) {
        assert.equal((await stranger.post(url, { _csrf: strangerCsrf })).statusCode, 404, url);
      }
      assert.doesNotMatch((await stranger.get('/mystere')).body, /Courriels mystère de juin/);

      const auditor = new TestBrowser(app);
      await auditor.login('auditeur@63.test', PASSWORD);
      assert.equal((await auditor.get('/mystere')).statusCode, 403);
      assert.equal((await auditor.get(`/mystere/campagnes/${draft.id}`)).statusCode, 404);
      assert.equal((await auditor.get(`/mystere/campagnes/${draft.id}/plan`)).statusCode, 404);
      const closedPlan = await auditor.get(`/mystere/campagnes/${campaignId}/plan`);
      assert.equal(closedPlan.statusCode, 200);
      assert.doesNotMatch(closedPlan.body, /Proposer un plan/);
    });
  });
}
