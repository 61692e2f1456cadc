import { formatInteger } from './format.ts';
import { type HtmlValue, html, type SafeHtml } from './html.ts';

/** Champs de formulaire DSFR : l'erreur est liée au champ (aria-describedby) et la saisie est conservée. */
export interface FieldOptions {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  type?: 'text' | 'email' | 'password' | 'date' | 'number' | 'url';
  required?: boolean;
  autocomplete?: string;
  id?: string;
}

function describedBy(id: string, hint?: string, error?: string): HtmlValue {
  const ids = [hint ? `${id}-aide` : '', error ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"` : '';
}

function errorText(id: string, error?: string): HtmlValue {
  return error ? html`<p class="fr-error-text" id="${id}-erreur">${error}</p>` : '';
}

export function textField(o: FieldOptions): SafeHtml {
  const id = o.id ?? `champ-${o.name}`;
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${id}">${o.label}${o.required ? html` <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span>` : ''}${o.hint ? html`<span class="fr-hint-text" id="${id}-aide">${o.hint}</span>` : ''}</label>
  <input class="fr-input${o.error ? ' fr-input--error' : ''}" type="${o.type ?? 'text'}" id="${id}" name="${o.name}" value="${o.type === 'password' ? '' : (o.value ?? '')}"${o.required ? html` required` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.error ? html` aria-invalid="true"` : ''}${describedBy(id, o.hint, o.error)}>
  ${errorText(id, o.error)}
</div>`;
}

export interface SelectOptions extends Omit<FieldOptions, 'type'> {
  options: { value: string; label: string }[];
  placeholder?: string;
}

export function selectField(o: SelectOptions): SafeHtml {
  const id = o.id ?? `champ-${o.name}`;
  return html`<div class="fr-select-group${o.error ? ' fr-select-group--error' : ''}">
  <label class="fr-label" for="${id}">${o.label}${o.hint ? html`<span class="fr-hint-text" id="${id}-aide">${o.hint}</span>` : ''}</label>
  <select class="fr-select${o.error ? ' fr-select--error' : ''}" id="${id}" name="${o.name}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true"` : ''}${describedBy(id, o.hint, o.error)}>
    ${o.placeholder !== undefined ? html`<option value="">${o.placeholder}</option>` : ''}
    ${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === o.value ? html` selected` : ''}>${opt.label}</option>`)}
  </select>
  ${errorText(id, o.error)}
</div>`;
}

export interface CheckboxOptions {
  name: string;
  legend: string;
  hint?: string;
  error?: string | undefined;
  items: { value: string; label: string; checked: boolean; disabled?: boolean; hint?: string }[];
}

export function checkboxGroup(o: CheckboxOptions): SafeHtml {
  const id = `groupe-${o.name}`;
  return html`<fieldset class="fr-fieldset${o.error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${o.error ? ` ${id}-erreur` : ''}">
  <legend class="fr-fieldset__legend" id="${id}-legende">${o.legend}${o.hint ? html`<span class="fr-hint-text">${o.hint}</span>` : ''}</legend>
  ${o.items.map((item, index) => {
    const itemId = `${id}-${index}`;
    return html`<div class="fr-fieldset__element"><div class="fr-checkbox-group">
      <input type="checkbox" id="${itemId}" name="${o.name}" value="${item.value}"${item.checked ? html` checked` : ''}${item.disabled ? html` disabled` : ''}${item.hint ? html` aria-describedby="${itemId}-aide"` : ''}>
      <label class="fr-label" for="${itemId}">${item.label}${item.hint ? html`<span class="fr-hint-text" id="${itemId}-aide">${item.hint}</span>` : ''}</label>
    </div></div>`;
  })}
  ${o.error ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${o.error}</p></div>` : ''}
</fieldset>`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** Résumé des erreurs en tête de formulaire : lu en premier par un lecteur d'écran. */
export function errorSummary(message: string | undefined, fields: Record<string, string> = {}): HtmlValue {
  if (!message) return '';
  const entries = Object.entries(fields);
  return html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">${message}</h2>
  ${entries.length > 0 ? html`<ul>${entries.map(([field, text]) => html`<li><a href="#champ-${field}">${text}</a></li>`)}</ul>` : ''}
</div>`;
}

export interface Column<T> {
  header: string;
  cell: (row: T) => HtmlValue;
}

export function table<T>(caption: string, columns: Column<T>[], rows: T[], empty: string): SafeHtml {
  if (rows.length === 0) {
    return html`<div class="fr-callout"><p class="fr-callout__text">${empty}</p></div>`;
  }
  return html`<div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>${caption}</caption>
  <thead><tr>${columns.map((c) => html`<th scope="col">${c.header}</th>`)}</tr></thead>
  <tbody>${rows.map((row) => html`<tr>${columns.map((c) => html`<td>${c.cell(row)}</td>`)}</tr>`)}</tbody>
</table>
</div></div></div></div>`;
}

export function badge(label: string, kind: 'success' | 'error' | 'info' | 'warning' | 'new' = 'info'): SafeHtml {
  return html`<p class="fr-badge fr-badge--sm fr-badge--${kind}">${label}</p>`;
}

/** Pagination DSFR par liens (fonctionne sans JavaScript). */
export function pagination(currentPage: number, pageCount: number, hrefFor: (page: number) => string): HtmlValue {
  if (pageCount <= 1) return '';
  const link = (pageNumber: number, label: string, extraClass = '') =>
    html`<li><a class="fr-pagination__link${extraClass}" href="${hrefFor(pageNumber)}"${pageNumber === currentPage ? html` aria-current="page"` : ''} title="Page ${pageNumber}">${label}</a></li>`;
  const pages: HtmlValue[] = [];
  for (let p = Math.max(1, currentPage - 2); p <= Math.min(pageCount, currentPage + 2); p++) pages.push(link(p, String(p)));
  return html`<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination"><ul class="fr-pagination__list">
  ${currentPage > 1 ? link(currentPage - 1, 'Page précédente', ' fr-pagination__link--prev fr-pagination__link--lg-label') : ''}
  ${pages}
  ${currentPage < pageCount ? link(currentPage + 1, 'Page suivante', ' fr-pagination__link--next fr-pagination__link--lg-label') : ''}
</ul></nav>`;
}

export interface LineErrorsPage {
  title: string;
  fileName: string;
  message: string;
  /** Erreurs par ligne : « ligne 12 » → message (qui peut répéter « ligne 12 : »). */
  fields: Record<string, string>;
  retryHref: string;
}

/** Page d'un import refusé : le message, puis chaque ligne fautive avec sa raison ; rien n'a été écrit. */
export function lineErrorsPage(v: LineErrorsPage): SafeHtml {
  // Le message peut répéter « ligne N : » : la colonne Ligne le dit déjà.
  const rows = Object.entries(v.fields).map(([where, message]) => ({
    where,
    message: message.startsWith(`${where} : `) ? message.slice(where.length + 3) : message,
  }));
  const count = `${formatInteger(rows.length)} erreur${rows.length > 1 ? 's' : ''}`;
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>${v.title}</h1>
<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">${v.message}</h2>
  <p>Fichier : ${v.fileName}. ${count} à corriger.</p>
</div>
${table(
  'Lignes en erreur',
  [
    { header: 'Ligne', cell: (r) => r.where },
    { header: 'Erreur', cell: (r) => r.message },
  ],
  rows,
  'Aucune erreur.',
)}
<p class="fr-mt-3w"><a class="fr-btn" href="${v.retryHref}">Importer un fichier corrigé</a></p>
</div></div>`;
}
