import { badge, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { CaseRow } from '../../cases/case.repository.ts';
import { textArea } from '../../cases/views/case-common.view.ts';
import type { OutgoingPurpose, OutgoingStatus } from '../mail.table.ts';
import type { OutgoingMailRow } from '../outgoing-mail.repository.ts';
import { SIGNATURE_FORM_LABELS, type SignatureForm } from '../signature.ts';

const PURPOSE_LABELS: Record<OutgoingPurpose, string> = {
  acknowledgment: 'Accusé de réception',
  reorientation: 'Avis de réorientation',
  answer: 'Réponse',
  reminder: 'Rappel',
  other: 'Autre',
};

function statusOf(mail: Pick<OutgoingMailRow, 'status' | 'sent_at' | 'last_error' | 'attempts'>, timeZone: string): HtmlValue {
  const labels: Record<OutgoingStatus, SafeHtml> = {
    pending: badge(
      mail.attempts > 0
        ? `En attente (nouvel essai, ${mail.attempts} tentative${mail.attempts > 1 ? 's' : ''})`
        : 'En attente d’envoi',
      'info',
    ),
    sending: badge('Envoi en cours', 'info'),
    sent: badge('Envoyé', 'success'),
    failed: badge('Échec', 'error'),
  };
  return html`${labels[mail.status]}${mail.status === 'sent' && mail.sent_at ? html`<span class="fr-text--xs"> le ${formatDateTime(mail.sent_at, timeZone)}</span>` : ''}${mail.status !== 'sent' && mail.last_error ? html`<p class="fr-text--xs fr-mb-0">${mail.last_error}</p>` : ''}`;
}

/** Section de la fiche d'un dossier : les courriels du dossier et leur statut dans la file d'envoi. */
export function caseMailsSection(mails: OutgoingMailRow[], timeZone: string): SafeHtml {
  const list = table<OutgoingMailRow>(
    'Courriels du dossier',
    [
      { header: 'Préparé le', cell: (m) => formatDateTime(m.created_at, timeZone) },
      { header: 'Type', cell: (m) => PURPOSE_LABELS[m.purpose] },
      { header: 'Destinataire', cell: (m) => m.to_address },
      { header: 'Objet', cell: (m) => m.subject },
      { header: 'Statut', cell: (m) => statusOf(m, timeZone) },
    ],
    mails,
    'Aucun courriel pour ce dossier.',
  );
  return html`<h2 class="fr-mt-4w" id="courriels">Courriels</h2>
${list}`;
}

export interface CaseEmailView {
  case: Pick<CaseRow, 'id' | 'reference' | 'requester_email' | 'requester_name' | 'subject' | 'status'>;
  templates: { id: string; name: string }[];
  csrfToken: string;
  /** Adresse d'expédition (boîte du fil ou du service) ; nulle : le courriel attendra une boîte. */
  fromAddress: string | null;
  values: { templateId: string; subject: string; body: string; signatureForm: string };
  error?: { message: string; fields: Record<string, string> };
  preview?: { subject: string; bodyText: string; to: string; inReplyTo: string | null };
}

function signatureChoice(value: string, error: string | undefined): SafeHtml {
  const id = 'champ-signatureForm';
  return html`<fieldset class="fr-fieldset${error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${error ? ` ${id}-erreur` : ''}">
  <legend class="fr-fieldset__legend" id="${id}-legende">Signature</legend>
  ${(Object.entries(SIGNATURE_FORM_LABELS) as [SignatureForm, string][]).map(
    ([form, label]) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
    <input type="radio" id="${id}-${form}" name="signatureForm" value="${form}"${value === form ? html` checked` : ''}>
    <label class="fr-label" for="${id}-${form}">${label}</label>
  </div></div>`,
  )}
  ${error ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${error}</p></div>` : ''}
</fieldset>`;
}

/** Page « Répondre par courriel » : choix d'un modèle, rédaction, aperçu exact, envoi (sans JavaScript). */
export function caseEmailView(v: CaseEmailView): SafeHtml {
  const c = v.case;
  const err = (field: string) => v.error?.fields[field];
  const recipient = c.requester_name ? `${c.requester_name} <${c.requester_email}>` : (c.requester_email ?? '');
  if (!c.requester_email) {
    return html`<h1>Répondre par courriel — dossier ${c.reference}</h1>
<div class="fr-alert fr-alert--warning fr-mb-4w"><h2 class="fr-alert__title">Pas d’adresse électronique</h2><p>Ce dossier n’a pas d’adresse électronique du demandeur : répondez par lettre, ou enregistrez la réponse depuis la fiche.</p></div>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/registre/${c.id}">Retour au dossier</a></p>`;
  }
  return html`<h1>Répondre par courriel — dossier ${c.reference}</h1>
<p>À : <strong>${recipient}</strong>${c.subject ? html` — au sujet de « ${c.subject} »` : ''}<br>
De : ${v.fromAddress ?? html`<em>aucune boîte fonctionnelle configurée : le courriel attendra dans la file d’envoi</em>`}</p>
${v.error ? errorSummary(v.error.message, v.error.fields) : ''}
${
  v.preview
    ? html`<section class="fr-callout fr-mb-4w" aria-labelledby="apercu-titre" id="apercu">
  <h2 class="fr-callout__title" id="apercu-titre">Aperçu du courriel tel qu’il partira</h2>
  <p class="fr-text--sm">À : ${v.preview.to}${v.preview.inReplyTo ? ' — dans le fil du message du demandeur' : ''}</p>
  <p><strong>Objet :</strong> ${v.preview.subject}</p>
  <div class="vigie-pre fr-text--sm">${v.preview.bodyText}</div>
</section>`
    : ''
}
<form method="get" action="/registre/${c.id}/courriel" class="fr-mb-4w">
  ${selectField({ name: 'modele', id: 'champ-modele', label: 'Réponse type', hint: 'Remplace l’objet et le texte ci-dessous par ceux du modèle.', value: v.values.templateId, placeholder: 'Sans modèle', options: v.templates.map((t) => ({ value: t.id, label: t.name })) })}
  <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">Utiliser ce modèle</button>
</form>
<form method="post" action="/registre/${c.id}/courriel" novalidate>
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="templateId" value="${v.values.templateId}">
  ${textField({ name: 'subject', label: 'Objet', value: v.values.subject, error: err('subject'), required: true })}
  ${textArea({ name: 'body', label: 'Texte', hint: 'Les variables ({{demandeur.nom}}, {{echeance}}…) sont remplies à l’aperçu et à l’envoi ; la signature choisie est ajoutée à la fin si le texte ne contient pas {{service.signature}}.', rows: 16, value: v.values.body, error: err('body') })}
  ${signatureChoice(v.values.signatureForm, err('signatureForm'))}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn${v.preview ? ' fr-btn--secondary' : ''}" type="submit" name="action" value="preview">${v.preview ? 'Prévisualiser à nouveau' : 'Prévisualiser'}</button></li>
    ${v.preview ? html`<li><button class="fr-btn" type="submit" name="action" value="send">Envoyer</button></li>` : ''}
  </ul>
</form>
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/registre/${c.id}">Retour au dossier</a></p>`;
}
