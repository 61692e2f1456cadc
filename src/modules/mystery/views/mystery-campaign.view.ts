import { badge, csrfField, errorSummary, pagination, selectField, table, textField } from '../../../ui/components.ts';
import { formatDate, formatDateTime, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import {
  CAMPAIGN_CHANNEL_LABELS,
  CAMPAIGN_STATUS_LABELS,
  type CampaignChannels,
  type CampaignStatus,
  channelsOf,
  type EvaluatorFormRow,
  type TargetFormRow,
} from '../mystery-campaign.schemas.ts';
import type { CampaignFormOptions, CampaignPlan, CampaignRow } from '../mystery-campaign.service.ts';
import { MAX_WINDOW_WORKING_DAYS, MIN_CONTACTS_PER_CHANNEL } from '../mystery-plan.ts';

export function statusBadge(status: string): SafeHtml {
  const label = (CAMPAIGN_STATUS_LABELS as Record<string, string>)[status] ?? status;
  return badge(label, status === 'draft' ? 'new' : status === 'confirmed' ? 'info' : 'success');
}

export function channelsLabel(channels: string): string {
  return (CAMPAIGN_CHANNEL_LABELS as Record<string, string>)[channels] ?? channels;
}

export function windowLabel(c: Pick<CampaignRow, 'window_from' | 'window_to'>): string {
  return `du ${formatDate(c.window_from)} au ${formatDate(c.window_to)}`;
}

// ——— Liste ———

export interface CampaignListView {
  rows: { campaign: CampaignRow; calls: number; emails: number }[];
  total: number;
  page: number;
  pageCount: number;
  scenarioCount: number;
}

export function campaignListView(v: CampaignListView): SafeHtml {
  return html`<h1>Enquêtes mystère</h1>
<p>Avant chaque audit, la préfecture passe « au moins 20 appels mystère ou au moins 20 mails mystère sur une période de deux semaines (hors vacances scolaires), un appel ou un mail par demi-journée ». Vigie propose un plan qui respecte ces règles, vérifie chaque retouche et n’envoie rien tant que le plan n’est pas confirmé. Ces pages sont réservées au référent qualité : les agents ne voient pas les campagnes en cours.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/mystere/campagnes/nouvelle">Nouvelle campagne</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/mystere/scenarios">Banque de scénarios (${formatInteger(v.scenarioCount)})</a></li>
</ul>
${
  v.total === 0
    ? html`<div class="fr-callout"><h2 class="fr-callout__title">Aucune campagne pour l’instant</h2><p class="fr-callout__text">Commencez par remplir la banque de scénarios (les scénarios types sont livrés avec Vigie), puis créez une campagne : canaux, fenêtre de deux semaines, cibles et enquêteurs.</p></div>`
    : table<CampaignListView['rows'][number]>(
        'Campagnes d’enquêtes mystère',
        [
          {
            header: 'Campagne',
            cell: (r) => html`<a href="/mystere/campagnes/${r.campaign.id}">${r.campaign.name}</a>`,
          },
          { header: 'Canaux', cell: (r) => channelsLabel(r.campaign.channels) },
          { header: 'Fenêtre', cell: (r) => windowLabel(r.campaign) },
          {
            header: 'Contacts prévus',
            cell: (r) => {
              const channels = channelsOf(r.campaign.channels);
              return [
                channels.includes('call') ? `${r.calls} appel${r.calls > 1 ? 's' : ''}` : '',
                channels.includes('email') ? `${r.emails} courriel${r.emails > 1 ? 's' : ''}` : '',
              ]
                .filter(Boolean)
                .join(', ');
            },
          },
          { header: 'Statut', cell: (r) => statusBadge(r.campaign.status) },
        ],
        v.rows,
        'Aucune campagne.',
      )
}
${pagination(v.page, v.pageCount, (p) => `/mystere?page=${p}`)}`;
}

// ——— Formulaire ———

export interface CampaignFormView {
  csrfToken: string;
  action: string;
  title: string;
  cancelHref: string;
  values: Record<string, unknown>;
  targets: TargetFormRow[];
  evaluators: EvaluatorFormRow[];
  options: CampaignFormOptions;
  scenarioCounts: { call: number; email: number };
  error?: { message: string; fields: Record<string, string> } | undefined;
}

function value(values: Record<string, unknown>, name: string): string {
  const raw = values[name];
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && typeof raw[0] === 'string') return raw[0];
  return '';
}

