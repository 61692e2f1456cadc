/** Indicateur propre à une organisation, à côté des 33 du référentiel. */
export interface LocalIndicatorTable {
  id: string;
  organisation_id: string;
  /** Clé stable : `LOC_` suivi de majuscules (unique par organisation). */
  key: string;
  label: string;
  unit: string;
  direction: string;
  /** `manual` (saisie mensuelle) ou `import` (fichier). */
  source: string;
  created_at: string;
}

/**
 * Cible d'un indicateur pour une année. `scope` vaut `national` (saisie par le rôle national) ou
 * l'identifiant de l'organisation (cible locale, qui l'emporte) : une colonne non nulle permet la
 * contrainte d'unicité sur les deux moteurs.
 */
export interface IndicatorTargetTable {
  id: string;
  scope: string;
  indicator_key: string;
  year: number;
  /** `min`, `max`, `range`, `count_per_year` ou `none`. */
  kind: string;
  low: number | null;
  high: number | null;
  updated_by_user_id: string | null;
  updated_at: string;
}

/**
 * Valeur mensuelle importée ou saisie (les valeurs calculées ne sont jamais copiées ici, sauf une
 * valeur « historique » qui remplace le calcul pour un mois où Vigie n'avait pas les données).
 */
export interface IndicatorValueTable {
  id: string;
  organisation_id: string;
  indicator_key: string;
  /** Mois `AAAA-MM`. */
  month: string;
  /** Réseau social pour les indicateurs ventilés ; chaîne vide sinon. */
  breakdown: string;
  /** `measured`, `not_applicable` ou `not_available`. */
  status: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Raison d'un « sans objet », ou réserve sur la donnée (« problème Memobox »). */
  note: string | null;
  historic: number;
  /** `import` ou `manual`. */
  provenance: string;
  /** Nom du fichier importé, pour la traçabilité. */
  source_file: string | null;
  entered_by_user_id: string | null;
  entered_by_name: string | null;
  updated_at: string;
}

/** Correspondance des colonnes d'un fichier d'import, retenue par organisation et par source. */
export interface IndicatorImportMappingTable {
  organisation_id: string;
  source: string;
  mapping_json: string;
  updated_at: string;
}

/** Publication figée : les chiffres tels que publiés, jamais recalculés. */
export interface IndicatorPublicationTable {
  id: string;
  organisation_id: string;
  /** `table` (tableau d'une période) ou `poster` (affiche « Transparence publique »). */
  kind: string;
  period_key: string;
  version: number;
  snapshot_json: string;
  published_at: string;
  published_by_user_id: string | null;
  published_by_name: string | null;
}
