import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { multipart, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createJobRunner } from '../../app.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { findJob, listJobsByKind } from '../jobs/job.repository.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { CASE_IMPORT_JOB, enqueueCaseImport } from './case-import.job.ts';

const PASSWORD = 'Clermont-Ferrand 63000';
const PAGE = '/registre/import';
const SAMPLE = readFileSync(new URL('../../../docs/formats/registre-exemple.csv', import.meta.url));

function unescapeAttribute(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function hidden(body: string, name: string): string {
  const match = body.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!match?.[1]) throw new Error(`champ caché ${name} absent`);
  return unescapeAttribute(match[1]);
}

for (const engine of testEngines()) {
  describe(`import du registre, page web (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      for (const role of ['admin', 'agent'] as const) {
        await createAccount(t.ctx, { email: `${role}@63.test`, role, organisationId, password: PASSWORD }, CLI_ACTOR);
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    async function as(role: string): Promise<TestBrowser> {
      const browser = new TestBrowser(app);
      await browser.login(`${role}@63.test`, PASSWORD);
      return browser;
    }

    async function upload(browser: TestBrowser, file: { filename: string; type: string; content: Buffer }, csrf?: string) {
      const token = csrf ?? (await browser.csrfFrom(PAGE));
      const { payload, contentType } = multipart({ _csrf: token }, file);
      return app.inject({
        method: 'POST',
        url: PAGE,
        payload,
        headers: { 'content-type': contentType, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
    }

    const caseCount = async () =>
      (await t.ctx.db.selectFrom('cases').select('id').where('organisation_id', '=', organisationId).execute()).length;

    it('montre le formulaire d’envoi au référent qualité, le refuse à un agent', async () => {
      const page = await (await as('admin')).get(PAGE);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>Importer le registre<\/h1>/);
      assert.match(page.body, /enctype="multipart\/form-data"/);
      const agent = await as('agent');
      assert.equal((await agent.get(PAGE)).statusCode, 403);
      const admin = await as('admin');
      const csrf = await admin.csrfFrom(PAGE);
      // Un agent, même avec un jeton valide de sa session, est refusé à l'envoi et à la confirmation.
      const agentCsrf = (await agent.get('/')).body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? csrf;
      const refused = await upload(agent, { filename: 'registre.csv', type: 'text/csv', content: SAMPLE }, agentCsrf);
      assert.equal(refused.statusCode, 403);
      const confirm = await agent.post(`${PAGE}/confirmer`, {
        _csrf: agentCsrf,
        fileName: 'x.csv',
        content: SAMPLE.toString('base64'),
      });
      assert.equal(confirm.statusCode, 403);
      assert.equal(await caseCount(), 0);
    });

    it('ligne en erreur : la prévisualisation montre la ligne et la raison, rien n’est écrit', async () => {
      const admin = await as('admin');
      const bad = Buffer.from(
        `${SAMPLE.toString('utf8').trim()}\nURNE-2026-099;plainte;urn;2026-03-20;;Accueil général;Objet;;public;\n`,
        'utf8',
      );
      const response = await upload(admin, { filename: 'registre.csv', type: 'text/csv', content: bad });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /Import refusé : aucune ligne n’a été enregistrée/);
      assert.match(response.body, /<td>ligne 12<\/td><td>kind « plainte » inconnu/);
      assert.equal(await caseCount(), 0);
    });

    it('CSV : prévisualisation sans écriture, puis confirmation qui importe', async () => {
      const admin = await as('admin');
      const preview = await upload(admin, { filename: 'registre-exemple.csv', type: 'text/csv', content: SAMPLE });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /<h1>Prévisualisation de l’import<\/h1>/);
      assert.match(preview.body, /10 dossiers seront créés/);
      assert.match(preview.body, /Services à créer : Accueil général, Bureau de la circulation/);
      assert.match(preview.body, /<td>URNE-2026-001<\/td>/);
      assert.match(preview.body, /Confirmer l’import/);
      assert.equal(await caseCount(), 0);

      const confirm = await admin.post(`${PAGE}/confirmer`, {
        _csrf: hidden(preview.body, '_csrf'),
        fileName: hidden(preview.body, 'fileName'),
        content: hidden(preview.body, 'content'),
      });
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /<h1>Import terminé<\/h1>/);
      assert.match(confirm.body, /<progress id="progression-import" max="100" value="100">/);
      assert.match(confirm.body, /10 dossiers créés/);
      assert.equal(await caseCount(), 10);
      const late = await t.ctx.db
        .selectFrom('cases')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('reference', '=', 'COUR-2026-014')
        .executeTakeFirstOrThrow();
      assert.equal(late.channel, 'letter');
      assert.equal(late.answered_local_date, '2026-03-09');
      assert.ok((late.due_date ?? '') < '2026-03-09', 'réponse en retard');
      const audit = await t.ctx.db.selectFrom('audit_events').selectAll().where('action', '=', 'cases.imported').execute();
      assert.equal(audit.length, 1);
      assert.match(audit[0]?.summary ?? '', /registre-exemple\.csv/);

      // Réimport du même fichier : tout est inchangé.
      const again = await upload(admin, { filename: 'registre-exemple.csv', type: 'text/csv', content: SAMPLE });
      assert.match(again.body, /10 dossiers inchangés/);
    });

    it('XLSX : la première feuille est lue comme le CSV', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Registre 2026');
      workbook.addWorksheet('Notes').addRow(['à ignorer']);
      sheet.addRow(['reference', 'kind', 'channel', 'received_at', 'answered_at', 'service', 'subject', 'theme']);
      sheet.addRow([
        'XL-001',
        'complaint',
        'urn',
        new Date(Date.UTC(2026, 2, 23)),
        null,
        'Accueil général',
        'Guichet fermé',
        'Signalétique',
      ]);
      sheet.addRow([
        'XL-002',
        'information_request',
        'email',
        new Date(Date.UTC(2026, 2, 24, 23, 30)),
        '2026-03-26',
        'Bureau du séjour',
        'Rendez-vous « titre de séjour »',
        '',
      ]);
      const content = Buffer.from(await workbook.xlsx.writeBuffer());
      const admin = await as('admin');
      const preview = await upload(admin, {
        filename: 'registre.xlsx',
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        content,
      });
      assert.equal(preview.statusCode, 200, preview.body.slice(0, 2000));
      assert.match(preview.body, /2 dossiers seront créés/);
      assert.match(preview.body, /<td>XL-002<\/td>/);
      const confirm = await admin.post(`${PAGE}/confirmer`, {
        _csrf: hidden(preview.body, '_csrf'),
        fileName: hidden(preview.body, 'fileName'),
        content: hidden(preview.body, 'content'),
      });
      assert.equal(confirm.statusCode, 200);
      const rows = await t.ctx.db
        .selectFrom('cases')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('reference', 'in', ['XL-001', 'XL-002'])
        .orderBy('reference')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.reference, r.received_local_date, r.subject]),
        [
          ['XL-001', '2026-03-23', 'Guichet fermé'],
          // Heure sans fuseau : heure locale du département (23 h 30 le 24 mars).
          ['XL-002', '2026-03-24', 'Rendez-vous « titre de séjour »'],
        ],
      );
    });

    it('sans fichier ou avec un classeur illisible : le formulaire revient avec une erreur', async () => {
      const admin = await as('admin');
      const csrf = await admin.csrfFrom(PAGE);
      const { payload, contentType } = multipart({ _csrf: csrf });
      const empty = await app.inject({
        method: 'POST',
        url: PAGE,
        payload,
        headers: { 'content-type': contentType, cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /choisissez un fichier CSV ou XLSX non vide/);
      const broken = await upload(admin, {
        filename: 'registre.xlsx',
        type: 'application/octet-stream',
        content: Buffer.from('PK\x03\x04pas un classeur'),
      });
      assert.equal(broken.statusCode, 400);
      assert.match(broken.body, /classeur Excel illisible/);
    });

    it('envoi sans jeton CSRF : 403', async () => {
      const admin = await as('admin');
      const { payload, contentType } = multipart({}, { filename: 'registre.csv', type: 'text/csv', content: SAMPLE });
      const response = await app.inject({
        method: 'POST',
        url: PAGE,
        payload,
        headers: { 'content-type': contentType, cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      assert.equal(response.statusCode, 403);
    });

    // Un seul exécuteur : il garde le bail d'un passage à l'autre (l'horloge des tests est figée).
    let runner: ReturnType<typeof createJobRunner> | undefined;
    const runJobs = () => {
      runner ??= createJobRunner(t.ctx);
      return runner.tick();
    };

    /** Un registre de `n` lignes de données, toutes valides. */
    function bigCsv(n: number, prefix: string): Buffer {
      const lines = ['reference,kind,channel,received_at,answered_at,service'];
      for (let i = 1; i <= n; i++) {
        lines.push(
          `${prefix}-${String(i).padStart(5, '0')},information_request,email,2026-03-02,${i % 2 ? '2026-03-04' : ''},Accueil général`,
        );
      }
      return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    }

    it('gros fichier (2 500 lignes) : confirmation → tâche de fond → page de suivi → terminé', async () => {
      const admin = await as('admin');
      const before = await caseCount();
      const preview = await upload(admin, { filename: 'gros-registre.csv', type: 'text/csv', content: bigCsv(2500, 'BIG') });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /2\u202f500 dossiers seront créés/);
      const confirm = await admin.post(`${PAGE}/confirmer`, {
        _csrf: hidden(preview.body, '_csrf'),
        fileName: hidden(preview.body, 'fileName'),
        content: hidden(preview.body, 'content'),
      });
      assert.equal(confirm.statusCode, 303);
      const location = String(confirm.headers.location);
      const jobId = location.match(/^\/registre\/import\/([^/?#]+)$/)?.[1];
      assert.ok(jobId, location);
      assert.equal(await caseCount(), before, 'rien n’est écrit avant la tâche');

      const waiting = await admin.get(location);
      assert.equal(waiting.statusCode, 200);
      // Rechargement par l'en-tête HTTP, annoncé et arrêtable (jamais de balise meta, refusée par axe).
      assert.equal(waiting.headers.refresh, '2');
      assert.match(waiting.body, /Arrêter la mise à jour automatique/);
      assert.doesNotMatch(waiting.body, /http-equiv="refresh"/);
      assert.equal((await admin.get(`${location}?auto=0`)).headers.refresh, undefined);
      assert.match(waiting.body, /<progress id="progression-import" max="2500" value="0">/);
      assert.match(waiting.body, /0 \/ 2\u202f500 dossiers/);

      // Un autre organisme ne voit pas la tâche ; un agent non plus.
      const otherId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      await createAccount(
        t.ctx,
        { email: 'admin@03.test', role: 'admin', organisationId: otherId, password: PASSWORD },
        CLI_ACTOR,
      );
      const foreign = new TestBrowser(app);
      await foreign.login('admin@03.test', PASSWORD);
      assert.equal((await foreign.get(location)).statusCode, 404);
      assert.equal((await (await as('agent')).get(location)).statusCode, 403);

      const { ran } = await runJobs();
      assert.ok(ran >= 1);
      const job = await findJob(t.ctx.db, jobId);
      assert.equal(job?.status, 'done');
      assert.equal(await caseCount(), before + 2500);

      const done = await admin.get(location);
      assert.equal(done.statusCode, 200);
      assert.equal(done.headers.refresh, undefined);
      assert.match(done.body, /<h1>Import terminé<\/h1>/);
      assert.match(done.body, /2\u202f500 dossiers créés/);
    });

    it('gros fichier en erreur : refusé dès la prévisualisation, aucune tâche', async () => {
      const admin = await as('admin');
      const jobsBefore = (await listJobsByKind(t.ctx.db, CASE_IMPORT_JOB)).length;
      const bad = Buffer.concat([bigCsv(2500, 'BAD'), Buffer.from('BAD-X,plainte,email,2026-03-02,,Accueil général\n')]);
      const preview = await upload(admin, { filename: 'gros-faux.csv', type: 'text/csv', content: bad });
      assert.equal(preview.statusCode, 400);
      assert.match(preview.body, /kind « plainte » inconnu/);
      assert.equal((await listJobsByKind(t.ctx.db, CASE_IMPORT_JOB)).length, jobsBefore);
    });

    it('tâche d’import refusée à l’exécution : résultat en erreur enregistré, sans nouvelle tentative', async () => {
      const admin = await as('admin');
      const csv = `${bigCsv(3, 'LATE').toString('utf8')}LATE-X,plainte,email,2026-03-02,,Accueil général\n`;
      const jobId = await enqueueCaseImport(t.ctx, {
        organisationId,
        csv,
        fileName: 'tardif.csv',
        actorUserId: null,
        actorLabel: 'Test',
        total: 4,
      });
      const page = await admin.get(`${PAGE}/${jobId}`);
      assert.equal(page.headers.refresh, '2');
      await runJobs();
      const job = await findJob(t.ctx.db, jobId);
      assert.equal(job?.status, 'done');
      assert.equal(Number(job?.attempts), 1);
      const result = await admin.get(`${PAGE}/${jobId}`);
      assert.match(result.body, /Import refusé : aucune ligne n’a été enregistrée/);
      assert.match(result.body, /<td>ligne 5<\/td><td>kind « plainte » inconnu/);
    });
  });
}
