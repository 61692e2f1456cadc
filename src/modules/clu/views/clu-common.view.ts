import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { formatTime } from '../clu-time.ts';

/** Erreur d'un formulaire de page : message, champs en faute (par nom), saisie à réafficher. */
export interface FormState {
  /** Quel formulaire de la page a échoué (« invitations », « proposition:<id> »…). */
  name: string;
  error: string;
  fields: Record<string, string>;
  values: Record<string, unknown>;
}

/** « 30 juin 2026 à 10 h 30 » */
export function meetingWhen(startsAt: string): string {
  return `${formatDate(startsAt.slice(0, 10))} à ${formatTime(startsAt)}`;
}

export function meetingTitle(startsAt: string): string {
  return `Comité local des usagers du ${formatDate(startsAt.slice(0, 10))}`;
}

export function fieldValue(values: Record<string, unknown> | undefined, name: string): string | undefined {
  const raw = values?.[name];
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && typeof raw[0] === 'string') return raw[0];
  return undefined;
}

/** Résumé d'erreurs dont les liens mènent aux champs de ce formulaire (identifiants propres à la page). */
export function formErrorSummary(state: FormState | undefined, idOf: (field: string) => string): HtmlValue {
  if (!state) return '';
  const entries = Object.entries(state.fields);
  return html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">${state.error}</h2>
  ${entries.length > 0 ? html`<ul>${entries.map(([field, text]) => html`<li><a href="#${idOf(field)}">${text}</a></li>`)}</ul>` : ''}
</div>`;
}

export interface LocalFieldOptions {
  id: string;
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
}

function described(o: LocalFieldOptions): HtmlValue {
  const ids = [o.hint ? `${o.id}-aide` : '', o.error ? `${o.id}-erreur` : ''].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"` : '';
}

function labelOf(o: LocalFieldOptions): SafeHtml {
  return html`<label class="fr-label" for="${o.id}">${o.label}${o.required ? html` <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span>` : ''}${o.hint ? html`<span class="fr-hint-text" id="${o.id}-aide">${o.hint}</span>` : ''}</label>`;
}

/** Champ d'heure (HH:MM), absent des composants communs. */
export function timeField(o: LocalFieldOptions): SafeHtml {
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''}">
  ${labelOf(o)}
  <input class="fr-input${o.error ? ' fr-input--error' : ''}" type="time" id="${o.id}" name="${o.name}" value="${o.value ?? ''}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true"` : ''}${described(o)}>
  ${o.error ? html`<p class="fr-error-text" id="${o.id}-erreur">${o.error}</p>` : ''}
</div>`;
}

/** Zone de texte à identifiant libre (plusieurs formulaires du même nom sur une page). */
export function areaField(o: LocalFieldOptions & { rows?: number }): SafeHtml {
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''}">
  ${labelOf(o)}
  <textarea class="fr-input${o.error ? ' fr-input--error' : ''}" id="${o.id}" name="${o.name}" rows="${o.rows ?? 3}"${o.error ? html` aria-invalid="true"` : ''}${described(o)}>${o.value ?? ''}</textarea>
  ${o.error ? html`<p class="fr-error-text" id="${o.id}-erreur">${o.error}</p>` : ''}
</div>`;
}

/** Texte saisi sur plusieurs lignes, rendu avec ses retours à la ligne (sans HTML). */
export function multiline(text: string | null | undefined): HtmlValue {
  if (!text) return '';
  const lines = text.split(/\r?\n/);
  return lines.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`));
}
