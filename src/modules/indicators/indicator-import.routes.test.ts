import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { multipart, TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createJobRunner } from '../../app.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { findJob } from '../jobs/job.repository.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { addLocalIndicator } from './indicator.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000';
const PAGE = '/indicateurs/import';
const TELEPHONY = readFileSync(new URL('../../../docs/formats/indicateurs-telephony-exemple.csv', import.meta.url));
const LOCAL = readFileSync(new URL('../../../docs/formats/indicateurs-local-exemple.csv', import.meta.url));

function unescapeAttribute(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#96;', '`')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** Les champs d'un formulaire de la page : champs cachés et option choisie de chaque liste. */
function formFields(body: string, action: string): Record<string, string> {
  const start = body.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `formulaire ${action} absent`);
  const form = body.slice(start, body.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1] ?? ''] = unescapeAttribute(match[2] ?? '');
  }
  for (const match of form.matchAll(/<select[^>]* name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected>/.exec(match[2] ?? '');
    fields[match[1] ?? ''] = unescapeAttribute(selected?.[1] ?? '');
  }
  return fields;
}

for (const engine of testEngines()) {
  describe(`import des indicateurs, pages web (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      for (const role of ['admin', 'agent', 'clu_member'] as const) {
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

    async function upload(
      browser: TestBrowser,
      fields: Record<string, string>,
      file?: { filename: string; type: string; content: Buffer },
      csrf?: string,
    ) {
      const token = csrf ?? (await browser.csrfFrom(PAGE));
      const { payload, contentType } = multipart({ _csrf: token, ...fields }, file);
      return app.inject({
        method: 'POST',
        url: PAGE,
        payload,
        headers: { 'content-type': contentType, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
    }

    const csvFile = (content: Buffer | string, filename = 'indicateurs.csv') => ({
      filename,
      type: 'text/csv',
      content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    });

    const storedCount = async () =>
      (await t.ctx.db.selectFrom('indicator_values').select('id').where('organisation_id', '=', organisationId).execute()).length;

    it('le formulaire est ouvert au référent et aux agents, fermé au CLU ; sans jeton CSRF : 403', async () => {
      for (const role of ['admin', 'agent']) {
        const page = await (await as(role)).get(PAGE);
        assert.equal(page.statusCode, 200, role);
        assert.match(page.body, /<h1>Importer des indicateurs<\/h1>/);
        assert.match(page.body, /enctype="multipart\/form-data"/);
        assert.match(page.body, /<option value="telephony">Téléphonie<\/option>/);
        assert.match(page.body, /name="year" value="2026"/);
      }
      assert.equal((await (await as('clu_member')).get(PAGE)).statusCode, 403);
      const admin = await as('admin');
      const { payload, contentType } = multipart({ source: 'telephony', year: '2026' }, csvFile(TELEPHONY));
      const refused = await app.inject({
        method: 'POST',
        url: PAGE,
        payload,
        headers: { 'content-type': contentType, cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      assert.equal(refused.statusCode, 403);
    });

    it('sans fichier, source ou année valable : le formulaire revient avec les erreurs', async () => {
      const admin = await as('admin');
      const response = await upload(admin, { source: 'fax', year: '1990' });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /Source : choisissez une des sources proposées/);
      assert.match(response.body, /Année : entre 2000 et 2100/);
      assert.match(response.body, /choisissez un fichier CSV ou XLSX non vide/);
      const empty = await upload(admin, { source: 'telephony', year: '2026' }, csvFile('date;appels_recus;appels_aboutis\n'));
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /<td>ligne 2<\/td><td>fichier vide/);
    });

    it('fichier d’exemple : correspondance proposée → prévisualisation sans écriture → confirmation par un agent', async () => {
      const agent = await as('agent');
      const mappingPage = await upload(agent, { source: 'telephony', year: '2026' }, csvFile(TELEPHONY, 'telephonie.csv'));
      assert.equal(mappingPage.statusCode, 200, mappingPage.body.slice(0, 500));
      assert.match(mappingPage.body, /<h1>Correspondance des colonnes<\/h1>/);
      assert.match(mappingPage.body, /27 lignes de données/);
      const mapped = formFields(mappingPage.body, `${PAGE}/apercu`);
      assert.deepEqual(
        [
          mapped.colonne_date,
          mapped.colonne_appels_recus,
          mapped.colonne_appels_aboutis,
          mapped.colonne_service,
          mapped.colonne_note,
        ],
        ['date', 'appels_recus', 'appels_aboutis', '', 'note'],
      );
      const preview = await agent.post(`${PAGE}/apercu`, mapped);
      assert.equal(preview.statusCode, 200, preview.body.slice(0, 2000));
      assert.match(preview.body, /<h1>Prévisualisation de l’import<\/h1>/);
      assert.match(preview.body, /6 valeurs mensuelles seront enregistrées \(janvier 2026 à juin 2026\)/);
      assert.match(preview.body, /Aucune valeur déjà enregistrée pour ces mois/);
      assert.match(
        preview.body,
        /<td><strong>IM714<\/strong> Taux d&#39;appels aboutis général<\/td><td>janvier 2026<\/td><td>—<\/td><td>89\u202f%<\/td><td>11\u202f107 \/ 12\u202f480<\/td>/,
      );
      assert.equal(await storedCount(), 0);
      const done = await agent.post(`${PAGE}/confirmer`, formFields(preview.body, `${PAGE}/confirmer`));
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /<h1>Import terminé<\/h1>/);
      assert.match(done.body, /<progress id="progression-import" max="27" value="27">/);
      assert.equal(await storedCount(), 6);

      // Second envoi du même fichier : la prévisualisation annonce le remplacement.
      const again = await upload(agent, { source: 'telephony', year: '2026' }, csvFile(TELEPHONY, 'telephonie.csv'));
      const previewAgain = await agent.post(`${PAGE}/apercu`, formFields(again.body, `${PAGE}/apercu`));
      assert.match(previewAgain.body, /Remplace 6 valeurs déjà enregistrées pour ces mois/);
    });

    it('intitulés différents : la correspondance choisie est exigée, puis retenue pour la source', async () => {
      const admin = await as('admin');
      const csv = 'Période;Audience IDE;Commentaire\n2026-01;53156;\n2026-02;46512;refonte du site\n';
      const mappingPage = await upload(admin, { source: 'web_analytics', year: '2026' }, csvFile(csv, 'matomo.csv'));
      const mapped = formFields(mappingPage.body, `${PAGE}/apercu`);
      assert.equal(mapped.colonne_mois, 'Période');
      assert.equal(mapped.colonne_visites, '', 'aucun intitulé ne ressemble à « visites »');
      assert.match(mappingPage.body, /Audience IDE \(ex\. : 53156 ; 46512\)/);
      const incomplete = await admin.post(`${PAGE}/apercu`, mapped);
      assert.equal(incomplete.statusCode, 400);
      assert.match(incomplete.body, /Correspondance incomplète/);
      assert.match(incomplete.body, /id="champ-colonne_visites-erreur">visites : colonne obligatoire/);
      const preview = await admin.post(`${PAGE}/apercu`, {
        ...mapped,
        colonne_visites: 'Audience IDE',
        colonne_note: 'Commentaire',
      });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /<td>8\u202f%<\/td>/);
      const done = await admin.post(`${PAGE}/confirmer`, formFields(preview.body, `${PAGE}/confirmer`));
      assert.equal(done.statusCode, 200);
      const next = await upload(admin, { source: 'web_analytics', year: '2026' }, csvFile(csv, 'matomo.csv'));
      assert.match(next.body, /La correspondance retenue lors du dernier import de cette source est proposée/);
      assert.equal(formFields(next.body, `${PAGE}/apercu`).colonne_visites, 'Audience IDE');
    });

    it('lignes en erreur : le tableau donne ligne et raison, rien n’est écrit', async () => {
      const admin = await as('admin');
      const before = await storedCount();
      const csv = 'mois;reseau;engagements;impressions;vues\n2026-01;Facebook;900;800;10\n2025-12;X;1;10;10\n';
      const mappingPage = await upload(admin, { source: 'social', year: '2026' }, csvFile(csv));
      const response = await admin.post(`${PAGE}/apercu`, formFields(mappingPage.body, `${PAGE}/apercu`));
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /Import refusé : aucune ligne n’a été enregistrée/);
      assert.match(response.body, /<td>ligne 2<\/td><td>engagements \(900\) supérieurs aux impressions \(800\)<\/td>/);
      assert.match(response.body, /<td>ligne 3<\/td><td>mois 2025-12 hors de l’année 2026 choisie pour l’import<\/td>/);
      // Contenu altéré entre deux étapes : refusé.
      const altered = await admin.post(`${PAGE}/confirmer`, {
        ...formFields(mappingPage.body, `${PAGE}/apercu`),
        content: '%%%',
      });
      assert.equal(altered.statusCode, 400);
      assert.match(altered.body, /manquant ou altéré/);
      assert.equal(await storedCount(), before);
    });

    // Un seul exécuteur : il garde le bail d'un passage à l'autre (l'horloge des tests est figée).
    let runner: ReturnType<typeof createJobRunner> | undefined;
    const runJobs = () => {
      runner ??= createJobRunner(t.ctx);
      return runner.tick();
    };

    it('gros fichier (365 jours × 7 services) : confirmation → tâche de fond → page de suivi → terminé', async () => {
      const lines = ['date;service;appels_recus;appels_aboutis'];
      for (let day = 0; day < 365; day++) {
        const date = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
        for (let s = 1; s <= 7; s++) lines.push(`${date};File ${s};${100 + s};${90 + s}`);
      }
      const admin = await as('admin');
      const mappingPage = await upload(
        admin,
        { source: 'telephony', year: '2025' },
        csvFile(`${lines.join('\n')}\n`, 'gros.csv'),
      );
      assert.match(mappingPage.body, /2\u202f555 lignes de données/);
      const preview = await admin.post(`${PAGE}/apercu`, formFields(mappingPage.body, `${PAGE}/apercu`));
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /12 valeurs mensuelles seront enregistrées/);
      assert.match(preview.body, /l’import se fera en tâche de fond/);
      const confirm = await admin.post(`${PAGE}/confirmer`, formFields(preview.body, `${PAGE}/confirmer`));
      assert.equal(confirm.statusCode, 303);
      const location = String(confirm.headers.location);
      const jobId = location.match(/^\/indicateurs\/import\/([^/?#]+)$/)?.[1];
      assert.ok(jobId, location);
      const waiting = await admin.get(location);
      // Rechargement par l'en-tête HTTP, annoncé et arrêtable (jamais de balise meta, refusée par axe).
      assert.equal(waiting.headers.refresh, '2');
      assert.match(waiting.body, /Arrêter la mise à jour automatique/);
      assert.doesNotMatch(waiting.body, /http-equiv="refresh"/);
      assert.equal((await admin.get(`${location}?auto=0`)).headers.refresh, undefined);
      assert.match(waiting.body, /<progress id="progression-import" max="2555" value="0">/);

      // Une autre préfecture ne voit pas la tâche.
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

      await runJobs();
      const job = await findJob(t.ctx.db, jobId);
      assert.equal(job?.status, 'done');
      const progress = JSON.parse(job?.progress_json ?? '{}') as { done: number; total: number };
      assert.deepEqual([progress.done, progress.total], [2555, 2555]);
      const done = await admin.get(location);
      assert.equal(done.headers.refresh, undefined);
      assert.match(done.body, /<h1>Import terminé<\/h1>/);
      assert.match(done.body, /12 valeurs enregistrées/);
      const january = await t.ctx.db
        .selectFrom('indicator_values')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('indicator_key', '=', 'TEL_ABOUTIS')
        .where('month', '=', '2025-01')
        .executeTakeFirstOrThrow();
      // 31 jours × (101 + … + 107) reçus, 31 × (91 + … + 97) aboutis.
      assert.deepEqual([january.numerator, january.denominator], [31 * 658, 31 * 728]);
    });

    it('indicateurs locaux : source proposée, correspondance du fichier d’exemple, aperçu avec les libellés', async () => {
      for (const [label, unit] of [
        ['Usagers guichet étrangers', 'count'],
        ['RDV séjour honorés', 'percent'],
        ['Délai moyen d’obtention d’un rendez-vous naturalisation', 'days'],
      ] as const) {
        await addLocalIndicator(t.ctx, organisationId, { label, unit, direction: 'none', source: 'import' }, CLI_ACTOR);
      }
      const admin = await as('admin');
      const form = await admin.get(PAGE);
      assert.match(form.body, /<option value="local">Indicateurs locaux<\/option>/);
      assert.match(form.body, /les indicateurs locaux de l’organisation \(LOC_…\)/);

      const mappingPage = await upload(admin, { source: 'local', year: '2026' }, csvFile(LOCAL, 'locaux.csv'));
      assert.equal(mappingPage.statusCode, 200, mappingPage.body.slice(0, 500));
      assert.match(mappingPage.body, /source Indicateurs locaux, année 2026, 9 lignes de données/);
      assert.match(mappingPage.body, /Clé de l’indicateur local \(LOC_…\) ou son libellé/);
      const mapped = formFields(mappingPage.body, `${PAGE}/apercu`);
      assert.deepEqual(
        ['mois', 'indicateur', 'valeur', 'numerateur', 'denominateur', 'statut', 'note'].map((c) => mapped[`colonne_${c}`]),
        ['mois', 'indicateur', 'valeur', 'numerateur', 'denominateur', 'statut', 'note'],
      );
      const before = await storedCount();
      const preview = await admin.post(`${PAGE}/apercu`, mapped);
      assert.equal(preview.statusCode, 200, preview.body.slice(0, 2000));
      assert.match(preview.body, /9 valeurs mensuelles seront enregistrées \(janvier 2026 à mars 2026\)/);
      assert.match(
        preview.body,
        /<td>RDV séjour honorés<\/td><td>janvier 2026<\/td><td>—<\/td><td>88,61\u202f%<\/td><td>1\u202f120 \/ 1\u202f264<\/td>/,
      );
      assert.match(preview.body, /Sans objet \(prise de rendez-vous suspendue tout le mois\)/);
      assert.equal(await storedCount(), before, 'la prévisualisation n’écrit rien');
      const done = await admin.post(`${PAGE}/confirmer`, formFields(preview.body, `${PAGE}/confirmer`));
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /Indicateurs locaux 2026 importé depuis locaux\.csv/);
      assert.equal(await storedCount(), before + 9);

      // numerateur sans denominateur : la correspondance est refusée sur la colonne manquante.
      const partial = await upload(
        admin,
        { source: 'local', year: '2026' },
        csvFile('Mois;Clé;Numérateur\n2026-04;LOC_RDV_SEJOUR_HONORES;12\n', 'partiel.csv'),
      );
      const partialMapping = formFields(partial.body, `${PAGE}/apercu`);
      assert.deepEqual([partialMapping.colonne_indicateur, partialMapping.colonne_numerateur], ['Clé', 'Numérateur']);
      const incomplete = await admin.post(`${PAGE}/apercu`, partialMapping);
      assert.equal(incomplete.statusCode, 400);
      assert.match(incomplete.body, /id="champ-colonne_denominateur-erreur">denominateur : numerateur est associée/);
    });
  });
}
