import { csrfField, errorSummary, textField } from '../../../ui/components.ts';
import { formatDateTime, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { answerOptions, type Questionnaire } from '../questionnaire.ts';
import type { CollectionMode } from '../survey.table.ts';
import { type AnswerValues, questionFields } from './public-survey.view.ts';

export function surveyEntryPath(campaignId: string, pointId?: string): string {
  const base = `/enquetes/campagnes/${encodeURIComponent(campaignId)}/saisie`;
  return pointId ? `${base}?point=${encodeURIComponent(pointId)}` : base;
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
  <p class="fr-callout__text fr-text--sm">Saisi le ${formatDateTime(existing.receivedAt, timeZone)}${existing.enteredBy ? html` par ${existing.enteredBy}` : ''}. Vérifiez le numéro : s’il s’agit bien du même formulaire, passez au suivant.</p>
  <ul class="fr-text--sm">${existing.answers.map((a) => html`<li>${a.question} : ${a.answer}</li>`)}</ul>
</div>`;
}

export function surveyEntryView(v: SurveyEntryPageView): SafeHtml {
  const fields = v.fields ?? {};
  const paper = v.point.mode === 'paper';
  return html`<h1>${paper ? 'Saisie des formulaires papier' : 'Saisie d’une réponse par téléphone'}</h1>
<p class="fr-text--lead">${v.campaign.name} — ${v.point.label}</p>
<p><strong>${formatInteger(v.count)}</strong> ${v.count > 1 ? 'réponses saisies' : 'réponse saisie'} pour ce point. ${paper ? 'Saisissez la pile formulaire par formulaire : « Enregistrer et suivant » revient sur un formulaire vide.' : 'Posez les questions dans l’ordre, puis « Enregistrer et suivant ».'}</p>
${errorSummary(v.error, fields)}
${existingCallout(v.existing, v.timeZone)}
<form method="post" action="${surveyEntryPath(v.campaign.id, v.point.id)}" novalidate>
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="responseId" value="${v.responseId}">
  ${
    paper
      ? textField({
          name: 'formNumber',
          label: 'Numéro du formulaire',
          value: v.formNumber ?? '',
          error: fields.formNumber,
          hint: 'Le numéro imprimé ou écrit sur le formulaire : un numéro déjà saisi est refusé (double saisie).',
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
