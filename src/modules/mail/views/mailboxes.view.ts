import { badge, csrfField, errorSummary, pagination, selectField, table, textField } from '../../../ui/components.ts';
import { formatDateTime, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { InboundOutcome } from '../mail.table.ts';
import type { MailboxSummary, ProbeResult } from '../mailbox.service.ts';

/** Saisie du formulaire (chaînes), pour le réafficher tel quel. */
export type MailboxFormValues = Record<string, string | undefined>;

export interface MailboxFormView {
  csrfToken: string;
  services: { id: string; name: string }[];
  /** Absente : création. */
  mailbox?: MailboxSummary;
  values: MailboxFormValues;
  error?: string;
  fields?: Record<string, string>;
  probe?: { imap: ProbeResult | null; smtp: ProbeResult | null };
  timeZone: string;
}

/** Valeurs du formulaire d'une boîte enregistrée (les mots de passe ne sont jamais réaffichés). */
export function mailboxFormValues(m: MailboxSummary): MailboxFormValues {
  const flag = (v: number) => (v === 1 ? 'on' : undefined);
  return {
    kind: m.kind,
    serviceId: m.service_id,
    label: m.label,
    address: m.address,
    displayName: m.display_name,
    imapHost: m.imap_host ?? undefined,
    imapPort: m.imap_port === null ? undefined : String(m.imap_port),
    imapTls: flag(m.imap_tls),
    imapUser: m.imap_user ?? undefined,
    imapFolder: m.imap_folder,
    imapSecretEnv: m.imap_secret_env ?? undefined,
    pollIntervalSeconds: String(m.poll_interval_seconds),
    intakeEnabled: flag(m.intake_enabled),
    smtpHost: m.smtp_host ?? undefined,
    smtpPort: m.smtp_port === null ? undefined : String(m.smtp_port),
    smtpTls: flag(m.smtp_tls),
    smtpUser: m.smtp_user ?? undefined,
    smtpSecretEnv: m.smtp_secret_env ?? undefined,
  };
}

/** Valeurs de départ d'une nouvelle boîte : ports usuels, TLS pour IMAP, relève active. */
export const NEW_MAILBOX_VALUES: MailboxFormValues = {
  kind: 'functional',
  imapPort: '993',
  imapTls: 'on',
  imapFolder: 'INBOX',
  pollIntervalSeconds: '60',
  intakeEnabled: 'on',
  smtpPort: '587',
};

/** Saisie soumise → valeurs affichables (une case décochée est absente du formulaire). */
export function submittedValues(body: Record<string, unknown>): MailboxFormValues {
  const values: MailboxFormValues = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf' || key === 'imapPassword' || key === 'smtpPassword') continue;
    if (typeof value === 'string') values[key] = value;
  }
  return values;
}

/** Une case à cocher seule (DSFR), son libellé et son aide. */
function singleCheckbox(name: string, label: string, checked: boolean, hint?: string): SafeHtml {
  const id = `champ-${name}`;
  return html`<div class="fr-checkbox-group">
  <input type="checkbox" id="${id}" name="${name}" value="on"${checked ? html` checked` : ''}${hint ? html` aria-describedby="${id}-aide"` : ''}>
  <label class="fr-label" for="${id}">${label}${hint ? html`<span class="fr-hint-text" id="${id}-aide">${hint}</span>` : ''}</label>
</div>`;
}

function passwordHint(source: 'env' | 'stored' | null, env: string | null): string {
  if (source === 'stored') return 'Un mot de passe est enregistré (chiffré) : laissez vide pour ne pas le changer.';
  if (source === 'env') return `Le mot de passe est lu dans la variable ${env ?? ''} : laissez vide pour garder ce réglage.`;
  return 'Ou bien indiquez ci-dessus la variable d’environnement qui le porte.';
}

function intakeState(m: MailboxSummary, timeZone: string): SafeHtml {
  if (!m.imap_host) return html`<p class="fr-mb-0">Pas de relève (boîte d’envoi seulement)</p>`;
  if (m.intake_enabled !== 1) return html`${badge('Relève arrêtée', 'warning')}`;
  const last = m.last_polled_at ? `Dernière relève réussie : ${formatDateTime(m.last_polled_at, timeZone)}` : 'Jamais relevée';
  if (m.last_error) {
    return html`${badge('Erreur', 'error')}<p class="fr-text--sm fr-mb-0">${m.last_error_at ? `${formatDateTime(m.last_error_at, timeZone)} — ` : ''}${m.last_error}</p><p class="fr-text--sm fr-mb-0">${last}</p>`;
  }
  return html`${m.last_polled_at ? badge('Active', 'success') : badge('En attente de la première relève', 'info')}<p class="fr-text--sm fr-mb-0">${last}</p>`;
}

