import { csrfField, errorSummary, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';

/** Natures proposées au public (le reste est qualifié par les agents). */
export const PUBLIC_KINDS = [
  { value: 'complaint', label: 'Réclamation', hint: 'Vous n’êtes pas satisfait d’un service rendu par la préfecture.' },
  { value: 'suggestion', label: 'Suggestion', hint: 'Une idée pour améliorer l’accueil ou les démarches.' },
  { value: 'information_request', label: 'Demande d’information', hint: 'Une question sur une démarche ou un service.' },
] as const;

export const PUBLIC_BODY_MAX = 5_000;

export interface PublicOrganisation {
  slug: string;
  name: string;
}

export interface PublicFormPageView {
  organisation: PublicOrganisation;
  csrfToken: string;
  retentionMonths: number;
  values?: Record<string, unknown>;
  error?: string;
  fields?: Record<string, string>;
}

export function publicFormPath(slug: string): string {
  return `/o/${encodeURIComponent(slug)}/reclamation`;
}

function submitted(values: Record<string, unknown> | undefined, name: string): string {
  const raw = values?.[name];
  return typeof raw === 'string' ? raw : '';
}

/** Mention d'information (RGPD, article 13) : ce qui est gardé, combien de temps, qui le lit. */
export function personalDataNotice(organisationName: string, retentionMonths: number): SafeHtml {
  return html`<div class="fr-callout fr-mb-3w" id="donnees-personnelles">
  <h2 class="fr-callout__title fr-h6">Vos données personnelles</h2>
  <p class="fr-callout__text fr-text--sm">${organisationName} enregistre votre message, votre nom et vos coordonnées dans son registre des réclamations et des demandes, pour vous répondre et pour suivre la qualité de son service. Seuls les agents habilités de la préfecture les lisent. Ces données sont effacées ${retentionMonths} mois après la clôture de votre demande ; seules des statistiques anonymes (nature, date, délai de réponse) sont gardées. Pour en savoir plus et exercer vos droits : <a href="/donnees-personnelles">données personnelles</a>.</p>
</div>`;
}

function textArea(o: {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  hint: string;
  required?: boolean;
  rows: number;
  maxLength: number;
}): SafeHtml {
  const id = `champ-${o.name}`;
  const describedBy = [`${id}-aide`, o.error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${id}">${o.label}${o.required ? html` <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span>` : ''}<span class="fr-hint-text" id="${id}-aide">${o.hint}</span></label>
  <textarea class="fr-input${o.error ? ' fr-input--error' : ''}" id="${id}" name="${o.name}" rows="${o.rows}" maxlength="${o.maxLength}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true"` : ''} aria-describedby="${describedBy}">${o.value}</textarea>
  ${o.error ? html`<p class="fr-error-text" id="${id}-erreur">${o.error}</p>` : ''}
</div>`;
}

function kindRadios(selected: string, error: string | undefined): SafeHtml {
  const id = 'champ-kind';
  return html`<fieldset class="fr-fieldset${error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${error ? ` ${id}-erreur` : ''}">
  <legend class="fr-fieldset__legend" id="${id}-legende">Votre message est <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span></legend>
  ${PUBLIC_KINDS.map(
    (kind, index) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
    <input type="radio" id="${id}-${index}" name="kind" value="${kind.value}"${selected === kind.value ? html` checked` : ''} aria-describedby="${id}-${index}-aide">
    <label class="fr-label" for="${id}-${index}">${kind.label}<span class="fr-hint-text" id="${id}-${index}-aide">${kind.hint}</span></label>
  </div></div>`,
  )}
  ${error ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${error}</p></div>` : ''}
</fieldset>`;
}

export function publicFormView(v: PublicFormPageView): SafeHtml {
  const fields = v.fields ?? {};
  const value = (name: string) => submitted(v.values, name);
  const path = publicFormPath(v.organisation.slug);
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Réclamation, suggestion ou demande d’information</h1>
<p class="fr-text--lead">${v.organisation.name} vous répond par écrit sous 5 jours ouvrés.</p>
<p>Les champs marqués « obligatoire » doivent être remplis. Vous préférez le papier ? <a href="${path}/formulaire.pdf" download>Télécharger le formulaire à imprimer (PDF, 1 page)</a>, à déposer dans l’urne de l’accueil.</p>
${errorSummary(v.error, fields)}
<form method="post" action="${path}" novalidate>
  ${csrfField(v.csrfToken)}
  ${kindRadios(value('kind'), fields.kind)}
  ${textField({ name: 'subject', label: 'Objet', value: value('subject'), error: fields.subject, hint: 'En quelques mots (300 caractères au plus).' })}
  ${textArea({
    name: 'body',
    label: 'Votre message',
    value: value('body'),
    error: fields.body,
    hint: `Décrivez la situation : date, service ou guichet concerné, démarche (${PUBLIC_BODY_MAX.toLocaleString('fr-FR')} caractères au plus). N’y mettez pas d’informations sensibles (santé, opinions…) ni de numéro de titre de séjour complet.`,
    required: true,
    rows: 8,
    maxLength: PUBLIC_BODY_MAX,
  })}
  <fieldset class="fr-fieldset" id="groupe-coordonnees" aria-labelledby="groupe-coordonnees-legende">
    <legend class="fr-fieldset__legend" id="groupe-coordonnees-legende">Vos coordonnées<span class="fr-hint-text">Facultatives, mais sans adresse électronique ni adresse postale, nous ne pourrons pas vous répondre.</span></legend>
    <div class="fr-fieldset__element">${textField({ name: 'requesterName', label: 'Nom et prénom', value: value('requesterName'), error: fields.requesterName, autocomplete: 'name' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'requesterEmail', label: 'Adresse électronique', type: 'email', value: value('requesterEmail'), error: fields.requesterEmail, hint: 'Nécessaire pour recevoir la réponse par courriel. Format attendu : nom@domaine.fr', autocomplete: 'email' })}</div>
    <div class="fr-fieldset__element">${textArea({ name: 'requesterAddress', label: 'Adresse postale', value: value('requesterAddress'), error: fields.requesterAddress, hint: 'Pour une réponse par courrier.', rows: 3, maxLength: 500 })}</div>
  </fieldset>
  <div class="fr-sr-only">
    <label for="champ-site">Ne pas remplir ce champ</label>
    <input type="text" id="champ-site" name="site" value="" tabindex="-1" autocomplete="off">
  </div>
  ${personalDataNotice(v.organisation.name, v.retentionMonths)}
  <button class="fr-btn" type="submit">Envoyer</button>
</form>
</div></div>`;
}

export interface PublicFormDoneView {
  organisation: PublicOrganisation;
  reference: string | null;
  dueDate: string | null;
  workingDays: number;
  hasContact: boolean;
}

export function publicFormDoneView(v: PublicFormDoneView): SafeHtml {
  const due: HtmlValue = v.dueDate
    ? html`<p>Réponse sous ${v.workingDays} jours ouvrés, au plus tard le <strong>${formatDate(v.dueDate)}</strong>.</p>`
    : '';
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Message envoyé</h1>
<div class="fr-alert fr-alert--success fr-mb-3w">
  <h2 class="fr-alert__title">${v.organisation.name} a bien reçu votre message.</h2>
  ${v.reference ? html`<p>Sa référence : <strong>${v.reference}</strong>. Notez-la : elle vous sera demandée si vous nous recontactez.</p>` : html`<p>Il sera traité dans les meilleurs délais.</p>`}
</div>
${due}
${v.hasContact ? '' : html`<p>Vous n’avez laissé ni adresse électronique ni adresse postale : nous ne pourrons pas vous répondre directement, mais votre message sera lu et pris en compte.</p>`}
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn fr-btn--secondary" href="${publicFormPath(v.organisation.slug)}">Envoyer un autre message</a></li>
  <li><a class="fr-btn fr-btn--tertiary" href="/">Revenir à l’accueil</a></li>
</ul>
</div></div>`;
}

export function organisationChoiceView(organisations: PublicOrganisation[]): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Réclamation, suggestion ou demande d’information</h1>
${
  organisations.length === 0
    ? html`<p>Aucune préfecture n’est encore enregistrée sur ce service.</p>`
    : html`<p>Choisissez la préfecture à laquelle vous écrivez :</p>
<ul>${organisations.map((o) => html`<li><a href="${publicFormPath(o.slug)}">${o.name}</a></li>`)}</ul>`
}
</div></div>`;
}