function errorOf(id: string, error: string | undefined): HtmlValue {
  return error ? html`<p class="fr-error-text" id="${id}-erreur">${error}</p>` : '';
}

/** Champ de tableau : l'étiquette est lue par les lecteurs d'écran, la colonne la dit aux autres. */
function cellInput(o: {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  type?: string;
  autocomplete?: string;
}): SafeHtml {
  const id = `champ-${o.name}`;
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''} fr-mb-0">
  <label class="fr-label fr-sr-only" for="${id}">${o.label}</label>
  <input class="fr-input${o.error ? ' fr-input--error' : ''}" type="${o.type ?? 'text'}" id="${id}" name="${o.name}" value="${o.value}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.error ? html` aria-invalid="true" aria-describedby="${id}-erreur"` : ''}>
  ${errorOf(id, o.error)}
</div>`;
}

function cellSelect(o: {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  options: { value: string; label: string }[];
  placeholder?: string;
}): SafeHtml {
  const id = `champ-${o.name}`;
  return html`<div class="fr-select-group${o.error ? ' fr-select-group--error' : ''} fr-mb-0">
  <label class="fr-label fr-sr-only" for="${id}">${o.label}</label>
  <select class="fr-select${o.error ? ' fr-select--error' : ''}" id="${id}" name="${o.name}"${o.error ? html` aria-invalid="true" aria-describedby="${id}-erreur"` : ''}>
    ${o.placeholder !== undefined ? html`<option value="">${o.placeholder}</option>` : ''}
    ${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === o.value ? html` selected` : ''}>${opt.label}</option>`)}
  </select>
  ${errorOf(id, o.error)}
</div>`;
}

function cellCheckbox(o: { name: string; label: SafeHtml | string; checked: boolean; error?: string | undefined }): SafeHtml {
  const id = `champ-${o.name}`;
  return html`<div class="fr-checkbox-group fr-checkbox-group--sm">
  <input type="checkbox" id="${id}" name="${o.name}" value="on"${o.checked ? html` checked` : ''}${o.error ? html` aria-invalid="true" aria-describedby="${id}-erreur"` : ''}>
  <label class="fr-label" for="${id}">${o.label}</label>
  ${errorOf(id, o.error)}
</div>`;
}

function channelRadios(selected: string, error: string | undefined): SafeHtml {
  const id = 'champ-channels';
  const items: { value: CampaignChannels; label: string; hint: string }[] = [
    { value: 'call', label: 'Appels', hint: `Au moins ${MIN_CONTACTS_PER_CHANNEL} appels, un par demi-journée.` },
    {
      value: 'email',
      label: 'Courriels',
      hint: `Au moins ${MIN_CONTACTS_PER_CHANNEL} courriels, envoyés par Vigie depuis la boîte mystère, un par demi-journée.`,
    },
    {
      value: 'call,email',
      label: 'Les deux',
      hint: 'Chaque canal a son propre plan : un appel et un courriel peuvent partager une demi-journée.',
    },
  ];
  return html`<fieldset class="fr-fieldset${error ? ' fr-fieldset--error' : ''}" id="${id}" aria-labelledby="${id}-legende${error ? ` ${id}-erreur` : ''}">
  <legend class="fr-fieldset__legend" id="${id}-legende">Canaux <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span></legend>
  ${items.map(
    (item, index) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
    <input type="radio" id="${id}-${index}" name="channels" value="${item.value}"${selected === item.value ? html` checked` : ''} aria-describedby="${id}-${index}-aide">
    <label class="fr-label" for="${id}-${index}">${item.label}<span class="fr-hint-text" id="${id}-${index}-aide">${item.hint}</span></label>
  </div></div>`,
  )}
  ${error ? html`<div class="fr-messages-group" id="${id}-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${error}</p></div>` : ''}
