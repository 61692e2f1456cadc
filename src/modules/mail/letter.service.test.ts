import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { pdfText, readZip, wordText } from '../../../test/helpers/documents.ts';
import { isAppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { findAttachment, findCase, insertAttachment, listAttachments, listCaseEvents } from '../cases/case.repository.ts';
import { createCase } from '../cases/case.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { DOCX_TYPE, letterDraft, letterFilenames, letterReference, prepareLetter } from './letter.service.ts';
import { saveSignature } from './template.service.ts';

const AGENT = { userId: 'agent-inexistant', displayName: 'Camille Martin' };
const ACTOR = { userId: null, label: 'Camille Martin <agent@63.test>' };

function fieldsOf(error: unknown): Record<string, string> {
  assert.ok(isAppError(error), `erreur attendue du catalogue, reçu : ${String(error)}`);
  return error.fields;
}

describe('lettre : référence et noms de fichiers', () => {
  it('« votre courrier du … » selon le canal, date de dépôt pour l’urne', () => {
    const base = { reference: '2026-00042', received_local_date: '2026-12-01', deposit_local_date: null };
    assert.equal(letterReference({ ...base, channel: 'letter' }), 'votre courrier du 1er décembre 2026 — dossier 2026-00042');
    assert.equal(letterReference({ ...base, channel: 'email' }), 'votre courriel du 1er décembre 2026 — dossier 2026-00042');
    assert.equal(
      letterReference({ ...base, channel: 'urn', deposit_local_date: '2026-11-27' }),
      'votre formulaire déposé le 27 novembre 2026 — dossier 2026-00042',
    );
  });

  it('une deuxième lettre du même jour ne reprend pas le nom de la première', () => {
    assert.deepEqual(letterFilenames('2026-00042', '2026-12-03', []), {
      docx: 'lettre-2026-00042-2026-12-03.docx',
      pdf: 'lettre-2026-00042-2026-12-03.pdf',
    });
    assert.deepEqual(letterFilenames('2026-00042', '2026-12-03', ['lettre-2026-00042-2026-12-03.pdf', 'scan.pdf']), {
      docx: 'lettre-2026-00042-2026-12-03-2.docx',
      pdf: 'lettre-2026-00042-2026-12-03-2.pdf',
    });
  });
});

for (const engine of testEngines()) {
  describe(`lettre de réponse : service (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let serviceId: string;

    before(async () => {
      t = await createTestContext(engine);
      // Jeudi 3 décembre 2026, 10 h à Clermont-Ferrand.
      t.clock.set('2026-12-03T09:00:00.000Z');
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      serviceId = (
        await addService(
          t.ctx,
          organisationId,
          { name: 'Relations aux usagers', mailboxAddress: 'pref-public@puy-de-dome.gouv.fr' },
          CLI_ACTOR,
        )
      ).id;
      await saveSignature(
        t.ctx,
        organisationId,
        serviceId,
        {
          serviceLabel: 'Bureau des relations aux usagers\nPôle logistique, courrier, accueil',
          postalAddress: '18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1',
          phone: '04 73 98 63 63',
          website: 'www.puy-de-dome.gouv.fr',
        },
        CLI_ACTOR,
      );
    });
    after(() => t.close());

    async function letterCase(overrides: Record<string, unknown> = {}) {
      return createCase(
        t.ctx,
        organisationId,
        {
          kind: 'information_request',
          channel: 'letter',
          receivedAt: '2026-12-01',
          serviceId,
          subject: 'Carte grise d’un véhicule de collection',
          requesterName: 'Madame Jeanne Dupont',
          requesterAddress: '12, rue des Gras\n63000 Clermont-Ferrand',
          ...overrides,
        },
        CLI_ACTOR,
      );
    }

    it('le formulaire est pré-rempli : modèle « lettre » rendu, agent, adresse du dossier', async () => {
      const row = await letterCase();
      const { draft, templateName } = await letterDraft(t.ctx, organisationId, row.id, AGENT);
      assert.equal(templateName, 'Lettre — réponse à un courrier');
      assert.equal(draft.subject, 'Carte grise d’un véhicule de collection');
      assert.match(draft.body, /^Madame, Monsieur,/);
      assert.match(draft.body, new RegExp(`reçu le mardi 1er décembre 2026, enregistré sous la référence ${row.reference}`));
      assert.match(draft.body, /\[À compléter/);
      assert.equal(draft.followedBy, 'Camille Martin');
      assert.equal(draft.recipientName, 'Madame Jeanne Dupont');
      assert.equal(draft.recipientAddress, '12, rue des Gras\n63000 Clermont-Ferrand');
      assert.equal(draft.recordAnswer, true);
    });

    it('génère le DOCX et le PDF, joints au dossier avec l’événement et l’audit ; le dossier reste ouvert', async () => {
      const row = await letterCase();
      const { draft } = await letterDraft(t.ctx, organisationId, row.id, AGENT);
      const body = draft.body.replace(/\[À compléter[^\]]*\]/, 'Votre demande est à faire sur le site de l’ANTS.');
      const result = await prepareLetter(
        t.ctx,
        organisationId,
        row.id,
        { ...draft, body, enclosures: 'formulaire cerfa n° 13750', recordAnswer: '' },
        ACTOR,
      );
      assert.equal(result.answer, null);
      assert.equal(result.docx.filename, `lettre-${row.reference}-2026-12-03.docx`);
      assert.equal(result.pdf.filename, `lettre-${row.reference}-2026-12-03.pdf`);

      const attachments = await listAttachments(t.ctx.db, row.id);
      assert.deepEqual(attachments.map((a) => [a.filename, a.content_type]).sort(), [
        [result.docx.filename, DOCX_TYPE],
        [result.pdf.filename, 'application/pdf'],
      ]);
      const docx = await findAttachment(t.ctx.db, organisationId, row.id, result.docx.id);
      const files = readZip(Buffer.from(docx?.content ?? []));
      const text = wordText(files.get('word/document.xml')?.toString('utf8') ?? '');
      for (const expected of [
        'PRÉFET',
        'DU PUY-DE-DÔME',
        'Bureau des relations aux usagers',
        'Affaire suivie par\u00a0: Camille Martin',
        'Tél.\u00a0: 04 73 98 63 63',
        'Courriel\u00a0: pref-public@puy-de-dome.gouv.fr',
        'Clermont-Ferrand, le 3 décembre 2026',
        'Madame Jeanne Dupont',
        '63000 Clermont-Ferrand',
        'Objet\u00a0:\tCarte grise d’un véhicule de collection',
        `Référence\u00a0:\tvotre courrier du 1er décembre 2026 — dossier ${row.reference}`,
        'Pièce(s) jointe(s)\u00a0:\tformulaire cerfa n° 13750',
        'Madame, Monsieur,',
        'Votre demande est à faire sur le site de l’ANTS.',
        'expression de ma considération distinguée',
        'Pôle logistique, courrier, accueil',
      ]) {
        assert.ok(text.includes(expected), `DOCX : « ${expected} » absent`);
      }
      assert.match(
        wordText(files.get('word/footer1.xml')?.toString('utf8') ?? ''),
        /Préfecture du Puy-de-Dôme – 18, boulevard Desaix – 63033 Clermont-Ferrand Cedex 1/,
      );
      const pdf = await findAttachment(t.ctx.db, organisationId, row.id, result.pdf.id);
      const printed = pdfText(Buffer.from(pdf?.content ?? []));
      assert.equal(Number(pdf?.size), pdf?.content.length);
      for (const expected of [
        'Clermont-Ferrand, le 3 décembre 2026',
        `votre courrier du 1er décembre 2026 — dossier ${row.reference}`,
        'Madame Jeanne Dupont',
        'Pôle logistique, courrier, accueil',
        'Internet\u00a0: www.puy-de-dome.gouv.fr',
      ]) {
        assert.ok(printed.includes(expected), `PDF : « ${expected} » absent`);
      }

      const events = await listCaseEvents(t.ctx.db, row.id);
      const generated = events.filter((e) => e.type === 'letter_generated');
      assert.equal(generated.length, 1);
      assert.match(generated[0]?.summary ?? '', new RegExp(`${result.docx.filename}.*${result.pdf.filename}`));
      assert.equal(generated[0]?.actor_label, ACTOR.label);
      // L'historique survit à l'effacement des données personnelles : pas d'objet dans le résumé.
      assert.doesNotMatch(generated[0]?.summary ?? '', /Carte grise/);
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'case.letter_generated')
        .where('entity_id', '=', row.id)
        .execute();
      assert.equal(audit.length, 1);
      // Ni le contenu ni l'adresse du demandeur dans le journal d'audit.
      assert.doesNotMatch(JSON.stringify(audit), /ANTS|rue des Gras/);
      const after = await findCase(t.ctx.db, organisationId, row.id);
      assert.equal(after?.status, 'received');
      assert.equal(after?.answered_local_date, null);
    });

    it('« enregistrer comme réponse » : dossier répondu par courrier aujourd’hui, délai en jours ouvrés', async () => {
      const row = await letterCase();
      const result = await prepareLetter(
        t.ctx,
        organisationId,
        row.id,
        {
          subject: 'Votre demande',
          body: 'Madame,\n\nVotre dossier est complet.\n\nVeuillez agréer, Madame, mes salutations distinguées.',
          recipientAddress: '12, rue des Gras\n63000 Clermont-Ferrand',
          recordAnswer: 'on',
        },
        ACTOR,
      );
      // Reçu le mardi 1er, répondu le jeudi 3 décembre : 2 jours ouvrés.
      assert.deepEqual(result.answer, { delay: 2, answeredLocalDate: '2026-12-03' });
      const after = await findCase(t.ctx.db, organisationId, row.id);
      assert.equal(after?.status, 'answered');
      assert.equal(after?.answer_channel, 'letter');
      assert.equal(after?.answered_local_date, '2026-12-03');
      assert.equal(after?.answer_delay, 2);
      assert.match(after?.answer_text ?? '', /Votre dossier est complet/);
      const types = (await listCaseEvents(t.ctx.db, row.id)).map((e) => e.type).sort();
      assert.deepEqual(types, ['answered', 'letter_generated', 'received']);
    });

    it('saisie invalide : un message par champ, rien d’enregistré', async () => {
      const row = await letterCase();
      const missing = await prepareLetter(
        t.ctx,
        organisationId,
        row.id,
        { subject: '  ', body: '', recipientAddress: '', recordAnswer: 'on' },
        ACTOR,
      ).catch((e: unknown) => e);
      const fields = fieldsOf(missing);
      assert.match(fields.subject ?? '', /Objet : champ obligatoire/);
      assert.match(fields.body ?? '', /Contenu : champ obligatoire/);
      assert.match(fields.recipientAddress ?? '', /Adresse postale du destinataire : champ obligatoire/);
      // Le passage du modèle resté « à compléter » est refusé.
      const { draft } = await letterDraft(t.ctx, organisationId, row.id, AGENT);
      const incomplete = await prepareLetter(t.ctx, organisationId, row.id, draft, ACTOR).catch((e: unknown) => e);
      assert.match(fieldsOf(incomplete).body ?? '', /complétez ou supprimez le passage « \[À compléter/);
      assert.equal((await listAttachments(t.ctx.db, row.id)).length, 0);
      assert.equal((await findCase(t.ctx.db, organisationId, row.id))?.status, 'received');
    });

    it('sans service ni signature : signature et pied retombent sur la préfecture ; une deuxième lettre du jour est suffixée', async () => {
      const row = await letterCase({ serviceId: undefined, channel: 'urn', depositedAt: '2026-11-30' });
      const input = {
        subject: 'Votre suggestion',
        body: 'Merci de votre suggestion.',
        recipientAddress: '1 place de Jaude\n63000 Clermont-Ferrand',
      };
      const first = await prepareLetter(t.ctx, organisationId, row.id, input, ACTOR);
      const second = await prepareLetter(t.ctx, organisationId, row.id, input, ACTOR);
      assert.equal(second.docx.filename, `lettre-${row.reference}-2026-12-03-2.docx`);
      assert.notEqual(first.pdf.id, second.pdf.id);
      const pdf = await findAttachment(t.ctx.db, organisationId, row.id, first.pdf.id);
      const text = pdfText(Buffer.from(pdf?.content ?? []));
      assert.match(text, /votre formulaire déposé le 30 novembre 2026/);
      assert.doesNotMatch(text, /Tél\./);
      // La préfecture signe, et le pied la nomme.
      assert.ok(text.trimEnd().endsWith('Préfecture du Puy-de-Dôme'), text);
    });

    it('autre organisation : dossier introuvable ; dossier plein : refus clair avant toute génération', async () => {
      const other = await createOrganisation(
        t.ctx,
        { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' },
        CLI_ACTOR,
      );
      const input = { subject: 'Objet', body: 'Texte', recipientAddress: 'Adresse' };
      const row = await letterCase();
      const foreign = await prepareLetter(t.ctx, other.id, row.id, input, ACTOR).catch((e: unknown) => e);
      assert.ok(isAppError(foreign) && foreign.code === 'not_found');
      await assert.rejects(letterDraft(t.ctx, other.id, row.id, AGENT), (e) => isAppError(e) && e.code === 'not_found');

      for (let i = 0; i < 19; i++) {
        await insertAttachment(t.ctx.db, {
          id: newId(),
          case_id: row.id,
          filename: `scan-${i}.pdf`,
          content_type: 'application/pdf',
          size: 5,
          content: Buffer.from('%PDF-'),
          created_at: '2026-12-03T09:00:00.000Z',
        });
      }
      const full = await prepareLetter(t.ctx, organisationId, row.id, input, ACTOR).catch((e: unknown) => e);
      assert.ok(isAppError(full) && full.code === 'attachment_limit_reached');
      assert.match(full.message, /déjà 19/);
      assert.equal((await listAttachments(t.ctx.db, row.id)).length, 19);
    });
  });
}
