/**
 * Périodes de vacances scolaires : les données livrées avec Vigie (`organisation_id` nul, rechargées
 * quand le fichier `data/school-holidays.csv` change) et celles qu'une préfecture ajoute elle-même.
 * Dates civiles ISO « AAAA-MM-JJ » : `start_date` = premier jour de vacances tel que publié,
 * `end_date` = jour de reprise des cours (la période couvre donc les jours de start_date à end_date − 1).
 */
export interface SchoolHolidayPeriodTable {
  id: string;
  /** Nul pour les données livrées ; l'organisation qui a saisi ou importé la période sinon. */
  organisation_id: string | null;
  /** « 2027-2028 » : l'année scolaire court de septembre à août. */
  school_year: string;
  /** A, B, C, Corse, Guadeloupe, Martinique, Guyane, La Réunion, Mayotte. */
  zone: string;
  name: string;
  start_date: string;
  end_date: string;
  source: string | null;
  note: string | null;
  created_at: string;
}

/** Empreinte du fichier livré actuellement chargé (un chargement par changement du fichier). */
export interface SchoolHolidayDataVersionTable {
  key: string;
  data_hash: string;
  loaded_at: string;
}