</fieldset>`;
}

function targetsTable(v: CampaignFormView): SafeHtml {
  const f = v.error?.fields ?? {};
  const services = v.options.services.map((s) => ({ value: s.id, label: s.name }));
  return html`<div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>Cibles de la campagne</caption>
  <thead><tr><th scope="col">Retenue</th><th scope="col">Canal</th><th scope="col">Nom</th><th scope="col">Numéro appelé ou adresse écrite</th><th scope="col">Service visé</th></tr></thead>
  <tbody>${v.targets.map((row) => {
    const n = `target_${row.index}`;
    const name = row.label || `nouvelle cible ${row.index + 1}`;
    return html`<tr>
    <td>
      <input type="hidden" name="${n}_kind" value="${row.kind}"><input type="hidden" name="${n}_id" value="${row.id}">
      ${
        row.kind === 'new'
          ? html`<span class="fr-text--sm">Nouvelle (retenue si nommée)</span>`
          : cellCheckbox({
              name: `${n}_include`,
              label: html`Retenir<span class="fr-sr-only"> ${name}</span>`,
              checked: row.include,
            })
      }
    </td>
    <td>${cellSelect({
      name: `${n}_channel`,
      label: `Canal de ${name}`,
      value: row.channel,
      error: f[`${n}_channel`],
      options: [
        { value: 'call', label: 'Appel' },
        { value: 'email', label: 'Courriel' },
      ],
    })}</td>
    <td>${cellInput({ name: `${n}_label`, label: `Nom de la cible ${row.index + 1}`, value: row.label, error: f[`${n}_label`] })}</td>
    <td>${cellInput({ name: `${n}_address`, label: `Numéro ou adresse de ${name}`, value: row.address, error: f[`${n}_address`], autocomplete: 'off' })}</td>
    <td>${cellSelect({
      name: `${n}_serviceId`,
      label: `Service visé par ${name}`,
      value: row.serviceId,
      error: f[`${n}_serviceId`],
      placeholder: 'Aucun (standard général)',
      options: services,
    })}</td>
  </tr>`;
  })}</tbody>
</table>
</div></div></div></div>`;
}

function evaluatorsBlock(v: CampaignFormView): SafeHtml {
  const f = v.error?.fields ?? {};
  const serviceNames = (userId: string) => {
    const ids = v.options.candidates.find((c) => c.userId === userId)?.serviceIds ?? [];
    const names = v.options.services.filter((s) => ids.includes(s.id)).map((s) => s.name);
    return names.length > 0 ? `services : ${names.join(', ')}` : 'aucun service';
  };
  const agents = v.evaluators.filter((e) => e.kind === 'agent');
  const others = v.evaluators.filter((e) => e.kind !== 'agent');
  return html`<fieldset class="fr-fieldset" id="champ-evaluators" aria-labelledby="champ-evaluators-legende">
  <legend class="fr-fieldset__legend" id="champ-evaluators-legende">Agents de la préfecture<span class="fr-hint-text">Leurs services viennent de leurs rattachements : un agent n’enquête jamais sur son propre service (il serait reconnu).</span></legend>
  ${
    agents.length === 0
      ? html`<p class="fr-fieldset__element fr-text--sm">Aucun agent actif dans la préfecture.</p>`
      : agents.map((row) => {
          const n = `evaluator_${row.index}`;
          const id = `champ-${n}_include`;
          const error = f[`${n}_include`];
          return html`<div class="fr-fieldset__element"><div class="fr-checkbox-group">
    <input type="hidden" name="${n}_kind" value="agent"><input type="hidden" name="${n}_id" value="${row.id}"><input type="hidden" name="${n}_userId" value="${row.userId}"><input type="hidden" name="${n}_label" value="${row.label}">
    <input type="checkbox" id="${id}" name="${n}_include" value="on"${row.include ? html` checked` : ''} aria-describedby="${id}-aide${error ? ` ${id}-erreur` : ''}">
    <label class="fr-label" for="${id}">${row.label}<span class="fr-hint-text" id="${id}-aide">${serviceNames(row.userId)}</span></label>
    ${errorOf(id, error)}
  </div></div>`;
        })
  }
