import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { meetingFor, readSlides } from '../../../test/helpers/clu-deck-fixtures.ts';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import {
  type FixtureCampaign,
  type FixtureContact,
  GOOD_CALL,
  insertMysteryCampaign,
} from '../../../test/helpers/mystery-grid-fixtures.ts';
import { createAccount } from '../accounts/account.service.ts';
import { findAction } from '../actions/action.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { collectDeckSnapshot } from '../clu/clu-deck.service.ts';
import { buildDeck } from '../clu/clu-deck.ts';
import { deckSectionProviders } from '../clu/clu-deck-sections.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
// Comme au démarrage : le module des résultats enregistre la section du support.
import './mystery-deck-section.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

function day(i: number): string {
  const days = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13'];
  return `2026-03-${days[i % 10]}`;
}

/** 20 appels : formule d'accueil 19 / 20, transfert annoncé 2 / 5 (15 sans objet), deux appels au-delà de 10 sonneries. */
function springCalls(): FixtureContact[] {
  return Array.from({ length: 20 }, (_, i) => ({
    channel: 'call' as const,
    date: day(i),
    halfDay: i < 10 ? ('am' as const) : ('pm' as const),
    answers: {
      ...GOOD_CALL,
      rings: i < 2 ? 12 : 3,
      pickup: i < 2 ? 'no' : 'yes',
      greeting: i === 5 ? 'no' : 'yes',
      transfer_announced: i < 3 ? 'no' : i < 5 ? 'yes' : 'na',
    },
  }));
}

function measured(inTime: boolean | null, reminders: number) {
  return {
    sentAt: '2026-03-03T08:40:00.000Z',
    acknowledgment: { at: '2026-03-03T08:43:00.000Z', minutes: 3 },
    answer: inTime === null ? null : { at: '2026-03-05T09:00:00.000Z', workingDays: inTime ? 2 : 8, inTime },
    reminders,
    reorientation: false,
    signature: { complete: true, missing: [] },
    attachments: { announced: 0, present: 0 },
    links: { total: 0, incomplete: [] },
    messages: 3,
  };
}

function springEmails(): FixtureContact[] {
  const answers = (inTime: boolean | null) => ({
    acknowledgment: 'yes',
    answer_in_time: inTime ? 'yes' : 'no',
    reorientation_notice: 'na',
    complete_signature: 'yes',
    language_layout: inTime === null ? 'na' : 'yes',
    attachments_announced: 'na',
    complete_links: 'na',
  });
  return [
    { channel: 'email', date: '2026-03-03', answers: answers(true), measured: measured(true, 0) },
    { channel: 'email', date: '2026-03-04', answers: answers(true), measured: measured(true, 0) },
    { channel: 'email', date: '2026-03-05', answers: answers(false), measured: measured(false, 1) },
    { channel: 'email', date: '2026-03-06', answers: answers(null), measured: measured(null, 2) },
  ];
}

