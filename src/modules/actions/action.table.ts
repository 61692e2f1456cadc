/** Une action du plan d'actions (numérotée par organisation : « action n° 12 »). */
export interface ActionTable {
  id: string;
  organisation_id: string;
  number: number;
  objective: string;
  /** L'action elle-même (colonne « Action » des plans des seeds). */
  description: string;
  /** Échéance, date civile `AAAA-MM-JJ`. */
  due_date: string;
  /** `todo`, `in_progress`, `done` ou `abandoned` (avec `abandon_reason`). */
  status: string;
  abandon_reason: string | null;
  /** `survey_criterion`, `mystery_finding`, `complaint_theme`, `case`, `clu_proposal`, `audit_finding` ou `free`. */
  origin_kind: string;
  /** Ce d'où l'action vient (clé du critère, identifiant du thème, du dossier, de la proposition…). */
  origin_ref: string | null;
  /** Libellé de l'origine au moment de la création (le critère « Délais d'attente », le dossier R-2026-00012…). */
  origin_label: string | null;
  evidence_text: string | null;
  /** Date civile de réalisation (statut `done`). */
  completed_on: string | null;
  reminder_before_sent_at: string | null;
  reminder_after_sent_at: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Services acteurs d'une action. */
export interface ActionServiceTable {
  action_id: string;
  service_id: string;
}

/** Engagements (`engagement`, code du référentiel) et indicateurs (`indicator`, clé) liés à une action. */
export interface ActionLinkTable {
  action_id: string;
  kind: string;
  code: string;
}

/** Pièce justificative d'une action (compte rendu, photo de la signalétique…). */
export interface ActionEvidenceFileTable {
  id: string;
  action_id: string;
  filename: string;
  content_type: string;
  size: number;
  content: Uint8Array;
  created_at: string;
}
