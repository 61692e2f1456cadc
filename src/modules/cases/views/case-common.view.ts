import { badge } from '../../../ui/components.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { type CaseStatus, STATUS_LABELS } from '../vocabulary.ts';

/** Urgence d'un dossier ouvert, à la date du jour (locale au département). */
export type Urgency = 'overdue' | 'today' | 'soon' | null;

export const URGENCY_BADGES: Record<Exclude<Urgency, null>, { label: string; kind: 'error' | 'warning' | 'info' }> = {
  overdue: { label: 'En retard', kind: 'error' },
  today: { label: 'À traiter aujourd’hui', kind: 'warning' },
  soon: { label: 'Échéance ≤ 2 jours ouvrés', kind: 'info' },
};

export function urgencyBadge(urgency: Urgency): HtmlValue {
  if (!urgency) return '';
  const b = URGENCY_BADGES[urgency];
  return badge(b.label, b.kind);
}

export function statusBadge(status: CaseStatus): SafeHtml {
  const kind = status === 'answered' || status === 'closed' ? 'success' : status === 'reoriented' ? 'new' : 'info';
  return html`<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--${kind === 'info' ? 'blue-ecume' : kind}">${STATUS_LABELS[status]}</p>`;
}

export interface TextAreaOptions {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  rows?: number;
}

/** Zone de texte DSFR, même conventions que `textField` (erreur liée, saisie conservée). */
export function textArea(o: TextAreaOptions): SafeHtml {
  const id = `champ-${o.name}`;
  const described = [o.hint ? `${id}-aide` : '', o.error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${id}">${o.label}${o.hint ? html`<span class="fr-hint-text" id="${id}-aide">${o.hint}</span>` : ''}</label>
  <textarea class="fr-input${o.error ? ' fr-input--error' : ''}" id="${id}" name="${o.name}" rows="${o.rows ?? 4}"${o.error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>${o.value ?? ''}</textarea>
  ${o.error ? html`<p class="fr-error-text" id="${id}-erreur">${o.error}</p>` : ''}
</div>`;
}

/** Valeur texte d'un formulaire resoumis (les listes gardent leur premier élément). */
export function formValue(values: Record<string, unknown> | undefined, name: string): string | undefined {
  const raw = values?.[name];
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && typeof raw[0] === 'string') return raw[0];
  return undefined;
}

export function formValues(values: Record<string, unknown> | undefined, name: string): string[] {
  const raw = values?.[name];
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.filter((v): v is string => typeof v === 'string');
  return [];
}

export function options<T extends string>(labels: Record<T, string>): { value: string; label: string }[] {
  return (Object.entries(labels) as [string, string][]).map(([value, label]) => ({ value, label }));
}
