import { table } from '../../../ui/components.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { ROLE_LABELS } from '../../accounts/roles.ts';
import type { Viewer } from '../../accounts/viewer.ts';

export function publicHomeView(): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--gutters">
<div class="fr-col-12 fr-col-lg-8">
  <h1>Vigie, la qualité du service aux usagers</h1>
  <p class="fr-text--lead">Vigie aide la préfecture à tenir les engagements du label Qual-e-pref : registres des demandes et des réclamations avec leurs délais en jours ouvrés, enquêtes de satisfaction, indicateurs et objectifs, plan d’actions et comité local des usagers.</p>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><a class="fr-btn" href="/reclamation">Déposer une réclamation ou une suggestion</a></li>
    <li><a class="fr-btn fr-btn--secondary" href="/connexion">Se connecter (agents)</a></li>
  </ul>
</div>
</div>`;
}

export interface HomeSummary {
  serviceCount: number;
  siteCount: number;
  memberCount: number;
  perimeter: { number: number; title: string }[];
}

export function homeView(viewer: Viewer, summary: HomeSummary | undefined): SafeHtml {
  const links: { href: string; title: string; desc: string }[] = [
    { href: '/referentiel', title: 'Référentiel', desc: 'Modules, engagements, critères et indicateurs du label.' },
  ];
  if (viewer.role !== 'national')
    links.unshift({
      href: '/organisation',
      title: 'Organisation',
      desc: 'Sites, services, boîtes fonctionnelles, jours de fermeture et périmètre.',
    });
  if (viewer.role === 'admin')
    links.push({
      href: '/admin/utilisateurs',
      title: 'Comptes',
      desc: 'Créer les comptes des agents, réinitialiser un mot de passe.',
    });
  if (viewer.role === 'admin' || viewer.role === 'auditor')
    links.push({ href: '/admin/journal', title: 'Journal d’audit', desc: 'Qui a modifié quoi, et quand.' });
  if (viewer.role === 'national')
    links.unshift({ href: '/national', title: 'Préfectures', desc: 'Toutes les préfectures utilisant cette instance.' });
  return html`<h1>Bonjour ${viewer.displayName}</h1>
<p class="fr-text--lead">${ROLE_LABELS[viewer.role]}${viewer.organisation ? html` — ${viewer.organisation.name}` : ''}</p>
${
  summary
    ? html`<div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
  <div class="fr-col-12 fr-col-md-4"><div class="fr-tile"><div class="fr-tile__body"><div class="fr-tile__content"><h2 class="fr-tile__title">${summary.serviceCount} service${summary.serviceCount > 1 ? 's' : ''}</h2><p class="fr-tile__desc">sur ${summary.siteCount} site${summary.siteCount > 1 ? 's' : ''}</p></div></div></div></div>
  <div class="fr-col-12 fr-col-md-4"><div class="fr-tile"><div class="fr-tile__body"><div class="fr-tile__content"><h2 class="fr-tile__title">${summary.memberCount} compte${summary.memberCount > 1 ? 's' : ''}</h2><p class="fr-tile__desc">agents, référents et membres du CLU</p></div></div></div></div>
  <div class="fr-col-12 fr-col-md-4"><div class="fr-tile"><div class="fr-tile__body"><div class="fr-tile__content"><h2 class="fr-tile__title">${summary.perimeter.length} module${summary.perimeter.length > 1 ? 's' : ''}</h2><p class="fr-tile__desc">${summary.perimeter.map((m) => `${m.number}`).join(', ')} dans le périmètre</p></div></div></div></div>
</div>`
    : ''
}
<h2>Accès rapides</h2>
<div class="fr-grid-row fr-grid-row--gutters">
${links.map(
  (
    l,
  ) => html`<div class="fr-col-12 fr-col-md-6 fr-col-lg-4"><div class="fr-card fr-enlarge-link"><div class="fr-card__body"><div class="fr-card__content">
  <h3 class="fr-card__title"><a href="${l.href}">${l.title}</a></h3><p class="fr-card__desc">${l.desc}</p>
</div></div></div></div>`,
)}
</div>`;
}

export interface OrganisationRow {
  slug: string;
  name: string;
  department_code: string;
  is_demo: number;
}

export function nationalView(organisations: OrganisationRow[]): SafeHtml {
  return html`<h1>Préfectures</h1>
<p>Toutes les organisations de cette instance, en lecture seule. La comparaison des indicateurs arrivera avec le module national.</p>
${table<OrganisationRow>(
  'Préfectures utilisant Vigie',
  [
    {
      header: 'Préfecture',
      cell: (o) =>
        html`${o.name}${o.is_demo ? html` <span class="fr-badge fr-badge--sm fr-badge--new">Démonstration</span>` : ''}`,
    },
    { header: 'Département', cell: (o) => o.department_code },
    { header: 'Identifiant', cell: (o) => html`<code>${o.slug}</code>` },
  ],
  organisations,
  'Aucune préfecture pour l’instant.',
)}`;
}
