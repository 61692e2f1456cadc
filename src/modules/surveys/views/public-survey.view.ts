import { csrfField, errorSummary } from '../../../ui/components.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { answerOptions, COMMENT_PERSONAL_DATA_HINT, type Question, type Questionnaire } from '../questionnaire.ts';

/** Valeurs saisies, par question (une liste : plusieurs cases peuvent être cochées). */
export type AnswerValues = Record<string, string[]>;

export function publicSurveyPath(token: string): string {
  return `/enquete/${encodeURIComponent(token)}`;
}

/** Nom du champ de formulaire d'une question ; l'identifiant HTML suit le même nom (`champ-answers.<clé>`). */
export function answerFieldName(key: string): string {
  return `answers.${key}`;
}

/** Lit les réponses d'un corps de formulaire (`answers.<clé>`), en gardant les autres champs à part. */
export function answersFromBody(body: Record<string, unknown>): AnswerValues {
  const answers: AnswerValues = {};
  for (const [name, value] of Object.entries(body)) {
    if (!name.startsWith('answers.')) continue;
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    answers[name.slice('answers.'.length)] = list;
  }
  return answers;
}

function conditionHint(question: Question, questionnaire: Questionnaire): string | undefined {
  const condition = question.showIf;
  if (!condition) return undefined;
  const target = questionnaire.questions.find((q) => q.key === condition.question);
  const answer = target ? answerOptions(target).find((o) => o.key === condition.answer) : undefined;
  if (!target || !answer) return undefined;
  return `Seulement si vous avez répondu « ${answer.label} » à la question « ${target.label} ».`;
}

function requiredMark(question: Question): HtmlValue {
  if (!question.required) return '';
  return html` <span class="fr-hint-text fr-text--xs vigie-inline">(${question.showIf ? 'obligatoire dans ce cas' : 'obligatoire'})</span>`;
}

function errorMessages(id: string, error: string | undefined): HtmlValue {
  return error
    ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${error}</p></div>`
    : '';
}

function choiceQuestion(
  question: Question,
  questionnaire: Questionnaire,
  selected: string[],
  error: string | undefined,
): SafeHtml {
  const id = `champ-${answerFieldName(question.key)}`;
  const multiple = question.type === 'multiple_choice';
  const hints = [
    question.hint,
    conditionHint(question, questionnaire),
    multiple ? 'Plusieurs réponses possibles.' : undefined,
  ].filter((h): h is string => Boolean(h));
  const inline = question.type === 'yes_no';
  return html`<fieldset class="fr-fieldset${error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${error ? ` ${id}-erreur` : ''}">
  <legend class="fr-fieldset__legend" id="${id}-legende">${question.label}${requiredMark(question)}${hints.map((h) => html`<span class="fr-hint-text">${h}</span>`)}</legend>
  ${answerOptions(question).map((option, index) => {
    const optionId = `${id}-${index}`;
    return html`<div class="fr-fieldset__element${inline ? ' fr-fieldset__element--inline' : ''}"><div class="${multiple ? 'fr-checkbox-group' : 'fr-radio-group'}">
    <input type="${multiple ? 'checkbox' : 'radio'}" id="${optionId}" name="${answerFieldName(question.key)}" value="${option.key}"${selected.includes(option.key) ? html` checked` : ''}>
    <label class="fr-label" for="${optionId}">${option.label}</label>
  </div></div>`;
  })}
  ${errorMessages(id, error)}
</fieldset>`;
}

function commentQuestion(question: Extract<Question, { type: 'comment' }>, value: string, error: string | undefined): SafeHtml {
  const id = `champ-${answerFieldName(question.key)}`;
  const describedBy = [`${id}-aide`, error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<div class="fr-input-group${error ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${id}">${question.label}${requiredMark(question)}<span class="fr-hint-text" id="${id}-aide">${COMMENT_PERSONAL_DATA_HINT} ${question.maxLength.toLocaleString('fr-FR')} caractères au plus.</span></label>
  <textarea class="fr-input${error ? ' fr-input--error' : ''}" id="${id}" name="${answerFieldName(question.key)}" rows="5" maxlength="${question.maxLength}"${error ? html` aria-invalid="true"` : ''} aria-describedby="${describedBy}">${value}</textarea>
  ${error ? html`<p class="fr-error-text" id="${id}-erreur">${error}</p>` : ''}
</div>`;
}

