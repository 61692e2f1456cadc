import QRCode from 'qrcode';
import { createPdf, drawPrefectureHeader } from '../../shared/pdf.ts';

export interface QrPosterOptions {
  /** Intitulé du bloc-marque : « Préfet du Puy-de-Dôme ». */
  prefect: string;
  /** Titre de l'enquête (celui du questionnaire). */
  title: string;
  /** Adresse publique du point de collecte, encodée dans le QR code et écrite en clair. */
  url: string;
}

export const POSTER_CALL_TO_ACTION = 'Votre avis compte : 2 minutes, anonyme';

/**
 * Affiche A4 d'un point de collecte QR : bloc-marque de la préfecture, titre, phrase d'appel, QR code
 * dessiné en vectoriel (net à toute taille d'impression) et adresse en clair pour qui n'a pas de lecteur.
 */
export function qrPosterPdf(options: QrPosterOptions): Promise<Buffer> {
  const { doc, done } = createPdf({
    size: 'A4',
    margins: { top: 48, bottom: 40, left: 56, right: 56 },
    info: { Title: `${options.title} — ${options.prefect}`, Author: options.prefect, Subject: POSTER_CALL_TO_ACTION },
  });
  const left = doc.page.margins.left;
  const width = drawPrefectureHeader(doc, options.prefect, 48);

  doc
    .font('bold')
    .fontSize(26)
    .fillColor('#000091')
    .text(options.title, left, doc.y + 36, { width, align: 'center' });
  doc.moveDown(0.5);
  doc.font('regular').fontSize(18).fillColor('#161616').text(POSTER_CALL_TO_ACTION, { width, align: 'center' });

  // QR code : carrés noirs sur fond blanc, avec la zone de silence de 4 modules exigée par la norme.
  const qr = QRCode.create(options.url, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const quiet = 4;
  const side = 260;
  const cell = side / (size + 2 * quiet);
  const x0 = left + (width - side) / 2;
  const y0 = doc.y + 28;
  doc.rect(x0, y0, side, side).fill('#ffffff');
  doc.fillColor('#000000');
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.modules.get(row, col)) doc.rect(x0 + (col + quiet) * cell, y0 + (row + quiet) * cell, cell, cell);
    }
  }
  doc.fill('#000000');

  doc
    .font('regular')
    .fontSize(12)
    .fillColor('#161616')
    .text('Scannez le code avec l’appareil photo de votre téléphone, ou saisissez l’adresse :', left, y0 + side + 24, {
      width,
      align: 'center',
    });
  doc.moveDown(0.4);
  doc.font('bold').fontSize(11).fillColor('#000091').text(options.url, { width, align: 'center' });
  doc.moveDown(1.5);
  doc
    .font('regular')
    .fontSize(9)
    .fillColor('#3a3a3a')
    .text('Aucune donnée personnelle n’est demandée. Vos réponses servent uniquement à améliorer l’accueil de la préfecture.', {
      width,
      align: 'center',
    });
  doc.end();
  return done;
}
