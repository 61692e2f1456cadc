import { badge, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { formatDateTime, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { QuestionnaireRow } from '../questionnaire.repository.ts';
import type { LoadedQuestionnaire, QuestionnaireSummary } from '../questionnaire.service.ts';
import {
  QUESTION_TYPE_LABELS,
  QUESTION_TYPES,
  type Question,
  type Questionnaire,
  STANDARD_CRITERIA,
  SURVEYED_CHANNEL_LABELS,
} from '../questionnaire.ts';

export type QuestionnaireFormValues = Record<string, string | undefined>;

export function questionnairesView(v: {
  templates: Questionnaire[];
  copies: QuestionnaireSummary[];
  csrfToken: string;
  timeZone: string;
}): SafeHtml {
  return html`<h1>Questionnaires</h1>
<p>Les modèles livrés reprennent les questionnaires des préfectures pilotes. « Utiliser ce modèle » en fait une copie de votre organisation, que vous pouvez adapter. Une copie qui a déjà des réponses n’est jamais modifiée : l’enregistrement crée la version suivante, et les campagnes existantes gardent la leur.</p>
<h2>Questionnaires de l’organisation</h2>
${table<QuestionnaireSummary>(
  'Questionnaires de l’organisation',
  [
    {
      header: 'Questionnaire',
      cell: (q) => html`<a href="/enquetes/questionnaires/${q.row.id}">${q.row.title}</a>`,
    },
    { header: 'Canal enquêté', cell: (q) => SURVEYED_CHANNEL_LABELS[q.row.surveyed_channel] },
    { header: 'Version', cell: (q) => String(q.row.version) },
    { header: 'Questions', cell: (q) => formatInteger(q.questionCount) },
    { header: 'Réponses', cell: (q) => formatInteger(q.responseCount) },
    { header: 'État', cell: (q) => questionnaireState(q.row, q.latest) },
    { header: 'Modifié le', cell: (q) => formatDateTime(q.row.updated_at, v.timeZone) },
  ],
  v.copies,
  'Aucun questionnaire pour l’instant : partez d’un modèle ci-dessous.',
)}
<h2>Modèles livrés</h2>
${table<Questionnaire>(
  'Modèles de questionnaires livrés',
  [
    { header: 'Modèle', cell: (t) => t.title },
    { header: 'Canal enquêté', cell: (t) => SURVEYED_CHANNEL_LABELS[t.surveyedChannel] },
    { header: 'Questions', cell: (t) => formatInteger(t.questions.length) },
    {
      header: 'Action',
      cell: (t) =>
        html`<form method="post" action="/enquetes/questionnaires">${csrfField(v.csrfToken)}<input type="hidden" name="templateKey" value="${t.key}"><button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">Utiliser ce modèle<span class="fr-sr-only"> « ${t.title} »</span></button></form>`,
    },
  ],
  v.templates,
  'Aucun modèle livré.',
)}`;
}

function questionnaireState(row: QuestionnaireRow, latest: boolean): SafeHtml {
  if (row.archived_at) return badge('Archivé', 'warning');
  if (!latest) return badge('Remplacé par une version plus récente', 'info');
  return badge('En service', 'success');
}

/** Valeurs du formulaire depuis la définition enregistrée. */
export function questionnaireFormValues(questionnaire: Questionnaire): QuestionnaireFormValues {
  const values: QuestionnaireFormValues = { title: questionnaire.title };
  questionnaire.questions.forEach((q, i) => {
    values[`questions.${i}.label`] = q.label;
    values[`questions.${i}.position`] = String(i + 1);
    values[`questions.${i}.required`] = q.required ? 'on' : undefined;
    if (q.type === 'single_choice' || q.type === 'multiple_choice') {
      q.options.forEach((o, j) => {
        values[`questions.${i}.options.${j}.label`] = o.label;
      });
    }
  });
  return values;
}

/** Saisie soumise → valeurs affichables. */
export function submittedQuestionnaireValues(body: Record<string, unknown>): QuestionnaireFormValues {
  const values: QuestionnaireFormValues = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== '_csrf' && typeof value === 'string') values[key] = value;
  }
  return values;
}

function checkbox(name: string, label: string, checkedBox: boolean): SafeHtml {
  const id = `champ-${name}`;
  return html`<div class="fr-checkbox-group fr-checkbox-group--sm">
  <input type="checkbox" id="${id}" name="${name}" value="on"${checkedBox ? html` checked` : ''}>
  <label class="fr-label" for="${id}">${label}</label>
