/**
 * Vocabulaire des registres (BRIEF, « Domain rules ») : les mêmes noms partout — code, CSV, API.
 */
export const CASE_KINDS = [
  'information_request',
  'complaint',
  'suggestion',
  'thanks',
  'out_of_scope',
  'update_request',
  'advice_request',
  'elected_official_appointment',
] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const CASE_CHANNELS = ['email', 'web_form', 'letter', 'urn', 'phone', 'counter', 'internal'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

export const AUDIENCES = ['public', 'local_authority'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const UPDATE_TARGETS = ['svi', 'website'] as const;
export type UpdateTarget = (typeof UPDATE_TARGETS)[number];

export const CASE_STATUSES = ['received', 'acknowledged', 'in_progress', 'reoriented', 'answered', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const KIND_LABELS: Record<CaseKind, string> = {
  information_request: 'Demande d’information',
  complaint: 'Réclamation',
  suggestion: 'Suggestion',
  thanks: 'Remerciement',
  out_of_scope: 'Hors champ',
  update_request: 'Demande de mise à jour (SVI ou site)',
  advice_request: 'Demande de conseil (collectivité)',
  elected_official_appointment: 'Demande de rendez-vous (élu)',
};

export const CHANNEL_LABELS: Record<CaseChannel, string> = {
  email: 'Courriel',
  web_form: 'Formulaire en ligne',
  letter: 'Courrier',
  urn: 'Urne',
  phone: 'Téléphone',
  counter: 'Guichet',
  internal: 'Interne',
};

export const AUDIENCE_LABELS: Record<Audience, string> = { public: 'Usager', local_authority: 'Collectivité' };
export const TARGET_LABELS: Record<UpdateTarget, string> = { svi: 'Serveur vocal (SVI)', website: 'Site internet' };

export const STATUS_LABELS: Record<CaseStatus, string> = {
  received: 'Reçu',
  acknowledged: 'Accusé de réception envoyé',
  in_progress: 'En cours',
  reoriented: 'Réorienté',
  answered: 'Répondu',
  closed: 'Clos',
};

export function isCaseKind(value: string): value is CaseKind {
  return (CASE_KINDS as readonly string[]).includes(value);
}
export function isCaseChannel(value: string): value is CaseChannel {
  return (CASE_CHANNELS as readonly string[]).includes(value);
}
export function isAudience(value: string): value is Audience {
  return (AUDIENCES as readonly string[]).includes(value);
}
export function isUpdateTarget(value: string): value is UpdateTarget {
  return (UPDATE_TARGETS as readonly string[]).includes(value);
}

/** Thèmes de départ, tirés des comités locaux des usagers de 2022 ; chaque préfecture les modifie. */
export const DEFAULT_THEMES = [
  'Délais de rendez-vous (étrangers)',
  'Température de l’accueil',
  'Manque d’agents',
  'Signalétique',
  'Site internet',
  'Accueil téléphonique',
  'Attente au guichet',
  'Courtoisie des agents',
  'Démarches en ligne (ANTS)',
  'Confort et propreté des locaux',
];