function warnings(m: MailboxSummary): HtmlValue {
  return m.warnings.map(
    (w) => html`<div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w"><p>${m.label} — ${w}</p></div>`,
  );
}

export function mailboxesView(v: { mailboxes: MailboxSummary[]; timeZone: string }): SafeHtml {
  return html`<h1>Boîtes fonctionnelles</h1>
<p>Chaque boîte alimente le registre de son service : les messages reçus sont relevés par IMAP et deviennent des dossiers, les accusés et les réponses partent par son relais SMTP. Les mots de passe ne sont jamais réaffichés.</p>
<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
  <li><a class="fr-btn fr-icon-add-line" href="/courrier/boites/nouvelle">Ajouter une boîte</a></li>
  <li><a class="fr-btn fr-btn--secondary fr-icon-send-plane-line" href="/courrier/envois">File d’envoi</a></li>
</ul>
${v.mailboxes.map(warnings)}
${
  v.mailboxes.length === 0
    ? html`<div class="fr-callout"><h2 class="fr-callout__title">Aucune boîte configurée</h2><p class="fr-callout__text">Sans boîte, rien n’est relevé et les courriels préparés (accusés, réponses, récapitulatifs) attendent dans la file d’envoi : ils partiront dès qu’une boîte avec un relais SMTP sera ajoutée.</p><a class="fr-btn" href="/courrier/boites/nouvelle">Ajouter une boîte</a></div>`
    : table<MailboxSummary>(
        'Boîtes fonctionnelles de l’organisation',
        [
          {
            header: 'Boîte',
            cell: (m) =>
              html`<a href="/courrier/boites/${m.id}">${m.label}</a>${m.kind === 'mystery' ? html` ${badge('Enquêtes mystère', 'new')}` : ''}<br><span class="fr-text--sm">${m.display_name} &lt;${m.address}&gt;</span>`,
          },
          { header: 'Service', cell: (m) => m.service_name ?? '—' },
          {
            header: 'Relève',
            cell: (m) =>
              m.kind === 'mystery'
                ? html`<p class="fr-mb-0">Lue par le suivi des enquêtes mystère (jamais en dossiers)</p>`
                : intakeState(m, v.timeZone),
          },
          { header: 'Envoi', cell: (m) => (m.smtp_host ? `${m.smtp_host}:${m.smtp_port ?? ''}` : 'Pas de relais SMTP') },
          {
            header: 'Journal',
            cell: (m) =>
              m.imap_host
                ? html`<a href="/courrier/boites/${m.id}/messages">Messages relevés<span class="fr-sr-only"> de ${m.label}</span></a>`
                : '—',
          },
        ],
        v.mailboxes,
        '',
      )
}`;
}

function probeAlert(title: string, result: ProbeResult | null): HtmlValue {
  if (!result) return '';
  return html`<div class="fr-alert fr-alert--${result.ok ? 'success' : 'error'} fr-mb-2w" role="status"><h3 class="fr-alert__title">${title} : ${result.ok ? 'réussi' : 'échec'}</h3><p>${result.message}</p></div>`;
}

