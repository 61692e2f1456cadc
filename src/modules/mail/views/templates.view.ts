import { badge, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { formValue, options, textArea } from '../../cases/views/case-common.view.ts';
import { type CaseKind, KIND_LABELS } from '../../cases/vocabulary.ts';
import type { MailTemplateRow } from '../template.repository.ts';
import { PURPOSE_LABELS, TEMPLATE_PURPOSES } from '../template.schemas.ts';
import { TEMPLATE_VARIABLES } from '../template.ts';

const PURPOSE_HINTS: Record<(typeof TEMPLATE_PURPOSES)[number], string> = {
  acknowledgment:
    'Envoyés automatiquement à chaque message relevé. Choix : le modèle du service et de la nature du dossier, puis celui de la nature, puis celui du service, puis le modèle général.',
  reorientation: 'Envoyés au demandeur quand un agent réoriente son dossier vers le service compétent.',
  answer: 'Proposés à l’agent qui répond par courriel ; il les complète avant l’envoi.',
  letter: 'Corps des réponses sur papier (la mise en page de la lettre est faite par Vigie).',
};

export interface TemplateListView {
  templates: MailTemplateRow[];
  services: { id: string; name: string }[];
  csrfToken: string;
}

function filtersOf(t: MailTemplateRow, services: { id: string; name: string }[]): string {
  const parts = [
    t.case_kind ? `Nature : ${KIND_LABELS[t.case_kind as CaseKind] ?? t.case_kind}` : '',
    t.service_id ? `Service : ${services.find((s) => s.id === t.service_id)?.name ?? 'service supprimé'}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' ; ') : 'Modèle général';
}

export function templateListView(v: TemplateListView): SafeHtml {
  return html`<h1>Modèles de réponse</h1>
<p>Les modèles contiennent des variables entre doubles accolades, comme <code>{{dossier.reference}}</code> ou <code>{{echeance}}</code>, remplies pour chaque dossier. Une variable inconnue est refusée à l’enregistrement.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/courrier/modeles/nouveau">Nouveau modèle</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/courrier/signatures">Signatures des services</a></li>
</ul>
${TEMPLATE_PURPOSES.map((purpose) => {
  const rows = v.templates.filter((t) => t.purpose === purpose);
  return html`<h2 class="fr-mt-5w" id="usage-${purpose}">${PURPOSE_LABELS[purpose]}</h2>
<p class="fr-text--sm">${PURPOSE_HINTS[purpose]}</p>
${table<MailTemplateRow>(
  PURPOSE_LABELS[purpose],
  [
    { header: 'Modèle', cell: (t) => html`<a href="/courrier/modeles/${t.id}">${t.name}</a>` },
    { header: 'Choisi pour', cell: (t) => filtersOf(t, v.services) },
    { header: 'État', cell: (t) => (t.archived_at ? badge('Archivé', 'warning') : badge('Actif', 'success')) },
    {
      header: 'Actions',
      cell: (t) => html`<form method="post" action="/courrier/modeles/${t.id}/archiver" class="vigie-inline-form">
      ${csrfField(v.csrfToken)}
      <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">${t.archived_at ? 'Rétablir' : 'Archiver'}<span class="fr-sr-only"> le modèle ${t.name}</span></button>
    </form>`,
    },
  ],
  rows,
  'Aucun modèle.',
)}`;
})}`;
}

/** Aide : la liste des variables, leur sens et un exemple. */
export function variablesHelp(): SafeHtml {
  return html`<div class="fr-mt-3w">${table<(typeof TEMPLATE_VARIABLES)[number]>(
    'Variables disponibles',
    [
      { header: 'Variable', cell: (v) => html`<code>{{${v.name}}}</code>` },
      { header: 'Remplacée par', cell: (v) => v.description },
      { header: 'Exemple', cell: (v) => html`<span class="vigie-pre">${v.example}</span>` },
    ],
    [...TEMPLATE_VARIABLES],
    'Aucune variable.',
  )}</div>`;
}

export interface TemplateFormView {
  template: MailTemplateRow | null;
  services: { id: string; name: string }[];
  csrfToken: string;
  /** Saisie à réafficher (erreur ou aperçu) ; sinon le modèle enregistré. */
  values?: Record<string, unknown>;
  error?: { message: string; fields: Record<string, string> };
  preview?: { subject: string; body: string };
  defaultPurpose?: string;
}

/** L'aperçu, marqué comme tel : ce sont des valeurs d'exemple, jamais un vrai dossier. */
export function examplePreview(preview: { subject: string; body: string }): SafeHtml {
  return html`<section class="fr-callout fr-mb-4w" aria-labelledby="apercu-titre" id="apercu">
  <h2 class="fr-callout__title" id="apercu-titre">Aperçu avec des valeurs d’exemple</h2>
  <p class="fr-text--sm">${badge('Exemple', 'new')} Les variables sont remplies avec des valeurs fictives (dossier 2026-00042, Camille Martin…) : ce n’est pas un vrai dossier.</p>
  <p><strong>Objet :</strong> ${preview.subject}</p>
  <div class="vigie-pre fr-text--sm">${preview.body}</div>
</section>`;
}

export function templateFormView(v: TemplateFormView): SafeHtml {
  const t = v.template;
  const value = (field: string, stored: string | null | undefined): string | undefined =>
    v.values ? formValue(v.values, field) : (stored ?? undefined);
  const err = (field: string): string | undefined => v.error?.fields[field];
  const action = t ? `/courrier/modeles/${t.id}` : '/courrier/modeles';
  const title = t ? `Modifier le modèle « ${t.name} »` : 'Nouveau modèle';
  const archived: HtmlValue = t?.archived_at
    ? html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>Ce modèle est archivé : il n’est plus choisi ni proposé. Rétablissez-le depuis la liste des modèles.</p></div>`
    : '';
  return html`<h1>${title}</h1>
${archived}
${v.error ? errorSummary(v.error.message, v.error.fields) : ''}
${v.preview ? examplePreview(v.preview) : ''}
<form method="post" action="${action}" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'name', label: 'Nom du modèle', value: value('name', t?.name), error: err('name'), required: true })}
  ${selectField({ name: 'purpose', label: 'Usage', value: value('purpose', t?.purpose ?? v.defaultPurpose), error: err('purpose'), options: options(PURPOSE_LABELS) })}
  ${selectField({ name: 'caseKind', label: 'Nature du dossier', hint: 'Pour le choix automatique ; laissez « Toutes natures » pour un modèle général.', value: value('caseKind', t?.case_kind), error: err('caseKind'), placeholder: 'Toutes natures', options: options(KIND_LABELS) })}
  ${selectField({ name: 'serviceId', label: 'Service', hint: 'Pour le choix automatique ; laissez « Tous les services » pour un modèle général.', value: value('serviceId', t?.service_id), error: err('serviceId'), placeholder: 'Tous les services', options: v.services.map((s) => ({ value: s.id, label: s.name })) })}
  ${textField({ name: 'subject', label: 'Objet', value: value('subject', t?.subject), error: err('subject'), required: true })}
  ${textArea({ name: 'body', label: 'Texte', hint: 'Texte brut ; {{service.signature}} place le bloc de signature complet.', rows: 18, value: value('body', t?.body), error: err('body') })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit" name="action" value="save">Enregistrer le modèle</button></li>
    <li><button class="fr-btn fr-btn--secondary" type="submit" name="action" value="preview">Prévisualiser</button></li>
  </ul>
</form>
<h2 class="fr-mt-5w">Aide : les variables</h2>
${variablesHelp()}
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/courrier/modeles">Retour aux modèles</a></p>`;
}
