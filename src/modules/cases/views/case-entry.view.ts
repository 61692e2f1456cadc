import { checkboxGroup, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { AUDIENCE_LABELS, CHANNEL_LABELS, KIND_LABELS, TARGET_LABELS } from '../vocabulary.ts';
import { formValue, formValues, options, textArea } from './case-common.view.ts';

export interface FormState {
  error?: string | undefined;
  fields?: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface NewCaseView extends FormState {
  csrfToken: string;
  services: { id: string; name: string }[];
  themes: { id: string; label: string }[];
}

function requesterFields(s: FormState): SafeHtml {
  const f = s.fields ?? {};
  return html`<fieldset class="fr-fieldset" aria-labelledby="demandeur-legende">
  <legend class="fr-fieldset__legend" id="demandeur-legende">Demandeur <span class="fr-hint-text">Facultatif ; données personnelles, jamais exportées.</span></legend>
  <div class="fr-fieldset__element">${textField({ name: 'requesterName', label: 'Nom du demandeur', value: formValue(s.values, 'requesterName'), error: f.requesterName, autocomplete: 'off' })}</div>
  <div class="fr-fieldset__element">${textField({ name: 'requesterEmail', label: 'Adresse électronique du demandeur', type: 'email', value: formValue(s.values, 'requesterEmail'), error: f.requesterEmail, autocomplete: 'off' })}</div>
  <div class="fr-fieldset__element">${textArea({ name: 'requesterAddress', label: 'Adresse postale', rows: 2, value: formValue(s.values, 'requesterAddress'), error: f.requesterAddress })}</div>
</fieldset>`;
}

/** Saisie d'une demande : ordre logique au clavier, premier champ actif, saisie conservée en cas d'erreur. */
export function newCaseView(v: NewCaseView): SafeHtml {
  const f = v.fields ?? {};
  const val = (name: string) => formValue(v.values, name);
  const chosenThemes = new Set(formValues(v.values, 'themeIds'));
  return html`<h1>Enregistrer une demande</h1>
<p>Les champs marqués « obligatoire » doivent être remplis. L’échéance est calculée en jours ouvrés à partir de la date de réception.</p>
${errorSummary(v.error, f)}
<form method="post" action="/registre/nouveau" novalidate>
  ${csrfField(v.csrfToken)}
  <div class="fr-select-group${f.kind ? ' fr-select-group--error' : ''}">
    <label class="fr-label" for="champ-kind">Nature <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span></label>
    <select class="fr-select" id="champ-kind" name="kind" autofocus required${f.kind ? html` aria-invalid="true" aria-describedby="champ-kind-erreur"` : ''}>
      <option value="">Choisir une nature</option>
      ${options(KIND_LABELS).map((o) => html`<option value="${o.value}"${o.value === val('kind') ? html` selected` : ''}>${o.label}</option>`)}
    </select>
    ${f.kind ? html`<p class="fr-error-text" id="champ-kind-erreur">${f.kind}</p>` : ''}
  </div>
  ${selectField({ name: 'channel', label: 'Canal', value: val('channel'), error: f.channel, placeholder: 'Choisir un canal', options: options(CHANNEL_LABELS), required: true })}
  ${selectField({ name: 'audience', label: 'Public', value: val('audience') ?? 'public', error: f.audience, options: options(AUDIENCE_LABELS) })}
  ${selectField({ name: 'target', label: 'Cible (demande de mise à jour seulement)', value: val('target'), error: f.target, placeholder: 'Sans objet', options: options(TARGET_LABELS) })}
  ${selectField({ name: 'serviceId', label: 'Service', value: val('serviceId'), error: f.serviceId, placeholder: 'Aucun service', options: v.services.map((s) => ({ value: s.id, label: s.name })) })}
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-6">${textField({ name: 'receivedAt', label: 'Date de réception', type: 'date', value: val('receivedAt'), error: f.receivedAt, required: true })}</div>
    <div class="fr-col-12 fr-col-md-6">${textField({ name: 'receivedTime', label: 'Heure de réception', hint: 'Facultative, HH:MM (heure locale)', value: val('receivedTime'), error: f.receivedTime })}</div>
  </div>
  ${requesterFields(v)}
  ${textField({ name: 'subject', label: 'Objet', value: val('subject'), error: f.subject })}
  ${textArea({ name: 'body', label: 'Texte de la demande', rows: 6, value: val('body'), error: f.body })}
  ${checkboxGroup({
    name: 'themeIds',
    legend: 'Thèmes',
    error: f.themeIds,
    items: v.themes.map((t) => ({ value: t.id, label: t.label, checked: chosenThemes.has(t.id) })),
  })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit" name="suite" value="detail">Enregistrer</button></li>
    <li><button class="fr-btn fr-btn--secondary" type="submit" name="suite" value="continuer">Saisir et continuer</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="/registre">Annuler</a></li>
  </ul>
</form>`;
}

/** Natures proposées pour un formulaire d'urne (tout autre contenu est traité comme un courrier). */
export const URN_KINDS = ['complaint', 'suggestion', 'thanks', 'information_request', 'out_of_scope'] as const;

export interface UrnStartView extends FormState {
  services: { id: string; name: string }[];
  today: string;
}

/** Étape 1 de la relève : la date de relève et le service, par un simple formulaire GET. */
export function urnStartView(v: UrnStartView): SafeHtml {
  const f = v.fields ?? {};
  return html`<h1>Relève de l’urne</h1>
<p>Indiquez la date de relève : elle sert de date de réception à chaque formulaire saisi (délai de 10 jours ouvrés). Vous saisirez ensuite les formulaires l’un après l’autre.</p>
${errorSummary(v.error, f)}
<form method="get" action="/registre/urne" novalidate>
  ${textField({ name: 'releve', id: 'champ-collectedAt', label: 'Date de relève', type: 'date', value: formValue(v.values, 'releve') ?? v.today, error: f.collectedAt, required: true })}
  ${selectField({ name: 'service', id: 'champ-serviceId', label: 'Service destinataire', value: formValue(v.values, 'service'), error: f.serviceId, placeholder: 'Aucun service', options: v.services.map((s) => ({ value: s.id, label: s.name })) })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Commencer la saisie</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="/registre">Annuler</a></li>
  </ul>
</form>`;
}

export interface UrnRoundView extends FormState {
  csrfToken: string;
  collectedAt: string;
  service: { id: string; name: string } | null;
  created: { id: string; reference: string; kind: string }[];
}

/** Étape 2 : un formulaire d'urne après l'autre ; la relève et les références saisies voyagent en champs cachés. */
export function urnRoundView(v: UrnRoundView): SafeHtml {
  const f = v.fields ?? {};
  const val = (name: string) => formValue(v.values, name);
  const n = v.created.length;
  const endLink = `/registre?channel=urn&from=${v.collectedAt}&to=${v.collectedAt}`;
  return html`<h1>Relève de l’urne du ${formatDate(v.collectedAt)}</h1>
<p>Service : ${v.service?.name ?? 'aucun service'}. <a href="/registre/urne">Changer de relève</a></p>
<div class="fr-callout fr-mb-3w">
  <p class="fr-callout__title" role="status">${n} formulaire${n > 1 ? 's' : ''} saisi${n > 1 ? 's' : ''} pour la relève du ${formatDate(v.collectedAt)}</p>
  ${
    n > 0
      ? table(
          'Formulaires saisis pour cette relève',
          [
            {
              header: 'Référence',
              cell: (c: UrnRoundView['created'][number]) => html`<a href="/registre/${c.id}">${c.reference}</a>`,
            },
            {
              header: 'Nature',
              cell: (c: UrnRoundView['created'][number]) => KIND_LABELS[c.kind as keyof typeof KIND_LABELS] ?? c.kind,
            },
          ],
          v.created,
          '',
        )
      : ''
  }
  <p class="fr-mt-2w"><a class="fr-btn fr-btn--secondary" href="${endLink}">Terminer la relève</a></p>
</div>
${errorSummary(v.error, f)}
<form method="post" action="/registre/urne" novalidate>
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="collectedAt" value="${v.collectedAt}">
  <input type="hidden" name="serviceId" value="${v.service?.id ?? ''}">
  <input type="hidden" name="refs" value="${v.created.map((c) => c.reference).join(',')}">
  <h2>Formulaire n° ${n + 1}</h2>
  <div class="fr-select-group${f.kind ? ' fr-select-group--error' : ''}">
    <label class="fr-label" for="champ-kind">Nature</label>
    <select class="fr-select" id="champ-kind" name="kind" autofocus${f.kind ? html` aria-invalid="true" aria-describedby="champ-kind-erreur"` : ''}>
      ${URN_KINDS.map((k) => html`<option value="${k}"${k === (val('kind') ?? 'complaint') ? html` selected` : ''}>${k === 'information_request' ? 'Autre demande (traitée comme un courrier)' : KIND_LABELS[k]}</option>`)}
    </select>
    ${f.kind ? html`<p class="fr-error-text" id="champ-kind-erreur">${f.kind}</p>` : ''}
  </div>
  ${textField({ name: 'subject', label: 'Objet', value: val('subject'), error: f.subject })}
  ${textArea({ name: 'body', label: 'Texte du formulaire', rows: 5, value: val('body'), error: f.body })}
  ${textField({ name: 'depositedAt', label: 'Date de dépôt', hint: 'Facultative, si elle figure sur le formulaire (AAAA-MM-JJ)', type: 'date', value: val('depositedAt'), error: f.depositedAt })}
  ${requesterFields(v)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Enregistrer et saisir le suivant</button></li>
  </ul>
</form>`;
}
