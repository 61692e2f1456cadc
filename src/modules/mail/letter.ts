import { AlignmentType, Document, Footer, Packer, Paragraph, Tab, TabStopType, TextRun } from 'docx';
import { brandLines, REPUBLIC_MOTTO } from '../../shared/brand.ts';
import {
  DOCX_FONT,
  DOCX_TEXT_WIDTH,
  docxBrandParagraphs,
  docxLines,
  docxRun,
  docxTwoColumnHeader,
} from '../../shared/docx-parts.ts';
import { createPdf } from '../../shared/pdf.ts';
import { MONTH_NAMES } from '../calendar/civil-date.ts';

/**
 * Mise en page d'une lettre de réponse de la préfecture, sur la structure des courriers types des
 * seeds (Puy-de-Dôme, Allier) : bloc-marque et émetteur (« Affaire suivie par »), lieu et date,
 * destinataire, Objet / Référence / Pièce(s) jointe(s), formule d'appel, contenu, formule de
 * politesse, signature, et en pied le bloc contact de la préfecture. Deux sorties, même texte :
 * DOCX (modifiable dans un traitement de texte) et PDF (police DejaVu incorporée).
 */
export interface Letter {
  /** « Préfet du Puy-de-Dôme » : le bloc-marque, en capitales. */
  prefectLabel: string;
  /** « Préfecture du Puy-de-Dôme ». */
  organisationName: string;
  sender: {
    /** Direction, service, bureau : une ligne chacun. */
    lines: string[];
    followedBy: string | null;
    phone: string | null;
    email: string | null;
  };
  /** Chef-lieu du département : « Clermont-Ferrand ». */
  place: string;
  /** Date de la lettre, « AAAA-MM-JJ ». */
  date: string;
  /** Nom puis adresse postale du destinataire, une ligne chacun. */
  recipient: string[];
  subject: string;
  /** « votre courrier du 12 novembre 2026 — dossier 2026-00042 ». */
  reference: string;
  enclosures: string | null;
  /** « Madame, Monsieur, » ; nulle si le contenu n'en a pas. */
  salutation: string | null;
  /** Le contenu ; une ligne vide sépare deux paragraphes. */
  body: string;
  /** « Je vous prie d'agréer… » ; nulle si le contenu n'en a pas. */
  closing: string | null;
  /** Bloc signature : nom et fonction (forme individuelle) ou service, une ligne chacun. */
  signature: string[];
  contact: {
    organisationName: string;
    postalAddress: string[];
    phone: string | null;
    email: string | null;
    website: string | null;
  };
}

/** « 3 décembre 2026 », « 1er mars 2027 ». */
export function longFrenchDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  if (!year || !month || !day || !MONTH_NAMES[month - 1]) throw new Error(`Date invalide : ${isoDate}`);
  return `${day === 1 ? '1er' : day} ${MONTH_NAMES[month - 1]} ${year}`;
}

/** « Clermont-Ferrand, le 3 décembre 2026 ». */
export function placeAndDate(place: string, isoDate: string): string {
  return `${place}, le ${longFrenchDate(isoDate)}`;
}

// Espace insécable avant le deux-points, comme dans les courriers types.
const COLON = '\u00a0:';

/** Les lignes de l'émetteur sous le bloc-marque. */
export function senderBlock(letter: Letter): string[] {
  const s = letter.sender;
  return [
    ...s.lines,
    ...(s.followedBy ? [`Affaire suivie par${COLON} ${s.followedBy}`] : []),
    ...(s.phone ? [`Tél.${COLON} ${s.phone}`] : []),
    ...(s.email ? [`Courriel${COLON} ${s.email}`] : []),
  ];
}

/** Objet, Référence et, s'il y en a, Pièce(s) jointe(s). */
export function headingRows(letter: Letter): { label: string; value: string }[] {
  return [
    { label: `Objet${COLON}`, value: letter.subject },
    { label: `Référence${COLON}`, value: letter.reference },
    ...(letter.enclosures ? [{ label: `Pièce(s) jointe(s)${COLON}`, value: letter.enclosures }] : []),
  ];
}

/** Paragraphes du contenu (séparés par une ligne vide), chacun en lignes. */
export function bodyParagraphs(body: string): string[][] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.split('\n').map((line) => line.trimEnd()))
    .map((lines) => {
      while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
      while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
      return lines;
    })
    .filter((lines) => lines.length > 0);
}

const SALUTATION = /^(madame|monsieur|mesdames|messieurs|bonjour|cher|chère|maître)\b.{0,80},$/i;
const CLOSING = /(agréer|considération|salutations|sentiments|respectueusement|cordialement)/i;

