import { type Paragraph, TableBorders, TableCell, TextRun, WidthType } from 'docx';

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

export function borderlessCell(children: Paragraph[], width: number): TableCell {
  return new TableCell({ children, width: { size: width, type: WidthType.DXA }, borders: TableBorders.NONE });
}
