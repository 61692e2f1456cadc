import { pagination, selectField } from '../../../ui/components.ts';
import { formatDate, formatInteger } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import type { ActionChoices, ActionView } from '../action.service.ts';
import { ACTION_STATUS_LABELS, ACTION_STATUSES, ORIGIN_KIND_LABELS, ORIGIN_KINDS } from '../action-status.ts';
import { actionsTable, planTabs } from './action-common.view.ts';

export interface ActionFiltersView {
  /** Filtres tels que saisis, pour réafficher le formulaire. */
  query: Record<string, string>;
  /** Chaîne de requête des filtres (sans la page), pour la pagination, les onglets et les exports. */
  queryString: string;
  choices: ActionChoices;
}

export interface ActionListView extends ActionFiltersView {
  rows: ActionView[];
  total: number;
  page: number;
  pageCount: number;
  today: string;
  canCreate: boolean;
}

/** Formulaire de filtres commun à la liste, à la vue par statut et au calendrier (GET, sans JavaScript). */
export function filtersForm(v: ActionFiltersView, action: string, withStatus: boolean): SafeHtml {
  const q = v.query;
  return html`<form method="get" action="${action}" class="fr-mb-3w" role="search" aria-label="Filtrer le plan d’actions">
  <div class="fr-grid-row fr-grid-row--gutters">
    ${
      withStatus
        ? html`<div class="fr-col-12 fr-col-md-3">${selectField({
            name: 'statut',
            label: 'Statut',
            value: q.statut,
            placeholder: 'Tous',
            options: [
              { value: 'ouvertes', label: 'Ouvertes (à faire ou en cours)' },
              ...ACTION_STATUSES.map((s) => ({ value: s, label: ACTION_STATUS_LABELS[s] })),
            ],
          })}</div>`
        : ''
    }
    <div class="fr-col-12 fr-col-md-3">${selectField({ name: 'origine', label: 'Origine', value: q.origine, placeholder: 'Toutes', options: ORIGIN_KINDS.map((k) => ({ value: k, label: ORIGIN_KIND_LABELS[k] })) })}</div>
    <div class="fr-col-12 fr-col-md-3">${selectField({ name: 'service', label: 'Service acteur', value: q.service, placeholder: 'Tous', options: v.choices.services.map((s) => ({ value: s.id, label: s.name })) })}</div>
    <div class="fr-col-12 fr-col-md-3">${selectField({ name: 'engagement', label: 'Engagement', value: q.engagement, placeholder: 'Tous', options: v.choices.engagements.map((e) => ({ value: e.code, label: `${e.code} — ${e.label.length > 70 ? `${e.label.slice(0, 69)}…` : e.label}` })) })}</div>
  </div>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Filtrer</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="${action}">Effacer les filtres</a></li>
  </ul>
</form>`;
}

export function exportLinks(queryString: string): SafeHtml {
  const q = queryString ? `?${queryString}` : '';
  return html`Exporter la sélection complète : <a href="/plan-actions/export.csv${q}">CSV</a> · <a href="/plan-actions/export.xlsx${q}">XLSX (Excel)</a>`;
}

function withPage(queryString: string, page: number): string {
  return `/plan-actions?${queryString ? `${queryString}&` : ''}page=${page}`;
}

export function actionListView(v: ActionListView): SafeHtml {
  return html`<h1>Plan d’actions</h1>
<p>Les actions d’amélioration de la préfecture, décidées à la suite des enquêtes, des réclamations, des audits et des propositions du comité local des usagers, triées par échéance. Nous sommes le ${formatDate(v.today)}.</p>
${
  v.canCreate
    ? html`<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
  <li><a class="fr-btn fr-icon-add-line" href="/plan-actions/nouvelle">Nouvelle action</a></li>
</ul>`
    : ''
}
${planTabs('list', v.queryString)}
${filtersForm(v, '/plan-actions', true)}
<p><strong>${formatInteger(v.total)} action${v.total > 1 ? 's' : ''}</strong>${v.pageCount > 1 ? ` — page ${v.page} sur ${v.pageCount}` : ''}. ${exportLinks(v.queryString)}</p>
${actionsTable(
  `Actions du plan (${formatInteger(v.total)})`,
  v.rows,
  v.today,
  v.total === 0 && v.queryString === ''
    ? 'Le plan d’actions est vide. Créez une action, ou lancez-la d’un clic depuis un critère d’enquête, un thème de réclamations ou un dossier du registre.'
    : 'Aucune action ne correspond à ces critères.',
)}
${pagination(v.page, v.pageCount, (p) => withPage(v.queryString, p))}`;
}
