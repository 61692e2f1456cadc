import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { pdfFonts, pdfText } from '../../../test/helpers/documents.ts';
import { signedIn, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation, updatePerimeter } from '../organisations/organisation.service.ts';
import { recordValue } from './indicator.service.ts';
import { latestPublications, publishPoster, publishTable } from './publication.service.ts';
import { transparencyPosterPdf } from './transparency-poster.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

function hasPdftoppm(): boolean {
  return spawnSync('pdftoppm', ['-v']).error === undefined;
}

for (const engine of testEngines()) {
  describe(`publications et affiche « Transparence publique » (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'pdd', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      await updatePerimeter(t.ctx, organisationId, { modules: ['1', '2'], hasCert: 'on' }, CLI_ACTOR);
      await createAccount(t.ctx, { email: 'referent@63.test', role: 'admin', organisationId, password: PASSWORD }, CLI_ACTOR);
      await createAccount(t.ctx, { email: 'agent@63.test', role: 'agent', organisationId, password: PASSWORD }, CLI_ACTOR);
      for (const [month, answered] of [
        ['2026-01', '3649'],
        ['2026-02', '3690'],
        ['2026-03', '3731'],
      ] as const) {
        await recordValue(
          t.ctx,
          organisationId,
          'TEL_ABOUTIS',
          { month, status: 'measured', numerator: answered, denominator: '4100' },
          CLI_ACTOR,
        );
        await recordValue(
          t.ctx,
          organisationId,
          'TP_CNI_PASS',
          { month, status: 'measured', numerator: '16000', denominator: '1000' },
          CLI_ACTOR,
        );
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('une publication reste inchangée après une correction ; republier crée la version 2', async () => {
      const first = await publishPoster(t.ctx, organisationId, '2026-Q1', CLI_ACTOR);
      const table = await publishTable(t.ctx, organisationId, 2026, '2026-04-02', CLI_ACTOR);
      assert.equal(first.version, 1);
      assert.equal(first.snapshot.kind === 'poster' && first.snapshot.figures.items[0]?.text, '90\u202f%');
      // Correction de mars après publication : la valeur vivante change, pas la publication.
      await recordValue(
        t.ctx,
        organisationId,
        'TEL_ABOUTIS',
        { month: '2026-03', status: 'measured', numerator: '4100', denominator: '4100' },
        CLI_ACTOR,
      );
      const latest = await latestPublications(t.ctx, organisationId);
      assert.equal(latest.poster?.id, first.id);
      assert.equal(latest.poster?.snapshot.kind === 'poster' && latest.poster.snapshot.figures.items[0]?.text, '90\u202f%');
      const frozen = latest.table?.snapshot.kind === 'table' ? latest.table.snapshot.table : null;
      assert.equal(frozen?.rows.find((r) => r.indicator.key === 'TEL_ABOUTIS')?.months[2]?.value, 91);
      assert.equal(table.id, latest.table?.id);
      const second = await publishPoster(t.ctx, organisationId, '2026-Q1', CLI_ACTOR);
      assert.equal(second.version, 2);
      assert.equal(second.snapshot.kind === 'poster' && second.snapshot.figures.items[0]?.text, '93\u202f%');
      const page = await app.inject({ method: 'GET', url: '/o/pdd/resultats' });
      assert.equal(page.statusCode, 200, 'page publique, sans connexion');
      assert.match(page.body, /93\u202f%/);
      assert.match(page.body, /Publications précédentes/);
      const old = await app.inject({ method: 'GET', url: `/o/pdd/resultats/${first.id}` });
      assert.match(old.body, /90\u202f%/);
      assert.equal((await app.inject({ method: 'GET', url: '/o/pdd/resultats/inconnue' })).statusCode, 404);
    });

    it('l’affiche PDF incorpore une police qui a l’espace fine insécable, et se rend en image', async () => {
      const response = await app.inject({ method: 'GET', url: '/o/pdd/resultats' });
      const id = /\/o\/pdd\/resultats\/([^/"]+)\/affiche\.pdf/.exec(response.body)?.[1];
      assert.ok(id);
      const pdfResponse = await app.inject({ method: 'GET', url: `/o/pdd/resultats/${id}/affiche.pdf?format=A3` });
      assert.equal(pdfResponse.statusCode, 200);
      assert.equal(pdfResponse.headers['content-type'], 'application/pdf');
      const pdf = pdfResponse.rawPayload;
      assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 841\.89 1190\.55\]/, 'format A3');
      const fonts = pdfFonts(pdf);
      assert.ok(fonts.length > 0 && fonts.every((f) => f.embedded), 'police incorporée');
      const text = pdfText(pdf);
      assert.match(text, /Transparence publique/);
      assert.ok(text.includes('93\u202f%'), 'espace fine insécable U+202F dans le PDF');
      assert.match(text, /16\u202fjours/);
    });

    it('rendue en PNG (pdftoppm) : une page non vide', { skip: !hasPdftoppm() && 'pdftoppm absent' }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigie-transparence-'));
      try {
        const pdfPath = join(dir, 'affiche.pdf');
        writeFileSync(
          pdfPath,
          await transparencyPosterPdf({
            organisationName: 'Préfecture du Puy-de-Dôme',
            prefect: 'Préfet du Puy-de-Dôme',
            quarter: '2026-Q1',
            quarterLabel: '1er trimestre 2026',
            asOf: '2026-04-02',
            items: [
              { key: 'TEL_ABOUTIS', label: 'des appels aboutis', text: '90\u202f%', detail: '11\u202f070 sur 12\u202f300' },
            ],
          }),
        );
        const result = spawnSync('pdftoppm', ['-png', '-r', '40', pdfPath, join(dir, 'page')]);
        assert.equal(result.status, 0, result.stderr?.toString());
        const images = readdirSync(dir).filter((f) => f.endsWith('.png'));
        assert.equal(images.length, 1);
        assert.ok(statSync(join(dir, images[0] ?? '')).size > 2000, 'image vide');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('seul le référent publie ; l’agent voit l’aperçu ; un trimestre mal écrit est refusé en français', async () => {
      const agent = await signedIn(app, 'agent@63.test', PASSWORD);
      const page = await agent.get('/indicateurs/publications?trimestre=2026-Q1');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /Publier l’affiche/);
      const csrf = await agent.csrfFrom('/indicateurs/publications?trimestre=2026-Q1');
      assert.equal(
        (await agent.post('/indicateurs/publications/affiche', { _csrf: csrf, trimestre: '2026-Q1' })).statusCode,
        403,
      );
      const admin = await signedIn(app, 'referent@63.test', PASSWORD);
      const adminCsrf = await admin.csrfFrom('/indicateurs/publications');
      const refused = await admin.post('/indicateurs/publications/affiche', { _csrf: adminCsrf, trimestre: '2026-T5' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /attendu sous la forme 2026-Q3/);
      const preview = await admin.get('/indicateurs/affiche.pdf?trimestre=2026-Q1');
      assert.equal(preview.statusCode, 200);
      assert.equal(preview.headers['content-type'], 'application/pdf');
    });
  });
}
