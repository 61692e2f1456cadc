import { csrfField, errorSummary, table, textField } from '../../../ui/components.ts';
import { formatDateTime, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { PaperFormSummary } from '../double-entry.service.ts';
import type { EntryDifference } from '../double-entry.ts';
import { answerOptions, type Questionnaire } from '../questionnaire.ts';
import type { CollectionMode } from '../survey.table.ts';
import { type AnswerValues, questionFields } from './public-survey.view.ts';

/** Saisie d'un point ; `control` : la double saisie de contrôle reste cochée d'un formulaire au suivant. */
export function surveyEntryPath(campaignId: string, pointId?: string, control = false): string {
  const base = `/enquetes/campagnes/${encodeURIComponent(campaignId)}/saisie`;
  if (!pointId) return base;
  return `${base}?point=${encodeURIComponent(pointId)}${control ? '&controle=1' : ''}`;
}

/** Écarts de double saisie d'une campagne, ou l'un d'eux. */
export function formChecksPath(campaignId: string, checkId?: string): string {
  const base = `/enquetes/campagnes/${encodeURIComponent(campaignId)}/controles`;
  return checkId ? `${base}/${encodeURIComponent(checkId)}` : base;
}

export interface EntryCampaign {
  id: string;
  name: string;
}

export function surveyEntryChoiceView(v: {
  campaign: EntryCampaign;
  points: { id: string; label: string; mode: CollectionMode }[];
}): SafeHtml {
  return html`<h1>Saisie des réponses — ${v.campaign.name}</h1>
${
  v.points.length === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Cette campagne n’a aucun point de collecte « formulaire papier » ou « téléphone » actif : ajoutez-en un à la campagne pour saisir des réponses.</p></div>`
    : html`<p>Choisissez le point de collecte dont vous saisissez les réponses :</p>
<ul>${v.points.map((p) => html`<li><a href="${surveyEntryPath(v.campaign.id, p.id)}">${p.label}</a> (${p.mode === 'paper' ? 'formulaires papier' : 'téléphone'})</li>`)}</ul>`
}`;
}

/** Le formulaire déjà saisi sous ce numéro (double saisie) : de quoi le retrouver dans la pile. */
export interface ExistingForm {
  formNumber: string;
  receivedAt: string;
  enteredBy: string | null;
  answers: { question: string; answer: string }[];
}

export interface SurveyEntryPageView {
  campaign: EntryCampaign;
  point: { id: string; label: string; mode: CollectionMode };
  questionnaire: Questionnaire;
  timeZone: string;
  csrfToken: string;
  responseId: string;
  count: number;
  values?: AnswerValues;
  formNumber?: string;
  error?: string;
  fields?: Record<string, string>;
  existing?: ExistingForm;
  /** Double saisie de contrôle cochée (formulaires papier seulement). */
  control?: boolean;
  /** Où en est la double saisie de la campagne (montré en mode contrôle). */
  summary?: PaperFormSummary;
}

/** Libellés lisibles d'une réponse enregistrée (clé de question et clé d'option → textes du questionnaire). */
export function describeAnswers(questionnaire: Questionnaire, rows: { question_key: string; value: string }[]) {
  return rows.map((row) => {
    const question = questionnaire.questions.find((q) => q.key === row.question_key);
    const option = question ? answerOptions(question).find((o) => o.key === row.value) : undefined;
    return { question: question?.label ?? row.question_key, answer: option?.label ?? row.value };
  });
}

function existingCallout(existing: ExistingForm | undefined, timeZone: string): HtmlValue {
  if (!existing) return '';
  return html`<div class="fr-callout fr-mb-3w" id="formulaire-existant">
  <h2 class="fr-callout__title fr-h6">Formulaire n° ${existing.formNumber} déjà saisi</h2>
  <p class="fr-callout__text fr-text--sm">Saisi le ${formatDateTime(existing.receivedAt, timeZone)}${existing.enteredBy ? html` par ${existing.enteredBy}` : ''}. Vérifiez le numéro : s’il s’agit bien du même formulaire, passez au suivant — ou cochez « Double saisie de contrôle » et enregistrez à nouveau pour comparer les deux saisies.</p>
  <ul class="fr-text--sm">${existing.answers.map((a) => html`<li>${a.question} : ${a.answer}</li>`)}</ul>
</div>`;
}

/** Chiffres de la double saisie d'une campagne : vérifiés, en attente, en conflit (et sans numéro). */
export function paperFormSummaryList(summary: PaperFormSummary, campaignId: string, linkConflicts = true): SafeHtml {
  return html`<ul>
  <li><strong>${formatInteger(summary.verified)}</strong> ${summary.verified > 1 ? 'formulaires vérifiés' : 'formulaire vérifié'} (seconde saisie identique ou écart arbitré)</li>
  <li><strong>${formatInteger(summary.pending)}</strong> en attente de seconde saisie</li>
  <li><strong>${formatInteger(summary.conflict)}</strong> en conflit${summary.conflict > 0 && linkConflicts ? html` — <a href="${formChecksPath(campaignId)}">arbitrer les écarts</a>` : ''}</li>
  ${summary.unnumbered > 0 ? html`<li>${formatInteger(summary.unnumbered)} saisi${summary.unnumbered > 1 ? 's' : ''} sans numéro (comptés, mais impossibles à contrôler)</li>` : ''}
</ul>`;
}

function controlCheckbox(checked: boolean): SafeHtml {
  return html`<div class="fr-checkbox-group fr-mb-3w">
  <input type="checkbox" id="champ-controle" name="controle" value="1" aria-describedby="champ-controle-aide"${checked ? html` checked` : ''}>
  <label class="fr-label" for="champ-controle">Double saisie de contrôle<span class="fr-hint-text" id="champ-controle-aide">Ressaisie d’une pile déjà saisie : chaque formulaire est comparé à sa première saisie (identique : vérifié ; différent : les écarts sont listés pour arbitrage). Un numéro encore jamais saisi est enregistré normalement.</span></label>
</div>`;
}

export function surveyEntryView(v: SurveyEntryPageView): SafeHtml {
  const fields = v.fields ?? {};
  const paper = v.point.mode === 'paper';
  const control = paper && v.control === true;
  return html`<h1>${paper ? (control ? 'Double saisie de contrôle des formulaires papier' : 'Saisie des formulaires papier') : 'Saisie d’une réponse par téléphone'}</h1>
<p class="fr-text--lead">${v.campaign.name} — ${v.point.label}</p>
<p><strong>${formatInteger(v.count)}</strong> ${v.count > 1 ? 'réponses saisies' : 'réponse saisie'} pour ce point. ${paper ? (control ? 'Ressaisissez chaque formulaire de la pile sans regarder la première saisie : « Enregistrer et suivant » compare, puis revient sur un formulaire vide.' : 'Saisissez la pile formulaire par formulaire : « Enregistrer et suivant » revient sur un formulaire vide.') : 'Posez les questions dans l’ordre, puis « Enregistrer et suivant ».'}</p>
${control && v.summary ? html`<div class="fr-callout fr-mb-3w"><h2 class="fr-callout__title fr-h6">Double saisie de la campagne</h2><div class="fr-callout__text fr-text--sm">${paperFormSummaryList(v.summary, v.campaign.id)}</div></div>` : ''}
${errorSummary(v.error, fields)}
${existingCallout(v.existing, v.timeZone)}
<form method="post" action="${surveyEntryPath(v.campaign.id, v.point.id)}" novalidate>
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="responseId" value="${v.responseId}">
  ${paper ? controlCheckbox(control) : ''}
  ${
    paper
      ? textField({
          name: 'formNumber',
          label: 'Numéro du formulaire',
          value: v.formNumber ?? '',
          error: fields.formNumber,
          required: control,
          hint: control
            ? 'Le numéro imprimé ou écrit sur le formulaire : il retrouve la première saisie à comparer.'
            : 'Le numéro imprimé ou écrit sur le formulaire : un numéro déjà saisi est refusé (double saisie).',
        })
      : ''
  }
  ${questionFields(v.questionnaire, v.values ?? {}, fields)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Enregistrer et suivant</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="${surveyEntryPath(v.campaign.id)}">Changer de point de collecte</a></li>
  </ul>
</form>`;
}

/** Valeurs d'une saisie pour une question, lisibles (« Satisfaisant », « Accueil, Guichet », « sans réponse »). */
export function answerLabel(questionnaire: Questionnaire, key: string, values: readonly string[] | undefined): string {
  if (!values || values.length === 0) return '(sans réponse)';
  const question = questionnaire.questions.find((q) => q.key === key);
  if (!question) return values.join(', ');
  if (question.type === 'comment') return values.join(' ');
  const options = answerOptions(question);
  return values.map((value) => options.find((o) => o.key === value)?.label ?? value).join(', ');
}

export interface ConflictRow {
  id: string;
  form_number: string;
  point_label: string;
  differences: number;
  first_entered_at: string;
  entered_at: string;
  firstEnteredBy: string | null;
  secondEnteredBy: string | null;
}

export function formChecksView(v: {
  campaign: EntryCampaign;
  summary: PaperFormSummary;
  conflicts: ConflictRow[];
  timeZone: string;
}): SafeHtml {
  const by = (who: string | null) => (who ? ` par ${who}` : '');
  return html`<h1>Double saisie des formulaires papier</h1>
<p class="fr-text--lead">${v.campaign.name}</p>
${paperFormSummaryList(v.summary, v.campaign.id)}
<p class="fr-text--sm">Un formulaire en conflit compte dans les résultats avec sa première saisie tant que l’écart n’est pas arbitré.</p>
<h2>Écarts à arbitrer</h2>
${table<ConflictRow>(
  'Formulaires dont les deux saisies diffèrent',
  [
    { header: 'Formulaire', cell: (c) => html`n° ${c.form_number}` },
    { header: 'Point de collecte', cell: (c) => c.point_label },
    { header: 'Écarts', cell: (c) => formatInteger(c.differences) },
    { header: 'Première saisie', cell: (c) => `${formatDateTime(c.first_entered_at, v.timeZone)}${by(c.firstEnteredBy)}` },
    { header: 'Seconde saisie', cell: (c) => `${formatDateTime(c.entered_at, v.timeZone)}${by(c.secondEnteredBy)}` },
    {
      header: 'Action',
      cell: (c) =>
        html`<a class="fr-link fr-link--sm" href="${formChecksPath(v.campaign.id, c.id)}">Arbitrer<span class="fr-sr-only"> le formulaire n° ${c.form_number}</span></a>`,
    },
  ],
  v.conflicts,
  'Aucun écart à arbitrer.',
)}
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn fr-btn--secondary" href="${surveyEntryPath(v.campaign.id)}">Saisie des réponses</a></li>
  <li><a class="fr-btn fr-btn--tertiary" href="/enquetes/campagnes/${encodeURIComponent(v.campaign.id)}">Retour à la campagne</a></li>
</ul>`;
}

export interface FormCheckPageView {
  campaign: EntryCampaign;
  point: { id: string; label: string };
  questionnaire: Questionnaire;
  timeZone: string;
  csrfToken: string;
  checkId: string;
  formNumber: string;
  status: 'verified' | 'conflict';
  /** Identifiant de la seconde saisie arbitrée (refus si une autre arrive entre-temps). */
  entryId: string;
  first: { at: string; by: string | null; values: ReadonlyMap<string, readonly string[]> };
  second: { at: string; by: string | null; values: ReadonlyMap<string, readonly string[]> };
  differences: EntryDifference[];
  answeredCount: number;
  correctedKeys: string[];
  resolvedAt: string | null;
  choices?: Record<string, string | undefined>;
  error?: string;
  fields?: Record<string, string>;
}

function choiceFieldset(v: FormCheckPageView, difference: EntryDifference): SafeHtml {
  const name = `choice.${difference.key}`;
  const id = `champ-${name}`;
  const error = v.fields?.[name];
  const label = v.questionnaire.questions.find((q) => q.key === difference.key)?.label ?? difference.key;
  const options = [
    { value: 'first', title: 'Première saisie', values: difference.first },
    { value: 'second', title: 'Seconde saisie', values: difference.second },
  ];
  return html`<fieldset class="fr-fieldset${error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${error ? ` ${id}-erreur` : ''}">
  <legend class="fr-fieldset__legend" id="${id}-legende">${label}</legend>
  ${options.map(
    (o, index) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
    <input type="radio" id="${id}-${index}" name="${name}" value="${o.value}"${v.choices?.[difference.key] === o.value ? html` checked` : ''}>
    <label class="fr-label" for="${id}-${index}">${o.title} : ${answerLabel(v.questionnaire, difference.key, o.values)}</label>
  </div></div>`,
  )}
  ${error ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${error}</p></div>` : ''}
</fieldset>`;
}

export function formCheckView(v: FormCheckPageView): SafeHtml {
  const by = (who: string | null) => (who ? html` par ${who}` : '');
  const identical = Math.max(0, v.answeredCount - v.differences.length);
  const heading = html`<h1>Double saisie — formulaire n° ${v.formNumber}</h1>
<p class="fr-text--lead">${v.campaign.name} — ${v.point.label}</p>`;
  if (v.status === 'verified') {
    return html`${heading}
${errorSummary(v.error)}
<div class="fr-alert fr-alert--success fr-mb-3w"><h2 class="fr-alert__title">Formulaire vérifié</h2><p>${
      v.correctedKeys.length > 0
        ? `Réponse corrigée${v.resolvedAt ? ` le ${formatDateTime(v.resolvedAt, v.timeZone)}` : ''} : ${v.correctedKeys.map((k) => v.questionnaire.questions.find((q) => q.key === k)?.label ?? k).join(', ')}.`
        : v.resolvedAt
          ? `Écart arbitré le ${formatDateTime(v.resolvedAt, v.timeZone)} : la première saisie a été confirmée.`
          : 'La seconde saisie est identique à la première.'
    }</p></div>
<p><a class="fr-link" href="${formChecksPath(v.campaign.id)}">Autres écarts à arbitrer</a></p>`;
  }
  return html`${heading}
<ul>
  <li>Première saisie : le ${formatDateTime(v.first.at, v.timeZone)}${by(v.first.by)}</li>
  <li>Seconde saisie : le ${formatDateTime(v.second.at, v.timeZone)}${by(v.second.by)}</li>
</ul>
<p>Les deux saisies diffèrent sur <strong>${formatInteger(v.differences.length)}</strong> question${v.differences.length > 1 ? 's' : ''}${identical > 0 ? ` (${formatInteger(identical)} autre${identical > 1 ? 's' : ''} identique${identical > 1 ? 's' : ''})` : ''}. Reprenez le formulaire papier et choisissez, pour chaque question, la saisie qui lui correspond : la réponse enregistrée est corrigée là où vous retenez la seconde.</p>
${errorSummary(v.error, v.fields)}
${v.fields?.choices ? html`<p class="fr-error-text" id="champ-choices">${v.fields.choices}</p>` : ''}
<form method="post" action="${formChecksPath(v.campaign.id, v.checkId)}" novalidate>
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="entryId" value="${v.entryId}">
  ${v.differences.map((d) => choiceFieldset(v, d))}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Enregistrer l’arbitrage</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="${formChecksPath(v.campaign.id)}">Arbitrer plus tard</a></li>
  </ul>
</form>`;
}

/** Choix soumis (`choice.<clé>`), gardés quand l'arbitrage est réaffiché avec une erreur. */
export function submittedChoices(body: Record<string, unknown>): Record<string, string | undefined> {
  const choices: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith('choice.') && typeof value === 'string') choices[name.slice('choice.'.length)] = value;
  }
  return choices;
}