</fieldset>
<fieldset class="fr-fieldset" aria-labelledby="champ-volunteers-legende">
  <legend class="fr-fieldset__legend" id="champ-volunteers-legende">Bénévoles d’autres préfectures<span class="fr-hint-text">Comme en Seine-Maritime (collègues du Val-de-Marne, du Loir-et-Cher, de l’Orne) : personne ne les reconnaît. Indiquez le nom et la préfecture d’origine.</span></legend>
  ${others.map((row) => {
    const n = `evaluator_${row.index}`;
    return html`<div class="fr-fieldset__element">
    <input type="hidden" name="${n}_kind" value="${row.kind}"><input type="hidden" name="${n}_id" value="${row.id}">
    ${row.kind === 'external' ? cellCheckbox({ name: `${n}_include`, label: html`Retenir<span class="fr-sr-only"> ${row.label}</span>`, checked: row.include }) : ''}
    ${textField({
      name: `${n}_label`,
      label: row.kind === 'external' ? `Bénévole ${row.index + 1}` : `Nouveau bénévole ${row.index + 1} (facultatif)`,
      value: row.label,
      error: f[`${n}_label`],
      autocomplete: 'off',
    })}
  </div>`;
  })}
</fieldset>`;
}

export function campaignFormView(v: CampaignFormView): SafeHtml {
  const f = v.error?.fields ?? {};
  const mailboxes = v.options.mysteryMailboxes;
  return html`<h1>${v.title}</h1>
${errorSummary(v.error?.message, f)}
<form method="post" action="${v.action}" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'name', label: 'Nom de la campagne', value: value(v.values, 'name'), error: f.name, required: true, hint: 'Par exemple : Enquête mystère de printemps 2026' })}
  ${channelRadios(value(v.values, 'channels'), f.channels)}
  <h2 class="fr-h5 fr-mt-4w">Fenêtre</h2>
  <p class="fr-text--sm">Deux semaines au plus (${MAX_WINDOW_WORKING_DAYS} jours ouvrés), hors vacances scolaires de la zone du département, jours fériés et fermetures ; il faut au moins ${MIN_CONTACTS_PER_CHANNEL} demi-journées ouvrées, une par contact. Une fenêtre qui recoupe des vacances scolaires, ou une année dont Vigie ne connaît pas les vacances, est refusée.</p>
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'windowFrom', type: 'date', label: 'Début', value: value(v.values, 'windowFrom'), error: f.windowFrom, required: true })}</div>
    <div class="fr-col-12 fr-col-md-4">${textField({ name: 'windowTo', type: 'date', label: 'Fin', value: value(v.values, 'windowTo'), error: f.windowTo, required: true })}</div>
  </div>
  <h2 class="fr-h5 fr-mt-4w">Boîte des enquêtes mystère</h2>
  ${
    mailboxes.length === 0
      ? html`<div class="fr-callout" id="champ-mysteryMailboxId"><p class="fr-callout__text">Les courriels mystère partent d’une boîte dédiée, que les agents ne connaissent pas (comme les « comptes créés pour l’occasion » de la Seine-Maritime) ; Vigie y relève accusés de réception et réponses pour mesurer les délais. Aucune boîte de ce type n’existe encore : <a href="/courrier/boites/nouvelle">créez une boîte des enquêtes mystère</a>, puis revenez la choisir ici. Une campagne d’appels seuls n’en a pas besoin.</p></div>`
      : selectField({
          name: 'mysteryMailboxId',
          label: 'Boîte qui envoie les courriels et reçoit les réponses',
          hint: 'Obligatoire pour confirmer une campagne de courriels ; sa connexion IMAP et SMTP est vérifiée à la confirmation.',
          value: value(v.values, 'mysteryMailboxId'),
          error: f.mysteryMailboxId,
          placeholder: '— Choisir —',
          options: mailboxes.map((m) => ({ value: m.id, label: `${m.label} (${m.address})` })),
        })
  }
  <h2 class="fr-h5 fr-mt-4w">Cibles</h2>
  <div id="champ-targets_call"><div id="champ-targets_email">
  <p class="fr-text--sm">Le standard, les services appelés (avec le numéro composé) et les boîtes fonctionnelles (adresse écrite). Les suggestions viennent des services et des boîtes fonctionnelles de la préfecture : cochez celles à retenir. Retirer une cible retire ses contacts du plan.</p>
  ${f.targets_call ? html`<p class="fr-error-text">${f.targets_call}</p>` : ''}
  ${f.targets_email ? html`<p class="fr-error-text">${f.targets_email}</p>` : ''}
  </div></div>
  ${targetsTable(v)}
  <h2 class="fr-h5 fr-mt-4w">Enquêteurs</h2>
  ${evaluatorsBlock(v)}
  <h2 class="fr-h5 fr-mt-4w">Scénarios</h2>
  <p class="fr-text--sm">Le plan puise dans la <a href="/mystere/scenarios">banque de scénarios</a> : ${formatInteger(v.scenarioCounts.call)} scénario${v.scenarioCounts.call > 1 ? 's' : ''} d’appel et ${formatInteger(v.scenarioCounts.email)} de courriel en service. Un scénario lié à un service n’est proposé que pour les cibles de ce service.</p>
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
    <li><button class="fr-btn" type="submit">Enregistrer</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${v.cancelHref}">Annuler</a></li>
  </ul>
