import { createPdf } from '../../shared/pdf.ts';

export interface PaperFormOptions {
  organisationName: string;
  retentionMonths: number;
}

/**
 * Formulaire papier de l'urne de l'accueil : une page A4 avec les mêmes champs que le formulaire en
 * ligne (nature à cocher, date, objet, message, nom, adresse, courriel) et la mention d'information.
 */
export function paperFormPdf(options: PaperFormOptions): Promise<Buffer> {
  const { doc, done } = createPdf({
    size: 'A4',
    margins: { top: 36, bottom: 30, left: 42, right: 42 },
    info: {
      Title: `Réclamation, suggestion ou demande d’information — ${options.organisationName}`,
      Author: options.organisationName,
      Subject: 'Formulaire à déposer dans l’urne de l’accueil',
    },
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const line = (y: number, x = left, w = width) => {
    doc
      .moveTo(x, y)
      .lineTo(x + w, y)
      .lineWidth(0.5)
      .strokeColor('#666666')
      .stroke();
  };

  doc.font('bold').fontSize(11).fillColor('#000091').text(options.organisationName.toUpperCase(), left, 36, { width });
  doc.moveDown(0.3);
  doc.font('bold').fontSize(16).fillColor('#161616').text('Réclamation, suggestion ou demande d’information', { width });
  doc.moveDown(0.2);
  doc
    .font('regular')
    .fontSize(9.5)
    .text(
      'Remplissez ce formulaire puis déposez-le dans l’urne de l’accueil. Nous vous répondons par écrit sous 10 jours ouvrés après la relève de l’urne si vous indiquez une adresse. Vous pouvez aussi écrire en ligne (page « Réclamation » du site de Vigie).',
      { width },
    );

  // Nature, à cocher.
  let y = doc.y + 12;
  doc.font('bold').fontSize(10.5).text('Votre message est (cochez une case) :', left, y);
  y = doc.y + 6;
  let x = left;
  for (const label of ['Une réclamation', 'Une suggestion', 'Une demande d’information']) {
    doc.rect(x, y, 11, 11).lineWidth(0.8).strokeColor('#161616').stroke();
    doc
      .font('regular')
      .fontSize(10)
      .text(label, x + 17, y + 1, { lineBreak: false });
    x += 175;
  }

  // Date et objet.
  y += 28;
  doc.font('bold').fontSize(10.5).text('Date :', left, y, { lineBreak: false });
  doc.font('regular').text('____ / ____ / ________', left + 42, y, { lineBreak: false });
  y += 24;
  doc.font('bold').text('Objet :', left, y, { lineBreak: false });
  line(y + 12, left + 45, width - 45);

  // Message.
  y += 26;
  doc.font('bold').text('Votre message :', left, y);
  doc
    .font('regular')
    .fontSize(8.5)
    .fillColor('#3a3a3a')
    .text(
      'Date, guichet ou service concerné, démarche… N’indiquez pas d’informations sensibles (santé, opinions).',
      left,
      doc.y + 1,
      {
        width,
      },
    );
  doc.fillColor('#161616');
  y = doc.y + 4;
  for (let i = 0; i < 14; i++) {
    y += 20;
    line(y);
  }

  // Coordonnées.
  y += 16;
  doc.font('bold').fontSize(10.5).text('Vos coordonnées', left, y);
  doc
    .font('regular')
    .fontSize(8.5)
    .fillColor('#3a3a3a')
    .text(
      'Facultatives, mais sans adresse électronique ni adresse postale, nous ne pourrons pas vous répondre.',
      left,
      doc.y + 1,
      {
        width,
      },
    );
  doc.fillColor('#161616').fontSize(10.5);
  y = doc.y + 10;
  doc.font('regular').text('Nom et prénom :', left, y, { lineBreak: false });
  line(y + 12, left + 100, width - 100);
  y += 24;
  doc.text('Adresse postale :', left, y, { lineBreak: false });
  line(y + 12, left + 100, width - 100);
  y += 22;
  line(y + 12, left + 100, width - 100);
  y += 24;
  doc.text('Adresse électronique :', left, y, { lineBreak: false });
  line(y + 12, left + 130, width - 130);

  // Mention d'information.
  y += 30;
  doc.rect(left, y, width, 74).lineWidth(0.5).strokeColor('#000091').stroke();
  doc
    .font('bold')
    .fontSize(8.5)
    .fillColor('#161616')
    .text('Vos données personnelles', left + 8, y + 6, { width: width - 16 });
  doc
    .font('regular')
    .fontSize(8)
    .text(
      `${options.organisationName} enregistre votre message, votre nom et vos coordonnées dans son registre des réclamations et des demandes, pour vous répondre et suivre la qualité de son service. Seuls les agents habilités de la préfecture les lisent. Ces données sont effacées ${options.retentionMonths} mois après la clôture de votre demande ; seules des statistiques anonymes sont gardées. Vos droits (accès, rectification, effacement…) : adressez-vous au référent qualité de la préfecture ; détails sur la page « Données personnelles » du service en ligne.`,
      { width: width - 16 },
    );

  y += 86;
  doc
    .font('bold')
    .fontSize(11)
    .fillColor('#000091')
    .text('À déposer dans l’urne de l’accueil. Merci !', left, y, { width, align: 'center' });
  doc.end();
  return done;
}
