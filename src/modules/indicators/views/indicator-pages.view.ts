import { csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { MONTH_NAMES } from '../../calendar/civil-date.ts';
import type { CellWithStatus, IndicatorYearRow, IndicatorYearTable } from '../indicator.service.ts';
import {
  type CatalogueIndicator,
  DIRECTION_LABELS,
  DIRECTIONS,
  INDICATOR_UNITS,
  isComputed,
  SOURCE_LABELS,
  UNIT_LABELS,
} from '../indicator-catalogue.ts';
import { formatNumber, unitSuffix } from '../indicator-number.ts';
import { TARGET_KIND_LABELS, TARGET_KINDS, TARGET_STATUS_LABELS, type Target } from '../target.ts';
import { cellClass, cellHtml, cellText, PROVENANCE_LABELS, sparkline } from './indicator-format.ts';
import { groupLabel, type ModuleTitle } from './indicator-table.view.ts';

type FormState = { error?: string | undefined; fields?: Record<string, string>; values?: Record<string, unknown> };

function value(values: Record<string, unknown> | undefined, name: string, fallback = ''): string {
  const v = values?.[name];
  return typeof v === 'string' ? v : fallback;
}

/** La dernière case mesurée (ou, à défaut, la dernière case commencée) d'une ligne. */
export function latestCell(row: IndicatorYearRow): { cell: CellWithStatus | null; month: number | null } {
  for (let i = row.months.length - 1; i >= 0; i--) {
    const cell = row.months[i];
    if (cell && cell.status === 'measured') return { cell, month: i };
  }
  for (let i = row.months.length - 1; i >= 0; i--) {
    const cell = row.months[i];
    if (cell) return { cell, month: i };
  }
  return { cell: null, month: null };
}

// --- Tableau de bord -----------------------------------------------------------------------------

export function dashboardView(v: { table: IndicatorYearTable; modules: ModuleTitle[]; canImport: boolean }): SafeHtml {
  const groups = new Map<string, IndicatorYearRow[]>();
  for (const row of v.table.rows) {
    const label = groupLabel(row, v.modules);
    groups.set(label, [...(groups.get(label) ?? []), row]);
  }
  return html`<h1>Indicateurs ${v.table.year}</h1>
<p>Dernière valeur de chaque indicateur du périmètre, arrêtée au ${formatDate(v.table.asOf)}, avec sa cible et l’évolution des mois de l’année.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/indicateurs/tableau?annee=${v.table.year}">Tableau de l’année</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/indicateurs/catalogue?annee=${v.table.year}">Catalogue et cibles</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/indicateurs/publications">Publications et affiche</a></li>
  ${v.canImport ? html`<li><a class="fr-btn fr-btn--secondary" href="/indicateurs/import">Importer des chiffres</a></li>` : ''}
  <li><a class="fr-btn fr-btn--secondary" href="/registre/indicateurs">Indicateurs du registre (détail par période)</a></li>
</ul>
${
  v.table.rows.length === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Aucun indicateur : le périmètre de l’organisation ne contient encore aucun module.</p></div>`
    : [...groups.entries()].map(
        ([label, rows]) => html`<h2 class="fr-h4 fr-mt-4w">${label}</h2>
<div class="fr-grid-row fr-grid-row--gutters">
${rows.map((row) => {
  const { cell, month } = latestCell(row);
  return html`<div class="fr-col-12 fr-col-md-6 fr-col-lg-4">
  <div class="fr-card fr-enlarge-link fr-card--sm">
    <div class="fr-card__body"><div class="fr-card__content">
      <h3 class="fr-card__title"><a href="/indicateurs/${encodeURIComponent(row.indicator.key)}?annee=${v.table.year}">${row.indicator.label}</a></h3>
      <p class="fr-card__desc"><span class="vigie-card-value ${cellClass(cell)}">${cellHtml(cell, row.indicator.unit)}</span>
      ${month !== null ? html`<span class="fr-text--sm"> — ${MONTH_NAMES[month]}</span>` : ''}<br>
      <span class="fr-text--sm">Cible ${v.table.year} : ${row.target?.label ?? 'aucune'}</span></p>
      ${sparkline(row.months, row.indicator.unit, `Évolution de ${row.indicator.key} en ${v.table.year}`)}
      <div class="fr-card__start"><p class="fr-card__detail">${row.indicator.code ?? row.indicator.key} · ${SOURCE_LABELS[row.indicator.source]}</p></div>
    </div></div>
  </div>
</div>`;
})}
</div>`,
      )
}`;
}

// --- Fiche d'un indicateur --------------------------------------------------------------------------

export interface IndicatorDetailView extends FormState {
  indicator: CatalogueIndicator;
  years: IndicatorYearRow[];
  yearTables: IndicatorYearTable[];
  csrfToken: string;
  canEnter: boolean;
  canDelete: boolean;
  asOf: string;
  /** Par mois `AAAA-MM` : « saisie par X, le JJ/MM/AAAA » ou « fichier « … » ». */
  provenance: Map<string, string>;
}

/** Graphique de l'historique (24 mois) avec la cible tracée par année : ligne ou bande. */
function historyChart(v: IndicatorDetailView): HtmlValue {
  const series: { label: string; value: number | null }[] = [];
  const targetsByIndex: { from: number; to: number; target: Target | null }[] = [];
  v.years.forEach((row, y) => {
    const year = v.yearTables[y]?.year ?? 0;
    targetsByIndex.push({ from: series.length, to: series.length + 11, target: row.target });
    row.months.forEach((cell, m) => {
      series.push({ label: `${MONTH_NAMES[m]} ${year}`, value: cell && cell.status === 'measured' ? cell.value : null });
    });
  });
  const values = series.map((s) => s.value).filter((n): n is number => n !== null);
  const bounds = targetsByIndex.flatMap((t) => [t.target?.low, t.target?.high]).filter((n): n is number => typeof n === 'number');
  if (values.length === 0) return html`<p>Aucune valeur mesurée sur la période.</p>`;
  const max = Math.max(...values, ...bounds) * 1.1 || 1;
  const width = 720;
  const height = 220;
  const left = 48;
  const step = (width - left - 10) / series.length;
  const y = (n: number) => height - 30 - (n / max) * (height - 50);
  const unit = unitSuffix(v.indicator.unit);
  return html`<figure class="fr-mb-4w">
<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="graphe-titre graphe-desc" class="vigie-chart">
  <title id="graphe-titre">Historique de ${v.indicator.label}</title>
  <desc id="graphe-desc">${series
    .filter((s) => s.value !== null)
    .map((s) => `${s.label} : ${formatNumber(s.value ?? 0)}${unit}`)
    .join(' ; ')}</desc>
  <line x1="${left}" y1="${height - 30}" x2="${width - 10}" y2="${height - 30}" stroke="#666"></line>
  <text x="4" y="${y(max / 1.1) + 4}" font-size="11">${formatNumber(Math.round(max / 1.1))}</text>
  <text x="4" y="${height - 26}" font-size="11">0</text>
  ${targetsByIndex.map(({ from, to, target }) => {
    if (!target || target.kind === 'none' || target.kind === 'count_per_year') return '';
    const x1 = left + from * step;
    const x2 = left + (to + 1) * step;
    if (target.kind === 'range' && target.low !== null && target.high !== null) {
      return html`<rect x="${x1}" y="${y(target.high)}" width="${x2 - x1}" height="${Math.max(y(target.low) - y(target.high), 1)}" fill="#18753c" fill-opacity="0.15"></rect>`;
    }
    const level = target.kind === 'max' ? target.high : target.low;
    return level === null
      ? ''
      : html`<line x1="${x1}" y1="${y(level)}" x2="${x2}" y2="${y(level)}" stroke="#18753c" stroke-width="2" stroke-dasharray="6 3"></line>`;
  })}
  ${series.map((s, i) =>
    s.value === null
      ? ''
      : html`<rect x="${left + i * step + 2}" y="${y(s.value)}" width="${Math.max(step - 4, 2)}" height="${height - 30 - y(s.value)}" fill="#000091"></rect>`,
  )}
  ${v.yearTables.map((t, i) => html`<text x="${left + i * 12 * step + 4}" y="${height - 10}" font-size="12">${t.year}</text>`)}
</svg>
<figcaption class="fr-text--sm">Barres : valeurs mensuelles mesurées. Tirets verts : cible minimale ou maximale de l’année ; bande verte : fourchette cible.</figcaption>
</figure>`;
}

function entryForm(v: IndicatorDetailView): HtmlValue {
  if (!v.canEnter) return '';
  const computed = isComputed(v.indicator);
  const status = value(v.values, 'status', 'measured');
  return html`<h2 class="fr-mt-4w">${computed ? 'Saisir une valeur historique' : 'Saisir une valeur mensuelle'}</h2>
${computed ? html`<p>Cet indicateur est calculé par Vigie. Pour un mois antérieur aux données de Vigie (l’ancien tableur), saisissez la valeur historique : elle remplace le calcul de ce mois et reste marquée « historique ».</p>` : html`<p>Une valeur saisie remplace la précédente du même mois. « Sans objet » est un choix explicite, avec sa raison : jamais un 0 par défaut.</p>`}
${errorSummary(v.error, v.fields)}
<form method="post" action="/indicateurs/${encodeURIComponent(v.indicator.key)}/valeurs" novalidate>
  ${csrfField(v.csrfToken)}
  ${computed ? html`<input type="hidden" name="historic" value="on">` : ''}
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-3">${textField({ name: 'month', label: 'Mois', hint: 'AAAA-MM, par exemple 2026-03', value: value(v.values, 'month'), error: v.fields?.month, required: true })}</div>
  </div>
  <fieldset class="fr-fieldset${v.fields?.status ? ' fr-fieldset--error' : ''}" id="champ-status">
    <legend class="fr-fieldset__legend">Nature de la valeur</legend>
    <div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="statut-mesure" name="status" value="measured"${status === 'measured' ? html` checked` : ''}>
      <label class="fr-label" for="statut-mesure">Valeur mesurée</label>
    </div></div>
    <div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="statut-sans-objet" name="status" value="not_applicable"${status === 'not_applicable' ? html` checked` : ''}>
      <label class="fr-label" for="statut-sans-objet">Sans objet (rien à mesurer ce mois-ci)</label>
    </div></div>
  </fieldset>
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-3">${textField({ name: 'value', label: `Valeur (${UNIT_LABELS[v.indicator.unit]})`, hint: 'Exemple : 12,5', value: value(v.values, 'value'), error: v.fields?.value })}</div>
    <div class="fr-col-12 fr-col-md-3">${textField({ name: 'numerator', label: 'Numérateur (facultatif)', hint: 'Au lieu de la valeur', value: value(v.values, 'numerator'), error: v.fields?.numerator })}</div>
    <div class="fr-col-12 fr-col-md-3">${textField({ name: 'denominator', label: 'Dénominateur (facultatif)', value: value(v.values, 'denominator'), error: v.fields?.denominator })}</div>
  </div>
  ${textField({ name: 'note', label: 'Note', hint: 'Raison d’un « sans objet », ou réserve sur la donnée (« problème Memobox »)', value: value(v.values, 'note'), error: v.fields?.note ?? v.fields?.historic })}
  <button class="fr-btn" type="submit">Enregistrer</button>
</form>`;
}

export function indicatorDetailView(v: IndicatorDetailView): SafeHtml {
  const indicator = v.indicator;
  const current = v.years[v.years.length - 1];
  const currentYear = v.yearTables[v.yearTables.length - 1]?.year ?? 0;
  const monthRows = (current?.months ?? [])
    .map((cell, i) => ({ cell, month: `${currentYear}-${String(i + 1).padStart(2, '0')}`, label: MONTH_NAMES[i] ?? '' }))
    .filter((r) => r.cell !== null);
  const drill = (month: string, cell: CellWithStatus | null): HtmlValue => {
    if (indicator.source === 'register' && cell?.provenance === 'computed') {
      return html`<a href="/registre/indicateurs/${encodeURIComponent(indicator.key)}?period=${month}&asOf=${v.asOf}">dossiers<span class="fr-sr-only"> de ${month}</span></a>`;
    }
    if (indicator.source === 'survey' && cell?.provenance === 'computed')
      return html`<a href="/enquetes">résultats des enquêtes</a>`;
    return '—';
  };
  return html`<h1>${indicator.label}</h1>
<p>${indicator.code ? html`<strong>${indicator.code}</strong> · ` : ''}${indicator.key} · ${indicator.module !== null ? `module ${indicator.module}` : 'indicateur local'}
${indicator.engagements.length > 0 ? ` · engagement${indicator.engagements.length > 1 ? 's' : ''} ${indicator.engagements.join(', ')}` : ''} ·
${UNIT_LABELS[indicator.unit]} · ${DIRECTION_LABELS[indicator.direction]} · ${SOURCE_LABELS[indicator.source]}</p>
<p>Cible ${currentYear} : <strong>${current?.target?.label ?? 'aucune'}</strong>${current?.target ? ` (${current.target.scope === 'national' ? 'nationale' : 'locale'})` : ''}.</p>
${historyChart(v)}
<h2>Valeurs ${currentYear}</h2>
${table(
  `Valeurs mensuelles de ${indicator.key} en ${currentYear}`,
  [
    { header: 'Mois', cell: (r) => r.label },
    { header: 'Valeur', cell: (r) => html`<span class="${cellClass(r.cell)}">${cellHtml(r.cell, indicator.unit)}</span>` },
    {
      header: 'Numérateur / dénominateur',
      cell: (r) =>
        r.cell?.numerator !== null && r.cell?.numerator !== undefined && r.cell.denominator !== null
          ? `${formatNumber(r.cell.numerator)} / ${formatNumber(r.cell.denominator)}`
          : '—',
    },
    { header: 'Cible', cell: (r) => (r.cell?.target ? TARGET_STATUS_LABELS[r.cell.target] : '—') },
    {
      header: 'Provenance',
      cell: (r) =>
        r.cell?.provenance
          ? r.cell.provenance !== 'computed' && v.provenance.get(r.month)
            ? `${r.cell.provenance === 'historic' ? 'historique, ' : ''}${v.provenance.get(r.month)}`
            : PROVENANCE_LABELS[r.cell.provenance]
          : '—',
    },
    { header: 'Note', cell: (r) => r.cell?.note ?? '' },
    { header: 'Détail', cell: (r) => drill(r.month, r.cell) },
    ...(v.canDelete
      ? [
          {
            header: 'Action',
            cell: (r: (typeof monthRows)[number]) =>
              r.cell && r.cell.provenance !== 'computed' && r.cell.provenance !== null
                ? html`<form method="post" action="/indicateurs/${encodeURIComponent(indicator.key)}/valeurs/${r.month}/supprimer">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Retirer<span class="fr-sr-only"> la valeur de ${r.label}</span></button></form>`
                : '',
          },
        ]
      : []),
  ],
  monthRows,
  'Aucun mois commencé pour cette année à la date d’arrêté.',
)}
<p class="fr-text--sm">Trimestres : ${(current?.quarters ?? []).map((q, i) => `T${i + 1} ${q ? cellText(q, indicator.unit) : '—'}`).join(' · ')} · Année (cumul) : ${current ? cellText(current.yearToDate, indicator.unit) : '—'}</p>
${entryForm(v)}`;
}

// --- Catalogue et cibles --------------------------------------------------------------------------

export interface CatalogueView extends FormState {
  year: number;
  rows: { indicator: CatalogueIndicator; target: (Target & { scope: string; label: string }) | null }[];
  csrfToken: string;
  canEdit: boolean;
}

export function catalogueView(v: CatalogueView): SafeHtml {
  return html`<h1>Catalogue des indicateurs</h1>
<p>Les indicateurs du référentiel Qual-e-pref compris dans le périmètre de l’organisation, puis ses indicateurs locaux, avec la cible de ${v.year}.
Une cible locale l’emporte sur la cible nationale.</p>
<form method="get" action="/indicateurs/catalogue" class="fr-mb-3w vigie-inline-form">
  ${textField({ name: 'annee', label: 'Année des cibles', type: 'number', value: String(v.year) })}
  <button class="fr-btn fr-btn--secondary" type="submit">Afficher</button>
</form>
${table(
  `Indicateurs et cibles ${v.year}`,
  [
    { header: 'Code', cell: (r) => r.indicator.code ?? r.indicator.key },
    {
      header: 'Indicateur',
      cell: (r) => html`<a href="/indicateurs/${encodeURIComponent(r.indicator.key)}?annee=${v.year}">${r.indicator.label}</a>`,
    },
    { header: 'Module', cell: (r) => (r.indicator.module === null ? 'local' : String(r.indicator.module)) },
    { header: 'Unité', cell: (r) => UNIT_LABELS[r.indicator.unit] },
    { header: 'Sens', cell: (r) => DIRECTION_LABELS[r.indicator.direction] },
    { header: 'Source', cell: (r) => SOURCE_LABELS[r.indicator.source] },
    {
      header: `Cible ${v.year}`,
      cell: (r) => (r.target ? `${r.target.label} (${r.target.scope === 'national' ? 'nationale' : 'locale'})` : 'aucune'),
    },
    ...(v.canEdit
      ? [
          {
            header: 'Action',
            cell: (r: CatalogueView['rows'][number]) =>
              html`<a href="/indicateurs/${encodeURIComponent(r.indicator.key)}/cible?annee=${v.year}">Modifier la cible<span class="fr-sr-only"> de ${r.indicator.key}</span></a>`,
          },
        ]
      : []),
  ],
  v.rows,
  'Aucun indicateur : le périmètre ne contient aucun module.',
)}
${v.canEdit ? localIndicatorForm(v) : ''}`;
}

function localIndicatorForm(v: CatalogueView): SafeHtml {
  return html`<h2 class="fr-mt-4w">Ajouter un indicateur local</h2>
<p>Un indicateur propre à la préfecture, saisi chaque mois ou importé. Sa clé (LOC_…) est tirée du libellé.</p>
${errorSummary(v.error, v.fields)}
<form method="post" action="/indicateurs/locaux" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'label', label: 'Libellé', value: value(v.values, 'label'), error: v.fields?.label, required: true })}
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-4">${selectField({ name: 'unit', label: 'Unité', value: value(v.values, 'unit', 'count'), options: INDICATOR_UNITS.map((u) => ({ value: u, label: UNIT_LABELS[u] })), error: v.fields?.unit })}</div>
    <div class="fr-col-12 fr-col-md-4">${selectField({ name: 'direction', label: 'Sens', value: value(v.values, 'direction', 'higher_is_better'), options: DIRECTIONS.map((d) => ({ value: d, label: DIRECTION_LABELS[d] })), error: v.fields?.direction })}</div>
    <div class="fr-col-12 fr-col-md-4">${selectField({
      name: 'source',
      label: 'Source',
      value: value(v.values, 'source', 'manual'),
      options: [
        { value: 'manual', label: 'Saisie mensuelle' },
        { value: 'import', label: 'Import de fichier' },
      ],
      error: v.fields?.source,
    })}</div>
  </div>
  <button class="fr-btn" type="submit">Ajouter l’indicateur</button>