export function mailboxFormView(v: MailboxFormView): SafeHtml {
  const m = v.mailbox;
  const f = v.fields ?? {};
  const val = (name: string) => v.values[name];
  const check = (name: string, label: string, hint?: string) => singleCheckbox(name, label, val(name) === 'on', hint);
  const action = m ? `/courrier/boites/${m.id}` : '/courrier/boites';
  return html`<h1>${m ? `Boîte ${m.label}` : 'Nouvelle boîte fonctionnelle'}</h1>
${m ? warnings(m) : ''}
${
  m
    ? html`<div class="fr-grid-row fr-grid-row--gutters fr-mb-3w"><div class="fr-col-12 fr-col-md-8">
  <h2 class="fr-h6 fr-mb-1w">État de la relève</h2>${intakeState(m, v.timeZone)}
</div><div class="fr-col-12 fr-col-md-4">
  <form method="post" action="/courrier/boites/${m.id}/tester">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--secondary fr-icon-refresh-line fr-btn--icon-left" type="submit">Tester la connexion</button></form>
  ${m.imap_host ? html`<p class="fr-mt-1w"><a href="/courrier/boites/${m.id}/messages">Journal des messages relevés</a></p>` : ''}
</div></div>
${v.probe ? html`<h2 class="fr-h6">Test de connexion</h2>${probeAlert('Relève IMAP', v.probe.imap)}${probeAlert('Envoi SMTP', v.probe.smtp)}` : ''}`
    : ''
}
${errorSummary(v.error, f)}
<form method="post" action="${action}" novalidate>
  ${csrfField(v.csrfToken)}
  <fieldset class="fr-fieldset" aria-labelledby="boite-identite">
    <legend class="fr-fieldset__legend" id="boite-identite">Identité</legend>
    <div class="fr-fieldset__element">${
      m
        ? html`<p class="fr-mb-0"><strong>Type de boîte :</strong> ${m.kind === 'mystery' ? 'boîte des enquêtes mystère' : 'boîte fonctionnelle d’un service'}</p>`
        : selectField({
            name: 'kind',
            label: 'Type de boîte',
            hint: 'Boîte des enquêtes mystère : elle envoie les courriels mystère des campagnes et reçoit accusés et réponses ; elle n’est jamais relevée en dossiers ni montrée aux agents. Le type ne change plus ensuite.',
            value: val('kind'),
            error: f.kind,
            options: [
              { value: 'functional', label: 'Boîte fonctionnelle d’un service' },
              { value: 'mystery', label: 'Boîte des enquêtes mystère' },
            ],
          })
    }</div>
    <div class="fr-fieldset__element">${selectField({ name: 'serviceId', label: 'Service alimenté', hint: 'Les dossiers créés par la relève sont confiés à ce service (sans effet pour une boîte des enquêtes mystère).', placeholder: 'Choisir un service', value: val('serviceId'), error: f.serviceId, options: v.services.map((s) => ({ value: s.id, label: s.name })) })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'label', label: 'Libellé', hint: 'Par exemple « Accueil général ».', value: val('label'), error: f.label, required: true })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'address', label: 'Adresse d’expédition', type: 'email', hint: 'Par exemple pref-public@puy-de-dome.gouv.fr', value: val('address'), error: f.address, required: true })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'displayName', label: 'Nom affiché', hint: 'Par exemple « Préfecture du Puy-de-Dôme ».', value: val('displayName'), error: f.displayName, required: true })}</div>
  </fieldset>
  <fieldset class="fr-fieldset" aria-labelledby="boite-imap">
    <legend class="fr-fieldset__legend" id="boite-imap">Relève des messages (IMAP)<span class="fr-hint-text">Laissez le serveur vide pour une boîte qui sert seulement à l’envoi.</span></legend>
    <div class="fr-fieldset__element">${textField({ name: 'imapHost', label: 'Serveur IMAP', hint: 'Nom d’hôte, par exemple imap.interieur.gouv.fr', value: val('imapHost'), error: f.imapHost })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'imapPort', label: 'Port IMAP', type: 'number', hint: '993 en TLS, 143 sinon.', value: val('imapPort'), error: f.imapPort })}</div>
    <div class="fr-fieldset__element">${check('imapTls', 'Connexion TLS dès l’ouverture (port 993)', 'Décoché : connexion en clair, passée en TLS (STARTTLS) si le serveur le propose.')}</div>
    <div class="fr-fieldset__element">${textField({ name: 'imapUser', label: 'Utilisateur IMAP', value: val('imapUser'), error: f.imapUser, autocomplete: 'off' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'imapFolder', label: 'Dossier relevé', hint: 'INBOX par défaut.', value: val('imapFolder'), error: f.imapFolder })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'imapSecretEnv', label: 'Variable d’environnement du mot de passe IMAP', hint: 'Recommandé : VIGIE_MAIL_SECRET_… définie sur le serveur. Sinon, saisissez le mot de passe ci-dessous.', value: val('imapSecretEnv'), error: f.imapSecretEnv, autocomplete: 'off' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'imapPassword', label: 'Mot de passe IMAP', type: 'password', hint: passwordHint(m?.imap_password_source ?? null, m?.imap_secret_env ?? null), error: f.imapPassword, autocomplete: 'new-password' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'pollIntervalSeconds', label: 'Intervalle de relève (secondes)', type: 'number', hint: 'Au moins 30 secondes.', value: val('pollIntervalSeconds'), error: f.pollIntervalSeconds })}</div>
    <div class="fr-fieldset__element">${check('intakeEnabled', 'Relève active', 'Décochée : la boîte n’est plus relevée mais sert encore à l’envoi.')}</div>
  </fieldset>
  <fieldset class="fr-fieldset" aria-labelledby="boite-smtp">
    <legend class="fr-fieldset__legend" id="boite-smtp">Envoi (relais SMTP)<span class="fr-hint-text">Accusés de réception, réponses et récapitulatifs partent par ce relais.</span></legend>
    <div class="fr-fieldset__element">${textField({ name: 'smtpHost', label: 'Relais SMTP', hint: 'Nom d’hôte, par exemple smtp.interieur.gouv.fr', value: val('smtpHost'), error: f.smtpHost })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'smtpPort', label: 'Port SMTP', type: 'number', hint: '587 ou 25 (STARTTLS si proposé), 465 en TLS.', value: val('smtpPort'), error: f.smtpPort })}</div>
    <div class="fr-fieldset__element">${check('smtpTls', 'Connexion TLS dès l’ouverture (port 465)')}</div>
    <div class="fr-fieldset__element">${textField({ name: 'smtpUser', label: 'Utilisateur SMTP', hint: 'Vide : relais sans authentification.', value: val('smtpUser'), error: f.smtpUser, autocomplete: 'off' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'smtpSecretEnv', label: 'Variable d’environnement du mot de passe SMTP', hint: 'VIGIE_MAIL_SECRET_…', value: val('smtpSecretEnv'), error: f.smtpSecretEnv, autocomplete: 'off' })}</div>
    <div class="fr-fieldset__element">${textField({ name: 'smtpPassword', label: 'Mot de passe SMTP', type: 'password', hint: passwordHint(m?.smtp_password_source ?? null, m?.smtp_secret_env ?? null), error: f.smtpPassword, autocomplete: 'new-password' })}</div>
  </fieldset>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">${m ? 'Enregistrer' : 'Ajouter la boîte'}</button></li>
    <li><a class="fr-btn fr-btn--tertiary" href="/courrier/boites">Annuler</a></li>
    ${m ? html`<li><a class="fr-btn fr-btn--tertiary fr-icon-delete-line fr-btn--icon-left" href="/courrier/boites/${m.id}/supprimer">Supprimer la boîte</a></li>` : ''}
  </ul>
</form>`;
}

