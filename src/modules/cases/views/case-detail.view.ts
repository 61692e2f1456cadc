import { checkboxGroup, csrfField, errorSummary, selectField, textField } from '../../../ui/components.ts';
import { formatBytes, formatDate, formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { originButton } from '../../actions/views/action-common.view.ts';
import type { OutgoingMailRow } from '../../mail/outgoing-mail.repository.ts';
import { caseMailsSection } from '../../mail/views/case-email.view.ts';
import type { CaseRow } from '../case.repository.ts';
import { AUDIENCE_LABELS, CHANNEL_LABELS, KIND_LABELS, TARGET_LABELS } from '../vocabulary.ts';
import { formValue, options, statusBadge, textArea, type Urgency, urgencyBadge } from './case-common.view.ts';

export type CaseAction = 'answer' | 'reclassify' | 'reassign' | 'appointment' | 'close' | 'attachment';

export interface CaseDetailView {
  case: CaseRow;
  serviceName: string | null;
  themes: { id: string; label: string }[];
  events: { occurred_at: string; actor_label: string; summary: string; type: string; data_json: string | null }[];
  services: { id: string; name: string }[];
  urgency: Urgency;
  delay: number | null;
  timeZone: string;
  today: string;
  attachments: { id: string; filename: string; content_type: string; size: number; created_at: string }[];
  canEdit: boolean;
  /** Référent : créer une action du plan depuis ce dossier. */
  canCreateAction?: boolean;
  /** Courriels du dossier (accusé, avis de réorientation, réponses) et leur statut d'envoi. */
  mails?: OutgoingMailRow[];
  /** Dossier né d'un courriel mystère, montré au référent, et aux agents une fois la campagne close. */
  mystery?: boolean;
  csrfToken: string;
  form?: { name: CaseAction; error: string; fields: Record<string, string>; values: Record<string, unknown> };
}

function row(label: string, value: HtmlValue): SafeHtml {
  return html`<tr><th scope="row">${label}</th><td>${value === null || value === undefined || value === '' ? '—' : value}</td></tr>`;
}

function date(value: string | null): string {
  return value ? formatDate(value) : '—';
}

function actionForm(v: CaseDetailView, name: CaseAction, title: string, anchor: string, path: string, body: SafeHtml): SafeHtml {
  const mine = v.form?.name === name ? v.form : undefined;
  return html`<section class="fr-mt-4w" aria-labelledby="${anchor}">
  <h3 id="${anchor}">${title}</h3>
  ${mine ? errorSummary(mine.error, mine.fields) : ''}
  <form method="post" action="/registre/${v.case.id}/${path}" novalidate>
    ${csrfField(v.csrfToken)}
    ${body}
  </form>
</section>`;
}

function actions(v: CaseDetailView): SafeHtml {
  const c = v.case;
  const own = (name: CaseAction) => (v.form?.name === name ? v.form : undefined);
  const val = (name: CaseAction, field: string, fallback?: string | null) => {
    const form = own(name);
    return form ? formValue(form.values, field) : (fallback ?? undefined);
  };
  const err = (name: CaseAction, field: string) => own(name)?.fields[field];
  const complaintLike = c.kind === 'complaint' || c.kind === 'suggestion';
  return html`<h2 class="fr-mt-6w">Actions</h2>
<ul class="fr-btns-group fr-btns-group--inline-md">
  ${c.requester_email ? html`<li><a class="fr-btn" href="/registre/${c.id}/courriel">Répondre par courriel</a></li>` : ''}
  <li><a class="fr-btn fr-btn--secondary" href="/registre/${c.id}/lettre">Préparer une lettre de réponse</a></li>
  ${v.canCreateAction ? html`<li>${originButton({ csrfToken: v.csrfToken, kind: 'case', ref: c.id, subject: `dossier ${c.reference}` })}</li>` : ''}
</ul>
${actionForm(
  v,
  'answer',
  'Enregistrer la réponse',
  'action-reponse',
  'reponse',
  html`${textField({ name: 'answeredAt', label: 'Date de réponse', type: 'date', value: val('answer', 'answeredAt', c.answered_local_date ?? v.today), error: err('answer', 'answeredAt'), required: true })}
    ${selectField({ name: 'answerChannel', label: 'Canal de la réponse', value: val('answer', 'answerChannel', c.answer_channel ?? (c.channel === 'urn' ? 'letter' : c.channel)), error: err('answer', 'answerChannel'), options: options(CHANNEL_LABELS) })}
    ${textArea({ name: 'answerText', label: 'Réponse', rows: 5, value: val('answer', 'answerText', c.answer_text), error: err('answer', 'answerText') })}
    ${complaintLike ? textArea({ name: 'followUp', label: 'Suites données', hint: 'Ce qui a été fait ou décidé à la suite de cette réclamation ou suggestion', rows: 3, value: val('answer', 'followUp', c.follow_up), error: err('answer', 'followUp') }) : ''}
    <button class="fr-btn" type="submit">Enregistrer la réponse</button>`,
)}
${
  c.kind === 'elected_official_appointment'
    ? actionForm(
        v,
        'appointment',
        'Rendez-vous de l’élu',
        'action-rendez-vous',
        'rendez-vous',
        html`${textField({ name: 'fixedAt', label: 'Date à laquelle le rendez-vous a été fixé', type: 'date', value: val('appointment', 'fixedAt', c.appointment_fixed_local_date), error: err('appointment', 'fixedAt') })}
    ${textField({ name: 'heldAt', label: 'Date à laquelle le rendez-vous s’est tenu', type: 'date', value: val('appointment', 'heldAt', c.appointment_held_local_date), error: err('appointment', 'heldAt') })}
    <button class="fr-btn" type="submit">Enregistrer les dates</button>`,
      )
    : ''
}
${actionForm(
  v,
  'reclassify',
  'Requalifier',
  'action-requalifier',
  'requalification',
  html`<p class="fr-text--sm">Par exemple une « réclamation » qui est en réalité une demande d’information. Les échéances sont recalculées.</p>
    ${selectField({ name: 'kind', label: 'Nature', value: val('reclassify', 'kind', c.kind), error: err('reclassify', 'kind'), options: options(KIND_LABELS) })}
    ${selectField({ name: 'channel', label: 'Canal', value: val('reclassify', 'channel', c.channel), error: err('reclassify', 'channel'), options: options(CHANNEL_LABELS) })}
    ${selectField({ name: 'audience', label: 'Public', value: val('reclassify', 'audience', c.audience), error: err('reclassify', 'audience'), options: options(AUDIENCE_LABELS) })}
    ${selectField({ name: 'target', label: 'Cible (demande de mise à jour)', value: val('reclassify', 'target', c.target), error: err('reclassify', 'target'), placeholder: 'Sans objet', options: options(TARGET_LABELS) })}
    ${textField({ name: 'reason', label: 'Motif', value: val('reclassify', 'reason'), error: err('reclassify', 'reason') })}
    <button class="fr-btn fr-btn--secondary" type="submit">Requalifier</button>`,
)}
${actionForm(
  v,
  'reassign',
  'Réaffecter ou réorienter',
  'action-reaffecter',
  'affectation',
  html`${selectField({ name: 'serviceId', label: 'Service', value: val('reassign', 'serviceId', c.service_id), error: err('reassign', 'serviceId'), placeholder: 'Choisir un service', options: v.services.map((s) => ({ value: s.id, label: s.name })) })}
    ${checkboxGroup({ name: 'reorient', legend: 'Réorientation', items: [{ value: 'on', label: 'Réorientation vers le service compétent (le demandeur reçoit l’avis de réorientation par courriel)', checked: formValue(own('reassign')?.values, 'reorient') === 'on' }] })}
    ${textField({ name: 'note', label: 'Note', value: val('reassign', 'note'), error: err('reassign', 'note') })}
    <button class="fr-btn fr-btn--secondary" type="submit">Confier à ce service</button>`,
)}
${
  c.status !== 'closed'
    ? actionForm(
        v,
        'close',
        'Clore le dossier',
        'action-clore',
        'cloture',
        html`<button class="fr-btn fr-btn--tertiary" type="submit">Clore le dossier</button>`,
      )
    : ''
}`;
}

const TYPE_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
};

