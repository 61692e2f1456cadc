import { badge, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { textArea } from '../../cases/views/case-common.view.ts';
import { categoryLabel, MEMBER_CATEGORIES, MEMBER_CATEGORY_LABELS } from '../clu-member.schemas.ts';
import type { MemberDirectoryEntry, MemberRow } from '../clu-member.service.ts';
import { memberDisplayName } from '../clu-member.service.ts';
import { fieldValue, multiline } from './clu-common.view.ts';

export interface CluMembersView {
  csrfToken: string;
  directory: MemberDirectoryEntry[];
}

/** Page « Membres du comité » : organismes et représentants, coordonnées visibles du référent seulement. */
export function cluMembersView(v: CluMembersView): SafeHtml {
  const activeCount = v.directory.reduce((n, e) => n + e.active.length, 0);
  const memberTable = (entry: MemberDirectoryEntry) =>
    table<MemberRow>(
      `Représentants de ${entry.organisation.name}`,
      [
        { header: 'Nom', cell: (m) => memberDisplayName(m) },
        { header: 'Fonction', cell: (m) => m.function ?? '' },
        {
          header: 'Courriel',
          cell: (m) => (m.email ? m.email : badge('Sans courriel : invité par courrier', 'warning')),
        },
        { header: 'Téléphone', cell: (m) => m.phone ?? '' },
        { header: 'Adresse postale', cell: (m) => multiline(m.postal_address) },
        {
          header: 'Actions',
          cell: (m) => html`<ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
  <li><a class="fr-btn fr-btn--secondary" href="/clu/membres/${m.id}/modifier">Modifier<span class="fr-sr-only"> ${memberDisplayName(m)}</span></a></li>
  <li><form method="post" action="/clu/membres/${m.id}/retirer">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--tertiary" type="submit">Retirer du comité<span class="fr-sr-only"> : ${memberDisplayName(m)}</span></button></form></li>
</ul>`,
        },
      ],
      entry.active,
      'Aucun représentant actif pour cet organisme.',
    );
  const removedList = (entry: MemberDirectoryEntry) =>
    entry.removed.length === 0
      ? ''
      : html`<p class="fr-text--sm fr-mb-1w">Retirés du comité (gardés pour les présences des réunions passées ; coordonnées effacées après le délai de conservation) :</p>
<ul class="fr-text--sm">${entry.removed.map(
          (
            m,
          ) => html`<li>${memberDisplayName(m)}${m.removed_at ? ` — retiré le ${m.removed_at.slice(0, 10).split('-').reverse().join('/')}` : ''}
  ${
    m.erased_at
      ? ''
      : html`<form method="post" action="/clu/membres/${m.id}/reintegrer" class="vigie-inline-form">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline" type="submit">Réintégrer<span class="fr-sr-only"> ${memberDisplayName(m)}</span></button></form>`
  }</li>`,
        )}</ul>`;
  return html`<h1>Membres du comité local des usagers</h1>
<p>Organismes représentés au comité (associations d’usagers, de consommateurs, de personnes handicapées, chambres consulaires, association des maires, Défenseur des droits, services de l’État, préfecture) et leurs représentants. Un membre sans adresse électronique est invité par courrier. Ces coordonnées sont des données personnelles : elles ne sont visibles que du référent qualité, et effacées après le retrait du membre.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/clu/membres/organismes/nouveau">Ajouter un organisme</a></li>
  ${v.directory.length > 0 ? html`<li><a class="fr-btn fr-btn--secondary" href="/clu/membres/nouveau">Ajouter un représentant</a></li>` : ''}
  <li><a class="fr-btn fr-btn--tertiary" href="/clu/reunions">Réunions du comité</a></li>
</ul>
${
  v.directory.length === 0
    ? html`<div class="fr-callout"><h2 class="fr-callout__title">Aucun membre pour l’instant</h2><p class="fr-callout__text">Commencez par ajouter un organisme (par exemple l’UDAF ou la chambre de commerce et d’industrie), puis ses représentants.</p></div>`
    : html`<p>${v.directory.length} organisme${v.directory.length > 1 ? 's' : ''}, ${activeCount} représentant${activeCount > 1 ? 's' : ''} actif${activeCount > 1 ? 's' : ''}.</p>
${v.directory.map(
  (entry) => html`<section class="fr-mt-5w" aria-labelledby="organisme-${entry.organisation.id}">
  <h2 id="organisme-${entry.organisation.id}" class="fr-h4 fr-mb-1w">${entry.organisation.name}</h2>
  <div class="fr-mb-1w">${badge(categoryLabel(entry.organisation.category), 'info')}</div>
  ${entry.organisation.email || entry.organisation.postal_address ? html`<p class="fr-text--sm">${entry.organisation.email ?? ''}${entry.organisation.email && entry.organisation.postal_address ? ' — ' : ''}${multiline(entry.organisation.postal_address)}</p>` : ''}
  <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
    <li><a class="fr-btn fr-btn--secondary" href="/clu/membres/nouveau?organisme=${entry.organisation.id}">Ajouter un représentant<span class="fr-sr-only"> de ${entry.organisation.name}</span></a></li>
    <li><a class="fr-btn fr-btn--tertiary" href="/clu/membres/organismes/${entry.organisation.id}/modifier">Modifier l’organisme<span class="fr-sr-only"> ${entry.organisation.name}</span></a></li>
  </ul>
  ${memberTable(entry)}
  ${removedList(entry)}
</section>`,
)}`
}`;
}

export interface MemberOrganisationFormView {
  csrfToken: string;
  action: string;
  title: string;
  values: Record<string, unknown>;
  error?: { message: string; fields: Record<string, string> };
}

export function memberOrganisationFormView(v: MemberOrganisationFormView): SafeHtml {
  const f = v.error?.fields ?? {};
  return html`<h1>${v.title}</h1>
${errorSummary(v.error?.message, f)}
<form method="post" action="${v.action}" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'name', label: 'Nom de l’organisme', value: fieldValue(v.values, 'name'), error: f.name, required: true, hint: 'Par exemple : Union départementale des associations familiales (UDAF)' })}
  ${selectField({
    name: 'category',
    label: 'Catégorie',
    value: fieldValue(v.values, 'category'),
    error: f.category,
    placeholder: '— Choisir —',
    options: MEMBER_CATEGORIES.map((c) => ({ value: c, label: MEMBER_CATEGORY_LABELS[c] })),
  })}
  ${textField({ name: 'email', type: 'email', label: 'Adresse électronique de l’organisme (facultative)', value: fieldValue(v.values, 'email'), error: f.email, autocomplete: 'email' })}
  ${textArea({ name: 'postalAddress', label: 'Adresse postale (facultative)', value: fieldValue(v.values, 'postalAddress'), error: f.postalAddress, hint: 'Sert aux invitations par courrier des représentants sans adresse propre.', rows: 3 })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Enregistrer</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/clu/membres">Annuler</a></li>
  </ul>
</form>`;
}

export interface MemberFormView {
  csrfToken: string;
  action: string;
  title: string;
  organisations: { id: string; name: string }[];
  values: Record<string, unknown>;
  error?: { message: string; fields: Record<string, string> };
}

export function memberFormView(v: MemberFormView): SafeHtml {
  const f = v.error?.fields ?? {};
  return html`<h1>${v.title}</h1>
${errorSummary(v.error?.message, f)}
<form method="post" action="${v.action}" novalidate>
  ${csrfField(v.csrfToken)}
  ${selectField({
    name: 'memberOrganisationId',
    label: 'Organisme représenté',
    value: fieldValue(v.values, 'memberOrganisationId'),
    error: f.memberOrganisationId,
    placeholder: '— Choisir —',
    options: v.organisations.map((o) => ({ value: o.id, label: o.name })),
  })}
  ${selectField({
    name: 'civility',
    label: 'Civilité',
    value: fieldValue(v.values, 'civility'),
    error: f.civility,
    placeholder: 'Non renseignée',
    options: [
      { value: 'Mme', label: 'Mme' },
      { value: 'M.', label: 'M.' },
    ],
  })}
  ${textField({ name: 'firstName', label: 'Prénom', value: fieldValue(v.values, 'firstName'), error: f.firstName, autocomplete: 'off' })}
  ${textField({ name: 'lastName', label: 'Nom', value: fieldValue(v.values, 'lastName'), error: f.lastName, required: true, autocomplete: 'off' })}
  ${textField({ name: 'function', label: 'Fonction', value: fieldValue(v.values, 'function'), error: f.function, hint: 'Par exemple : déléguée départementale du Défenseur des droits' })}
  ${textField({ name: 'email', type: 'email', label: 'Adresse électronique', value: fieldValue(v.values, 'email'), error: f.email, hint: 'Facultative : sans adresse, le membre est invité par courrier.', autocomplete: 'off' })}
  ${textField({ name: 'phone', label: 'Téléphone (facultatif)', value: fieldValue(v.values, 'phone'), error: f.phone, autocomplete: 'off' })}
  ${textArea({ name: 'postalAddress', label: 'Adresse postale (facultative)', value: fieldValue(v.values, 'postalAddress'), error: f.postalAddress, hint: 'À défaut, l’adresse de l’organisme sert aux invitations par courrier.', rows: 3 })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Enregistrer</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/clu/membres">Annuler</a></li>
  </ul>
</form>`;
}
