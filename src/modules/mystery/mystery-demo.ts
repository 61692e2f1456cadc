import type { AppContext } from '../../shared/context.ts';
import { findUserByEmail } from '../accounts/account.repository.ts';
import { DEMO_ACTOR } from '../audit/audit.service.ts';
import { departmentCalendar } from '../calendar/calendar.service.ts';
import { addDays, parseCivilDate, weekday } from '../calendar/civil-date.ts';
import { instantToLocalDate, localDateTimeInstant } from '../calendar/local-date.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { getOrganisation } from '../organisations/organisation.service.ts';
import {
  findCampaignByName,
  listContacts,
  listMailboxesOfKind,
  setContactCompletedAt,
  updateCampaign,
} from './mystery-campaign.repository.ts';
import {
  campaignWindowViolations,
  closeCampaign,
  confirmCampaign,
  createCampaign,
  proposeCampaignPlan,
} from './mystery-campaign.service.ts';
import { fillDemoGrids } from './mystery-grid-demo.ts';
import { addReadyMadeScenarios } from './mystery-scenario.service.ts';

export const DEMO_CLOSED_CAMPAIGN = 'Appels mystère (démonstration, campagne close)';
export const DEMO_DRAFT_CAMPAIGN = 'Appels et courriels mystère (démonstration, en préparation)';

/**
 * Numéros de la plage réservée à la fiction par l'ARCEP (04 65 71 xx xx) : une démonstration ne doit
 * pas faire composer le vrai numéro d'une préfecture.
 */
const DEMO_CALL_TARGETS = [
  { service: 'Standard', label: 'Standard de la préfecture', address: '04 65 71 00 00' },
  { service: 'Service des étrangers', label: 'Service des étrangers', address: '04 65 71 00 08' },
  { service: 'Accueil général', label: 'Accueil général', address: '04 65 71 00 10' },
  { service: 'Point d’accès numérique', label: 'Point d’accès numérique', address: '04 65 71 00 12' },
];
const DEMO_VOLUNTEERS = ['Volontaire de la préfecture de l’Allier (démo)', 'Volontaire de la préfecture du Cantal (démo)'];

/**
 * Une fenêtre de deux semaines (du lundi au vendredi suivant) que les règles acceptent, la plus proche
 * de `today` : avant (finie la veille au plus tard) ou après (commençant le lendemain au plus tôt).
 */
async function findWindow(
  ctx: AppContext,
  organisationId: string,
  today: string,
  direction: 'past' | 'future',
): Promise<{ from: string; to: string } | undefined> {
  const parsed = parseCivilDate(today);
  if (!parsed) return undefined;
  const monday = addDays(today, -weekday(parsed.year, parsed.dayOfYear));
  for (let week = 0; week < 60; week++) {
    const from = direction === 'past' ? addDays(monday, -7 * (week + 2)) : addDays(monday, 7 * (week + 1));
    const to = addDays(from, 11);
    if (direction === 'past' && to >= today) continue;
    if ((await campaignWindowViolations(ctx, organisationId, { from, to })).length === 0) return { from, to };
  }
  return undefined;
}

/**
 * Enquêtes mystère de la démonstration (idempotent, par nom de campagne) : la banque de scénarios
 * types ; une campagne d'appels close dans l'année, hors vacances scolaires, ses 20 appels passés ; une
 * campagne d'appels et de courriels en préparation avec un plan proposé.
 */
