import { Paragraph, Table, TableBorders, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { REPUBLIC_MOTTO } from './brand.ts';

/**
 * Pièces communes des documents Word de Vigie (lettres, comptes rendus) : police, langue française
 * (correcteur de Word), largeur utile d'une page A4, lignes d'un même paragraphe, cases sans bordure des
 * en-têtes en deux colonnes.
 */
export const DOCX_FONT = 'Arial';
export const DOCX_FRENCH = { value: 'fr-FR' } as const;
/** Largeur utile d'une page A4 avec des marges de 2 cm, en vingtièmes de point. */
export const DOCX_TEXT_WIDTH = 11906 - 2 * 1134;

export interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  size?: number;
  color?: string;
}

export function docxRun(text: string, options: RunStyle = {}): TextRun {
  return new TextRun({ text, font: DOCX_FONT, language: DOCX_FRENCH, ...options });
}

/** Plusieurs lignes dans un même paragraphe (sauts de ligne, pas de nouveaux paragraphes). */
export function docxLines(texts: string[], options: RunStyle = {}): TextRun[] {
  return texts.map(
    (text, index) => new TextRun({ text, font: DOCX_FONT, language: DOCX_FRENCH, break: index > 0 ? 1 : 0, ...options }),
  );
}

function borderlessCell(children: Paragraph[], width: number): TableCell {
  return new TableCell({ children, width: { size: width, type: WidthType.DXA }, borders: TableBorders.NONE });
}

/**
 * L'en-tête des documents en deux colonnes sans bordure : à gauche le bloc-marque et l'émetteur, à droite le
 * lieu, la date (et le destinataire d'une lettre). `leftShare` : part de la largeur utile prise à gauche.
 */
export function docxTwoColumnHeader(leftShare: number, left: Paragraph[], right: Paragraph[]): Table {
  const leftWidth = Math.round(DOCX_TEXT_WIDTH * leftShare);
  const rightWidth = DOCX_TEXT_WIDTH - leftWidth;
  return new Table({
    width: { size: DOCX_TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [leftWidth, rightWidth],
    borders: TableBorders.NONE,
    rows: [new TableRow({ children: [borderlessCell(left, leftWidth), borderlessCell(right, rightWidth)] })],
  });
}

/** Le bloc-marque (lignes en gras) et la devise en italique, espacée de ce qui suit de `mottoSpacingAfter`. */
export function docxBrandParagraphs(brand: string[], mottoSpacingAfter: number): Paragraph[] {
  return [
    new Paragraph({ children: docxLines(brand, { bold: true, size: 22 }) }),
    new Paragraph({
      spacing: { after: mottoSpacingAfter },
      children: docxLines([...REPUBLIC_MOTTO], { italics: true, size: 15 }),
    }),
  ];
}
