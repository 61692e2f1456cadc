import { badge, csrfField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import { parseCivilDate, weekday } from '../../calendar/civil-date.ts';
import type { ContactFormRow } from '../mystery-campaign.schemas.ts';
import type { CampaignPlan, ContactRow } from '../mystery-campaign.service.ts';
import { HALF_DAY_LABELS, type MysteryChannel, type PlanViolation } from '../mystery-plan.ts';
import { channelsLabel, statusBadge, windowLabel } from './mystery-campaign.view.ts';

const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
const CONTACT_STATUS_LABELS: Record<string, string> = {
  planned: 'Prévu',
  sent: 'Courriel envoyé',
  done: 'Grille remplie',
  cancelled: 'Annulé',
};
const BLANK_ROWS_PER_CHANNEL = 2;

function dayLabel(date: string): string {
  const parsed = parseCivilDate(date);
  if (!parsed) return date;
  return `${WEEKDAYS[weekday(parsed.year, parsed.dayOfYear)]} ${formatDate(date)}`;
}

function channelName(channel: string): string {
  return channel === 'call' ? 'Appel' : channel === 'email' ? 'Courriel' : channel;
}

export interface PlanPageView {
  csrfToken: string;
  plan: CampaignPlan;
  /** Le référent d'une campagne en préparation peut retoucher le plan ; sinon il est lu seulement. */
  editable: boolean;
  /** Lignes saisies à réafficher après une saisie illisible, avec l'erreur par champ. */
  submitted?: { rows: ContactFormRow[]; message: string; fields: Record<string, string> };
}

export function contactRowsOf(contacts: readonly ContactRow[], channels: readonly MysteryChannel[]): ContactFormRow[] {
  const rows: ContactFormRow[] = contacts.map((c, index) => ({
    index,
    kind: 'existing',
    remove: false,
    channel: c.channel,
    date: c.date,
    halfDay: c.half_day,
    targetId: c.target_id,
    evaluatorId: c.evaluator_id ?? '',
    scenarioId: c.scenario_id ?? '',
  }));
  for (const channel of channels) {
    for (let i = 0; i < BLANK_ROWS_PER_CHANNEL; i++) {
      rows.push({
        index: rows.length,
        kind: 'new',
        remove: false,
        channel,
        date: '',
        halfDay: 'am',
        targetId: '',
        evaluatorId: '',
        scenarioId: '',
      });
    }
  }
  return rows;
}

function violationsBlock(plan: CampaignPlan): HtmlValue {
  if (plan.campaign.status !== 'draft') return '';
  if (plan.contacts.length === 0 && plan.violations.every((v) => v.code === 'too_few_contacts')) {
    return html`<div class="fr-callout fr-mb-3w"><h2 class="fr-callout__title">Aucun contact prévu</h2><p class="fr-callout__text">Cliquez sur « Proposer un plan » : Vigie répartit les contacts sur la fenêtre, un par demi-journée, en variant les cibles, les jours et les enquêteurs. Vous pourrez ensuite le retoucher.</p></div>`;
  }
  if (plan.violations.length === 0) {
    return html`<div class="fr-alert fr-alert--success fr-mb-3w"><h2 class="fr-alert__title">Le plan respecte toutes les règles</h2><p>Au moins 20 contacts par canal, un par demi-journée ouvrée, hors vacances scolaires, enquêteurs et scénarios adaptés : il peut être confirmé.</p></div>`;
  }
  return html`<div class="fr-alert fr-alert--error fr-mb-3w" id="violations"><h2 class="fr-alert__title">${plan.violations.length} point${plan.violations.length > 1 ? 's' : ''} à corriger avant de confirmer</h2>
  <ul>${plan.violations.map((v: PlanViolation) => html`<li>${v.message}</li>`)}</ul></div>`;
}

function cellSelect(o: {
  id: string;
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  options: { value: string; label: string }[];
  placeholder?: string;
}): SafeHtml {
  return html`<div class="fr-select-group${o.error ? ' fr-select-group--error' : ''} fr-mb-0">
  <label class="fr-label fr-sr-only" for="${o.id}">${o.label}</label>
  <select class="fr-select${o.error ? ' fr-select--error' : ''}" id="${o.id}" name="${o.name}"${o.error ? html` aria-invalid="true" aria-describedby="${o.id}-erreur"` : ''}>
    ${o.placeholder !== undefined ? html`<option value="">${o.placeholder}</option>` : ''}
    ${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === o.value ? html` selected` : ''}>${opt.label}</option>`)}
  </select>
  ${o.error ? html`<p class="fr-error-text" id="${o.id}-erreur">${o.error}</p>` : ''}
