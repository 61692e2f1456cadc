import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Identifiants générés par l'application, identiques sur SQLite et PostgreSQL. */
export function newId(): string {
  return randomUUID();
}

let lastMs = 0;
let sequence = 0;
// L'heure en hexadécimal change au plus une fois par milliseconde, le compteur prend 4 096 valeurs : la
// relève tire plusieurs identifiants par message, dans la même milliseconde le plus souvent.
let prefixMs = -1;
let prefix = '';
const SEQUENCES = Array.from({ length: 0x1000 }, (_, i) => i.toString(16).padStart(3, '0'));

/**
 * Identifiant UUID v7 (RFC 9562) : les millisecondes en tête, puis un compteur et de l'aléa. Pour les lignes
 * écrites en masse (réponses d'enquête et leurs valeurs, courrier relevé avec ses événements de dossier, son
 * audit et ses accusés en file) : l'index de la clé primaire (et celui du Message-ID d'un courriel sortant, tiré
 * de son identifiant) croît à droite au lieu de toucher une page au hasard à chaque insertion, ce qui réduit
 * d'autant les pages écrites à chaque validation.
 */
export function newOrderedId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    // Même milliseconde (ou horloge reculée) : le compteur garde l'ordre ; à 4 096, la milliseconde suivante.
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = 0;
  }
  if (ms !== prefixMs) {
    const time = ms.toString(16).padStart(12, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    prefixMs = ms;
  }
  // La fin d'un UUID v4 : variante RFC et 62 bits d'aléa.
  return `${prefix}${SEQUENCES[sequence]}-${randomUUID().slice(19)}`;
}

/** Jeton aléatoire opaque (cookie de session, jeton d'API, jeton CSRF). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
