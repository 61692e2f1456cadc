import { csrfField, table } from '../../../ui/components.ts';
import { formatDate, formatDateTime } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { actorDisplayName } from '../../accounts/viewer.ts';
import type { DeckJobProgress } from '../clu-deck.job.ts';
import { DECK_STEPS, type DeckVersion } from '../clu-deck.service.ts';
import { meetingTitle } from './clu-common.view.ts';

export interface DeckPageView {
  meetingId: string;
  startsAt: string;
  periodFrom: string;
  periodTo: string;
  versions: DeckVersion[];
  canGenerate: boolean;
  pdfAvailable: boolean;
  csrfToken: string;
}

function downloads(meetingId: string, v: DeckVersion, pdf: boolean): SafeHtml {
  const query = `?version=${v.version}`;
  return html`<a class="fr-link fr-icon-download-line fr-link--icon-left" href="/clu/reunions/${meetingId}/support.pptx${query}">PowerPoint<span class="fr-sr-only"> de la version ${String(v.version)}</span></a>${
    pdf
      ? html` <a class="fr-link fr-icon-download-line fr-link--icon-left fr-ml-2w" href="/clu/reunions/${meetingId}/support.pdf${query}">PDF<span class="fr-sr-only"> de la version ${String(v.version)}</span></a>`
      : ''
  }`;
}

const CHAPTERS = [
  'page de titre avec le bloc-marque de la préfecture, la ville et la date, puis l’ordre du jour de la réunion ;',
  'la démarche Qual-e-pref : modules du périmètre et leurs engagements ;',
  'une diapositive par canal enquêté : graphique des taux de satisfaction par critère (avec n) et tableau taux, n, intervalle à 95 %, « indicatif » ;',
  'les enquêtes mystère (section fournie par leur module ; « aucune donnée » sinon) ;',
  'le tableau des indicateurs face aux cibles, tel que le calcule le module des indicateurs ;',
  'les réclamations et suggestions : par canal, par thème, suites données ;',
  'les modèles soumis pour avis, un par diapositive, avec l’avis recueilli ;',
  'le plan d’actions : réalisées, en cours, nouvelles, et « N actions mises en place » par origine ;',
  'le suivi des propositions du comité précédent, puis « Questions » et « Merci pour votre participation ».',
];

/** Page « Support de présentation » d'une réunion : génération (référent), versions figées et téléchargements. */
export function deckPageView(v: DeckPageView): SafeHtml {
  const latest = v.versions[0];
  return html`<h1>Support de présentation</h1>
<p class="fr-text--lead">${meetingTitle(v.startsAt)} — période du ${formatDate(v.periodFrom)} au ${formatDate(v.periodTo)}.</p>
<p>Le support (PowerPoint 16:9, modifiable dans PowerPoint ou LibreOffice Impress) est construit à partir des données de Vigie.
Générer le support <strong>fige ses chiffres</strong> : le télécharger à nouveau redonne toujours les mêmes chiffres, même après une correction.
Pour intégrer des corrections, générez une nouvelle version ; les précédentes restent téléchargeables.</p>
${
  latest
    ? html`<div class="fr-callout fr-mb-3w">
  <h2 class="fr-callout__title fr-h5">Dernière version : ${String(latest.version)}</h2>
  <p class="fr-callout__text">Générée le ${formatDateTime(latest.publishedAt)}${latest.publishedBy ? ` par ${actorDisplayName(latest.publishedBy)}` : ''}.</p>
</div>
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-3w">
  <li><a class="fr-btn" href="/clu/reunions/${v.meetingId}/support.pptx">Télécharger le support (PowerPoint)</a></li>
  ${v.pdfAvailable ? html`<li><a class="fr-btn fr-btn--secondary" href="/clu/reunions/${v.meetingId}/support.pdf">Télécharger en PDF</a></li>` : ''}
</ul>`
    : html`<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">Le support de cette réunion n’a pas encore été généré.</p></div>`
}
${
  v.pdfAvailable
    ? ''
    : html`<p class="fr-text--sm">Le téléchargement en PDF n’est pas proposé : LibreOffice n’est pas installé sur ce serveur (voir la documentation d’exploitation, <code>VIGIE_SOFFICE</code>).</p>`
}
${
  v.canGenerate
    ? html`<form method="post" action="/clu/reunions/${v.meetingId}/support" class="fr-mb-4w">
  ${csrfField(v.csrfToken)}
  <button class="fr-btn" type="submit">${latest ? 'Générer une nouvelle version du support' : 'Générer le support'}</button>
  <p class="fr-hint-text fr-mt-1w">La génération lit les enquêtes, les indicateurs, le registre et le plan d’actions ; elle prend quelques secondes.</p>
</form>`
    : ''
}
<h2>Versions</h2>
${table(
  'Versions du support, de la plus récente à la plus ancienne',
  [
    { header: 'Version', cell: (r) => String(r.version) },
    { header: 'Générée le', cell: (r) => formatDateTime(r.publishedAt) },
    { header: 'Par', cell: (r) => (r.publishedBy ? actorDisplayName(r.publishedBy) : '') },
    { header: 'Téléchargement', cell: (r) => downloads(v.meetingId, r, v.pdfAvailable) },
  ],
  v.versions,
  'Aucune version pour l’instant.',
)}
<h2 class="fr-mt-4w">Contenu du support</h2>
<p>Les chapitres suivent l’ordre du jour de la réunion ; un chapitre sans données garde sa diapositive avec « Aucune donnée pour la période ».</p>
<ul>${CHAPTERS.map((c) => html`<li>${c}</li>`)}</ul>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/clu/reunions/${v.meetingId}">Retour à la réunion</a></p>`;
}

