/**
 * Résultats d'une campagne d'enquêtes mystère, par canal. Module pur (ni base ni HTTP).
 *
 * Règles :
 * - seuls les contacts dont la grille est complète comptent (`done`, ou chaque réponse présente) ;
 * - part d'un critère = contacts qui le respectent (Oui) / contacts évalués (Oui + Non) ; « Sans objet »
 *   (`na`) n'entre pas dans n, et un critère sans aucun contact évalué est « sans objet », jamais 0 % ;
 *   chaque part porte son n (et l'intervalle de Wilson des enquêtes, n < 30 : « indicatif ») ;
 * - sonneries : moyenne des appels évalués, plus les appels pris au-delà de 10 sonneries (Seine-Maritime) ;
 * - courriels : répondus dans les 5 jours ouvrés, hors délai (dont après relance), jamais ; relances ;
 * - comparaison avec la campagne close précédente du même canal : écart et test z de deux proportions
 *   (`compareProportions` des enquêtes de satisfaction : significatif quand p < 0,05) ;
 * - points forts et points de vigilance générés des résultats, avec le vocabulaire des seeds (seuils
 *   ci-dessous), puis modifiables par le référent.
 */
import {
  compareProportions,
  formatPercent,
  type ProportionComparison,
  type ProportionEstimate,
  proportionEstimate,
} from '../surveys/survey-statistics.ts';
import {
  criterionAnswer,
  type GridAnswers,
  type GridCriterion,
  gridOf,
  isGridComplete,
  type MeasuredEmail,
  PICKUP_MAX_RINGS,
} from './mystery-grid.ts';
import { MYSTERY_CHANNELS, type MysteryChannel } from './mystery-plan.ts';

/** Un critère est un point fort quand au moins 90 % des contacts évalués le respectent ; en dessous, un point de vigilance. */
export const STRENGTH_MIN_SHARE = 0.9;
/** « Les appels ont parfois été pris par le standard au bout de plus de 10 sonneries » (Seine-Maritime). */
export const RINGS_ALERT_ABOVE = 10;

export const CHANNEL_TITLES: Record<MysteryChannel, { plural: string; singular: string; title: string }> = {
  call: { plural: 'appels', singular: 'appel', title: 'Appels mystère' },
  email: { plural: 'courriels', singular: 'courriel', title: 'Courriels mystère' },
};

/** Un contact tel que les résultats le lisent. */
export interface ResultContact {
  id: string;
  channel: string;
  status: string;
  date: string;
  targetLabel: string;
  answers: GridAnswers;
  measured: MeasuredEmail | null;
}

export interface CriterionTally {
  yes: number;
  no: number;
  na: number;
}

export interface CriterionResult {
  criterion: GridCriterion;
  tally: CriterionTally;
  estimate: ProportionEstimate;
  /** Comparaison avec la campagne précédente ; `null` sans campagne précédente pour ce canal. */
  comparison: ProportionComparison | null;
}

export interface RingsResult {
  /** Moyenne des sonneries des appels évalués ; `null` sans appel évalué (jamais 0). */
  average: number | null;
  n: number;
  max: number | null;
  /** Appels pris au-delà de 10 sonneries. */
  overAlert: number;
  byTarget: { label: string; average: number; n: number }[];
}

export interface EmailFollowUp {
  /** Courriels évalués. */
  n: number;
  inTime: number;
  late: number;
  /** Parmi les réponses hors délai, celles obtenues après au moins une relance (Allier : « 7 après rappels »). */
  lateAfterReminders: number;
  never: number;
  /** Grilles sans mesure du délai (courriel envoyé hors de Vigie) et réponse « Non » : hors délai ou jamais. */
  unmeasuredMissed: number;
  /** Relances envoyées, au total, et courriels qui en ont demandé au moins une. */
  reminders: number;
  withReminders: number;
}

export interface ChannelResults {
  channel: MysteryChannel;
  /** Contacts prévus (hors annulés) et grilles complètes. */
  planned: number;
  done: number;
  firstDate: string | null;
  lastDate: string | null;
  criteria: CriterionResult[];
  rings: RingsResult | null;
  emails: EmailFollowUp | null;
}

export type PreviousTallies = Partial<Record<MysteryChannel, { campaignName: string; tallies: Record<string, CriterionTally> }>>;

export function tallyCriterion(contacts: readonly ResultContact[], key: string): CriterionTally {
  const tally: CriterionTally = { yes: 0, no: 0, na: 0 };
  for (const contact of contacts) {
    const answer = criterionAnswer(contact.answers, key);
    if (answer) tally[answer]++;
  }
  return tally;
}

export function criterionEstimate(tally: CriterionTally): ProportionEstimate {
  return proportionEstimate(tally.yes, tally.yes + tally.no);
}

