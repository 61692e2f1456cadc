/** Scénario de la banque de l'organisation : une question réaliste (horaires, rendez-vous, titre de séjour…). */
export interface MysteryScenarioTable {
  id: string;
  organisation_id: string;
  /** `call` ou `email`. */
  channel: string;
  label: string;
  /** Objet du courriel mystère (courriels seulement). */
  subject: string | null;
  /** Texte du courriel envoyé, ou trame de l'appel. */
  body: string;
  /** Service pour lequel le scénario est réaliste (nul : toutes les cibles). */
  service_id: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Campagne d'enquêtes mystère. `status` : `draft` (plan en préparation, rien n'est envoyé), `confirmed`
 * (plan valide et confirmé : les courriels partent à leur demi-journée), `closed` (terminée : révélée aux
 * agents). `channels` : `call`, `email` ou `call,email`.
 */
export interface MysteryCampaignTable {
  id: string;
  organisation_id: string;
  name: string;
  channels: string;
  window_from: string;
  window_to: string;
  status: string;
  /** Boîte de sorte `mystery` qui envoie les courriels et reçoit accusés et réponses. */
  mystery_mailbox_id: string | null;
  /** Points forts et points de vigilance, générés des résultats puis modifiables (JSON). */
  findings_json: string | null;
  confirmed_at: string | null;
  confirmed_by_name: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Cible d'une campagne : le standard, un service nommé (numéro), une boîte fonctionnelle (adresse). */
export interface MysteryTargetTable {
  id: string;
  campaign_id: string;
  channel: string;
  label: string;
  service_id: string | null;
  /** Numéro appelé ou adresse électronique écrite. */
  address: string | null;
}

/** Enquêteur : agent de la préfecture (services dont il est membre) ou bénévole d'une autre préfecture. */
export interface MysteryEvaluatorTable {
  id: string;
  campaign_id: string;
  label: string;
  user_id: string | null;
  /** Identifiants des services de l'enquêteur, en JSON (`[]` pour un bénévole extérieur). */
  service_ids_json: string;
  external: number;
  /** Empreinte du lien personnel de l'enquêteur (ses contacts et ses grilles, sans compte), nulle sans lien. */
  access_token_hash: string | null;
}

/**
 * Un contact du plan. `status` : `planned`, `sent` (courriel parti), `done` (grille complétée), `cancelled`.
 * `answers_json` : réponses de la grille par clé de question (`yes`, `no`, `na`, ou un nombre) ;
 * `measured_json` : ce que Vigie a mesuré seul pour un courriel (accusé et délai, réponse, relances,
 * réorientation, signature, pièces jointes, liens) avec le détail qui l'explique.
 */
export interface MysteryContactTable {
  id: string;
  campaign_id: string;
  rank: number;
  channel: string;
  date: string;
  /** `am` ou `pm`. */
  half_day: string;
  target_id: string;
  evaluator_id: string | null;
  scenario_id: string | null;
  status: string;
  /** Instant d'envoi prévu d'un courriel (dans sa demi-journée). */
  scheduled_at: string | null;
  outgoing_mail_id: string | null;
  sent_message_id: string | null;
  sent_at: string | null;
  answers_json: string | null;
  measured_json: string | null;
  notes: string | null;
  completed_at: string | null;
  completed_by_name: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Message échangé par la boîte mystère : `out` (`sent`, `reminder`) ou `in` (`acknowledgment`, `answer`,
 * `reorientation`, `other`), rattaché à son contact par les en-têtes de fil, l'objet ou l'expéditeur.
 */
export interface MysteryMessageTable {
  id: string;
  campaign_id: string;
  contact_id: string | null;
  direction: string;
  kind: string;
  message_id: string;
  in_reply_to: string | null;
  from_address: string | null;
  subject: string | null;
  at: string;
  body_text: string | null;
  attachment_count: number;
  created_at: string;
}
