/**
 * Double saisie de contrôle d'un formulaire papier (migration 0009) : un contrôle par réponse. La réponse
 * comptée dans les résultats reste celle de `survey_responses` ; le contrôle dit si une seconde saisie l'a
 * confirmée, ou s'il reste un écart à arbitrer.
 */

/** `verified` : seconde saisie identique, ou écart arbitré ; `conflict` : écart qui attend un agent. */
export type FormCheckStatus = 'verified' | 'conflict';

export interface SurveyFormCheckTable {
  id: string;
  organisation_id: string;
  campaign_id: string;
  /** La réponse contrôlée (première saisie) : un seul contrôle par réponse, le dernier. */
  response_id: string;
  form_number: string;
  status: FormCheckStatus;
  /** Identifiant de la seconde saisie, choisi à l'affichage : renvoyée deux fois, elle n'est comptée qu'une. */
  entry_id: string;
  entered_by_user_id: string | null;
  entered_at: string;
  /** Nombre de questions dont les deux saisies diffèrent (0 : identiques). */
  differences: number;
  resolved_by_user_id: string | null;
  resolved_at: string | null;
  /** Questions corrigées par l'arbitrage (liste JSON de clés), nulle sinon. */
  corrected_keys: string | null;
  updated_at: string;
}

/** Valeurs de la seconde saisie, gardées seulement tant que l'écart n'est pas arbitré (même forme que `survey_answers`). */
export interface SurveyFormCheckAnswerTable {
  id: string;
  check_id: string;
  campaign_id: string;
  question_key: string;
  value: string;
}
