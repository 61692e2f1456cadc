import { createPdf, drawPrefectureHeader } from '../../shared/pdf.ts';

/**
 * L'affiche « Transparence publique » : les chiffres d'un trimestre pour le hall d'accueil. Domaine pur :
 * elle reçoit des chiffres déjà mis en forme (ceux d'une publication figée) et les dessine.
 */
export interface PosterItem {
  key: string;
  label: string;
  /** La valeur telle qu'affichée : « 90,5 % », « 16 jours ». */
  text: string;
  /** Précision : « sur 4 100 appels », « 207 réponses ». */
  detail: string | null;
}

export interface PosterFigures {
  organisationName: string;
  prefect: string;
  quarter: string;
  quarterLabel: string;
  asOf: string;
  items: PosterItem[];
}

export const POSTER_TITLE = 'Transparence publique';

export type PosterSize = 'A4' | 'A3';

function frenchDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y ?? 2000, (m ?? 1) - 1, d ?? 1)),
  );
}

/** Le PDF de l'affiche (A4 ou A3, mise en page proportionnelle), police DejaVu incorporée. */
export function transparencyPosterPdf(figures: PosterFigures, size: PosterSize = 'A4', publishedAt?: string): Promise<Buffer> {
  const scale = size === 'A3' ? Math.SQRT2 : 1;
  const { doc, done } = createPdf({
    size,
    margins: { top: 48 * scale, bottom: 40 * scale, left: 56 * scale, right: 56 * scale },
    info: { Title: `${POSTER_TITLE} — ${figures.quarterLabel} — ${figures.organisationName}`, Author: figures.prefect },
  });
  const left = doc.page.margins.left;
  const width = drawPrefectureHeader(doc, figures.prefect, 48 * scale);
  doc
    .font('bold')
    .fontSize(30 * scale)
    .fillColor('#000091')
    .text(POSTER_TITLE, left, doc.y + 30 * scale, { width, align: 'center' });
  doc
    .font('regular')
    .fontSize(16 * scale)
    .fillColor('#161616')
    .text(`Nos résultats du ${figures.quarterLabel}`, { width, align: 'center' });
  doc.moveDown(1.2);
  if (figures.items.length === 0) {
    doc.fontSize(14 * scale).text('Aucun chiffre mesuré pour ce trimestre.', { width, align: 'center' });
  }
  // Deux colonnes de cartes : la valeur en grand, le libellé dessous, la précision en petit.
  const gap = 16 * scale;
  const cardWidth = (width - gap) / 2;
  const cardHeight = 132 * scale;
  let y = doc.y;
  figures.items.forEach((item, index) => {
    const column = index % 2;
    if (index > 0 && column === 0) y += cardHeight + gap;
    const x = left + column * (cardWidth + gap);
    doc.roundedRect(x, y, cardWidth, cardHeight, 6 * scale).fillAndStroke('#f5f5fe', '#000091');
    doc
      .font('bold')
      .fontSize(28 * scale)
      .fillColor('#000091')
      .text(item.text, x + 12 * scale, y + 14 * scale, { width: cardWidth - 24 * scale, align: 'center' });
    doc
      .font('regular')
      .fontSize(11 * scale)
      .fillColor('#161616')
      .text(item.label, x + 12 * scale, y + 56 * scale, { width: cardWidth - 24 * scale, align: 'center' });
    if (item.detail) {
      doc
        .fontSize(8.5 * scale)
        .fillColor('#3a3a3a')
        .text(item.detail, x + 12 * scale, y + 110 * scale, { width: cardWidth - 24 * scale, align: 'center' });
    }
  });
  const bottom = doc.page.height - doc.page.margins.bottom - 30 * scale;
  doc
    .font('regular')
    .fontSize(9 * scale)
    .fillColor('#3a3a3a')
    .text(
      `Chiffres arrêtés au ${frenchDate(figures.asOf)}${publishedAt ? `, publiés le ${frenchDate(publishedAt.slice(0, 10))}` : ''}. ` +
        'Démarche Qual-e-pref : la préfecture s’engage sur la qualité de son accueil et publie ses résultats.',
      left,
      bottom,
      { width, align: 'center' },
    );
  doc.end();
  return done;
}
