import type { Role } from '../modules/accounts/roles.ts';
import type { NavItem } from './layout.ts';

/**
 * Menu principal selon le rôle : chaque entrée ne mène qu'à des pages que ce rôle peut ouvrir. « Mon compte »
 * est le nom de la personne, en haut à droite.
 */
export function navigationFor(role: Role | undefined): NavItem[] {
  if (!role) return [];
  const items: NavItem[] = [{ label: 'Accueil', href: '/' }];
  if (role === 'national') {
    items.push({ label: 'Préfectures', href: '/national' });
    items.push({ label: 'Cibles nationales', href: '/national/cibles' });
  } else {
    items.push({ label: 'Organisation', href: '/organisation' });
    items.push({ label: 'Calendrier', href: '/calendrier' });
    if (role === 'admin' || role === 'agent' || role === 'auditor') items.push({ label: 'Registre', href: '/registre' });
    items.push({ label: 'Indicateurs', href: '/indicateurs' });
    if (role === 'admin' || role === 'agent' || role === 'auditor') items.push({ label: 'Enquêtes', href: '/enquetes' });
    if (role === 'admin' || role === 'agent' || role === 'auditor')
      items.push({ label: 'Plan d’actions', href: '/plan-actions' });
    // Les membres du CLU y lisent leurs réunions ; l'agent n'y a pas de rôle.
    if (role === 'admin' || role === 'clu_member' || role === 'auditor')
      items.push({ label: 'Comité des usagers', href: '/clu/reunions' });
  }
  items.push({ label: 'Référentiel', href: '/referentiel' });
  // Les campagnes en cours ne doivent pas être connues des agents : le menu n'existe que pour le référent.
  if (role === 'admin') items.push({ label: 'Enquêtes mystère', href: '/mystere' });
  if (role === 'admin') items.push({ label: 'Courrier', href: '/courrier' });
  if (role === 'admin') items.push({ label: 'Comptes', href: '/admin/utilisateurs' });
  if (role === 'admin' || role === 'auditor') items.push({ label: 'Journal', href: '/admin/journal' });
  return items;
}
