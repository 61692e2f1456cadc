import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK_PLACEHOLDERS, maskComment, maskPersonalData } from './comment-masking.ts';

const EMAIL = MASK_PLACEHOLDERS.email;
const PHONE = MASK_PLACEHOLDERS.phone;
const NUMBER = MASK_PLACEHOLDERS.foreigner_number;

describe('Masquage des commentaires : adresses électroniques', () => {
  it('masque une adresse dans un commentaire réaliste', () => {
    const result = maskPersonalData(
      'Personne ne m’a rappelée, vous pouvez m’écrire à marie-claire.dupont63@orange.fr pour mon renouvellement.',
    );
    assert.equal(result.text, `Personne ne m’a rappelée, vous pouvez m’écrire à ${EMAIL} pour mon renouvellement.`);
    assert.deepEqual(result.counts, { email: 1, phone: 0, foreigner_number: 0 });
  });

  it('masque les formes accentuées, en majuscules, avec sous-domaines ou déguisées', () => {
    assert.equal(maskComment('Contact : Hélène.Lefèvre@Préfecture.Gouv.FR.'), `Contact : ${EMAIL}.`);
    assert.equal(maskComment('mail jean.martin+vigie@mail.example.co.uk merci'), `mail ${EMAIL} merci`);
    assert.equal(maskComment('jean.martin(at)gmail.com'), EMAIL);
    assert.equal(maskComment('écrire à jean.martin [at] gmail.com svp'), `écrire à ${EMAIL} svp`);
    assert.equal(maskComment('jean.martin arobase gmail.com'), EMAIL);
    assert.equal(maskComment('a@b.fr, c@d.fr'), `${EMAIL}, ${EMAIL}`);
  });

  it('laisse les arobases et adresses de site qui n’en sont pas', () => {
    for (const text of [
      'Rendez-vous @ 9 h, très bien.',
      'Le site www.puy-de-dome.gouv.fr est clair.',
      'https://ants.gouv.fr ne marche pas',
      'Note : 4/5 @accueil',
    ]) {
      assert.equal(maskComment(text), text);
    }
  });
});

describe('Masquage des commentaires : téléphones français', () => {
  it('masque les quatre formats courants', () => {
    for (const phone of ['06 12 34 56 78', '06.12.34.56.78', '+33 6 12 34 56 78', '0612345678']) {
      const result = maskPersonalData(`Rappelez-moi au ${phone} svp`);
      assert.equal(result.text, `Rappelez-moi au ${PHONE} svp`, phone);
      assert.deepEqual(result.counts, { email: 0, phone: 1, foreigner_number: 0 }, phone);
    }
  });

  it('masque aussi les variantes : tirets, insécables, +33 (0), 0033, fixe, collé à la ponctuation', () => {
    for (const phone of [
      '06-12-34-56-78',
      '06\u00a012\u00a034\u00a056\u00a078',
      '06\u202f12\u202f34\u202f56\u202f78',
      '+33 (0)6 12 34 56 78',
      '+33612345678',
      '0033 6 12 34 56 78',
      '+33 1 23 45 67 89',
      '04.73.98.63.08',
      '09 70 12 34 56',
    ]) {
      assert.equal(maskComment(`tél.:${phone}.`), `tél.:${PHONE}.`, phone);
    }
  });

  it('masque plusieurs données dans le même commentaire', () => {
    const result = maskPersonalData(
      'Mon fils (07 98 76 54 32) a écrit à contact@exemple.fr puis appelé le 0612345678, sans réponse.',
    );
    assert.equal(result.text, `Mon fils (${PHONE}) a écrit à ${EMAIL} puis appelé le ${PHONE}, sans réponse.`);
    assert.deepEqual(result.counts, { email: 1, phone: 2, foreigner_number: 0 });
  });
});

describe('Masquage des commentaires : numéro d’étranger (AGDREF)', () => {
  it('masque un numéro de 10 chiffres d’un seul tenant', () => {
    const result = maskPersonalData('Mon numéro étranger est 7503123456, dossier toujours en attente.');
    assert.equal(result.text, `Mon numéro étranger est ${NUMBER}, dossier toujours en attente.`);
    assert.deepEqual(result.counts, { email: 0, phone: 0, foreigner_number: 1 });
    assert.equal(maskComment('AGDREF:1234567890'), `AGDREF:${NUMBER}`);
  });

  it('ne touche pas aux nombres plus courts ou plus longs', () => {
    for (const text of [
      'SIRET 12345678901234 de mon entreprise',
      'Référence 123456789 reçue',
      'montant de 1234567890,50 € ?',
      'version 2.1234567890',
    ]) {
      assert.equal(maskComment(text), text);
    }
  });
});

describe('Masquage des commentaires : faux positifs à éviter', () => {
  it('laisse les dates, heures, montants et numéros courts intacts', () => {
    for (const text of [
      'Rendez-vous le 12/03/2026 à 8 h 30, arrivé à 08:25, reçu à 9h45.',
      'Venu le 06.12.2025 12 personnes devant moi',
      'Le 03 12 2025 il faisait froid dans la salle d’attente.',
      'Timbre fiscal de 225 €, puis 1 250,00 € d’amende, et 0,50 € de photocopie.',
      'Appelez le 34 00 pour l’ANTS ou le 3400, ou le 17.',
      'Accueil du 2026-03-12 au 2026-03-19, guichet 06, ticket 0612.',
      'Code postal 63000 Clermont-Ferrand, 18 avril jour férié.',
      'J’ai attendu de 13 h 30 à 16 h 45, soit 3 h 15.',
      'Note 10/10, merci !',
    ]) {
      const result = maskPersonalData(text);
      assert.equal(result.text, text);
      assert.deepEqual(result.counts, { email: 0, phone: 0, foreigner_number: 0 });
    }
  });

  it('traite un commentaire d’un mégaoctet en temps linéaire, même écrit pour piéger les motifs', () => {
    const size = 1_000_000;
    for (const text of [
      'a'.repeat(size),
      '1'.repeat(size),
      '-.'.repeat(size / 2),
      `a@${'b.'.repeat(size / 2)}`,
      `a@b.${'c'.repeat(size)}1`,
      'x arobase '.repeat(size / 10),
      '06 12 34 56 7'.repeat(size / 13),
    ]) {
      const started = performance.now();
      maskComment(text);
      // Quelques millisecondes en pratique ; un motif quadratique prendrait plus d'une minute.
      assert.ok(performance.now() - started < 2000, `trop lent sur « ${text.slice(0, 12)}… »`);
    }
  });

  it('rend un commentaire vide ou sans donnée personnelle tel quel', () => {
    assert.equal(maskComment(''), '');
    const seed = 'Lorsque je viens à la préfecture, j’ai l’impression de n’être qu’un dossier de plus à traiter.';
    assert.equal(maskComment(seed), seed);
  });
});
