import { badge, csrfField, errorSummary, table } from '../../../ui/components.ts';
import { formatDate, formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { GridContactRow } from '../mystery-grid.repository.ts';
import type { GridPageData } from '../mystery-grid.service.ts';
import {
  criterionAnswer,
  GRID_ANSWER_LABELS,
  GRID_ANSWERS,
  type GridAnswer,
  type GridCriterion,
  gridFieldName,
  measuredExplanation,
  NOTES_MAX_LENGTH,
} from '../mystery-grid.ts';
import { HALF_DAY_LABELS, type HalfDay } from '../mystery-plan.ts';

/** Pages des grilles : formulaire d'une grille (référent et enquêteur), liste des grilles, liens des enquêteurs. */

const CHANNEL_LABEL: Record<string, string> = { call: 'Appel', email: 'Courriel' };

export const CONTACT_STATUS_LABELS: Record<string, string> = {
  planned: 'À faire',
  sent: 'Courriel envoyé',
  done: 'Grille complète',
  cancelled: 'Annulé',
};

const CAMPAIGN_STATUS_LABELS: Record<string, string> = { draft: 'En préparation', confirmed: 'Confirmée', closed: 'Terminée' };

export function campaignStatusLabel(status: string): string {
  return CAMPAIGN_STATUS_LABELS[status] ?? status;
}

export function contactStatusBadge(status: string): SafeHtml {
  const kind = status === 'done' ? 'success' : status === 'cancelled' ? 'warning' : status === 'sent' ? 'info' : 'new';
  return badge(CONTACT_STATUS_LABELS[status] ?? status, kind);
}

const weekday = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' });

/** « lundi 2 mars 2026, matin » */
export function slotText(date: string, halfDay: string): string {
  const day = weekday.format(new Date(`${date}T00:00:00Z`));
  return `${day} ${formatDate(date)}, ${HALF_DAY_LABELS[halfDay as HalfDay] ?? halfDay}`;
}

function answerText(value: GridAnswer | undefined): string {
  return value ? GRID_ANSWER_LABELS[value] : 'Pas encore de réponse';
}

/** Le contact : quand, qui appeler ou à qui écrire, le scénario à lire ou envoyé. */
function contactSummary(contact: GridContactRow, showEvaluator: boolean): SafeHtml {
  const isEmail = contact.channel === 'email';
  return html`<div class="fr-callout fr-mb-3w">
  <h2 class="fr-callout__title fr-h5">${CHANNEL_LABEL[contact.channel] ?? contact.channel} n° ${contact.rank} — ${slotText(contact.date, contact.half_day)}</h2>
  <ul class="fr-callout__text fr-text--md">
    <li>${isEmail ? 'Destinataire' : 'Cible'} : <strong>${contact.target_label}</strong>${contact.target_address ? html` (${contact.target_address})` : ''}</li>
    ${showEvaluator ? html`<li>Enquêteur : ${contact.evaluator_label ?? 'non attribué'}</li>` : ''}
    ${isEmail && contact.sent_at ? html`<li>Envoyé par Vigie le ${formatDateTime(contact.sent_at)}</li>` : ''}
    <li>État : ${contactStatusBadge(contact.status)}</li>
  </ul>
  ${
    contact.scenario_label
      ? html`<h3 class="fr-h6 fr-mt-2w fr-mb-1w">Scénario : ${contact.scenario_label}</h3>
  ${contact.scenario_subject ? html`<p class="fr-mb-1w">Objet : <strong>${contact.scenario_subject}</strong></p>` : ''}
  <p class="vigie-pre">${contact.scenario_body ?? ''}</p>
  ${isEmail ? html`<p class="fr-text--sm">Ce courriel part de la boîte mystère à sa demi-journée : vous n’avez rien à envoyer.</p>` : html`<p class="fr-text--sm">Lisez la trame avant l’appel et comportez-vous comme un usager.</p>`}`
      : html`<p>Aucun scénario attribué.</p>`
  }
</div>`;
}

function radioGroup(criterion: GridCriterion, selected: string | undefined, error: string | undefined): SafeHtml {
  const name = gridFieldName(criterion.key);
  const id = `champ-${name}`;
  const options = GRID_ANSWERS.filter((a) => a !== 'na' || criterion.notApplicable);
  const hints = [criterion.hint].filter((h): h is string => Boolean(h));
  return html`<fieldset class="fr-fieldset${error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${error ? ` ${id}-erreur` : ''}">
  <legend class="fr-fieldset__legend" id="${id}-legende">${criterion.question} <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span>${hints.map((h) => html`<span class="fr-hint-text">${h}</span>`)}</legend>
  ${options.map((option) => {
    const optionId = `${id}-${option}`;
    return html`<div class="fr-fieldset__element"><div class="fr-radio-group">
    <input type="radio" id="${optionId}" name="${name}" value="${option}"${selected === option ? html` checked` : ''}>
    <label class="fr-label" for="${optionId}">${GRID_ANSWER_LABELS[option]}${option === 'na' && criterion.notApplicable ? html`<span class="fr-hint-text">${criterion.notApplicable}</span>` : ''}</label>
  </div></div>`;
  })}
  ${error ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${error}</p></div>` : ''}
</fieldset>`;
}

/** Une réponse que l'enquêteur ne saisit pas : mesurée par Vigie (avec son explication) ou déduite. */
function readOnlyAnswer(data: GridPageData, criterion: GridCriterion, value: GridAnswer | undefined): SafeHtml {
  const explanation = criterion.source === 'measured' ? measuredExplanation(criterion.key, data.measured) : criterion.hint;
  const origin =
    criterion.source === 'measured' ? (value ? 'Mesuré par Vigie' : 'Mesure en attente') : 'Déduit du nombre de sonneries';
  return html`<div class="fr-mb-3w">
  <p class="fr-mb-0"><strong>${criterion.question}</strong></p>
  <p class="fr-mb-0">${badge(origin, value ? 'info' : 'new')} <strong>${answerText(value)}</strong>${explanation && criterion.source === 'measured' ? html` — ${explanation}` : ''}</p>
</div>`;
}

export interface GridFormView {
  data: GridPageData;
  action: string;
  csrfToken: string;
  showEvaluator: boolean;
  backHref: string;
  backLabel: string;
  values?: Record<string, unknown>;
  error?: string;
  fields?: Record<string, string>;
}

function formValue(values: Record<string, unknown> | undefined, key: string): string | undefined {
  const raw = values?.[gridFieldName(key)];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return typeof first === 'string' ? first : undefined;
}

/** Formulaire d'une grille : une colonne, gros boutons radio, sans JavaScript ; la saisie est gardée après une erreur. */
export function gridFormView(v: GridFormView): SafeHtml {
  const { data } = v;
  const fields = v.fields ?? {};
  const grid = data.grid;
  const answers = data.answers;
  const measure = grid.measure;
  const ringsValue = formValue(v.values, 'rings') ?? (typeof answers.rings === 'number' ? String(answers.rings) : '');
  const notesValue = v.values ? (typeof v.values.notes === 'string' ? v.values.notes : '') : (data.contact.notes ?? '');
  const measureId = measure ? `champ-${gridFieldName(measure.key)}` : '';
  const measureError = measure ? fields[gridFieldName(measure.key)] : undefined;

  const body: HtmlValue = data.readOnlyReason
    ? html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>${data.readOnlyReason}</p></div>
${gridAnswersTable(data)}`
    : html`${errorSummary(v.error, fields)}
${
  data.pending.length > 0
    ? html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>Mesures encore attendues : ${data.pending.map((c) => c.label).join(', ')}. La grille sera complète dès qu’elles seront connues.</p></div>`
    : ''
}
<form method="post" action="${v.action}" novalidate>
  ${csrfField(v.csrfToken)}
  ${
    measure
      ? html`<div class="fr-input-group${measureError ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="${measureId}">${measure.label} <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span><span class="fr-hint-text" id="${measureId}-aide">${measure.hint}</span></label>
    <input class="fr-input${measureError ? ' fr-input--error' : ''}" type="number" inputmode="numeric" min="${measure.min}" max="${measure.max}" step="1" id="${measureId}" name="${gridFieldName(measure.key)}" value="${ringsValue}"${measureError ? html` aria-invalid="true"` : ''} aria-describedby="${measureId}-aide${measureError ? ` ${measureId}-erreur` : ''}">
    ${measureError ? html`<p class="fr-error-text" id="${measureId}-erreur">${measureError}</p>` : ''}
  </div>`
      : ''
  }
  ${grid.criteria.map((criterion) => {
    if (criterion.source === 'derived' || (criterion.source === 'measured' && data.measuredLocked)) {
      return readOnlyAnswer(data, criterion, criterionAnswer(answers, criterion.key));
    }
    const selected = v.values ? formValue(v.values, criterion.key) : criterionAnswer(answers, criterion.key);
    return radioGroup(criterion, selected, fields[gridFieldName(criterion.key)]);
  })}
  <div class="fr-input-group${fields.notes ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="champ-notes">Notes (facultatif)<span class="fr-hint-text" id="champ-notes-aide">Ce qui explique vos réponses : ${NOTES_MAX_LENGTH.toLocaleString('fr-FR')} caractères au plus. N’y inscrivez le nom d’aucun agent.</span></label>
    <textarea class="fr-input${fields.notes ? ' fr-input--error' : ''}" id="champ-notes" name="notes" rows="4" maxlength="${NOTES_MAX_LENGTH}" aria-describedby="champ-notes-aide${fields.notes ? ' champ-notes-erreur' : ''}"${fields.notes ? html` aria-invalid="true"` : ''}>${notesValue}</textarea>
    ${fields.notes ? html`<p class="fr-error-text" id="champ-notes-erreur">${fields.notes}</p>` : ''}
  </div>
  <button class="fr-btn fr-btn--lg" type="submit">Enregistrer la grille</button>
