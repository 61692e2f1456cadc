import { badge, pagination, table } from '../../../ui/components.ts';
import { formatDate, formatDateTime, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { originButton } from '../../actions/views/action-common.view.ts';
import { COLLECTION_MODE_LABELS, COLLECTION_MODES } from '../collection-mode.ts';
import { SURVEYED_CHANNEL_LABELS } from '../questionnaire.ts';
import type { CampaignResults, CriterionComparison, CriterionResult } from '../results.service.ts';
import type { CollectionMode } from '../survey.table.ts';
import {
  type ConfidenceInterval,
  type Distribution,
  formatPercent,
  formatPointDifference,
  formatPValue,
  formatRate,
  GLOBAL_RATE_LABELS,
  NOT_COMPUTABLE_LABELS,
  type ProportionEstimate,
} from '../survey-statistics.ts';

const NOT_APPLICABLE = 'Sans objet';

/** « 72,2 % – 87,5 % », ou « Sans objet ». */
export function intervalText(interval: ConfidenceInterval | null): string {
  return interval === null ? NOT_APPLICABLE : `${formatPercent(interval.lower)} – ${formatPercent(interval.upper)}`;
}

function indicativeBadge(estimate: ProportionEstimate): HtmlValue {
  return estimate.indicative ? html` ${badge('Indicatif', 'warning')}` : '';
}

/** La lecture en cours, réduite aux paramètres de la page (mode ou point, réponses signalées). */
export interface ResultsQuery {
  mode?: CollectionMode | undefined;
  point?: string | undefined;
  includeFlagged?: boolean | undefined;
}

export function resultsQueryString(q: ResultsQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (q.point) params.set('point', q.point);
  else if (q.mode) params.set('mode', q.mode);
  if (q.includeFlagged) params.set('signalees', '1');
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function comparisonText(comparison: CriterionComparison | null): HtmlValue {
  if (comparison === null) return '—';
  if (comparison.status === 'absent') return comparison.reason;
  const c = comparison.comparison;
  const before = `avant\u00a0: ${formatRate(c.previous)} (n\u00a0=\u00a0${formatInteger(c.previous.n)})`;
  if (c.status === 'not_computable')
    return html`${NOT_COMPUTABLE_LABELS[c.reason]}<br><span class="fr-text--xs">${before}</span>`;
  return html`${formatPointDifference(c.difference)} ${
    c.significant ? badge('Significatif', 'info') : badge('Non significatif', 'new')
  }<br><span class="fr-text--xs">${before}, ${formatPValue(c.pValue)}</span>`;
}

const BAR_HEIGHT = 22;
const BAR_GAP = 8;
const LABEL_WIDTH = 190;
const BAR_WIDTH = 300;

/**
 * Graphique en barres horizontales rendu en SVG côté serveur, sans JavaScript ni style en ligne (CSP) :
 * sa description (<title>) donne chaque valeur, et le tableau des comptes qui le suit en est le texte équivalent.
 */
export function barChart(title: string, distribution: Distribution): SafeHtml {
  const bars = distribution.bars;
  const height = bars.length * (BAR_HEIGHT + BAR_GAP);
  const width = LABEL_WIDTH + BAR_WIDTH + 90;
  const summary = bars.map((b) => `${b.label} : ${b.count}${b.share === null ? '' : ` (${formatPercent(b.share)})`}`).join(' ; ');
  return html`<svg class="vigie-bar-chart" role="img" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
  <title>${title} — ${summary}</title>
  ${bars.map((b, i) => {
    const y = i * (BAR_HEIGHT + BAR_GAP);
    const w = b.share === null ? 0 : Math.round(b.share * BAR_WIDTH * 10) / 10;
    return html`<text x="0" y="${y + 16}" font-size="13" fill="#161616">${b.label}</text>
  <rect x="${LABEL_WIDTH}" y="${y}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="#eeeeee"></rect>
  <rect x="${LABEL_WIDTH}" y="${y}" width="${w}" height="${BAR_HEIGHT}" fill="#000091"></rect>
  <text x="${LABEL_WIDTH + BAR_WIDTH + 6}" y="${y + 16}" font-size="13" fill="#161616">${b.share === null ? '—' : formatPercent(b.share)}</text>`;
  })}
</svg>`;
}

function countsTable(caption: string, distribution: Distribution): SafeHtml {
  const rows = [
    ...distribution.bars.map((b) => ({ label: b.label, count: b.count, share: b.share === null ? '—' : formatPercent(b.share) })),
    { label: 'Sans réponse', count: distribution.unanswered, share: '—' },
  ];
  return table(
    caption,
    [
      { header: 'Réponse', cell: (r) => r.label },
      { header: 'Nombre', cell: (r) => formatInteger(r.count) },
      { header: 'Part des répondants', cell: (r) => r.share },
    ],
    rows,
    'Aucune réponse.',
  );
}

function criteriaTable(v: CampaignResults, actionCsrfToken?: string): SafeHtml {
  // Le référent lance une action du plan depuis un critère, d'un clic (jeton du formulaire fourni).
  const actionColumn = actionCsrfToken
    ? [
        {
          header: 'Plan d’actions',
          cell: (c: CriterionResult) =>
            originButton({
              csrfToken: actionCsrfToken,
              kind: 'survey_criterion',
              ref: `${v.campaign.id}:${c.criterion.key}`,
              subject: `critère ${c.criterion.label}`,
            }),
        },
      ]
    : [];
  return table<CriterionResult>(
    'Taux de satisfaction par critère',
    [
      { header: 'Critère', cell: (c) => html`<a href="#critere-${c.question.key}">${c.criterion.label}</a>` },
      {
        header: 'Taux de satisfaction',
        cell: (c) => html`<strong>${formatRate(c.estimate)}</strong>${indicativeBadge(c.estimate)}`,
      },
      { header: 'n (réponses exprimées)', cell: (c) => formatInteger(c.estimate.n) },
      { header: 'Intervalle de confiance à 95 %', cell: (c) => intervalText(c.estimate.interval) },
      { header: 'Évolution', cell: (c) => comparisonText(c.comparison) },
      ...actionColumn,
    ],
    v.criteria,
    'Ce questionnaire ne mesure aucun critère.',
  );
}

function globalBlock(v: CampaignResults): SafeHtml {
  const pooled = v.global.pooled;
  const mean = v.global.meanOfCriterionRates;
  const previous = v.previous?.global.pooled;
  return html`<div class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
  <div class="fr-col-12 fr-col-md-6"><div class="fr-callout">
    <h3 class="fr-callout__title">${GLOBAL_RATE_LABELS.pooled}</h3>
    <p class="fr-callout__text"><strong>${formatRate(pooled)}</strong>${indicativeBadge(pooled)}<br>
    n = ${formatInteger(pooled.n)} réponses exprimées, intervalle à 95 % : ${intervalText(pooled.interval)}
    ${previous ? html`<br>Campagne précédente : ${formatRate(previous)} (n = ${formatInteger(previous.n)})` : ''}</p>
    <p class="fr-text--xs fr-mb-0">Un même répondant compte une fois par critère : n est un nombre de réponses, pas de personnes.</p>
  </div></div>
  <div class="fr-col-12 fr-col-md-6"><div class="fr-callout">
    <h3 class="fr-callout__title">${GLOBAL_RATE_LABELS.meanOfCriterionRates}</h3>
    <p class="fr-callout__text"><strong>${mean.value === null ? NOT_APPLICABLE : formatPercent(mean.value)}</strong><br>
    ${formatInteger(mean.criteriaMeasured)} critère${mean.criteriaMeasured > 1 ? 's' : ''} mesuré${mean.criteriaMeasured > 1 ? 's' : ''}${
      mean.criteriaNotApplicable > 0 ? `, ${mean.criteriaNotApplicable} sans objet (non comptés)` : ''
    }</p>
  </div></div>
</div>`;
}

function filterNav(v: CampaignResults, base: string): SafeHtml {
  const flagged = v.filter.includeFlagged;
  const modes = COLLECTION_MODES.filter((m) => v.points.some((p) => p.mode === m));
  const link = (label: string, q: ResultsQuery, current: boolean) =>
    html`<li><a class="fr-tag" href="${base}${resultsQueryString({ ...q, includeFlagged: flagged })}"${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  const all = v.filter.mode === null && v.filter.collectionPoint === null;
  return html`<nav class="fr-mb-2w" aria-label="Lire les résultats par mode de collecte ou par point de collecte">
  <p class="fr-mb-1w">Mode de collecte :</p>
  <ul class="fr-tags-group">
    ${link('Toutes les réponses', {}, all)}
    ${modes.map((m) => link(COLLECTION_MODE_LABELS[m], { mode: m }, v.filter.mode === m))}
  </ul>
  ${
    v.points.length > 1
      ? html`<p class="fr-mb-1w">Point de collecte :</p>
  <ul class="fr-tags-group">
    ${v.points.map((p) => link(`${p.label} (${COLLECTION_MODE_LABELS[p.mode]})`, { point: p.id }, v.filter.collectionPoint?.id === p.id))}
  </ul>`
      : ''
  }
</nav>`;
}

function flaggedNotice(v: CampaignResults, base: string): HtmlValue {
  if (v.flagged === 0) return '';
  const q: ResultsQuery = { mode: v.filter.mode ?? undefined, point: v.filter.collectionPoint?.id };
  const plural = v.flagged > 1;
  return html`<div class="fr-notice fr-notice--info fr-mb-3w"><div class="fr-container"><div class="fr-notice__body"><p class="fr-notice__title">
  ${
    v.filter.includeFlagged
      ? html`${formatInteger(v.flagged)} réponse${plural ? 's' : ''} signalée${plural ? 's' : ''} (trop rapide${plural ? 's' : ''}, débit anormal…) ${plural ? 'sont incluses' : 'est incluse'} dans ces résultats. <a href="${base}${resultsQueryString(q)}">Les exclure</a>`
      : html`${formatInteger(v.flagged)} réponse${plural ? 's' : ''} signalée${plural ? 's' : ''} (trop rapide${plural ? 's' : ''}, débit anormal…) ${plural ? 'sont exclues' : 'est exclue'} des taux. <a href="${base}${resultsQueryString({ ...q, includeFlagged: true })}">Les inclure</a>`
  }
</p></div></div></div>`;
}

function scopeText(v: CampaignResults): string {
  if (v.filter.collectionPoint) return `Point de collecte « ${v.filter.collectionPoint.label} »`;
  if (v.filter.mode) return `Mode de collecte : ${COLLECTION_MODE_LABELS[v.filter.mode]}`;
  return 'Tous les modes de collecte';
}

function comparisonIntro(v: CampaignResults): SafeHtml {
  if (!v.previous) return html`<p>Pas de campagne précédente pour ce canal enquêté : aucune évolution à calculer.</p>`;
  const p = v.previous.campaign;
  const scope = v.filter.mode
    ? `mêmes modes de collecte (${COLLECTION_MODE_LABELS[v.filter.mode]})`
    : v.filter.collectionPoint
      ? 'ensemble des réponses de la campagne précédente (un point de collecte n’existe que dans sa campagne)'
      : 'ensemble des réponses';
  return html`<p>Évolution par rapport à la campagne précédente du même canal, « ${p.name} » (${formatDate(p.starts_on)} – ${formatDate(p.ends_on)}, ${formatInteger(v.previous.responses)} réponses ; ${scope}). Une évolution est « significative » quand le test de comparaison de deux proportions donne p < 0,05.</p>`;
}

function criterionSection(c: CriterionResult): SafeHtml {
  const title = `${c.criterion.label} — répartition des réponses`;
  return html`<section class="fr-mb-4w" id="critere-${c.question.key}">
  <h3>${c.criterion.label}</h3>
  <p>${c.question.label}<br>Taux de satisfaction : <strong>${formatRate(c.estimate)}</strong>${indicativeBadge(c.estimate)}
  (n = ${formatInteger(c.estimate.n)}, intervalle à 95 % : ${intervalText(c.estimate.interval)})</p>
  <figure class="fr-my-2w">${barChart(title, c.distribution)}<figcaption class="fr-text--xs">Parts calculées sur ${formatInteger(c.distribution.respondents)} répondant${c.distribution.respondents > 1 ? 's' : ''} (« Sans avis » compris) ; détail dans le tableau suivant.</figcaption></figure>
  ${countsTable(`Répartition des réponses — ${c.criterion.label}`, c.distribution)}
</section>`;
}

function commentsSection(v: CampaignResults, base: string, q: ResultsQuery): HtmlValue {
  const comments = v.comments;
  if (!comments) return '';
  return html`<h2 class="fr-mt-4w">Commentaires (${formatInteger(comments.total)})</h2>
  <p class="fr-text--sm">Les adresses électroniques, numéros de téléphone et numéros d’étranger sont masqués avant l’affichage. Les thèmes sont des suggestions tirées de mots-clés.</p>
  ${
    comments.rows.length === 0
      ? html`<p>Aucun commentaire pour l’instant.</p>`
      : html`<ul class="fr-raw-list">${comments.rows.map(
          (c) => html`<li class="fr-mb-2w"><blockquote class="fr-mb-1w"><p class="vigie-pre">${c.text}</p></blockquote>
          <p class="fr-text--xs fr-mb-1w">${formatDateTime(c.answeredAt)} — ${c.collectionPointLabel} (${COLLECTION_MODE_LABELS[c.mode]})${c.flagged ? ' — réponse signalée' : ''}</p>
          ${
            c.themes.length > 0
              ? html`<ul class="fr-tags-group" aria-label="Thèmes suggérés">${c.themes.map((t) => html`<li><p class="fr-tag fr-tag--sm">${t.theme}</p></li>`)}</ul>`
              : ''
          }</li>`,
        )}</ul>`
  }
  ${pagination(comments.page, comments.pageCount, (page) => `${base}${resultsQueryString(q, { page: String(page) })}#commentaires`)}`;
}

export function resultsView(
  v: CampaignResults,
  options: { canExportResponses: boolean; actionCsrfToken?: string | undefined },
): SafeHtml {
  const base = `/enquetes/campagnes/${encodeURIComponent(v.campaign.id)}/resultats`;
  const q: ResultsQuery = {
    mode: v.filter.mode ?? undefined,
    point: v.filter.collectionPoint?.id,
    includeFlagged: v.filter.includeFlagged,
  };
  const exportQuery = resultsQueryString({ mode: q.mode, point: q.point });
  const c = v.campaign;
  return html`<h1>Résultats — ${c.name}</h1>
<ul class="fr-tags-group fr-mb-2w">
  <li><p class="fr-tag">Canal enquêté : ${SURVEYED_CHANNEL_LABELS[c.surveyed_channel]}</p></li>
  <li><p class="fr-tag">Du ${formatDate(c.starts_on)} au ${formatDate(c.ends_on)}</p></li>
  <li><p class="fr-tag">${v.questionnaire.title}</p></li>
</ul>
${filterNav(v, base)}
<p><strong>${scopeText(v)}</strong> : ${formatInteger(v.responses)} réponse${v.responses > 1 ? 's' : ''} retenue${v.responses > 1 ? 's' : ''}.</p>
${flaggedNotice(v, base)}
<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mb-3w">
  <li><a class="fr-btn fr-btn--secondary" href="${base}/export.csv${exportQuery}">Résultats (CSV)</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="${base}/export.xlsx${exportQuery}">Résultats (XLSX)</a></li>
  ${
    options.canExportResponses
      ? html`<li><a class="fr-btn fr-btn--tertiary" href="${base}/reponses.csv${exportQuery}">Réponses (CSV)</a></li>
  <li><a class="fr-btn fr-btn--tertiary" href="${base}/reponses.xlsx${exportQuery}">Réponses (XLSX)</a></li>`
      : ''
  }
</ul>
${
  v.responses === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Aucune réponse pour l’instant${v.filter.mode || v.filter.collectionPoint ? ' pour cette sélection' : ''}.</p></div>`
    : html`<h2>Taux global du canal</h2>
${globalBlock(v)}
<h2>Critères</h2>
<p class="fr-text--sm">Taux de satisfaction = (très satisfaisant + satisfaisant) / réponses exprimées (« Sans avis » et absence de réponse exclus) ; Oui / Non : Oui / (Oui + Non). « Indicatif » : moins de 30 réponses exprimées. « Sans objet » : aucune réponse exprimée.</p>
${comparisonIntro(v)}
${criteriaTable(v, options.actionCsrfToken)}
${v.criteria.map(criterionSection)}
${
  v.profiles.length > 0
    ? html`<h2>Profil des répondants</h2>
${v.profiles.map(
  (p) => html`<section class="fr-mb-4w"><h3>${p.question.label}</h3>
  <figure class="fr-my-2w">${barChart(p.question.label, p.distribution)}<figcaption class="fr-text--xs">${
    p.question.type === 'multiple_choice' ? 'Plusieurs réponses possibles : le total peut dépasser 100 %. ' : ''
  }Détail dans le tableau suivant.</figcaption></figure>
  ${countsTable(`Répartition des réponses — ${p.question.label}`, p.distribution)}</section>`,
)}`
    : ''
}
<div id="commentaires">${commentsSection(v, base, q)}</div>`
}`;
}
