import type { Role } from './roles.ts';

/** Qui fait la requête, et pour quelle organisation : tout contrôle d'accès part de là. */
export interface Viewer {
  userId: string;
  email: string;
  displayName: string;
  membershipId: string;
  role: Role;
  /** Nul pour le rôle national. */
  organisationId: string | null;
  organisation: { id: string; slug: string; name: string; departmentCode: string; isDemo: boolean } | null;
  sessionId: string | null;
  csrfToken: string | null;
  via: 'session' | 'token';
  mustChangePassword: boolean;
}

/** Le nom d'un auteur sans son adresse (« Camille Martin <camille@…> » → « Camille Martin ») : pour l'afficher à d'autres. */
export function actorDisplayName(label: string): string {
  return label.replace(/\s*<[^>]*>\s*$/, '').trim() || label;
}

export function actorOf(viewer: Viewer) {
  return { userId: viewer.userId, label: `${viewer.displayName} <${viewer.email}>` };
}