/**
 * Sépare d'un contenu rédigé d'un bloc (celui d'un modèle de lettre) la formule d'appel (premier
 * paragraphe d'une ligne, « Madame, Monsieur, ») et la formule de politesse (dernier paragraphe,
 * « Je vous prie d'agréer… »), pour les placer comme dans les courriers types. Ce qui n'est pas
 * reconnu reste dans le contenu, à sa place.
 */
export function splitLetterContent(text: string): { salutation: string | null; body: string; closing: string | null } {
  const paragraphs = bodyParagraphs(text);
  const first = paragraphs[0];
  const salutation = first && first.length === 1 && SALUTATION.test(first[0]?.trim() ?? '') ? (first[0]?.trim() ?? null) : null;
  if (salutation) paragraphs.shift();
  const last = paragraphs[paragraphs.length - 1];
  const closing = last && paragraphs.length > 1 && CLOSING.test(last.join(' ')) ? last.join('\n') : null;
  if (closing) paragraphs.pop();
  return { salutation, body: paragraphs.map((p) => p.join('\n')).join('\n\n'), closing };
}

/** Le pied de page : la préfecture, son adresse, puis téléphone, courriel et site. */
export function contactLines(letter: Letter): string[] {
  const c = letter.contact;
  const first = [c.organisationName, ...c.postalAddress].filter((l) => l.trim() !== '').join(' – ');
  const second = [
    c.phone ? `Tél.${COLON} ${c.phone}` : '',
    c.email ? `Courriel${COLON} ${c.email}` : '',
    c.website ? `Internet${COLON} ${c.website}` : '',
  ]
    .filter(Boolean)
    .join(' – ');
  return second ? [first, second] : [first];
}

// ——— DOCX ———

const DOCX_LABEL_WIDTH = 2600;

