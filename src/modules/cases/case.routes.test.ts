import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { findCase } from './case.repository.ts';
import { createCase } from './case.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

/** La ligne du tableau qui contient cette référence. */
function rowOf(body: string, reference: string): string {
  const row = body.split('<tr>').find((r) => r.includes(`>${reference}</a>`) || r.includes(`<td>${reference}</td>`));
  assert.ok(row, `ligne ${reference} absente`);
  return row.split('</tr>')[0] ?? '';
}

function indicatorRow(body: string, key: string): string {
  const row = body.split('<tr>').find((r) => r.includes(`<strong>${key}</strong>`));
  assert.ok(row, `indicateur ${key} absent`);
  return row.split('</tr>')[0] ?? '';
}

for (const engine of testEngines()) {
  describe(`écrans du registre (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let accueilId: string;
    let etrangersId: string;
    const refs: Record<string, { id: string; reference: string }> = {};
    let foreignCaseId: string;

    before(async () => {
      // Mercredi 15 avril 2026, 10 h à Paris.
      t = await createTestContext(engine);
      t.clock.set('2026-04-15T08:00:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      accueilId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
      etrangersId = (await addService(t.ctx, organisationId, { name: 'Service des étrangers' }, CLI_ACTOR)).id;
      for (const [email, role, serviceIds] of [
        ['referent@63.test', 'admin', []],
        ['agent@63.test', 'agent', [accueilId]],
        ['auditeur@63.test', 'auditor', []],
        ['membre@63.test', 'clu_member', []],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId, password: PASSWORD, serviceIds: [...serviceIds] }, CLI_ACTOR);
      }
      const add = async (name: string, input: Record<string, unknown>) => {
        const row = await createCase(t.ctx, organisationId, input, CLI_ACTOR);
        refs[name] = { id: row.id, reference: row.reference };
      };
      // Échéance 9 avril (lundi de Pâques non ouvré) : en retard.
      await add('overdue', {
        kind: 'complaint',
        channel: 'email',
        receivedAt: '2026-04-01',
        serviceId: accueilId,
        subject: 'Attente; trop "longue" au guichet',
        requesterName: 'Jean Dupont',
        requesterEmail: 'jean.dupont@example.test',
        requesterAddress: '1 rue Secrète, 63000 Clermont-Ferrand',
        body: 'Texte confidentiel du demandeur',
      });
      // Échéance 15 avril : aujourd'hui.
      await add('today', { kind: 'information_request', channel: 'email', receivedAt: '2026-04-08', serviceId: accueilId });
      // Échéance 17 avril : dans 2 jours ouvrés.
      await add('soon', { kind: 'information_request', channel: 'web_form', receivedAt: '2026-04-10', serviceId: accueilId });
      // Échéance lointaine.
      await add('later', {
        kind: 'complaint',
        channel: 'letter',
        receivedAt: '2026-04-14',
        serviceId: etrangersId,
        subject: 'Rendez-vous titre de séjour',
      });
      // Dossier de mars pour les actions (hors des indicateurs d'avril).
      await add('flow', {
        kind: 'complaint',
        channel: 'letter',
        receivedAt: '2026-03-20',
        serviceId: accueilId,
        subject: 'Demande de renseignements',
      });
      for (let i = 0; i < 52; i++) {
        await createCase(
          t.ctx,
          organisationId,
          { kind: 'thanks', channel: 'phone', receivedAt: '2026-04-13', serviceId: etrangersId },
          CLI_ACTOR,
        );
      }
      const other = await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '75' }, CLI_ACTOR);
      foreignCaseId = (
        await createCase(t.ctx, other.id, { kind: 'complaint', channel: 'email', receivedAt: '2026-04-01' }, CLI_ACTOR)
      ).id;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);

    it('la file triée par échéance montre les badges « En retard », « aujourd’hui » et « ≤ 2 jours ouvrés »', async () => {
      const page = await (await as('referent@63.test')).get('/registre');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Registre des demandes<\/h1>/);
      const overdue = rowOf(page.body, refs.overdue?.reference ?? '');
      assert.match(overdue, /fr-badge--error">En retard/);
      assert.match(overdue, /9 avril 2026/);
      assert.match(rowOf(page.body, refs.today?.reference ?? ''), /fr-badge--warning">À traiter aujourd’hui/);
      assert.match(rowOf(page.body, refs.soon?.reference ?? ''), /fr-badge--info">Échéance ≤ 2 jours ouvrés/);
      assert.doesNotMatch(rowOf(page.body, refs.later?.reference ?? ''), /fr-badge--(error|warning|info)"/);
      // Trié par échéance : le dossier en retard de mars d'abord, puis celui d'avril.
      const order = ['flow', 'overdue', 'today', 'soon'].map((k) => page.body.indexOf(`>${refs[k]?.reference}</a>`));
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
      );
      assert.match(page.body, /href="\/registre\/export.csv"/);
    });

    it('filtre par nature, canal, statut, service et recherche ; un résultat vide est dit', async () => {
      const browser = await as('referent@63.test');
      const complaints = await browser.get('/registre?kind=complaint&channel=email');
      assert.match(complaints.body, /<strong>1 dossier<\/strong>/);
      assert.ok(complaints.body.includes(refs.overdue?.reference ?? '?'));
      const search = await browser.get(`/registre?q=${encodeURIComponent('titre de séjour')}`);
      assert.match(search.body, /<strong>1 dossier<\/strong>/);
      assert.ok(search.body.includes(refs.later?.reference ?? '?'));
      assert.match(search.body, /value="titre de séjour"/);
      const byService = await browser.get(`/registre?service=${etrangersId}&status=open&kind=complaint`);
      assert.match(byService.body, /<strong>1 dossier<\/strong>/);
      const period = await browser.get('/registre?from=2026-03-01&to=2026-03-31');
      assert.match(period.body, /<strong>1 dossier<\/strong>/);
      const none = await browser.get('/registre?q=introuvable');
      assert.match(none.body, /Aucun dossier ne correspond à ces critères/);
    });

    it('pagine par 50 en gardant les filtres', async () => {
      const browser = await as('referent@63.test');
      const first = await browser.get('/registre?kind=thanks');
      assert.match(first.body, /<strong>52 dossiers<\/strong> — page 1 sur 2/);
      assert.match(first.body, /href="\/registre\?kind=thanks&amp;page=2"/);
      assert.equal((first.body.match(/<tr><td><a href="\/registre\//g) ?? []).length, 50);
      const second = await browser.get('/registre?kind=thanks&page=2');
      assert.equal((second.body.match(/<tr><td><a href="\/registre\//g) ?? []).length, 2);
    });

    it('un agent voit d’abord les dossiers de ses services, puis tous sur demande', async () => {
      const agent = await as('agent@63.test');
      const mine = await agent.get('/registre');
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /Vous voyez les dossiers de vos services \(Accueil général\)/);
      assert.ok(mine.body.includes(refs.overdue?.reference ?? '?'));
      assert.ok(!mine.body.includes(`>${refs.later?.reference}</a>`));
      const all = await agent.get('/registre?tous=1');
      assert.ok(all.body.includes(`>${refs.later?.reference}</a>`));
      assert.match(all.body, /<strong>57 dossiers<\/strong>/);
    });

    it('exporte en CSV (BOM, point-virgule, guillemets) sans aucune donnée personnelle', async () => {
      const response = await (await as('referent@63.test')).get('/registre/export.csv?kind=complaint');
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /text\/csv/);
      assert.match(String(response.headers['content-disposition']), /attachment; filename="registre-2026-04-15.csv"/);
      const bytes = response.rawPayload;
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const textBody = bytes.subarray(3).toString('utf8');
      const lines = textBody.trim().split('\r\n');
      assert.equal(
        lines[0],
        'reference;kind;channel;received_at;answered_at;service;subject;theme;audience;target;status;due_date;delay',
      );
      assert.equal(lines.length, 1 + 3);
      assert.ok(lines.some((l) => l.includes('"Attente; trop ""longue"" au guichet"')));
      for (const secret of ['Jean Dupont', 'jean.dupont', 'Secrète', 'confidentiel'])
        assert.ok(!textBody.includes(secret), secret);
    });

    it('exporte en XLSX une feuille « Registre » relue par exceljs', async () => {
      const response = await (await as('auditeur@63.test')).get('/registre/export.xlsx?kind=thanks');
      assert.equal(response.statusCode, 200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Registre');
      assert.ok(sheet);
      assert.equal(sheet.getRow(1).getCell(1).value, 'reference');
      assert.equal(sheet.getRow(1).getCell(13).value, 'delay');
      // Toute la sélection, pas seulement la première page.
      assert.equal(sheet.actualRowCount, 1 + 52);
      assert.equal(sheet.getRow(2).getCell(2).value, 'thanks');
    });

    it('indicateurs : « 0 % » quand des dossiers sont en retard, « Sans objet » quand rien n’est mesurable', async () => {
      const page = await (await as('referent@63.test')).get('/registre/indicateurs?period=2026-04&asOf=2026-04-15');
      assert.equal(page.statusCode, 200);
      const mail = indicatorRow(page.body, 'RECL_MAIL_5J');
      assert.match(mail, /<td>0\u00a0%/);
      assert.match(mail, /0 \/ 1/);
      assert.match(mail, /provisoire/);
      assert.match(mail, /voir le dossier en retard/);
      const info = indicatorRow(page.body, 'DI_MAIL_5J');
      assert.match(info, /Sans objet/);
      assert.doesNotMatch(info, /0\u00a0%/);
      const drill = await (await as('referent@63.test')).get('/registre/indicateurs/RECL_MAIL_5J?period=2026-04&asOf=2026-04-15');
      assert.equal(drill.statusCode, 200);
      assert.match(drill.body, /Dossiers en retard \(1\)/);
      assert.ok(drill.body.includes(`<a href="/registre/${refs.overdue?.id}">${refs.overdue?.reference}</a>`));
      // Le membre du CLU voit la liste, sans lien vers les fiches.
      const member = await as('membre@63.test');
      const memberDrill = await member.get('/registre/indicateurs/RECL_MAIL_5J?period=2026-04&asOf=2026-04-15');
      assert.equal(memberDrill.statusCode, 200);
      assert.ok(memberDrill.body.includes(`<td>${refs.overdue?.reference}</td>`));
      assert.ok(!memberDrill.body.includes(`href="/registre/${refs.overdue?.id}"`));
      assert.equal((await member.get('/registre/indicateurs?period=2026-13')).statusCode, 400);
    });

    it('refuse la saisie invalide en gardant la saisie (script échappé) et en nommant le champ', async () => {
      const browser = await as('agent@63.test');
      const csrf = await browser.csrfFrom('/registre/nouveau');
      const bad = await browser.post('/registre/nouveau', {
        _csrf: csrf,
        kind: '',
        channel: 'email',
        receivedAt: '2026-04-15',
        subject: '<script>alert(1)</script>',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Nature : choisissez une nature dans la liste/);
      assert.match(bad.body, /href="#champ-kind"/);
      assert.match(bad.body, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
      assert.ok(!bad.body.includes('<script>alert(1)</script>'));
      const badDate = await browser.post('/registre/nouveau', {
        _csrf: csrf,
        kind: 'complaint',
        channel: 'email',
        receivedAt: '2026-02-30',
      });
      assert.equal(badDate.statusCode, 400);
      assert.match(badDate.body, /Date de réception : « 2026-02-30 » n’existe pas/);
    });

    it('enregistre une demande, annonce la référence et l’échéance ; « Saisir et continuer » garde nature, canal, service et date', async () => {
      const browser = await as('agent@63.test');
      const csrf = await browser.csrfFrom('/registre/nouveau');
      const created = await browser.post('/registre/nouveau', {
        _csrf: csrf,
        kind: 'complaint',
        channel: 'email',
        serviceId: accueilId,
        receivedAt: '2026-04-15',
        receivedTime: '14:30',
        subject: 'Accueil téléphonique',
        suite: 'detail',
      });
      assert.equal(created.statusCode, 303);
      const location = String(created.headers.location);
      assert.match(location, /^\/registre\/[0-9a-f-]+$/);
      const detail = await browser.get(location);
      assert.match(detail.body, /Dossier 2026-\d{5} enregistré — échéance le 22 avril 2026/);
      assert.match(detail.body, /2026-04-15T14:30/);
      const next = await browser.post('/registre/nouveau', {
        _csrf: csrf,
        kind: 'information_request',
        channel: 'letter',
        serviceId: accueilId,
        receivedAt: '2026-04-14',
        suite: 'continuer',
      });
      assert.equal(next.statusCode, 303);
      const again = await browser.get(String(next.headers.location));
      assert.match(again.body, /<h1>Enregistrer une demande<\/h1>/);
      assert.match(again.body, /<option value="information_request" selected>/);
      assert.match(again.body, /<option value="letter" selected>/);
      assert.match(again.body, /value="2026-04-14"/);
      assert.match(again.body, /enregistré — échéance le 28 avril 2026/);
    });

    it('une relève d’urne crée N dossiers datés de la relève et liste les références saisies', async () => {
      const browser = await as('agent@63.test');
      const start = await browser.get('/registre/urne');
      assert.equal(start.statusCode, 200);
      let page = await browser.get(`/registre/urne?releve=2026-04-14&service=${accueilId}`);
      assert.match(page.body, /0 formulaire saisi pour la relève du 14 avril 2026/);
      const created: string[] = [];
      for (const [kind, subject] of [
        ['complaint', 'Froid dans le hall'],
        ['suggestion', 'Plus de chaises'],
        ['information_request', 'Horaires du service'],
      ] as const) {
        const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
        const refsField = page.body.match(/name="refs" value="([^"]*)"/)?.[1] ?? '';
        const response = await browser.post('/registre/urne', {
          _csrf: csrf,
          collectedAt: '2026-04-14',
          serviceId: accueilId,
          refs: refsField,
          kind,
          subject,
        });
        assert.equal(response.statusCode, 303);
        page = await browser.get(String(response.headers.location));
        const reference =
          String(response.headers.location)
            .match(/refs=([^&]+)/)?.[1]
            ?.split('%2C')
            .at(-1) ?? '';
        created.push(reference);
      }
      assert.match(page.body, /3 formulaires saisis pour la relève du 14 avril 2026/);
      for (const reference of created) assert.ok(page.body.includes(`>${reference}</a>`), reference);
      assert.match(page.body, /Terminer la relève/);
      const list = await browser.get('/registre?channel=urn&from=2026-04-14&to=2026-04-14');
      assert.match(list.body, /<strong>3 dossiers<\/strong>/);
      for (const reference of created) {
        const id = list.body.match(new RegExp(`href="/registre/([^"]+)">${reference}<`))?.[1] ?? '';
        const row = await findCase(t.ctx.db, organisationId, id);
        assert.equal(row?.channel, 'urn');
        assert.equal(row?.received_local_date, '2026-04-14');
        assert.equal(row?.due_date, '2026-04-28');
      }
      // Erreur : la saisie est gardée, la relève aussi.
      const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      const bad = await browser.post('/registre/urne', {
        _csrf: csrf,
        collectedAt: '2026-04-14',
        serviceId: accueilId,
        refs: created.join(','),
        kind: 'complaint',
        subject: 'Dépôt tardif',
        depositedAt: '2026-04-20',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /ne peut pas suivre la relève/);
      assert.match(bad.body, /value="Dépôt tardif"/);
      assert.match(bad.body, /3 formulaires saisis/);
    });

    it('fiche, réponse, requalification, réaffectation et clôture', async () => {
      const browser = await as('agent@63.test');
      const id = refs.flow?.id ?? '';
      const detail = await browser.get(`/registre/${id}`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /En retard/);
      assert.match(detail.body, /Complaint|Réclamation/);
      assert.match(detail.body, /Historique/);
      const csrf = detail.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';

      t.clock.set('2026-04-15T08:10:00.000Z');
      const reclassified = await browser.post(`/registre/${id}/requalification`, {
        _csrf: csrf,
        kind: 'information_request',
        channel: 'letter',
        audience: 'public',
        reason: 'Demande de renseignements, pas une réclamation',
      });
      assert.equal(reclassified.statusCode, 303);
      let page = await browser.get(`/registre/${id}`);
      assert.match(page.body, /Requalifié : Réclamation → Demande d’information/);

      t.clock.set('2026-04-15T08:15:00.000Z');
      const reassigned = await browser.post(`/registre/${id}/affectation`, {
        _csrf: csrf,
        serviceId: etrangersId,
        reorient: 'on',
        note: 'Compétence du service des étrangers',
      });
      assert.equal(reassigned.statusCode, 303);
      page = await browser.get(`/registre/${id}`);
      assert.match(page.body, /Réorienté : Accueil général → Service des étrangers/);
      assert.match(page.body, />Réorienté</);

      t.clock.set('2026-04-15T08:20:00.000Z');
      const early = await browser.post(`/registre/${id}/reponse`, {
        _csrf: csrf,
        answeredAt: '2026-03-01',
        answerChannel: 'letter',
        answerText: 'Réponse <b>gardée</b>',
      });
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /Date de réponse : elle précède la réception/);
      assert.match(early.body, /Réponse &lt;b&gt;gardée&lt;\/b&gt;<\/textarea>/);

      const answered = await browser.post(`/registre/${id}/reponse`, {
        _csrf: csrf,
        answeredAt: '2026-04-03',
        answerChannel: 'letter',
        answerText: 'Voici les renseignements demandés.',
      });
      assert.equal(answered.statusCode, 303);
      page = await browser.get(`/registre/${id}`);
      assert.match(page.body, /Réponse enregistrée/);
      assert.match(page.body, /délai : 10 jours ouvrés/);
      assert.doesNotMatch(page.body, /fr-badge--error">En retard/);

      t.clock.set('2026-04-15T08:25:00.000Z');
      const closed = await browser.post(`/registre/${id}/cloture`, { _csrf: csrf });
      assert.equal(closed.statusCode, 303);
      page = await browser.get(`/registre/${id}`);
      assert.match(page.body, />Clos</);
      // L'historique, dans l'ordre : réception en premier, clôture en dernier.
      const history = page.body.slice(page.body.indexOf('vigie-history'));
      assert.ok(history.indexOf('reçue par courrier') < history.indexOf('Dossier clos'));
    });

    it('le dossier d’une autre organisation est introuvable (404), en lecture comme en écriture', async () => {
      const browser = await as('referent@63.test');
      assert.equal((await browser.get(`/registre/${foreignCaseId}`)).statusCode, 404);
      const csrf = await browser.csrfFrom('/registre/nouveau');
      assert.equal((await browser.post(`/registre/${foreignCaseId}/cloture`, { _csrf: csrf })).statusCode, 404);
      assert.equal((await browser.get('/registre/pas-un-dossier')).statusCode, 404);
    });

    it('droits : le CLU ne lit ni la file ni les fiches ; l’auditeur lit sans saisir', async () => {
      const member = await as('membre@63.test');
      assert.equal((await member.get('/registre')).statusCode, 403);
      assert.equal((await member.get(`/registre/${refs.overdue?.id}`)).statusCode, 403);
      assert.equal((await member.get('/registre/export.csv')).statusCode, 403);
      assert.equal((await member.get('/registre/indicateurs')).statusCode, 200);
      const auditor = await as('auditeur@63.test');
      const detail = await auditor.get(`/registre/${refs.overdue?.id}`);
      assert.equal(detail.statusCode, 200);
      assert.doesNotMatch(detail.body, /action="\/registre\/[^"]+\/reponse"/);
      assert.equal((await auditor.get('/registre/nouveau')).statusCode, 403);
      assert.equal((await auditor.get('/registre/urne')).statusCode, 403);
      const csrf = await auditor.csrfFrom('/compte');
      assert.equal((await auditor.post(`/registre/${refs.overdue?.id}/cloture`, { _csrf: csrf })).statusCode, 403);
      const agent = await as('agent@63.test');
      assert.equal((await agent.get('/registre/indicateurs')).statusCode, 200);
    });
  });
}
