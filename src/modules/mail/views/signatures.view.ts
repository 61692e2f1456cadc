import { csrfField, errorSummary, textField } from '../../../ui/components.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { formValue } from '../../cases/views/case-common.view.ts';
import type { ServiceSignatureForms } from '../template.service.ts';

export interface SignaturesView {
  items: ServiceSignatureForms[];
  csrfToken: string;
  /** Le formulaire resoumis avec une erreur (un seul à la fois). */
  form?: { serviceId: string; error: string; fields: Record<string, string>; values: Record<string, unknown> };
}

/** Zone de texte à identifiant choisi (plusieurs formulaires semblables sur la page). */
function area(o: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  value?: string | undefined;
  error?: string | undefined;
}) {
  const described = [o.hint ? `${o.id}-aide` : '', o.error ? `${o.id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${o.id}">${o.label}${o.hint ? html`<span class="fr-hint-text" id="${o.id}-aide">${o.hint}</span>` : ''}</label>
  <textarea class="fr-input${o.error ? ' fr-input--error' : ''}" id="${o.id}" name="${o.name}" rows="3"${o.error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>${o.value ?? ''}</textarea>
  ${o.error ? html`<p class="fr-error-text" id="${o.id}-erreur">${o.error}</p>` : ''}
</div>`;
}

export function signaturesView(v: SignaturesView): SafeHtml {
  const section = (item: ServiceSignatureForms) => {
    const id = item.service.id;
    const mine = v.form?.serviceId === id ? v.form : undefined;
    const value = (field: string, stored: string | null | undefined) =>
      mine ? formValue(mine.values, field) : (stored ?? undefined);
    const err = (field: string) => mine?.fields[field];
    // Les identifiants des champs sont préfixés par le service : plusieurs formulaires sur la page.
    const fieldId = (name: string) => `champ-${id}-${name}`;
    return html`<section class="fr-mt-6w" aria-labelledby="service-${id}" id="signature-${id}">
  <h2 id="service-${id}">${item.service.name}</h2>
  ${mine ? errorSummary(mine.error, Object.fromEntries(Object.entries(mine.fields).map(([k, m]) => [`${id}-${k}`, m]))) : ''}
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-6">
      <form method="post" action="/courrier/signatures/${id}" novalidate>
        ${csrfField(v.csrfToken)}
        ${area({ id: fieldId('serviceLabel'), name: 'serviceLabel', label: 'Bureau ou service', hint: 'Une information par ligne (bureau, pôle, direction). Vide : le nom du service.', value: value('serviceLabel', item.stored?.service_label), error: err('serviceLabel') })}
        ${area({ id: fieldId('postalAddress'), name: 'postalAddress', label: 'Adresse postale', value: value('postalAddress', item.stored?.postal_address), error: err('postalAddress') })}
        ${textField({ id: fieldId('phone'), name: 'phone', label: 'Téléphone', value: value('phone', item.stored?.phone), error: err('phone') })}
        ${textField({ id: fieldId('website'), name: 'website', label: 'Site internet', value: value('website', item.stored?.website), error: err('website') })}
        <button class="fr-btn" type="submit">Enregistrer<span class="fr-sr-only"> la signature de ${item.service.name}</span></button>
      </form>
    </div>
    <div class="fr-col-12 fr-col-md-6">
      <h3 class="fr-h6">Boîte fonctionnelle</h3>
      <p class="vigie-pre fr-text--sm">${item.previews.functional}</p>
      <h3 class="fr-h6">Boîte individuelle</h3>
      <p class="vigie-pre fr-text--sm">${item.previews.individual}</p>
    </div>
  </div>
</section>`;
  };
  return html`<h1>Signatures des services</h1>
<p>Chaque courriel part avec un bloc de signature complet, sous l’une des deux formes présentées aux comités locaux des usagers : <strong>boîte fonctionnelle</strong> (service, préfecture, adresse, téléphone, courriel, site) ou <strong>boîte individuelle</strong> (le nom et la fonction de l’agent en plus). Les e-mails mystères relevaient des « signatures parfois partielles » : renseignez chaque service.</p>
${v.items.length === 0 ? html`<p>Aucun service : ajoutez d’abord les services de la préfecture (page Organisation).</p>` : v.items.map(section)}
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/courrier/modeles">Modèles de réponse</a></p>`;
}
