import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { multipart, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { physicalReceptionScenario } from '../../../test/helpers/survey-fixtures.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createCase, themesOf } from '../cases/case.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { findAction, linksOfActions, servicesOfActions } from './action.repository.ts';

const PASSWORD = 'Clermont-Ferrand 63000';
const PDF = Buffer.from('%PDF-1.4\n% preuve\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

for (const engine of testEngines()) {
  describe(`plan d’actions : pages, droits, exports, création en un clic (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let org: string;
    let other: string;
    let accueil: string;
    let etrangers: string;
    let otherService: string;
    const browsers = new Map<string, TestBrowser>();

    async function as(email: string): Promise<TestBrowser> {
      const existing = browsers.get(email);
      if (existing) return existing;
      const browser = new TestBrowser(app);
      const response = await browser.login(email, PASSWORD);
      assert.equal(response.statusCode, 303, `connexion de ${email}`);
      browsers.set(email, browser);
      return browser;
    }

    async function actionIdOf(location: string | undefined): Promise<string> {
      const match = String(location).match(/^\/plan-actions\/([0-9a-f-]{36})/);
      assert.ok(match?.[1], `redirection inattendue : ${location}`);
      return match[1];
    }

    async function create(form: Record<string, string | string[]>) {
      const browser = await as('referent@63.test');
      const csrf = await browser.csrfFrom('/plan-actions/nouvelle');
      return browser.post('/plan-actions/nouvelle', { _csrf: csrf, ...form });
    }

    before(async () => {
      t = await createTestContext(engine);
      org = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      accueil = (await addService(t.ctx, org, { name: 'Accueil général' }, CLI_ACTOR)).id;
      etrangers = (await addService(t.ctx, org, { name: 'Service des étrangers' }, CLI_ACTOR)).id;
      other = (await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR))
        .id;
      otherService = (await addService(t.ctx, other, { name: 'Accueil' }, CLI_ACTOR)).id;
      const accounts: [string, 'admin' | 'agent' | 'auditor' | 'clu_member', string, string[]][] = [
        ['referent@63.test', 'admin', org, []],
        ['agent.accueil@63.test', 'agent', org, [accueil]],
        ['agent.etrangers@63.test', 'agent', org, [etrangers]],
        ['auditeur@63.test', 'auditor', org, []],
        ['membre@63.test', 'clu_member', org, []],
        ['referent@03.test', 'admin', other, []],
      ];
      for (const [email, role, organisationId, serviceIds] of accounts) {
        await createAccount(t.ctx, { email, role, organisationId, password: PASSWORD, serviceIds }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('plan vide : la liste le dit et propose de créer une action', async () => {
      const page = await (await as('referent@63.test')).get('/plan-actions');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Le plan d’actions est vide/);
      assert.match(page.body, /href="\/plan-actions\/nouvelle"/);
      for (const url of ['/plan-actions/statuts', '/plan-actions/origines', '/plan-actions/calendrier']) {
        const empty = await (await as('referent@63.test')).get(url);
        assert.equal(empty.statusCode, 200, url);
      }
      assert.match(
        (await (await as('referent@63.test')).get('/plan-actions/calendrier')).body,
        /Aucune échéance dans cette sélection/,
      );
      assert.match((await (await as('referent@63.test')).get('/plan-actions/origines')).body, /Aucune action réalisée du/);
    });

    it('refuse une échéance antérieure à la création, un service ou un engagement inconnus, et réaffiche la saisie', async () => {
      const past = await create({
        objective: 'Améliorer la signalétique',
        description: 'Mise à jour des panneaux <du hall>',
        dueDate: '2026-04-01',
        serviceIds: [accueil],
        originKind: 'free',
        engagements: ['6'],
      });
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /Échéance : le 1 avril 2026 précède la date de création de l’action \(2 avril 2026\)/);
      assert.match(past.body, /value="Améliorer la signalétique"/);
      assert.match(past.body, /Mise à jour des panneaux &lt;du hall&gt;<\/textarea>/);
      assert.match(past.body, new RegExp(`value="${accueil}" checked`));

      const unknown = await create({
        objective: 'Objectif',
        description: 'Action',
        dueDate: '2026-05-01',
        serviceIds: [otherService],
        originKind: 'free',
        engagements: ['22'],
      });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /Acteur\(s\) : un service choisi n’existe pas dans votre organisation/);
      assert.match(unknown.body, /l’engagement 22 n’est pas dans le périmètre/);

      const missing = await create({ objective: '', description: '', dueDate: '2026-02-30', originKind: 'free' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Objectif : champ obligatoire/);
      assert.match(missing.body, /Acteur\(s\) : choisissez au moins un service/);
      assert.match(missing.body, /Échéance : date impossible/);
      assert.equal(await t.ctx.db.selectFrom('actions').select('id').executeTakeFirst(), undefined);
    });

    let signage: string;
    let phone: string;

    it('le référent crée des actions numérotées, avec services, engagements et indicateurs', async () => {
      const first = await create({
        objective: 'Améliorer la signalétique',
        description: 'Mise à jour de la signalétique en place',
        dueDate: '2026-04-02',
        serviceIds: [accueil],
        originKind: 'audit_finding',
        originLabel: 'Audit interne : panneaux obsolètes',
        engagements: ['5', '6'],
        indicators: ['PAN_USAGERS'],
      });
      assert.equal(first.statusCode, 303);
      signage = await actionIdOf(first.headers.location);
      const second = await create({
        objective: 'Améliorer l’accueil téléphonique',
        description: 'Ajout des horaires d’ouverture sur le SVI',
        dueDate: '2026-06-30',
        serviceIds: [accueil, etrangers],
        originKind: 'mystery_finding',
        originLabel: 'Appels mystères de mai',
        engagements: ['8'],
      });
      phone = await actionIdOf(second.headers.location);
      const row = await findAction(t.ctx.db, org, phone);
      assert.equal(Number(row?.number), 2);
      assert.equal(row?.status, 'todo');
      assert.deepEqual(
        (await servicesOfActions(t.ctx.db, [phone])).map((s) => s.name),
        ['Accueil général', 'Service des étrangers'],
      );
      assert.deepEqual(
        (await linksOfActions(t.ctx.db, [signage])).map((l) => `${l.kind}:${l.code}`),
        ['engagement:5', 'engagement:6', 'indicator:PAN_USAGERS'],
      );
      const detail = await (await as('referent@63.test')).get(`/plan-actions/${signage}`);
      assert.match(detail.body, /<h1>Action n° 1<\/h1>/);
      assert.match(detail.body, /Constat d’audit : Audit interne : panneaux obsolètes/);
      assert.match(detail.body, /Engagement 6 — Nous veillons au confort/);
    });

    it('statut : abandon sans motif refusé (saisie gardée), réalisée datée du jour, abandon motivé', async () => {
      const referent = await as('referent@63.test');
      const csrf = await referent.csrfFrom(`/plan-actions/${signage}`);
      const refused = await referent.post(`/plan-actions/${signage}/statut`, {
        _csrf: csrf,
        status: 'abandoned',
        abandonReason: '',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Motif d’abandon : obligatoire pour abandonner/);
      assert.match(refused.body, /<option value="abandoned" selected>/);
      const done = await referent.post(`/plan-actions/${signage}/statut`, { _csrf: csrf, status: 'done' });
      assert.equal(done.statusCode, 303);
      const row = await findAction(t.ctx.db, org, signage);
      assert.equal(row?.status, 'done');
      assert.equal(row?.completed_on, '2026-04-02');
      const future = await referent.post(`/plan-actions/${phone}/statut`, {
        _csrf: csrf,
        status: 'done',
        completedOn: '2026-05-01',
      });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /Réalisée le : la date ne peut pas être dans le futur/);
    });

    it('modification : échéance avant la création refusée ; la saisie refusée est réaffichée', async () => {
      const referent = await as('referent@63.test');
      const csrf = await referent.csrfFrom(`/plan-actions/${phone}/modifier`);
      const refused = await referent.post(`/plan-actions/${phone}/modifier`, {
        _csrf: csrf,
        objective: 'Objectif modifié',
        description: 'Action modifiée',
        dueDate: '2026-03-31',
        serviceIds: [etrangers],
        originKind: 'mystery_finding',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /value="Objectif modifié"/);
      assert.match(refused.body, /précède la date de création/);
      const ok = await referent.post(`/plan-actions/${phone}/modifier`, {
        _csrf: csrf,
        objective: 'Améliorer l’accueil téléphonique',
        description: 'Ajout des horaires d’ouverture sur le SVI',
        dueDate: '2026-04-20',
        serviceIds: [etrangers],
        originKind: 'mystery_finding',
        originLabel: 'Appels mystères de mai',
        engagements: ['8'],
      });
      assert.equal(ok.statusCode, 303);
      assert.equal((await findAction(t.ctx.db, org, phone))?.due_date, '2026-04-20');
    });

    it('droits : l’agent met à jour les actions de ses services seulement ; l’auditeur lit ; le membre du CLU et l’anonyme n’entrent pas', async () => {
      const agentAccueil = await as('agent.accueil@63.test');
      const csrf = await agentAccueil.csrfFrom('/compte');
      assert.equal((await agentAccueil.get('/plan-actions')).statusCode, 200);
      assert.equal((await agentAccueil.get('/plan-actions/nouvelle')).statusCode, 403);
      assert.equal((await agentAccueil.get(`/plan-actions/${phone}/modifier`)).statusCode, 403);
      // L'action « SVI » n'est confiée qu'au service des étrangers désormais.
      const notMine = await agentAccueil.post(`/plan-actions/${phone}/statut`, { _csrf: csrf, status: 'in_progress' });
      assert.equal(notMine.statusCode, 403);
      assert.doesNotMatch((await agentAccueil.get(`/plan-actions/${phone}`)).body, /action="\/plan-actions\/[^"]+\/statut"/);
      const agentEtrangers = await as('agent.etrangers@63.test');
      const mine = await agentEtrangers.post(`/plan-actions/${phone}/statut`, {
        _csrf: await agentEtrangers.csrfFrom(`/plan-actions/${phone}`),
        status: 'in_progress',
      });
      assert.equal(mine.statusCode, 303);
      assert.equal((await findAction(t.ctx.db, org, phone))?.status, 'in_progress');
      assert.equal((await agentEtrangers.post(`/plan-actions/${phone}/supprimer`, { _csrf: csrf })).statusCode, 403);

      const auditor = await as('auditeur@63.test');
      const read = await auditor.get(`/plan-actions/${phone}`);
      assert.equal(read.statusCode, 200);
      assert.doesNotMatch(read.body, /action="\/plan-actions\/[^"]+\/(statut|preuve|supprimer)"/);
      assert.equal((await auditor.get('/plan-actions/export.csv')).statusCode, 200);
      assert.equal(
        (await auditor.post(`/plan-actions/${phone}/statut`, { _csrf: await auditor.csrfFrom('/compte'), status: 'done' }))
          .statusCode,
        403,
      );
      assert.equal((await (await as('membre@63.test')).get('/plan-actions')).statusCode, 403);
      const anonymous = await new TestBrowser(app).get('/plan-actions');
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/connexion/);
    });

    it('une autre organisation : 404 sur la fiche, le statut, la modification et les preuves', async () => {
      const stranger = await as('referent@03.test');
      const csrf = await stranger.csrfFrom('/compte');
      assert.equal((await stranger.get(`/plan-actions/${phone}`)).statusCode, 404);
      assert.equal((await stranger.get(`/plan-actions/${phone}/modifier`)).statusCode, 404);
      assert.equal((await stranger.post(`/plan-actions/${phone}/statut`, { _csrf: csrf, status: 'done' })).statusCode, 404);
      assert.equal((await stranger.post(`/plan-actions/${phone}/supprimer`, { _csrf: csrf })).statusCode, 404);
      assert.doesNotMatch((await stranger.get('/plan-actions')).body, /SVI/);
    });

    it('preuves : fichier vérifié par ses octets, téléchargé par l’organisation seulement', async () => {
      const referent = await as('referent@63.test');
      const csrf = await referent.csrfFrom(`/plan-actions/${signage}`);
      const upload = async (browser: TestBrowser, file: { filename: string; type: string; content: Buffer }) => {
        const body = multipart({ _csrf: csrf }, file);
        return app.inject({
          method: 'POST',
          url: `/plan-actions/${signage}/preuves`,
          payload: body.payload,
          headers: {
            'content-type': body.contentType,
            cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
      };
      const fake = await upload(referent, {
        filename: 'faux.pdf',
        type: 'application/pdf',
        content: Buffer.from('MZ pas un PDF'),
      });
      assert.equal(fake.statusCode, 400);
      assert.match(fake.body, /PDF, JPEG, PNG ou TIFF seulement/);
      const ok = await upload(referent, { filename: 'compte-rendu.pdf', type: 'application/pdf', content: PDF });
      assert.equal(ok.statusCode, 303);
      const file = await t.ctx.db
        .selectFrom('action_evidence_files')
        .select('id')
        .where('action_id', '=', signage)
        .executeTakeFirst();
      assert.ok(file);
      const download = await (await as('auditeur@63.test')).get(`/plan-actions/${signage}/preuves/${file.id}`);
      assert.equal(download.statusCode, 200);
      assert.equal(download.headers['content-type'], 'application/pdf');
      assert.deepEqual(download.rawPayload, PDF);
      assert.equal((await (await as('referent@03.test')).get(`/plan-actions/${signage}/preuves/${file.id}`)).statusCode, 404);
      const text = await referent.post(`/plan-actions/${signage}/preuve`, {
        _csrf: csrf,
        evidenceText: 'Photos des nouveaux panneaux.',
      });
      assert.equal(text.statusCode, 303);
      assert.equal((await findAction(t.ctx.db, org, signage))?.evidence_text, 'Photos des nouveaux panneaux.');
    });

    it('filtres : statut, origine, service, engagement ; vues par statut, par origine et calendrier', async () => {
      const referent = await as('referent@63.test');
      const done = await referent.get('/plan-actions?statut=done');
      assert.match(done.body, /<strong>1 action<\/strong>/);
      assert.match(done.body, /Mise à jour de la signalétique/);
      assert.doesNotMatch(done.body, /horaires d’ouverture sur le SVI/);
      assert.match((await referent.get('/plan-actions?origine=mystery_finding')).body, /<strong>1 action<\/strong>/);
      assert.match((await referent.get(`/plan-actions?service=${accueil}`)).body, /<strong>1 action<\/strong>/);
      assert.match((await referent.get('/plan-actions?engagement=8')).body, /horaires d’ouverture sur le SVI/);
      assert.match((await referent.get('/plan-actions?engagement=3')).body, /Aucune action ne correspond à ces critères/);
      assert.match((await referent.get('/plan-actions?statut=inconnu')).body, /<strong>2 actions<\/strong>/);

      const byStatus = await referent.get('/plan-actions/statuts');
      assert.match(byStatus.body, /<h2 id="statut-done">Réalisées \(1\)<\/h2>/);
      assert.match(byStatus.body, /<h2 id="statut-in_progress">En cours \(1\)<\/h2>/);
      assert.match(byStatus.body, /Aucune action « abandonnées » dans cette sélection/);
      const byOrigin = await referent.get('/plan-actions/origines?du=2026-01-01&au=2026-12-31');
      assert.match(byOrigin.body, /Constat d’audit : 1 action mise en place/);
      assert.match(byOrigin.body, /<li>Mise à jour de la signalétique en place<\/li>/);
      const badPeriod = await referent.get('/plan-actions/origines?du=2026-12-31&au=2026-01-01');
      assert.equal(badPeriod.statusCode, 400);
      assert.match(badPeriod.body, /Période invalide/);

      // Une échéance passée (écrite en base : le formulaire la refuserait) pour voir le retard.
      await t.ctx.db.updateTable('actions').set({ due_date: '2026-03-31' }).where('id', '=', phone).execute();
      const timeline = await referent.get('/plan-actions/calendrier');
      assert.match(timeline.body, /Mars 2026 \(1\)/);
      assert.match(timeline.body, /Avril 2026 \(1\)/);
      assert.match(timeline.body, /dont <strong>1 en retard<\/strong>/);
      assert.match(timeline.body, /<p class="fr-badge fr-badge--sm fr-badge--error">En retard<\/p>/);
      await t.ctx.db.updateTable('actions').set({ due_date: '2026-04-20' }).where('id', '=', phone).execute();
    });

    it('exports CSV (BOM, point-virgule) et XLSX relu par exceljs, de la sélection filtrée', async () => {
      const referent = await as('referent@63.test');
      const csv = await referent.get('/plan-actions/export.csv?origine=mystery_finding');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="plan-actions-2026-04-02.csv"/);
      assert.deepEqual([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = csv.rawPayload.subarray(3).toString('utf8').trim().split('\r\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0] ?? '', /^N°;Objectif;Action;Acteur\(s\);Échéance;Statut;/);
      assert.match(
        lines[1] ?? '',
        /^2;Améliorer l’accueil téléphonique;Ajout des horaires d’ouverture sur le SVI;Service des étrangers;2026-04-20;En cours;/,
      );

      const xlsx = await referent.get('/plan-actions/export.xlsx');
      assert.equal(xlsx.statusCode, 200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Plan d’actions');
      assert.ok(sheet);
      assert.equal(sheet.rowCount, 3);
      assert.equal(sheet.getRow(1).getCell(1).value, 'N°');
      assert.equal(sheet.getRow(2).getCell(1).value, 1);
      assert.equal(sheet.getRow(2).getCell(6).value, 'Réalisée');
      assert.equal(sheet.getRow(2).getCell(11).value, '5 | 6');
    });

    it('en un clic depuis un critère d’enquête : libellé, taux, engagement du critère ; 404 pour la campagne d’une autre organisation', async () => {
      const scenario = await physicalReceptionScenario(t.ctx, org);
      const foreign = await physicalReceptionScenario(t.ctx, other);
      const referent = await as('referent@63.test');
      const results = await referent.get(`/enquetes/campagnes/${scenario.currentId}/resultats`);
      assert.match(results.body, /name="origin_ref" value="[^"]+:orientation"/);
      assert.doesNotMatch(
        (await (await as('agent.accueil@63.test')).get(`/enquetes/campagnes/${scenario.currentId}/resultats`)).body,
        /depuis-origine/,
      );
      const csrf = await referent.csrfFrom(`/enquetes/campagnes/${scenario.currentId}/resultats`);
      const response = await referent.post('/plan-actions/depuis-origine', {
        _csrf: csrf,
        origin_kind: 'survey_criterion',
        origin_ref: `${scenario.currentId}:orientation`,
      });
      assert.equal(response.statusCode, 303);
      assert.match(String(response.headers.location), /^\/plan-actions\/[0-9a-f-]{36}\/modifier$/);
      const id = await actionIdOf(response.headers.location);
      const row = await findAction(t.ctx.db, org, id);
      assert.equal(row?.origin_kind, 'survey_criterion');
      assert.equal(row?.status, 'todo');
      assert.equal(row?.origin_label, 'Enquête Accueil printemps 2026 — critère Orientation et prise en charge (78,5\u00a0%)');
      // 2 avril + 3 mois = jeudi 2 juillet 2026, jour ouvré.
      assert.equal(row?.due_date, '2026-07-02');
      assert.deepEqual(
        (await linksOfActions(t.ctx.db, [id])).map((l) => `${l.kind}:${l.code}`),
        ['engagement:5'],
      );
      const form = await referent.get(`/plan-actions/${id}/modifier`);
      assert.match(form.body, /Action n° \d+ créée depuis critère d’enquête/);
      assert.equal(
        (
          await referent.post('/plan-actions/depuis-origine', {
            _csrf: csrf,
            origin_kind: 'survey_criterion',
            origin_ref: `${foreign.currentId}:orientation`,
          })
        ).statusCode,
        404,
      );
      const agent = await as('agent.accueil@63.test');
      assert.equal(
        (
          await agent.post('/plan-actions/depuis-origine', {
            _csrf: await agent.csrfFrom('/compte'),
            origin_kind: 'survey_criterion',
            origin_ref: `${scenario.currentId}:orientation`,
          })
        ).statusCode,
        403,
      );
    });

    it('en un clic depuis un dossier (service repris) et un thème ; constats d’enquête mystère et d’audit ; 404 hors organisation', async () => {
      const referent = await as('referent@63.test');
      const row = await createCase(
        t.ctx,
        org,
        { kind: 'complaint', channel: 'email', receivedAt: '2026-03-30', serviceId: accueil, subject: 'Attente au guichet' },
        CLI_ACTOR,
      );
      const foreignCase = await createCase(
        t.ctx,
        other,
        { kind: 'complaint', channel: 'email', receivedAt: '2026-03-30', serviceId: otherService, subject: 'Ailleurs' },
        CLI_ACTOR,
      );
      const caseButton = await referent.get(`/registre/${row.id}`);
      assert.match(caseButton.body, new RegExp(`name="origin_ref" value="${row.id}"`));
      assert.doesNotMatch((await (await as('agent.accueil@63.test')).get(`/registre/${row.id}`)).body, /depuis-origine/);
      const csrf = await referent.csrfFrom(`/registre/${row.id}`);
      const fromCase = await referent.post('/plan-actions/depuis-origine', {
        _csrf: csrf,
        origin_kind: 'case',
        origin_ref: row.id,
      });
      assert.equal(fromCase.statusCode, 303);
      const caseAction = await actionIdOf(fromCase.headers.location);
      assert.equal((await findAction(t.ctx.db, org, caseAction))?.origin_label, `${row.reference} — Attente au guichet`);
      assert.deepEqual(
        (await servicesOfActions(t.ctx.db, [caseAction])).map((s) => s.id),
        [accueil],
      );
      assert.equal(
        (await referent.post('/plan-actions/depuis-origine', { _csrf: csrf, origin_kind: 'case', origin_ref: foreignCase.id }))
          .statusCode,
        404,
      );

      const theme = (await themesOf(t.ctx, org))[0];
      assert.ok(theme);
      const themesPage = await referent.get('/registre/themes');
      assert.match(themesPage.body, new RegExp(`name="origin_ref" value="${theme.id}"`));
      const fromTheme = await referent.post('/plan-actions/depuis-origine', {
        _csrf: csrf,
        origin_kind: 'complaint_theme',
        origin_ref: theme.id,
      });
      assert.equal(fromTheme.statusCode, 303);
      const themeAction = await findAction(t.ctx.db, org, await actionIdOf(fromTheme.headers.location));
      assert.equal(themeAction?.origin_label, theme.label);
      assert.equal(themeAction?.origin_ref, theme.id);
      const foreignTheme = (await themesOf(t.ctx, other))[0];
      assert.equal(
        (
          await referent.post('/plan-actions/depuis-origine', {
            _csrf: csrf,
            origin_kind: 'complaint_theme',
            origin_ref: foreignTheme?.id ?? '',
          })
        ).statusCode,
        404,
      );

      for (const kind of ['mystery_finding', 'audit_finding'] as const) {
        const response = await referent.post('/plan-actions/depuis-origine', {
          _csrf: csrf,
          origin_kind: kind,
          origin_ref: 'E-mails mystères : 4 messages sans réponse',
        });
        assert.equal(response.statusCode, 303);
        const action = await findAction(t.ctx.db, org, await actionIdOf(response.headers.location));
        assert.equal(action?.origin_kind, kind);
        assert.equal(action?.origin_label, 'E-mails mystères : 4 messages sans réponse');
      }
      const bad = await referent.post('/plan-actions/depuis-origine', { _csrf: csrf, origin_kind: 'inconnue', origin_ref: 'x' });
      assert.equal(bad.statusCode, 400);
    });

    it('en un clic depuis une proposition du CLU : la proposition devient retenue et suivie par l’action', async () => {
      const now = '2026-03-20T10:00:00.000Z';
      const meeting = async (organisationId: string) => {
        const id = crypto.randomUUID();
        await t.ctx.db
          .insertInto('clu_meetings')
          .values({
            id,
            organisation_id: organisationId,
            starts_at: '2026-03-20T10:00',
            duration_minutes: 120,
            place: 'Salle des fêtes',
            chair: 'Le préfet',
            period_from: '2025-01-01',
            period_to: '2025-12-31',
            agenda_json: '[]',
            invitations_sent_at: null,
            minutes_json: null,
            minutes_approved_at: null,
            minutes_approved_by_name: null,
            deck_publication_id: null,
            minutes_publication_id: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        const proposalId = crypto.randomUUID();
        await t.ctx.db
          .insertInto('clu_proposals')
          .values({
            id: proposalId,
            organisation_id: organisationId,
            meeting_id: id,
            member_organisation_id: null,
            text: 'Afficher les heures d’affluence à l’entrée',
            status: 'to_study',
            follow_up: null,
            action_id: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        return proposalId;
      };
      const proposal = await meeting(org);
      const foreign = await meeting(other);
      const referent = await as('referent@63.test');
      const csrf = await referent.csrfFrom('/plan-actions');
      const response = await referent.post('/plan-actions/depuis-origine', {
        _csrf: csrf,
        origin_kind: 'clu_proposal',
        origin_ref: proposal,
      });
      assert.equal(response.statusCode, 303);
      const id = await actionIdOf(response.headers.location);
      const stored = await t.ctx.db.selectFrom('clu_proposals').selectAll().where('id', '=', proposal).executeTakeFirstOrThrow();
      assert.equal(stored.action_id, id);
      assert.equal(stored.status, 'accepted');
      assert.equal((await findAction(t.ctx.db, org, id))?.origin_label, 'Afficher les heures d’affluence à l’entrée');
      const again = await referent.post('/plan-actions/depuis-origine', {
        _csrf: csrf,
        origin_kind: 'clu_proposal',
        origin_ref: proposal,
      });
      assert.equal(again.statusCode, 400);
      assert.equal(
        (await referent.post('/plan-actions/depuis-origine', { _csrf: csrf, origin_kind: 'clu_proposal', origin_ref: foreign }))
          .statusCode,
        404,
      );
      const untouched = await t.ctx.db
        .selectFrom('clu_proposals')
        .selectAll()
        .where('id', '=', foreign)
        .executeTakeFirstOrThrow();
      assert.equal(untouched.status, 'to_study');
    });

    it('le référent supprime une action (journalisé)', async () => {
      const referent = await as('referent@63.test');
      const csrf = await referent.csrfFrom(`/plan-actions/${signage}`);
      const removed = await referent.post(`/plan-actions/${signage}/supprimer`, { _csrf: csrf });
      assert.equal(removed.statusCode, 303);
      assert.equal(await findAction(t.ctx.db, org, signage), undefined);
      const audit = await t.ctx.db.selectFrom('audit_events').select('action').where('entity_id', '=', signage).execute();
      assert.ok(audit.some((a) => a.action === 'action.deleted'));
      assert.ok(audit.some((a) => a.action === 'action.created'));
    });
  });
}
