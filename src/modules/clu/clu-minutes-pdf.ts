import { brandLines } from '../../shared/brand.ts';
import { createPdf, drawPrefectureHeader } from '../../shared/pdf.ts';
import { type MinutesDocument, minutesBlocks, minutesSubject, numericDate, senderLines } from './clu-minutes.ts';

const INK = '#161616';
const GREY = '#3a3a3a';

/**
 * Le compte rendu approuvé en PDF, dessiné dans le processus (pdfkit, police DejaVu incorporée : les
 * nombres français et leur espace fine insécable s'affichent) : la publication ne dépend jamais de
 * LibreOffice. Même texte que le DOCX, lu dans les mêmes blocs.
 */
export function minutesPdf(doc: MinutesDocument): Promise<Buffer> {
  const { doc: pdf, done } = createPdf({
    size: 'A4',
    bufferPages: true,
    margins: { top: 48, bottom: 64, left: 64, right: 56 },
    displayTitle: true,
    info: {
      Title: `Compte rendu — ${minutesSubject(doc.meeting.startsAt)}`,
      Author: doc.organisation.name,
      Subject: 'Comité local des usagers',
      Creator: 'Vigie',
    },
  });
  const left = pdf.page.margins.left;
  const width = drawPrefectureHeader(pdf, brandLines(doc.organisation.brand).join(' '), 48);
  const right = left + width;
  const column = left + Math.round(width * 0.55);

  // Service émetteur à gauche, lieu et date à droite.
  const top = pdf.y + 22;
  pdf
    .font('regular')
    .fontSize(8.5)
    .fillColor(GREY)
    .text(senderLines(doc.content).join('\n'), left, top, { width: column - left - 12, lineGap: 1 });
  const senderBottom = pdf.y;
  pdf
    .fillColor(INK)
    .fontSize(10)
    .text(`${doc.organisation.city}, le ${numericDate(doc.content.documentDate)}`, column, top, {
      width: right - column,
      align: 'right',
    });
  pdf.y = Math.max(senderBottom, pdf.y) + 18;

  for (const block of minutesBlocks(doc)) {
    switch (block.kind) {
      case 'title':
        pdf
          .font('bold')
          .fontSize(13)
          .fillColor(INK)
          .text(block.text, left, pdf.y + 6, { width, align: 'center' });
        pdf.moveDown(1);
        break;
      case 'label': {
        const [label, ...rest] = block.text.split('\u00a0:');
        pdf
          .font('bold')
          .fontSize(10)
          .text(`${label}\u00a0:`, left, pdf.y, { continued: true })
          .font('regular')
          .text(rest.join('\u00a0:'));
        pdf.moveDown(0.35);
        break;
      }
      case 'heading':
        // Un titre ne reste pas seul en bas de page.
        if (pdf.y + 60 > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
        pdf.moveDown(0.6);
        pdf.font('bold').fontSize(10.5).text(block.text, left, pdf.y, { width });
        pdf.moveDown(0.3);
        break;
      case 'paragraph':
        pdf.font('regular').fontSize(10).text(block.text, left, pdf.y, { width, align: 'justify', lineGap: 1.5 });
        pdf.moveDown(0.5);
        break;
      case 'list':
        pdf.font('regular').fontSize(10);
        for (const item of block.items) {
          pdf.text(`–\u00a0${item}`, left + 14, pdf.y, { width: width - 14, lineGap: 1 });
          pdf.moveDown(0.15);
        }
        pdf.moveDown(0.4);
        break;
      case 'signature': {
        const text = block.lines.join('\n');
        const height = pdf.heightOfString(text, { width: right - column }) + 24;
        if (pdf.y + height > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
        pdf
          .font('regular')
          .fontSize(10)
          .text(text, column, pdf.y + 16, { width: right - column });
        pdf.moveDown(1.5);
        break;
      }
    }
  }
  if (doc.approved) {
    pdf
      .font('italic')
      .fontSize(8.5)
      .fillColor(GREY)
      .text(`Compte rendu approuvé le ${numericDate(doc.approved.at)}.`, left, pdf.y + 8, { width });
  }

  const range = pdf.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    pdf.switchToPage(index);
    const bottom = pdf.page.margins.bottom;
    // Écrire sous la marge basse ne doit pas créer de page : on l'annule le temps du pied.
    pdf.page.margins.bottom = 0;
    pdf
      .font('regular')
      .fontSize(8)
      .fillColor(GREY)
      .text(
        `${doc.organisation.name} — ${minutesSubject(doc.meeting.startsAt)} Page ${index - range.start + 1} / ${range.count}`,
        left,
        pdf.page.height - 36,
        {
          width,
          align: 'right',
          lineBreak: false,
        },
      );
    pdf.page.margins.bottom = bottom;
  }
  pdf.end();
  return done;
}
