import { csrfField, errorSummary, table, textField } from '../../../ui/components.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { ROLE_LABELS } from '../roles.ts';
import type { Viewer } from '../viewer.ts';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AccountPageOptions {
  /** Récapitulatif quotidien et fonction : pour les agents et les référents. */
  preferences?: { reminderDigest: boolean; jobTitle: string | null };
  /** Formulaire des préférences en erreur : message, champs, saisie. */
  preferencesForm?: { error: string; fields: Record<string, string>; values: Record<string, unknown> };
  newToken?: string;
  /** Formulaire de création de jeton en erreur. */
  tokenForm?: { error: string; fields: Record<string, string>; name: string | undefined };
}

function preferencesSection(csrf: string, o: AccountPageOptions): SafeHtml | '' {
  if (!o.preferences) return '';
  const form = o.preferencesForm;
  const fields = form?.fields ?? {};
  const digest = form ? form.values.reminderDigest === 'on' : o.preferences.reminderDigest;
  const jobTitle = form ? (typeof form.values.jobTitle === 'string' ? form.values.jobTitle : '') : (o.preferences.jobTitle ?? '');
  return html`<h2 id="recapitulatif">Récapitulatif et signature</h2>
${form ? errorSummary(form.error, fields) : ''}
<form method="post" action="/compte/preferences" class="fr-mb-5w" novalidate>
  ${csrfField(csrf)}
  <div class="fr-checkbox-group fr-mb-3w">
    <input type="checkbox" id="champ-reminderDigest" name="reminderDigest" value="on"${digest ? html` checked` : ''} aria-describedby="champ-reminderDigest-aide">
    <label class="fr-label" for="champ-reminderDigest">Recevoir le récapitulatif quotidien<span class="fr-hint-text" id="champ-reminderDigest-aide">Chaque jour ouvré vers 7 h, par courriel : les dossiers de vos services en retard, à traiter le jour même ou à échéance dans 2 jours ouvrés au plus (pour le référent qualité : les retards de tous les services). Rien à signaler, pas de courriel.</span></label>
  </div>
  ${textField({ name: 'jobTitle', label: 'Fonction', hint: 'Elle figure sous votre nom dans la signature individuelle des réponses, par exemple « Cheffe du bureau de l’accueil ».', value: jobTitle, error: fields.jobTitle, autocomplete: 'organization-title' })}
  <button class="fr-btn" type="submit">Enregistrer</button>
</form>`;
}

export function accountView(viewer: Viewer, tokens: TokenRow[], options: AccountPageOptions = {}): SafeHtml {
  const csrf = viewer.csrfToken ?? '';
  const newToken = options.newToken;
  const error = options.tokenForm?.error;
  const fields = options.tokenForm?.fields ?? {};
  const name = options.tokenForm?.name;
  return html`<h1>Mon compte</h1>
<div class="fr-card fr-mb-4w"><div class="fr-card__body"><div class="fr-card__content">
  <h2 class="fr-card__title">${viewer.displayName}</h2>
  <p class="fr-card__desc">${viewer.email} — ${ROLE_LABELS[viewer.role]}${viewer.organisation ? html` — ${viewer.organisation.name}` : ''}</p>
</div><div class="fr-card__footer"><ul class="fr-btns-group fr-btns-group--inline"><li><a class="fr-btn fr-btn--secondary" href="/compte/mot-de-passe">Changer mon mot de passe</a></li></ul></div></div></div>
${preferencesSection(csrf, options)}

<h2 id="jetons">Jetons d’API personnels</h2>
<p>Un jeton permet à un programme d’utiliser l’<a href="/api/docs">API JSON de Vigie</a> avec vos droits. Il n’est affiché qu’une fois : conservez-le comme un mot de passe et révoquez-le dès qu’il ne sert plus.</p>
${
  newToken
    ? html`<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><h3 class="fr-alert__title">Jeton créé</h3>
<p>Copiez-le maintenant, il ne sera plus affiché :</p><p><code id="nouveau-jeton">${newToken}</code></p></div>`
    : ''
}
${table<TokenRow>(
  'Vos jetons d’API',
  [
    { header: 'Nom', cell: (t) => t.name },
    { header: 'Début du jeton', cell: (t) => html`<code>vigie_${t.prefix}_…</code>` },
    { header: 'Créé le', cell: (t) => formatDateTime(t.created_at) },
    { header: 'Dernière utilisation', cell: (t) => (t.last_used_at ? formatDateTime(t.last_used_at) : 'jamais') },
    {
      header: 'État',
      cell: (t) =>
        t.revoked_at
          ? html`<p class="fr-badge fr-badge--sm">Révoqué le ${formatDateTime(t.revoked_at)}</p>`
          : html`<form method="post" action="/compte/jetons/${t.id}/revoquer">${csrfField(csrf)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Révoquer<span class="fr-sr-only"> le jeton ${t.name}</span></button></form>`,
    },
  ],
  tokens,
  'Aucun jeton pour l’instant.',
)}
<h3 class="fr-mt-4w">Créer un jeton</h3>
${errorSummary(error, fields)}
<form method="post" action="/compte/jetons" novalidate>
  ${csrfField(csrf)}
  ${textField({ name: 'name', label: 'Nom du jeton', hint: 'À quoi il sert, par exemple « Import téléphonie ».', value: name, error: fields.name, required: true })}
  <button class="fr-btn" type="submit">Créer le jeton</button>
</form>`;
}

export function changePasswordView(viewer: Viewer, error?: string, fields: Record<string, string> = {}): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-8">
<h1>Changer mon mot de passe</h1>
${viewer.mustChangePassword ? html`<div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w"><p>Votre mot de passe est provisoire : choisissez-en un nouveau pour continuer.</p></div>` : ''}
${errorSummary(error, fields)}
<form method="post" action="/compte/mot-de-passe" novalidate>
  ${csrfField(viewer.csrfToken ?? '')}
  ${textField({ name: 'currentPassword', label: 'Mot de passe actuel', type: 'password', autocomplete: 'current-password', error: fields.currentPassword, required: true })}
  ${textField({ name: 'newPassword', label: 'Nouveau mot de passe', type: 'password', autocomplete: 'new-password', hint: 'Au moins 12 caractères, avec des lettres et au moins un chiffre ou un symbole. Une phrase de passe convient très bien.', error: fields.newPassword, required: true })}
  ${textField({ name: 'confirmPassword', label: 'Confirmation du nouveau mot de passe', type: 'password', autocomplete: 'new-password', error: fields.confirmPassword, required: true })}
  <button class="fr-btn" type="submit">Enregistrer</button>
</form>
</div></div>`;
}
