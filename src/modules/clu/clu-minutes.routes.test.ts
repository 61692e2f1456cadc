import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { pdfFonts, pdfText, readZip, wordText } from '../../../test/helpers/documents.ts';
import { TestBrowser, testApp } from '../../../test/helpers/http.ts';
import { officeToPdf, resolveSoffice } from '../../shared/office-pdf.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { recordValue, setTarget } from '../indicators/indicator.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { deckSnapshotFor } from './clu-deck.service.ts';
import { minutesDocx } from './clu-minutes.service.ts';
import { minutesFigures, NO_ATTENDEE } from './clu-minutes.ts';

const PASSWORD = 'Moulins-sur-Allier 03000';
const NOW = '2026-04-02T08:30:00.000Z';

/** Une réunion écrite directement en base (les écrans des réunions sont testés à part). */
async function insertMeeting(
  t: TestContext,
  organisationId: string,
  id: string,
  options: { withAttendees: boolean; startsAt?: string },
): Promise<void> {
  const db = t.ctx.db;
  await db
    .insertInto('clu_meetings')
    .values({
      id,
      organisation_id: organisationId,
      starts_at: options.startsAt ?? '2026-03-10T10:30',
      duration_minutes: 120,
      place: 'Préfecture, salle Marianne',
      chair: 'M. Alexandre SANZ, secrétaire général de la préfecture de l’Allier',
      period_from: '2025-01-01',
      period_to: '2025-12-31',
      agenda_json: JSON.stringify([
        { key: 'demarche', title: 'Rôle et composition du comité' },
        { key: 'surveys', title: 'Résultats des enquêtes de satisfaction' },
        { key: 'indicators', title: 'Résultats des indicateurs qualité' },
        { key: 'complaints', title: 'Réclamations et suggestions' },
        { key: 'questions', title: 'Questions et propositions des membres' },
      ]),
      invitations_sent_at: null,
      minutes_json: null,
      minutes_approved_at: null,
      minutes_approved_by_name: null,
      deck_publication_id: null,
      minutes_publication_id: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  if (!options.withAttendees) return;
  const ufc = `${id}-ufc`;
  const cci = `${id}-cci`;
  await db
    .insertInto('clu_member_organisations')
    .values([
      {
        id: ufc,
        organisation_id: organisationId,
        name: 'UFC Que Choisir de l’Allier',
        category: 'consumers_association',
        email: null,
        postal_address: null,
        created_at: NOW,
        updated_at: NOW,
      },
      {
        id: cci,
        organisation_id: organisationId,
        name: 'Chambre de commerce et d’industrie de l’Allier',
        category: 'consular_chamber',
        email: null,
        postal_address: null,
        created_at: NOW,
        updated_at: NOW,
      },
    ])
    .execute();
  const member = (suffix: string, org: string, civility: string, first: string, last: string, fn: string | null) => ({
    id: `${id}-${suffix}`,
    organisation_id: organisationId,
    member_organisation_id: org,
    civility,
    first_name: first,
    last_name: last,
    function: fn,
    email: null,
    phone: null,
    postal_address: '1 rue de Paris, 03000 Moulins',
    removed_at: null,
    erased_at: null,
    created_at: NOW,
    updated_at: NOW,
  });
  await db
    .insertInto('clu_members')
    .values([member('luc', ufc, 'M.', 'Luc', 'Maillard', 'président'), member('annie', cci, 'Mme', 'Annie', 'Charmant', null)])
    .execute();
  await db
    .insertInto('clu_attendances')
    .values([
      { meeting_id: id, member_id: `${id}-luc`, status: 'present', invitation_channel: 'post', invited_at: NOW },
      { meeting_id: id, member_id: `${id}-annie`, status: 'excused', invitation_channel: 'post', invited_at: NOW },
    ])
    .execute();
  await db
    .insertInto('clu_proposals')
    .values({
      id: `${id}-p1`,
      organisation_id: organisationId,
      meeting_id: id,
      member_organisation_id: ufc,
      text: 'Afficher les horaires d’ouverture à l’entrée',
      status: 'to_study',
      follow_up: null,
      action_id: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

async function setTelephony(t: TestContext, organisationId: string, answered: string) {
  await recordValue(
    t.ctx,
    organisationId,
    'TEL_ABOUTIS',
    { month: '2025-01', status: 'measured', numerator: answered, denominator: '12000' },
    CLI_ACTOR,
  );
}

function docxText(buffer: Buffer): string {
  const xml = readZip(buffer).get('word/document.xml');
  assert.ok(xml, 'word/document.xml présent');
  return wordText(xml.toString('utf8'));
}

for (const engine of testEngines()) {
  describe(`compte rendu du CLU (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    let organisationId: string;
    let otherMeeting: string;
    const meetingId = 'reunion-allier-2026';
    const emptyMeeting = 'reunion-sans-participant';

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      await addService(t.ctx, organisationId, { name: 'Bureau de la communication interministérielle' }, CLI_ACTOR);
      for (const [email, role] of [
        ['referente@03.test', 'admin'],
        ['agent@03.test', 'agent'],
        ['auditeur@03.test', 'auditor'],
        ['membre@03.test', 'clu_member'],
      ] as const) {
        await createAccount(
          t.ctx,
          { email, role, organisationId, password: PASSWORD, displayName: 'Malorie Chanard' },
          CLI_ACTOR,
        );
      }
      await createAccount(
        t.ctx,
        { email: 'referent@15.test', role: 'admin', organisationId: other, password: PASSWORD },
        CLI_ACTOR,
      );
      await setTarget(t.ctx, { organisationId }, 'TEL_ABOUTIS', 2025, { kind: 'min', low: '90' }, CLI_ACTOR);
      await setTelephony(t, organisationId, '9600');
      await insertMeeting(t, organisationId, meetingId, { withAttendees: true });
      await insertMeeting(t, organisationId, emptyMeeting, { withAttendees: false, startsAt: '2025-03-10T14:00' });
      otherMeeting = 'reunion-cantal';
      await insertMeeting(t, other, otherMeeting, { withAttendees: false });
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    it('pré-remplit le compte rendu : en-tête, présents, chiffres du support, destinataires (DOCX relu)', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referente@03.test', PASSWORD);
      const page = await admin.get(`/clu/reunions/${meetingId}/compte-rendu`);
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        /<legend class="fr-fieldset__legend" id="cr-point-3">3 - Résultats des indicateurs qualité<\/legend>/,
      );
      assert.match(page.body, /M\. Luc MAILLARD, président, représentant UFC Que Choisir de l’Allier/);

      const preview = await admin.get(`/clu/reunions/${meetingId}/compte-rendu.pdf`);
      assert.equal(preview.statusCode, 200);
      assert.match(pdfText(preview.rawPayload), /COMPTE-RENDU/);
      const docx = await admin.get(`/clu/reunions/${meetingId}/compte-rendu.docx`);
      assert.equal(docx.statusCode, 200);
      assert.match(String(docx.headers['content-disposition']), /compte-rendu-clu-2026-03-10\.docx/);
      const text = docxText(docx.rawPayload);
      const snapshot = await deckSnapshotFor(t.ctx, organisationId, meetingId);
      assert.match(text, /PRÉFET\nDE L['’]ALLIER/);
      assert.match(text, /Affaire suivie par\u00a0: Malorie Chanard/);
      assert.match(text, /Moulins, le 02\/04\/2026/);
      assert.match(text, /OBJET\u00a0: Comité local des usagers du 10\/03\/2026\./);
      assert.match(text, /Le 10 mars 2026 à 10h30, s’est tenu le comité local des usagers .*présidé par M\. Alexandre SANZ/);
      assert.match(text, /- M\. Luc MAILLARD, président, représentant UFC Que Choisir de l’Allier\./);
      assert.match(text, /Étaient excusés\u00a0:\n- Mme Annie CHARMANT/);
      for (const [index, title] of ['Rôle et composition du comité', 'Résultats des indicateurs qualité'].entries()) {
        assert.match(text, new RegExp(`^${index === 0 ? 1 : 3} - ${title}\u00a0:$`, 'm'));
      }
      for (const key of ['surveys', 'indicators', 'complaints']) {
        for (const figure of minutesFigures(snapshot, key)) assert.ok(text.includes(`- ${figure}`), `${key} : ${figure}`);
      }
      assert.match(
        text,
        /80\u202f% \(9\u202f600 sur 12\u202f000\) pour une cible ≥\u202f90\u202f%/,
        'la valeur du module des indicateurs',
      );
      assert.match(text, /- Aucune donnée pour la période\./, 'période sans enquête ni réclamation');
      assert.match(text, /Afficher les horaires d’ouverture à l’entrée \(UFC Que Choisir de l’Allier\)/);
      const distribution = text.slice(text.indexOf('Destinataires'));
      assert.match(distribution, /- UFC Que Choisir de l’Allier,/);
      assert.match(distribution, /- Chambre de commerce et d’industrie de l’Allier,/);
      assert.match(distribution, /- Bureau de la communication interministérielle\.\n$/, 'puis les services de la préfecture');
    });

    it('une réunion sans participant : « Aucun participant enregistré », pas d’erreur', async () => {
      const text = docxText(await minutesDocx(t.ctx, organisationId, emptyMeeting));
      assert.ok(text.includes(NO_ATTENDEE));
    });

    it('observations trop longues : message en français, saisie conservée ; puis enregistrement', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referente@03.test', PASSWORD);
      const csrf = await admin.csrfFrom(`/clu/reunions/${meetingId}/compte-rendu`);
      const form = {
        _csrf: csrf,
        documentDate: '2026-03-17',
        serviceLines: 'Secrétariat général\nCellule performance',
        followedByName: 'Malorie CHANARD',
        followedByPhone: '04 70 48 30 74',
        followedByEmail: 'malorie.chanard@allier.gouv.fr',
        enclosures: '3',
        signatoryTitle: 'Le Secrétaire général,',
        signatoryName: 'Alexandre SANZ',
        distribution: 'M. le président de la chambre de commerce\nMme la déléguée du Défenseur des droits',
        observations_surveys: 'Ils sont annexés au présent compte-rendu. <b>Aucune</b> observation.',
        decisions_indicators: 'Renforcer le standard aux heures de pointe.',
      };
      const tooLong = await admin.post(`/clu/reunions/${meetingId}/compte-rendu`, {
        ...form,
        observations_indicators: `${'x'.repeat(5001)}`,
      });
      assert.equal(tooLong.statusCode, 400);
      assert.match(
        tooLong.body,
        /Observations du point 3 \(« Résultats des indicateurs qualité »\) : 5\u202f000 caractères au plus\./,
      );
      assert.match(
        tooLong.body,
        /Ils sont annexés au présent compte-rendu\. &lt;b&gt;Aucune&lt;\/b&gt; observation\.<\/textarea>/,
      );
      const badDate = await admin.post(`/clu/reunions/${meetingId}/compte-rendu`, { ...form, documentDate: '2026-02-30' });
      assert.equal(badDate.statusCode, 400);
      assert.match(badDate.body, /Date du compte rendu : date impossible/);

      const saved = await admin.post(`/clu/reunions/${meetingId}/compte-rendu`, form);
      assert.equal(saved.statusCode, 303);
      const text = docxText((await admin.get(`/clu/reunions/${meetingId}/compte-rendu.docx`)).rawPayload);
      assert.match(
        text,
        /Secrétariat général\nCellule performance\nAffaire suivie par\u00a0: Malorie CHANARD\nTél\u00a0: 04 70 48 30 74/,
      );
      assert.match(text, /Moulins, le 17\/03\/2026/);
      assert.match(text, /PJ\u00a0: 3\./);
      assert.match(text, /Ils sont annexés au présent compte-rendu\. <b>Aucune<\/b> observation\./);
      assert.match(text, /Décisions\u00a0:\nRenforcer le standard aux heures de pointe\./);
      assert.match(text, /Le Secrétaire général,\n\n\nAlexandre SANZ/);
      assert.match(
        text,
        /Destinataires\u00a0:\n- M\. le président de la chambre de commerce,\n- Mme la déléguée du Défenseur des droits\./,
      );
    });

    it('accès : agent refusé, lecteurs sans brouillon, autre organisation 404, public 404 avant approbation', async () => {
      const agent = new TestBrowser(app);
      await agent.login('agent@03.test', PASSWORD);
      assert.equal((await agent.get(`/clu/reunions/${meetingId}/compte-rendu`)).statusCode, 403);
      assert.equal((await agent.get(`/clu/reunions/${meetingId}/compte-rendu.docx`)).statusCode, 403);

      const member = new TestBrowser(app);
      await member.login('membre@03.test', PASSWORD);
      const draft = await member.get(`/clu/reunions/${meetingId}/compte-rendu`);
      assert.equal(draft.statusCode, 200);
      assert.match(draft.body, /pas encore approuvé/);
      assert.doesNotMatch(draft.body, /<textarea/);
      assert.equal((await member.get(`/clu/reunions/${meetingId}/compte-rendu.docx`)).statusCode, 404);
      const csrf = draft.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      assert.equal((await member.post(`/clu/reunions/${meetingId}/compte-rendu/approuver`, { _csrf: csrf })).statusCode, 403);

      const otherAdmin = new TestBrowser(app);
      await otherAdmin.login('referent@15.test', PASSWORD);
      assert.equal((await otherAdmin.get(`/clu/reunions/${meetingId}/compte-rendu`)).statusCode, 404);
      assert.equal((await otherAdmin.get(`/clu/reunions/${meetingId}/compte-rendu.docx`)).statusCode, 404);
      const adminCsrf = await otherAdmin.csrfFrom(`/clu/reunions/${otherMeeting}/compte-rendu`);
      assert.equal(
        (await otherAdmin.post(`/clu/reunions/${meetingId}/compte-rendu/approuver`, { _csrf: adminCsrf })).statusCode,
        404,
      );

      const anonymous = new TestBrowser(app);
      assert.equal((await anonymous.get(`/o/allier/comite-des-usagers/${meetingId}/compte-rendu.pdf`)).statusCode, 404);
      assert.equal((await anonymous.get(`/o/allier/comite-des-usagers/inconnue/compte-rendu.pdf`)).statusCode, 404);
      const list = await anonymous.get('/o/allier/comite-des-usagers');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Aucun compte rendu n’a encore été publié\./);
    });

    it('approbation : fige le compte rendu, le publie en PDF, refuse la modification et une seconde approbation', async () => {
      const admin = new TestBrowser(app);
      await admin.login('referente@03.test', PASSWORD);
      const confirm = await admin.get(`/clu/reunions/${meetingId}/compte-rendu/approuver`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Approuver et publier le compte rendu/);
      const csrf = confirm.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      const approved = await admin.post(`/clu/reunions/${meetingId}/compte-rendu/approuver`, { _csrf: csrf });
      assert.equal(approved.statusCode, 303);
      const row = await t.ctx.db.selectFrom('clu_meetings').selectAll().where('id', '=', meetingId).executeTakeFirstOrThrow();
      assert.ok(row.minutes_approved_at && row.minutes_publication_id);
      assert.equal(row.minutes_approved_by_name, 'Malorie Chanard');
      const publication = await t.ctx.db
        .selectFrom('indicator_publications')
        .selectAll()
        .where('id', '=', row.minutes_publication_id)
        .executeTakeFirstOrThrow();
      assert.equal(publication.kind, 'clu_minutes');
      assert.equal(publication.period_key, meetingId);
      const audit = await t.ctx.db.selectFrom('audit_events').select('action').where('entity_id', '=', meetingId).execute();
      assert.ok(audit.some((a) => a.action === 'clu.minutes_approved'));

      const twice = await admin.post(`/clu/reunions/${meetingId}/compte-rendu/approuver`, { _csrf: csrf });
      assert.equal(twice.statusCode, 409);
      assert.match(twice.body, /déjà été approuvé le 02\/04\/2026 par Malorie Chanard/);
      const edit = await admin.post(`/clu/reunions/${meetingId}/compte-rendu`, {
        _csrf: csrf,
        documentDate: '2026-03-18',
        observations_surveys: 'Modification tardive',
      });
      assert.equal(edit.statusCode, 409);
      assert.match(edit.body, /déjà été approuvé/);
      const page = await admin.get(`/clu/reunions/${meetingId}/compte-rendu`);
      assert.doesNotMatch(page.body, /<textarea/, 'lecture seule après approbation');
      assert.match(page.body, /Compte rendu approuvé/);

      // Les lecteurs voient maintenant la version approuvée.
      const auditor = new TestBrowser(app);
      await auditor.login('auditeur@03.test', PASSWORD);
      const read = await auditor.get(`/clu/reunions/${meetingId}/compte-rendu`);
      assert.equal(read.statusCode, 200);
      assert.match(read.body, /Renforcer le standard aux heures de pointe\./);
      assert.equal((await auditor.get(`/clu/reunions/${meetingId}/compte-rendu.docx`)).statusCode, 200);

      // Page publique sans connexion, puis le PDF figé : une correction de l'indicateur ne le change pas.
      const anonymous = new TestBrowser(app);
      const list = await anonymous.get('/o/allier/comite-des-usagers');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, new RegExp(`/o/allier/comite-des-usagers/${meetingId}/compte-rendu\\.pdf`));
      assert.doesNotMatch(list.body, new RegExp(emptyMeeting), 'seulement les comptes rendus approuvés');
      const before = await anonymous.get(`/o/allier/comite-des-usagers/${meetingId}/compte-rendu.pdf`);
      assert.equal(before.statusCode, 200);
      assert.equal(before.headers['content-type'], 'application/pdf');
      const fonts = pdfFonts(before.rawPayload);
      assert.ok(fonts.length > 0 && fonts.every((f) => f.embedded && /DejaVu/.test(f.baseFont)), 'DejaVu incorporée');
      const beforeText = pdfText(before.rawPayload);
      assert.ok(!beforeText.includes('\ufffd'));
      assert.match(beforeText, /80\u202f% \(9\u202f600 sur 12\u202f000\) pour une cible/);
      assert.match(beforeText, /9\u202f600 sur 12\u202f000/, 'U+202F dans un nombre');

      await setTelephony(t, organisationId, '11800');
      const live = await deckSnapshotFor(t.ctx, organisationId, meetingId);
      assert.ok(!minutesFigures(live, 'indicators').join('\n').includes('80\u202f%'), 'la valeur vivante a changé');
      const afterText = pdfText((await anonymous.get(`/o/allier/comite-des-usagers/${meetingId}/compte-rendu.pdf`)).rawPayload);
      assert.match(afterText, /80\u202f% \(9\u202f600 sur 12\u202f000\) pour une cible/, 'le PDF public reste figé');
      assert.match(
        docxText(await minutesDocx(t.ctx, organisationId, meetingId)),
        /80\u202f% \(9\u202f600 sur 12\u202f000\) pour une cible/,
      );
      assert.equal((await anonymous.get('/o/cantal/comite-des-usagers/reunion-allier-2026/compte-rendu.pdf')).statusCode, 404);
    });

    const soffice = resolveSoffice(process.env.VIGIE_SOFFICE, process.env.PATH);
    it('LibreOffice ouvre le DOCX (en CI toujours) : conversion PDF puis PNG', {
      skip: !process.env.CI && !soffice,
    }, async () => {
      assert.ok(soffice, 'soffice introuvable : la CI doit installer LibreOffice');
      const pdf = await officeToPdf(soffice, await minutesDocx(t.ctx, organisationId, meetingId), 'docx');
      const dir = new URL(`../../../test-output/clu/compte-rendu-${engine}/`, import.meta.url).pathname;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}compte-rendu.pdf`, pdf);
      execFileSync('pdftoppm', ['-png', '-r', '50', `${dir}compte-rendu.pdf`, `${dir}page`]);
      const pages = readdirSync(dir).filter((f) => f.endsWith('.png'));
      assert.ok(pages.length >= 1, 'au moins une page');
    });
  });
}