export interface DeckProgressView {
  meetingId: string;
  startsAt: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: DeckJobProgress | null;
  /** Adresse de cette page (actualisation manuelle). */
  pageUrl: string;
  /** Intervalle de la mise à jour automatique, ou `null` quand la personne l'a arrêtée. */
  refreshSeconds: number | null;
}

/** Suivi de la génération : la page se recharge seule (sans JavaScript) tant que la tâche n'est pas finie. */
export function deckProgressView(v: DeckProgressView): SafeHtml {
  const back = html`<p class="fr-mt-3w"><a class="fr-btn fr-btn--secondary" href="/clu/reunions/${v.meetingId}/support">Retour au support de présentation</a></p>`;
  if (v.progress?.error || v.status === 'failed') {
    return html`<h1>Génération du support interrompue</h1>
<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">Le support du ${formatDate(v.startsAt.slice(0, 10))} n’a pas pu être généré</h2>
  <p>${v.progress?.error?.message ?? 'Une erreur est survenue pendant la génération : aucune version n’a été créée. Réessayez ; si le problème persiste, l’équipe technique le retrouvera dans les journaux.'}</p>
</div>${back}`;
  }
  const total = v.progress?.total ?? DECK_STEPS.length;
  const done = v.progress?.done ?? 0;
  const current = DECK_STEPS.find((s) => s.key === v.progress?.step);
  return html`<h1>Génération du support en cours</h1>
<p>${meetingTitle(v.startsAt)}. ${v.status === 'queued' ? 'La génération va commencer.' : 'Les chiffres sont en cours de lecture.'}
Vous pouvez quitter cette page, la génération continue.</p>
${
  v.refreshSeconds
    ? html`<p>Cette page se met à jour toutes les ${String(v.refreshSeconds)} secondes. <a href="${v.pageUrl}?auto=0">Arrêter la mise à jour automatique</a></p>`
    : html`<ul class="fr-btns-group fr-btns-group--inline-md"><li><a class="fr-btn" href="${v.pageUrl}?auto=0">Actualiser</a></li><li><a class="fr-btn fr-btn--tertiary" href="${v.pageUrl}">Reprendre la mise à jour automatique</a></li></ul>`
}
<div class="fr-mb-3w">
  <label class="fr-label" for="progression-support">Progression de la génération</label>
  <progress id="progression-support" max="${String(total)}" value="${String(done)}">${String(done)} / ${String(total)}</progress>
  <p role="status">Étape ${String(Math.min(done + 1, total))} sur ${String(total)}${current ? ` : ${current.label}` : ''}</p>
</div>
<ol>${DECK_STEPS.map((s, i) => html`<li>${s.label}${i < done ? ' — terminé' : i === done && v.status === 'running' ? ' — en cours' : ''}</li>`)}</ol>
${back}`;
}
