import { csrfField, errorSummary, textField } from '../../../ui/components.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { formValue, textArea } from '../../cases/views/case-common.view.ts';
import { decisionsField, observationsField } from '../clu-minutes.schemas.ts';
import {
  CLOSING_SENTENCE,
  itemHeading,
  MINUTES_TEXT_MAX,
  type MinutesDocument,
  minutesSubject,
  NO_ATTENDEE,
  numericDate,
  openingSentence,
  senderLines,
} from '../clu-minutes.ts';

export interface MinutesPageView {
  meetingId: string;
  document: MinutesDocument;
  approved: { at: string; byName: string } | null;
  /** Le support a été généré : les chiffres sont ceux de sa version figée, sinon les chiffres vivants. */
  deckGenerated: boolean;
  canEdit: boolean;
  csrfToken: string;
  organisationSlug: string;
  /** Formulaire renvoyé après une erreur : la saisie telle quelle et les messages par champ. */
  submitted?: { values: Record<string, unknown>; error: string; fields: Record<string, string> };
}

function paragraphs(textValue: string): HtmlValue {
  return textValue
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p>${p.split('\n').map((line, i) => (i === 0 ? line : html`<br>${line}`))}</p>`);
}

function figuresList(figures: string[]): HtmlValue {
  return figures.length > 0 ? html`<ul>${figures.map((f) => html`<li>${f}</li>`)}</ul>` : '';
}

function attendeesHtml(doc: MinutesDocument): SafeHtml {
  return html`<h2 class="fr-h5">Étaient présents</h2>
${doc.attendees.length > 0 ? html`<ul>${doc.attendees.map((a) => html`<li>${a}</li>`)}</ul>` : html`<p>${NO_ATTENDEE}</p>`}
${doc.excused.length > 0 ? html`<h2 class="fr-h5">Étaient excusés</h2><ul>${doc.excused.map((a) => html`<li>${a}</li>`)}</ul>` : ''}`;
}

/** Le compte rendu en lecture : même texte que le DOCX et le PDF. */
function readOnlyHtml(doc: MinutesDocument): SafeHtml {
  const c = doc.content;
  return html`<div class="fr-card fr-p-3w fr-mb-4w vigie-minutes">
<p class="fr-text--sm">${senderLines(c).map((line, i) => (i === 0 ? line : html`<br>${line}`))}</p>
<p>${doc.organisation.city}, le ${numericDate(c.documentDate)}</p>
<p><strong>OBJET :</strong> ${minutesSubject(doc.meeting.startsAt)}<br><strong>PJ :</strong> ${c.enclosures}.</p>
<p>${openingSentence(doc)}</p>
${attendeesHtml(doc)}
${c.items.map(
  (item, index) => html`<h2 class="fr-h5 fr-mt-3w">${itemHeading(index, item.title)}</h2>
${figuresList(item.figures)}
${item.observations.trim() ? paragraphs(item.observations) : html`<p>Aucune observation n’est recueillie à ce sujet.</p>`}
${item.decisions.trim() ? html`<p><strong>Décisions :</strong></p>${paragraphs(item.decisions)}` : ''}`,
)}
${doc.proposals.length > 0 ? html`<h2 class="fr-h5 fr-mt-3w">Propositions formulées par les membres du comité</h2><ul>${doc.proposals.map((p) => html`<li>${p}</li>`)}</ul>` : ''}
<p>${CLOSING_SENTENCE}</p>
<p>${c.signatory.title}<br><br>${c.signatory.name}</p>
<h2 class="fr-h5">Destinataires</h2>
${c.distribution.length > 0 ? html`<ul>${c.distribution.map((d) => html`<li>${d}</li>`)}</ul>` : html`<p>Aucun destinataire.</p>`}
</div>`;
}

function editForm(v: MinutesPageView): SafeHtml {
  const c = v.document.content;
  const sent = v.submitted;
  const value = (name: string, fallback: string): string => (sent ? (formValue(sent.values, name) ?? '') : fallback);
  const err = (name: string) => sent?.fields[name];
  const limit = `${new Intl.NumberFormat('fr-FR').format(MINUTES_TEXT_MAX).replace(/\s/g, '\u202f')} caractères au plus.`;
  return html`<form method="post" action="/clu/reunions/${v.meetingId}/compte-rendu" novalidate>
  ${csrfField(v.csrfToken)}
  <fieldset class="fr-fieldset" aria-labelledby="cr-en-tete">
    <legend class="fr-fieldset__legend" id="cr-en-tete">En-tête</legend>
    <div class="fr-fieldset__element">${textField({ name: 'documentDate', label: 'Date du compte rendu', type: 'date', hint: '« Moulins, le … » en tête du document.', value: value('documentDate', c.documentDate), error: err('documentDate') })}</div>
    <div class="fr-fieldset__element">${textArea({ name: 'serviceLines', label: 'Service émetteur', hint: 'Sous le bloc-marque, une ligne par ligne (direction, service).', rows: 2, value: value('serviceLines', c.serviceLines.join('\n')), error: err('serviceLines') })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'followedByName', label: 'Affaire suivie par', value: value('followedByName', c.followedBy.name), error: err('followedByName') })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'followedByPhone', label: 'Téléphone', value: value('followedByPhone', c.followedBy.phone), error: err('followedByPhone'), autocomplete: 'off' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'followedByEmail', label: 'Courriel', type: 'email', value: value('followedByEmail', c.followedBy.email), error: err('followedByEmail'), autocomplete: 'off' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'enclosures', label: 'Nombre de pièces jointes', type: 'number', hint: '« PJ : 1. » : le support de présentation, les résultats annexés…', value: value('enclosures', String(c.enclosures)), error: err('enclosures') })}</div>
  </fieldset>
  <div class="fr-mb-4w">
    <p>${openingSentence(v.document)}</p>
    ${attendeesHtml(v.document)}
    <p class="fr-text--sm">Les présents et excusés viennent des présences relevées sur <a href="/clu/reunions/${v.meetingId}">la page de la réunion</a>.</p>
  </div>
  ${c.items.map((item, index) => {
    const legendId = `cr-point-${index + 1}`;
    return html`<fieldset class="fr-fieldset" aria-labelledby="${legendId}">
    <legend class="fr-fieldset__legend" id="${legendId}">${itemHeading(index, item.title)}</legend>
    <div class="fr-fieldset__element">
      ${item.figures.length > 0 ? html`<p class="fr-mb-1w"><strong>Chiffres du support</strong> (repris tels quels) :</p>${figuresList(item.figures)}` : html`<p class="fr-text--sm">Pas de chiffres pour ce point.</p>`}
    </div>
    <div class="fr-fieldset__element">${textArea({ name: observationsField(item.key), label: `Observations — point ${index + 1}`, hint: `Vide : « Aucune observation n’est recueillie à ce sujet. » ${limit}`, rows: 4, value: value(observationsField(item.key), item.observations), error: err(observationsField(item.key)) })}</div>
    <div class="fr-fieldset__element">${textArea({ name: decisionsField(item.key), label: `Décisions — point ${index + 1}`, hint: limit, rows: 2, value: value(decisionsField(item.key), item.decisions), error: err(decisionsField(item.key)) })}</div>
  </fieldset>`;
  })}
  ${
    v.document.proposals.length > 0
      ? html`<h2 class="fr-h5">Propositions formulées par les membres du comité</h2><ul>${v.document.proposals.map((p) => html`<li>${p}</li>`)}</ul><p class="fr-text--sm">Les propositions se saisissent sur la page de la réunion.</p>`
      : ''
  }
  <fieldset class="fr-fieldset" aria-labelledby="cr-signature">
    <legend class="fr-fieldset__legend" id="cr-signature">Signature et destinataires</legend>
    <div class="fr-fieldset__element">${textField({ name: 'signatoryTitle', label: 'Qualité du signataire', hint: 'Par exemple « Le Secrétaire général, ».', value: value('signatoryTitle', c.signatory.title), error: err('signatoryTitle') })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'signatoryName', label: 'Nom du signataire', hint: 'Par défaut, le président de séance.', value: value('signatoryName', c.signatory.name), error: err('signatoryName') })}</div>
    <div class="fr-fieldset__element">${textArea({ name: 'distribution', label: 'Destinataires', hint: 'Un destinataire par ligne. Pré-rempli avec les organismes invités et les services de la préfecture.', rows: 8, value: value('distribution', c.distribution.join('\n')), error: err('distribution') })}</div>
  </fieldset>
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
    <li><button class="fr-btn" type="submit">Enregistrer</button></li>
  </ul>