export function deleteMailboxView(v: { mailbox: MailboxSummary; csrfToken: string; error?: string }): SafeHtml {
  const m = v.mailbox;
  return html`<h1>Supprimer la boîte ${m.label}</h1>
${v.error ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>${v.error}</p></div>` : ''}
<p>La boîte <strong>${m.address}</strong> ne sera plus relevée et ne servira plus à l’envoi. Les courriels en attente qui devaient partir par elle partiront par une autre boîte de l’organisation qui a un relais SMTP, ou attendront qu’il y en ait une.</p>
<form method="post" action="/courrier/boites/${m.id}/supprimer">
  ${csrfField(v.csrfToken)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Supprimer définitivement</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/courrier/boites/${m.id}">Annuler</a></li>
  </ul>
</form>`;
}

export const OUTCOME_LABELS: Record<InboundOutcome, { label: string; kind: 'success' | 'info' | 'warning' | 'error' | 'new' }> = {
  case_created: { label: 'Dossier créé', kind: 'success' },
  threaded: { label: 'Rattaché à un dossier', kind: 'info' },
  ignored: { label: 'Ignoré', kind: 'new' },
  flagged: { label: 'Signalé', kind: 'warning' },
  rejected: { label: 'Rejeté', kind: 'error' },
};

export interface InboundRow {
  id: string;
  received_at: string;
  from_address: string | null;
  subject: string | null;
  outcome: InboundOutcome;
  reason: string | null;
  case_id: string | null;
  case_reference: string | null;
}

export function inboundMessagesView(v: {
  mailbox: MailboxSummary;
  rows: InboundRow[];
  total: number;
  page: number;
  pageCount: number;
  timeZone: string;
}): SafeHtml {
  const outcome = (r: InboundRow) => {
    const o = OUTCOME_LABELS[r.outcome] ?? { label: r.outcome, kind: 'info' as const };
    return html`${badge(o.label, o.kind)}${r.case_id ? html`<br><a href="/registre/${r.case_id}">Dossier ${r.case_reference ?? ''}</a>` : ''}`;
  };
  return html`<h1>Messages relevés — ${v.mailbox.label}</h1>
<p>Chaque message relevé dans <strong>${v.mailbox.address}</strong> (dossier IMAP « ${v.mailbox.imap_folder} ») et ce qu’il est devenu. ${formatInteger(v.total)} message${v.total > 1 ? 's' : ''}${v.pageCount > 1 ? ` — page ${v.page} sur ${v.pageCount}` : ''}.</p>
<div class="fr-mb-3w">${intakeState(v.mailbox, v.timeZone)}</div>
${table<InboundRow>(
  'Messages relevés, du plus récent au plus ancien',
  [
    { header: 'Reçu le', cell: (r) => formatDateTime(r.received_at, v.timeZone) },
    { header: 'Expéditeur', cell: (r) => r.from_address ?? html`<em>Inconnu ou effacé</em>` },
    { header: 'Objet', cell: (r) => r.subject ?? html`<em>Sans objet ou effacé</em>` },
    { header: 'Issue', cell: outcome },
    { header: 'Raison', cell: (r) => r.reason ?? '—' },
  ],
  v.rows,
  'Aucun message relevé pour l’instant.',
)}
${pagination(v.page, v.pageCount, (p) => `/courrier/boites/${v.mailbox.id}/messages?page=${p}`)}`;
}