</form>`;
}

export interface TargetFormView extends FormState {
  indicator: CatalogueIndicator;
  year: number;
  current: (Target & { scope: string; label: string }) | null;
  action: string;
  csrfToken: string;
  scopeLabel: string;
  canClear: boolean;
}

export function targetFormView(v: TargetFormView): SafeHtml {
  const kind = value(v.values, 'kind', v.current?.kind ?? 'min');
  const number = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n).replace('.', ','));
  return html`<h1>Cible ${v.scopeLabel} ${v.year} — ${v.indicator.label}</h1>
<p>Cible actuelle : <strong>${v.current?.label ?? 'aucune'}</strong>${v.current ? ` (${v.current.scope === 'national' ? 'nationale' : 'locale'})` : ''}.
Unité : ${UNIT_LABELS[v.indicator.unit]} ; ${DIRECTION_LABELS[v.indicator.direction]}.</p>
<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">Minimum : atteinte quand la valeur est ≥ au minimum. Maximum : ≤ au maximum.
Fourchette (« 75 à 80 % ») : atteinte dès la borne basse quand plus haut est mieux, sous la borne haute sinon.
Nombre par an (« 4/an ») : atteinte quand le cumul depuis janvier atteint le nombre ; en cours d’année, « en bonne voie » ou « en retard ».</p></div>
${errorSummary(v.error, v.fields)}
<form method="post" action="${v.action}" novalidate>
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="annee" value="${String(v.year)}">
  <fieldset class="fr-fieldset${v.fields?.kind ? ' fr-fieldset--error' : ''}" id="champ-kind">
    <legend class="fr-fieldset__legend">Type de cible</legend>
    ${TARGET_KINDS.map(
      (k) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="cible-${k}" name="kind" value="${k}"${kind === k ? html` checked` : ''}>
      <label class="fr-label" for="cible-${k}">${TARGET_KIND_LABELS[k]}</label>
    </div></div>`,
    )}
  </fieldset>
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'low', label: 'Valeur basse', hint: 'Minimum, début de fourchette ou nombre par an', value: value(v.values, 'low', number(v.current?.low)), error: v.fields?.low })}</div>
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'high', label: 'Valeur haute', hint: 'Maximum ou fin de fourchette', value: value(v.values, 'high', number(v.current?.high)), error: v.fields?.high })}</div>
  </div>
  <button class="fr-btn" type="submit">Enregistrer la cible</button>
</form>
${v.canClear ? html`<form method="post" action="${v.action}/retirer" class="fr-mt-2w">${csrfField(v.csrfToken)}<input type="hidden" name="annee" value="${String(v.year)}"><button class="fr-btn fr-btn--tertiary" type="submit">Retirer la cible ${v.scopeLabel}</button></form>` : ''}`;
}

export function nationalTargetsView(v: { year: number; rows: CatalogueView['rows'] }): SafeHtml {
  return html`<h1>Cibles nationales ${v.year}</h1>
<p>Les cibles nationales s’appliquent à toutes les préfectures qui n’ont pas fixé de cible locale pour l’année.</p>
<form method="get" action="/national/cibles" class="fr-mb-3w vigie-inline-form">
  ${textField({ name: 'annee', label: 'Année', type: 'number', value: String(v.year) })}
  <button class="fr-btn fr-btn--secondary" type="submit">Afficher</button>
</form>
${table(
  `Cibles nationales ${v.year}`,
  [
    { header: 'Code', cell: (r) => r.indicator.code ?? r.indicator.key },
    { header: 'Indicateur', cell: (r) => r.indicator.label },
    { header: 'Module', cell: (r) => String(r.indicator.module ?? '') },
    { header: `Cible ${v.year}`, cell: (r) => r.target?.label ?? 'aucune' },
    {
      header: 'Action',
      cell: (r) =>
        html`<a href="/national/cibles/${encodeURIComponent(r.indicator.key)}?annee=${v.year}">Modifier<span class="fr-sr-only"> la cible de ${r.indicator.key}</span></a>`,
    },
  ],
  v.rows,
  'Référentiel non chargé.',
)}`;
}
