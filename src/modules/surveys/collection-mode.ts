import type { CollectionMode } from './survey.table.ts';

/** Modes de collecte d'un point : le moyen de recueillir les réponses (distinct du canal enquêté). */
export const COLLECTION_MODES = ['kiosk', 'qr', 'paper', 'phone'] as const satisfies readonly CollectionMode[];

export const COLLECTION_MODE_LABELS: Readonly<Record<CollectionMode, string>> = {
  kiosk: 'Borne tactile',
  qr: 'En ligne (lien ou QR code)',
  paper: 'Formulaire papier',
  phone: 'Téléphone',
};

/** Modes dont les réponses viennent du public par le jeton du point ; les autres sont saisis par un agent. */
export const PUBLIC_MODES: readonly CollectionMode[] = ['kiosk', 'qr'];
export const AGENT_MODES: readonly CollectionMode[] = ['paper', 'phone'];

export function isCollectionMode(value: unknown): value is CollectionMode {
  return typeof value === 'string' && (COLLECTION_MODES as readonly string[]).includes(value);
}
