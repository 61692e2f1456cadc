import { checkboxGroup, csrfField, errorSummary, selectField, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { formValue, formValues, textArea } from '../../cases/views/case-common.view.ts';
import type { ActionChoices, ActionView } from '../action.service.ts';
import { isOriginKind, MANUAL_ORIGIN_KINDS, ORIGIN_KIND_LABELS } from '../action-status.ts';

export interface ActionFormView {
  csrfToken: string;
  choices: ActionChoices;
  /** Action modifiée ; absente : création. */
  action?: ActionView;
  /** Date de création (locale) de l'action modifiée, ou aujourd'hui pour une création. */
  createdOn: string;
  error?: string | undefined;
  fields?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** Formulaire de création et de modification : la saisie refusée est réaffichée telle quelle. */
export function actionFormView(v: ActionFormView): SafeHtml {
  const a = v.action;
  const submitted = v.values !== undefined && v.error !== undefined;
  const val = (name: string, current: string | null | undefined) =>
    submitted ? formValue(v.values, name) : (current ?? undefined);
  const vals = (name: string, current: string[]) => (submitted ? formValues(v.values, name) : current);
  const err = (name: string) => v.fields?.[name];
  const services = vals('serviceIds', a ? a.services.map((s) => s.id) : []);
  const engagements = vals('engagements', a?.engagements ?? []);
  const indicators = vals('indicators', a?.indicators ?? []);
  const originKind = val('originKind', a?.origin_kind ?? 'free') ?? 'free';
  // Une origine née d'un clic (critère, thème, dossier, proposition) reste attachée à sa source.
  const fixedOrigin = a !== undefined && !MANUAL_ORIGIN_KINDS.includes(a.origin_kind as never) && isOriginKind(a.origin_kind);
  const target = a ? `/plan-actions/${a.id}/modifier` : '/plan-actions/nouvelle';
  return html`<h1>${a ? `Modifier l’action n° ${a.number}` : 'Nouvelle action'}</h1>
<p>Les champs marqués « obligatoire » doivent être remplis. L’échéance ne peut pas précéder la date de création de l’action (${formatDate(v.createdOn)}).</p>
${errorSummary(v.error, v.fields)}
<form method="post" action="${target}" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'objective', label: 'Objectif', hint: 'Par exemple : Améliorer la signalétique', value: val('objective', a?.objective), error: err('objective'), required: true })}
  ${textArea({ name: 'description', label: 'Action (obligatoire)', hint: 'Ce qui sera fait, concrètement : « Mise à jour de la signalétique en place (points d’écriture, services disponibles) »', rows: 4, value: val('description', a?.description), error: err('description') })}
  ${textField({ name: 'dueDate', label: 'Échéance', type: 'date', value: val('dueDate', a?.due_date), error: err('dueDate'), required: true })}
  <div id="champ-serviceIds">${checkboxGroup({
    name: 'serviceIds',
    legend: 'Acteur(s) (obligatoire)',
    hint: 'Les services qui mènent l’action : leurs agents la mettent à jour et reçoivent les rappels d’échéance.',
    error: err('serviceIds'),
    items: v.choices.services.map((s) => ({ value: s.id, label: s.name, checked: services.includes(s.id) })),
  })}</div>
  ${
    fixedOrigin && a
      ? html`<input type="hidden" name="originKind" value="${a.origin_kind}">
  <p><strong>Origine :</strong> ${ORIGIN_KIND_LABELS[a.origin_kind as keyof typeof ORIGIN_KIND_LABELS]}</p>`
      : selectField({
          name: 'originKind',
          label: 'Origine',
          hint: 'Une action issue d’un critère d’enquête, d’un thème de réclamations, d’un dossier ou d’une proposition du CLU se crée d’un clic depuis sa source.',
          value: originKind,
          error: err('originKind'),
          options: MANUAL_ORIGIN_KINDS.map((k) => ({ value: k, label: ORIGIN_KIND_LABELS[k] })),
        })
  }
  ${textField({ name: 'originLabel', label: 'Libellé de l’origine', hint: 'Le constat ou la source : « Appels mystères de mai : délais d’attente pour nous joindre »', value: val('originLabel', a?.origin_label), error: err('originLabel') })}
  <div id="champ-engagements">${checkboxGroup({
    name: 'engagements',
    legend: 'Engagements liés',
    hint: 'Engagements du référentiel Qual-e-pref, dans le périmètre de la préfecture.',
    error: err('engagements'),
    items: v.choices.engagements.map((e) => ({
      value: e.code,
      label: `${e.code} — ${e.label}`,
      checked: engagements.includes(e.code),
    })),
  })}</div>
  <div id="champ-indicators">${checkboxGroup({
    name: 'indicators',
    legend: 'Indicateurs liés',
    hint: 'Les indicateurs du catalogue de la préfecture que l’action doit faire progresser.',
    error: err('indicators'),
    items: v.choices.indicators.map((i) => ({ value: i.key, label: i.label, checked: indicators.includes(i.key) })),
  })}</div>
  ${textArea({ name: 'evidenceText', label: 'Preuve', hint: 'Ce qui montre que l’action est faite : compte rendu, lien vers la page mise à jour… Les fichiers s’ajoutent sur la fiche de l’action.', rows: 3, value: val('evidenceText', a?.evidence_text), error: err('evidenceText') })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">${a ? 'Enregistrer les modifications' : 'Créer l’action'}</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="${a ? `/plan-actions/${a.id}` : '/plan-actions'}">Annuler</a></li>
  </ul>
</form>`;
}
