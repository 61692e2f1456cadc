import { badge, csrfField, errorSummary, table } from '../../../ui/components.ts';
import { formatDate, formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { originButton } from '../../actions/views/action-common.view.ts';
import {
  formatPercent,
  formatPointDifference,
  formatPValue,
  type ProportionComparison,
} from '../../surveys/survey-statistics.ts';
import { gridOf } from '../mystery-grid.ts';
import type { MysteryChannel } from '../mystery-plan.ts';
import { BLANK_FINDING_ROWS, type CampaignResults } from '../mystery-results.service.ts';
import {
  CHANNEL_TITLES,
  type ChannelResults,
  type CriterionResult,
  FINDING_KIND_LABELS,
  type Finding,
  formatRings,
  shareText,
} from '../mystery-results.ts';
import { campaignStatusLabel } from './mystery-grid.view.ts';

export interface ResultsPageView {
  results: CampaignResults;
  /** Jeton CSRF du référent (modification des points, actions) ; absent pour l'auditeur (lecture). */
  csrfToken: string | undefined;
  form?: { values: Record<string, unknown>; error: string; fields: Record<string, string> };
}

function comparisonText(c: ProportionComparison | null, previousName: string | undefined): HtmlValue {
  if (!c || !previousName) return '—';
  if (c.status === 'not_computable') {
    const previous = c.previous.rate === null ? 'sans objet' : formatPercent(c.previous.rate, 0);
    return html`${previousName} : ${previous}<br><span class="fr-text--xs">Non calculable${c.reason === 'no_variance' ? ' (mêmes réponses des deux côtés)' : ''}</span>`;
  }
  return html`${previousName} : ${formatPercent(c.previous.rate ?? 0, 0)}<br>${formatPointDifference(c.difference, 0)} ${
    c.significant
      ? badge('Significatif', c.difference >= 0 ? 'success' : 'error')
      : html`<span class="fr-text--xs">non significatif</span>`
  } <span class="fr-text--xs">(${formatPValue(c.pValue)})</span>`;
}

function criteriaTable(block: ChannelResults, previousName: string | undefined): SafeHtml {
  return table<CriterionResult>(
    `${CHANNEL_TITLES[block.channel].title} : part des contacts qui respectent chaque critère`,
    [
      { header: 'Critère', cell: (c) => c.criterion.label },
      {
        header: 'Conformes / évalués',
        cell: (c) =>
          html`${shareText(c.estimate)}${c.estimate.indicative ? html` <span class="fr-text--xs">indicatif</span>` : ''}`,
      },
      { header: 'n', cell: (c) => String(c.estimate.n) },
      { header: 'Sans objet', cell: (c) => String(c.tally.na) },
      { header: 'Campagne précédente', cell: (c) => comparisonText(c.comparison, previousName) },
    ],
    block.criteria,
    'Aucun critère.',
  );
}

function channelBlock(block: ChannelResults, previousName: string | undefined): SafeHtml {
  const titles = CHANNEL_TITLES[block.channel];
  const rings = block.rings;
  const mails = block.emails;
  return html`<h2 class="fr-mt-5w" id="canal-${block.channel}">${titles.title}</h2>
<p><strong>${block.done} grille${block.done > 1 ? 's' : ''} complète${block.done > 1 ? 's' : ''}</strong> sur ${block.planned} ${block.planned > 1 ? titles.plural : titles.singular} prévu${block.planned > 1 ? 's' : ''}.${previousName ? ` Comparaison avec la campagne « ${previousName} ».` : ' Pas de campagne close précédente pour ce canal.'}</p>
${
  block.done === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Aucune grille complète pour ce canal : les parts apparaîtront avec la première grille remplie.</p></div>`
    : html`${
        rings && rings.average !== null
          ? html`<ul>
  <li>Nombre moyen de sonneries avant le décroché : <strong>${formatRings(rings.average)}</strong> (n = ${rings.n}, au plus ${rings.max})</li>
  <li>Appels pris au-delà de 10 sonneries : ${rings.overAlert}</li>
  ${rings.byTarget.length > 1 ? rings.byTarget.map((t) => html`<li>${t.label} : ${formatRings(t.average)} sonneries en moyenne (n = ${t.n})</li>`) : ''}
</ul>`
          : ''
      }${
        mails && mails.n > 0
          ? html`<ul>
  <li>Réponses dans les 5 jours ouvrés : <strong>${mails.inTime}</strong></li>
  <li>Réponses hors délai : <strong>${mails.late}</strong>${mails.lateAfterReminders > 0 ? ` (dont ${mails.lateAfterReminders} après relance)` : ''}</li>
  <li>Messages sans réponse : <strong>${mails.never}</strong></li>
  ${mails.unmeasuredMissed > 0 ? html`<li>Hors délai ou sans réponse, sans mesure automatique : ${mails.unmeasuredMissed}</li>` : ''}
  <li>Relances envoyées : ${mails.reminders} (${mails.withReminders} courriel${mails.withReminders > 1 ? 's' : ''} relancé${mails.withReminders > 1 ? 's' : ''})</li>
</ul>`
          : ''
      }
${criteriaTable(block, previousName)}`
}`;
}

function findingList(
  items: Finding[],
  kind: 'strength' | 'vigilance',
  channel: MysteryChannel,
  v: ResultsPageView,
  canCreateAction: boolean,
): SafeHtml {
  const mine = items.filter((f) => f.kind === kind && f.channel === channel);
  const title = kind === 'strength' ? 'Points forts' : 'Points de vigilance';
  if (mine.length === 0) return html`<h4 class="fr-h6">${title}</h4><p>Aucun.</p>`;
  return html`<h4 class="fr-h6">${title}</h4>
<ul>${mine.map(
    (f) =>
      html`<li class="fr-mb-1w">${f.text}${
        kind === 'vigilance' && canCreateAction && f.criterionKey && v.csrfToken
          ? html` ${originButton({ csrfToken: v.csrfToken, kind: 'mystery_finding', ref: `${v.results.campaign.id}:${f.criterionKey}`, subject: f.text })}`
          : ''
      }</li>`,
  )}</ul>`;
}

function findingsBlock(v: ResultsPageView): SafeHtml {
  const { results } = v;
  const isAdmin = v.csrfToken !== undefined;
  const closed = results.campaign.status === 'closed';
  const saved = results.saved;
  const status = saved
    ? html`<p>${saved.origin === 'edited' ? 'Modifiés' : 'Régénérés'} par ${saved.savedByName} le ${formatDateTime(saved.savedAt)}.</p>`
    : html`<p>Générés à partir des résultats (au moins 90 % des contacts évalués : point fort ; en dessous : point de vigilance), pas encore enregistrés.</p>`;
  return html`<h2 class="fr-mt-5w" id="points">Points forts et points de vigilance</h2>
${status}
${isAdmin && !closed ? html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>Les actions du plan se créent depuis un point de vigilance une fois la campagne terminée : les agents lisent le plan d’actions et ne doivent pas apprendre qu’une campagne est en cours.</p></div>` : ''}
${results.channels.map(
  (channel) => html`<h3 class="fr-h5">${CHANNEL_TITLES[channel].title}</h3>
${findingList(results.findings, 'strength', channel, v, isAdmin && closed)}
${findingList(results.findings, 'vigilance', channel, v, isAdmin && closed)}`,
)}
${isAdmin ? findingsForm(v) : ''}`;
}

function value(values: Record<string, unknown> | undefined, name: string, fallback: string): string {
  const raw = values?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return typeof first === 'string' ? first : fallback;
}

function select(
  id: string,
  name: string,
  label: string,
  options: { value: string; label: string }[],
  selected: string,
  error: string | undefined,
): SafeHtml {
  return html`<div class="fr-select-group${error ? ' fr-select-group--error' : ''}">
  <label class="fr-label" for="${id}">${label}</label>
  <select class="fr-select" id="${id}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="${id}-erreur"` : ''}>
    ${options.map((o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`)}
  </select>
  ${error ? html`<p class="fr-error-text" id="${id}-erreur">${error}</p>` : ''}
</div>`;
}

/** Modification des points sans JavaScript : une ligne par point (vider le texte le retire), plus deux lignes vides pour en ajouter. */
function findingsForm(v: ResultsPageView): SafeHtml {
  const { results } = v;
  const values = v.form?.values;
  const fields = v.form?.fields ?? {};
  const base = values
    ? Math.max(0, Number.parseInt(value(values, 'count', '0'), 10) - BLANK_FINDING_ROWS)
    : results.findings.length;
  const count = base + BLANK_FINDING_ROWS;
  const channelOptions = results.channels.map((c) => ({ value: c, label: CHANNEL_TITLES[c].title }));
  const criterionOptions = [
    { value: '', label: 'Aucun critère' },
    ...results.channels.flatMap((c) =>
      gridOf(c).criteria.map((k) => ({ value: k.key, label: `${CHANNEL_TITLES[c].title} — ${k.label}` })),
    ),
  ];
  const kindOptions = (['strength', 'vigilance'] as const).map((k) => ({ value: k, label: FINDING_KIND_LABELS[k] }));
  const rows: SafeHtml[] = [];
  for (let i = 0; i < count; i++) {
    const f = results.findings[i];
    const blank = !values && !f;
    const defaultChannel = f?.channel ?? results.channels[0] ?? 'call';
    rows.push(html`<fieldset class="fr-fieldset fr-mb-2w" id="point-${i}" aria-labelledby="point-${i}-legende">
  <legend class="fr-fieldset__legend fr-text--md" id="point-${i}-legende">${blank ? `Nouveau point (${i + 1})` : `Point ${i + 1}`}</legend>
  <div class="fr-fieldset__element">${select(`champ-kind_${i}`, `kind_${i}`, 'Sorte', kindOptions, value(values, `kind_${i}`, f?.kind ?? 'vigilance'), fields[`kind_${i}`])}</div>
  <div class="fr-fieldset__element">${select(`champ-channel_${i}`, `channel_${i}`, 'Canal', channelOptions, value(values, `channel_${i}`, defaultChannel), fields[`channel_${i}`])}</div>
  <div class="fr-fieldset__element">${select(`champ-criterion_${i}`, `criterion_${i}`, 'Critère (pour créer une action)', criterionOptions, value(values, `criterion_${i}`, f?.criterionKey ?? ''), fields[`criterion_${i}`])}</div>
  <div class="fr-fieldset__element"><div class="fr-input-group${fields[`text_${i}`] ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="champ-text_${i}">Texte<span class="fr-hint-text">Videz le texte pour retirer ce point.</span></label>
    <input class="fr-input" type="text" id="champ-text_${i}" name="text_${i}" maxlength="600" value="${value(values, `text_${i}`, f?.text ?? '')}"${fields[`text_${i}`] ? html` aria-invalid="true" aria-describedby="champ-text_${i}-erreur"` : ''}>
    ${fields[`text_${i}`] ? html`<p class="fr-error-text" id="champ-text_${i}-erreur">${fields[`text_${i}`]}</p>` : ''}
  </div></div>
</fieldset>`);
  }
  const token = v.csrfToken ?? '';
  return html`<details class="fr-mt-5w"${v.form ? html` open` : ''}>
<summary class="fr-h5" id="modifier-points">Modifier les points</summary>
${errorSummary(v.form?.error, fields)}
<form method="post" action="/mystere/campagnes/${results.campaign.id}/resultats/points" novalidate>
  ${csrfField(token)}
  <input type="hidden" name="count" value="${count}">
  ${rows}
  <button class="fr-btn" type="submit">Enregistrer les points</button>
</form>
<form method="post" action="/mystere/campagnes/${results.campaign.id}/resultats/regenerer" class="fr-mt-3w">
  ${csrfField(token)}
  <button class="fr-btn fr-btn--secondary" type="submit">Régénérer depuis les résultats</button>
  <p class="fr-hint-text">Remplace les points enregistrés par ceux calculés à partir des grilles du moment.</p>
</form>
</details>`;
}

export function mysteryResultsView(v: ResultsPageView): SafeHtml {
  const { results } = v;
  const campaign = results.campaign;
  const anyDone = results.results.some((r) => r.done > 0);
  const isAdmin = v.csrfToken !== undefined;
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Résultats — ${campaign.name}</h1>
<p>Campagne ${campaignStatusLabel(campaign.status).toLocaleLowerCase('fr')}, du ${formatDate(campaign.window_from)} au ${formatDate(campaign.window_to)}. Part d’un critère = contacts conformes / contacts évalués ; « Sans objet » n’entre pas dans n. Moins de 30 contacts évalués : résultat indicatif.</p>
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-3w">
  <li><a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href="/mystere/campagnes/${campaign.id}/resultats.xlsx">Exporter (XLSX)</a></li>
  ${isAdmin ? html`<li><a class="fr-btn fr-btn--tertiary" href="/mystere/campagnes/${campaign.id}/grilles">Grilles de la campagne</a></li>` : ''}
</ul>
${
  anyDone
    ? html`${results.results.map((block) => channelBlock(block, results.previous[block.channel]))}
${findingsBlock(v)}`
    : html`<div class="fr-callout"><h2 class="fr-callout__title fr-h5">Aucune grille complète pour l’instant</h2><p class="fr-callout__text">Les résultats, les points forts et les points de vigilance apparaîtront dès qu’une grille sera remplie.${isAdmin ? ' Les enquêteurs remplissent leurs grilles depuis leur lien personnel ; vous pouvez aussi les saisir depuis la page des grilles.' : ''}</p></div>`
}
</div></div>`;
}