function ringsOf(contacts: readonly ResultContact[]): RingsResult {
  const values: { label: string; rings: number }[] = [];
  for (const c of contacts) {
    const rings = c.answers.rings;
    if (typeof rings === 'number') values.push({ label: c.targetLabel, rings });
  }
  const byTarget = new Map<string, { sum: number; n: number }>();
  for (const v of values) {
    const entry = byTarget.get(v.label) ?? { sum: 0, n: 0 };
    entry.sum += v.rings;
    entry.n++;
    byTarget.set(v.label, entry);
  }
  const sum = values.reduce((s, v) => s + v.rings, 0);
  return {
    average: values.length > 0 ? sum / values.length : null,
    n: values.length,
    max: values.length > 0 ? Math.max(...values.map((v) => v.rings)) : null,
    overAlert: values.filter((v) => v.rings > RINGS_ALERT_ABOVE).length,
    byTarget: [...byTarget]
      .map(([label, e]) => ({ label, average: e.sum / e.n, n: e.n }))
      .sort((a, b) => a.label.localeCompare(b.label, 'fr')),
  };
}

function emailFollowUp(contacts: readonly ResultContact[]): EmailFollowUp {
  const out: EmailFollowUp = {
    n: 0,
    inTime: 0,
    late: 0,
    lateAfterReminders: 0,
    never: 0,
    unmeasuredMissed: 0,
    reminders: 0,
    withReminders: 0,
  };
  for (const c of contacts) {
    out.n++;
    const m = c.measured;
    if (m) {
      out.reminders += m.reminders;
      if (m.reminders > 0) out.withReminders++;
      if (!m.answer) out.never++;
      else if (m.answer.inTime) out.inTime++;
      else {
        out.late++;
        if (m.reminders > 0) out.lateAfterReminders++;
      }
      continue;
    }
    // Courriel sans mesure : seule la réponse de l'enquêteur est connue.
    const answer = criterionAnswer(c.answers, 'answer_in_time');
    if (answer === 'yes') out.inTime++;
    else if (answer === 'no') out.unmeasuredMissed++;
  }
  return out;
}

/**
 * Résultats d'une campagne : un bloc par canal de la campagne (dans l'ordre appels, courriels), même
 * vide (grilles pas encore remplies : `done` = 0, chaque critère sans objet).
 */
export function computeResults(
  channels: readonly string[],
  contacts: readonly ResultContact[],
  previous: PreviousTallies = {},
): ChannelResults[] {
  return MYSTERY_CHANNELS.filter((channel) => channels.includes(channel)).map((channel) => {
    const ofChannel = contacts.filter((c) => c.channel === channel && c.status !== 'cancelled');
    // Complète = `done` ; une grille de courriel que la relève a complétée après la saisie de l'enquêteur compte aussi.
    const done = ofChannel.filter((c) => c.status === 'done' || isGridComplete(c.channel, c.answers));
    const dates = done.map((c) => c.date).sort();
    const before = previous[channel];
    return {
      channel,
      planned: ofChannel.length,
      done: done.length,
      firstDate: dates[0] ?? null,
      lastDate: dates[dates.length - 1] ?? null,
      criteria: gridOf(channel).criteria.map((criterion) => {
        const tally = tallyCriterion(done, criterion.key);
        const old = before?.tallies[criterion.key];
        return {
          criterion,
          tally,
          estimate: criterionEstimate(tally),
          comparison: old
            ? compareProportions({ successes: old.yes, n: old.yes + old.no }, { successes: tally.yes, n: tally.yes + tally.no })
            : null,
        };
      }),
      rings: channel === 'call' ? ringsOf(done) : null,
      emails: channel === 'email' ? emailFollowUp(done) : null,
    };
  });
}

/** Les décomptes par critère d'une campagne, pour servir de « campagne précédente » à la suivante. */
export function talliesOf(results: readonly ChannelResults[], channel: MysteryChannel): Record<string, CriterionTally> | null {
  const block = results.find((r) => r.channel === channel);
  if (!block || block.done === 0) return null;
  return Object.fromEntries(block.criteria.map((c) => [c.criterion.key, c.tally]));
}

// --- Affichage -------------------------------------------------------------------------------------

/** « 17 / 20 (85 %) », ou « Sans objet ». */
export function shareText(estimate: ProportionEstimate): string {
  if (estimate.rate === null) return 'Sans objet';
  return `${estimate.successes} / ${estimate.n} (${formatPercent(estimate.rate, 0)})`;
}

const oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

export function formatRings(value: number): string {
  return oneDecimal.format(value);
}

// --- Points forts et points de vigilance ---------------------------------------------------------

export type FindingKind = 'strength' | 'vigilance';

export const FINDING_KIND_LABELS: Record<FindingKind, string> = { strength: 'Point fort', vigilance: 'Point de vigilance' };

export interface Finding {
  kind: FindingKind;
  channel: MysteryChannel;
  /** Critère concerné (l'action créée depuis un point de vigilance s'y rattache) ; `null` pour un point libre. */
  criterionKey: string | null;
  text: string;
}

