import { csrfField } from '../../../ui/components.ts';
import { formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { QuestionnaireRow } from '../questionnaire.repository.ts';
import {
  COMMENT_DEFAULT_MAX_LENGTH,
  COMMENT_MAX_LENGTH_LIMIT,
  QUESTION_TYPE_LABELS,
  QUESTION_TYPES,
  SURVEYED_CHANNEL_LABELS,
  SURVEYED_CHANNELS,
} from '../questionnaire.ts';
import { describeJsonPath, pathLines, QUESTIONNAIRE_JSON_EXAMPLE } from '../questionnaire-json.ts';

export function questionnaireJsonPath(id: string): string {
  return `/enquetes/questionnaires/${encodeURIComponent(id)}/json`;
}

export interface QuestionnaireJsonView {
  row: QuestionnaireRow;
  responseCount: number;
  /** Faux pour une version archivée ou remplacée : lecture seule. */
  editable: boolean;
  /** Le texte affiché : la définition enregistrée, ou la saisie refusée telle quelle. */
  text: string;
  csrfToken: string;
  error?: string;
  fields?: Record<string, string>;
}

/** Erreurs rattachées à leur chemin dans le JSON (et à la ligne du texte saisi quand on la retrouve). */
function jsonErrors(v: QuestionnaireJsonView): HtmlValue {
  if (!v.error) return '';
  const entries = Object.entries(v.fields ?? {});
  const lineOf = pathLines(v.text);
  return html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="erreurs-json">
  <h2 class="fr-alert__title">${v.error}</h2>
  ${
    entries.length > 0
      ? html`<ul>${entries.map(([path, message]) => {
          if (path === 'definition') return html`<li><a href="#champ-definition">${message}</a></li>`;
          const line = lineOf(path);
          return html`<li><a href="#champ-definition"><code>${describeJsonPath(path)}</code>${line ? ` — ligne ${line}` : ''}</a> : ${message}</li>`;
        })}</ul>`
      : ''
  }
</div>`;
}

function formatHelp(): SafeHtml {
  return html`<h2 id="format">Format</h2>
<p>Un objet JSON (texte en UTF-8, noms et textes entre guillemets doubles). Le format complet, avec chaque règle de contrôle, est décrit dans <code>docs/formats/questionnaire.md</code>.</p>
<ul>
  <li><code>key</code> : identifiant du questionnaire (lettres minuscules sans accent, chiffres et « _ ») ; <code>title</code> : titre affiché aux usagers ; <code>introduction</code> (facultatif) : phrase d’accueil.</li>
  <li><code>surveyedChannel</code> : le canal enquêté, ${SURVEYED_CHANNELS.map((c, i) => html`${i > 0 ? ', ' : ''}<code>${c}</code> (${SURVEYED_CHANNEL_LABELS[c].toLocaleLowerCase('fr')})`)} — une copie garde le sien.</li>
  <li><code>questions</code> : de 1 à 60 questions, dans l’ordre d’affichage. Chacune a une <code>key</code> unique, un <code>type</code>, un <code>label</code>, et au besoin <code>hint</code> (aide), <code>required</code> (<code>true</code> ou <code>false</code>), <code>engagements</code> (numéros du référentiel), <code>showIf</code> (posée seulement après une réponse donnée à une question Oui / Non ou à choix placée avant).</li>
  <li>Types : ${QUESTION_TYPES.map((t, i) => html`${i > 0 ? ', ' : ''}<code>${t}</code> (${QUESTION_TYPE_LABELS[t].toLocaleLowerCase('fr')})`)}.</li>
  <li><code>satisfaction_4</code> mesure obligatoirement un <code>criterion</code> (<code>{ "key", "label" }</code>) rattaché à au moins un engagement ; <code>yes_no</code> peut en mesurer un. Un critère n’est mesuré qu’une fois par questionnaire, et le questionnaire en mesure au moins un.</li>
  <li><code>single_choice</code> et <code>multiple_choice</code> ont des <code>options</code> (de 2 à 30, chacune <code>{ "key", "label" }</code>).</li>
  <li><code>comment</code> : un seul par questionnaire (le seul texte libre) ; <code>maxLength</code> de 10 à ${formatInteger(COMMENT_MAX_LENGTH_LIMIT)} caractères (${formatInteger(COMMENT_DEFAULT_MAX_LENGTH)} par défaut).</li>
</ul>
<h3>Exemple</h3>
<pre class="vigie-code"><code>${QUESTIONNAIRE_JSON_EXAMPLE}</code></pre>`;
}

export function questionnaireJsonView(v: QuestionnaireJsonView): SafeHtml {
  const { row } = v;
  const error = v.fields?.definition;
  const describedBy = ['champ-definition-aide', error ? 'champ-definition-erreur' : ''].filter(Boolean).join(' ');
  return html`<h1>${row.title} <span class="fr-text--lead">— version ${row.version}, définition JSON</span></h1>
<p>Canal enquêté : <strong>${SURVEYED_CHANNEL_LABELS[row.surveyed_channel]}</strong>. Cet écran modifie le questionnaire complet (clés, types, critères, engagements, conditions, options) ; pour les libellés et l’ordre, le <a href="/enquetes/questionnaires/${row.id}">formulaire simple</a> suffit.</p>
${
  !v.editable
    ? html`${jsonErrors(v)}
<div class="fr-alert fr-alert--info fr-mb-3w"><p>${row.archived_at ? 'Ce questionnaire est archivé' : 'Une version plus récente existe'} : cette version reste telle quelle, en lecture seule.</p></div>
<pre class="vigie-code"><code>${v.text}</code></pre>`
    : html`${
        v.responseCount > 0
          ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Ce questionnaire a déjà ${formatInteger(v.responseCount)} réponse${v.responseCount > 1 ? 's' : ''}</h2><p>Il ne sera pas modifié : l’enregistrement crée la version ${row.version + 1}, et les campagnes existantes gardent la version ${row.version}.</p></div>`
          : ''
      }
${jsonErrors(v)}
<form method="post" action="${questionnaireJsonPath(row.id)}" novalidate>
  ${csrfField(v.csrfToken)}
  <div class="fr-input-group${error || v.error ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="champ-definition">Définition complète (JSON)<span class="fr-hint-text" id="champ-definition-aide">Modifiez le texte puis enregistrez : il est contrôlé en entier (format ci-dessous) ; en cas d’erreur, rien n’est enregistré et votre texte reste ici.</span></label>
    <textarea class="fr-input vigie-code${error ? ' fr-input--error' : ''}" id="champ-definition" name="definition" rows="30" spellcheck="false" autocapitalize="off" autocomplete="off"${error ? html` aria-invalid="true"` : ''} aria-describedby="${describedBy}">${v.text}</textarea>
    ${error ? html`<p class="fr-error-text" id="champ-definition-erreur">${error}</p>` : ''}
  </div>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">${v.responseCount > 0 ? `Enregistrer la version ${row.version + 1}` : 'Enregistrer'}</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="/enquetes/questionnaires/${row.id}">Retour au formulaire simple</a></li>
  </ul>
</form>`
}
${formatHelp()}`;
}
