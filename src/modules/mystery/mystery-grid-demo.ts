import type { AppContext } from '../../shared/context.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { listGridContacts, setContactMeasured, updateContactGrid } from './mystery-grid.repository.ts';
import {
  CALL_GRID,
  derivedAnswer,
  EMAIL_GRID,
  type GridAnswers,
  gridOf,
  type MeasuredEmail,
  parseMeasured,
} from './mystery-grid.ts';

/**
 * Grilles de démonstration d'une campagne close : des réponses réalistes, tirées des constats des seeds
 * (standard pris en 4 sonneries en moyenne avec quelques appels au-delà de 10, transfert pas toujours
 * annoncé, SVI clair ; courriels : accusés de réception, une réponse hors délai après relance, un message
 * sans réponse, une signature partielle). Déterministe (rang du contact) et idempotent : un contact déjà
 * complet est laissé tel quel. Les courriels déjà mesurés par la relève gardent leurs mesures ; les autres
 * reçoivent une mesure de démonstration.
 */

const DEMO_ACTOR: Actor = { userId: null, label: 'Démonstration' };

const RINGS = [4, 3, 5, 2, 4, 12, 3, 4, 6, 3, 4, 2, 5, 4, 11, 3, 4, 3, 5, 4, 3, 4, 2];

function callAnswers(rank: number, targetLabel: string): GridAnswers {
  const rings = RINGS[(rank - 1) % RINGS.length] as number;
  const standard = /standard/i.test(targetLabel);
  const transferred = rank % 3 === 0;
  return {
    rings,
    pickup: CALL_GRID.measure ? (derivedAnswer(CALL_GRID.measure, rings) ?? 'yes') : 'yes',
    greeting: rank % 8 === 5 && !standard ? 'no' : 'yes',
    courtesy: 'yes',
    official_sites: rank % 4 === 1 ? 'na' : rank % 6 === 2 ? 'no' : 'yes',
    first_level_info: rank % 10 === 7 ? 'no' : 'yes',
    transfer_announced: transferred ? (rank % 2 === 0 ? 'yes' : 'no') : 'na',
    farewell: 'yes',
    ivr: standard ? 'yes' : 'na',
  };
}

function demoMeasure(rank: number, sentAt: string): MeasuredEmail {
  const minutes = 2 + (rank % 5);
  const never = rank % 11 === 4;
  const late = rank % 7 === 3;
  const days = late ? 7 : 1 + (rank % 4);
  const at = (offsetMinutes: number) => new Date(Date.parse(sentAt) + offsetMinutes * 60_000).toISOString();
  return {
    sentAt,
    acknowledgment: rank % 9 === 8 ? null : { at: at(minutes), minutes },
    answer: never ? null : { at: at(days * 24 * 60), workingDays: days, inTime: !late },
    reminders: late || never ? 1 : 0,
    reorientation: rank % 5 === 0,
    signature: { complete: rank % 4 !== 2, missing: rank % 4 === 2 ? ['phone'] : [] },
    attachments: { announced: rank % 6 === 1 ? 1 : 0, present: rank % 6 === 1 ? 1 : 0 },
    links: { total: rank % 3 === 0 ? 2 : 0, incomplete: [] },
    messages: never ? 2 : 3,
  };
}

/** Réponses mesurées déduites d'une mesure (mêmes règles que celles écrites par la relève de la boîte mystère). */
function measuredAnswers(m: MeasuredEmail): GridAnswers {
  const announced =
    typeof m.attachments?.announced === 'boolean' ? (m.attachments.announced ? 1 : 0) : (m.attachments?.announced ?? 0);
  const present =
    typeof m.attachments?.present === 'boolean' ? (m.attachments.present ? announced : 0) : (m.attachments?.present ?? 0);
  return {
    acknowledgment: m.acknowledgment ? 'yes' : 'no',
    answer_in_time: m.answer?.inTime ? 'yes' : 'no',
    reorientation_notice: m.reorientation ? (m.acknowledgment ? 'yes' : 'no') : 'na',
    complete_signature: m.signature ? (m.signature.complete ? 'yes' : 'no') : 'na',
    attachments_announced: announced === 0 ? 'na' : present >= announced ? 'yes' : 'no',
    complete_links: !m.links || m.links.total === 0 ? 'na' : m.links.incomplete.length === 0 ? 'yes' : 'no',
  };
}

export async function fillDemoGrids(ctx: AppContext, organisationId: string, campaignId: string): Promise<number> {
  const contacts = await listGridContacts(ctx.db, campaignId);
  const now = ctx.clock.now().toISOString();
  let filled = 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const contact of contacts) {
      if (contact.status === 'done' || contact.status === 'cancelled') continue;
      let answers: GridAnswers;
      let measuredJson: string | null = null;
      if (contact.channel === 'email') {
        const existing = parseMeasured(contact.measured_json);
        const measured =
          existing ??
          demoMeasure(contact.rank, contact.sent_at ?? `${contact.date}T${contact.half_day === 'am' ? '08' : '13'}:30:00.000Z`);
        if (!existing) measuredJson = JSON.stringify(measured);
        const auto = measuredAnswers(measured);
        const kept = Object.fromEntries(
          EMAIL_GRID.criteria
            .filter((c) => c.source === 'measured')
            .map((c) => {
              const current = contact.answers_json ? (JSON.parse(contact.answers_json) as GridAnswers)[c.key] : undefined;
              return [c.key, current ?? auto[c.key]];
            }),
        ) as GridAnswers;
        answers = { ...kept, language_layout: measured.answer ? (contact.rank % 6 === 5 ? 'no' : 'yes') : 'na' };
      } else {
        answers = callAnswers(contact.rank, contact.target_label);
      }
      if (gridOf(contact.channel).criteria.some((c) => answers[c.key] === undefined)) continue;
      await updateContactGrid(trx, campaignId, contact.id, {
        answers_json: JSON.stringify(answers),
        notes: null,
        status: 'done',
        completed_at: now,
        completed_by_name: contact.evaluator_label ?? DEMO_ACTOR.label,
        updated_at: now,
      });
      if (measuredJson) {
        await setContactMeasured(trx, campaignId, contact.id, measuredJson);
      }
      filled++;
    }
    if (filled > 0) {
      await recordAudit(trx, ctx.clock, {
        organisationId,
        actor: DEMO_ACTOR,
        action: 'mystery.demo_grids_filled',
        entityType: 'mystery_campaign',
        entityId: campaignId,
        summary: `Grilles de démonstration remplies (${filled})`,
      });
    }
  });
  return filled;
}
