import { formatDateTime } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import type { mailOverview } from '../mail-overview.repository.ts';

type Overview = Awaited<ReturnType<typeof mailOverview>>;

function tile(title: string, href: string, detail: string): SafeHtml {
  return html`<div class="fr-col-12 fr-col-md-6">
  <div class="fr-tile fr-enlarge-link">
    <div class="fr-tile__body"><div class="fr-tile__content">
      <h2 class="fr-tile__title"><a href="${href}">${title}</a></h2>
      <p class="fr-tile__detail">${detail}</p>
    </div></div>
  </div>
</div>`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}

export function mailOverviewView(overview: Overview, timeZone: string): SafeHtml {
  const inError = overview.mailboxes.filter((m) => m.last_error !== null);
  const none = overview.mailboxes.length === 0;
  return html`<h1>Courrier</h1>
<p class="fr-text--lead">Les boîtes fonctionnelles alimentent le registre : chaque message reçu devient un dossier, reçoit un accusé de réception avec son échéance, et la réponse part du registre dans le fil du demandeur.</p>
${
  none
    ? html`<div class="fr-alert fr-alert--info fr-mb-4w"><h2 class="fr-alert__title">Aucune boîte fonctionnelle configurée</h2><p>La relève est arrêtée et les courriels préparés (accusés, réponses, récapitulatifs) attendent dans la file d’envoi. Ajoutez une boîte pour les envoyer.</p></div>`
    : ''
}
${inError.map(
  (m) =>
    html`<div class="fr-alert fr-alert--error fr-mb-2w"><h2 class="fr-alert__title">${m.label} (${m.address})</h2><p>${m.last_error ?? ''}${
      m.last_polled_at ? ` — dernière relève réussie : ${formatDateTime(m.last_polled_at, timeZone)}` : ''
    }</p></div>`,
)}
${
  overview.outbox.failed > 0
    ? html`<div class="fr-alert fr-alert--warning fr-mb-4w"><p>${plural(overview.outbox.failed, 'courriel n’a pas pu partir', 'courriels n’ont pas pu partir')} : voyez la <a href="/courrier/envois?statut=failed">file d’envoi</a>.</p></div>`
    : ''
}
<div class="fr-grid-row fr-grid-row--gutters">
  ${tile('Boîtes fonctionnelles', '/courrier/boites', none ? 'Aucune boîte' : `${plural(overview.mailboxes.length, 'boîte', 'boîtes')}, ${inError.length} en erreur`)}
  ${tile('File d’envoi', '/courrier/envois', `${overview.outbox.pending} en attente, ${overview.outbox.sent} envoyé${overview.outbox.sent > 1 ? 's' : ''}, ${overview.outbox.failed} en échec`)}
  ${tile('Modèles de réponse', '/courrier/modeles', plural(overview.templates, 'modèle actif', 'modèles actifs'))}
  ${tile('Signatures des services', '/courrier/signatures', 'Blocs de signature des courriels et des lettres')}
</div>`;
}