</div>`;
}

function questionBlock(question: Question, index: number, v: QuestionnaireFormView): SafeHtml {
  const at = `questions.${index}`;
  const f = v.fields ?? {};
  const val = (name: string) => v.values[name];
  const blockError = f[at];
  return html`<fieldset class="fr-fieldset fr-mb-3w vigie-question" id="champ-${at}" aria-labelledby="${at}-legende">
  <legend class="fr-fieldset__legend" id="${at}-legende">Question ${index + 1} — ${QUESTION_TYPE_LABELS[question.type]}${
    'criterion' in question && question.criterion
      ? html`<span class="fr-hint-text">Critère mesuré : ${question.criterion.label}</span>`
      : ''
  }</legend>
  ${blockError ? html`<div class="fr-fieldset__element"><p class="fr-error-text">${blockError}</p></div>` : ''}
  <div class="fr-fieldset__element">${textField({ name: `${at}.label`, label: 'Libellé', value: val(`${at}.label`), error: f[`${at}.label`], required: true })}</div>
  ${
    question.type === 'single_choice' || question.type === 'multiple_choice'
      ? question.options.map(
          (option, j) =>
            html`<div class="fr-fieldset__element">${textField({
              name: `${at}.options.${j}.label`,
              label: `Option ${j + 1}`,
              hint: `Clé : ${option.key}`,
              value: val(`${at}.options.${j}.label`),
              error: f[`${at}.options.${j}.label`],
            })}</div>`,
        )
      : ''
  }
  <div class="fr-fieldset__element">${textField({
    name: `${at}.position`,
    label: 'Position',
    type: 'number',
    hint: 'Les questions sont triées par ce numéro.',
    value: val(`${at}.position`),
    error: f[`${at}.position`],
  })}</div>
  <div class="fr-fieldset__element">${checkbox(`${at}.required`, 'Réponse obligatoire', val(`${at}.required`) === 'on')}</div>
  <div class="fr-fieldset__element">${checkbox(`${at}.remove`, 'Supprimer cette question', val(`${at}.remove`) === 'on')}</div>
</fieldset>`;
}

export interface QuestionnaireFormView {
  loaded: LoadedQuestionnaire;
  responseCount: number;
  latest: boolean;
  versions: QuestionnaireRow[];
  engagements: number[];
  values: QuestionnaireFormValues;
  error?: string;
  fields?: Record<string, string>;
  csrfToken: string;
  timeZone: string;
}

export function questionnaireFormView(v: QuestionnaireFormView): SafeHtml {
  const { row, questionnaire } = v.loaded;
  const f = v.fields ?? {};
  const editable = !row.archived_at && v.latest;
  return html`<h1>${row.title} <span class="fr-text--lead">— version ${row.version}</span></h1>
<p>Canal enquêté : <strong>${SURVEYED_CHANNEL_LABELS[row.surveyed_channel]}</strong>${row.template_key ? ` · copie du modèle ${row.template_key}` : ''}</p>
${versionNotice(v, editable)}
${versionsList(v)}
<p><a class="fr-link fr-icon-code-s-slash-line fr-link--icon-left" href="/enquetes/questionnaires/${row.id}/json">${editable ? 'Modifier la définition complète (JSON)' : 'Voir la définition complète (JSON)'}</a> : critères, engagements, conditions, types de question, options.</p>
${
  editable
    ? html`${errorSummary(v.error, v.fields)}
<form method="post" action="/enquetes/questionnaires/${row.id}" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'title', label: 'Titre', value: v.values.title, error: f.title, required: true })}
  <h2 id="champ-questions">Questions</h2>
  ${f.questions ? html`<p class="fr-error-text">${f.questions}</p>` : ''}
  ${questionnaire.questions.map((q, i) => questionBlock(q, i, v))}
  ${newQuestionBlock(v)}
  <button class="fr-btn" type="submit">${v.responseCount > 0 ? `Enregistrer la version ${row.version + 1}` : 'Enregistrer'}</button>
</form>
<form method="post" action="/enquetes/questionnaires/${row.id}/archiver" class="fr-mt-4w">
  ${csrfField(v.csrfToken)}
  <p>Archiver ce questionnaire : il ne pourra plus servir à une nouvelle campagne ; les campagnes existantes et leurs résultats restent intacts.</p>
  <button class="fr-btn fr-btn--tertiary" type="submit">Archiver</button>
</form>`
    : html`<h2>Questions</h2><ol>${questionnaire.questions.map((q) => html`<li>${q.label} <span class="fr-text--sm">(${QUESTION_TYPE_LABELS[q.type]}${q.required ? ', obligatoire' : ''})</span></li>`)}</ol>`
}`;
}

function versionNotice(v: QuestionnaireFormView, editable: boolean): HtmlValue {
  if (v.loaded.row.archived_at) {
    return html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>Ce questionnaire est archivé : il ne peut plus être modifié ni servir à une nouvelle campagne.</p></div>`;
  }
  if (!v.latest) {
    return html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>Une version plus récente existe : cette version reste telle quelle pour les campagnes qui l’utilisent. Modifiez la dernière version.</p></div>`;
  }
  if (editable && v.responseCount > 0) {
    return html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Ce questionnaire a déjà ${formatInteger(v.responseCount)} réponse${v.responseCount > 1 ? 's' : ''}</h2><p>Il ne sera pas modifié : l’enregistrement crée la version ${v.loaded.row.version + 1}. Les campagnes existantes gardent la version ${v.loaded.row.version} ; choisissez la nouvelle version pour vos prochaines campagnes.</p></div>`;
  }
  return '';
}

