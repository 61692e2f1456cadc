import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfFonts, pdfText, readZip, wordText } from '../../../test/helpers/documents.ts';
import { brandLines } from '../../shared/brand.ts';
import { type Letter, letterDocx, letterPdf, longFrenchDate, placeAndDate, splitLetterContent } from './letter.ts';

const NARROW_NBSP = '\u202f';
// « 12 345 » tel que le formate Intl en français : avec l'espace fine insécable U+202F.
const COUNT = new Intl.NumberFormat('fr-FR').format(12345);

function sample(overrides: Partial<Letter> = {}): Letter {
  return {
    prefectLabel: 'Préfet du Puy-de-Dôme',
    organisationName: 'Préfecture du Puy-de-Dôme',
    sender: {
      lines: ['Secrétariat général commun', 'Bureau des relations aux usagers'],
      followedBy: 'Camille Martin',
      phone: '04 73 98 63 63',
      email: 'pref-public@puy-de-dome.gouv.fr',
    },
    place: 'Clermont-Ferrand',
    date: '2026-12-03',
    recipient: ['Dupont & Fils <SARL>', '12, rue des Gras', '63000 Clermont-Ferrand'],
    subject: 'Votre demande de certificat d’immatriculation',
    reference: 'votre courrier du 1er décembre 2026 — dossier 2026-00042',
    enclosures: 'formulaire cerfa n° 13750',
    salutation: 'Madame, Monsieur,',
    body: `Les démarches s’effectuent sur le site de l’ANTS ; ${COUNT} demandes y ont été traitées.\n\nUn point numérique est à votre disposition à l’accueil.`,
    closing: 'Je vous prie d’agréer, Madame, Monsieur, l’expression de ma considération distinguée.',
    signature: ['Le bureau des relations aux usagers'],
    contact: {
      organisationName: 'Préfecture du Puy-de-Dôme',
      postalAddress: ['18, boulevard Desaix', '63033 Clermont-Ferrand Cedex 1'],
      phone: '04 73 98 63 63',
      email: 'pref-public@puy-de-dome.gouv.fr',
      website: 'www.puy-de-dome.gouv.fr',
    },
    ...overrides,
  };
}

/** Les positions successives de `parts` dans `text` : vérifie l'ordre des blocs de la lettre. */
function assertInOrder(text: string, parts: string[]) {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    assert.ok(at >= 0, `« ${part} » absent (ou mal placé) dans :\n${text}`);
    from = at + part.length;
  }
}

describe('lettre : textes en français', () => {
  it('date longue française, « 1er » pour le premier du mois, lieu et date', () => {
    assert.equal(longFrenchDate('2026-12-03'), '3 décembre 2026');
    assert.equal(longFrenchDate('2027-03-01'), '1er mars 2027');
    assert.equal(longFrenchDate('2026-08-15'), '15 août 2026');
    assert.equal(placeAndDate('Clermont-Ferrand', '2026-12-03'), 'Clermont-Ferrand, le 3 décembre 2026');
  });

  it('bloc-marque en capitales sur deux lignes, accents gardés', () => {
    assert.deepEqual(brandLines('Préfet du Puy-de-Dôme'), ['PRÉFET', 'DU PUY-DE-DÔME']);
    assert.deepEqual(brandLines("Préfet de l'Allier"), ['PRÉFET', "DE L'ALLIER"]);
  });

  it('formules d’appel et de politesse séparées du contenu d’un modèle, le reste inchangé', () => {
    const split = splitLetterContent(
      'Madame, Monsieur,\n\nJ’accuse réception de votre courrier.\nDeuxième ligne.\n\nRéponse.\n\nJe vous prie d’agréer, Madame, Monsieur, l’expression de ma considération distinguée.',
    );
    assert.equal(split.salutation, 'Madame, Monsieur,');
    assert.equal(split.body, 'J’accuse réception de votre courrier.\nDeuxième ligne.\n\nRéponse.');
    assert.match(split.closing ?? '', /^Je vous prie d’agréer/);
    // Sans formules reconnaissables : tout reste dans le contenu.
    const plain = splitLetterContent('Votre dossier est complet.\r\n\r\n\r\nIl sera instruit sous huit jours.');
    assert.deepEqual(plain, {
      salutation: null,
      body: 'Votre dossier est complet.\n\nIl sera instruit sous huit jours.',
      closing: null,
    });
    // Un seul paragraphe n'est jamais pris pour la formule de politesse.
    assert.equal(splitLetterContent('Cordialement vôtre, le service.').closing, null);
  });
});

