import { badge, errorSummary, table, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { IndicatorValue } from '../case.service.ts';
import { CHANNEL_LABELS, KIND_LABELS } from '../vocabulary.ts';

const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** « 12,5 % », « 3,2 j ouvrés », ou « Sans objet » : jamais « 0 % » quand il n'y a rien à mesurer. */
export function formatIndicatorValue(v: Pick<IndicatorValue, 'status' | 'value' | 'unit'>): string {
  if (v.status === 'not_applicable') return 'Sans objet';
  if (v.status === 'not_available' || v.value === null) return 'Non disponible';
  return v.unit === 'percent' ? `${number.format(v.value)}\u00a0%` : `${number.format(v.value)}\u00a0j ouvrés`;
}

const STATUS_TEXT = { measured: 'Mesuré', not_applicable: 'Sans objet', not_available: 'Non disponible' } as const;

export interface IndicatorsView {
  values: IndicatorValue[];
  period: string;
  periodLabel: string | null;
  asOf: string;
  error?: string | undefined;
  fields?: Record<string, string>;
}

function params(period: string, asOf: string): string {
  return `period=${encodeURIComponent(period)}&asOf=${encodeURIComponent(asOf)}`;
}

function drillLink(v: IndicatorValue, period: string, asOf: string): HtmlValue {
  const href = `/registre/indicateurs/${encodeURIComponent(v.key)}?${params(period, asOf)}`;
  const late = v.cases.missed.length;
  const all = v.cases.met.length + v.cases.missed.length + v.cases.pending.length;
  if (v.unit === 'percent' && late > 0)
    return html`<a href="${href}">${late > 1 ? `voir les ${late} dossiers en retard` : 'voir le dossier en retard'}<span class="fr-sr-only"> (${v.key})</span></a>`;
  if (all > 0)
    return html`<a href="${href}">voir les ${all} dossier${all > 1 ? 's' : ''}<span class="fr-sr-only"> (${v.key})</span></a>`;
  return '—';
}

function periodForm(v: { period: string; asOf: string; fields?: Record<string, string> | undefined }, action: string): SafeHtml {
  return html`<form method="get" action="${action}" class="fr-mb-3w">
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'period', label: 'Période', hint: 'Mois 2026-03, trimestre 2026-Q1 ou année 2026', value: v.period, error: v.fields?.period })}</div>
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'asOf', label: 'Date d’arrêté', type: 'date', value: v.asOf, error: v.fields?.asOf })}</div>
  </div>
  <button class="fr-btn" type="submit">Calculer</button>
</form>`;
}

export function indicatorsView(v: IndicatorsView): SafeHtml {
  return html`<h1>Indicateurs du registre</h1>
<p>Calculés depuis le registre : population = dossiers reçus dans la période ; une réponse postérieure à la date d’arrêté est ignorée ; les dossiers sans réponse pas encore échus sont « en attente » et exclus du taux.</p>
${errorSummary(v.error, v.fields)}
${periodForm(v, '/registre/indicateurs')}
${
  v.periodLabel
    ? html`<h2>Période : ${v.periodLabel}, arrêté au ${formatDate(v.asOf)}</h2>
${table<IndicatorValue>(
  `Indicateurs du registre — ${v.periodLabel}`,
  [
    { header: 'Indicateur', cell: (i) => html`<strong>${i.key}</strong><br>${i.label}` },
    {
      header: 'Valeur',
      cell: (i) => html`${formatIndicatorValue(i)}${i.provisional ? html` ${badge('provisoire', 'new')}` : ''}`,
    },
    {
      header: 'n',
      cell: (i) =>
        i.unit === 'percent'
          ? `${i.numerator} / ${i.denominator}`
          : `${i.numerator} j / ${i.denominator} réponse${i.denominator > 1 ? 's' : ''}`,
    },
    { header: 'Statut', cell: (i) => STATUS_TEXT[i.status] },
    { header: 'Dossiers', cell: (i) => drillLink(i, v.period, v.asOf) },
  ],
  v.values,
  'Aucun indicateur du registre dans le périmètre.',
)}`
    : ''
}`;
}

export interface DrillRow {
  id: string;
  reference: string;
  kind: keyof typeof KIND_LABELS;
  channel: keyof typeof CHANNEL_LABELS;
  received_local_date: string;
  answered_local_date: string | null;
}

export interface IndicatorCasesView {
  indicator: IndicatorValue;
  periodLabel: string;
  period: string;
  asOf: string;
  missed: DrillRow[];
  pending: DrillRow[];
  met: DrillRow[];
  /** Les membres du CLU voient la liste sans accès aux fiches. */
  linkToCases: boolean;
}

export function indicatorCasesView(v: IndicatorCasesView): SafeHtml {
  const i = v.indicator;
  const columns = [
    {
      header: 'Référence',
      cell: (r: DrillRow) => (v.linkToCases ? html`<a href="/registre/${r.id}">${r.reference}</a>` : r.reference),
    },
    { header: 'Nature', cell: (r: DrillRow) => KIND_LABELS[r.kind] },
    { header: 'Canal', cell: (r: DrillRow) => CHANNEL_LABELS[r.channel] },
    { header: 'Reçu le', cell: (r: DrillRow) => formatDate(r.received_local_date) },
    { header: 'Réponse le', cell: (r: DrillRow) => (r.answered_local_date ? formatDate(r.answered_local_date) : '—') },
  ];
  const section = (title: string, rows: DrillRow[], empty: string) =>
    html`<h2 class="fr-mt-4w">${title} (${rows.length})</h2>${table(`${title} — ${i.key}`, columns, rows, empty)}`;
  return html`<h1>${i.key} — ${i.label}</h1>
<p>Période : ${v.periodLabel}, arrêté au ${formatDate(v.asOf)}. Valeur : <strong>${formatIndicatorValue(i)}</strong>${i.provisional ? html` ${badge('provisoire', 'new')}` : ''} (${i.numerator} / ${i.denominator}).</p>
${section(i.unit === 'percent' ? 'Dossiers en retard' : 'Dossiers au-delà du délai', v.missed, 'Aucun dossier en retard.')}
${section('Dossiers en attente (pas encore échus)', v.pending, 'Aucun dossier en attente.')}
${section('Dossiers dans le délai', v.met, 'Aucun dossier dans le délai.')}
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/registre/indicateurs?${params(v.period, v.asOf)}">Retour aux indicateurs</a></p>`;
}
