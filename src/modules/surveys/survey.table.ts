import type { SurveyedChannel } from './questionnaire.ts';

/**
 * Tables des enquêtes : questionnaires de l'organisation (versionnés), campagnes, points de collecte,
 * réponses et leurs valeurs. Une réponse est anonyme : aucune donnée personnelle n'y est demandée ;
 * seul le commentaire libre peut en contenir (masqué à l'affichage, effacé selon la conservation).
 */

export interface SurveyQuestionnaireTable {
  id: string;
  organisation_id: string;
  /** Modèle livré dont il est la copie (`physical_reception`…), nul pour un questionnaire créé de zéro. */
  template_key: string | null;
  title: string;
  surveyed_channel: SurveyedChannel;
  /** Le questionnaire complet (`Questionnaire` de questionnaire.ts), en JSON. */
  definition_json: string;
  /** 1, 2… : un questionnaire qui a des réponses n'est jamais modifié, sa modification crée la version suivante. */
  version: number;
  /** La version précédente (nulle pour la première). */
  previous_id: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SurveyCampaignTable {
  id: string;
  organisation_id: string;
  questionnaire_id: string;
  name: string;
  surveyed_channel: SurveyedChannel;
  /** Période de collecte, dates locales incluses (AAAA-MM-JJ). */
  starts_on: string;
  ends_on: string;
  /** Clôture anticipée : plus aucune réponse acceptée. */
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export type CollectionMode = 'kiosk' | 'qr' | 'paper' | 'phone';

export interface SurveyCollectionPointTable {
  id: string;
  organisation_id: string;
  campaign_id: string;
  /** « Borne accueil général », « Affiche QR salle d'attente », « Formulaires papier »… */
  label: string;
  mode: CollectionMode;
  /** Jeton du lien public (QR code, borne) : long, aléatoire, unique. */
  public_token: string;
  archived_at: string | null;
  created_at: string;
}

export interface SurveyResponseTable {
  /** Identifiant choisi par le client (borne, formulaire) : renvoyer la même réponse ne la compte pas deux fois. */
  id: string;
  organisation_id: string;
  campaign_id: string;
  collection_point_id: string;
  mode: CollectionMode;
  /** Quand la personne a répondu (horloge de la borne pour une réponse envoyée plus tard) ; sinon la réception. */
  answered_at: string;
  received_at: string;
  /** Numéro du formulaire papier saisi (contrôle de double saisie), nul ailleurs. */
  form_number: string | null;
  /** L'agent qui a saisi (papier, téléphone). */
  entered_by_user_id: string | null;
  /** Durée de remplissage déclarée (ms) : une réponse trop rapide est signalée, pas écartée. */
  duration_ms: number | null;
  /** Raison d'un signalement (réponse trop rapide, débit anormal d'un appareil…), nulle sinon. */
  flagged_reason: string | null;
}

export interface SurveyAnswerTable {
  id: string;
  response_id: string;
  campaign_id: string;
  question_key: string;
  /** Clé de l'option choisie (une ligne par option en choix multiple) ; le texte pour un commentaire. */
  value: string;
}
