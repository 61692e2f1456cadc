import { badge, checkboxGroup, csrfField, selectField, table } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { durationText } from '../clu-invitation.ts';
import { ATTENDANCE_LABELS, ATTENDANCE_STATUSES } from '../clu-meeting.schemas.ts';
import type { MeetingAttendee, MeetingDetail, MeetingProposal } from '../clu-meeting.service.ts';
import { PROPOSAL_STATUS_LABELS, PROPOSAL_STATUSES } from '../clu-proposal.schemas.ts';
import {
  areaField,
  type FormState,
  fieldValue,
  formErrorSummary,
  meetingTitle,
  meetingWhen,
  multiline,
} from './clu-common.view.ts';

export interface CluMeetingView {
  csrfToken: string;
  /** Référent qualité : formulaires ; membre du CLU et auditeur : lecture seule (noms et organismes, sans coordonnées). */
  canManage: boolean;
  detail: MeetingDetail;
  invitation?: {
    members: { id: string; name: string; organisationName: string; channel: 'email' | 'post'; alreadyInvited: boolean }[];
    mailboxes: { id: string; label: string }[];
  };
  availableTemplates?: { id: string; name: string; purposeLabel: string }[];
  memberOrganisations?: { value: string; label: string }[];
  form?: FormState | undefined;
}

const STATUS_BADGE: Record<string, 'success' | 'error' | 'info' | 'warning' | 'new'> = {
  to_study: 'info',
  accepted: 'new',
  rejected: 'warning',
  done: 'success',
};

function frenchDate(iso: string): string {
  return formatDate(iso.slice(0, 10));
}

export function cluMeetingView(v: CluMeetingView): SafeHtml {
  const d = v.detail;
  const errorsFor = (name: string, idOf: (field: string) => string): HtmlValue =>
    v.form && v.form.name === name ? formErrorSummary(v.form, idOf) : '';
  const fieldError = (name: string, field: string) => (v.form && v.form.name === name ? v.form.fields[field] : undefined);
  const typed = (name: string, field: string) => (v.form && v.form.name === name ? fieldValue(v.form.values, field) : undefined);

  return html`<h1>${meetingTitle(d.startsAt)}</h1>
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-3w">
  ${v.canManage ? html`<li><a class="fr-btn fr-btn--secondary" href="/clu/reunions/${d.id}/modifier">Modifier la réunion</a></li>` : ''}
  <li><a class="fr-btn fr-btn--secondary" href="/clu/reunions/${d.id}/support">Support de présentation</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/clu/reunions/${d.id}/compte-rendu">Compte rendu</a></li>
</ul>
<nav class="fr-summary fr-mb-5w" aria-labelledby="sommaire-titre">
  <p class="fr-summary__title" id="sommaire-titre">Sommaire</p>
  <ol class="fr-summary__list">
    <li><a class="fr-summary__link" href="#informations">Informations</a></li>
    <li><a class="fr-summary__link" href="#ordre-du-jour">Ordre du jour</a></li>
    <li><a class="fr-summary__link" href="#invitations">Invitations et présences</a></li>
    <li><a class="fr-summary__link" href="#modeles">Modèles soumis pour avis</a></li>
    <li><a class="fr-summary__link" href="#propositions">Propositions</a></li>
    <li><a class="fr-summary__link" href="#suivi">Suivi des propositions de la réunion précédente</a></li>
  </ol>
</nav>

<section id="informations" class="fr-mb-5w">
  <h2>Informations</h2>
  <ul>
    <li>Date : ${meetingWhen(d.startsAt)} (durée prévue : ${durationText(d.durationMinutes)})${d.isPast ? ' — réunion passée' : ''}</li>
    <li>Lieu : ${d.place}</li>
    <li>Président de séance : ${d.chair}</li>
    <li>Période couverte par le bilan : du ${formatDate(d.periodFrom)} au ${formatDate(d.periodTo)}</li>
    <li>Invitations : ${d.invitationsSentAt ? `envoyées le ${frenchDate(d.invitationsSentAt)}` : 'non envoyées'}</li>
    ${d.nextMeeting ? html`<li>Réunion suivante : <a href="/clu/reunions/${d.nextMeeting.id}">${meetingWhen(d.nextMeeting.startsAt)}</a></li>` : ''}
  </ul>
</section>

<section id="ordre-du-jour" class="fr-mb-5w">
  <h2>Ordre du jour</h2>
  <ol>${d.agenda.map((item) => html`<li>${item.title}</li>`)}</ol>
</section>

<section id="invitations" class="fr-mb-5w">
  <h2>Invitations et présences</h2>
  ${v.canManage ? invitationForm(v, errorsFor, fieldError) : ''}
  ${attendanceBlock(v, errorsFor)}
</section>

<section id="modeles" class="fr-mb-5w">
  <h2>Modèles soumis pour avis</h2>
  <p>Courriers et courriels types présentés au comité, avec l’avis recueilli.</p>
  ${templatesBlock(v, errorsFor, fieldError, typed)}
</section>

<section id="propositions" class="fr-mb-5w">
  <h2>Propositions</h2>
  <p>Propositions formulées par les membres, suivies jusqu’au comité suivant.</p>
  ${proposalsList(v, d.proposals, 'full', errorsFor, fieldError, typed)}
  ${v.canManage ? newProposalForm(v, errorsFor, fieldError, typed) : ''}
</section>

<section id="suivi" class="fr-mb-5w">
  ${
    d.previousMeeting
      ? html`<h2>Suivi des propositions du CLU du ${formatDate(d.previousMeeting.startsAt.slice(0, 10))}</h2>
  <p>Bilan des propositions formulées à la <a href="/clu/reunions/${d.previousMeeting.id}">réunion précédente</a> : statut et réponse apportée.</p>
  ${proposalsList(v, d.previousMeeting.proposals, 'follow_up', errorsFor, fieldError, typed)}`
      : html`<h2>Suivi des propositions de la réunion précédente</h2>
  <div class="fr-callout"><p class="fr-callout__text">Pas de réunion précédente enregistrée : aucune proposition à suivre.</p></div>`
  }
</section>`;
}

