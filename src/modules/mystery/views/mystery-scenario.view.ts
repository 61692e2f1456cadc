import { badge, csrfField, errorSummary, pagination, selectField, table, textField } from '../../../ui/components.ts';
import { formatInteger } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { textArea } from '../../cases/views/case-common.view.ts';
import { MYSTERY_CHANNELS, type MysteryChannel } from '../mystery-plan.ts';
import type { ScenarioRow } from '../mystery-scenario.service.ts';

export const SCENARIO_CHANNEL_LABELS: Record<MysteryChannel, string> = { call: 'Appel', email: 'Courriel' };

export function scenarioChannelLabel(channel: string): string {
  return (SCENARIO_CHANNEL_LABELS as Record<string, string>)[channel] ?? channel;
}

export interface ScenarioListView {
  csrfToken: string;
  rows: ScenarioRow[];
  total: number;
  page: number;
  pageCount: number;
  archived: boolean;
  readyMadeCount: number;
  services: { id: string; name: string }[];
}

/** Banque de scénarios : les questions réalistes que posent les enquêteurs, par canal. */
export function scenarioListView(v: ScenarioListView): SafeHtml {
  const serviceName = (id: string | null) => (id ? (v.services.find((s) => s.id === id)?.name ?? '') : '');
  const base = v.archived ? '/mystere/scenarios?archives=1' : '/mystere/scenarios';
  return html`<h1>Banque de scénarios des enquêtes mystère</h1>
<p>Chaque scénario est une demande réaliste qu’un enquêteur pose au téléphone ou envoie par courriel, comme un usager ordinaire (horaires, rendez-vous, titre de séjour, carte grise…). Un scénario lié à un service n’est proposé que pour les cibles de ce service. Le planificateur attribue à chaque contact le scénario le moins utilisé pour sa cible ; un scénario archivé n’est plus proposé.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/mystere/scenarios/nouveau">Ajouter un scénario</a></li>
  <li><form method="post" action="/mystere/scenarios/modeles">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--secondary" type="submit">Ajouter les scénarios types manquants (${formatInteger(v.readyMadeCount)} livrés avec Vigie)</button></form></li>
  <li><a class="fr-btn fr-btn--tertiary" href="/mystere">Campagnes</a></li>
</ul>
<nav class="fr-mb-3w" aria-label="Scénarios en service ou archivés">
  <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
    <li><a class="fr-btn${v.archived ? ' fr-btn--tertiary' : ''}" href="/mystere/scenarios"${v.archived ? '' : html` aria-current="page"`}>En service</a></li>
    <li><a class="fr-btn${v.archived ? '' : ' fr-btn--tertiary'}" href="/mystere/scenarios?archives=1"${v.archived ? html` aria-current="page"` : ''}>Archivés</a></li>
  </ul>
</nav>
<p>${formatInteger(v.total)} scénario${v.total > 1 ? 's' : ''} ${v.archived ? `archivé${v.total > 1 ? 's' : ''}` : 'en service'}.</p>
${table<ScenarioRow>(
  v.archived ? 'Scénarios archivés' : 'Scénarios en service',
  [
    { header: 'Canal', cell: (s) => badge(scenarioChannelLabel(s.channel), s.channel === 'call' ? 'info' : 'new') },
    {
      header: 'Scénario',
      cell: (s) =>
        html`<strong>${s.label}</strong>${s.subject ? html`<br><span class="fr-text--sm">Objet : ${s.subject}</span>` : ''}`,
    },
    { header: 'Service', cell: (s) => serviceName(s.service_id) || 'Toutes les cibles' },
    {
      header: 'Actions',
      cell: (s) => html`<ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
  <li><a class="fr-btn fr-btn--secondary" href="/mystere/scenarios/${s.id}/modifier">Modifier<span class="fr-sr-only"> le scénario ${s.label}</span></a></li>
  <li><form method="post" action="/mystere/scenarios/${s.id}/${s.archived_at ? 'restaurer' : 'archiver'}">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--tertiary" type="submit">${s.archived_at ? 'Remettre en service' : 'Archiver'}<span class="fr-sr-only"> le scénario ${s.label}</span></button></form></li>
</ul>`,
    },
  ],
  v.rows,
  v.archived
    ? 'Aucun scénario archivé.'
    : 'La banque est vide : ajoutez les scénarios types livrés avec Vigie, ou écrivez les vôtres.',
)}
${pagination(v.page, v.pageCount, (p) => `${base}${base.includes('?') ? '&' : '?'}page=${p}`)}`;
}

export interface ScenarioFormView {
  csrfToken: string;
  action: string;
  title: string;
  values: Record<string, unknown>;
  services: { id: string; name: string }[];
  error?: { message: string; fields: Record<string, string> };
}

function value(values: Record<string, unknown>, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

export function scenarioFormView(v: ScenarioFormView): SafeHtml {
  const f = v.error?.fields ?? {};
  return html`<h1>${v.title}</h1>
${errorSummary(v.error?.message, f)}
<form method="post" action="${v.action}" novalidate>
  ${csrfField(v.csrfToken)}
  ${selectField({
    name: 'channel',
    label: 'Canal',
    value: value(v.values, 'channel'),
    error: f.channel,
    placeholder: '— Choisir —',
    options: MYSTERY_CHANNELS.map((c) => ({ value: c, label: scenarioChannelLabel(c) })),
  })}
  ${textField({ name: 'label', label: 'Intitulé', value: value(v.values, 'label'), error: f.label, required: true, hint: 'Par exemple : Renouvellement d’un titre de séjour' })}
  ${textField({ name: 'subject', label: 'Objet du courriel', value: value(v.values, 'subject'), error: f.subject, hint: 'Courriels seulement : l’objet du message envoyé par la boîte mystère.' })}
  ${textArea({ name: 'body', label: 'Texte', value: value(v.values, 'body'), error: f.body, rows: 10, hint: 'Courriel : le texte envoyé tel quel, signé d’un nom d’usager fictif. Appel : la trame que suit l’enquêteur et ce qu’il doit noter.' })}
  ${selectField({
    name: 'serviceId',
    label: 'Service pour lequel le scénario est réaliste',
    value: value(v.values, 'serviceId'),
    error: f.serviceId,
    placeholder: 'Toutes les cibles',
    options: v.services.map((s) => ({ value: s.id, label: s.name })),
  })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Enregistrer</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/mystere/scenarios">Annuler</a></li>
  </ul>
</form>`;
}
