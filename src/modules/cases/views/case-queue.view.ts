import { pagination, selectField, table, textField } from '../../../ui/components.ts';
import { formatDate, formatInteger } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import type { CaseRow } from '../case.repository.ts';
import { CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS } from '../vocabulary.ts';
import { options, statusBadge, type Urgency, urgencyBadge } from './case-common.view.ts';

export interface QueueRow extends CaseRow {
  service_name: string | null;
  urgency: Urgency;
  /** Échéance affichée (réponse, ou étape du rendez-vous d'élu). */
  shown_due: string | null;
  /** Marque « Enquête mystère » : pour le référent, et pour les agents une fois la campagne close. */
  mystery?: boolean;
}

export interface CaseQueueView {
  rows: QueueRow[];
  total: number;
  page: number;
  pageCount: number;
  /** Filtres tels que saisis (chaînes), pour réafficher le formulaire et construire les liens. */
  query: Record<string, string>;
  /** Chaîne de requête des filtres (sans la page), pour la pagination et les exports. */
  queryString: string;
  services: { id: string; name: string }[];
  themes: { id: string; label: string }[];
  canCreate: boolean;
  /** Référent qualité : thèmes et import. */
  canAdminister: boolean;
  /** Agent : vue limitée à ses services (sauf « tous les services »). */
  agentScope: { limited: boolean; serviceNames: string[] } | null;
  today: string;
}

function withPage(queryString: string, page: number): string {
  return `/registre?${queryString ? `${queryString}&` : ''}page=${page}`;
}

export function caseQueueView(v: CaseQueueView): SafeHtml {
  const q = v.query;
  const statusOptions = [{ value: 'open', label: 'Ouverts (ni répondus ni clos)' }, ...options(STATUS_LABELS)];
  const exportQuery = v.queryString ? `?${v.queryString}` : '';
  return html`<h1>Registre des demandes</h1>
<p>Dossiers triés par échéance, les plus urgents d’abord. Nous sommes le ${formatDate(v.today)}.</p>
${
  v.canCreate
    ? html`<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
  <li><a class="fr-btn fr-icon-add-line" href="/registre/nouveau">Enregistrer une demande</a></li>
  <li><a class="fr-btn fr-btn--secondary fr-icon-inbox-archive-line" href="/registre/urne">Saisir une relève d’urne</a></li>
  ${v.canAdminister ? html`<li><a class="fr-btn fr-btn--tertiary fr-icon-list-unordered" href="/registre/themes">Thèmes</a></li><li><a class="fr-btn fr-btn--tertiary fr-icon-upload-line" href="/registre/import">Importer un fichier</a></li>` : ''}
</ul>`
    : ''
}
${
  v.agentScope
    ? html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>${
        v.agentScope.limited
          ? html`Vous voyez les dossiers de vos services (${v.agentScope.serviceNames.length > 0 ? v.agentScope.serviceNames.join(', ') : 'aucun service rattaché'}). <a href="/registre?tous=1">Voir tous les services</a>`
          : html`Vous voyez les dossiers de tous les services. <a href="/registre">Revenir à mes services</a>`
      }</p></div>`
    : ''
}
<form method="get" action="/registre" class="fr-mb-3w" role="search" aria-label="Filtrer le registre">
  ${q.tous ? html`<input type="hidden" name="tous" value="1">` : ''}
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'q', label: 'Rechercher', hint: 'Référence, objet, nom ou adresse du demandeur', value: q.q })}</div>
    <div class="fr-col-12 fr-col-md-4">${selectField({ name: 'kind', label: 'Nature', value: q.kind, placeholder: 'Toutes', options: options(KIND_LABELS) })}</div>
    <div class="fr-col-12 fr-col-md-4">${selectField({ name: 'channel', label: 'Canal', value: q.channel, placeholder: 'Tous', options: options(CHANNEL_LABELS) })}</div>
    <div class="fr-col-12 fr-col-md-4">${selectField({ name: 'status', label: 'Statut', value: q.status, placeholder: 'Tous', options: statusOptions })}</div>
    <div class="fr-col-12 fr-col-md-4">${selectField({ name: 'service', label: 'Service', value: q.service, placeholder: v.agentScope?.limited ? 'Mes services' : 'Tous', options: v.services.map((s) => ({ value: s.id, label: s.name })) })}</div>
    <div class="fr-col-12 fr-col-md-4">${selectField({ name: 'theme', label: 'Thème', value: q.theme, placeholder: 'Tous', options: v.themes.map((t) => ({ value: t.id, label: t.label })) })}</div>
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'from', label: 'Reçu à partir du', type: 'date', value: q.from })}</div>
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'to', label: 'Reçu jusqu’au', type: 'date', value: q.to })}</div>
  </div>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Filtrer</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="/registre${q.tous ? '?tous=1' : ''}">Effacer les filtres</a></li>
  </ul>
</form>
<p><strong>${formatInteger(v.total)} dossier${v.total > 1 ? 's' : ''}</strong>${v.pageCount > 1 ? ` — page ${v.page} sur ${v.pageCount}` : ''}.
  Exporter la sélection complète : <a href="/registre/export.csv${exportQuery}">CSV</a> · <a href="/registre/export.xlsx${exportQuery}">XLSX (Excel)</a></p>
${table<QueueRow>(
  `Dossiers du registre (${formatInteger(v.total)})`,
  [
    {
      header: 'Référence',
      cell: (r) =>
        html`<a href="/registre/${r.id}">${r.reference}</a>${r.mystery ? html`<br><p class="fr-badge fr-badge--sm fr-badge--purple-glycine">Enquête mystère</p>` : ''}`,
    },
    { header: 'Nature', cell: (r) => KIND_LABELS[r.kind] },
    { header: 'Canal', cell: (r) => CHANNEL_LABELS[r.channel] },
    { header: 'Service', cell: (r) => r.service_name ?? '—' },
    { header: 'Reçu le', cell: (r) => formatDate(r.received_local_date) },
    {
      header: 'Échéance',
      cell: (r) => html`${r.shown_due ? formatDate(r.shown_due) : 'sans échéance écrite'}${urgencyBadge(r.urgency)}`,
    },
    { header: 'Statut', cell: (r) => statusBadge(r.status) },
  ],
  v.rows,
  'Aucun dossier ne correspond à ces critères.',
)}
${pagination(v.page, v.pageCount, (p) => withPage(v.queryString, p))}`;
}