</form>`;

  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
<h1>${grid.title}</h1>
<p>Campagne « ${data.campaign.name} » — ${campaignStatusLabel(data.campaign.status)}.</p>
${contactSummary(data.contact, v.showEvaluator)}
${data.readOnlyReason ? '' : html`<p>${grid.introduction}</p>`}
${body}
<p class="fr-mt-3w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="${v.backHref}">${v.backLabel}</a></p>
</div></div>`;
}

/** Les réponses d'une grille, en lecture. */
export function gridAnswersTable(data: GridPageData): SafeHtml {
  const rows: { label: string; value: string; detail: string }[] = [];
  if (data.grid.measure) {
    const rings = data.answers[data.grid.measure.key];
    rows.push({
      label: data.grid.measure.label,
      value: typeof rings === 'number' ? String(rings) : 'Pas encore de réponse',
      detail: '',
    });
  }
  for (const criterion of data.grid.criteria) {
    rows.push({
      label: criterion.label,
      value: answerText(criterionAnswer(data.answers, criterion.key)),
      detail: (criterion.source === 'measured' ? measuredExplanation(criterion.key, data.measured) : null) ?? '',
    });
  }
  return html`${table(
    'Réponses de la grille',
    [
      { header: 'Critère', cell: (r) => r.label },
      { header: 'Réponse', cell: (r) => r.value },
      { header: 'Détail', cell: (r) => r.detail },
    ],
    rows,
    'Aucune réponse.',
  )}${data.contact.notes ? html`<p class="fr-mt-2w">Notes : ${data.contact.notes}</p>` : ''}`;
}

