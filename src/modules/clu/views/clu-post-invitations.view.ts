import { html, type SafeHtml } from '../../../ui/html.ts';
import type { PostInvitation } from '../clu-invitation.service.ts';
import { meetingTitle, meetingWhen, multiline } from './clu-common.view.ts';

export interface PostInvitationsView {
  meetingId: string;
  startsAt: string;
  place: string;
  invitations: PostInvitation[];
}

/** Liste imprimable des invitations à poster : noms, fonctions, organismes et adresses (une adresse par bloc). */
export function postInvitationsView(v: PostInvitationsView): SafeHtml {
  const missing = v.invitations.filter((i) => !i.postalAddress).length;
  return html`<h1>Invitations à envoyer par courrier</h1>
<p>${meetingTitle(v.startsAt)} — ${meetingWhen(v.startsAt)}, ${v.place}.</p>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/clu/reunions/${v.meetingId}#invitations">Retour à la réunion</a> — imprimez cette page (Ctrl+P) pour préparer les enveloppes.</p>
${
  missing > 0
    ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">${missing} adresse${missing > 1 ? 's' : ''} postale${missing > 1 ? 's' : ''} manquante${missing > 1 ? 's' : ''}</h2><p>Complétez la fiche du membre ou de son organisme (Comité des usagers › Membres).</p></div>`
    : ''
}
${
  v.invitations.length === 0
    ? html`<div class="fr-callout"><p class="fr-callout__text">Aucun membre à inviter par courrier : tous les invités ont une adresse électronique, ou les invitations n’ont pas encore été envoyées.</p></div>`
    : html`<ol class="fr-raw-list">${v.invitations.map(
        (i) => html`<li class="fr-mb-3w"><address class="fr-text--lg">
  <strong>${i.name}</strong>${i.function ? html`<br>${i.function}` : ''}<br>${i.organisationName}<br>${i.postalAddress ? multiline(i.postalAddress) : html`<em>Adresse postale inconnue</em>`}
</address></li>`,
      )}</ol>`
}`;
}