type ErrorsFor = (name: string, idOf: (field: string) => string) => HtmlValue;
type FieldError = (name: string, field: string) => string | undefined;
type Typed = (name: string, field: string) => string | undefined;

function invitationForm(v: CluMeetingView, errorsFor: ErrorsFor, fieldError: FieldError): SafeHtml {
  const d = v.detail;
  const members = v.invitation?.members ?? [];
  const mailboxes = v.invitation?.mailboxes ?? [];
  const postCount = d.attendees.filter((a) => a.channel === 'post').length;
  const chosen = v.form?.name === 'invitations' ? new Set(asList(v.form.values.memberIds)) : null;
  if (members.length === 0) {
    return html`${errorsFor('invitations', () => 'invitations')}
<div class="fr-callout fr-mb-3w"><h3 class="fr-callout__title">Aucun membre à inviter : ajoutez des membres du comité</h3>
<p class="fr-callout__text">Les invitations partent aux représentants des organismes membres du comité.</p>
<a class="fr-btn" href="/clu/membres">Gérer les membres du comité</a></div>`;
  }
  return html`${errorsFor('invitations', (f) => (f === 'mailboxId' ? 'invitation-boite' : 'groupe-memberIds'))}
<form method="post" action="/clu/reunions/${d.id}/invitations" class="fr-mb-3w" novalidate>
  ${csrfField(v.csrfToken)}
  ${checkboxGroup({
    name: 'memberIds',
    legend: 'Membres à inviter',
    hint: 'Tous les membres actifs sont cochés. Ceux qui ont une adresse électronique reçoivent un courriel avec l’invitation d’agenda (.ics) ; les autres sont listés pour un envoi par courrier.',
    error: fieldError('invitations', 'memberIds'),
    items: members.map((m) => ({
      value: m.id,
      label: `${m.name} — ${m.organisationName}`,
      hint: `${m.channel === 'email' ? 'par courriel' : 'par courrier (pas d’adresse électronique)'}${m.alreadyInvited ? ' — déjà invité' : ''}`,
      checked: chosen ? chosen.has(m.id) : true,
    })),
  })}
  ${
    mailboxes.length > 0
      ? selectField({
          id: 'invitation-boite',
          name: 'mailboxId',
          label: 'Boîte d’expédition',
          hint: 'L’adresse fonctionnelle d’où partent les invitations (et où arrivent les réponses).',
          value: v.form?.name === 'invitations' ? fieldValue(v.form.values, 'mailboxId') : mailboxes[0]?.id,
          error: fieldError('invitations', 'mailboxId'),
          options: mailboxes.map((b) => ({ value: b.id, label: b.label })),
        })
      : html`<div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w"><p>Aucune boîte d’expédition configurée : les invitations par courriel ne peuvent pas partir (Courrier › Boîtes fonctionnelles). Vous pouvez inscrire les invités sans envoi.</p></div>`
  }
  <div class="fr-checkbox-group fr-mb-2w">
    <input type="checkbox" id="invitation-inscrire" name="recordOnly" value="on">
    <label class="fr-label" for="invitation-inscrire">Inscrire seulement les invités, sans envoyer de courriel<span class="fr-hint-text">Pour une réunion déjà tenue ou des invitations faites autrement : permet de relever les présences.</span></label>
  </div>
  <button class="fr-btn" type="submit">Envoyer les invitations</button>
  <p class="fr-hint-text fr-mt-1w">Un second envoi ne renvoie pas le même courriel ; si la date, la durée ou le lieu ont changé, une invitation mise à jour part.</p>
