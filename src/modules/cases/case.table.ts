import type { Audience, CaseChannel, CaseKind, CaseStatus, UpdateTarget } from './vocabulary.ts';

export interface CaseTable {
  id: string;
  organisation_id: string;
  /** Référence lisible, unique par organisation : « 2026-00042 ». */
  reference: string;
  kind: CaseKind;
  channel: CaseChannel;
  audience: Audience;
  target: UpdateTarget | null;
  service_id: string | null;
  status: CaseStatus;
  /** Horodatage de réception tel que reçu (ISO 8601) ; pour l'urne, la relève. */
  received_at: string;
  /** Date locale (fuseau du département) de réception : le jour 0 des échéances. */
  received_local_date: string;
  deposit_local_date: string | null;
  due_date: string | null;
  appointment_fixed_due: string | null;
  appointment_held_due: string | null;
  appointment_fixed_local_date: string | null;
  appointment_held_local_date: string | null;
  requester_name: string | null;
  requester_email: string | null;
  requester_address: string | null;
  subject: string | null;
  body: string | null;
  answered_at: string | null;
  answered_local_date: string | null;
  /** Délai de la réponse en jours ouvrés, calculé à l'enregistrement de la réponse (délai moyen). */
  answer_delay: number | null;
  answer_channel: CaseChannel | null;
  answer_text: string | null;
  /** « Suites données » d'une réclamation ou d'une suggestion. */
  follow_up: string | null;
  /** L'import qui a créé le dossier (son historique commence par lui). */
  import_id: string | null;
  closed_at: string | null;
  personal_data_erased_at: string | null;
  /**
   * Contact d'une enquête mystère dont ce dossier est né (courriel de la boîte mystère) : invisible des
   * agents pendant la campagne, hors des indicateurs de production.
   */
  mystery_contact_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ThemeTable {
  id: string;
  organisation_id: string;
  label: string;
  archived_at: string | null;
  created_at: string;
}

export interface CaseThemeTable {
  case_id: string;
  theme_id: string;
}

export interface CaseEventTable {
  id: string;
  case_id: string;
  type: string;
  actor_user_id: string | null;
  actor_label: string;
  summary: string;
  data_json: string | null;
  occurred_at: string;
}

export interface CaseAttachmentTable {
  id: string;
  case_id: string;
  filename: string;
  content_type: string;
  size: number;
  content: Uint8Array;
  created_at: string;
}

export interface CaseReferenceCounterTable {
  organisation_id: string;
  year: number;
  last_value: number;
}

export interface CaseImportTable {
  id: string;
  organisation_id: string;
  file_name: string | null;
  actor_user_id: string | null;
  actor_label: string;
  created_count: number;
  updated_count: number;
  occurred_at: string;
}
