import { csrfField, errorSummary, textField } from '../../../ui/components.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { originButton } from '../../actions/views/action-common.view.ts';

export interface ThemesView {
  csrfToken: string;
  themes: { id: string; label: string; archived_at: string | null }[];
  form?: { themeId: string | null; error: string; fields: Record<string, string>; values: Record<string, unknown> };
}

export function themesView(v: ThemesView): SafeHtml {
  const typed = (themeId: string | null) =>
    v.form && v.form.themeId === themeId && typeof v.form.values.label === 'string' ? v.form.values.label : undefined;
  const active = v.themes.filter((t) => t.archived_at === null);
  const archived = v.themes.filter((t) => t.archived_at !== null);
  const row = (t: ThemesView['themes'][number]) => html`<li class="fr-mb-2w">
  <form method="post" action="/registre/themes/${t.id}" class="fr-mb-1w" novalidate>
    ${csrfField(v.csrfToken)}
    ${textField({ id: `theme-${t.id}`, name: 'label', label: `Libellé`, value: typed(t.id) ?? t.label, error: v.form?.themeId === t.id ? v.form.fields.label : undefined })}
    <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
      <li><button class="fr-btn fr-btn--secondary" type="submit">Renommer<span class="fr-sr-only"> le thème ${t.label}</span></button></li>
    </ul>
  </form>
  <form method="post" action="/registre/themes/${t.id}/archiver">
    ${csrfField(v.csrfToken)}
    <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">${t.archived_at ? 'Rétablir' : 'Archiver'}<span class="fr-sr-only"> le thème ${t.label}</span></button>
  </form>
  ${t.archived_at ? '' : html`<div class="fr-mt-1w">${originButton({ csrfToken: v.csrfToken, kind: 'complaint_theme', ref: t.id, subject: `thème de réclamations ${t.label}` })}</div>`}
</li>`;
  return html`<h1>Thèmes du registre</h1>
<p>Les thèmes classent les demandes et réclamations (délais de rendez-vous, température de l’accueil, signalétique…) pour l’analyse présentée au comité local des usagers. Un thème archivé n’est plus proposé à la saisie mais reste sur les dossiers qui le portent.</p>
${v.form && v.form.themeId === null ? errorSummary(v.form.error, v.form.fields) : ''}
<form method="post" action="/registre/themes" class="fr-mb-5w" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ id: 'nouveau-theme', name: 'label', label: 'Nouveau thème', value: typed(null), error: v.form?.themeId === null ? v.form.fields.label : undefined, required: true })}
  <button class="fr-btn" type="submit">Ajouter le thème</button>
</form>
<h2>Thèmes proposés (${active.length})</h2>
${active.length > 0 ? html`<ul class="fr-raw-list">${active.map(row)}</ul>` : html`<p>Aucun thème actif.</p>`}
<h2 class="fr-mt-5w">Thèmes archivés (${archived.length})</h2>
${archived.length > 0 ? html`<ul class="fr-raw-list">${archived.map(row)}</ul>` : html`<p>Aucun thème archivé.</p>`}`;
}