/** La lettre en DOCX : le texte reste modifiable (paragraphes, tabulations, pas de zones de texte). */
export async function letterDocx(letter: Letter): Promise<Buffer> {
  const leftShare = 0.52;
  // La signature s'aligne sur la colonne de droite de l'en-tête.
  const left = Math.round(DOCX_TEXT_WIDTH * leftShare);
  const top = docxTwoColumnHeader(
    leftShare,
    [
      ...docxBrandParagraphs(brandLines(letter.prefectLabel), 360),
      new Paragraph({ children: [docxRun(letter.organisationName, { bold: true, size: 18 })] }),
      new Paragraph({ children: docxLines(senderBlock(letter), { size: 17 }) }),
    ],
    [
      new Paragraph({
        spacing: { before: 1100, after: 600 },
        children: [docxRun(placeAndDate(letter.place, letter.date))],
      }),
      new Paragraph({ children: docxLines(letter.recipient) }),
    ],
  );
  const headings = headingRows(letter).map(
    (row, index) =>
      new Paragraph({
        tabStops: [{ type: TabStopType.LEFT, position: DOCX_LABEL_WIDTH }],
        indent: { left: DOCX_LABEL_WIDTH, hanging: DOCX_LABEL_WIDTH },
        spacing: { before: index === 0 ? 600 : 60 },
        children: [
          docxRun(row.label, { bold: true }),
          new TextRun({ children: [new Tab()] }),
          ...docxLines(row.value.split('\n')),
        ],
      }),
  );
  const body = bodyParagraphs(letter.body).map(
    (paragraph) => new Paragraph({ alignment: AlignmentType.JUSTIFIED, spacing: { after: 160 }, children: docxLines(paragraph) }),
  );
  const footer = new Footer({
    children: contactLines(letter).map(
      (line) => new Paragraph({ alignment: AlignmentType.CENTER, children: [docxRun(line, { size: 14, color: '3A3A3A' })] }),
    ),
  });
  const document = new Document({
    title: letter.subject,
    subject: letter.reference,
    creator: letter.organisationName,
    description: 'Lettre de réponse préparée avec Vigie',
    styles: { default: { document: { run: { font: DOCX_FONT, size: 21 } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 1000, bottom: 1400, left: 1134, right: 1134, footer: 500 },
          },
        },
        footers: { default: footer },
        children: [
          top,
          ...headings,
          new Paragraph({
            spacing: { before: 480, after: 200 },
            children: letter.salutation ? [docxRun(letter.salutation)] : [],
          }),
          ...body,
          ...(letter.closing
            ? [
                new Paragraph({
                  alignment: AlignmentType.JUSTIFIED,
                  spacing: { before: 80 },
                  keepNext: true,
                  children: docxLines(letter.closing.split('\n')),
                }),
              ]
            : []),
          new Paragraph({
            keepLines: true,
            indent: { left },
            spacing: { before: 480 },
            children: docxLines(letter.signature),
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

// ——— PDF ———

const INK = '#161616';
const GREY = '#3a3a3a';

/** La lettre en PDF A4, police DejaVu incorporée (U+202F, guillemets, apostrophes typographiques). */
export function letterPdf(letter: Letter): Promise<Buffer> {
  const { doc, done } = createPdf({
    size: 'A4',
    bufferPages: true,
    margins: { top: 56, bottom: 92, left: 64, right: 56 },
    displayTitle: true,
    info: {
      Title: letter.subject,
      Author: letter.organisationName,
      Subject: letter.reference,
      Creator: 'Vigie',
    },
  });
  const margins = doc.page.margins;
  const left = margins.left;
  const right = doc.page.width - margins.right;
  const width = right - left;
  const column = left + Math.round(width * 0.52);
  const columnWidth = right - column;

  // Bloc-marque et devise.
  doc
    .fillColor(INK)
    .font('bold')
    .fontSize(11)
    .text(brandLines(letter.prefectLabel).join('\n'), left, margins.top, {
      width: column - left - 16,
      lineGap: 1,
    });
  doc
    .font('italic')
    .fontSize(7.5)
    .text(REPUBLIC_MOTTO.join('\n'), left, doc.y + 4, { width: column - left - 16 });

  // Émetteur.
  doc
    .font('bold')
    .fontSize(9)
    .text(letter.organisationName, left, doc.y + 22, { width: column - left - 16 });
  doc
    .font('regular')
    .fontSize(8.5)
    .fillColor(GREY)
    .text(senderBlock(letter).join('\n'), left, doc.y + 2, { width: column - left - 16, lineGap: 1 });
  const senderBottom = doc.y;

  // Lieu et date, puis destinataire (hauteur d'une fenêtre d'enveloppe).
  doc
    .fillColor(INK)
    .font('regular')
    .fontSize(10)
    .text(placeAndDate(letter.place, letter.date), column, margins.top + 78, { width: columnWidth });
  doc.text(letter.recipient.join('\n'), column, margins.top + 120, { width: columnWidth, lineGap: 1 });
  let y = Math.max(senderBottom, doc.y) + 34;

  // Objet, référence, pièces jointes.
  const labelWidth = 124;
  for (const row of headingRows(letter)) {
    doc.font('bold').fontSize(10).text(row.label, left, y, { width: labelWidth, lineBreak: false });
    doc.font('regular').text(row.value, left + labelWidth, y, { width: width - labelWidth });
    y = doc.y + 3;
  }

  // Formule d'appel, contenu, formule de politesse.
  doc.font('regular').fontSize(10.5);
  doc.y = y + 22;
  if (letter.salutation) {
    doc.text(letter.salutation, left, doc.y, { width });
    doc.moveDown(0.8);
  }
  for (const paragraph of bodyParagraphs(letter.body)) {
    doc.text(paragraph.join('\n'), left, doc.y, { width, align: 'justify', lineGap: 1.5 });
    doc.moveDown(0.7);
  }
  if (letter.closing) doc.text(letter.closing, left, doc.y, { width, align: 'justify', lineGap: 1.5 });

  // Signature : jamais seule en haut d'une page sans rien au-dessus, mais jamais coupée non plus.
  const signature = letter.signature.join('\n');
  const signatureHeight = doc.heightOfString(signature, { width: columnWidth }) + 30;
  if (doc.y + signatureHeight > doc.page.height - margins.bottom) doc.addPage();
  doc.text(signature, column, doc.y + 30, { width: columnWidth, lineGap: 1 });

  // Pied de chaque page : le bloc contact de la préfecture (et la pagination s'il y a plusieurs pages).
  const range = doc.bufferedPageRange();
  const footer = contactLines(letter);
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    const bottom = doc.page.margins.bottom;
    // Écrire sous la marge basse ne doit pas créer de page : on l'annule le temps du pied.
    doc.page.margins.bottom = 0;
    const footerTop = doc.page.height - 64;
    doc
      .moveTo(left, footerTop - 8)
      .lineTo(right, footerTop - 8)
      .lineWidth(0.5)
      .strokeColor('#929292')
      .stroke();
    doc
      .font('regular')
      .fontSize(7.5)
      .fillColor(GREY)
      .text(footer.join('\n'), left, footerTop, { width, align: 'center', lineGap: 1 });
    if (range.count > 1) {
      doc.text(`Page ${index - range.start + 1} / ${range.count}`, left, doc.page.height - 30, { width, align: 'right' });
    }
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
