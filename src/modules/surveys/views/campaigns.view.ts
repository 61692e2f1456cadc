import { badge, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { formatDate, formatInteger } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import type { CampaignRow } from '../campaign.repository.ts';
import {
  CAMPAIGN_STATUS_LABELS,
  type CampaignDetail,
  type CampaignStatus,
  type CampaignSummary,
  type CollectionPointSummary,
} from '../campaign.service.ts';
import { COLLECTION_MODE_LABELS, COLLECTION_MODES } from '../collection-mode.ts';
import type { PaperFormSummary } from '../double-entry.service.ts';
import type { QuestionnaireSummary } from '../questionnaire.service.ts';
import { SURVEYED_CHANNEL_LABELS } from '../questionnaire.ts';
import { paperFormSummaryList } from './survey-entry.view.ts';

export type CampaignFormValues = Record<string, string | undefined>;

const STATUS_BADGES: Record<CampaignStatus, 'success' | 'info' | 'warning' | 'new'> = {
  upcoming: 'new',
  open: 'success',
  finished: 'info',
  closed: 'warning',
};

export function statusBadge(status: CampaignStatus): SafeHtml {
  return badge(CAMPAIGN_STATUS_LABELS[status], STATUS_BADGES[status]);
}

export function campaignsView(v: { campaigns: CampaignSummary[]; canEdit: boolean }): SafeHtml {
  return html`<h1>Enquêtes de satisfaction</h1>
<p>Une campagne interroge les usagers d’un canal (accueil physique, point d’accès numérique, téléphone, site internet) pendant une période, par un ou plusieurs points de collecte : borne, affiche QR code, formulaire papier ou téléphone.</p>
${
  v.canEdit
    ? html`<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
  <li><a class="fr-btn fr-icon-add-line" href="/enquetes/campagnes/nouvelle">Nouvelle campagne</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/enquetes/questionnaires">Questionnaires</a></li>
</ul>`
    : ''
}
${table<CampaignSummary>(
  'Campagnes d’enquête de l’organisation',
  [
    { header: 'Campagne', cell: (c) => html`<a href="/enquetes/campagnes/${c.id}">${c.name}</a>` },
    { header: 'Canal enquêté', cell: (c) => SURVEYED_CHANNEL_LABELS[c.surveyed_channel] },
    { header: 'Questionnaire', cell: (c) => `${c.questionnaire_title} (version ${c.questionnaire_version})` },
    { header: 'Période', cell: (c) => period(c) },
    { header: 'Statut', cell: (c) => statusBadge(c.status) },
    { header: 'Réponses', cell: (c) => formatInteger(c.responseCount) },
  ],
  v.campaigns,
  v.canEdit ? 'Aucune campagne : créez la première.' : 'Aucune campagne pour l’instant.',
)}`;
}

function period(c: Pick<CampaignRow, 'starts_on' | 'ends_on'>): string {
  return `du ${formatDate(c.starts_on)} au ${formatDate(c.ends_on)}`;
}

export function campaignFormValues(c: CampaignRow): CampaignFormValues {
  return { name: c.name, questionnaireId: c.questionnaire_id, startsOn: c.starts_on, endsOn: c.ends_on };
}

export function submittedCampaignValues(body: Record<string, unknown>): CampaignFormValues {
  const values: CampaignFormValues = {};
  for (const [key, value] of Object.entries(body)) if (key !== '_csrf' && typeof value === 'string') values[key] = value;
  return values;
}

function campaignFields(v: {
  questionnaires: QuestionnaireSummary[];
  values: CampaignFormValues;
  fields?: Record<string, string> | undefined;
}): SafeHtml {
  const f = v.fields ?? {};
  return html`${textField({ name: 'name', label: 'Nom', value: v.values.name, error: f.name, required: true, hint: 'Par exemple « Accueil général — printemps 2026 ».' })}
${selectField({
  name: 'questionnaireId',
  label: 'Questionnaire',
  hint: 'Une version précise : le canal enquêté de la campagne est celui du questionnaire.',
  value: v.values.questionnaireId,
  error: f.questionnaireId,
  placeholder: '— Choisir —',
  options: v.questionnaires.map((q) => ({
    value: q.row.id,
    label: `${q.row.title} — version ${q.row.version} (${SURVEYED_CHANNEL_LABELS[q.row.surveyed_channel]})`,
  })),
})}
<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-6">${textField({ name: 'startsOn', label: 'Début', type: 'date', value: v.values.startsOn, error: f.startsOn, required: true })}</div>
  <div class="fr-col-12 fr-col-md-6">${textField({ name: 'endsOn', label: 'Fin (incluse)', type: 'date', value: v.values.endsOn, error: f.endsOn, required: true })}</div>
</div>`;
}

export function newCampaignView(v: {
  csrfToken: string;
  questionnaires: QuestionnaireSummary[];
  values: CampaignFormValues;
  error?: string | undefined;
  fields?: Record<string, string> | undefined;
}): SafeHtml {
  return html`<h1>Nouvelle campagne d’enquête</h1>
${
  v.questionnaires.length === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Aucun questionnaire disponible : copiez d’abord un modèle.</p><a class="fr-btn" href="/enquetes/questionnaires">Questionnaires</a></div>`
    : ''
}
${errorSummary(v.error, v.fields)}
<form method="post" action="/enquetes/campagnes" novalidate>
  ${csrfField(v.csrfToken)}
  ${campaignFields(v)}
  <button class="fr-btn" type="submit">Créer la campagne</button>
</form>`;
}

export interface CampaignDetailView {
  detail: CampaignDetail;
  canEdit: boolean;
  /** Saisie des formulaires papier et des réponses par téléphone (admin, agent). */
  canEnter: boolean;
  /** Double saisie des formulaires papier (campagne avec un point « papier »). */
  paperForms?: PaperFormSummary | undefined;
  csrfToken: string;
  questionnaires: QuestionnaireSummary[];
  campaignValues: CampaignFormValues;
  campaignError?: string | undefined;
  campaignFields?: Record<string, string> | undefined;
  pointValues: CampaignFormValues;
  pointError?: string | undefined;
  pointFields?: Record<string, string> | undefined;
}

function pointRow(v: CampaignDetailView, p: CollectionPointSummary) {
  const base = `/enquetes/campagnes/${v.detail.campaign.id}/points/${p.id}`;
  return {
    link: p.archived_at
      ? html`${badge('Archivé', 'warning')}`
      : p.mode === 'qr' || p.mode === 'kiosk'
        ? html`<a href="${p.publicUrl}">${p.publicUrl}</a>${p.mode === 'qr' ? html`<br><a class="fr-link fr-link--sm" href="${base}/affiche.pdf">Affiche A4 (PDF)<span class="fr-sr-only"> de ${p.label}</span></a>` : ''}${p.mode === 'kiosk' && v.canEdit ? html`<br><a class="fr-link fr-link--sm" href="${base}/borne">Appairer une borne<span class="fr-sr-only"> : ${p.label}</span></a>` : ''}`
        : v.canEnter
          ? html`<a class="fr-link fr-link--sm" href="/enquetes/campagnes/${v.detail.campaign.id}/saisie?point=${p.id}">Saisir des réponses<span class="fr-sr-only"> : ${p.label}</span></a>`
          : 'Saisie par un agent',
    archive:
      v.canEdit && !p.archived_at
        ? html`<form method="post" action="${base}/archiver">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Archiver<span class="fr-sr-only"> ${p.label}</span></button></form>`
        : '',
  };
}

export function campaignDetailView(v: CampaignDetailView): SafeHtml {
  const { campaign, questionnaire, status } = v.detail;
  const pf = v.pointFields ?? {};
  return html`<h1>${campaign.name}</h1>
<p>${statusBadge(status)}</p>
<ul>
  <li>Canal enquêté : <strong>${SURVEYED_CHANNEL_LABELS[campaign.surveyed_channel]}</strong></li>
  <li>Questionnaire : ${questionnaire.row.title} (version ${questionnaire.row.version}, ${formatInteger(questionnaire.questionnaire.questions.length)} questions)</li>
  <li>Période : ${period(campaign)}${campaign.closed_at ? ' — close par anticipation' : ''}</li>
  <li>Réponses reçues : ${formatInteger(v.detail.responseCount)}</li>
</ul>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/enquetes/campagnes/${campaign.id}/resultats">Résultats</a></li>
</ul>
<h2>Points de collecte</h2>
${table<CollectionPointSummary>(
  'Points de collecte de la campagne',
  [
    { header: 'Libellé', cell: (p) => p.label },
    { header: 'Mode de collecte', cell: (p) => COLLECTION_MODE_LABELS[p.mode] },
    { header: 'Lien public', cell: (p) => pointRow(v, p).link },
    { header: 'Réponses', cell: (p) => formatInteger(p.responseCount) },
    ...(v.canEdit ? [{ header: 'Action', cell: (p: CollectionPointSummary) => pointRow(v, p).archive }] : []),
  ],
  v.detail.points,
  'Aucun point de collecte : ajoutez une borne, une affiche QR code, le papier ou le téléphone.',
)}
${
  v.paperForms
    ? html`<h2>Double saisie des formulaires papier</h2>
<p>Sur ${formatInteger(v.paperForms.numbered)} formulaire${v.paperForms.numbered > 1 ? 's' : ''} papier numéroté${v.paperForms.numbered > 1 ? 's' : ''} (contrôle facultatif : « Double saisie de contrôle » sur l’écran de saisie) :</p>
${paperFormSummaryList(v.paperForms, campaign.id, v.canEnter)}`
    : ''
}
${
  v.canEdit
    ? html`<h2>Ajouter un point de collecte</h2>
${errorSummary(v.pointError, v.pointFields)}
<form method="post" action="/enquetes/campagnes/${campaign.id}/points" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'label', label: 'Libellé', value: v.pointValues.label, error: pf.label, required: true, hint: 'Par exemple « Borne accueil général » ou « Affiche salle d’attente ».' })}
  ${selectField({
    name: 'mode',
    label: 'Mode de collecte',
    value: v.pointValues.mode,
    error: pf.mode,
    placeholder: '— Choisir —',
    options: COLLECTION_MODES.map((m) => ({ value: m, label: COLLECTION_MODE_LABELS[m] })),
  })}
  <button class="fr-btn fr-btn--secondary" type="submit">Ajouter le point</button>
</form>
<h2>Modifier la campagne</h2>
${errorSummary(v.campaignError, v.campaignFields)}
<form method="post" action="/enquetes/campagnes/${campaign.id}" novalidate>
  ${csrfField(v.csrfToken)}
  ${campaignFields({ questionnaires: v.questionnaires, values: v.campaignValues, fields: v.campaignFields })}
  <button class="fr-btn" type="submit">Enregistrer</button>
</form>
${
  campaign.closed_at
    ? ''
    : html`<form method="post" action="/enquetes/campagnes/${campaign.id}/cloturer" class="fr-mt-4w">
  ${csrfField(v.csrfToken)}
  <p>Clore la campagne dès maintenant : plus aucune réponse ne sera acceptée, quelle que soit la période.</p>
  <button class="fr-btn fr-btn--tertiary" type="submit">Clore la campagne</button>
</form>`
}`
    : ''
}`;
}