</form>`;
}

// ——— Page de la campagne ———

export interface CampaignOverviewView {
  plan: CampaignPlan;
  serviceNames: Map<string, string>;
  extraLinks?: { href: string; label: string }[];
}

export function campaignOverviewView(v: CampaignOverviewView): SafeHtml {
  const { campaign } = v.plan;
  const counts = v.plan.channels.map((channel) => {
    const n = v.plan.contacts.filter((c) => c.channel === channel).length;
    return `${n} ${channel === 'call' ? 'appel' : 'courriel'}${n > 1 ? 's' : ''}`;
  });
  const status = campaign.status as CampaignStatus;
  return html`<h1>${campaign.name}</h1>
<div class="fr-mb-2w">${statusBadge(campaign.status)}</div>
<ul>
  <li>Canaux : ${channelsLabel(campaign.channels)}</li>
  <li>Fenêtre : ${windowLabel(campaign)}</li>
  ${v.plan.channels.includes('email') ? html`<li>Boîte des enquêtes mystère : ${v.plan.mysteryMailbox ? `${v.plan.mysteryMailbox.label} (${v.plan.mysteryMailbox.address})` : 'non choisie'}</li>` : ''}
  <li>Plan : ${v.plan.contacts.length === 0 ? 'aucun contact' : counts.join(', ')}${status === 'draft' ? (v.plan.violations.length === 0 && v.plan.contacts.length > 0 ? ' — respecte les règles' : ` — ${v.plan.violations.length} point${v.plan.violations.length > 1 ? 's' : ''} à corriger`) : ''}</li>
  ${campaign.confirmed_at ? html`<li>Confirmée le ${formatDateTime(campaign.confirmed_at)}${campaign.confirmed_by_name ? ` par ${campaign.confirmed_by_name}` : ''}</li>` : ''}
  ${campaign.closed_at ? html`<li>Close le ${formatDateTime(campaign.closed_at)}</li>` : ''}
</ul>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/mystere/campagnes/${campaign.id}/plan">${status === 'draft' ? 'Préparer le plan' : 'Voir le plan'}</a></li>
  ${status === 'draft' ? html`<li><a class="fr-btn fr-btn--secondary" href="/mystere/campagnes/${campaign.id}/modifier">Modifier la campagne</a></li><li><a class="fr-btn fr-btn--secondary" href="/mystere/campagnes/${campaign.id}/confirmer">Confirmer le plan</a></li>` : ''}
  ${status === 'confirmed' ? html`<li><a class="fr-btn fr-btn--secondary" href="/mystere/campagnes/${campaign.id}/clore">Clore la campagne</a></li>` : ''}
  ${(v.extraLinks ?? []).map((l) => html`<li><a class="fr-btn fr-btn--tertiary" href="${l.href}">${l.label}</a></li>`)}
