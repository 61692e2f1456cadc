import { csrfField, errorSummary, selectField, textField } from '../../../ui/components.ts';
import { formatBytes, formatDate, formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { formValue, textArea } from '../../cases/views/case-common.view.ts';
import type { ActionView } from '../action.service.ts';
import { ACTION_STATUS_LABELS, ACTION_STATUSES, isOpen } from '../action-status.ts';
import { actionStatusBadge, originText, overdueBadge } from './action-common.view.ts';

export type ActionDetailForm = 'status' | 'evidence' | 'file';

export interface ActionDetailView {
  action: ActionView;
  files: { id: string; filename: string; content_type: string; size: number; created_at: string }[];
  today: string;
  createdOn: string;
  timeZone: string;
  /** Libellés des engagements et indicateurs liés (code → libellé). */
  engagementLabels: Record<string, string>;
  indicatorLabels: Record<string, string>;
  /** Référent : modifier, supprimer. */
  canManage: boolean;
  /** Référent ou agent d'un service acteur : statut et preuves. */
  canUpdate: boolean;
  csrfToken: string;
  form?: { name: ActionDetailForm; error: string; fields: Record<string, string>; values: Record<string, unknown> };
}

const TYPE_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
};

function row(label: string, value: HtmlValue): SafeHtml {
  return html`<tr><th scope="row">${label}</th><td>${value === null || value === undefined || value === '' ? '—' : value}</td></tr>`;
}

function statusForm(v: ActionDetailView): SafeHtml {
  const a = v.action;
  const mine = v.form?.name === 'status' ? v.form : undefined;
  const val = (name: string, current: string | null) => (mine ? formValue(mine.values, name) : (current ?? undefined));
  return html`<section class="fr-mt-4w" aria-labelledby="changer-statut">
  <h2 id="changer-statut">Changer le statut</h2>
  ${mine ? errorSummary(mine.error, mine.fields) : ''}
  <form method="post" action="/plan-actions/${a.id}/statut" novalidate>
    ${csrfField(v.csrfToken)}
    ${selectField({ name: 'status', label: 'Statut', value: val('status', a.status), error: mine?.fields.status, options: ACTION_STATUSES.map((s) => ({ value: s, label: ACTION_STATUS_LABELS[s] })) })}
    ${textField({ name: 'completedOn', label: 'Réalisée le', type: 'date', hint: 'Pour le statut « Réalisée » ; aujourd’hui si vide.', value: val('completedOn', a.completed_on), error: mine?.fields.completedOn })}
    ${textArea({ name: 'abandonReason', label: 'Motif d’abandon', hint: 'Obligatoire pour le statut « Abandonnée ».', rows: 3, value: val('abandonReason', a.abandon_reason), error: mine?.fields.abandonReason })}
    <button class="fr-btn" type="submit">Enregistrer le statut</button>
  </form>
</section>`;
}

function evidenceSection(v: ActionDetailView): SafeHtml {
  const a = v.action;
  const textForm = v.form?.name === 'evidence' ? v.form : undefined;
  const fileForm = v.form?.name === 'file' ? v.form : undefined;
  const fileError = fileForm?.fields.file;
  const list =
    v.files.length === 0
      ? html`<p>Aucune pièce justificative.</p>`
      : html`<div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>Pièces justificatives de l’action</caption>
  <thead><tr><th scope="col">Fichier</th><th scope="col">Type</th><th scope="col">Taille</th><th scope="col">Ajoutée le</th>${v.canUpdate ? html`<th scope="col">Action</th>` : ''}</tr></thead>
  <tbody>${v.files.map(
    (f) => html`<tr>
    <td><a class="fr-link" href="/plan-actions/${a.id}/preuves/${f.id}" download>${f.filename}</a></td>
    <td>${TYPE_LABELS[f.content_type] ?? f.content_type}</td>
    <td>${formatBytes(f.size)}</td>
    <td>${formatDateTime(f.created_at, v.timeZone)}</td>
    ${
      v.canUpdate
        ? html`<td><form method="post" action="/plan-actions/${a.id}/preuves/${f.id}/supprimer">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Supprimer<span class="fr-sr-only"> ${f.filename}</span></button></form></td>`
        : ''
    }
  </tr>`,
  )}</tbody>
</table>
</div></div></div></div>`;
  return html`<h2 class="fr-mt-4w" id="preuves">Preuves</h2>
<p class="vigie-pre">${a.evidence_text ?? 'Aucune preuve écrite pour l’instant.'}</p>
${list}
${
  v.canUpdate
    ? html`<section class="fr-mt-3w" aria-labelledby="preuve-texte">
  <h3 id="preuve-texte">Décrire la preuve</h3>
  ${textForm ? errorSummary(textForm.error, textForm.fields) : ''}
  <form method="post" action="/plan-actions/${a.id}/preuve" novalidate>
    ${csrfField(v.csrfToken)}
    ${textArea({ name: 'evidenceText', label: 'Preuve', hint: 'Compte rendu, lien vers la page mise à jour, date de la formation…', rows: 3, value: textForm ? formValue(textForm.values, 'evidenceText') : (a.evidence_text ?? undefined), error: textForm?.fields.evidenceText })}
    <button class="fr-btn fr-btn--secondary" type="submit">Enregistrer la preuve</button>
  </form>
</section>
<section class="fr-mt-3w" aria-labelledby="preuve-fichier">
  <h3 id="preuve-fichier">Joindre une pièce justificative</h3>
  ${fileForm ? errorSummary(fileForm.error, fileForm.fields) : ''}
  <form method="post" action="/plan-actions/${a.id}/preuves" enctype="multipart/form-data" novalidate>
    ${csrfField(v.csrfToken)}
    <div class="fr-upload-group${fileError ? ' fr-upload-group--error' : ''} fr-mb-3w">
      <label class="fr-label" for="champ-file">Pièce justificative (compte rendu, photo de la signalétique…)<span class="fr-hint-text" id="champ-file-aide">PDF, JPEG, PNG ou TIFF, 10 Mo au plus.</span></label>
      <input class="fr-upload" type="file" id="champ-file" name="file" accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/jpeg,image/png,image/tiff" aria-describedby="champ-file-aide${fileError ? ' champ-file-erreur' : ''}"${fileError ? html` aria-invalid="true"` : ''}>
      ${fileError ? html`<p class="fr-error-text" id="champ-file-erreur">${fileError}</p>` : ''}
    </div>
    <button class="fr-btn fr-btn--secondary" type="submit">Joindre le fichier</button>
  </form>
</section>`
    : ''
}`;
}