</form>
${postCount > 0 ? html`<p><a class="fr-link fr-icon-printer-line fr-link--icon-left" href="/clu/reunions/${d.id}/invitations-courrier">Invitations à envoyer par courrier (${postCount}) : noms et adresses à imprimer</a></p>` : ''}`;
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

function attendanceBlock(v: CluMeetingView, errorsFor: ErrorsFor): SafeHtml {
  const d = v.detail;
  const counts = (s: string) => d.attendees.filter((a) => a.status === s).length;
  const summary =
    d.attendees.length > 0
      ? html`<p>${d.attendees.length} invité${d.attendees.length > 1 ? 's' : ''} : ${counts('present')} présent${counts('present') > 1 ? 's' : ''}, ${counts('excused')} excusé${counts('excused') > 1 ? 's' : ''}, ${counts('absent')} absent${counts('absent') > 1 ? 's' : ''}.</p>`
      : '';
  if (d.attendees.length === 0) {
    return html`<h3>Présences</h3><div class="fr-callout"><p class="fr-callout__text">Aucun membre invité pour l’instant : les présences se relèvent une fois les invitations envoyées.</p></div>`;
  }
  if (!v.canManage) {
    return html`<h3>Présences</h3>${summary}${table<MeetingAttendee>(
      'Membres invités et présences',
      [
        { header: 'Membre', cell: (a) => a.name },
        { header: 'Fonction', cell: (a) => a.function ?? '' },
        { header: 'Organisme', cell: (a) => a.organisationName },
        { header: 'Présence', cell: (a) => a.statusLabel },
      ],
      d.attendees,
      'Aucun invité.',
    )}`;
  }
  const state = v.form?.name === 'attendance' ? v.form : undefined;
  return html`<h3>Présences</h3>${summary}
