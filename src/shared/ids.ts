import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Identifiants générés par l'application, identiques sur SQLite et PostgreSQL. */
export function newId(): string {
  return randomUUID();
}

/** Jeton aléatoire opaque (cookie de session, jeton d'API, jeton CSRF). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