function versionsList(v: QuestionnaireFormView): HtmlValue {
  if (v.versions.length <= 1) return '';
  return html`<p class="fr-text--sm">Versions : ${v.versions.map(
    (r, i) =>
      html`${i > 0 ? ' · ' : ''}${r.id === v.loaded.row.id ? html`<strong>version ${r.version}</strong>` : html`<a href="/enquetes/questionnaires/${r.id}">version ${r.version}</a>`}`,
  )}</p>`;
}

function newQuestionBlock(v: QuestionnaireFormView): SafeHtml {
  const f = v.fields ?? {};
  const val = (name: string) => v.values[name];
  return html`<fieldset class="fr-fieldset fr-mb-3w" aria-labelledby="nouvelle-question-legende">
  <legend class="fr-fieldset__legend" id="nouvelle-question-legende">Ajouter une question<span class="fr-hint-text">Laissez le type vide pour ne rien ajouter. Une échelle de satisfaction ou une question Oui / Non mesure un critère, rattaché à un engagement du référentiel.</span></legend>
  <div class="fr-fieldset__element">${selectField({
    name: 'new.type',
    label: 'Type',
    value: val('new.type'),
    error: f['new.type'],
    placeholder: '— Aucune question à ajouter —',
    options: QUESTION_TYPES.map((t) => ({ value: t, label: QUESTION_TYPE_LABELS[t] })),
  })}</div>
  <div class="fr-fieldset__element">${textField({ name: 'new.label', label: 'Libellé', value: val('new.label'), error: f['new.label'] })}</div>
  <div class="fr-fieldset__element">${selectField({
    name: 'new.criterion',
    label: 'Critère mesuré (satisfaction, Oui / Non)',
    value: val('new.criterion'),
    error: f['new.criterion'],
    placeholder: '— Aucun —',
    options: Object.entries(STANDARD_CRITERIA).map(([key, label]) => ({ value: key, label })),
  })}</div>
  <div class="fr-fieldset__element">${selectField({
    name: 'new.engagement',
    label: 'Engagement du référentiel servi',
    value: val('new.engagement'),
    error: f['new.engagement'],
    placeholder: '— Aucun —',
    options: v.engagements.map((n) => ({ value: String(n), label: `Engagement ${n}` })),
  })}</div>
  <div class="fr-fieldset__element"><div class="fr-input-group${f['new.options'] ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="champ-new.options">Options (choix unique ou multiple)<span class="fr-hint-text" id="champ-new.options-aide">Une option par ligne, au moins deux.</span></label>
    <textarea class="fr-input" id="champ-new.options" name="new.options" rows="4" aria-describedby="champ-new.options-aide${f['new.options'] ? ' champ-new.options-erreur' : ''}">${val('new.options') ?? ''}</textarea>
    ${f['new.options'] ? html`<p class="fr-error-text" id="champ-new.options-erreur">${f['new.options']}</p>` : ''}
  </div></div>
  <div class="fr-fieldset__element">${checkbox('new.required', 'Réponse obligatoire', val('new.required') === 'on')}</div>
</fieldset>`;
}
