import { type HtmlValue, html } from '../../../ui/html.ts';
import type { CellWithStatus } from '../indicator.service.ts';
import type { IndicatorUnit } from '../indicator-catalogue.ts';
import type { Cell } from '../indicator-cell.ts';
import { formatNumber, unitSuffix, valueText } from '../indicator-number.ts';
import { TARGET_STATUS_LABELS, type TargetStatus } from '../target.ts';

/** Texte d'une case : « 89,5 % », « — » (sans objet), « n.d. » (non disponible) ; jamais 0 faute de données. */
export function cellText(cell: Pick<Cell, 'status' | 'value'> | null, unit: IndicatorUnit): string {
  if (!cell) return '';
  if (cell.status === 'not_applicable') return '—';
  if (cell.status === 'not_available' || cell.value === null) return 'n.d.';
  return valueText(cell.value, unit);
}

export const TARGET_CLASSES: Record<TargetStatus, string> = {
  met: 'vigie-target--met',
  not_met: 'vigie-target--not-met',
  on_track: 'vigie-target--on-track',
  behind: 'vigie-target--behind',
};

const TARGET_SYMBOLS: Record<TargetStatus, string> = { met: '✓', not_met: '✗', on_track: '↗', behind: '↘' };

/** Une case du tableau : valeur, marque « provisoire », statut face à la cible (couleur, symbole et texte). */
export function cellHtml(cell: CellWithStatus | null, unit: IndicatorUnit): HtmlValue {
  if (!cell) return '';
  if (cell.status === 'not_applicable') {
    const reason = `Sans objet${cell.note ? ` : ${cell.note}` : ''}`;
    return html`<span title="${reason}" aria-hidden="true">—</span><span class="fr-sr-only">${reason}</span>`;
  }
  if (cell.status === 'not_available') {
    return html`<span title="Non disponible : valeur non fournie" aria-hidden="true">n.d.</span><span class="fr-sr-only">non disponible</span>`;
  }
  const marks: HtmlValue[] = [];
  if (cell.provisional)
    marks.push(html`<span class="vigie-mark" title="Valeur provisoire">(p)</span><span class="fr-sr-only"> provisoire</span>`);
  if (cell.note)
    marks.push(html`<span class="vigie-mark" title="${cell.note}">*</span><span class="fr-sr-only"> (${cell.note})</span>`);
  if (cell.provenance === 'historic')
    marks.push(
      html`<span class="vigie-mark" title="Valeur historique saisie ou importée">(h)</span><span class="fr-sr-only"> historique</span>`,
    );
  const breakdown =
    cell.breakdown.length > 0
      ? html`<br><span class="fr-text--xs">${cell.breakdown.map((b, i) => html`${i > 0 ? ' ; ' : ''}${b.label} ${formatNumber(b.value)}`)}</span>`
      : '';
  const status = cell.target
    ? html` <span aria-hidden="true">${TARGET_SYMBOLS[cell.target]}</span><span class="fr-sr-only"> — ${TARGET_STATUS_LABELS[cell.target]}</span>`
    : '';
  return html`${cellText(cell, unit)}${marks}${status}${breakdown}`;
}

export function cellClass(cell: CellWithStatus | null): string {
  return cell?.target ? TARGET_CLASSES[cell.target] : '';
}

export const PROVENANCE_LABELS = {
  computed: 'calculée',
  imported: 'importée',
  typed: 'saisie',
  historic: 'historique',
} as const;

/**
 * Petite courbe des valeurs mensuelles (SVG, sans JavaScript) ; décrite en texte pour les lecteurs d'écran.
 */
export function sparkline(cells: (Cell | null)[], unit: IndicatorUnit, label: string): HtmlValue {
  const points = cells
    .map((c, i) => (c && c.status === 'measured' && c.value !== null ? { i, v: c.value } : null))
    .filter((p): p is { i: number; v: number } => p !== null);
  if (points.length === 0) return html`<p class="fr-text--sm">Pas encore de valeur mesurée.</p>`;
  const max = Math.max(...points.map((p) => p.v), 1);
  const min = Math.min(...points.map((p) => p.v), 0);
  const x = (i: number) => 4 + (i * 112) / Math.max(cells.length - 1, 1);
  const y = (v: number) => 36 - ((v - min) / (max - min || 1)) * 32;
  const path = points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const description = `${label} : ${points.map((p) => `mois ${p.i + 1} ${formatNumber(p.v)}${unitSuffix(unit)}`).join(', ')}`;
  return html`<svg class="vigie-sparkline" viewBox="0 0 120 40" width="120" height="40" role="img" aria-label="${description}">
  <polyline points="${path}" fill="none" stroke="currentColor" stroke-width="2"></polyline>
  ${points.map((p) => html`<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2" fill="currentColor"></circle>`)}
</svg>`;
}
