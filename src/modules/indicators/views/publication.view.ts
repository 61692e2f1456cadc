import { csrfField, errorSummary, table, textField } from '../../../ui/components.ts';
import { formatDate, formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { actorDisplayName } from '../../accounts/viewer.ts';
import type { Publication } from '../publication.service.ts';
import { POSTER_TITLE, type PosterFigures } from '../transparency-poster.ts';
import { indicatorTable, type ModuleTitle } from './indicator-table.view.ts';

type FormState = { error?: string | undefined; fields?: Record<string, string>; values?: Record<string, unknown> };

function value(values: Record<string, unknown> | undefined, name: string, fallback: string): string {
  const v = values?.[name];
  return typeof v === 'string' ? v : fallback;
}

function describe(p: Publication): string {
  if (p.snapshot.kind === 'clu_deck') return `Support du CLU du ${formatDate(p.snapshot.deck.meeting.startsAt.slice(0, 10))}`;
  if (p.kind === 'clu_minutes') return 'Compte rendu du CLU';
  return p.kind === 'table'
    ? `Tableau ${p.periodKey}`
    : `Affiche ${p.snapshot.kind === 'poster' ? p.snapshot.figures.quarterLabel : p.periodKey}`;
}

/** Le support et le compte rendu du CLU se lisent sur la page de la réunion, pas sur la page publique des résultats. */
function publicationHref(p: Publication, slug: string): string {
  if (p.kind === 'clu_deck') return `/clu/reunions/${encodeURIComponent(p.periodKey)}/support`;
  if (p.kind === 'clu_minutes') return `/clu/reunions/${encodeURIComponent(p.periodKey)}/compte-rendu`;
  return `/o/${slug}/resultats/${p.id}`;
}

/** Les chiffres de l'affiche en HTML (page publique et aperçu) : mêmes valeurs que le PDF. */
export function posterFiguresHtml(figures: PosterFigures): SafeHtml {
  if (figures.items.length === 0) return html`<p>Aucun chiffre mesuré pour ce trimestre.</p>`;
  return html`<div class="fr-grid-row fr-grid-row--gutters">
${figures.items.map(
  (item) => html`<div class="fr-col-12 fr-col-md-6"><div class="fr-tile fr-tile--horizontal vigie-figure">
  <div class="fr-tile__body"><div class="fr-tile__content">
    <p class="vigie-figure__value">${item.text}</p>
    <p class="fr-tile__desc">${item.label}</p>
    ${item.detail ? html`<p class="fr-tile__detail">${item.detail}</p>` : ''}
  </div></div>
</div></div>`,
)}
</div>`;
}

export interface PublicationsView extends FormState {
  publications: Publication[];
  preview: PosterFigures | null;
  quarter: string;
  year: string;
  csrfToken: string;
  slug: string;
  canPublish: boolean;
}

export function publicationsView(v: PublicationsView): SafeHtml {
  return html`<h1>Publications et affiche « ${POSTER_TITLE} »</h1>
<p>Publier fige les chiffres du moment : une correction ultérieure change la valeur vivante, jamais ce qui a été publié.
Republier crée une nouvelle version ; la page publique <a href="/o/${v.slug}/resultats">/o/${v.slug}/resultats</a> montre la plus récente.</p>
${errorSummary(v.error, v.fields)}
<h2>Affiche du trimestre</h2>
<form method="get" action="/indicateurs/publications" class="vigie-inline-form fr-mb-2w">
  ${textField({ name: 'trimestre', label: 'Trimestre', hint: 'Par exemple 2026-Q3', value: v.quarter, error: v.fields?.trimestre })}
  <button class="fr-btn fr-btn--secondary" type="submit">Voir l’aperçu</button>
</form>
${
  v.preview
    ? html`<h3 class="fr-h5">Aperçu : ${v.preview.quarterLabel} (chiffres vivants)</h3>
${posterFiguresHtml(v.preview)}
<ul class="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
  <li><a class="fr-btn fr-btn--secondary" href="/indicateurs/affiche.pdf?trimestre=${v.preview.quarter}">Aperçu PDF A4</a></li>
  ${
    v.canPublish
      ? html`<li><form method="post" action="/indicateurs/publications/affiche">${csrfField(v.csrfToken)}<input type="hidden" name="trimestre" value="${v.preview.quarter}"><button class="fr-btn" type="submit">Publier l’affiche du ${v.preview.quarterLabel}</button></form></li>`
      : ''
  }
</ul>`
    : ''
}
${
  v.canPublish
    ? html`<h2 class="fr-mt-4w">Tableau de l’année</h2>
<form method="post" action="/indicateurs/publications/tableau" class="vigie-inline-form">
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'annee', label: 'Année', type: 'number', value: value(v.values, 'annee', v.year), error: v.fields?._ ?? v.fields?.annee })}
  <button class="fr-btn" type="submit">Publier le tableau</button>
