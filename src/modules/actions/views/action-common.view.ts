import { badge, csrfField, table } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { ActionView } from '../action.service.ts';
import {
  ACTION_STATUS_LABELS,
  type ActionStatus,
  isActionStatus,
  isOriginKind,
  isOverdue,
  ORIGIN_KIND_LABELS,
  type OriginKind,
} from '../action-status.ts';

const STATUS_BADGE: Record<ActionStatus, string> = {
  todo: 'blue-ecume',
  in_progress: 'info',
  done: 'success',
  abandoned: 'new',
};

/** Le statut écrit en toutes lettres (la couleur ne fait que le doubler). */
export function actionStatusBadge(status: string): SafeHtml {
  const known = isActionStatus(status) ? status : 'todo';
  return html`<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--${STATUS_BADGE[known]}">${ACTION_STATUS_LABELS[known]}</p>`;
}

export function overdueBadge(action: { status: string; due_date: string }, today: string): HtmlValue {
  return isOverdue(action, today) ? badge('En retard', 'error') : '';
}

export function originText(action: Pick<ActionView, 'origin_kind' | 'origin_label'>): string {
  const kind = isOriginKind(action.origin_kind) ? ORIGIN_KIND_LABELS[action.origin_kind] : action.origin_kind;
  return action.origin_label ? `${kind} : ${action.origin_label}` : kind;
}

/**
 * Bouton « Créer une action » posé sur une source (critère d'enquête, thème, dossier, proposition du
 * CLU) : un petit formulaire POST avec son jeton, qui fonctionne sans JavaScript.
 */
export function originButton(o: { csrfToken: string; kind: OriginKind; ref: string; subject: string }): SafeHtml {
  return html`<form method="post" action="/plan-actions/depuis-origine" class="vigie-inline-form">
  ${csrfField(o.csrfToken)}
  <input type="hidden" name="origin_kind" value="${o.kind}">
  <input type="hidden" name="origin_ref" value="${o.ref}">
  <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit">Créer une action<span class="fr-sr-only"> du plan d’actions : ${o.subject}</span></button>
</form>`;
}

export type PlanTab = 'list' | 'status' | 'origin' | 'timeline';

/** Les quatre lectures du plan, en onglets-liens (sans JavaScript). */
export function planTabs(current: PlanTab, queryString: string): SafeHtml {
  const q = queryString ? `?${queryString}` : '';
  const tabs: { key: PlanTab; label: string; href: string }[] = [
    { key: 'list', label: 'Liste', href: `/plan-actions${q}` },
    { key: 'status', label: 'Par statut', href: `/plan-actions/statuts${q}` },
    { key: 'origin', label: 'Par origine', href: `/plan-actions/origines` },
    { key: 'timeline', label: 'Calendrier des échéances', href: `/plan-actions/calendrier${q}` },
  ];
  return html`<nav class="fr-mb-3w" aria-label="Lectures du plan d’actions"><ul class="fr-tags-group">
  ${tabs.map((t) => html`<li><a class="fr-tag" href="${t.href}"${t.key === current ? html` aria-current="page"` : ''}>${t.label}</a></li>`)}
</ul></nav>`;
}

/** Tableau d'actions (liste, sections par statut) : numéro, objectif, action, acteurs, échéance, statut. */
export function actionsTable(caption: string, actions: ActionView[], today: string, empty: string): SafeHtml {
  return table<ActionView>(
    caption,
    [
      { header: 'N°', cell: (a) => html`<a href="/plan-actions/${a.id}">n° ${a.number}</a>` },
      { header: 'Objectif', cell: (a) => a.objective },
      { header: 'Action', cell: (a) => a.description },
      { header: 'Acteur(s)', cell: (a) => (a.services.length > 0 ? a.services.map((s) => s.name).join(', ') : 'à désigner') },
      { header: 'Échéance', cell: (a) => html`${formatDate(a.due_date)} ${overdueBadge(a, today)}` },
      { header: 'Statut', cell: (a) => actionStatusBadge(a.status) },
      { header: 'Origine', cell: (a) => (isOriginKind(a.origin_kind) ? ORIGIN_KIND_LABELS[a.origin_kind] : a.origin_kind) },
    ],
    actions,
    empty,
  );
}