export async function ensureDemoMystery(ctx: AppContext, organisationId: string): Promise<void> {
  await addReadyMadeScenarios(ctx, organisationId, DEMO_ACTOR);
  const organisation = await getOrganisation(ctx, organisationId);
  const timeZone = departmentCalendar(organisation.department_code).department.timeZone;
  const today = instantToLocalDate(ctx.clock.now(), timeZone);
  const services = await listServices(ctx.db, organisationId);
  const serviceId = (name: string) => services.find((s) => s.name === name)?.id ?? '';
  const referent = await findUserByEmail(ctx.db, 'referent@demo.vigie.test');
  const agent = await findUserByEmail(ctx.db, 'agent.accueil@demo.vigie.test');

  const body = (name: string, channels: string, window: { from: string; to: string }, withAgent: boolean) => {
    const form: Record<string, unknown> = { name, channels, windowFrom: window.from, windowTo: window.to };
    let t = 0;
    for (const target of DEMO_CALL_TARGETS) {
      if (!serviceId(target.service)) continue;
      Object.assign(form, {
        [`target_${t}_kind`]: 'new',
        [`target_${t}_channel`]: 'call',
        [`target_${t}_label`]: target.label,
        [`target_${t}_address`]: target.address,
        [`target_${t}_serviceId`]: serviceId(target.service),
      });
      t++;
    }
    if (channels.includes('email')) {
      for (const service of services) {
        if (!service.mailbox_address) continue;
        Object.assign(form, {
          [`target_${t}_kind`]: 'new',
          [`target_${t}_channel`]: 'email',
          [`target_${t}_label`]: service.name,
          [`target_${t}_address`]: service.mailbox_address,
          [`target_${t}_serviceId`]: service.id,
        });
        t++;
      }
    }
    let e = 0;
    for (const user of [referent, withAgent ? agent : undefined]) {
      if (!user) continue;
      Object.assign(form, {
        [`evaluator_${e}_kind`]: 'agent',
        [`evaluator_${e}_userId`]: user.id,
        [`evaluator_${e}_include`]: 'on',
      });
      e++;
    }
    for (const label of DEMO_VOLUNTEERS) {
      Object.assign(form, { [`evaluator_${e}_kind`]: 'new', [`evaluator_${e}_label`]: label });
      e++;
    }
    return form;
  };

  if (!(await findCampaignByName(ctx.db, organisationId, DEMO_CLOSED_CAMPAIGN))) {
    const window = await findWindow(ctx, organisationId, today, 'past');
    if (window) {
      const id = await createCampaign(ctx, organisationId, body(DEMO_CLOSED_CAMPAIGN, 'call', window, false), DEMO_ACTOR);
      await proposeCampaignPlan(ctx, organisationId, id, DEMO_ACTOR);
      await confirmCampaign(ctx, organisationId, id, DEMO_ACTOR);
      // Les réponses des grilles viennent du module des grilles ; ici, l'heure réaliste de chaque appel.
      await fillDemoGrids(ctx, organisationId, id);
      for (const contact of await listContacts(ctx.db, id)) {
        const at = localDateTimeInstant(
          `${contact.date}T${contact.half_day === 'am' ? '10:15' : '14:45'}`,
          timeZone,
        ).toISOString();
        await setContactCompletedAt(ctx.db, id, contact.id, at);
      }
      await closeCampaign(ctx, organisationId, id, DEMO_ACTOR);
      // Dates de la vraie vie : confirmée la semaine d'avant, close une fois les appels passés.
      await updateCampaign(ctx.db, organisationId, id, {
        confirmed_at: localDateTimeInstant(`${addDays(window.from, -3)}T09:00`, timeZone).toISOString(),
        closed_at: localDateTimeInstant(
          `${addDays(window.to, 1) < today ? addDays(window.to, 1) : today}T09:00`,
          timeZone,
        ).toISOString(),
      });
    }
  }

  if (!(await findCampaignByName(ctx.db, organisationId, DEMO_DRAFT_CAMPAIGN))) {
    const window = await findWindow(ctx, organisationId, today, 'future');
    if (window) {
      const form = body(DEMO_DRAFT_CAMPAIGN, 'call,email', window, true);
      const [mailbox] = await listMailboxesOfKind(ctx.db, organisationId, 'mystery');
      if (mailbox) form.mysteryMailboxId = mailbox.id;
      const id = await createCampaign(ctx, organisationId, form, DEMO_ACTOR);
      await proposeCampaignPlan(ctx, organisationId, id, DEMO_ACTOR);
    }
  }
}