/** Toutes les questions, dans l'ordre, sur une page (sans JavaScript : les conditions sont écrites en clair). */
export function questionFields(questionnaire: Questionnaire, values: AnswerValues, fields: Record<string, string>): SafeHtml {
  return html`${questionnaire.questions.map((question) => {
    const error = fields[answerFieldName(question.key)];
    const selected = values[question.key] ?? [];
    return question.type === 'comment'
      ? commentQuestion(question, selected[0] ?? '', error)
      : choiceQuestion(question, questionnaire, selected, error);
  })}`;
}

/** Mention d'information courte : l'enquête est anonyme ; finalité ; lien vers la page détaillée. */
export function surveyPersonalDataNotice(organisationName: string): SafeHtml {
  return html`<div class="fr-callout fr-mb-3w" id="donnees-personnelles">
  <h2 class="fr-callout__title fr-h6">Vos données personnelles</h2>
  <p class="fr-callout__text fr-text--sm">Cette enquête est anonyme : ni votre nom ni vos coordonnées ne sont demandés. ${organisationName} utilise vos réponses uniquement pour mesurer et améliorer la qualité de son accueil (démarche Qual-e-pref) ; seuls des résultats statistiques sont diffusés. Le commentaire libre est lu par les agents chargés de la qualité, puis effacé à l’issue de la durée de conservation fixée par la préfecture. Pour en savoir plus et exercer vos droits : <a href="/donnees-personnelles">données personnelles</a>.</p>
</div>`;
}

export interface PublicSurveyPageView {
  token: string;
  organisationName: string;
  questionnaire: Questionnaire;
  csrfToken: string;
  responseId: string;
  shownAt: string;
  values?: AnswerValues;
  error?: string;
  fields?: Record<string, string>;
}

export function publicSurveyView(v: PublicSurveyPageView): SafeHtml {
  const fields = v.fields ?? {};
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>${v.questionnaire.title}</h1>
<p class="fr-text--lead">${v.questionnaire.introduction ?? `${v.organisationName} souhaite connaître votre avis sur son accueil. Répondre prend environ deux minutes.`}</p>
<p>Les questions marquées « obligatoire » attendent une réponse ; « Sans avis » est toujours possible.</p>
${errorSummary(v.error, fields)}
<form method="post" action="${publicSurveyPath(v.token)}" novalidate>
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="responseId" value="${v.responseId}">
  <input type="hidden" name="shownAt" value="${v.shownAt}">
  ${questionFields(v.questionnaire, v.values ?? {}, fields)}
  ${surveyPersonalDataNotice(v.organisationName)}
  <button class="fr-btn" type="submit">Envoyer mes réponses</button>
</form>
</div></div>`;
}

export function publicSurveyThanksView(v: { token: string; organisationName: string; already: boolean }): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Merci</h1>
<div class="fr-alert fr-alert--success fr-mb-3w">
  <h2 class="fr-alert__title">${v.already ? 'Vous avez déjà répondu à cette enquête.' : 'Vos réponses ont bien été enregistrées.'}</h2>
  <p>${v.organisationName} vous remercie : votre avis aide à améliorer l’accueil du public.</p>
</div>
<p class="fr-text--sm">Cet appareil est partagé (poste en libre-service, accueil) ? Une autre personne peut donner son avis :</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn fr-btn--secondary" href="${publicSurveyPath(v.token)}?nouvelle=1">Répondre à nouveau</a></li>
  <li><a class="fr-btn fr-btn--tertiary" href="/">Revenir à l’accueil</a></li>
</ul>
</div></div>`;
}

/** Enquête introuvable, pas encore ouverte, terminée, ou réponse déjà enregistrée autrement : page aimable. */
export function publicSurveyUnavailableView(v: { title: string; message: string; retryHref?: string }): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>${v.title}</h1>
<p class="fr-text--lead">${v.message}</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  ${v.retryHref ? html`<li><a class="fr-btn fr-btn--secondary" href="${v.retryHref}">Répondre à nouveau</a></li>` : ''}
  <li><a class="fr-btn fr-btn--tertiary" href="/">Revenir à l’accueil</a></li>
</ul>
</div></div>`;
}
