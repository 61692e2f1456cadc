import { table, textField } from '../../../ui/components.ts';
import { formatDate, formatInteger } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import type { ActionView } from '../action.service.ts';
import {
  ACTION_STATUS_SECTIONS,
  ACTION_STATUSES,
  doneCountText,
  groupByDueMonth,
  isOverdue,
  ORIGIN_KIND_LABELS,
  ORIGIN_KINDS,
  type OriginSummary,
} from '../action-status.ts';
import { actionStatusBadge, actionsTable, planTabs } from './action-common.view.ts';
import { type ActionFiltersView, exportLinks, filtersForm } from './action-list.view.ts';

/** Au-delà, une section renvoie à la liste filtrée (paginée) plutôt que de tout afficher. */
export const SECTION_LIMIT = 50;

export interface ActionBoardView extends ActionFiltersView {
  actions: ActionView[];
  today: string;
}

function withStatus(queryString: string, status: string): string {
  const params = new URLSearchParams(queryString);
  params.set('statut', status);
  return `/plan-actions?${params.toString()}`;
}

/** Vue « par statut » : une section par statut, dans l'ordre du suivi. */
export function actionsByStatusView(v: ActionBoardView): SafeHtml {
  return html`<h1>Plan d’actions par statut</h1>
${planTabs('status', v.queryString)}
${filtersForm(v, '/plan-actions/statuts', false)}
<p>${exportLinks(v.queryString)}</p>
${ACTION_STATUSES.map((status) => {
  const list = v.actions.filter((a) => a.status === status);
  const shown = list.slice(0, SECTION_LIMIT);
  return html`<section class="fr-mb-5w" aria-labelledby="statut-${status}">
  <h2 id="statut-${status}">${ACTION_STATUS_SECTIONS[status]} (${formatInteger(list.length)})</h2>
  ${actionsTable(`${ACTION_STATUS_SECTIONS[status]} (${formatInteger(list.length)})`, shown, v.today, `Aucune action « ${ACTION_STATUS_SECTIONS[status].toLowerCase()} » dans cette sélection.`)}
  ${list.length > SECTION_LIMIT ? html`<p><a href="${withStatus(v.queryString, status)}">Voir les ${formatInteger(list.length)} actions « ${ACTION_STATUS_SECTIONS[status].toLowerCase()} »</a></p>` : ''}
</section>`;
})}`;
}

export interface ActionOriginView {
  actions: ActionView[];
  from: string;
  to: string;
  summaries: OriginSummary[];
  error?: string | undefined;
}

/**
 * Vue « par origine » : combien d'actions chaque source a fait naître, par statut, et le bilan
 * « N actions mises en place » de la période (diapositive des seeds), avec l'intitulé de chacune.
 */
export function actionsByOriginView(v: ActionOriginView): SafeHtml {
  const rows = ORIGIN_KINDS.map((kind) => {
    const list = v.actions.filter((a) => a.origin_kind === kind);
    return {
      kind,
      total: list.length,
      ...Object.fromEntries(ACTION_STATUSES.map((s) => [s, list.filter((a) => a.status === s).length])),
    } as { kind: (typeof ORIGIN_KINDS)[number]; total: number } & Record<(typeof ACTION_STATUSES)[number], number>;
  });
  return html`<h1>Plan d’actions par origine</h1>
${planTabs('origin', '')}
${table(
  'Actions par origine et par statut (tout le plan)',
  [
    { header: 'Origine', cell: (r) => html`<a href="/plan-actions?origine=${r.kind}">${ORIGIN_KIND_LABELS[r.kind]}</a>` },
    ...ACTION_STATUSES.map((s) => ({
      header: ACTION_STATUS_SECTIONS[s],
      cell: (r: (typeof rows)[number]) => formatInteger(r[s]),
    })),
    { header: 'Total', cell: (r) => html`<strong>${formatInteger(r.total)}</strong>` },
  ],
  rows,
  'Aucune action.',
)}
<h2 class="fr-mt-5w" id="bilan">Actions mises en place par origine</h2>
<p>Le bilan présenté au comité local des usagers : les actions réalisées dans la période, par origine.</p>
${v.error ? html`<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert"><p>${v.error}</p></div>` : ''}
<form method="get" action="/plan-actions/origines#bilan" class="fr-mb-3w" aria-label="Période du bilan">
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'du', label: 'Réalisées du', type: 'date', value: v.from })}</div>
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'au', label: 'au', type: 'date', value: v.to })}</div>
  </div>
  <button class="fr-btn fr-btn--secondary" type="submit">Afficher le bilan</button>
</form>
${
  v.summaries.length === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Aucune action réalisée du ${formatDate(v.from)} au ${formatDate(v.to)}.</p></div>`
    : html`<div class="fr-grid-row fr-grid-row--gutters">${v.summaries.map(
        (s) => html`<div class="fr-col-12 fr-col-md-6"><div class="fr-callout">
  <h3 class="fr-callout__title">${s.originLabel} : ${doneCountText(s.done)}</h3>
  <ul class="fr-callout__text">${s.titles.map((t) => html`<li>${t}</li>`)}</ul>
</div></div>`,
      )}</div>`
}`;
}

/** Calendrier des échéances : une section par mois ; le retard est écrit (« En retard »), pas seulement coloré. */
export function actionsTimelineView(v: ActionBoardView): SafeHtml {
  const months = groupByDueMonth(v.actions);
  const overdue = v.actions.filter((a) => isOverdue(a, v.today)).length;
  return html`<h1>Calendrier des échéances du plan d’actions</h1>
${planTabs('timeline', v.queryString)}
${filtersForm(v, '/plan-actions/calendrier', true)}
<p>Nous sommes le ${formatDate(v.today)}. <strong>${formatInteger(v.actions.length)} action${v.actions.length > 1 ? 's' : ''}</strong>${overdue > 0 ? html`, dont <strong>${formatInteger(overdue)} en retard</strong>` : ''}. ${exportLinks(v.queryString)}</p>
${
  months.length === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Aucune échéance dans cette sélection.</p></div>`
    : months.map(
        (m) => html`<section class="fr-mb-4w" aria-labelledby="mois-${m.month}">
  <h2 id="mois-${m.month}" class="fr-h4">${m.label.charAt(0).toUpperCase()}${m.label.slice(1)} (${formatInteger(m.actions.length)})</h2>
  <ul class="fr-raw-list">${m.actions.map(
    (a) => html`<li class="fr-mb-2w">
    <p class="fr-mb-1v"><strong>${formatDate(a.due_date)}</strong> — <a href="/plan-actions/${a.id}">action n° ${a.number}</a> : ${a.description}</p>
    <ul class="fr-badges-group"><li>${actionStatusBadge(a.status)}</li>${isOverdue(a, v.today) ? html`<li><p class="fr-badge fr-badge--sm fr-badge--error">En retard</p></li>` : ''}</ul>
    <p class="fr-text--sm fr-mb-0">Objectif : ${a.objective} — Acteur(s) : ${a.services.length > 0 ? a.services.map((s) => s.name).join(', ') : 'à désigner'}</p>
  </li>`,
  )}</ul>
</section>`,
      )
}`;
}