${errorsFor('attendance', (f) => `presence-${f.replace(/^status_/, '')}`)}
<form method="post" action="/clu/reunions/${d.id}/presences" novalidate>
  ${csrfField(v.csrfToken)}
  ${d.attendees.map((a) => {
    const id = `presence-${a.memberId}`;
    const chosen = (state ? fieldValue(state.values, `status_${a.memberId}`) : undefined) ?? a.status;
    const error = state?.fields[`status_${a.memberId}`];
    return html`<fieldset class="fr-fieldset${error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${error ? ` ${id}-erreur` : ''}">
    <legend class="fr-fieldset__legend fr-text--regular" id="${id}-legende">${a.name} — ${a.organisationName}${a.channelLabel ? html`<span class="fr-hint-text">Invité par ${a.channelLabel.toLowerCase()}${a.removed ? ', retiré du comité depuis' : ''}</span>` : ''}</legend>
    ${ATTENDANCE_STATUSES.map(
      (s) => html`<div class="fr-fieldset__element fr-fieldset__element--inline"><div class="fr-radio-group">
      <input type="radio" id="${id}-${s}" name="status_${a.memberId}" value="${s}"${chosen === s ? html` checked` : ''}>
      <label class="fr-label" for="${id}-${s}">${s === 'invited' ? 'Non relevée' : ATTENDANCE_LABELS[s]}</label>
    </div></div>`,
    )}
    ${error ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${error}</p></div>` : ''}
  </fieldset>`;
  })}
  <button class="fr-btn" type="submit">Enregistrer les présences</button>
</form>`;
}

function templatesBlock(v: CluMeetingView, errorsFor: ErrorsFor, fieldError: FieldError, typed: Typed): SafeHtml {
  const d = v.detail;
  const submitted = new Set(d.templates.map((t) => t.templateId));
  const available = (v.availableTemplates ?? []).filter((t) => !submitted.has(t.id));
  const list =
    d.templates.length === 0
      ? html`<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">Aucun modèle soumis pour avis à cette réunion.</p></div>`
      : html`${d.templates.map((t) => {
          const name = `avis:${t.templateId}`;
          const id = `avis-${t.templateId}`;
          return html`<div class="fr-background-alt--grey fr-p-3w fr-mb-3w">
  <h3 class="fr-h5">${t.name}</h3>
  <p>${t.purposeLabel}${t.archived ? ' (modèle archivé depuis)' : ''} — objet : ${t.subject}</p>
  ${
    v.canManage
      ? html`${errorsFor(name, () => id)}
  <form method="post" action="/clu/reunions/${d.id}/modeles/${t.templateId}" novalidate>
    ${csrfField(v.csrfToken)}
    ${areaField({ id, name: 'opinion', label: `Avis du comité sur « ${t.name} »`, value: typed(name, 'opinion') ?? t.opinion ?? '', error: fieldError(name, 'opinion'), rows: 3 })}
    <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
      <li><button class="fr-btn" type="submit">Enregistrer l’avis<span class="fr-sr-only"> sur ${t.name}</span></button></li>
    </ul>
  </form>
  <form method="post" action="/clu/reunions/${d.id}/modeles/${t.templateId}/retirer">
    ${csrfField(v.csrfToken)}
    <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Retirer de la réunion<span class="fr-sr-only"> : ${t.name}</span></button>
  </form>`
      : html`<p><strong>Avis du comité :</strong> ${t.opinion ? multiline(t.opinion) : 'aucun avis enregistré.'}</p>`
  }
</div>`;
        })}`;
  if (!v.canManage) return list;
  return html`${list}
${errorsFor('templates', () => 'groupe-templateIds')}
${
  available.length === 0
    ? html`<p>Tous les modèles de la bibliothèque sont déjà soumis. <a href="/courrier/modeles">Bibliothèque des modèles</a></p>`
    : html`<form method="post" action="/clu/reunions/${d.id}/modeles" novalidate>
  ${csrfField(v.csrfToken)}
  ${checkboxGroup({
    name: 'templateIds',
    legend: 'Soumettre des modèles pour avis',
    hint: 'Modèles de la bibliothèque (Courrier › Modèles).',
    error: fieldError('templates', 'templateIds'),
    items: available.map((t) => ({ value: t.id, label: t.name, hint: t.purposeLabel, checked: false })),
  })}
  <button class="fr-btn fr-btn--secondary" type="submit">Soumettre pour avis</button>
</form>`
}`;
}

function proposalStatusBadge(p: MeetingProposal): SafeHtml {
  return badge(p.statusLabel, STATUS_BADGE[p.status] ?? 'info');
}

function actionBlock(v: CluMeetingView, p: MeetingProposal): HtmlValue {
  if (p.actionId) {
    return html`<p class="fr-mb-1w">Action liée : <a href="/plan-actions/${p.actionId}">action n° ${p.actionNumber ?? '?'}</a></p>`;
  }
  if (!v.canManage) return '';
  return html`<form method="post" action="/plan-actions/depuis-origine" class="fr-mb-1w">
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="origin_kind" value="clu_proposal">
  <input type="hidden" name="origin_ref" value="${p.id}">
  <button class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-add-line fr-btn--icon-left" type="submit">Créer une action<span class="fr-sr-only"> pour la proposition « ${p.text.slice(0, 60)} »</span></button>
</form>`;
}

function proposalsList(
  v: CluMeetingView,
  proposals: MeetingProposal[],
  mode: 'full' | 'follow_up',
  errorsFor: ErrorsFor,
  fieldError: FieldError,
  typed: Typed,
): SafeHtml {
  if (proposals.length === 0) {
    return html`<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">${mode === 'full' ? 'Aucune proposition enregistrée pour cette réunion.' : 'Aucune proposition n’avait été formulée à cette réunion.'}</p></div>`;
  }
  return html`${proposals.map((p, index) => {
    const name = `${mode === 'full' ? 'proposition' : 'suivi'}:${p.id}`;
    const prefix = `${mode === 'full' ? 'proposition' : 'suivi'}-${p.id}`;
    const idOf = (field: string) => `${prefix}-${field}`;
    const val = (field: string, current: string | null) => typed(name, field) ?? current ?? '';
    const editing = v.form?.name === name;
    return html`<div class="fr-background-alt--grey fr-p-3w fr-mb-3w">
  <h3 class="fr-h5">Proposition ${index + 1}${p.memberOrganisation ? ` — ${p.memberOrganisation}` : ''}</h3>
  <div>
    <p class="fr-mb-1w">${multiline(p.text)}</p>
    <div class="fr-mb-1w">${proposalStatusBadge(p)}</div>
    <p class="fr-mb-1w"><strong>Réponse apportée :</strong> ${p.followUp ? multiline(p.followUp) : 'pas encore de réponse.'}</p>
    ${actionBlock(v, p)}
    ${
      v.canManage
        ? html`<details class="fr-mt-2w"${editing ? html` open` : ''}><summary>${mode === 'full' ? 'Modifier la proposition' : 'Mettre à jour le suivi'}<span class="fr-sr-only"> ${index + 1}</span></summary>
    ${errorsFor(name, idOf)}
    <form method="post" action="/clu/propositions/${p.id}${mode === 'follow_up' ? '/suivi' : ''}" novalidate>
      ${csrfField(v.csrfToken)}
      ${
        mode === 'full'
          ? html`${areaField({ id: idOf('text'), name: 'text', label: 'Proposition', value: val('text', p.text), error: fieldError(name, 'text'), required: true, rows: 3 })}
      ${selectField({ id: idOf('memberOrganisationId'), name: 'memberOrganisationId', label: 'Organisme qui l’a formulée (facultatif)', value: val('memberOrganisationId', p.memberOrganisationId), error: fieldError(name, 'memberOrganisationId'), placeholder: 'Non précisé', options: v.memberOrganisations ?? [] })}`
          : ''
      }
      ${selectField({ id: idOf('status'), name: 'status', label: 'Statut', value: val('status', p.status), error: fieldError(name, 'status'), options: PROPOSAL_STATUSES.map((s) => ({ value: s, label: PROPOSAL_STATUS_LABELS[s] })) })}
      ${areaField({ id: idOf('followUp'), name: 'followUp', label: 'Réponse apportée', value: val('followUp', p.followUp), error: fieldError(name, 'followUp'), hint: 'Ce que la préfecture a fait ou répond : présenté au comité suivant.', rows: 3 })}
      <button class="fr-btn fr-btn--sm" type="submit">Enregistrer<span class="fr-sr-only"> la proposition ${index + 1}</span></button>
    </form>
    </details>`
        : ''
    }
  </div>
</div>`;
  })}`;
}

function newProposalForm(v: CluMeetingView, errorsFor: ErrorsFor, fieldError: FieldError, typed: Typed): SafeHtml {
  const name = 'proposition:nouvelle';
  const idOf = (field: string) => `nouvelle-proposition-${field}`;
  return html`<h3>Ajouter une proposition</h3>
${errorsFor(name, idOf)}
<form method="post" action="/clu/reunions/${v.detail.id}/propositions" novalidate>
  ${csrfField(v.csrfToken)}
  ${areaField({ id: idOf('text'), name: 'text', label: 'Proposition', value: typed(name, 'text'), error: fieldError(name, 'text'), required: true, rows: 3, hint: 'Par exemple : proposer un lieu extérieur pour le pré-accueil des usagers.' })}
  ${selectField({ id: idOf('memberOrganisationId'), name: 'memberOrganisationId', label: 'Organisme qui l’a formulée (facultatif)', value: typed(name, 'memberOrganisationId'), error: fieldError(name, 'memberOrganisationId'), placeholder: 'Non précisé', options: v.memberOrganisations ?? [] })}
  ${selectField({ id: idOf('status'), name: 'status', label: 'Statut', value: typed(name, 'status') ?? 'to_study', error: fieldError(name, 'status'), options: PROPOSAL_STATUSES.map((s) => ({ value: s, label: PROPOSAL_STATUS_LABELS[s] })) })}
  ${areaField({ id: idOf('followUp'), name: 'followUp', label: 'Réponse apportée (facultative)', value: typed(name, 'followUp'), error: fieldError(name, 'followUp'), rows: 2 })}
  <button class="fr-btn" type="submit">Ajouter la proposition</button>
</form>`;
}
