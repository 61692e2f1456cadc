/** Organisme représenté au comité local des usagers (association, chambre consulaire, Défenseur des droits…). */
export interface CluMemberOrganisationTable {
  id: string;
  organisation_id: string;
  name: string;
  /**
   * `users_association`, `consumers_association`, `disability_association`, `consular_chamber`,
   * `mayors_association`, `defender_of_rights`, `state_service`, `prefecture` ou `other`.
   */
  category: string;
  email: string | null;
  postal_address: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Représentant d'un organisme au CLU. Coordonnées = données personnelles : effacées (`erased_at`) passé
 * le délai de conservation après le retrait (`removed_at`).
 */
export interface CluMemberTable {
  id: string;
  organisation_id: string;
  member_organisation_id: string;
  /** `M.` ou `Mme` (nul : non renseigné). */
  civility: string | null;
  first_name: string | null;
  last_name: string | null;
  function: string | null;
  email: string | null;
  phone: string | null;
  postal_address: string | null;
  removed_at: string | null;
  erased_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Réunion du CLU. `starts_at` : date et heure locales `AAAA-MM-JJTHH:MM` (fuseau du département). */
export interface CluMeetingTable {
  id: string;
  organisation_id: string;
  starts_at: string;
  duration_minutes: number;
  place: string;
  chair: string;
  /** Période couverte par le support (dates civiles incluses). */
  period_from: string;
  period_to: string;
  /** Ordre du jour : `[{ key, title }]`, pré-rempli dans l'ordre des seeds, modifiable. */
  agenda_json: string;
  invitations_sent_at: string | null;
  /** Compte rendu : observations, décisions par point de l'ordre du jour, destinataires (JSON). */
  minutes_json: string | null;
  minutes_approved_at: string | null;
  minutes_approved_by_name: string | null;
  /** Publication figée des chiffres du support (`indicator_publications`, sorte `clu_deck`). */
  deck_publication_id: string | null;
  /** Publication figée du compte rendu approuvé (sorte `clu_minutes`). */
  minutes_publication_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Invitation et présence d'un membre : `invited`, `present`, `excused` ou `absent` ; canal `email` ou `post`. */
export interface CluAttendanceTable {
  meeting_id: string;
  member_id: string;
  status: string;
  invitation_channel: string | null;
  invited_at: string | null;
}

/** Modèle de courrier ou de courriel soumis « pour avis » au comité, avec l'avis recueilli. */
export interface CluMeetingTemplateTable {
  meeting_id: string;
  template_id: string;
  opinion: string | null;
}

/**
 * Proposition formulée en réunion, suivie jusqu'à la réunion suivante (« bilan au prochain CLU des
 * propositions formulées ») : `to_study`, `accepted`, `rejected` ou `done`, réponse et action liée.
 */
export interface CluProposalTable {
  id: string;
  organisation_id: string;
  meeting_id: string;
  member_organisation_id: string | null;
  text: string;
  status: string;
  follow_up: string | null;
  action_id: string | null;
  created_at: string;
  updated_at: string;
}