// --- Page « Grilles » du référent ------------------------------------------------------------------

export interface CampaignGridsView {
  campaign: { id: string; name: string; status: string };
  contacts: GridContactRow[];
  evaluators: { id: string; label: string; external: boolean; hasLink: boolean; contacts: number }[];
  csrfToken: string;
  page: number;
  pageCount: number;
  pagination: HtmlValue;
  pageContacts: GridContactRow[];
}

export function campaignGridsView(v: CampaignGridsView): SafeHtml {
  const done = v.contacts.filter((c) => c.status === 'done').length;
  const active = v.contacts.filter((c) => c.status !== 'cancelled').length;
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Grilles — ${v.campaign.name}</h1>
<p>Campagne ${campaignStatusLabel(v.campaign.status).toLocaleLowerCase('fr')} : <strong>${done} grille${done > 1 ? 's' : ''} complète${done > 1 ? 's' : ''} sur ${active} contact${active > 1 ? 's' : ''}</strong>.</p>
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-3w">
  <li><a class="fr-btn fr-btn--secondary" href="/mystere/campagnes/${v.campaign.id}/resultats">Résultats</a></li>
  <li><a class="fr-btn fr-btn--tertiary" href="/mystere/campagnes/${v.campaign.id}">Page de la campagne</a></li>
</ul>
${v.campaign.status === 'draft' ? html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>La campagne est en préparation : les grilles se rempliront une fois le plan confirmé.</p></div>` : ''}
<h2>Contacts du plan</h2>
${table(
  'Contacts du plan et état de leur grille',
  [
    { header: 'N°', cell: (c) => String(c.rank) },
    { header: 'Demi-journée', cell: (c) => slotText(c.date, c.half_day) },
    { header: 'Canal', cell: (c) => CHANNEL_LABEL[c.channel] ?? c.channel },
    { header: 'Cible', cell: (c) => c.target_label },
    { header: 'Enquêteur', cell: (c) => c.evaluator_label ?? '—' },
    { header: 'Grille', cell: (c) => contactStatusBadge(c.status) },
    {
      header: 'Action',
      cell: (c) =>
        c.status === 'cancelled' || v.campaign.status === 'draft'
          ? '—'
          : html`<a class="fr-link" href="/mystere/campagnes/${v.campaign.id}/contacts/${c.id}/grille">${c.status === 'done' ? 'Voir ou corriger' : 'Remplir'}<span class="fr-sr-only"> la grille du contact n° ${c.rank}</span></a>`,
    },
  ],
  v.pageContacts,
  'Aucun contact : proposez d’abord le plan de la campagne.',
)}
${v.pagination}
<h2 class="fr-mt-5w">Liens personnels des enquêteurs</h2>
<p>Chaque enquêteur remplit ses grilles depuis un lien personnel, sans compte : il y voit seulement ses contacts, avec leur demi-journée et leur scénario. Le lien s’affiche une seule fois ; en créer un nouveau désactive l’ancien.</p>
${table(
  'Enquêteurs et liens personnels',
  [
    { header: 'Enquêteur', cell: (e) => html`${e.label}${e.external ? html` ${badge('Bénévole extérieur', 'info')}` : ''}` },
    { header: 'Contacts', cell: (e) => String(e.contacts) },
    { header: 'Lien', cell: (e) => (e.hasLink ? badge('Lien actif', 'success') : badge('Aucun lien', 'new')) },
    {
      header: 'Action',
      cell: (e) => html`<form method="post" action="/mystere/campagnes/${v.campaign.id}/enqueteurs/${e.id}/lien">
  ${csrfField(v.csrfToken)}
  <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">${e.hasLink ? 'Remplacer le lien' : 'Créer le lien'}<span class="fr-sr-only"> de ${e.label}</span></button>
</form>`,
    },
  ],
  v.evaluators,
  'Aucun enquêteur dans cette campagne.',
)}
</div></div>`;
}

/** Le lien, montré une seule fois. */
export function evaluatorLinkView(v: {
  campaignId: string;
  campaignName: string;
  evaluatorLabel: string;
  url: string;
  replaced: boolean;
}): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-10">
<h1>Lien personnel de ${v.evaluatorLabel}</h1>
<div class="fr-alert fr-alert--success fr-mb-3w">
  <h2 class="fr-alert__title">Lien ${v.replaced ? 'remplacé' : 'créé'} pour la campagne « ${v.campaignName} »</h2>
  <p>Transmettez-le à ${v.evaluatorLabel} par un canal sûr. Il ne sera plus affiché : Vigie n’en garde qu’une empreinte.${v.replaced ? ' L’ancien lien ne fonctionne plus.' : ''}</p>
</div>
<div class="fr-input-group">
  <label class="fr-label" for="lien-enqueteur">Lien personnel de l’enquêteur</label>
  <input class="fr-input" id="lien-enqueteur" type="text" readonly value="${v.url}">
</div>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/mystere/campagnes/${v.campaignId}/grilles">Retour aux grilles de la campagne</a></p>
</div></div>`;
}

// --- Pages de l'enquêteur (lien personnel) ----------------------------------------------------------

export interface EvaluatorHomeView {
  token: string;
  evaluatorLabel: string;
  campaignName: string;
  campaignStatus: string;
  organisationName: string;
  contacts: GridContactRow[];
}

export function evaluatorHomeView(v: EvaluatorHomeView): SafeHtml {
  const base = `/mystere/enqueteur/${encodeURIComponent(v.token)}`;
  const intro =
    v.campaignStatus === 'draft'
      ? html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>Le plan de la campagne n’est pas encore confirmé : vos contacts apparaîtront ici dès qu’il le sera.</p></div>`
      : v.campaignStatus === 'closed'
        ? html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>La campagne est terminée : merci pour votre participation. Vos grilles se lisent sans pouvoir être modifiées.</p></div>`
        : html`<p>Passez chaque contact à sa demi-journée, comme un usager, puis remplissez sa grille juste après. Ne révélez pas l’enquête.</p>`;
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
<h1>Vos enquêtes mystère</h1>
<p>${v.organisationName} — campagne « ${v.campaignName} ». Enquêteur : <strong>${v.evaluatorLabel}</strong>.</p>
${intro}
${
  v.campaignStatus === 'draft'
    ? ''
    : v.contacts.length === 0
      ? html`<div class="fr-callout"><p class="fr-callout__text">Aucun contact ne vous est attribué dans cette campagne.</p></div>`
      : html`<ol>${v.contacts.map(
          (c) => html`<li class="fr-mb-3w">
  <h2 class="fr-h5 fr-mb-1w">${CHANNEL_LABEL[c.channel] ?? c.channel} n° ${c.rank} — ${slotText(c.date, c.half_day)}</h2>
  <p class="fr-mb-1w">${c.channel === 'email' ? 'Destinataire' : 'À appeler'} : <strong>${c.target_label}</strong>${c.target_address ? html` (${c.target_address})` : ''}${c.scenario_label ? html` · scénario : ${c.scenario_label}` : ''}</p>
  <p class="fr-mb-1w">${contactStatusBadge(c.status)}</p>
  <a class="fr-btn fr-btn--secondary" href="${base}/contacts/${c.id}">${v.campaignStatus === 'closed' ? 'Lire la grille' : c.status === 'done' ? 'Corriger la grille' : 'Remplir la grille'}<span class="fr-sr-only"> du contact n° ${c.rank}</span></a>
</li>`,
        )}</ol>`
}
</div></div>`;
}
