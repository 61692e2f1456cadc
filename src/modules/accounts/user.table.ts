import type { Role } from './roles.ts';

export interface UserTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: string | null;
  last_login_at: string | null;
  disabled_at: string | null;
  /** 1 : reçoit le récapitulatif quotidien des échéances (chacun peut l'arrêter). */
  reminder_digest: number;
  /** Fonction, pour la signature individuelle (« Cheffe du bureau de l'accueil »). */
  job_title: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembershipTable {
  id: string;
  user_id: string;
  /** Nul pour le rôle `national`, qui lit toutes les organisations. */
  organisation_id: string | null;
  role: Role;
  created_at: string;
}

export interface MembershipServiceTable {
  membership_id: string;
  service_id: string;
}

export interface SessionTable {
  /** Empreinte HMAC-SHA-256 (clé VIGIE_SECRET_KEY) du jeton du cookie : une fuite de la base ne donne pas de session utilisable. */
  id: string;
  user_id: string;
  membership_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  membership_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