</div>`;
}

function editableTable(v: PlanPageView): SafeHtml {
  const { plan } = v;
  const rows = v.submitted?.rows ?? contactRowsOf(plan.contacts, plan.channels);
  const f = v.submitted?.fields ?? {};
  const byContact = new Map<number, PlanViolation[]>();
  if (!v.submitted) {
    for (const violation of plan.violations) {
      if (violation.contact === undefined) continue;
      byContact.set(violation.contact, [...(byContact.get(violation.contact) ?? []), violation]);
    }
  }
  const evaluatorOptions = plan.evaluators.map((e) => ({ value: e.id, label: e.label }));
  let existingRank = 0;
  return html`<form method="post" action="/mystere/campagnes/${plan.campaign.id}/plan" novalidate>
  ${csrfField(v.csrfToken)}
  <div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
  <table>
    <caption>Contacts du plan, modifiables</caption>
    <thead><tr><th scope="col">N° et canal</th><th scope="col">Date</th><th scope="col">Demi-journée</th><th scope="col">Cible</th><th scope="col">Enquêteur</th><th scope="col">Scénario</th><th scope="col">Retirer</th></tr></thead>
    <tbody>${rows.map((row) => {
      const n = `contact_${row.index}`;
      const id = (field: string) => `champ-${n}_${field}`;
      const rank = row.kind === 'existing' ? ++existingRank : 0;
      const who = rank > 0 ? `du contact ${rank}` : `de la nouvelle ligne (${channelName(row.channel).toLowerCase()})`;
      const problems = rank > 0 ? (byContact.get(rank - 1) ?? []) : [];
      const channel = row.channel as MysteryChannel;
      return html`<tr>
      <th scope="row">${rank > 0 ? String(rank) : 'Nouveau'}<br><span class="fr-text--sm">${channelName(row.channel)}</span>${problems.length > 0 ? html` ${badge('À corriger', 'error')}` : ''}
        <input type="hidden" name="${n}_kind" value="${row.kind}"><input type="hidden" name="${n}_channel" value="${row.channel}">${f[`${n}_channel`] ? html`<p class="fr-error-text">${f[`${n}_channel`]}</p>` : ''}</th>
      <td><div class="fr-input-group${f[`${n}_date`] ? ' fr-input-group--error' : ''} fr-mb-0">
        <label class="fr-label fr-sr-only" for="${id('date')}">Date ${who}</label>
        <input class="fr-input${f[`${n}_date`] ? ' fr-input--error' : ''}" type="date" id="${id('date')}" name="${n}_date" value="${row.date}"${f[`${n}_date`] ? html` aria-invalid="true" aria-describedby="${id('date')}-erreur"` : ''}>
        ${f[`${n}_date`] ? html`<p class="fr-error-text" id="${id('date')}-erreur">${f[`${n}_date`]}</p>` : ''}
      </div></td>
      <td>${cellSelect({
        id: id('halfDay'),
        name: `${n}_halfDay`,
        label: `Demi-journée ${who}`,
        value: row.halfDay,
        error: f[`${n}_halfDay`],
        options: [
          { value: 'am', label: HALF_DAY_LABELS.am },
          { value: 'pm', label: HALF_DAY_LABELS.pm },
        ],
      })}</td>
      <td>${cellSelect({
        id: id('targetId'),
        name: `${n}_targetId`,
        label: `Cible ${who}`,
        value: row.targetId,
        error: f[`${n}_targetId`],
        placeholder: '— Choisir —',
        options: plan.targets.filter((t) => t.channel === channel).map((t) => ({ value: t.id, label: t.label })),
      })}</td>
      <td>${cellSelect({
        id: id('evaluatorId'),
        name: `${n}_evaluatorId`,
        label: `Enquêteur ${who}`,
        value: row.evaluatorId,
        error: f[`${n}_evaluatorId`],
        placeholder: '— Aucun —',
        options: evaluatorOptions,
      })}</td>
      <td>${cellSelect({
        id: id('scenarioId'),
        name: `${n}_scenarioId`,
        label: `Scénario ${who}`,
        value: row.scenarioId,
        error: f[`${n}_scenarioId`],
        placeholder: '— Aucun —',
        options: plan.scenarios
          .filter((s) => s.channel === channel && (s.archived_at === null || s.id === row.scenarioId))
          .map((s) => ({ value: s.id, label: s.archived_at ? `${s.label} (archivé)` : s.label })),
      })}</td>
      <td>${
        row.kind === 'existing'
          ? html`<div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox" id="${id('remove')}" name="${n}_remove" value="on"${row.remove ? html` checked` : ''}><label class="fr-label" for="${id('remove')}">Retirer<span class="fr-sr-only"> le contact ${rank}</span></label></div>`
          : html`<span class="fr-text--sm">Ajouté si daté</span>`
      }</td>
    </tr>`;
    })}</tbody>
  </table>
  </div></div></div></div>
  <p class="fr-text--sm">Les lignes « Nouveau » ne sont ajoutées que si elles ont une date. Le plan est enregistré tel que saisi, puis vérifié : chaque écart aux règles est expliqué ci-dessus, avec le numéro du contact.</p>
  <button class="fr-btn" type="submit">Enregistrer et vérifier</button>
</form>`;
}

function readOnlyTable(v: PlanPageView): SafeHtml {
  const { plan } = v;
  const target = (id: string) => plan.targets.find((t) => t.id === id)?.label ?? '—';
  const evaluator = (id: string | null) => (id ? (plan.evaluators.find((e) => e.id === id)?.label ?? '—') : '—');
  const scenario = (id: string | null) => (id ? (plan.scenarios.find((s) => s.id === id)?.label ?? '—') : '—');
  if (plan.contacts.length === 0)
    return html`<div class="fr-callout"><p class="fr-callout__text">Aucun contact dans ce plan.</p></div>`;
  return html`<div class="fr-table fr-table--no-caption-sm"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content">
<table>
  <caption>Contacts du plan</caption>
  <thead><tr><th scope="col">N°</th><th scope="col">Canal</th><th scope="col">Date</th><th scope="col">Demi-journée</th><th scope="col">Cible</th><th scope="col">Enquêteur</th><th scope="col">Scénario</th><th scope="col">État</th></tr></thead>
  <tbody>${plan.contacts.map(
    (c, index) => html`<tr>
    <th scope="row">${String(index + 1)}</th>
    <td>${channelName(c.channel)}</td>
    <td>${dayLabel(c.date)}</td>
    <td>${HALF_DAY_LABELS[c.half_day === 'pm' ? 'pm' : 'am']}</td>
    <td>${target(c.target_id)}</td>
    <td>${evaluator(c.evaluator_id)}</td>
    <td>${scenario(c.scenario_id)}</td>
    <td>${CONTACT_STATUS_LABELS[c.status] ?? c.status}</td>
  </tr>`,
  )}</tbody>
</table>
</div></div></div></div>`;
}

export function planPageView(v: PlanPageView): SafeHtml {
  const { plan } = v;
  const { campaign } = plan;
  return html`<h1>Plan de « ${campaign.name} »</h1>
<div class="fr-mb-2w">${statusBadge(campaign.status)}</div>
<p>${channelsLabel(campaign.channels)}, fenêtre ${windowLabel(campaign)}.${campaign.status !== 'draft' ? ' Le plan est confirmé : il ne peut plus être modifié.' : ''}</p>
${
  v.submitted
    ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">${v.submitted.message}</h2><ul>${Object.entries(v.submitted.fields).map(([field, text]) => html`<li><a href="#champ-${field}">${text}</a></li>`)}</ul></div>`
    : violationsBlock(plan)
}
${
  v.editable
    ? html`<div class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
  <div class="fr-col-12 fr-col-md-6"><form method="post" action="/mystere/campagnes/${campaign.id}/plan/proposer">
    ${csrfField(v.csrfToken)}
    <button class="fr-btn fr-btn--secondary" type="submit">Proposer un plan</button>
    <p class="fr-hint-text fr-mt-1w">Remplace le plan actuel par une proposition de Vigie.</p>
  </form></div>
  <div class="fr-col-12 fr-col-md-6"><a class="fr-btn" href="/mystere/campagnes/${campaign.id}/confirmer">Confirmer le plan</a></div>
</div>
${editableTable(v)}`
    : readOnlyTable(v)
}
<p class="fr-mt-3w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/mystere/campagnes/${campaign.id}">Retour à la campagne</a></p>`;
}
