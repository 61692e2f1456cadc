/** Rôles d'un compte dans une organisation (voir docs/glossaire.md). */
export const ROLES = ['admin', 'agent', 'clu_member', 'auditor', 'national'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Référent qualité (administrateur)',
  agent: 'Agent de service',
  clu_member: 'Membre du comité local des usagers',
  auditor: 'Auditeur',
  national: 'Niveau national (lecture de toutes les préfectures)',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
