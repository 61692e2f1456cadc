/**
 * Masquage des données personnelles des commentaires libres d'enquête, avant tout affichage ou export :
 * adresses électroniques, numéros de téléphone français, numéros d'étranger (AGDREF, 10 chiffres).
 *
 * Le commentaire enregistré reste tel quel (sa conservation suit le réglage de l'organisation) ; seul
 * ce qu'on montre est masqué. Les motifs sont volontairement stricts sur leur forme pour ne pas toucher
 * aux dates (12/03/2026, 06.12.2025), heures (8 h 30, 08:30) et montants (1 250 €, 0,50 €).
 */

export type MaskedKind = 'email' | 'phone' | 'foreigner_number';

export const MASK_PLACEHOLDERS: Readonly<Record<MaskedKind, string>> = {
  email: '[adresse masquée]',
  phone: '[téléphone masqué]',
  foreigner_number: '[numéro masqué]',
};

export interface MaskResult {
  text: string;
  /** Combien de passages de chaque sorte ont été masqués. */
  counts: Record<MaskedKind, number>;
}

/**
 * Adresse électronique, y compris les formes écrites pour échapper aux robots : « prenom.nom(at)exemple.fr »,
 * « prenom [at] exemple.fr », « prenom arobase exemple.fr ». Lettres accentuées admises.
 * Une correspondance ne commence qu'au début d'une suite de caractères d'adresse : sans cela, un long mot
 * sans arobase serait relu depuis chacune de ses lettres (temps quadratique sur un commentaire d'un Mo).
 */
const EMAIL =
  /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]+(?:@|＠|\s?[[(]\s?at\s?[\])]\s?|\s+arobase\s+)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}])/giu;

/** Séparateurs admis entre groupes de chiffres : espace, espaces insécables, point, tiret. */
const SEP = '[ \\u00a0\\u202f.\\-]';

/**
 * Téléphone français : 10 chiffres commençant par 0 puis 1 à 9 (« 06 12 34 56 78 », « 06.12.34.56.78 »,
 * « 0612345678 »), ou indicatif +33 / 0033 suivi de 9 chiffres (« +33 6 12 34 56 78 », « +33 (0)6… »).
 * Un même séparateur entre tous les groupes (référence arrière) : « 06.12.2025 12 » n'est pas un numéro.
 */
const PHONE = new RegExp(
  [
    `(?<![\\p{N}+])0[1-9](${SEP}?)\\p{N}{2}(?:\\1\\p{N}{2}){3}(?!\\p{N})`,
    `(?:\\+|(?<!\\p{N})00)33${SEP}?(?:\\(0\\)${SEP}?)?[1-9](${SEP}?)\\p{N}{2}(?:\\2\\p{N}{2}){3}(?!\\p{N})`,
  ].join('|'),
  'gu',
);

/**
 * Numéro d'étranger (AGDREF) : 10 chiffres d'un seul tenant, ni précédés ni suivis d'un chiffre
 * ou d'un séparateur de nombre (pas un morceau d'un nombre plus long).
 */
const FOREIGNER_NUMBER = /(?<![\p{N}+]|\p{N}[.,])\p{N}{10}(?![\p{N}]|[.,]\p{N})/gu;

function emptyCounts(): Record<MaskedKind, number> {
  return { email: 0, phone: 0, foreigner_number: 0 };
}

/** Masque les données personnelles d'un commentaire et dit combien il en a masqué. */
export function maskPersonalData(text: string): MaskResult {
  const counts = emptyCounts();
  const masked = text
    // Adresses d'abord : leurs chiffres ne doivent pas être pris pour un téléphone.
    .replace(EMAIL, () => {
      counts.email++;
      return MASK_PLACEHOLDERS.email;
    })
    .replace(PHONE, () => {
      counts.phone++;
      return MASK_PLACEHOLDERS.phone;
    })
    .replace(FOREIGNER_NUMBER, () => {
      counts.foreigner_number++;
      return MASK_PLACEHOLDERS.foreigner_number;
    });
  return { text: masked, counts };
}

/** Le commentaire prêt à afficher. */
export function maskComment(text: string): string {
  return maskPersonalData(text).text;
}
