import type { Generated } from 'kysely';
/**
 * Tables du module « courrier » : boîtes fonctionnelles (relève IMAP, envoi SMTP), messages relevés
 * (idempotence de la relève), file des courriels sortants, modèles de réponse et blocs de signature.
 */

export interface MailboxTable {
  id: string;
  organisation_id: string;
  /** Le service que la boîte alimente : les dossiers créés par la relève lui sont confiés. */
  service_id: string;
  label: string;
  /** Adresse d'expédition (From) et nom affiché : « Préfecture du Cantal <pref-public@…> ». */
  address: string;
  display_name: string;
  imap_host: string | null;
  imap_port: number | null;
  /** 1 : TLS dès la connexion (993) ; 0 : connexion en clair, STARTTLS si le serveur le propose. */
  imap_tls: number;
  imap_user: string | null;
  imap_folder: string;
  /** Nom d'une variable d'environnement VIGIE_MAIL_SECRET_… qui porte le mot de passe. */
  imap_secret_env: string | null;
  /** Mot de passe chiffré (AES-256-GCM, clé dérivée de VIGIE_SECRET_KEY) ; jamais réaffiché. */
  imap_password_encrypted: string | null;
  poll_interval_seconds: number;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_tls: number;
  smtp_user: string | null;
  smtp_secret_env: string | null;
  smtp_password_encrypted: string | null;
  /** 0 : relève arrêtée (la boîte sert encore à l'envoi). */
  intake_enabled: number;
  /** UIDVALIDITY du dossier IMAP vu au dernier passage, et plus grand UID traité. */
  uid_validity: string | null;
  last_uid: number;
  last_polled_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  /** `functional` (boîte d'un service, relevée en dossiers) ou `mystery` (boîte des enquêtes mystère). */
  kind: Generated<string>;
  created_at: string;
  updated_at: string;
}

export type InboundOutcome = 'case_created' | 'threaded' | 'ignored' | 'flagged' | 'rejected';

/** Un message relevé : la trace qui rend la relève idempotente (Message-ID et UIDVALIDITY/UID). */
export interface InboundMessageTable {
  id: string;
  organisation_id: string;
  mailbox_id: string;
  uid_validity: string;
  uid: number;
  /** Message-ID de l'en-tête, ou empreinte du message quand il n'en a pas. */
  message_id: string;
  from_address: string | null;
  subject: string | null;
  received_at: string;
  outcome: InboundOutcome;
  /** Pourquoi le message a été ignoré, signalé ou rejeté (réponse automatique, rebond, liste…). */
  reason: string | null;
  case_id: string | null;
  created_at: string;
}

export type OutgoingPurpose = 'acknowledgment' | 'reorientation' | 'answer' | 'reminder' | 'other';
export type OutgoingStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** File des courriels sortants : un envoi par ligne, jamais deux fois (clé d'unicité, Message-ID fixé). */
export interface OutgoingMailTable {
  id: string;
  organisation_id: string;
  case_id: string | null;
  /** Boîte d'expédition ; nulle tant qu'aucune boîte n'est configurée (le courriel attend). */
  mailbox_id: string | null;
  purpose: OutgoingPurpose;
  /** « acknowledgment:<dossier> » : une seule ligne par clé, quel que soit le nombre d'essais. */
  unique_key: string | null;
  to_address: string;
  to_name: string | null;
  subject: string;
  body_text: string;
  /** Message-ID attribué à la mise en file : le même à chaque nouvel essai. */
  message_id: string;
  in_reply_to: string | null;
  references_header: string | null;
  /** Pièces jointes éventuelles (JSON : nom, type, contenu base64). */
  attachments_json: string | null;
  status: OutgoingStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  sent_at: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export type TemplatePurpose = 'acknowledgment' | 'reorientation' | 'answer' | 'letter';

export interface MailTemplateTable {
  id: string;
  organisation_id: string;
  purpose: TemplatePurpose;
  name: string;
  /** Filtres de choix automatique : nature du dossier, service (nuls : modèle général). */
  case_kind: string | null;
  service_id: string | null;
  subject: string;
  body: string;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Bloc de signature d'un service (forme « boîte fonctionnelle » ; la forme individuelle y ajoute l'agent). */
export interface ServiceSignatureTable {
  service_id: string;
  organisation_id: string;
  service_label: string;
  postal_address: string | null;
  phone: string | null;
  website: string | null;
  updated_at: string;
}