</form>`;
}

export function minutesPageView(v: MinutesPageView): SafeHtml {
  const base = `/clu/reunions/${v.meetingId}/compte-rendu`;
  const status = v.approved
    ? html`<div class="fr-alert fr-alert--success fr-mb-3w"><h2 class="fr-alert__title">Compte rendu approuvé</h2>
<p>Approuvé le ${formatDateTime(v.approved.at)}${v.approved.byName ? ` par ${v.approved.byName}` : ''} : il est figé (chiffres compris) et publié sur <a href="/o/${v.organisationSlug}/comite-des-usagers">la page publique du comité des usagers</a>.</p></div>`
    : html`<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">Brouillon. Les chiffres sont ${v.deckGenerated ? 'ceux du support de présentation généré (version figée)' : 'les chiffres vivants : le support n’a pas encore été généré'}. Complétez les observations et les décisions, enregistrez, puis marquez le compte rendu comme approuvé : il sera figé et publié.</p></div>`;
  return html`<h1>Compte rendu — ${minutesSubject(v.document.meeting.startsAt).replace(/\.$/, '')}</h1>
${v.submitted ? errorSummary(v.submitted.error, v.submitted.fields) : ''}
${status}
<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-3w">
  <li><a class="fr-btn fr-btn--secondary fr-icon-download-line" href="${base}.docx">Télécharger le compte rendu (Word, DOCX)</a></li>
  <li><a class="fr-btn fr-btn--secondary fr-icon-download-line" href="${base}.pdf">Télécharger le PDF</a></li>
  ${v.canEdit && !v.approved ? html`<li><a class="fr-btn fr-btn--tertiary" href="${base}/approuver">Marquer comme approuvé…</a></li>` : ''}
</ul>
${v.canEdit && !v.approved ? editForm(v) : readOnlyHtml(v.document)}`;
}

