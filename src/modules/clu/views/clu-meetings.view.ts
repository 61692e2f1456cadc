import { csrfField, errorSummary, pagination, table, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import type { AgendaRowInput } from '../clu-agenda.ts';
import type { MeetingRow } from '../clu-meeting.service.ts';
import { fieldValue, meetingWhen, timeField } from './clu-common.view.ts';

export interface CluMeetingsView {
  canManage: boolean;
  upcoming: MeetingRow[];
  past: MeetingRow[];
  pastTotal: number;
  page: number;
  pageCount: number;
}

function meetingTable(caption: string, rows: MeetingRow[], empty: string): SafeHtml {
  return table<MeetingRow>(
    caption,
    [
      { header: 'Date', cell: (m) => html`<a href="/clu/reunions/${m.id}">${meetingWhen(m.starts_at)}</a>` },
      { header: 'Lieu', cell: (m) => m.place },
      { header: 'Président de séance', cell: (m) => m.chair },
      { header: 'Période couverte', cell: (m) => `du ${formatDate(m.period_from)} au ${formatDate(m.period_to)}` },
      {
        header: 'Invitations',
        cell: (m) =>
          m.invitations_sent_at
            ? `Envoyées le ${m.invitations_sent_at.slice(0, 10).split('-').reverse().join('/')}`
            : 'Non envoyées',
      },
    ],
    rows,
    empty,
  );
}

/** Page « Réunions du comité » : à venir, puis passées (paginées). */
export function cluMeetingsView(v: CluMeetingsView): SafeHtml {
  return html`<h1>Comité local des usagers</h1>
<p>Le comité se réunit au moins une fois par an : la préfecture y présente ses résultats (enquêtes, indicateurs, réclamations), soumet ses courriers types pour avis, et les membres formulent des propositions suivies jusqu’au comité suivant.</p>
${
  v.canManage
    ? html`<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/clu/reunions/nouvelle">Préparer une réunion</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/clu/membres">Membres du comité</a></li>
</ul>`
    : ''
}
<h2>Réunions à venir</h2>
${meetingTable('Réunions à venir', v.upcoming, 'Aucune réunion à venir.')}
<h2 class="fr-mt-5w">Réunions passées${v.pastTotal > 0 ? ` (${v.pastTotal})` : ''}</h2>
${meetingTable('Réunions passées', v.past, 'Aucune réunion passée.')}
${pagination(v.page, v.pageCount, (p) => `/clu/reunions?page=${p}`)}`;
}

export interface MeetingFormView {
  csrfToken: string;
  action: string;
  title: string;
  cancelHref: string;
  values: Record<string, unknown>;
  agendaRows: AgendaRowInput[];
  error?: { message: string; fields: Record<string, string> };
}

const BLANK_ROWS = 3;

/**
 * Formulaire d'une réunion. L'ordre du jour se modifie sans JavaScript : chaque point a son rang
 * (on renumérote pour déplacer), son intitulé et une case « retirer » ; trois lignes vides ajoutent des points.
 */
export function meetingFormView(v: MeetingFormView): SafeHtml {
  const f = v.error?.fields ?? {};
  const rows = [
    ...v.agendaRows,
    ...Array.from({ length: BLANK_ROWS }, () => ({ key: '', title: '', position: null, remove: false })),
  ];
  const agendaError = f.agenda;
  return html`<h1>${v.title}</h1>
${errorSummary(v.error?.message, f)}
<form method="post" action="${v.action}" novalidate>
  ${csrfField(v.csrfToken)}
  <fieldset class="fr-fieldset" aria-labelledby="legende-informations">
    <legend class="fr-fieldset__legend" id="legende-informations">Informations</legend>
    <div class="fr-fieldset__element">${textField({ name: 'date', type: 'date', label: 'Date de la réunion', value: fieldValue(v.values, 'date'), error: f.date, required: true })}</div>
    <div class="fr-fieldset__element">${timeField({ id: 'champ-time', name: 'time', label: 'Heure de début', value: fieldValue(v.values, 'time'), error: f.time, required: true, hint: 'Heure locale du département (format HH:MM).' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'durationMinutes', type: 'number', label: 'Durée prévue (minutes)', value: fieldValue(v.values, 'durationMinutes'), error: f.durationMinutes, required: true })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'place', label: 'Lieu', value: fieldValue(v.values, 'place'), error: f.place, required: true, hint: 'Par exemple : salle Gergovie, préfecture, 18 boulevard Desaix, Clermont-Ferrand' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'chair', label: 'Président de séance', value: fieldValue(v.values, 'chair'), error: f.chair, required: true, hint: 'Par exemple : M. Alexandre SANZ, secrétaire général de la préfecture' })}</div>
  </fieldset>
  <fieldset class="fr-fieldset" aria-labelledby="legende-periode">
    <legend class="fr-fieldset__legend" id="legende-periode">Période couverte par le bilan<span class="fr-hint-text">Par défaut, l’année civile écoulée : les chiffres du support de présentation portent sur cette période.</span></legend>
    <div class="fr-fieldset__element">${textField({ name: 'periodFrom', type: 'date', label: 'Du', value: fieldValue(v.values, 'periodFrom'), error: f.periodFrom, required: true })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'periodTo', type: 'date', label: 'Au', value: fieldValue(v.values, 'periodTo'), error: f.periodTo, required: true })}</div>
  </fieldset>
  <fieldset class="fr-fieldset${agendaError ? ' fr-fieldset--error' : ''}" id="champ-agenda" aria-labelledby="legende-agenda${agendaError ? ' agenda-erreur' : ''}">
    <legend class="fr-fieldset__legend" id="legende-agenda">Ordre du jour<span class="fr-hint-text">Pré-rempli dans l’ordre des comités des préfectures. Pour déplacer un point, changez son rang ; pour en ajouter, remplissez une ligne vide ; pour en retirer, cochez « Retirer ».</span></legend>
    <input type="hidden" name="agendaCount" value="${rows.length}">
    ${rows.map((row, i) => {
      const isNew = row.key === '' && row.title === '';
      const label = isNew ? `Nouveau point ${i - v.agendaRows.length + 1}` : `Point ${i + 1}`;
      return html`<div class="fr-fieldset__element vigie-agenda-row">
      <input type="hidden" name="agendaKey_${i}" value="${row.key}">
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div class="fr-col-3 fr-col-md-2"><div class="fr-input-group">
          <label class="fr-label" for="agenda-rang-${i}">Rang<span class="fr-sr-only"> — ${label}</span></label>
          <input class="fr-input" type="number" min="1" id="agenda-rang-${i}" name="agendaPosition_${i}" value="${row.position ?? i + 1}">
        </div></div>
        <div class="fr-col-9 fr-col-md-7"><div class="fr-input-group">
          <label class="fr-label" for="agenda-titre-${i}">${label}</label>
          <input class="fr-input" type="text" id="agenda-titre-${i}" name="agendaTitle_${i}" value="${row.title}" maxlength="200">
        </div></div>
        ${
          isNew
            ? ''
            : html`<div class="fr-col-12 fr-col-md-3"><div class="fr-checkbox-group fr-mb-2w">
          <input type="checkbox" id="agenda-retirer-${i}" name="agendaRemove_${i}" value="on"${row.remove ? html` checked` : ''}>
          <label class="fr-label" for="agenda-retirer-${i}">Retirer<span class="fr-sr-only"> le point ${row.title}</span></label>
        </div></div>`
        }
      </div>
    </div>`;
    })}
    ${agendaError ? html`<div class="fr-messages-group" id="agenda-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${agendaError}</p></div>` : ''}
  </fieldset>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Enregistrer la réunion</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${v.cancelHref}">Annuler</a></li>
  </ul>
</form>`;
}
