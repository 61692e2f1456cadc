import { checkboxGroup, csrfField, errorSummary, selectField, table, textField } from '../../../ui/components.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { ROLE_LABELS, ROLES, type Role } from '../roles.ts';

export interface MemberRow {
  membership_id: string;
  role: Role;
  email: string;
  display_name: string;
  locked_until: string | null;
  last_login_at: string | null;
  must_change_password: number;
  services: { id: string; name: string }[];
}

export interface MembersView {
  csrfToken: string;
  members: MemberRow[];
  services: { id: string; name: string }[];
  now: string;
  created?: { email: string; oneTimePassword?: string | undefined; reset?: boolean };
  error?: string;
  fields?: Record<string, string>;
  values?: Record<string, unknown>;
}

export function membersView(v: MembersView): SafeHtml {
  const values = v.values ?? {};
  const chosenServices = new Set(
    Array.isArray(values.serviceIds) ? (values.serviceIds as string[]) : values.serviceIds ? [String(values.serviceIds)] : [],
  );
  return html`<h1>Comptes de l’organisation</h1>
${
  v.created
    ? html`<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><h2 class="fr-alert__title">${v.created.reset ? `Mot de passe réinitialisé : ${v.created.email}` : `Compte prêt : ${v.created.email}`}</h2>
${v.created.oneTimePassword ? html`<p>Mot de passe provisoire, à communiquer à la personne (il ne sera plus affiché) : <code>${v.created.oneTimePassword}</code>. Elle devra le changer à sa première connexion.</p>` : html`<p>Ce compte existait déjà : il garde son mot de passe.</p>`}</div>`
    : ''
}
${table<MemberRow>(
  'Comptes et rôles',
  [
    { header: 'Nom', cell: (m) => html`${m.display_name}<br><span class="fr-text--xs">${m.email}</span>` },
    { header: 'Rôle', cell: (m) => ROLE_LABELS[m.role] },
    { header: 'Services', cell: (m) => (m.services.length > 0 ? m.services.map((s) => s.name).join(', ') : '—') },
    {
      header: 'État',
      cell: (m) =>
        m.locked_until && m.locked_until > v.now
          ? html`<p class="fr-badge fr-badge--sm fr-badge--error">Verrouillé</p>`
          : m.must_change_password
            ? html`<p class="fr-badge fr-badge--sm fr-badge--warning">Mot de passe provisoire</p>`
            : html`<p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>`,
    },
    { header: 'Dernière connexion', cell: (m) => (m.last_login_at ? formatDateTime(m.last_login_at) : 'jamais') },
    {
      header: 'Actions',
      cell: (m) => html`<ul class="fr-btns-group fr-btns-group--sm">
  <li><form method="post" action="/admin/utilisateurs/${m.membership_id}/reinitialiser">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--secondary" type="submit">Réinitialiser<span class="fr-sr-only"> le mot de passe de ${m.email}</span></button></form></li>
  <li><a class="fr-btn fr-btn--tertiary" href="/admin/utilisateurs/${m.membership_id}/retirer">Retirer<span class="fr-sr-only"> ${m.email}</span></a></li>
</ul>`,
    },
  ],
  v.members,
  'Aucun compte.',
)}
<h2 class="fr-mt-5w" id="ajouter">Ajouter un compte</h2>
${errorSummary(v.error, v.fields)}
<form method="post" action="/admin/utilisateurs" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'email', label: 'Adresse électronique', type: 'email', value: typeof values.email === 'string' ? values.email : undefined, error: v.fields?.email, required: true })}
  ${textField({ name: 'displayName', label: 'Nom affiché', hint: 'Prénom et nom, ou fonction.', value: typeof values.displayName === 'string' ? values.displayName : undefined, error: v.fields?.displayName })}
  ${selectField({
    name: 'role',
    label: 'Rôle',
    value: typeof values.role === 'string' ? values.role : 'agent',
    error: v.fields?.role,
    options: ROLES.filter((r) => r !== 'national').map((r) => ({ value: r, label: ROLE_LABELS[r] })),
  })}
  ${
    v.services.length > 0
      ? checkboxGroup({
          name: 'serviceIds',
          legend: 'Services de l’agent',
          hint: 'Un agent voit et traite les demandes de ses services.',
          error: v.fields?.serviceIds,
          items: v.services.map((s) => ({ value: s.id, label: s.name, checked: chosenServices.has(s.id) })),
        })
      : ''
  }
  <button class="fr-btn" type="submit">Créer le compte</button>
</form>`;
}

export function confirmRemovalView(
  csrfToken: string,
  member: { membership_id: string; email: string; display_name: string; role: Role },
): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-8">
<h1>Retirer ${member.display_name} ?</h1>
<p>${member.email} perdra son rôle « ${ROLE_LABELS[member.role]} » dans l’organisation et sera déconnecté. S’il n’a de rôle dans aucune autre organisation, son compte sera supprimé et son nom effacé du journal d’audit.</p>
<form method="post" action="/admin/utilisateurs/${member.membership_id}/retirer">
  ${csrfField(csrfToken)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer le retrait</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/admin/utilisateurs">Annuler</a></li>
  </ul>
</form>
</div></div>`;
}
