import { badge, csrfField, pagination, table } from '../../../ui/components.ts';
import { formatDateTime, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { OutgoingPurpose, OutgoingStatus } from '../mail.table.ts';
import type { OutboxStatusFilter } from '../outgoing-mail.repository.ts';

export interface OutboxRow {
  id: string;
  case_id: string | null;
  case_reference: string | null;
  purpose: OutgoingPurpose;
  to_address: string;
  subject: string;
  status: OutgoingStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
  mailbox_address: string | null;
}

export interface OutboxView {
  rows: OutboxRow[];
  total: number;
  page: number;
  pageCount: number;
  filter: OutboxStatusFilter | undefined;
  purposeLabels: Record<OutgoingPurpose, string>;
  csrfToken: string;
  timeZone: string;
}

const STATUS_BADGES: Record<OutgoingStatus, { label: string; kind: 'success' | 'error' | 'info' | 'warning' | 'new' }> = {
  pending: { label: 'En attente', kind: 'info' },
  sending: { label: 'Envoi en cours', kind: 'new' },
  sent: { label: 'Envoyé', kind: 'success' },
  failed: { label: 'Échec', kind: 'error' },
};

const FILTERS: { value: OutboxStatusFilter | undefined; label: string }[] = [
  { value: undefined, label: 'Tous' },
  { value: 'pending', label: 'En attente' },
  { value: 'sent', label: 'Envoyés' },
  { value: 'failed', label: 'En échec' },
];

const EMPTY: Record<OutboxStatusFilter | 'all', string> = {
  all: 'Aucun courriel dans la file pour l’instant : les accusés de réception, réponses et récapitulatifs apparaîtront ici.',
  pending: 'Aucun courriel en attente : tout est parti.',
  sent: 'Aucun courriel envoyé pour l’instant.',
  failed: 'Aucun courriel en échec.',
};

function hrefOf(filter: OutboxStatusFilter | undefined, page?: number): string {
  const params = new URLSearchParams();
  if (filter) params.set('statut', filter);
  if (page && page > 1) params.set('page', String(page));
  const query = params.toString();
  return `/courrier/envois${query ? `?${query}` : ''}`;
}

export function outboxView(v: OutboxView): SafeHtml {
  const state = (r: OutboxRow): HtmlValue => {
    const b = STATUS_BADGES[r.status];
    const when =
      r.status === 'sent' && r.sent_at
        ? `le ${formatDateTime(r.sent_at, v.timeZone)}`
        : r.status === 'pending'
          ? `prochain essai : ${formatDateTime(r.next_attempt_at, v.timeZone)}`
          : '';
    return html`${badge(b.label, b.kind)}${when ? html`<p class="fr-text--sm fr-mb-0">${when}</p>` : ''}`;
  };
  const retry = (r: OutboxRow): HtmlValue =>
    r.status === 'pending' || r.status === 'failed'
      ? html`<form method="post" action="/courrier/envois/${r.id}/relancer">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">Réessayer maintenant<span class="fr-sr-only"> : ${r.subject}</span></button></form>`
      : '';
  return html`<h1>File d’envoi</h1>
<p>Les courriels préparés par Vigie (accusés de réception, avis de réorientation, réponses, récapitulatifs) et leur sort. Un courriel qui ne part pas est réessayé de plus en plus espacé (30 secondes, puis 1, 2, 4… minutes, une heure au plus) ; au bout de 8 essais il passe en échec, avec la raison. Il garde le même identifiant (Message-ID) à chaque essai : jamais de doublon chez le destinataire.</p>
<nav class="fr-mb-3w" aria-label="Filtrer la file par statut"><ul class="fr-tags-group">
  ${FILTERS.map(
    (f) =>
      html`<li><a class="fr-tag" href="${hrefOf(f.value)}"${f.value === v.filter ? html` aria-current="page"` : ''}>${f.label}</a></li>`,
  )}
</ul></nav>
<p><strong>${formatInteger(v.total)} courriel${v.total > 1 ? 's' : ''}</strong>${v.pageCount > 1 ? ` — page ${v.page} sur ${v.pageCount}` : ''}.</p>
${table<OutboxRow>(
  'Courriels de la file, du plus récent au plus ancien',
  [
    { header: 'Créé le', cell: (r) => formatDateTime(r.created_at, v.timeZone) },
    { header: 'Nature', cell: (r) => v.purposeLabels[r.purpose] ?? r.purpose },
    {
      header: 'Destinataire et objet',
      cell: (r) => html`${r.to_address}<br><span class="fr-text--sm">${r.subject}</span>`,
    },
    {
      header: 'Dossier',
      cell: (r) => (r.case_id ? html`<a href="/registre/${r.case_id}">${r.case_reference ?? 'Voir'}</a>` : '—'),
    },
    { header: 'Statut', cell: state },
    { header: 'Essais', cell: (r) => String(r.attempts) },
    {
      header: 'Raison',
      cell: (r) => (r.status === 'sent' ? (r.mailbox_address ? `Parti par ${r.mailbox_address}` : '—') : (r.last_error ?? '—')),
    },
    { header: 'Action', cell: retry },
  ],
  v.rows,
  EMPTY[v.filter ?? 'all'],
)}
${pagination(v.page, v.pageCount, (p) => hrefOf(v.filter, p))}`;
}