function attachmentsSection(v: CaseDetailView): SafeHtml {
  const c = v.case;
  const mine = v.form?.name === 'attachment' ? v.form : undefined;
  const fileError = mine?.fields.file;
  const list =
    v.attachments.length === 0
      ? html`<p>Aucune pièce jointe.</p>`
      : html`<div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>Pièces jointes du dossier</caption>
  <thead><tr><th scope="col">Fichier</th><th scope="col">Type</th><th scope="col">Taille</th><th scope="col">Ajoutée le</th>${v.canEdit ? html`<th scope="col">Action</th>` : ''}</tr></thead>
  <tbody>
    ${v.attachments.map(
      (a) => html`<tr>
      <td><a class="fr-link" href="/registre/${c.id}/pieces-jointes/${a.id}" download>${a.filename}</a></td>
      <td>${TYPE_LABELS[a.content_type] ?? a.content_type}</td>
      <td>${formatBytes(Number(a.size))}</td>
      <td>${formatDateTime(a.created_at, v.timeZone)}</td>
      ${
        v.canEdit
          ? html`<td><form method="post" action="/registre/${c.id}/pieces-jointes/${a.id}/supprimer">
        ${csrfField(v.csrfToken)}
        <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Supprimer<span class="fr-sr-only"> ${a.filename}</span></button>
      </form></td>`
          : ''
      }
    </tr>`,
    )}
  </tbody>
</table>
</div></div></div></div>`;
  const upload = v.canEdit
    ? html`<section class="fr-mt-3w" aria-labelledby="ajout-piece-jointe">
  <h3 id="ajout-piece-jointe">Ajouter une pièce jointe</h3>
  ${mine ? errorSummary(mine.error, mine.fields) : ''}
  <form method="post" action="/registre/${c.id}/pieces-jointes" enctype="multipart/form-data" novalidate>
    ${csrfField(v.csrfToken)}
    <div class="fr-upload-group${fileError ? ' fr-upload-group--error' : ''} fr-mb-3w">
      <label class="fr-label" for="champ-file">Pièce jointe (scan d’un courrier, formulaire de l’urne)<span class="fr-hint-text" id="champ-file-aide">PDF, JPEG, PNG ou TIFF, 10 Mo au plus.</span></label>
      <input class="fr-upload" type="file" id="champ-file" name="file" accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/jpeg,image/png,image/tiff" aria-describedby="champ-file-aide${fileError ? ' champ-file-erreur' : ''}"${fileError ? html` aria-invalid="true"` : ''}>
      ${fileError ? html`<p class="fr-error-text" id="champ-file-erreur">${fileError}</p>` : ''}
    </div>
    <button class="fr-btn fr-btn--secondary" type="submit">Joindre le fichier</button>
  </form>
</section>`
    : '';
  return html`<h2 class="fr-mt-4w" id="pieces-jointes">Pièces jointes</h2>
${list}
${upload}`;
}

