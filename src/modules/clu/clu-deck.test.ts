import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeXml, meetingFor, readSlides } from '../../../test/helpers/clu-deck-fixtures.ts';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { readZip } from '../../../test/helpers/documents.ts';
import { officeToPdf, resolveSoffice } from '../../shared/office-pdf.ts';
import { type Actor, CLI_ACTOR } from '../audit/audit.service.ts';
import { ensureDemo } from '../demo/demo.service.ts';
import { indicatorCatalogue, indicatorYearTable, recordValue } from '../indicators/indicator.service.ts';
import { isComputed } from '../indicators/indicator-catalogue.ts';
import { publications } from '../indicators/publication.service.ts';
import { cellText } from '../indicators/views/indicator-format.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { collectDeckSnapshot, deckPptx, deckSnapshotFor, deckVersions, generateDeck } from './clu-deck.service.ts';
import { buildDeck, NO_DATA } from './clu-deck.ts';
import { registerDeckSection, unregisterDeckSection } from './clu-deck-sections.ts';
import { addProposal } from './clu-proposal.service.ts';

const ACTOR: Actor = { userId: null, label: 'Claire Référente' };

for (const engine of testEngines()) {
  describe(`support de présentation du CLU (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (await ensureDemo(t.ctx)).organisationId;
    });
    after(async () => {
      await t.close();
    });

    it('construit le support de la préfecture de démonstration : OOXML valide, chapitres dans l’ordre, graphique, chiffres des indicateurs', async () => {
      const meetingId = await meetingFor(t, organisationId, '2026-06-30', '2026-01-01', '2026-06-30');
      const generated = await generateDeck(t.ctx, organisationId, meetingId, ACTOR);
      assert.equal(generated.version, 1);
      const deck = await deckPptx(t.ctx, organisationId, meetingId);
      const files = readZip(deck.buffer);
      const contentTypes = files.get('[Content_Types].xml')?.toString('utf8') ?? '';
      assert.match(contentTypes, /presentationml\.slide\+xml/);
      assert.ok(
        [...files.keys()].some((name) => /^ppt\/charts\/chart\d+\.xml$/.test(name)),
        'au moins un vrai graphique (ppt/charts/chartN.xml)',
      );
      const chartXml =
        [...files.entries()].find(([name]) => /^ppt\/charts\/chart\d+\.xml$/.test(name))?.[1].toString('utf8') ?? '';
      assert.match(chartXml, /<c:barChart>/);
      assert.match(decodeXml(chartXml), /n = /, 'n dans les libellés du graphique');

      const slides = readSlides(deck.buffer);
      assert.equal(slides.length, deck.titles.length);
      assert.match(slides[0]?.text ?? '', /PRÉFET\nDU PUY-DE-DÔME/);
      assert.match(slides[0]?.text ?? '', /Liberté\nÉgalité\nFraternité/);
      assert.match(slides[0]?.text ?? '', /Clermont-Ferrand, le 30 juin 2026/);
      const titles = slides.slice(1).map((s) => s.title);
      assert.deepEqual(titles, deck.titles.slice(1), 'titres relus = titres construits');
      const expectedOrder = [
        /^Ordre du jour$/,
        /^La démarche Qual-e-pref/,
        /^Accueil physique : 120 réponses$/,
        /^Enquêtes mystère — aucune donnée pour la période$/,
        /^Indicateurs qualité : résultats et cibles/,
        /^Réclamations et suggestions$/,
        /^Réclamations et suggestions : suites données$/,
        /^Courriers et courriels types pour avis$/,
        /^Plan d’actions : actions réalisées/,
        /^Plan d’actions : actions en cours/,
        /^Plan d’actions : nouvelles actions/,
        /^Plan d’actions : actions mises en place$/,
        /^Suivi des propositions du comité/,
        /^Questions et propositions des membres$/,
        /^Merci pour votre participation$/,
      ];
      let at = 0;
      for (const pattern of expectedOrder) {
        const found = titles.findIndex((title, i) => i >= at && pattern.test(title));
        assert.ok(found >= 0, `diapositive ${pattern} attendue après la position ${at} : ${titles.join(' | ')}`);
        at = found + 1;
      }
      assert.equal(titles.at(-1), 'Merci pour votre participation');

      // Les nombres des diapositives d'indicateurs sont ceux du module des indicateurs, à la même date d'arrêté.
      const snapshot = await deckSnapshotFor(t.ctx, organisationId, meetingId);
      const live = await indicatorYearTable(t.ctx, organisationId, 2026, snapshot.indicators.asOf);
      assert.deepEqual(JSON.parse(JSON.stringify(live)), JSON.parse(JSON.stringify(snapshot.indicators)));
      const indicatorText = slides
        .filter((s) => s.title.startsWith('Indicateurs qualité'))
        .map((s) => s.text)
        .join('\n');
      const lines = new Set(indicatorText.split('\n'));
      let checked = 0;
      for (const row of live.rows) {
        for (const cell of [...row.months.slice(0, live.elapsedMonths), row.yearToDate]) {
          if (cell?.status !== 'measured') continue;
          const expected = `${cellText(cell, row.indicator.unit)}${cell.provisional ? ' (p)' : ''}`;
          assert.ok(lines.has(expected), `${row.indicator.key} : « ${expected} » attendu dans le tableau des indicateurs`);
          checked++;
        }
      }
      assert.ok(checked > 10, `des valeurs mesurées vérifiées (${checked})`);
      assert.match(indicatorText, /\u202f%/, 'écriture française : espace fine insécable avant %');

      // Enquêtes : taux, n et intervalle du tableau de la diapositive, repris de l'instantané.
      const survey = slides.find((s) => s.title === 'Accueil physique : 120 réponses');
      const channel = snapshot.surveys.find((c) => c.channel === 'physical_reception');
      assert.ok(survey && channel);
      for (const criterion of channel.criteria) {
        assert.ok(survey.text.includes(criterion.label));
        assert.ok(survey.text.includes(String(criterion.n)));
      }
      // Réclamations : le total de la période, par nature.
      const complaints = slides.find((s) => s.title === 'Réclamations et suggestions');
      assert.match(complaints?.text ?? '', new RegExp(`${snapshot.complaints.total} réclamations et suggestions reçues`));
    });

    it('une proposition faite à la réunion N figure dans le suivi du support de la réunion N+1', async () => {
      const first = await meetingFor(t, organisationId, '2023-06-12', '2022-01-01', '2022-12-31');
      await addProposal(
        t.ctx,
        organisationId,
        first,
        {
          text: 'Installer un écran d’appel dans la salle d’attente',
          status: 'accepted',
          followUp: 'Écran commandé, pose en septembre',
        },
        CLI_ACTOR,
      );
      const second = await meetingFor(t, organisationId, '2023-12-04', '2023-01-01', '2023-11-30');
      await generateDeck(t.ctx, organisationId, second, ACTOR);
      const slides = readSlides((await deckPptx(t.ctx, organisationId, second)).buffer);
      const followUp = slides.find((s) => s.title.startsWith('Suivi des propositions du comité du 12/06/2023'));
      assert.ok(followUp, slides.map((s) => s.title).join(' | '));
      assert.match(followUp.text, /Installer un écran d’appel dans la salle d’attente/);
      assert.match(followUp.text, /Écran commandé, pose en septembre/);
    });

    it('reconstruit un support figé à l’identique ; régénérer crée la version 2 avec la valeur corrigée', async () => {
      const meetingId = await meetingFor(t, organisationId, '2026-07-02', '2026-01-01', '2026-03-31');
      await generateDeck(t.ctx, organisationId, meetingId, ACTOR);
      const before = await deckPptx(t.ctx, organisationId, meetingId);
      const indicator = (await indicatorCatalogue(t.ctx, organisationId)).find((i) => !isComputed(i) && i.unit === 'percent');
      assert.ok(indicator, 'un indicateur saisi en pourcentage');
      await recordValue(t.ctx, organisationId, indicator.key, { month: '2026-02', status: 'measured', value: '42,42' }, ACTOR);
      const rebuilt = await deckPptx(t.ctx, organisationId, meetingId);
      assert.deepEqual(
        readSlides(rebuilt.buffer).map((s) => s.text),
        readSlides(before.buffer).map((s) => s.text),
      );
      assert.ok(
        !readSlides(rebuilt.buffer).some((s) => s.text.includes('42,42\u202f%')),
        'la correction ne change pas le support figé',
      );
      const second = await generateDeck(t.ctx, organisationId, meetingId, ACTOR);
      assert.equal(second.version, 2);
      const latest = await deckPptx(t.ctx, organisationId, meetingId);
      assert.equal(latest.version.version, 2);
      assert.ok(
        readSlides(latest.buffer).some((s) => s.text.includes('42,42\u202f%')),
        'la version 2 porte la valeur corrigée',
      );
      const first = await deckPptx(t.ctx, organisationId, meetingId, 1);
      assert.ok(
        !readSlides(first.buffer).some((s) => s.text.includes('42,42\u202f%')),
        'la version 1 reste téléchargeable, inchangée',
      );
      assert.deepEqual(
        (await deckVersions(t.ctx, organisationId, meetingId)).map((v) => v.version),
        [2, 1],
      );
      const published = (await publications(t.ctx, organisationId, 'clu_deck')).filter((p) => p.periodKey === meetingId);
      assert.equal(published.length, 2);
      const row = await t.ctx.db
        .selectFrom('clu_meetings')
        .select('deck_publication_id')
        .where('id', '=', meetingId)
        .executeTakeFirstOrThrow();
      assert.equal(row.deck_publication_id, published[0]?.id, 'la réunion pointe la dernière version');
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('summary')
        .where('entity_id', '=', published[0]?.id ?? '')
        .executeTakeFirst();
      assert.match(audit?.summary ?? '', /Support du CLU .* publié \(version 2\)/);
    });

    it('une période sans données donne un support complet, avec « Aucune donnée pour la période » et aucun graphique vide', async () => {
      const empty = await createOrganisation(
        t.ctx,
        { slug: `vide-${engine}`, name: 'Préfecture de la Corrèze', department: '19' },
        CLI_ACTOR,
      );
      const meetingId = await meetingFor(t, empty.id, '2026-05-05', '2021-01-01', '2021-12-31');
      const generated = await generateDeck(t.ctx, empty.id, meetingId, ACTOR);
      const deck = await deckPptx(t.ctx, empty.id, meetingId);
      assert.equal(generated.slideCount, deck.titles.length);
      const files = readZip(deck.buffer);
      assert.ok(![...files.keys()].some((name) => /^ppt\/charts\/chart\d+\.xml$/.test(name)), 'aucun graphique sans données');
      const slides = readSlides(deck.buffer);
      const text = (title: RegExp) => slides.find((s) => title.test(s.title))?.text ?? '';
      assert.match(text(/^Enquêtes de satisfaction$/), new RegExp(NO_DATA));
      assert.match(text(/^Réclamations et suggestions$/), new RegExp(NO_DATA));
      assert.match(text(/^Enquêtes mystère — aucune donnée pour la période$/), new RegExp(NO_DATA));
      assert.match(text(/^Plan d’actions : actions mises en place$/), new RegExp(NO_DATA));
      assert.match(text(/^Suivi des propositions du comité$/), /Premier comité/);
      assert.match(slides[0]?.text ?? '', /PRÉFET\nDE LA CORRÈZE/);
      assert.match(slides[0]?.text ?? '', /Tulle, le 5 mai 2026/);
    });

    it('une section enregistrée par un autre module prend la place des enquêtes mystère', async () => {
      registerDeckSection({
        key: 'mystery',
        title: 'Enquêtes mystère',
        collect: async (_ctx, _organisationId, period) => ({
          key: 'mystery',
          title: 'Enquêtes mystère',
          slides: [
            {
              title: 'Appels mystères : 23 appels',
              bullets: [`Période du ${period.from} au ${period.to}`, 'Nombre moyen de sonneries : 4'],
              table: { head: ['Critère', 'Taux'], rows: [['Décroché en moins de 5 sonneries', '87 %']] },
            },
          ],
        }),
      });
      try {
        const snapshot = await collectDeckSnapshot(
          t.ctx,
          organisationId,
          await meetingFor(t, organisationId, '2026-09-01', '2026-01-01', '2026-03-31'),
        );
        const built = await buildDeck(snapshot);
        const slides = readSlides(built.buffer);
        const mystery = slides.find((s) => s.title === 'Appels mystères : 23 appels');
        assert.ok(mystery);
        assert.match(mystery.text, /Période du 2026-01-01 au 2026-03-31/);
        assert.ok(!slides.some((s) => s.title.startsWith('Enquêtes mystère — aucune donnée')));
      } finally {
        unregisterDeckSection('mystery');
      }
    });

    it('convertit le support en PDF avec LibreOffice puis en images (obligatoire en CI)', async (test) => {
      const soffice = resolveSoffice(process.env.VIGIE_SOFFICE, process.env.PATH);
      if (!soffice) {
        if (process.env.CI) assert.fail('LibreOffice (soffice) absent : en CI la conversion PDF du support est obligatoire.');
        test.skip('LibreOffice absent : conversion non testée');
        return;
      }
      const meetingId = await meetingFor(t, organisationId, '2026-06-15', '2026-01-01', '2026-03-31');
      await generateDeck(t.ctx, organisationId, meetingId, ACTOR);
      const deck = await deckPptx(t.ctx, organisationId, meetingId);
      const pdf = await officeToPdf(soffice, deck.buffer, 'pptx');
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      const dir = join('test-output', 'clu', `support-${engine}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'support.pdf'), pdf);
      writeFileSync(join(dir, 'support.pptx'), deck.buffer);
      execFileSync('pdftoppm', ['-png', '-r', '50', join(dir, 'support.pdf'), join(dir, 'diapositive')]);
      const pages = readdirSync(dir).filter((f) => f.endsWith('.png'));
      assert.equal(pages.length, deck.titles.length, 'une page PDF par diapositive');
    });
  });
}
