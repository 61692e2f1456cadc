/**
 * Bornes d'enquête : un code d'appairage (à usage unique, de courte durée) relie une tablette à un point de
 * collecte « borne » ; la tablette garde ensuite un jeton d'appareil dans un cookie. Seules les empreintes
 * SHA-256 du code et du jeton sont stockées.
 */

export interface KioskPairingCodeTable {
  id: string;
  organisation_id: string;
  collection_point_id: string;
  code_hash: string;
  expires_at: string;
  /** Renseigné à l'appairage : un code ne sert qu'une fois. */
  used_at: string | null;
  created_by_user_id: string | null;
  created_at: string;
}

export interface KioskDeviceTable {
  id: string;
  organisation_id: string;
  collection_point_id: string;
  token_hash: string;
  /** « Tablette hall » : choisi à l'appairage, pour reconnaître la borne à révoquer. */
  label: string;
  created_at: string;
  last_seen_at: string | null;
  /** Une borne révoquée est refusée : elle revient à l'écran d'appairage. */
  revoked_at: string | null;
}
