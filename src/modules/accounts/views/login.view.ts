import { csrfField, errorSummary, textField } from '../../../ui/components.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';

export interface LoginView {
  csrfToken: string;
  email?: string | undefined;
  next?: string;
  error?: string;
  fields?: Record<string, string>;
  notice?: string;
}

export function loginView(v: LoginView): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--center">
  <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
    <h1>Connexion à Vigie</h1>
    ${v.notice ? html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>${v.notice}</p></div>` : ''}
    ${errorSummary(v.error, v.fields)}
    <form method="post" action="/connexion" novalidate>
      ${csrfField(v.csrfToken)}
      <input type="hidden" name="suite" value="${v.next ?? ''}">
      <fieldset class="fr-fieldset" aria-labelledby="connexion-legende">
        <legend class="fr-fieldset__legend" id="connexion-legende">Se connecter avec son compte</legend>
        <div class="fr-fieldset__element">
          ${textField({ name: 'email', label: 'Adresse électronique', type: 'email', value: v.email, error: v.fields?.email, autocomplete: 'username', required: true, hint: 'Format attendu : prenom.nom@interieur.gouv.fr' })}
        </div>
        <div class="fr-fieldset__element">
          ${textField({ name: 'password', label: 'Mot de passe', type: 'password', error: v.fields?.password, autocomplete: 'current-password', required: true })}
        </div>
      </fieldset>
      <ul class="fr-btns-group"><li><button class="fr-btn" type="submit">Se connecter</button></li></ul>
    </form>
    <p class="fr-text--sm">Mot de passe oublié ? Demandez à votre référent qualité de le réinitialiser : il vous communiquera un mot de passe provisoire.</p>
  </div>
</div>`;
}
