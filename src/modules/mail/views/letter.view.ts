import { checkboxGroup, csrfField, errorSummary, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { formValue, textArea } from '../../cases/views/case-common.view.ts';
import { STATUS_LABELS } from '../../cases/vocabulary.ts';
import type { LetterDraft } from '../letter.service.ts';

export interface LetterFormView {
  caseId: string;
  reference: string;
  status: keyof typeof STATUS_LABELS;
  answeredLocalDate: string | null;
  templateName: string | null;
  draft: LetterDraft;
  csrfToken: string;
  /** Formulaire renvoyé après une erreur : la saisie telle quelle et les messages par champ. */
  submitted?: { values: Record<string, unknown>; error: string; fields: Record<string, string> };
}

/** Formulaire de la lettre de réponse (fonctionne sans JavaScript : un envoi, une redirection). */
export function letterFormView(v: LetterFormView): SafeHtml {
  const sent = v.submitted;
  const value = (name: keyof LetterDraft): string => {
    if (sent) return formValue(sent.values, name) ?? '';
    const draft = v.draft[name];
    return typeof draft === 'string' ? draft : '';
  };
  const err = (name: string) => sent?.fields[name];
  const recordAnswer = sent ? formValue(sent.values, 'recordAnswer') === 'on' : v.draft.recordAnswer;
  return html`<h1>Lettre de réponse — dossier ${v.reference}</h1>
<p>Vigie met en page la lettre comme les courriers types de la préfecture : bloc de l’émetteur avec « Affaire suivie par », lieu et date, destinataire, objet, référence à la demande, pièces jointes, contenu, signature du service et coordonnées de la préfecture en pied de page. Elle est enregistrée dans les pièces jointes du dossier en deux fichiers : <strong>DOCX</strong> à retoucher dans un traitement de texte, et <strong>PDF</strong> prêt à imprimer.</p>
${
  v.templateName
    ? html`<div class="fr-callout fr-mb-4w"><p class="fr-callout__text">Contenu pré-rempli à partir du modèle « ${v.templateName} ». Remplacez le passage « [À compléter … ] » par votre réponse.</p></div>`
    : html`<div class="fr-callout fr-mb-4w"><p class="fr-callout__text">Aucun modèle de lettre actif pour ce dossier : rédigez le contenu ci-dessous.</p></div>`
}
${sent ? errorSummary(sent.error, sent.fields) : ''}
<form method="post" action="/registre/${v.caseId}/lettre" novalidate>
  ${csrfField(v.csrfToken)}
  <fieldset class="fr-fieldset" aria-labelledby="lettre-destinataire">
    <legend class="fr-fieldset__legend" id="lettre-destinataire">Destinataire</legend>
    <div class="fr-fieldset__element">${textField({ name: 'recipientName', label: 'Nom du destinataire', hint: 'Par exemple « Madame Camille Martin »', value: value('recipientName'), error: err('recipientName'), autocomplete: 'off' })}</div>
    <div class="fr-fieldset__element">${textArea({ name: 'recipientAddress', label: 'Adresse postale (obligatoire)', hint: 'Une ligne par ligne de l’enveloppe : numéro et voie, complément, code postal et commune. Pré-remplie avec celle du dossier.', rows: 4, value: value('recipientAddress'), error: err('recipientAddress') })}</div>
  </fieldset>
  <fieldset class="fr-fieldset" aria-labelledby="lettre-en-tete">
    <legend class="fr-fieldset__legend" id="lettre-en-tete">En-tête</legend>
    <div class="fr-fieldset__element">${textField({ name: 'subject', label: 'Objet', required: true, value: value('subject'), error: err('subject') })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'followedBy', label: 'Affaire suivie par', hint: 'L’agent que le demandeur peut joindre ; le téléphone et le courriel sont ceux du service.', value: value('followedBy'), error: err('followedBy') })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'enclosures', label: 'Pièce(s) jointe(s)', hint: 'Les documents joints à la lettre, s’il y en a (par exemple « formulaire cerfa n° 13750 »).', value: value('enclosures'), error: err('enclosures') })}</div>
  </fieldset>
  ${textArea({ name: 'body', label: 'Contenu (obligatoire)', hint: 'De la formule d’appel (« Madame, Monsieur, ») à la formule de politesse ; une ligne vide sépare deux paragraphes.', rows: 16, value: value('body'), error: err('body') })}
  ${checkboxGroup({
    name: 'recordAnswer',
    legend: 'Réponse au dossier',
    error: err('recordAnswer'),
    items: [
      {
        value: 'on',
        label: 'Enregistrer cette lettre comme la réponse au dossier',
        hint:
          v.answeredLocalDate !== null
            ? `Le dossier a déjà une réponse, le ${formatDate(v.answeredLocalDate)} (${STATUS_LABELS[v.status].toLowerCase()}) : cochez pour la remplacer par ce courrier du jour.`
            : 'Réponse par courrier, datée d’aujourd’hui : le délai de réponse est calculé et le dossier passe à « Répondu ». Décochez si la lettre part plus tard.',
        checked: recordAnswer,
      },
    ],
  })}
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
    <li><button class="fr-btn" type="submit">Générer la lettre (DOCX et PDF)</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/registre/${v.caseId}">Annuler</a></li>
  </ul>
</form>`;
}