/** Le texte d'une réponse du demandeur, gardé dans les données de l'événement (effacées avec le dossier). */
function eventText(e: { type: string; data_json: string | null }): HtmlValue {
  if (e.type !== 'requester_reply' || !e.data_json) return '';
  const text = (JSON.parse(e.data_json) as { text?: unknown }).text;
  return typeof text === 'string' && text !== '' ? html`<blockquote class="vigie-message">${text}</blockquote>` : '';
}

export function caseDetailView(v: CaseDetailView): SafeHtml {
  const c = v.case;
  const appointment = c.kind === 'elected_official_appointment';
  return html`<h1>Dossier ${c.reference}</h1>
<ul class="fr-badges-group fr-mb-3w"><li>${statusBadge(c.status)}</li>${v.urgency ? html`<li>${urgencyBadge(v.urgency)}</li>` : ''}${v.mystery ? html`<li><p class="fr-badge fr-badge--purple-glycine">Enquête mystère</p></li>` : ''}</ul>
<div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>Fiche du dossier</caption>
  <tbody>
    ${row('Nature', KIND_LABELS[c.kind])}
    ${row('Canal', CHANNEL_LABELS[c.channel])}
    ${row('Public', AUDIENCE_LABELS[c.audience])}
    ${c.target ? row('Cible', TARGET_LABELS[c.target]) : ''}
    ${row('Service', v.serviceName)}
    ${row(c.channel === 'urn' ? 'Relève de l’urne' : 'Reçu le', html`${formatDate(c.received_local_date)}${c.received_at.includes('T') ? ` (${c.received_at})` : ''}`)}
    ${c.deposit_local_date ? row('Déposé le', formatDate(c.deposit_local_date)) : ''}
    ${
      appointment
        ? html`${row('Rendez-vous à fixer au plus tard le', date(c.appointment_fixed_due))}
    ${row('Rendez-vous à tenir au plus tard le', date(c.appointment_held_due))}
    ${row('Rendez-vous fixé le', date(c.appointment_fixed_local_date))}
    ${row('Rendez-vous tenu le', date(c.appointment_held_local_date))}`
        : row('Échéance de réponse', c.due_date ? formatDate(c.due_date) : 'sans échéance écrite')
    }
    ${row('Thèmes', v.themes.map((t) => t.label).join(', '))}
    ${row('Demandeur', c.personal_data_erased_at ? 'données effacées' : c.requester_name)}
    ${row('Adresse électronique', c.requester_email)}
    ${row('Adresse postale', c.requester_address ? html`<span class="vigie-pre">${c.requester_address}</span>` : '')}
    ${row('Objet', c.subject)}
    ${row('Texte', c.body ? html`<span class="vigie-pre">${c.body}</span>` : '')}
    ${row('Réponse le', c.answered_local_date ? `${formatDate(c.answered_local_date)}${v.delay !== null ? ` — délai : ${v.delay} jour${v.delay > 1 ? 's' : ''} ouvré${v.delay > 1 ? 's' : ''}` : ''}` : '')}
    ${row('Canal de la réponse', c.answer_channel ? CHANNEL_LABELS[c.answer_channel] : '')}
    ${row('Réponse', c.answer_text ? html`<span class="vigie-pre">${c.answer_text}</span>` : '')}
    ${c.kind === 'complaint' || c.kind === 'suggestion' ? row('Suites données', c.follow_up ? html`<span class="vigie-pre">${c.follow_up}</span>` : '') : ''}
    ${c.closed_at ? row('Clos le', formatDateTime(c.closed_at, v.timeZone)) : ''}
  </tbody>
</table>
</div></div></div></div>
${attachmentsSection(v)}
${v.mails ? caseMailsSection(v.mails, v.timeZone) : ''}
<h2 class="fr-mt-4w">Historique</h2>
${
  v.events.length === 0
    ? html`<p>Aucun événement.</p>`
    : html`<ol class="vigie-history">${v.events.map((e) => html`<li><strong>${formatDateTime(e.occurred_at, v.timeZone)}</strong> — ${e.summary} <span class="fr-text--sm">(${e.actor_label})</span>${eventText(e)}</li>`)}</ol>`
}
${v.canEdit ? actions(v) : ''}
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/registre">Retour au registre</a></p>`;
}
