import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { multipart, signedIn, type TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { closeCase, createCase } from './case.service.ts';
import { safeFilename } from './case-attachment.service.ts';
import { purgeCasePersonalData } from './case-retention.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('1 0 obj << >> endobj\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

for (const engine of testEngines()) {
  describe(`pièces jointes d'un dossier (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let caseId: string;
    let foreignCaseId: string;

    before(async () => {
      t = await createTestContext(engine);
      t.clock.set('2026-04-15T08:00:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      for (const role of ['admin', 'agent', 'auditor'] as const) {
        await createAccount(t.ctx, { email: `${role}@63.test`, role, organisationId, password: PASSWORD }, CLI_ACTOR);
      }
      await createAccount(t.ctx, { email: 'admin@15.test', role: 'admin', organisationId: other, password: PASSWORD }, CLI_ACTOR);
      caseId = (
        await createCase(t.ctx, organisationId, { kind: 'complaint', channel: 'letter', receivedAt: '2026-04-14' }, CLI_ACTOR)
      ).id;
      foreignCaseId = (
        await createCase(t.ctx, other, { kind: 'complaint', channel: 'letter', receivedAt: '2026-04-14' }, CLI_ACTOR)
      ).id;
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    const as = (email: string) => signedIn(app, email, PASSWORD);

    function cookieOf(browser: TestBrowser): string {
      return [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }

    async function upload(
      browser: TestBrowser,
      id: string,
      file: { filename: string; type: string; content: Buffer },
      csrf: string | null,
    ) {
      const { payload, contentType } = multipart(csrf === null ? {} : { _csrf: csrf }, file);
      return app.inject({
        method: 'POST',
        url: `/registre/${id}/pieces-jointes`,
        payload,
        headers: { 'content-type': contentType, cookie: cookieOf(browser) },
      });
    }

    const attachmentRows = (id = caseId) =>
      t.ctx.db.selectFrom('case_attachments').select(['id', 'filename', 'size']).where('case_id', '=', id).execute();

    it('envoi d’un PDF et d’un PNG, téléchargement à l’identique', async () => {
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${caseId}`);
      const page = await agent.get(`/registre/${caseId}`);
      assert.match(page.body, /enctype="multipart\/form-data"/);
      assert.match(page.body, /PDF, JPEG, PNG ou TIFF, 10 Mo au plus/);

      const pdf = await upload(
        agent,
        caseId,
        { filename: 'C:\\scans\\courrier de M. Dupont.pdf', type: 'application/pdf', content: PDF },
        csrf,
      );
      assert.equal(pdf.statusCode, 303, pdf.body.slice(0, 500));
      const png = await upload(agent, caseId, { filename: 'formulaire-urne.png', type: 'image/png', content: PNG }, csrf);
      assert.equal(png.statusCode, 303);
      const rows = await attachmentRows();
      assert.deepEqual(rows.map((r) => r.filename).sort(), ['courrier de M. Dupont.pdf', 'formulaire-urne.png']);

      const detail = await agent.get(`/registre/${caseId}`);
      assert.match(detail.body, /courrier de M\. Dupont\.pdf/);
      assert.match(detail.body, /Pièce jointe ajoutée : formulaire-urne\.png \(72\u00a0o\)/);
      assert.match(detail.body, /pieces-jointes\/[^"]+\/supprimer/);

      const pdfId = rows.find((r) => r.filename.endsWith('.pdf'))?.id;
      const download = await agent.get(`/registre/${caseId}/pieces-jointes/${pdfId}`);
      assert.equal(download.statusCode, 200);
      assert.equal(download.headers['content-type'], 'application/pdf');
      assert.equal(download.headers['x-content-type-options'], 'nosniff');
      assert.equal(
        download.headers['content-disposition'],
        `attachment; filename="courrier de M. Dupont.pdf"; filename*=UTF-8''courrier%20de%20M.%20Dupont.pdf`,
      );
      assert.deepEqual(download.rawPayload, PDF);
      const pngId = rows.find((r) => r.filename.endsWith('.png'))?.id;
      const pngDownload = await agent.get(`/registre/${caseId}/pieces-jointes/${pngId}`);
      assert.equal(pngDownload.headers['content-type'], 'image/png');
      assert.deepEqual(pngDownload.rawPayload, PNG);

      // L'audit ne garde jamais le contenu.
      const audit = await t.ctx.db.selectFrom('audit_events').selectAll().where('action', '=', 'case.attachment_added').execute();
      assert.equal(audit.length, 2);
      assert.ok(audit.every((a) => !(a.after_json ?? '').includes('%PDF') && !(a.after_json ?? '').includes('content"')));
    });

    it('fichier de 11 Mo ou 50 Mo : message français sur le champ, rien n’est enregistré', async () => {
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${caseId}`);
      const before = (await attachmentRows()).length;
      for (const megabytes of [11, 50]) {
        const big = Buffer.concat([PDF, Buffer.alloc(megabytes * 1024 * 1024, 0x20)]);
        const response = await upload(agent, caseId, { filename: 'gros.pdf', type: 'application/pdf', content: big }, csrf);
        assert.equal(response.statusCode, 413, `${megabytes} Mo`);
        assert.match(response.body, /Pièce jointe : 10 Mo au plus/);
        assert.equal((await attachmentRows()).length, before);
      }
    });

    it('mauvais type : exécutable renommé en .pdf, texte, type déclaré faux : refusés', async () => {
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${caseId}`);
      const before = (await attachmentRows()).length;
      const exe = Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(100)]);
      for (const file of [
        { filename: 'facture.pdf', type: 'application/pdf', content: exe },
        { filename: 'note.pdf', type: 'application/pdf', content: Buffer.from('simple texte') },
        { filename: 'note.txt', type: 'text/plain', content: PDF },
        { filename: 'image.png', type: 'image/png', content: PDF },
      ]) {
        const response = await upload(agent, caseId, file, csrf);
        assert.equal(response.statusCode, 400, file.filename);
        assert.match(response.body, /PDF, JPEG, PNG ou TIFF seulement/);
      }
      assert.equal((await attachmentRows()).length, before);
    });

    it('autre organisation : 404 ; auditeur : lecture sans envoi ; sans jeton CSRF : 403', async () => {
      const [first] = await attachmentRows();
      assert.ok(first);
      const foreign = await as('admin@15.test');
      assert.equal((await foreign.get(`/registre/${caseId}/pieces-jointes/${first.id}`)).statusCode, 404);
      assert.equal((await foreign.get(`/registre/${foreignCaseId}/pieces-jointes/${first.id}`)).statusCode, 404);
      const foreignCsrf = await foreign.csrfFrom(`/registre/${foreignCaseId}`);
      const cross = await foreign.post(`/registre/${caseId}/pieces-jointes/${first.id}/supprimer`, { _csrf: foreignCsrf });
      assert.equal(cross.statusCode, 404);

      const auditor = await as('auditor@63.test');
      const read = await auditor.get(`/registre/${caseId}/pieces-jointes/${first.id}`);
      assert.equal(read.statusCode, 200);
      const detail = await auditor.get(`/registre/${caseId}`);
      assert.doesNotMatch(detail.body, /enctype="multipart\/form-data"/);
      const auditorCsrf = detail.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      const refused = await upload(auditor, caseId, { filename: 'a.pdf', type: 'application/pdf', content: PDF }, auditorCsrf);
      assert.equal(refused.statusCode, 403);

      const agent = await as('agent@63.test');
      await agent.get(`/registre/${caseId}`);
      const noCsrf = await upload(agent, caseId, { filename: 'a.pdf', type: 'application/pdf', content: PDF }, null);
      assert.equal(noCsrf.statusCode, 403);
      assert.equal((await attachmentRows()).length, 2);
    });

    it('suppression par un agent : événement et audit', async () => {
      const agent = await as('agent@63.test');
      const csrf = await agent.csrfFrom(`/registre/${caseId}`);
      const [first] = await attachmentRows();
      assert.ok(first);
      const response = await agent.post(`/registre/${caseId}/pieces-jointes/${first.id}/supprimer`, { _csrf: csrf });
      assert.equal(response.statusCode, 303);
      assert.equal((await attachmentRows()).length, 1);
      const detail = await agent.get(`/registre/${caseId}`);
      assert.match(detail.body, /Pièce jointe supprimée : /);
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'case.attachment_removed')
        .execute();
      assert.equal(audit.length, 1);
    });

    it('la purge de conservation efface les pièces jointes d’un dossier clos', async () => {
      assert.equal((await attachmentRows()).length, 1);
      await closeCase(t.ctx, organisationId, caseId, CLI_ACTOR);
      t.clock.set('2036-04-15T08:00:00.000Z');
      const result = await purgeCasePersonalData(t.ctx);
      assert.ok(result.cases.some((c) => c.id === caseId));
      assert.equal((await attachmentRows()).length, 0);
    });
  });
}

describe('nom de fichier sûr', () => {
  it('retire chemins et caractères de contrôle, limite à 120 caractères en gardant l’extension', () => {
    assert.equal(safeFilename('../../etc/passwd'), 'passwd');
    assert.equal(safeFilename('a\u0000b\u001fc\r\n.pdf'), 'abc.pdf');
    assert.equal(safeFilename(''), 'piece-jointe');
    const long = safeFilename(`${'é'.repeat(200)}.pdf`);
    assert.equal([...long].length, 120);
    assert.ok(long.endsWith('.pdf'));
  });
});
