import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfFonts, pdfText, readZip, wordText } from '../../../test/helpers/documents.ts';
import { fixtureMeeting, fixtureSnapshot } from './clu-minutes.fixtures.ts';
import {
  defaultMinutesContent,
  type MinutesDefaults,
  mergeMinutesContent,
  minutesDocument,
  minutesDocxFromDocument,
  minutesFigures,
  NO_ATTENDEE,
  NO_DATA,
} from './clu-minutes.ts';
import { minutesPdf } from './clu-minutes-pdf.ts';

const DEFAULTS: MinutesDefaults = {
  today: '2022-03-08',
  followedBy: { name: 'Malorie CHANARD', phone: '04 70 48 30 74', email: 'malorie.chanard@allier.gouv.fr' },
  services: ['Bureau de la communication interministérielle'],
  deckGenerated: true,
};

async function docxText(buffer: Buffer): Promise<string> {
  const files = readZip(buffer);
  const xml = files.get('word/document.xml');
  assert.ok(xml, 'word/document.xml présent');
  return wordText(xml.toString('utf8'));
}

describe('compte rendu du CLU (domaine pur)', () => {
  it('écrit les chiffres de chaque point depuis l’instantané du support', () => {
    const s = fixtureSnapshot();
    assert.deepEqual(minutesFigures(s, 'surveys'), [
      'Accueil physique\u00a0: 1\u202f207 réponses, taux de satisfaction global 91,3\u202f% (n = 4\u202f850)',
      'Site internet\u00a0: 12 réponses, taux de satisfaction global 58,3\u202f% (n = 12, indicatif)',
    ]);
    const indicators = minutesFigures(s, 'indicators');
    assert.equal(indicators[0], '2 indicateurs sur 3 atteignent leur cible en 2021 ; non atteints\u00a0: IM105.');
    assert.match(indicators[1] ?? '', /IM105 Satisfaction du site internet\u00a0: 58,3\u202f% pour une cible ≥\u202f70\u202f%/);
    assert.deepEqual(minutesFigures(s, 'complaints'), [NO_DATA], 'période sans réclamation');
    assert.deepEqual(minutesFigures(s, 'mystery'), [NO_DATA], 'aucune section mystère');
    assert.match(
      minutesFigures(s, 'action_plan')[1] ?? '',
      /^1 action mise en place \(Critère d’enquête\)\u00a0: Signalétique\.$/,
    );
    assert.deepEqual(minutesFigures(s, 'custom-1'), []);
  });

  it('garde les observations par point quand l’ordre du jour change', () => {
    const s = fixtureSnapshot();
    const meeting = fixtureMeeting();
    const first = defaultMinutesContent(s, meeting, DEFAULTS);
    const saved = {
      ...first,
      items: first.items.map((i) => (i.key === 'surveys' ? { ...i, observations: 'Aucune remarque.' } : i)),
    };
    const reordered = fixtureMeeting({ agenda: [...meeting.agenda].reverse() });
    const merged = mergeMinutesContent(saved, defaultMinutesContent(s, reordered, DEFAULTS));
    assert.equal(merged.items.find((i) => i.key === 'surveys')?.observations, 'Aucune remarque.');
    assert.equal(merged.items[0]?.key, 'custom-1');
  });

  it('DOCX : objet, date, président, présents, points numérotés, chiffres et destinataires', async () => {
    const s = fixtureSnapshot();
    const meeting = fixtureMeeting();
    const content = defaultMinutesContent(s, meeting, DEFAULTS);
    const text = await docxText(await minutesDocxFromDocument(minutesDocument(s, meeting, content)));
    assert.match(text, /PRÉFET\nDE L’ALLIER/);
    assert.match(text, /Affaire suivie par\u00a0: Malorie CHANARD/);
    assert.match(text, /Moulins, le 08\/03\/2022/);
    assert.match(text, /COMPTE-RENDU/);
    assert.match(text, /OBJET\u00a0: Comité local des usagers du 28\/02\/2022\./);
    assert.match(text, /PJ\u00a0: 1\./);
    assert.match(
      text,
      /Le 28 février 2022 à 10h30, s’est tenu le comité local des usagers \(Préfecture, salle Marianne\), présidé par M\. Alexandre SANZ/,
    );
    assert.match(text, /- M\. Luc MAILLARD, président, représentant UFC Que Choisir\./);
    assert.match(text, /- Mme Annie CHARMANT, représentant la chambre de commerce/);
    assert.match(text, /Étaient excusés\u00a0:\n- Mme Agnès MONTOILLE/);
    assert.match(text, /^1 - Rôle et composition du comité, présentation de la démarche qualité\u00a0:$/m);
    assert.match(text, /^9 - Présentation du plan de communication\u00a0:$/m);
    for (const figure of minutesFigures(s, 'surveys')) assert.ok(text.includes(`- ${figure}`), figure);
    assert.match(text, /Aucune donnée pour la période\./);
    assert.match(text, /Propositions formulées par les membres du comité/);
    assert.match(
      text,
      /Destinataires\u00a0:\n- la chambre de commerce et d’industrie de l’Allier,\n- UFC Que Choisir,\n- Défenseur des droits,\n- Bureau de la communication interministérielle\./,
    );
    assert.match(text, /la séance est levée/);
  });

  it('une réunion sans participant : « Aucun participant enregistré », pas d’erreur', async () => {
    const s = fixtureSnapshot();
    const meeting = fixtureMeeting({ attendees: [], proposals: [] });
    const content = defaultMinutesContent(s, meeting, { ...DEFAULTS, services: [] });
    const document = minutesDocument(s, meeting, content);
    const text = await docxText(await minutesDocxFromDocument(document));
    assert.ok(text.includes(NO_ATTENDEE));
    assert.match(text, /Aucun destinataire\./);
    assert.ok(pdfText(await minutesPdf(document)).includes(NO_ATTENDEE));
  });

  it('PDF : texte lisible, DejaVu incorporée, espace fine insécable dans les nombres', async () => {
    const s = fixtureSnapshot();
    const meeting = fixtureMeeting();
    const content = defaultMinutesContent(s, meeting, DEFAULTS);
    const pdf = await minutesPdf(minutesDocument(s, meeting, content, { at: '2022-03-08T10:00:00.000Z', byName: 'Référente' }));
    const fonts = pdfFonts(pdf);
    assert.ok(fonts.length > 0 && fonts.every((f) => f.embedded && /DejaVu/.test(f.baseFont)), 'DejaVu incorporée');
    const text = pdfText(pdf);
    assert.ok(!text.includes('\ufffd'), 'aucun glyphe inconnu');
    assert.ok(text.includes('1\u202f207 réponses'), 'U+202F dans « 1 207 »');
    assert.match(text, /Comité local des usagers du 28\/02\/2022/);
    assert.match(text, /Compte rendu approuvé le 08\/03\/2022/);
  });
});