export function actionDetailView(v: ActionDetailView): SafeHtml {
  const a = v.action;
  const linkList = (codes: string[], labels: Record<string, string>, prefix: string) =>
    codes.length === 0
      ? ''
      : html`<ul>${codes.map((c) => html`<li>${prefix}${c}${labels[c] ? ` — ${labels[c]}` : ''}</li>`)}</ul>`;
  return html`<h1>Action n° ${a.number}</h1>
<ul class="fr-badges-group fr-mb-3w"><li>${actionStatusBadge(a.status)}</li>${isOpen(a.status) && a.due_date < v.today ? html`<li>${overdueBadge(a, v.today)}</li>` : ''}</ul>
<div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>Fiche de l’action n° ${a.number}</caption>
  <tbody>
    ${row('Objectif', a.objective)}
    ${row('Action', html`<span class="vigie-pre">${a.description}</span>`)}
    ${row('Acteur(s)', a.services.length > 0 ? a.services.map((s) => s.name).join(', ') : 'à désigner')}
    ${row('Échéance', html`${formatDate(a.due_date)}${isOpen(a.status) && a.due_date < v.today ? ' (dépassée)' : ''}`)}
    ${row('Statut', html`${actionStatusBadge(a.status)}${a.completed_on ? ` le ${formatDate(a.completed_on)}` : ''}`)}
    ${a.status === 'abandoned' ? row('Motif d’abandon', html`<span class="vigie-pre">${a.abandon_reason}</span>`) : ''}
    ${row('Origine', originText(a))}
    ${row('Engagements liés', linkList(a.engagements, v.engagementLabels, 'Engagement '))}
    ${row('Indicateurs liés', linkList(a.indicators, v.indicatorLabels, ''))}
    ${row('Créée le', formatDate(v.createdOn))}
    ${row('Rappels envoyés', [a.reminder_before_sent_at ? `avant l’échéance le ${formatDateTime(a.reminder_before_sent_at, v.timeZone)}` : '', a.reminder_after_sent_at ? `après l’échéance le ${formatDateTime(a.reminder_after_sent_at, v.timeZone)}` : ''].filter(Boolean).join(' ; '))}
  </tbody>
</table>
</div></div></div></div>
${
  v.canManage
    ? html`<ul class="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
  <li><a class="fr-btn fr-btn--secondary" href="/plan-actions/${a.id}/modifier">Modifier l’action</a></li>
</ul>`
    : ''
}
${v.canUpdate ? statusForm(v) : ''}
${evidenceSection(v)}
${
  v.canManage
    ? html`<section class="fr-mt-6w" aria-labelledby="supprimer-action">
  <h2 id="supprimer-action">Supprimer l’action</h2>
  <p>La suppression efface l’action et ses pièces justificatives. Pour garder la trace d’une action qui ne sera pas menée, choisissez plutôt le statut « Abandonnée » avec son motif.</p>
  <form method="post" action="/plan-actions/${a.id}/supprimer">
    ${csrfField(v.csrfToken)}
    <button class="fr-btn fr-btn--tertiary" type="submit">Supprimer l’action n° ${a.number}</button>
  </form>
</section>`
    : ''
}
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/plan-actions">Retour au plan d’actions</a></p>`;
}