</form>`
    : ''
}
<h2 class="fr-mt-4w">Historique des publications</h2>
${table(
  'Publications, de la plus récente à la plus ancienne',
  [
    { header: 'Publication', cell: (p) => html`<a href="${publicationHref(p, v.slug)}">${describe(p)}</a>` },
    { header: 'Version', cell: (p) => String(p.version) },
    { header: 'Publiée le', cell: (p) => formatDateTime(p.publishedAt) },
    { header: 'Par', cell: (p) => (p.publishedBy ? actorDisplayName(p.publishedBy) : '') },
    {
      header: 'Document',
      cell: (p): HtmlValue =>
        p.kind === 'poster'
          ? html`<a href="/o/${v.slug}/resultats/${p.id}/affiche.pdf">PDF A4<span class="fr-sr-only"> de la version ${p.version}</span></a> · <a href="/o/${v.slug}/resultats/${p.id}/affiche.pdf?format=A3">A3<span class="fr-sr-only"> de la version ${p.version}</span></a>`
          : '—',
    },
  ],
  v.publications,
  'Rien n’a encore été publié.',
)}`;
}

export interface PublicResultsView {
  organisationName: string;
  slug: string;
  shown: Publication | null;
  poster: Publication | null;
  table: Publication | null;
  history: Publication[];
  modules: ModuleTitle[];
}

function posterSection(p: Publication, slug: string): HtmlValue {
  if (p.snapshot.kind !== 'poster') return '';
  const figures = p.snapshot.figures;
  return html`<h2>${POSTER_TITLE} — ${figures.quarterLabel}</h2>
${posterFiguresHtml(figures)}
<p class="fr-text--sm fr-mt-2w">Chiffres arrêtés au ${figures.asOf}, publiés le ${formatDateTime(p.publishedAt)} (version ${p.version}).
<a href="/o/${slug}/resultats/${p.id}/affiche.pdf">Télécharger l’affiche (PDF)</a></p>`;
}

function tableSection(p: Publication, modules: ModuleTitle[]): HtmlValue {
  if (p.snapshot.kind !== 'table') return '';
  return html`<h2>Tableau des indicateurs ${p.periodKey}</h2>
<p class="fr-text--sm">Publié le ${formatDateTime(p.publishedAt)} (version ${p.version}). « — » : sans objet ; « n.d. » : non disponible ; « (p) » : provisoire.</p>
${indicatorTable({ table: p.snapshot.table, modules, layout: 'quarters', links: false })}`;
}

export function publicResultsView(v: PublicResultsView): SafeHtml {
  const sections = v.shown
    ? [v.shown.kind === 'poster' ? posterSection(v.shown, v.slug) : tableSection(v.shown, v.modules)]
    : [v.poster ? posterSection(v.poster, v.slug) : '', v.table ? tableSection(v.table, v.modules) : ''];
  return html`<h1>Nos résultats — ${v.organisationName}</h1>
<p>La préfecture publie les résultats de ses engagements de qualité de service (démarche Qual-e-pref).</p>
<p><a class="fr-link" href="/o/${v.slug}/comite-des-usagers">Comptes rendus du comité local des usagers</a></p>
${v.poster || v.table || v.shown ? sections : html`<div class="fr-callout"><p class="fr-callout__text">Aucun résultat n’a encore été publié.</p></div>`}
${
  v.history.length > 1
    ? html`<h2 class="fr-mt-4w">Publications précédentes</h2>
<ul>${v.history.map((p) => html`<li><a href="/o/${v.slug}/resultats/${p.id}">${describe(p)}, version ${p.version}</a> — ${formatDateTime(p.publishedAt)}</li>`)}</ul>`
    : ''
}`;
}
