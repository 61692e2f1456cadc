import { errorSummary, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { MONTH_NAMES } from '../../calendar/civil-date.ts';
import type { IndicatorYearRow, IndicatorYearTable } from '../indicator.service.ts';
import { cellClass, cellHtml } from './indicator-format.ts';

export interface ModuleTitle {
  number: number;
  title: string;
}

export type TableLayout = 'months' | 'quarters';

export interface IndicatorTableView {
  table: IndicatorYearTable | null;
  modules: ModuleTitle[];
  layout: TableLayout;
  year: string;
  asOf: string;
  error?: string | undefined;
  fields?: Record<string, string>;
  canPublish?: boolean;
  csrfToken?: string;
}

export function groupLabel(row: IndicatorYearRow, modules: ModuleTitle[]): string {
  if (row.indicator.module === null) return 'Indicateurs locaux';
  const title = modules.find((m) => m.number === row.indicator.module)?.title;
  return `Module ${row.indicator.module}${title ? ` — ${title}` : ''}`;
}

function legend(): SafeHtml {
  return html`<p class="fr-text--sm vigie-legend-text">Légende : <span class="vigie-target--met vigie-chip">✓ cible atteinte</span>
<span class="vigie-target--not-met vigie-chip">✗ non atteinte</span>
<span class="vigie-target--on-track vigie-chip">↗ en bonne voie</span>
<span class="vigie-target--behind vigie-chip">↘ en retard</span> ;
« — » sans objet (rien à mesurer, raison au survol) ; « n.d. » non disponible (valeur attendue, non fournie) ;
« (p) » provisoire (période non close ou dossiers en attente) ; « (h) » valeur historique ; « * » réserve sur la donnée.</p>`;
}

/**
 * Le tableau des CLU : lignes groupées par module, avec engagement, code, libellé, cible et une colonne
 * par mois (ou par trimestre), puis l'année (cumul à la date d'arrêté).
 */
export function indicatorTable(v: {
  table: IndicatorYearTable;
  modules: ModuleTitle[];
  layout: TableLayout;
  /** Lien vers la fiche : pas sur la page publique. */
  links?: boolean;
}): SafeHtml {
  const { table, layout } = v;
  const columns =
    layout === 'months'
      ? MONTH_NAMES.map((name, i) => ({ header: name, cell: (r: IndicatorYearRow) => r.months[i] ?? null }))
      : [1, 2, 3, 4].map((q) => ({ header: `T${q}`, cell: (r: IndicatorYearRow) => r.quarters[q - 1] ?? null }));
  const groups = new Map<string, IndicatorYearRow[]>();
  for (const row of table.rows) {
    const label = groupLabel(row, v.modules);
    groups.set(label, [...(groups.get(label) ?? []), row]);
  }
  const width = 5 + columns.length + 1;
  return html`<div class="fr-table fr-table--bordered vigie-indicator-table"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>Indicateurs ${table.year}, arrêtés au ${formatDate(table.asOf)}</caption>
  <thead><tr>
    <th scope="col">Engagement</th><th scope="col">Code</th><th scope="col">Indicateur</th><th scope="col">Source</th><th scope="col">Cible ${table.year}</th>
    ${columns.map((c) => html`<th scope="col">${c.header}</th>`)}
    <th scope="col">Année (cumul)</th>
  </tr></thead>
  <tbody>
  ${[...groups.entries()].map(
    ([label, rows]) => html`<tr class="vigie-group"><th scope="colgroup" colspan="${width}">${label}</th></tr>
    ${rows.map(
      (row) => html`<tr>
      <td>${row.indicator.engagements.length > 0 ? row.indicator.engagements.join(', ') : '—'}</td>
      <td>${row.indicator.code ?? row.indicator.key}</td>
      <th scope="row">${v.links === false ? row.indicator.label : html`<a href="/indicateurs/${encodeURIComponent(row.indicator.key)}?annee=${table.year}">${row.indicator.label}</a>`}</th>
      <td>${sourceShort(row)}</td>
      <td>${row.target ? html`${row.target.label}${row.target.scope === 'national' ? html` <span class="fr-text--xs">(nat.)</span>` : ''}` : '—'}</td>
      ${columns.map((c) => {
        const cell = c.cell(row);
        const css = cellClass(cell);
        return html`<td${css ? html` class="${css}"` : ''}>${cellHtml(cell, row.indicator.unit)}</td>`;
      })}
      <td class="${cellClass(row.yearToDate)}">${cellHtml(row.yearToDate, row.indicator.unit)}</td>
    </tr>`,
    )}`,
  )}
  </tbody>
</table>
</div></div></div></div>`;
}

function sourceShort(row: IndicatorYearRow): string {
  const source = row.indicator.source;
  if (source === 'register') return 'registre';
  if (source === 'survey') return 'enquêtes';
  if (source === 'manual') return 'saisie';
  return 'import';
}

export function indicatorTableView(v: IndicatorTableView): SafeHtml {
  const query = (layout: TableLayout) => `?annee=${encodeURIComponent(v.year)}&asOf=${encodeURIComponent(v.asOf)}&vue=${layout}`;
  const exportQuery = `?annee=${encodeURIComponent(v.year)}&asOf=${encodeURIComponent(v.asOf)}`;
  const tabs: HtmlValue = html`<ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
    <li><a class="fr-btn ${v.layout === 'months' ? '' : 'fr-btn--secondary'}" href="/indicateurs/tableau${query('months')}"${v.layout === 'months' ? html` aria-current="page"` : ''}>Par mois</a></li>
    <li><a class="fr-btn ${v.layout === 'quarters' ? '' : 'fr-btn--secondary'}" href="/indicateurs/tableau${query('quarters')}"${v.layout === 'quarters' ? html` aria-current="page"` : ''}>Par trimestre</a></li>
  </ul>
  <p><a class="fr-link fr-icon-download-line fr-link--icon-left" href="/indicateurs/tableau.xlsx${exportQuery}">Exporter le tableau (XLSX)</a>
  <a class="fr-link fr-icon-download-line fr-link--icon-left fr-ml-3w" href="/indicateurs/tableau.csv${exportQuery}">Exporter le tableau (CSV)</a></p>`;
  return html`<h1>Tableau des indicateurs</h1>
<p>Le tableau présenté au comité local des usagers : chaque indicateur du périmètre avec sa cible de l’année et ses valeurs.
Les taux d’un trimestre ou de l’année sont recalculés depuis les numérateurs et dénominateurs (jamais une moyenne de pourcentages) ;
le taux de connexion au site (IM106) et les médianes sont la moyenne des mois.</p>
${errorSummary(v.error, v.fields)}
<form method="get" action="/indicateurs/tableau" class="fr-mb-3w">
  <input type="hidden" name="vue" value="${v.layout}">
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-3">${textField({ name: 'annee', label: 'Année', type: 'number', value: v.year, error: v.fields?.annee ?? v.fields?._ })}</div>
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'asOf', label: 'Date d’arrêté', type: 'date', value: v.asOf, error: v.fields?.asOf })}</div>
  </div>
  <button class="fr-btn" type="submit">Afficher</button>
</form>
${v.table ? html`${tabs}${legend()}${indicatorTable({ table: v.table, modules: v.modules, layout: v.layout })}` : ''}`;
}