</ul>
<h2 class="fr-h4 fr-mt-4w">Cibles</h2>
${table(
  'Cibles de la campagne',
  [
    { header: 'Canal', cell: (t: CampaignPlan['targets'][number]) => (t.channel === 'call' ? 'Appel' : 'Courriel') },
    { header: 'Cible', cell: (t) => t.label },
    { header: 'Numéro ou adresse', cell: (t) => t.address ?? '' },
    { header: 'Service', cell: (t) => (t.service_id ? (v.serviceNames.get(t.service_id) ?? '') : 'Standard général') },
  ],
  v.plan.targets,
  'Aucune cible : modifiez la campagne pour en ajouter.',
)}
<h2 class="fr-h4 fr-mt-4w">Enquêteurs</h2>
${table(
  'Enquêteurs de la campagne',
  [
    { header: 'Enquêteur', cell: (e: CampaignPlan['evaluators'][number]) => e.label },
    { header: 'Origine', cell: (e) => (e.external ? 'Bénévole d’une autre préfecture' : 'Agent de la préfecture') },
    {
      header: 'Services (ne les sonde pas)',
      cell: (e) =>
        (JSON.parse(e.service_ids_json) as string[])
          .map((id) => v.serviceNames.get(id))
          .filter(Boolean)
          .join(', ') || '—',
    },
    { header: 'Contacts', cell: (e) => String(v.plan.contacts.filter((c) => c.evaluator_id === e.id).length) },
  ],
  v.plan.evaluators,
  'Aucun enquêteur : modifiez la campagne pour en ajouter.',
)}`;
}

// ——— Confirmation et clôture ———

export function confirmView(v: {
  csrfToken: string;
  plan: CampaignPlan;
  blockers: string[];
  error?: string | undefined;
}): SafeHtml {
  const { campaign } = v.plan;
  const calls = v.plan.contacts.filter((c) => c.channel === 'call').length;
  const emails = v.plan.contacts.filter((c) => c.channel === 'email').length;
  return html`<h1>Confirmer le plan de « ${campaign.name} »</h1>
${v.error ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">Confirmation refusée</h2><p>${v.error}</p></div>` : ''}
${
  v.blockers.length > 0
    ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Le plan ne peut pas encore être confirmé</h2>
  <ul>${v.blockers.map((b) => html`<li>${b}</li>`)}</ul></div>
<p><a class="fr-btn" href="/mystere/campagnes/${campaign.id}/plan">Corriger le plan</a></p>`
    : html`<p>Fenêtre ${windowLabel(campaign)} : ${calls > 0 ? `${calls} appels` : ''}${calls > 0 && emails > 0 ? ' et ' : ''}${emails > 0 ? `${emails} courriels` : ''}, un par demi-journée.</p>
<div class="fr-callout"><p class="fr-callout__text">Une fois confirmé, le plan est figé.${emails > 0 ? ` Vigie vérifie d’abord que la boîte « ${v.plan.mysteryMailbox?.label ?? ''} » répond (IMAP et SMTP), puis programme chaque courriel dans sa demi-journée : il partira de cette boîte à l’heure prévue.` : ''} Les enquêteurs appellent aux demi-journées prévues et remplissent leur grille. Les agents ne voient rien de la campagne avant sa clôture.</p></div>
<form method="post" action="/mystere/campagnes/${campaign.id}/confirmer" class="fr-mt-3w">
  ${csrfField(v.csrfToken)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer le plan</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/mystere/campagnes/${campaign.id}/plan">Revenir au plan</a></li>
  </ul>
</form>`
}`;
}

export function closeView(v: { csrfToken: string; campaign: CampaignRow; error?: string | undefined }): SafeHtml {
  return html`<h1>Clore la campagne « ${v.campaign.name} »</h1>
${v.error ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">Clôture refusée</h2><p>${v.error}</p></div>` : ''}
<div class="fr-callout"><p class="fr-callout__text">Clore la campagne la déclare terminée : les dossiers nés des courriels mystère deviennent visibles comme tels pour les agents. Faites-le une fois tous les contacts passés et les réponses attendues reçues : les courriels mystère pas encore partis sont annulés. L’auditeur peut alors en lire le plan et les résultats.</p></div>
${
  v.error
    ? html`<p class="fr-mt-3w"><a class="fr-btn fr-btn--secondary" href="/mystere/campagnes/${v.campaign.id}">Retour à la campagne</a></p>`
    : html`<form method="post" action="/mystere/campagnes/${v.campaign.id}/clore" class="fr-mt-3w">
  ${csrfField(v.csrfToken)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Clore la campagne</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/mystere/campagnes/${v.campaign.id}">Annuler</a></li>
  </ul>
</form>`
}`;
}
