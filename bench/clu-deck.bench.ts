import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { changeActionStatus, createAction } from '../src/modules/actions/action.service.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { ensureSchoolHolidays } from '../src/modules/calendar/school-holiday.service.ts';
import { importCases } from '../src/modules/cases/case-import.service.ts';
import { DEFAULT_THEMES } from '../src/modules/cases/vocabulary.ts';
import { STANDARD_AGENDA } from '../src/modules/clu/clu-agenda.ts';
import { deckPptx, deckSnapshotFor, generateDeck } from '../src/modules/clu/clu-deck.service.ts';
import { createMeeting, submitTemplates } from '../src/modules/clu/clu-meeting.service.ts';
import { addProposal } from '../src/modules/clu/clu-proposal.service.ts';
import { ensureDemo } from '../src/modules/demo/demo.service.ts';
// Le support mesuré est celui de la production : avec la section des enquêtes mystère (enregistrée au démarrage du serveur).
import '../src/modules/mystery/mystery-deck-section.ts';
import { listTemplates } from '../src/modules/mail/template.repository.ts';
import { listServices } from '../src/modules/organisations/organisation.repository.ts';
import { ensureReferentiel } from '../src/modules/referentiel/referentiel.service.ts';
import { FixedClock } from '../src/shared/clock.ts';
import type { AppContext } from '../src/shared/context.ts';
import { insertCampaign, insertPoint, insertResponses } from '../test/helpers/survey-fixtures.ts';

/**
 * Support et compte rendu du CLU pour une année de préfecture : la démonstration, plus 5 000 dossiers
 * (réclamations, suggestions, demandes d'information, avec thèmes), 2 000 réponses d'enquête sur deux
 * canaux, une trentaine d'actions et une réunion précédente avec ses propositions. Mesure la génération
 * (collecte, publication figée, construction) puis la reconstruction du PPTX depuis l'instantané, et le
 * compte rendu DOCX s'il est disponible. Cibles : support < 3 s, compte rendu < 1 s.
 */
const CASES = Number(process.env.BENCH_CLU_CASES ?? 5_000);
const RESPONSES = Number(process.env.BENCH_CLU_RESPONSES ?? 2_000);
const ACTIONS = 30;
const RUNS = 5;
const YEAR = 2026;

