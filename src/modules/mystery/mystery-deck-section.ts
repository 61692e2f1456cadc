import type { AppContext } from '../../shared/context.ts';
import { formatDate } from '../../ui/format.ts';
import { actionPlanSummary } from '../actions/action.service.ts';
import { type DeckPeriod, registerDeckSection } from '../clu/clu-deck-sections.ts';
import type { DeckExtraSection } from '../clu/clu-deck-snapshot.ts';
import { formatPercent } from '../surveys/survey-statistics.ts';
import { listClosedCampaigns } from './mystery-grid.repository.ts';
import { resultsOfCampaign } from './mystery-results.service.ts';
import { CHANNEL_TITLES, type ChannelResults, type Finding, formatRings } from './mystery-results.ts';

/**
 * Section « Enquêtes mystère » du support du CLU, comme les diapositives du Puy-de-Dôme (« 23 appels
 * mystères passés au mois de mai », « Nombre moyen sonneries Standard : 4 », « 19 e-mails mystères…
 * Messages sans réponse : 4 », « 3 actions mises en place ») et de la Seine-Maritime (« 18 appels
 * mystère passés entre le 21 février et le 4 mars », points positifs, points de vigilance).
 *
 * Seules les campagnes closes dont la fenêtre croise la période de la réunion y figurent : le comité ne
 * doit rien apprendre d'une campagne en cours. Sans campagne close, le fournisseur rend `null` et le
 * support garde sa diapositive « aucune donnée ».
 */

/** Points affichés par diapositive et par sorte, pour rester lisibles. */
const FINDINGS_PER_SLIDE = 5;

type Slide = DeckExtraSection['slides'][number];

function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}

function between(block: ChannelResults): string {
  if (!block.firstDate || !block.lastDate) return '';
  if (block.firstDate === block.lastDate) return ` le ${formatDate(block.firstDate)}`;
  return ` entre le ${formatDate(block.firstDate)} et le ${formatDate(block.lastDate)}`;
}

function figuresSlide(campaignName: string, block: ChannelResults): Slide {
  const titles = CHANNEL_TITLES[block.channel];
  const bullets: string[] = [];
  if (block.channel === 'call') {
    bullets.push(`${plural(block.done, 'appel mystère passé', 'appels mystère passés')}${between(block)}`);
    const rings = block.rings;
    if (rings && rings.average !== null) {
      const byTarget =
        rings.byTarget.length > 1 ? ` (${rings.byTarget.map((t) => `${t.label} : ${formatRings(t.average)}`).join(' ; ')})` : '';
      bullets.push(`Nombre moyen de sonneries : ${formatRings(rings.average)}${byTarget}`);
    }
  } else {
    bullets.push(`${plural(block.done, 'courriel mystère envoyé', 'courriels mystère envoyés')}${between(block)}`);
    const m = block.emails;
    if (m) {
      const late =
        m.late > 0
          ? `${m.late} hors délai${m.lateAfterReminders > 0 ? ` (dont ${m.lateAfterReminders} après relance)` : ''}`
          : '0 hors délai';
      bullets.push(`Réponse dans les 5 jours ouvrés : ${m.inTime} ; ${late} ; messages sans réponse : ${m.never}`);
      if (m.reminders > 0)
        bullets.push(`Relances nécessaires : ${m.reminders} pour ${plural(m.withReminders, 'courriel', 'courriels')}`);
    }
  }
  return {
    title: `${titles.title} — ${campaignName}`,
    bullets,
    table: {
      head: ['Critère', 'Conformes / évalués', 'Part'],
      rows: block.criteria.map((c) => [
        c.criterion.label,
        c.estimate.rate === null ? 'Sans objet' : `${c.estimate.successes} / ${c.estimate.n}`,
        c.estimate.rate === null ? '—' : formatPercent(c.estimate.rate, 0),
      ]),
    },
  };
}

function findingsSlide(block: ChannelResults, findings: readonly Finding[]): Slide | null {
  const mine = findings.filter((f) => f.channel === block.channel);
  if (mine.length === 0) return null;
  const strengths = mine.filter((f) => f.kind === 'strength').slice(0, FINDINGS_PER_SLIDE);
  const vigilance = mine.filter((f) => f.kind === 'vigilance').slice(0, FINDINGS_PER_SLIDE);
  return {
    title: `${CHANNEL_TITLES[block.channel].title} — points forts et points de vigilance`,
    bullets: [...strengths.map((f) => `Point fort : ${f.text}`), ...vigilance.map((f) => `Point de vigilance : ${f.text}`)],
  };
}

export async function collectMysterySection(
  ctx: AppContext,
  organisationId: string,
  period: DeckPeriod,
): Promise<DeckExtraSection | null> {
  const campaigns = (await listClosedCampaigns(ctx.db, organisationId))
    .filter((c) => c.window_from <= period.to && c.window_to >= period.from)
    .reverse();
  const slides: Slide[] = [];
  for (const campaign of campaigns) {
    const { results, findings } = await resultsOfCampaign(ctx, campaign);
    for (const block of results) {
      if (block.done === 0) continue;
      slides.push(figuresSlide(campaign.name, block));
      const points = findingsSlide(block, findings);
      if (points) slides.push(points);
    }
  }
  if (slides.length === 0) return null;

  const plan = await actionPlanSummary(ctx, organisationId, period);
  const done = plan.done.filter((a) => a.originKind === 'mystery_finding');
  const open = plan.inProgress.filter((a) => a.originKind === 'mystery_finding');
  const bullets =
    done.length + open.length === 0
      ? ['Aucune action issue des enquêtes mystère pour la période.']
      : [
          `${plural(done.length, 'action mise en place', 'actions mises en place')}`,
          ...done.map((a) => `${a.description || a.objective} (action n° ${a.number})`),
          ...(open.length > 0 ? [`${plural(open.length, 'action en cours', 'actions en cours')}`] : []),
          ...open.map((a) => `${a.description || a.objective} — échéance ${formatDate(a.dueDate)} (action n° ${a.number})`),
        ];
  slides.push({ title: 'Enquêtes mystère — actions mises en place', bullets: bullets.slice(0, 12) });
  return { key: 'mystery', title: 'Enquêtes mystère', slides };
}

registerDeckSection({ key: 'mystery', title: 'Enquêtes mystère', collect: collectMysterySection });
