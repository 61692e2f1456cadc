/**
 * Le bloc-marque de l'État, commun aux lettres, comptes rendus, supports et affiches : l'intitulé du
 * préfet en capitales sur deux lignes, puis la devise.
 */
export const REPUBLIC_MOTTO = ['Liberté', 'Égalité', 'Fraternité'] as const;

/** « Préfet du Puy-de-Dôme » → [« PRÉFET », « DU PUY-DE-DÔME »]. */
export function brandLines(prefectLabel: string): [string] | [string, string] {
  const upper = prefectLabel.trim().toLocaleUpperCase('fr-FR');
  const space = upper.indexOf(' ');
  return space < 0 ? [upper] : [upper.slice(0, space), upper.slice(space + 1)];
}
