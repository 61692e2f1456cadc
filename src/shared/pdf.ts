import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/**
 * Police des PDF de Vigie : DejaVu Sans, incorporée (sous-ensemble). Les polices standard du PDF
 * (Helvetica…) n'ont ni l'espace fine insécable U+202F des nombres français (« 12 345 »), ni les
 * guillemets et apostrophes typographiques hors WinAnsi : ils s'afficheraient en carrés.
 */
const FONT_DIR = new URL('../../node_modules/dejavu-fonts-ttf/ttf/', import.meta.url);
const FONT_FILES = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
} as const;
export type PdfFont = keyof typeof FONT_FILES;

// Lues une fois par processus : chaque document n'en incorpore que les glyphes utilisés.
const fontCache = new Map<PdfFont, Buffer>();

export function pdfFontData(font: PdfFont): Buffer {
  let data = fontCache.get(font);
  if (!data) {
    data = readFileSync(new URL(FONT_FILES[font], FONT_DIR));
    fontCache.set(font, data);
  }
  return data;
}

/**
 * Un document PDF en mémoire, polices « regular », « bold » et « italic » enregistrées ; `done`
 * donne le fichier complet après `doc.end()`.
 */
export function createPdf(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument({ lang: 'fr-FR', ...options });
  for (const font of Object.keys(FONT_FILES) as PdfFont[]) doc.registerFont(font, pdfFontData(font));
  doc.font('regular');
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

/**
 * Bloc-marque d'un document de la préfecture : « République française », la devise, l'intitulé du préfet,
 * puis un filet bleu France. Renvoie la largeur utile ; le curseur est placé sous le filet.
 */
export function drawPrefectureHeader(doc: PDFKit.PDFDocument, prefect: string, top: number): number {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font('bold').fontSize(13).fillColor('#161616').text('RÉPUBLIQUE', left, top).text('FRANÇAISE');
  doc.font('italic').fontSize(8).text('Liberté', { lineGap: -1 }).text('Égalité').text('Fraternité');
  doc.moveDown(0.6);
  doc.font('bold').fontSize(12).text(prefect, left, doc.y, { width });
  doc
    .moveTo(left, doc.y + 10)
    .lineTo(left + width, doc.y + 10)
    .lineWidth(1)
    .strokeColor('#000091')
    .stroke();
  return width;
}
