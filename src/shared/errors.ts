/**
 * Catalogue unique des erreurs : un code anglais stable (API, journaux, tests) et le message français
 * montré à l'utilisateur, avec le statut HTTP correspondant.
 */
export const ERRORS = {
  validation_failed: { status: 400, message: 'Certaines informations sont invalides. Corrigez les champs signalés.' },
  unknown_department: {
    status: 400,
    message: 'Département inconnu : indiquez un code parmi les 101 départements (par exemple 63, 2A ou 974).',
  },
  duplicate_slug: { status: 409, message: 'Cet identifiant court est déjà utilisé par une autre organisation.' },
  duplicate_email: { status: 409, message: 'Un compte existe déjà avec cette adresse électronique.' },
  duplicate_membership: { status: 409, message: 'Ce compte a déjà un rôle dans cette organisation.' },
  duplicate_service: { status: 409, message: 'Un service porte déjà ce nom dans cette organisation.' },
  duplicate_closure_day: { status: 409, message: 'Ce jour de fermeture est déjà enregistré.' },
  weak_password: {
    status: 400,
    message: 'Mot de passe trop faible : au moins 12 caractères, dont des lettres et au moins un chiffre ou un symbole.',
  },
  invalid_credentials: { status: 401, message: 'Adresse électronique ou mot de passe incorrect.' },
  account_locked: {
    status: 423,
    message:
      'Trop de tentatives infructueuses : le compte est verrouillé pendant 15 minutes. Réessayez plus tard ou demandez à votre référent qualité.',
  },
  account_disabled: { status: 403, message: 'Ce compte est désactivé. Adressez-vous à votre référent qualité.' },
  authentication_required: {
    status: 401,
    message: 'Votre session a expiré ou vous n’êtes pas connecté : connectez-vous pour continuer.',
  },
  invalid_api_token: { status: 401, message: 'Jeton d’API absent, invalide ou révoqué.' },
  csrf_invalid: {
    status: 403,
    message:
      'Le formulaire a expiré ou ne provient pas de Vigie (jeton de sécurité manquant ou invalide). Rechargez la page et recommencez.',
  },
  forbidden: { status: 403, message: 'Vous n’avez pas les droits nécessaires pour cette page ou cette action.' },
  not_found: { status: 404, message: 'Page ou élément introuvable.' },
  organisation_not_found: { status: 404, message: 'Organisation introuvable.' },
  user_not_found: { status: 404, message: 'Compte introuvable.' },
  invalid_role: { status: 400, message: 'Rôle inconnu : admin, agent, clu_member, auditor ou national.' },
  national_has_no_organisation: { status: 400, message: 'Le rôle national ne se rattache à aucune organisation.' },
  organisation_required: { status: 400, message: 'Ce rôle doit être rattaché à une organisation.' },
  module_mandatory: {
    status: 400,
    message: 'Ce module est obligatoire pour votre préfecture et ne peut pas être retiré du périmètre.',
  },
  unknown_module: { status: 400, message: 'Module inconnu du référentiel.' },
  invalid_date: { status: 400, message: 'Date impossible ou mal formée : indiquez AAAA-MM-JJ ou un horodatage ISO 8601.' },
  answer_before_receipt: { status: 400, message: 'La date de réponse précède la date de réception.' },
  invalid_working_days: { status: 400, message: 'Nombre de jours ouvrés invalide : un entier de 0 à 365.' },
  year_out_of_range: { status: 400, message: 'Année hors de la période prise en charge (2000 à 2100).' },
  calendar_target_required: { status: 400, message: 'Indiquez un département ou une organisation.' },
  import_failed: {
    status: 400,
    message: 'Import refusé : aucune ligne n’a été enregistrée. Corrigez les lignes signalées puis recommencez.',
  },
  attachment_too_large: { status: 413, message: 'Pièce jointe trop volumineuse : 10 Mo au plus.' },
  attachment_refused: {
    status: 400,
    message: 'Pièce jointe refusée : seuls les fichiers PDF, JPEG, PNG ou TIFF sont acceptés.',
  },
  attachment_limit_reached: { status: 409, message: 'Ce dossier a déjà le nombre maximal de pièces jointes (20).' },
  outgoing_mail_not_retryable: {
    status: 409,
    message: 'Ce courriel est déjà parti ou en cours d’envoi : il ne peut pas être relancé.',
  },
  mailbox_has_messages: {
    status: 409,
    message:
      'Cette boîte a déjà relevé des messages : arrêtez plutôt sa relève. La supprimer effacerait la trace qui empêche de relever deux fois les mêmes messages.',
  },
  duplicate_mailbox_address: { status: 409, message: 'Une boîte fonctionnelle de l’organisation utilise déjà cette adresse.' },
  no_requester_email: {
    status: 409,
    message: 'Ce dossier n’a pas d’adresse électronique du demandeur : répondez par lettre ou enregistrez la réponse.',
  },
  duplicate_answer: { status: 409, message: 'Cette réponse a déjà été envoyée pour ce dossier (double envoi évité).' },
  rate_limited: { status: 429, message: 'Trop de requêtes : patientez un instant avant de réessayer.' },
  payload_too_large: { status: 413, message: 'Les données envoyées sont trop volumineuses.' },
  questionnaire_archived: {
    status: 409,
    message: 'Ce questionnaire est archivé : il ne peut plus être modifié ni servir à une nouvelle campagne.',
  },
  questionnaire_superseded: {
    status: 409,
    message: 'Une version plus récente de ce questionnaire existe : modifiez la dernière version.',
  },
  survey_link_unknown: { status: 404, message: 'Ce lien d’enquête n’existe pas ou n’est plus utilisé.' },
  survey_not_yet_open: {
    status: 409,
    message: 'Cette enquête n’est pas encore ouverte : revenez à partir de sa date d’ouverture.',
  },
  survey_closed: {
    status: 409,
    message: 'Cette enquête est terminée : elle ne reçoit plus de réponses. Merci de votre intérêt.',
  },
  survey_response_conflict: {
    status: 409,
    message: 'Cette réponse a déjà été enregistrée avec d’autres valeurs : ce nouvel envoi est refusé (rejeu).',
  },
  survey_form_number_taken: {
    status: 409,
    message: 'Ce numéro de formulaire a déjà été saisi pour cette campagne : double saisie évitée.',
  },
  survey_form_check_resolved: {
    status: 409,
    message: 'Cet écart de double saisie a déjà été arbitré : le formulaire est vérifié.',
  },
  survey_form_check_stale: {
    status: 409,
    message:
      'Une autre saisie de contrôle de ce formulaire est arrivée pendant votre arbitrage : relisez les écarts puis choisissez à nouveau.',
  },
  kiosk_pairing_invalid: {
    status: 400,
    message: 'Code d’appairage refusé : vérifiez-le, ou demandez un nouveau code au référent qualité.',
  },
  kiosk_not_paired: {
    status: 401,
    message: 'Cette borne n’est pas appairée : saisissez le code d’appairage donné par le référent qualité.',
  },
  kiosk_revoked: {
    status: 403,
    message: 'Cette borne a été retirée par le référent qualité : elle doit être appairée à nouveau avec un nouveau code.',
  },
  kiosk_not_a_kiosk: {
    status: 400,
    message: 'Seul un point de collecte « borne » en service peut être appairé à une tablette.',
  },
  pdf_unavailable: {
    status: 404,
    message: 'LibreOffice n’est pas installé sur ce serveur : le PDF n’est pas disponible, téléchargez le fichier PowerPoint.',
  },
  pdf_conversion_failed: {
    status: 502,
    message: 'La conversion en PDF a échoué : téléchargez le fichier PowerPoint ou réessayez plus tard.',
  },
  deck_not_generated: {
    status: 404,
    message: 'Le support de cette réunion n’a pas encore été généré : générez-le depuis la page « Support de présentation ».',
  },
  minutes_already_approved: {
    status: 409,
    message: 'Ce compte rendu est déjà approuvé : il est figé et publié, il ne peut plus être modifié ni approuvé à nouveau.',
  },
  mystery_campaign_locked: {
    status: 409,
    message: 'Cette campagne d’enquêtes mystère est confirmée : son plan est figé et ne peut plus être modifié.',
  },
  mystery_plan_invalid: {
    status: 409,
    message: 'Le plan ne respecte pas les règles des enquêtes mystère : corrigez chaque point signalé avant de le confirmer.',
  },
  mystery_mailbox_missing: {
    status: 409,
    message:
      'Des courriels mystère sont prévus : choisissez la boîte des enquêtes mystère de la campagne avant de confirmer le plan.',
  },
  mystery_mailbox_unreachable: {
    status: 409,
    message:
      'La boîte des enquêtes mystère ne peut pas être jointe (relève IMAP ou relais SMTP) : aucun courriel n’est envoyé tant qu’elle ne répond pas.',
  },
  internal: { status: 500, message: 'Une erreur interne est survenue. L’équipe technique peut la retrouver dans les journaux.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldErrors {
  [field: string]: string;
}

/** Erreur attendue (saisie, droits…) : jamais une 500. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldErrors;
  constructor(code: ErrorCode, fields: FieldErrors = {}, message?: string) {
    super(message ?? ERRORS[code].message);
    this.code = code;
    this.status = ERRORS[code].status;
    this.fields = fields;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