describe('lettre DOCX', () => {
  it('une archive ZIP valide dont le document contient la structure des courriers types, dans l’ordre', async () => {
    const files = readZip(await letterDocx(sample()));
    assert.ok(files.has('[Content_Types].xml'));
    const xml = files.get('word/document.xml')?.toString('utf8') ?? '';
    // Les caractères spéciaux du destinataire sont échappés : le XML reste valide.
    assert.match(xml, /Dupont &amp; Fils &lt;SARL&gt;/);
    const text = wordText(xml);
    assertInOrder(text, [
      'PRÉFET',
      'DU PUY-DE-DÔME',
      'Liberté',
      'Préfecture du Puy-de-Dôme',
      'Bureau des relations aux usagers',
      'Affaire suivie par\u00a0: Camille Martin',
      'Tél.\u00a0: 04 73 98 63 63',
      'Courriel\u00a0: pref-public@puy-de-dome.gouv.fr',
      'Clermont-Ferrand, le 3 décembre 2026',
      'Dupont & Fils <SARL>',
      '63000 Clermont-Ferrand',
      'Objet\u00a0:\tVotre demande de certificat d’immatriculation',
      'Référence\u00a0:\tvotre courrier du 1er décembre 2026 — dossier 2026-00042',
      'Pièce(s) jointe(s)\u00a0:\tformulaire cerfa n° 13750',
      'Madame, Monsieur,',
      `${COUNT} demandes`,
      'Un point numérique',
      'Je vous prie d’agréer',
      'Le bureau des relations aux usagers',
    ]);
    assert.ok(text.includes(`12${NARROW_NBSP}345`));
    // Le bloc contact de la préfecture est en pied de page.
    const footer = wordText(files.get('word/footer1.xml')?.toString('utf8') ?? '');
    assert.match(footer, /Préfecture du Puy-de-Dôme – 18, boulevard Desaix – 63033 Clermont-Ferrand Cedex 1/);
    assert.match(footer, /Internet\u00a0: www\.puy-de-dome\.gouv\.fr/);
    // Propriétés du document : titre et auteur.
    const core = files.get('docProps/core.xml')?.toString('utf8') ?? '';
    assert.match(core, /Votre demande de certificat d’immatriculation/);
  });

  it('sans pièce jointe, pas de ligne « Pièce(s) jointe(s) »', async () => {
    const files = readZip(await letterDocx(sample({ enclosures: null })));
    assert.doesNotMatch(wordText(files.get('word/document.xml')?.toString('utf8') ?? ''), /Pièce\(s\) jointe\(s\)/);
  });
});

describe('lettre PDF', () => {
  it('un PDF dont toutes les polices sont DejaVu, incorporées, et dont le texte suit la structure', async () => {
    const pdf = await letterPdf(sample());
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(pdf.subarray(-8).toString('latin1'), /%%EOF/);
    assert.doesNotMatch(pdf.toString('latin1'), /\/Helvetica|\/Times|\/Courier/);
    const fonts = pdfFonts(pdf);
    assert.ok(fonts.length >= 2);
    for (const font of fonts) {
      assert.match(font.baseFont, /^[A-Z]{6}\+DejaVuSans/);
      assert.ok(font.embedded, `${font.baseFont} n’est pas incorporée`);
    }
    const text = pdfText(pdf);
    assert.ok(!text.includes('\ufffd'), 'glyphe sans correspondance Unicode');
    // pdfkit envoie un caractère absent de la police sur le glyphe 0 (.notdef, le carré), relu U+0000.
    assert.ok(!text.includes('\u0000'), 'caractère absent de la police');
    assertInOrder(text, [
      'PRÉFET',
      'DU PUY-DE-DÔME',
      'Fraternité',
      'Préfecture du Puy-de-Dôme',
      'Affaire suivie par\u00a0: Camille Martin',
      'Clermont-Ferrand, le 3 décembre 2026',
      'Dupont & Fils <SARL>',
      'Objet\u00a0:',
      'Votre demande de certificat d’immatriculation',
      'Référence\u00a0:',
      'votre courrier du 1er décembre 2026 — dossier 2026-00042',
      'Pièce(s) jointe(s)\u00a0:',
      'Madame, Monsieur,',
      `${COUNT} demandes`,
      'Je vous prie d’agréer',
      'Le bureau des relations aux usagers',
      'Préfecture du Puy-de-Dôme – 18, boulevard Desaix',
      'Internet\u00a0: www.puy-de-dome.gouv.fr',
    ]);
    assert.doesNotMatch(text, /Page 1/, 'une lettre d’une page n’est pas paginée');
  });

  it('l’espace fine insécable U+202F a un vrai glyphe de la police (pas le carré .notdef)', async () => {
    const fonts = pdfFonts(await letterPdf(sample()));
    const regular = fonts.find((f) => /\+DejaVuSans$/.test(f.baseFont));
    assert.ok(regular);
    const cids = [...regular.toUnicode].filter(([, text]) => text === NARROW_NBSP).map(([cid]) => cid);
    assert.equal(cids.length, 1, 'U+202F doit être dessinée par la police');
    // Le glyphe 0 est .notdef (le carré) : un caractère absent de la police y serait envoyé.
    assert.notEqual(cids[0], 0);
  });

  it('un long contenu passe sur deux pages : pied et pagination sur chacune, signature entière', async () => {
    const body = Array.from(
      { length: 16 },
      (_, i) => `Paragraphe ${i + 1}. ${'Texte de la réponse, clair et complet. '.repeat(8)}`,
    ).join('\n\n');
    const text = pdfText(await letterPdf(sample({ body })));
    assert.match(text, /Page 1 \/ 2/);
    assert.match(text, /Page 2 \/ 2/);
    assert.equal(text.split('Préfecture du Puy-de-Dôme – 18, boulevard Desaix').length - 1, 2);
    assertInOrder(text, ['Paragraphe 16.', 'Je vous prie d’agréer', 'Le bureau des relations aux usagers', 'Page 2 / 2']);
  });
});