/** Ce qui est rangé dans `mystery_campaigns.findings_json`. */
export interface SavedFindings {
  /** `generated` : tels que générés ; `edited` : modifiés par le référent. */
  origin: 'generated' | 'edited';
  savedAt: string;
  savedByName: string;
  items: Finding[];
}

/**
 * Génère les points forts et les points de vigilance d'un canal (seeds : « Points forts relevés »,
 * « Points à améliorer », « Points de vigilance ») :
 * - un critère respecté par au moins 90 % des contacts évalués est un point fort, sinon un point de
 *   vigilance, chacun avec sa part « 17 / 20 (85 %) » ; un critère sans objet ne donne rien ;
 * - appels : moyenne de sonneries au-delà de 5 → vigilance ; des appels pris au-delà de 10 sonneries →
 *   vigilance (« parfois pris au bout de plus de 10 sonneries ») ;
 * - courriels : messages sans réponse → vigilance (« Messages sans réponse : 4 »), tous répondus → point
 *   fort ; relances nécessaires → vigilance (« Il a été nécessaire de relancer le service »).
 */
export function generateFindings(results: readonly ChannelResults[]): Finding[] {
  const strengths: Finding[] = [];
  const vigilance: Finding[] = [];
  for (const block of results) {
    if (block.done === 0) continue;
    const channel = block.channel;
    for (const c of block.criteria) {
      if (c.estimate.rate === null) continue;
      const share = shareText(c.estimate);
      let extra = '';
      if (c.criterion.key === 'pickup' && block.rings?.average != null) {
        extra = `, ${formatRings(block.rings.average)} sonneries en moyenne`;
      }
      if (c.estimate.rate >= STRENGTH_MIN_SHARE) {
        strengths.push({
          kind: 'strength',
          channel,
          criterionKey: c.criterion.key,
          text: `${c.criterion.strength} : ${share}${extra}.`,
        });
      } else {
        vigilance.push({
          kind: 'vigilance',
          channel,
          criterionKey: c.criterion.key,
          text: `${c.criterion.vigilance} : ${share}${extra}.`,
        });
      }
    }
    const rings = block.rings;
    if (rings && rings.average !== null && rings.average > PICKUP_MAX_RINGS) {
      vigilance.push({
        kind: 'vigilance',
        channel,
        criterionKey: 'pickup',
        text: `Nombre moyen de sonneries avant le décroché : ${formatRings(rings.average)} (au-delà de ${PICKUP_MAX_RINGS}).`,
      });
    }
    if (rings && rings.overAlert > 0) {
      vigilance.push({
        kind: 'vigilance',
        channel,
        criterionKey: 'pickup',
        text: `Les appels ont parfois été pris au bout de plus de ${RINGS_ALERT_ABOVE} sonneries : ${rings.overAlert} ${rings.overAlert > 1 ? 'appels' : 'appel'} sur ${rings.n}.`,
      });
    }
    const mails = block.emails;
    if (mails && mails.n > 0) {
      if (mails.never > 0) {
        vigilance.push({
          kind: 'vigilance',
          channel,
          criterionKey: 'answer_in_time',
          text: `Messages sans réponse : ${mails.never} sur ${mails.n}.`,
        });
      } else if (mails.unmeasuredMissed === 0) {
        strengths.push({
          kind: 'strength',
          channel,
          criterionKey: 'answer_in_time',
          text: `Tous les courriels ont reçu une réponse (${mails.n} sur ${mails.n}).`,
        });
      }
      if (mails.withReminders > 0) {
        vigilance.push({
          kind: 'vigilance',
          channel,
          criterionKey: 'answer_in_time',
          text: `Il a été nécessaire de relancer le service pour obtenir une réponse : ${mails.withReminders} ${mails.withReminders > 1 ? 'courriels' : 'courriel'}, ${mails.reminders} ${mails.reminders > 1 ? 'relances' : 'relance'}.`,
        });
      }
    }
  }
  return [...strengths, ...vigilance];
}

/** Lit `findings_json` ; `null` si rien n'a été enregistré (ou si c'est illisible). */
export function parseSavedFindings(json: string | null): SavedFindings | null {
  if (!json) return null;
  try {
    const raw = JSON.parse(json) as Partial<SavedFindings>;
    if (!raw || !Array.isArray(raw.items)) return null;
    const items = raw.items.filter(
      (f): f is Finding =>
        !!f &&
        (f.kind === 'strength' || f.kind === 'vigilance') &&
        (MYSTERY_CHANNELS as readonly string[]).includes(f.channel) &&
        typeof f.text === 'string' &&
        (f.criterionKey === null || typeof f.criterionKey === 'string'),
    );
    return {
      origin: raw.origin === 'edited' ? 'edited' : 'generated',
      savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : '',
      savedByName: typeof raw.savedByName === 'string' ? raw.savedByName : '',
      items,
    };
  } catch {
    return null;
  }
}
