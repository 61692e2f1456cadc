import type { AppContext } from '../../src/shared/context.ts';
import { newId } from '../../src/shared/ids.ts';

/**
 * Campagnes d'enquêtes mystère écrites en base pour les tests des grilles et des résultats (cibles,
 * enquêteurs, scénarios, contacts avec leurs réponses), sans passer par le planificateur.
 */

export interface FixtureContact {
  channel: 'call' | 'email';
  date: string;
  halfDay?: 'am' | 'pm';
  /** Clé de la cible : `standard`, `etrangers` (appels) ou `boite` (courriels). */
  target?: 'standard' | 'etrangers' | 'boite';
  /** Index de l'enquêteur (0 ou 1). */
  evaluator?: number;
  status?: string;
  answers?: Record<string, string | number>;
  measured?: unknown;
  sentAt?: string;
}

export interface FixtureCampaign {
  id: string;
  targetIds: Record<string, string>;
  evaluatorIds: string[];
  contactIds: string[];
}

export async function insertMysteryCampaign(
  ctx: AppContext,
  organisationId: string,
  o: {
    name: string;
    channels: string;
    windowFrom: string;
    windowTo: string;
    status: string;
    contacts: FixtureContact[];
    findingsJson?: string;
  },
): Promise<FixtureCampaign> {
  const now = ctx.clock.now().toISOString();
  const id = newId();
  await ctx.db
    .insertInto('mystery_campaigns')
    .values({
      id,
      organisation_id: organisationId,
      name: o.name,
      channels: o.channels,
      window_from: o.windowFrom,
      window_to: o.windowTo,
      status: o.status,
      mystery_mailbox_id: null,
      findings_json: o.findingsJson ?? null,
      confirmed_at: o.status === 'draft' ? null : now,
      confirmed_by_name: o.status === 'draft' ? null : 'Claire Référente',
      closed_at: o.status === 'closed' ? now : null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const targets = [
    { key: 'standard', channel: 'call', label: 'Standard', address: '04 73 98 63 63' },
    { key: 'etrangers', channel: 'call', label: 'Service des étrangers', address: '04 73 98 61 00' },
    { key: 'boite', channel: 'email', label: 'pref-etrangers', address: 'pref-etrangers@puy-de-dome.gouv.fr' },
  ];
  const targetIds: Record<string, string> = {};
  for (const t of targets) {
    targetIds[t.key] = newId();
    await ctx.db
      .insertInto('mystery_targets')
      .values({
        id: targetIds[t.key] as string,
        campaign_id: id,
        channel: t.channel,
        label: t.label,
        service_id: null,
        address: t.address,
      })
      .execute();
  }
  const evaluatorIds = [newId(), newId()];
  await ctx.db
    .insertInto('mystery_evaluators')
    .values([
      {
        id: evaluatorIds[0] as string,
        campaign_id: id,
        label: 'Mission performance',
        user_id: null,
        service_ids_json: '[]',
        external: 0,
        access_token_hash: null,
      },
      {
        id: evaluatorIds[1] as string,
        campaign_id: id,
        label: 'Bénévole du Loir-et-Cher',
        user_id: null,
        service_ids_json: '[]',
        external: 1,
        access_token_hash: null,
      },
    ])
    .execute();
  const scenarioId = newId();
  await ctx.db
    .insertInto('mystery_scenarios')
    .values({
      id: scenarioId,
      organisation_id: organisationId,
      channel: 'call',
      label: 'Horaires du guichet des titres de séjour',
      subject: null,
      body: 'Bonjour, je voudrais connaître les horaires d’ouverture du guichet des titres de séjour.',
      service_id: null,
      archived_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const contactIds: string[] = [];
  let rank = 0;
  for (const c of o.contacts) {
    rank++;
    const contactId = newId();
    contactIds.push(contactId);
    const status = c.status ?? (c.answers ? 'done' : 'planned');
    await ctx.db
      .insertInto('mystery_contacts')
      .values({
        id: contactId,
        campaign_id: id,
        rank,
        channel: c.channel,
        date: c.date,
        half_day: c.halfDay ?? (rank % 2 === 0 ? 'pm' : 'am'),
        target_id: targetIds[c.target ?? (c.channel === 'email' ? 'boite' : 'standard')] as string,
        evaluator_id: evaluatorIds[c.evaluator ?? 0] as string,
        scenario_id: c.channel === 'call' ? scenarioId : null,
        status,
        scheduled_at: null,
        outgoing_mail_id: null,
        sent_message_id: null,
        sent_at: c.sentAt ?? null,
        answers_json: c.answers ? JSON.stringify(c.answers) : null,
        measured_json: c.measured === undefined ? null : JSON.stringify(c.measured),
        notes: null,
        completed_at: status === 'done' ? now : null,
        completed_by_name: status === 'done' ? 'Mission performance' : null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return { id, targetIds, evaluatorIds, contactIds };
}

/** Réponses complètes d'un appel conforme (à retoucher par critère). */
export const GOOD_CALL = {
  rings: 3,
  pickup: 'yes',
  greeting: 'yes',
  courtesy: 'yes',
  official_sites: 'yes',
  first_level_info: 'yes',
  transfer_announced: 'na',
  farewell: 'yes',
  ivr: 'yes',
} as const;

/** Le formulaire d'une grille d'appel conforme (clés `answers.<critère>`). */
export function callForm(overrides: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    'answers.rings': '3',
    'answers.greeting': 'yes',
    'answers.courtesy': 'yes',
    'answers.official_sites': 'yes',
    'answers.first_level_info': 'yes',
    'answers.transfer_announced': 'na',
    'answers.farewell': 'yes',
    'answers.ivr': 'yes',
  };
  return { ...base, ...overrides };
}