/** Le compte rendu n'est pas encore approuvé : les lecteurs (membres du CLU, auditeurs) ne voient que la version approuvée. */
export function minutesNotApprovedView(startsAt: string): SafeHtml {
  return html`<h1>Compte rendu — ${minutesSubject(startsAt).replace(/\.$/, '')}</h1>
<div class="fr-callout"><p class="fr-callout__text">Le compte rendu de cette réunion n’est pas encore approuvé. Il sera consultable ici dès son approbation par le référent qualité.</p></div>`;
}

export interface ApproveMinutesView {
  meetingId: string;
  startsAt: string;
  csrfToken: string;
  itemsWithoutObservations: number;
  /** Approuvé entre-temps (double envoi, autre onglet) : plus de formulaire, seulement le message. */
  alreadyApproved: boolean;
  error?: string;
}

/** Confirmation avant l'approbation, qui fige et publie (fonctionne sans JavaScript). */
export function approveMinutesView(v: ApproveMinutesView): SafeHtml {
  const base = `/clu/reunions/${v.meetingId}/compte-rendu`;
  return html`<h1>Approuver le compte rendu du ${numericDate(v.startsAt)}</h1>
${errorSummary(v.error)}
${
  v.alreadyApproved
    ? html`<p><a class="fr-link" href="${base}">Retour au compte rendu approuvé</a></p>`
    : html`<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">L’approbation fige le compte rendu, chiffres compris : il ne pourra plus être modifié, et une correction ultérieure des indicateurs ne le changera pas. Il est publié en PDF sur la page publique de la préfecture.</p></div>
${
  v.itemsWithoutObservations > 0
    ? html`<p>${v.itemsWithoutObservations} point${v.itemsWithoutObservations > 1 ? 's' : ''} de l’ordre du jour sans observation : le compte rendu indiquera « Aucune observation n’est recueillie à ce sujet ».</p>`
    : ''
}
<form method="post" action="${base}/approuver">
  ${csrfField(v.csrfToken)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Approuver et publier le compte rendu</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${base}">Annuler</a></li>
  </ul>
</form>`
}`;
}