for (const engine of testEngines()) {
  describe(`résultats des enquêtes mystère (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let spring: FixtureCampaign;
    let empty: FixtureCampaign;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'pdd', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'correze', name: 'Préfecture de la Corrèze', department: '19' }, CLI_ACTOR)
      ).id;
      for (const [email, role, org] of [
        ['referent@63.test', 'admin', organisationId],
        ['agent@63.test', 'agent', organisationId],
        ['auditeur@63.test', 'auditor', organisationId],
        ['referent@19.test', 'admin', other],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId: org, password: PASSWORD }, CLI_ACTOR);
      }
      await insertMysteryCampaign(t.ctx, organisationId, {
        name: 'Automne 2025',
        channels: 'call',
        windowFrom: '2025-10-06',
        windowTo: '2025-10-17',
        status: 'closed',
        contacts: Array.from({ length: 20 }, (_, i) => ({
          channel: 'call' as const,
          date: `2025-10-${String(6 + (i % 5)).padStart(2, '0')}`,
          answers: { ...GOOD_CALL, greeting: i < 10 ? 'yes' : 'no' },
        })),
      });
      spring = await insertMysteryCampaign(t.ctx, organisationId, {
        name: 'Printemps 2026',
        channels: 'call,email',
        windowFrom: '2026-03-02',
        windowTo: '2026-03-13',
        status: 'confirmed',
        contacts: [...springCalls(), ...springEmails(), { channel: 'call', date: '2026-03-13', status: 'cancelled' }],
      });
      empty = await insertMysteryCampaign(t.ctx, organisationId, {
        name: 'Automne 2026',
        channels: 'call',
        windowFrom: '2026-10-05',
        windowTo: '2026-10-16',
        status: 'confirmed',
        contacts: [{ channel: 'call', date: '2026-10-05' }],
      });
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('état vide tant qu’aucune grille n’est complète', async () => {
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const page = await admin.get(`/mystere/campagnes/${empty.id}/resultats`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Aucune grille complète pour l’instant/);
    });

    it('par critère : part « 19 / 20 (95 %) », n sans les « Sans objet », comparaison, sonneries et courriels', async () => {
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const page = await admin.get(`/mystere/campagnes/${spring.id}/resultats`);
      assert.equal(page.statusCode, 200);
      const body = page.body;
      assert.match(body, /<h1>Résultats — Printemps 2026<\/h1>/);
      assert.match(body, /20 grilles complètes<\/strong> sur 20 appels prévus/, 'l’appel annulé n’est pas prévu');
      assert.match(body, /Formule d’accueil<\/td><td>19 \/ 20 \(95\u00a0%\)/);
      assert.match(
        body,
        /Transfert annoncé<\/td><td>2 \/ 5 \(40\u00a0%\) <span class="fr-text--xs">indicatif<\/span><\/td><td>5<\/td><td>15<\/td>/,
      );
      assert.match(body, /SVI<\/td><td>20 \/ 20/);
      assert.match(
        body,
        /Automne 2025 : 50\u00a0%<br>\+45\u00a0pts <p class="fr-badge fr-badge--sm fr-badge--success">Significatif<\/p>/,
      );
      assert.match(body, /Nombre moyen de sonneries avant le décroché : <strong>3,9<\/strong> \(n = 20, au plus 12\)/);
      assert.match(body, /Appels pris au-delà de 10 sonneries : 2/);
      assert.match(body, /Réponses dans les 5 jours ouvrés : <strong>2<\/strong>/);
      assert.match(body, /Réponses hors délai : <strong>1<\/strong> \(dont 1 après relance\)/);
      assert.match(body, /Messages sans réponse : <strong>1<\/strong>/);
      assert.match(body, /Pas de campagne close précédente pour ce canal/, 'courriels : rien à comparer');
      assert.match(body, /Utilisation systématique de la formule d’accueil : 19 \/ 20 \(95\u00a0%\)\./);
      assert.match(
        body,
        /En cas de transfert vers un service « métier », l’agent n’indique pas toujours avec quel service l’usager va être mis en relation : 2 \/ 5 \(40\u00a0%\)\./,
      );
      assert.match(body, /Les appels ont parfois été pris au bout de plus de 10 sonneries : 2 appels sur 20\./);
      assert.match(body, /Messages sans réponse : 1 sur 4\./);
      assert.match(body, /pas encore enregistrés/);
      assert.doesNotMatch(body, /depuis-origine/, 'campagne en cours : pas d’action, les agents liraient le plan');
      assert.match(body, /une fois la campagne terminée/);
    });

    it('l’agent est refusé (403), l’auditeur ne voit pas une campagne en cours (404), une autre organisation non plus', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      assert.equal((await agent.get(`/mystere/campagnes/${spring.id}/resultats`)).statusCode, 403);
      assert.equal((await agent.get(`/mystere/campagnes/${spring.id}/resultats.xlsx`)).statusCode, 403);
      const auditor = await signedIn(app, 'auditeur@63.test', PASSWORD);
      assert.equal((await auditor.get(`/mystere/campagnes/${spring.id}/resultats`)).statusCode, 404);
      assert.equal((await auditor.get(`/mystere/campagnes/${spring.id}/resultats.xlsx`)).statusCode, 404);
      const stranger = await signedIn(app, 'referent@19.test', PASSWORD);
      assert.equal((await stranger.get(`/mystere/campagnes/${spring.id}/resultats`)).statusCode, 404);
      const csrf = await stranger.csrfFrom('/');
      assert.equal((await stranger.post(`/mystere/campagnes/${spring.id}/resultats/regenerer`, { _csrf: csrf })).statusCode, 404);
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const refused = await admin.post('/plan-actions/depuis-origine', {
        _csrf: await admin.csrfFrom('/'),
        origin_kind: 'mystery_finding',
        origin_ref: `${spring.id}:transfer_announced`,
      });
      assert.equal(refused.statusCode, 400, 'pas d’action tant que la campagne n’est pas terminée');
    });

    it('points forts et de vigilance : modifiés (saisie gardée sur erreur), enregistrés, régénérés', async () => {
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const url = `/mystere/campagnes/${spring.id}/resultats`;
      const page = await admin.get(url);
      const csrf = await admin.csrfFrom(url);
      const count = Number(page.body.match(/name="count" value="(\d+)"/)?.[1]);
      assert.ok(count > 2);
      const form: Record<string, string> = { _csrf: csrf, count: String(count) };
      for (let i = 0; i < count; i++) {
        for (const name of ['kind', 'channel', 'criterion', 'text']) {
          const select = page.body.match(new RegExp(`name="${name}_${i}"[^>]*>[\\s\\S]*?<option value="([^"]*)" selected`));
          const input = page.body.match(new RegExp(`name="${name}_${i}" maxlength="600" value="([^"]*)"`));
          form[`${name}_${i}`] = (name === 'text' ? input?.[1] : select?.[1]) ?? '';
        }
      }
      form.text_0 = '';
      form[`text_${count - 1}`] = 'Annoncer le service au moment du transfert';
      form[`kind_${count - 1}`] = 'vigilance';
      form[`criterion_${count - 1}`] = 'transfer_announced';
      const tooLong = await admin.post(`${url}/points`, { ...form, [`text_${count - 2}`]: 'x'.repeat(501) });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.body, /500 caractères au plus/);
      assert.match(tooLong.body, /value="Annoncer le service au moment du transfert"/, 'saisie gardée');
      const unknown = await admin.post(`${url}/points`, { ...form, [`criterion_${count - 1}`]: 'inconnu' });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /critère inconnu pour ce canal/);

      const saved = await admin.post(`${url}/points`, form);
      assert.equal(saved.statusCode, 303);
      const row = await t.ctx.db
        .selectFrom('mystery_campaigns')
        .select('findings_json')
        .where('id', '=', spring.id)
        .executeTakeFirstOrThrow();
      const findings = JSON.parse(row.findings_json ?? '{}') as {
        origin: string;
        items: { text: string; criterionKey: string | null }[];
      };
      assert.equal(findings.origin, 'edited');
      assert.equal(findings.items.length, count - 2, 'un point retiré, un ajouté, une ligne vide ignorée');
      assert.ok(
        findings.items.some(
          (f) => f.text === 'Annoncer le service au moment du transfert' && f.criterionKey === 'transfer_announced',
        ),
      );
      const after = await admin.get(url);
      assert.match(after.body, /Modifiés par/);
      assert.match(after.body, /Annoncer le service au moment du transfert/);

      assert.equal((await admin.post(`${url}/regenerer`, { _csrf: csrf })).statusCode, 303);
      const regenerated = await t.ctx.db
        .selectFrom('mystery_campaigns')
        .select('findings_json')
        .where('id', '=', spring.id)
        .executeTakeFirstOrThrow();
      assert.equal(JSON.parse(regenerated.findings_json ?? '{}').origin, 'generated');
      assert.doesNotMatch((await admin.get(url)).body, /Annoncer le service au moment du transfert/);
    });

    it('campagne close : l’auditeur lit, le référent crée une action depuis un point de vigilance, export XLSX relu', async () => {
      await t.ctx.db
        .updateTable('mystery_campaigns')
        .set({ status: 'closed', closed_at: '2026-03-20T10:00:00.000Z' })
        .where('id', '=', spring.id)
        .execute();
      const auditor = await signedIn(app, 'auditeur@63.test', PASSWORD);
      const read = await auditor.get(`/mystere/campagnes/${spring.id}/resultats`);
      assert.equal(read.statusCode, 200);
      assert.doesNotMatch(read.body, /Modifier les points|depuis-origine/, 'l’auditeur lit seulement');
      const auditorCsrf = await auditor.csrfFrom('/');
      assert.equal(
        (await auditor.post(`/mystere/campagnes/${spring.id}/resultats/regenerer`, { _csrf: auditorCsrf })).statusCode,
        403,
      );

      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const page = await admin.get(`/mystere/campagnes/${spring.id}/resultats`);
      assert.match(page.body, new RegExp(`name="origin_ref" value="${spring.id}:transfer_announced"`));
      const created = await admin.post('/plan-actions/depuis-origine', {
        _csrf: await admin.csrfFrom(`/mystere/campagnes/${spring.id}/resultats`),
        origin_kind: 'mystery_finding',
        origin_ref: `${spring.id}:transfer_announced`,
      });
      assert.equal(created.statusCode, 303);
      const actionId = created.headers.location?.toString().split('/')[2] ?? '';
      const action = await findAction(t.ctx.db, organisationId, actionId);
      assert.equal(action?.origin_kind, 'mystery_finding');
      assert.equal(action?.origin_ref, `${spring.id}:transfer_announced`);
      assert.equal(action?.origin_label, 'Enquête mystère Printemps 2026 — Transfert annoncé (40\u00a0%)');
      const links = await t.ctx.db
        .selectFrom('action_links')
        .select(['kind', 'code'])
        .where('action_id', '=', actionId)
        .execute();
      assert.deepEqual(
        links.map((l) => ({ ...l })),
        [{ kind: 'engagement', code: '5' }],
        'engagement du critère lié',
      );
      const unknown = await admin.post('/plan-actions/depuis-origine', {
        _csrf: await admin.csrfFrom('/'),
        origin_kind: 'mystery_finding',
        origin_ref: `${spring.id}:inconnu`,
      });
      assert.equal(unknown.statusCode, 404);

      const xlsx = await auditor.get(`/mystere/campagnes/${spring.id}/resultats.xlsx`);
      assert.equal(xlsx.statusCode, 200);
      assert.match(String(xlsx.headers['content-disposition']), /enquete-mystere-printemps-2026\.xlsx/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
      assert.deepEqual(
        workbook.worksheets.map((w) => w.name),
        ['Contacts', 'Résultats', 'Points'],
      );
      const contacts = workbook.getWorksheet('Contacts');
      assert.equal(contacts?.rowCount, 1 + 25);
      const headerRow = ((contacts?.getRow(1).values ?? []) as unknown[]).slice(1);
      assert.ok(headerRow.includes('Sonneries'));
      assert.equal(contacts?.getRow(2).getCell(8).value, 12, 'sonneries du premier appel');
      const results = workbook.getWorksheet('Résultats');
      const rows = (results?.getSheetValues() ?? []).slice(2).map((r) => (r as unknown[]).slice(1));
      const greeting = rows.find((r) => r[2] === 'greeting');
      assert.deepEqual(greeting?.slice(0, 10), [
        'Appels mystère',
        'Formule d’accueil',
        'greeting',
        19,
        1,
        0,
        20,
        95,
        'Automne 2025',
        50,
      ]);
      assert.equal(greeting?.[12], 'Évolution significative (p < 0,05)');
      const transfer = rows.find((r) => r[2] === 'transfer_announced');
      assert.deepEqual(transfer?.slice(3, 8), [2, 3, 15, 5, 40]);
      const points = workbook.getWorksheet('Points');
      assert.ok((points?.rowCount ?? 0) > 3);
    });

    it('le support du CLU d’une réunion dont la période couvre la campagne close porte la section des enquêtes mystère', async () => {
      assert.ok(
        deckSectionProviders().some((p) => p.key === 'mystery'),
        'section enregistrée au chargement',
      );
      const meetingId = await meetingFor(t, organisationId, '2026-06-30', '2026-01-01', '2026-06-30');
      const snapshot = await collectDeckSnapshot(t.ctx, organisationId, meetingId);
      const section = snapshot.extraSections.find((s) => s.key === 'mystery');
      assert.ok(section);
      const built = await buildDeck(snapshot);
      const slides = readSlides(built.buffer);
      const titles = slides.map((s) => s.title);
      for (const title of [
        'Appels mystère — Printemps 2026',
        'Appels mystère — points forts et points de vigilance',
        'Courriels mystère — Printemps 2026',
        'Courriels mystère — points forts et points de vigilance',
        'Enquêtes mystère — actions mises en place',
      ]) {
        assert.ok(titles.includes(title), `diapositive « ${title} »`);
      }
      assert.ok(!titles.some((x) => x.startsWith('Enquêtes mystère — aucune donnée')));
      const calls = slides.find((s) => s.title === 'Appels mystère — Printemps 2026')?.text ?? '';
      assert.match(calls, /20 appels mystère passés entre le 2 mars 2026 et le 13 mars 2026/);
      assert.match(calls, /Nombre moyen de sonneries : 3,9/);
      assert.match(calls, /Formule d’accueil\n19 \/ 20\n95\u00a0%/);
      assert.match(calls, /SVI\n20 \/ 20\n100\u00a0%/);
      const mails = slides.find((s) => s.title === 'Courriels mystère — Printemps 2026')?.text ?? '';
      assert.match(mails, /4 courriels mystère envoyés entre le 3 mars 2026 et le 6 mars 2026/);
      assert.match(
        mails,
        /Réponse dans les 5 jours ouvrés : 2 ; 1 hors délai \(dont 1 après relance\) ; messages sans réponse : 1/,
      );
      const actions = slides.find((s) => s.title === 'Enquêtes mystère — actions mises en place')?.text ?? '';
      assert.match(actions, /1 action en cours/);
      assert.match(actions, /Améliorer le critère « Transfert annoncé »|À préciser/);
      const points = slides.find((s) => s.title === 'Appels mystère — points forts et points de vigilance')?.text ?? '';
      assert.match(points, /Point fort : Utilisation systématique de la formule d’accueil : 19 \/ 20/);
      assert.match(points, /Point de vigilance : /);

      const outside = await collectDeckSnapshot(
        t.ctx,
        organisationId,
        await meetingFor(t, organisationId, '2026-12-15', '2026-07-01', '2026-12-31'),
      );
      assert.equal(outside.extraSections.length, 0, 'campagne en cours d’automne : rien pour le comité');
      const outsideSlides = readSlides((await buildDeck(outside)).buffer);
      assert.ok(outsideSlides.some((s) => s.title === 'Enquêtes mystère — aucune donnée pour la période'));
    });
  });
}
