import { checkboxGroup, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { formatDate, formatInteger } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import type { Department } from '../departments.ts';
import type { ClosureDay, Organisation, Site } from '../organisation.repository.ts';

export interface OrganisationPageView {
  organisation: Organisation;
  department: Department | undefined;
  sites: Site[];
  services: { id: string; name: string; mailbox_address: string | null; site_name: string | null }[];
  closureDays: ClosureDay[];
  perimeter: number[];
  modules: { number: number; title: string; mandatory: 'always' | 'if_cert' | 'optional' }[];
  canEdit: boolean;
  csrfToken: string;
  /** Formulaire en erreur : lequel, le message, les champs, la saisie. */
  form?: {
    name: 'site' | 'service' | 'closure' | 'perimeter';
    error: string;
    fields: Record<string, string>;
    values: Record<string, unknown>;
  };
}

const SITE_KINDS: Record<string, string> = { prefecture: 'Préfecture', sous_prefecture: 'Sous-préfecture', other: 'Autre site' };

function value(v: OrganisationPageView, form: string, name: string): string | undefined {
  if (v.form?.name !== form) return undefined;
  const raw = v.form.values[name];
  return typeof raw === 'string' ? raw : undefined;
}

function errorsOf(v: OrganisationPageView, form: string): Record<string, string> {
  return v.form?.name === form ? v.form.fields : {};
}

export function organisationView(v: OrganisationPageView): SafeHtml {
  const d = v.department;
  const perimeter = new Set(v.perimeter);
  const hasCert = v.form?.name === 'perimeter' ? v.form.values.hasCert === 'on' : v.organisation.has_cert === 1;
  return html`<h1>${v.organisation.name}</h1>
${v.organisation.is_demo ? html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>Organisation de démonstration : les données sont fictives.</p></div>` : ''}
<ul class="fr-tags-group fr-mb-3w">
  <li><p class="fr-tag">Département ${d ? `${d.code} — ${d.name}` : v.organisation.department_code}</p></li>
  ${d ? html`<li><p class="fr-tag">Fuseau ${d.timeZone}</p></li><li><p class="fr-tag">Population ${formatInteger(d.population)} (${d.populationYear})</p></li><li><p class="fr-tag">Vacances scolaires : zone ${d.schoolZone}</p></li>` : ''}
</ul>

<h2 id="perimetre">Périmètre du label</h2>
<p>Le module 1 est obligatoire pour toutes les préfectures ; le module 2 l’est quand la préfecture a un CERT. Les autres modules sont choisis.</p>
${
  v.canEdit
    ? html`${v.form?.name === 'perimeter' ? errorSummary(v.form.error, v.form.fields) : ''}
<form method="post" action="/organisation/perimetre">
  ${csrfField(v.csrfToken)}
  ${checkboxGroup({ name: 'hasCert', legend: 'Centre d’expertise et de ressources titres', items: [{ value: 'on', label: 'La préfecture a un CERT', checked: hasCert }] })}
  ${checkboxGroup({
    name: 'modules',
    legend: 'Modules du périmètre',
    error: errorsOf(v, 'perimeter').modules,
    items: v.modules.map((m) => ({
      value: String(m.number),
      label: `Module ${m.number} — ${m.title}`,
      checked: perimeter.has(m.number) || m.mandatory === 'always',
      hint:
        m.mandatory === 'always'
          ? 'Obligatoire'
          : m.mandatory === 'if_cert'
            ? 'Obligatoire si la préfecture a un CERT'
            : 'Optionnel',
    })),
  })}
  <button class="fr-btn" type="submit">Enregistrer le périmètre</button>
</form>`
    : html`<ul>${v.modules.filter((m) => perimeter.has(m.number)).map((m) => html`<li>Module ${m.number} — ${m.title}</li>`)}</ul>`
}

<h2 class="fr-mt-5w" id="sites">Sites</h2>
${table<Site>(
  'Sites de la préfecture',
  [
    { header: 'Nom', cell: (s) => s.name },
    { header: 'Type', cell: (s) => SITE_KINDS[s.kind] ?? s.kind },
    { header: 'Commune', cell: (s) => s.city ?? '—' },
  ],
  v.sites,
  'Aucun site.',
)}
${
  v.canEdit
    ? html`<details class="fr-mb-3w"${v.form?.name === 'site' ? html` open` : ''}><summary>Ajouter un site</summary>
${v.form?.name === 'site' ? errorSummary(v.form.error, v.form.fields) : ''}
<form method="post" action="/organisation/sites" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ id: 'site-name', name: 'name', label: 'Nom du site', value: value(v, 'site', 'name'), error: errorsOf(v, 'site').name, required: true })}
  ${selectField({ id: 'site-kind', name: 'kind', label: 'Type', value: value(v, 'site', 'kind') ?? 'sous_prefecture', error: errorsOf(v, 'site').kind, options: Object.entries(SITE_KINDS).map(([k, l]) => ({ value: k, label: l })) })}
  ${textField({ id: 'site-city', name: 'city', label: 'Commune', value: value(v, 'site', 'city'), error: errorsOf(v, 'site').city })}
  <button class="fr-btn fr-btn--secondary" type="submit">Ajouter le site</button>
</form></details>`
    : ''
}

<h2 class="fr-mt-5w" id="services">Services</h2>
${table(
  'Services et boîtes fonctionnelles',
  [
    { header: 'Service', cell: (s: OrganisationPageView['services'][number]) => s.name },
    { header: 'Boîte fonctionnelle', cell: (s: OrganisationPageView['services'][number]) => s.mailbox_address ?? '—' },
    { header: 'Site', cell: (s: OrganisationPageView['services'][number]) => s.site_name ?? '—' },
  ],
  v.services,
  'Aucun service pour l’instant : ajoutez au moins l’accueil général.',
)}
${
  v.canEdit
    ? html`<details class="fr-mb-3w"${v.form?.name === 'service' ? html` open` : ''}><summary>Ajouter un service</summary>
${v.form?.name === 'service' ? errorSummary(v.form.error, v.form.fields) : ''}
<form method="post" action="/organisation/services" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ id: 'service-name', name: 'name', label: 'Nom du service', value: value(v, 'service', 'name'), error: errorsOf(v, 'service').name, required: true })}
  ${textField({ id: 'service-mailbox', name: 'mailboxAddress', label: 'Boîte fonctionnelle', type: 'email', hint: 'Par exemple pref-etrangers@puy-de-dome.gouv.fr', value: value(v, 'service', 'mailboxAddress'), error: errorsOf(v, 'service').mailboxAddress })}
  ${selectField({ id: 'service-site', name: 'siteId', label: 'Site', placeholder: 'Aucun site en particulier', value: value(v, 'service', 'siteId'), error: errorsOf(v, 'service').siteId, options: v.sites.map((s) => ({ value: s.id, label: s.name })) })}
  <button class="fr-btn fr-btn--secondary" type="submit">Ajouter le service</button>
</form></details>`
    : ''
}

<h2 class="fr-mt-5w" id="fermetures">Jours de fermeture</h2>
<p>Jours non ouvrés propres à la préfecture (pont, fermeture exceptionnelle), en plus des jours fériés du département. Ils reportent les échéances. Le <a href="/calendrier">calendrier de l’année</a> les montre avec les jours fériés et les vacances scolaires.</p>
${table<ClosureDay>(
  'Jours de fermeture',
  [
    { header: 'Date', cell: (c) => formatDate(c.date) },
    { header: 'Motif', cell: (c) => c.reason },
  ],
  v.closureDays,
  'Aucun jour de fermeture enregistré.',
)}
${
  v.canEdit
    ? html`<details${v.form?.name === 'closure' ? html` open` : ''}><summary>Ajouter un jour de fermeture</summary>
${v.form?.name === 'closure' ? errorSummary(v.form.error, v.form.fields) : ''}
<form method="post" action="/organisation/fermetures" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ id: 'closure-date', name: 'date', label: 'Date', type: 'date', value: value(v, 'closure', 'date'), error: errorsOf(v, 'closure').date, required: true })}
  ${textField({ id: 'closure-reason', name: 'reason', label: 'Motif', hint: 'Par exemple « Pont de l’Ascension ».', value: value(v, 'closure', 'reason'), error: errorsOf(v, 'closure').reason, required: true })}
  <button class="fr-btn fr-btn--secondary" type="submit">Ajouter</button>
</form></details>`
    : ''
}`;
}