const KINDS = ['complaint', 'complaint', 'suggestion', 'information_request', 'information_request'] as const;
const CHANNELS = ['email', 'web_form', 'letter', 'urn'] as const;
const SERVICES = ['Accueil général', 'Service des étrangers', 'Point d’accès numérique', 'Standard'];
const LEVELS = ['very_satisfied', 'satisfied', 'satisfied', 'dissatisfied', 'very_dissatisfied', 'no_opinion'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function random(seed: { value: number }): number {
  seed.value = (seed.value * 1103515245 + 12345) % 2147483648;
  return seed.value / 2147483648;
}

function casesCsv(): string {
  const seed = { value: 7 };
  const lines = ['reference,kind,channel,received_at,answered_at,service,subject,theme'];
  for (let i = 0; i < CASES; i++) {
    const kind = KINDS[Math.floor(random(seed) * KINDS.length)] ?? 'complaint';
    const channel = CHANNELS[Math.floor(random(seed) * CHANNELS.length)] ?? 'email';
    const month = 1 + Math.floor(random(seed) * 11);
    const day = 1 + Math.floor(random(seed) * 28);
    const answered = random(seed) < 0.85 ? `${YEAR}-${pad(month)}-${pad(Math.min(28, day + Math.floor(random(seed) * 12)))}` : '';
    const theme = kind === 'information_request' ? '' : (DEFAULT_THEMES[i % DEFAULT_THEMES.length] ?? '');
    lines.push(
      `C-${i},${kind},${channel},${YEAR}-${pad(month)}-${pad(day)},${answered},${SERVICES[i % SERVICES.length]},Objet ${i},"${theme}"`,
    );
  }
  return lines.join('\n');
}

function agendaFields(): Record<string, string> {
  const fields: Record<string, string> = { agendaCount: String(STANDARD_AGENDA.length) };
  STANDARD_AGENDA.forEach((item, i) => {
    fields[`agendaKey_${i}`] = item.key;
    fields[`agendaTitle_${i}`] = item.title;
  });
  return fields;
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { best: (sorted[0] ?? 0) / 1000, median: (sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-clu-'));
try {
  const path = join(dir, 'vigie.sqlite');
  const handle = openDatabase(path);
  await migrateToLatest(handle.db, handle.engine);
  const ctx: AppContext = {
    db: handle.db,
    engine: handle.engine,
    clock: new FixedClock(`${YEAR}-12-10T09:00:00Z`),
    config: loadConfig({ NODE_ENV: 'test', DATABASE_URL: path }),
  };
  await ensureReferentiel(ctx);
  await ensureSchoolHolidays(ctx);

  let start = performance.now();
  const { organisationId } = await ensureDemo(ctx);
  await importCases(ctx, organisationId, casesCsv(), CLI_ACTOR, { fileName: 'banc-clu.csv' });
  // Deux campagnes (accueil physique et téléphonique) réparties sur l'année.
  const seed = { value: 11 };
  for (const [template, count] of [
    ['physical_reception', Math.round(RESPONSES * 0.7)],
    ['phone', RESPONSES - Math.round(RESPONSES * 0.7)],
  ] as const) {
    const { campaignId } = await insertCampaign(ctx, {
      organisationId,
      template,
      name: `Enquête ${template} ${YEAR}`,
      startsOn: `${YEAR}-01-01`,
      endsOn: `${YEAR}-11-30`,
    });
    const pointId = await insertPoint(ctx, { organisationId, campaignId, label: 'Papier', mode: 'paper' });
    const questionKeys = ['orientation', 'waiting_time', 'courtesy', 'confidentiality', 'plain_language', 'relevant_answer'];
    await insertResponses(
      ctx,
      { organisationId, campaignId, pointId, mode: 'paper' },
      Array.from({ length: count }, (_, i) => ({
        answeredAt: new Date(Date.UTC(YEAR, Math.floor((i / count) * 11), 1 + (i % 27), 9)).toISOString(),
        answers: Object.fromEntries(questionKeys.map((k) => [k, LEVELS[Math.floor(random(seed) * LEVELS.length)]])),
      })),
    );
  }
  // Les actions naissent au printemps (la moitié réalisées à l'été) : elles tombent dans la période présentée.
  const clock = ctx.clock as FixedClock;
  clock.set(`${YEAR}-04-15T09:00:00Z`);
  const services = await listServices(ctx.db, organisationId);
  const actionIds: string[] = [];
  for (let i = 0; i < ACTIONS; i++) {
    const created = await createAction(
      ctx,
      organisationId,
      {
        objective: `Objectif d’amélioration ${i + 1}`,
        description: `Action de banc n° ${i + 1} : mise à jour de la signalétique et information des usagers`,
        dueDate: `${YEAR + 1}-0${1 + (i % 6)}-15`,
        serviceIds: [services[i % services.length]?.id ?? ''],
        originKind: ['free', 'audit_finding', 'mystery_finding'][i % 3],
        engagements: [],
        indicators: [],
      },
      CLI_ACTOR,
    );
    actionIds.push(created.id);
  }
  clock.set(`${YEAR}-07-20T09:00:00Z`);
  for (const [i, id] of actionIds.entries()) {
    if (i % 2 !== 0) continue;
    await changeActionStatus(ctx, organisationId, id, { status: 'done' }, { role: 'admin', membershipId: '', actor: CLI_ACTOR });
  }
  clock.set(`${YEAR}-12-10T09:00:00Z`);
  const meeting = (date: string, from: string, to: string) =>
    createMeeting(
      ctx,
      organisationId,
      {
        date,
        time: '10:00',
        durationMinutes: '120',
        place: 'Salle du conseil',
        chair: 'M. le préfet',
        periodFrom: from,
        periodTo: to,
        ...agendaFields(),
      },
      CLI_ACTOR,
    );
  const previous = await meeting(`${YEAR - 1}-12-08`, `${YEAR - 1}-01-01`, `${YEAR - 1}-11-30`);
  for (let i = 0; i < 6; i++) {
    await addProposal(
      ctx,
      organisationId,
      previous,
      {
        text: `Proposition n° ${i + 1} du comité précédent`,
        status: i % 2 ? 'accepted' : 'to_study',
        followUp: i % 2 ? 'Mise en œuvre' : '',
      },
      CLI_ACTOR,
    );
  }
  const current = await meeting(`${YEAR}-12-15`, `${YEAR}-01-01`, `${YEAR}-11-30`);
  const templates = (await listTemplates(ctx.db, organisationId)).slice(0, 3).map((t) => t.id);
  if (templates.length > 0) await submitTemplates(ctx, organisationId, current, { templateIds: templates }, CLI_ACTOR);
  console.log(
    `Données : démonstration + ${CASES} dossiers, ${RESPONSES} réponses d’enquête, ${ACTIONS} actions, 6 propositions (préparées en ${((performance.now() - start) / 1000).toFixed(1)} s)`,
  );

  const generate: number[] = [];
  const rebuild: number[] = [];
  const deck: number[] = [];
  let slides = 0;
  for (let run = 0; run < RUNS; run++) {
    start = performance.now();
    const generated = await generateDeck(ctx, organisationId, current, CLI_ACTOR);
    const middle = performance.now();
    const built = await deckPptx(ctx, organisationId, current);
    const end = performance.now();
    generate.push(middle - start);
    rebuild.push(end - middle);
    deck.push(end - start);
    slides = generated.slideCount;
    if (built.titles.length !== slides) throw new Error('Le support reconstruit n’a pas le même nombre de diapositives.');
  }
  const frozen = await deckSnapshotFor(ctx, organisationId, current);
  console.log(
    `Contenu figé : ${frozen.complaints.total} réclamations et suggestions, ${frozen.surveys.reduce((n, c) => n + c.responses, 0)} réponses d’enquête (${frozen.surveys.length} canaux), ${frozen.indicators.rows.length} indicateurs, ${frozen.actionPlan.done.length} actions réalisées / ${frozen.actionPlan.inProgress.length} en cours, ${frozen.proposals.items.length} propositions suivies`,
  );
  const d = stats(deck);
  const g = stats(generate);
  const r = stats(rebuild);
  console.log(
    `Support (${slides} diapositives) : generateDeck + deckPptx meilleur ${d.best.toFixed(3)} s, médiane ${d.median.toFixed(3)} s (cible < 3 s) ${d.median < 3 ? 'OK' : 'HORS CIBLE'}`,
  );
  console.log(
    `  dont generateDeck (collecte, publication, construction) : meilleur ${g.best.toFixed(3)} s, médiane ${g.median.toFixed(3)} s`,
  );
  console.log(
    `  dont deckPptx (reconstruction depuis l’instantané figé) : meilleur ${r.best.toFixed(3)} s, médiane ${r.median.toFixed(3)} s`,
  );

  // Le compte rendu (autre module) : mesuré s'il exporte `minutesDocx`.
  const minutesModule = (await import('../src/modules/clu/clu-minutes.service.ts').catch(() => null)) as Record<
    string,
    unknown
  > | null;
  const minutesDocx = minutesModule?.minutesDocx as
    | ((c: AppContext, organisationId: string, meetingId: string) => Promise<Buffer>)
    | undefined;
  if (typeof minutesDocx === 'function') {
    const minutes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      start = performance.now();
      await minutesDocx(ctx, organisationId, current);
      minutes.push(performance.now() - start);
    }
    const m = stats(minutes);
    console.log(
      `Compte rendu DOCX : meilleur ${m.best.toFixed(3)} s, médiane ${m.median.toFixed(3)} s (cible < 1 s) ${m.median < 1 ? 'OK' : 'HORS CIBLE'}`,
    );
  } else {
    console.log('Compte rendu : minutesDocx indisponible, non mesuré.');
  }
  await handle.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
