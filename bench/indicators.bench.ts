import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { isPostgresUrl, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { addDays } from '../src/modules/calendar/civil-date.ts';
import { isHolidayCalendar } from '../src/modules/calendar/holidays.ts';
import { calendarFor } from '../src/modules/calendar/working-calendar.ts';
import { createCase, recordAppointment } from '../src/modules/cases/case.service.ts';
import { importCases } from '../src/modules/cases/case-import.service.ts';
import { answerWorkingDays } from '../src/modules/cases/deadline-rules.ts';
import type { IndicatorSummary } from '../src/modules/cases/register-indicators.ts';
import type { Audience, CaseChannel, CaseKind, UpdateTarget } from '../src/modules/cases/vocabulary.ts';
import {
  type IndicatorYearTable,
  indicatorYearTable,
  recordValue,
  setTarget,
} from '../src/modules/indicators/indicator.service.ts';
import { importIndicatorFile } from '../src/modules/indicators/indicator-import.service.ts';
import { type NationalRegisterTables, nationalRegisterTables } from '../src/modules/indicators/national.service.ts';
import { listDepartments } from '../src/modules/organisations/departments.ts';
import { createOrganisation, updatePerimeter } from '../src/modules/organisations/organisation.service.ts';
import { ensureReferentiel } from '../src/modules/referentiel/referentiel.service.ts';
import type { SurveyedChannel } from '../src/modules/surveys/questionnaire.ts';
import { FixedClock } from '../src/shared/clock.ts';
import type { AppContext } from '../src/shared/context.ts';
import { startThrowawayCluster } from '../test/helpers/postgres-cluster.ts';
import { type FixtureResponse, insertCampaign, insertPoint, insertResponses } from '../test/helpers/survey-fixtures.ts';

/**
 * Le tableau des indicateurs à l'échelle, chacun à côté d'un agrégat SQL écrit à la main qui calcule
 * les mêmes nombres dans le même passage (et dont on vérifie qu'il les calcule : un banc qui mesure des
 * nombres faux ne vaut rien).
 * (a) SQLite (fichier) : une organisation (modules 1, 2, 4 et CERT), 100 000 dossiers de 2026 importés
 *     par le vrai import (dates locales, échéances, délais en jours ouvrés de l'application), 40
 *     rendez-vous d'élus, 20 000 réponses d'enquête (accueil physique, PAN, site internet) réparties
 *     sur l'année, des valeurs importées et saisies, des cibles. Mesure : `indicatorYearTable` à chaud
 *     contre une requête préparée node:sqlite (groupes du registre + décomptes d'enquête par mois).
 *     Cible : < 100 ms.
 * (b) PostgreSQL : 101 organisations (une par département) × 100 000 dossiers générés en SQL, puis le
 *     calcul national (`nationalRegisterTables`) contre UN agrégat écrit à la main sur toutes les
 *     organisations. Cible : ≤ 1,5 × l'agrégat. DATABASE_URL s'il désigne PostgreSQL (dans un schéma
 *     jetable), sinon une grappe jetable ; sans binaires PostgreSQL, la partie (b) est sautée.
 *     Les deux connexions ont le même work_mem (BENCH_PG_WORK_MEM, 64 Mo par défaut : à 4 Mo, chacune trie
 *     ses 10 M lignes sur disque). Pour charger vite, les index secondaires de `cases` sont retirés puis
 *     ceux que lit le calcul reconstruits, et les déclencheurs des clés étrangères suspendus si le compte le
 *     permet. Échéances et délais en jours ouvrés : calculés par le calendrier de l'application pour chaque
 *     jour de 2026 et chaque calendrier de jours fériés présent (tables d'aide jointes par la génération),
 *     sans jours de fermeture.
 * Tailles réglables pour un essai rapide : BENCH_CASES, BENCH_SURVEY_RESPONSES, BENCH_PG_ORGANISATIONS,
 * BENCH_PG_CASES_PER_ORG ; BENCH_PARTS=a ou b pour une seule partie.
 */
const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const RESPONSES = Number(process.env.BENCH_SURVEY_RESPONSES ?? 20_000);
const PG_ORGANISATIONS = Number(process.env.BENCH_PG_ORGANISATIONS ?? 101);
const PG_CASES_PER_ORG = Number(process.env.BENCH_PG_CASES_PER_ORG ?? 100_000);
const PG_WORK_MEM = process.env.BENCH_PG_WORK_MEM ?? '64MB';
/** `a`, `b` ou `ab` (défaut) : les parties à lancer. */
const PARTS = process.env.BENCH_PARTS ?? 'ab';
const YEAR = 2026;
const AS_OF = '2026-12-31';

const fr = (n: number, digits = 1) => n.toLocaleString('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function lcg(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

// --- Ce que les deux calculs doivent donner : des indicateurs repliés à la main ----------------------

/** Une ligne de l'agrégat écrit à la main pour le registre (mêmes sommes que le tableau). */
interface HandGroup {
  organisation: string;
  month: string;
  kind: string;
  channel: string;
  audience: string;
  target: string | null;
  answered: number;
  delaySum: number;
  met: number;
  overdue: number;
  pending: number;
}

/** Quelques indicateurs du registre, décrits ici à la main (population et mesure), indépendamment du code. */
const CHECKED_REGISTER: Record<
  string,
  { kinds: string[]; channels: string[] | null; audience: string | null; target: string | null; mean: boolean }
> = {
  DI_MAIL_5J: { kinds: ['information_request'], channels: ['email', 'web_form'], audience: null, target: null, mean: false },
  RECL_PAPIER_10J: { kinds: ['complaint', 'suggestion'], channels: ['letter', 'urn'], audience: null, target: null, mean: false },
  RECL_MAIL_DELAI: {
    kinds: ['complaint', 'suggestion'],
    channels: ['email', 'web_form'],
    audience: null,
    target: null,
    mean: true,
  },
  SVI_MAJ_3J: { kinds: ['update_request'], channels: null, audience: null, target: 'svi', mean: false },
  CT_MAIL_5J: {
    kinds: ['information_request', 'advice_request'],
    channels: ['email'],
    audience: 'local_authority',
    target: null,
    mean: false,
  },
};

function handFold(groups: readonly HandGroup[], key: string, month: string): { numerator: number; denominator: number } {
  const d = CHECKED_REGISTER[key];
  assert.ok(d);
  let numerator = 0;
  let denominator = 0;
  for (const g of groups) {
    if (g.month !== month || !d.kinds.includes(g.kind)) continue;
    if (d.channels && !d.channels.includes(g.channel)) continue;
    if (d.audience && g.audience !== d.audience) continue;
    if (d.target && g.target !== d.target) continue;
    if (d.mean) {
      numerator += g.delaySum;
      denominator += g.answered;
    } else {
      numerator += g.met;
      denominator += g.answered + g.overdue;
    }
  }
  return { numerator, denominator };
}

// --- (a) Une organisation sur SQLite ---------------------------------------------------------------

const KIND_MIX: [CaseKind, number][] = [
  ['information_request', 40],
  ['complaint', 15],
  ['suggestion', 5],
  ['thanks', 4],
  ['out_of_scope', 3],
  ['update_request', 13],
  ['advice_request', 20],
];
const CHANNELS: CaseChannel[] = ['email', 'web_form', 'letter', 'urn', 'phone', 'counter'];

function pick<T>(mix: [T, number][], r: number): T {
  const total = mix.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [value, weight] of mix) {
    if (x < weight) return value;
    x -= weight;
  }
  return (mix.at(-1) as [T, number])[0];
}

function registerCsv(count: number): string {
  const random = lcg(2026);
  const lines = ['reference,kind,channel,received_at,answered_at,service,subject,theme,audience,target'];
  for (let i = 0; i < count; i++) {
    const kind = pick(KIND_MIX, random());
    const channel = kind === 'update_request' ? 'internal' : (CHANNELS[Math.floor(random() * CHANNELS.length)] ?? 'email');
    const day = Math.floor(random() * 365);
    const date = addDays(`${YEAR}-01-01`, day);
    // Un sur six est un horodatage UTC : près de minuit, sa date locale (Paris) est le lendemain.
    const stamp = random() < 1 / 6 ? `${date}T${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:00Z` : date;
    const answered = random() < 0.85 ? addDays(date, Math.floor(random() * 22)) : '';
    const audience = kind === 'advice_request' || random() < 0.1 ? 'local_authority' : 'public';
    const target = kind === 'update_request' ? (random() < 0.5 ? 'svi' : 'website') : '';
    lines.push(`BI-${i},${kind},${channel},${stamp},${answered},Accueil général,,,${audience},${target}`);
  }
  return lines.join('\n');
}

const SATISFACTION: [string | undefined, number][] = [
  ['very_satisfied', 30],
  ['satisfied', 35],
  ['dissatisfied', 15],
  ['very_dissatisfied', 8],
  ['no_opinion', 7],
  [undefined, 5],
];
const YES_NO: [string | undefined, number][] = [
  ['yes', 60],
  ['no', 35],
  [undefined, 5],
];

function surveyAnswers(channel: SurveyedChannel, random: () => number): FixtureResponse['answers'] {
  const level = () => pick(SATISFACTION, random());
  if (channel === 'physical_reception') {
    return {
      visit_reason: ['foreigners', 'counter', 'information', 'other'][Math.floor(random() * 4)],
      orientation: level(),
      waiting_time: level(),
      courtesy: level(),
      confidentiality: level(),
      comment: random() < 0.05 ? 'Accueil correct, attente un peu longue.' : undefined,
    };
  }
  if (channel === 'digital_access_point') {
    return { courtesy: level(), plain_language: pick(YES_NO, random()), confidentiality: level() };
  }
  const used = pick(YES_NO, random());
  const booking = pick(YES_NO, random());
  return {
    website_used: used,
    website_access: used === 'yes' ? level() : undefined,
    website_organisation: used === 'yes' ? level() : undefined,
    website_completeness: used === 'yes' ? level() : undefined,
    online_booking_used: booking,
    online_booking: booking === 'yes' ? level() : undefined,
    appointment_delay: booking === 'yes' ? level() : undefined,
  };
}

/** Débuts des mois de 2026 à Paris, en UTC, écrits à la main (heure d'été du 29 mars au 25 octobre). */
const PARIS_MONTH_STARTS_2026 = [
  '2025-12-31T23:00:00.000Z',
  '2026-01-31T23:00:00.000Z',
  '2026-02-28T23:00:00.000Z',
  '2026-03-31T22:00:00.000Z',
  '2026-04-30T22:00:00.000Z',
  '2026-05-31T22:00:00.000Z',
  '2026-06-30T22:00:00.000Z',
  '2026-07-31T22:00:00.000Z',
  '2026-08-31T22:00:00.000Z',
  '2026-09-30T22:00:00.000Z',
  '2026-10-31T23:00:00.000Z',
  '2026-11-30T23:00:00.000Z',
  '2026-12-31T23:00:00.000Z',
];

const WEBSITE_RATED = ['website_access', 'website_organisation', 'website_completeness', 'online_booking', 'appointment_delay'];

/** L'agrégat écrit à la main : une instruction, registre et enquêtes, par mois. */
const HAND_SQLITE = `
WITH bounds(month, first_day, last_day, start, stop) AS (VALUES ${Array.from({ length: 12 }, () => '(?, ?, ?, ?, ?)').join(', ')})
SELECT 'register' AS source, substr(received_local_date, 1, 7) AS month, kind, channel, audience, target,
       NULL AS question_key, NULL AS value,
       sum(answered_local_date IS NOT NULL AND answered_local_date <= :asOf) AS answered,
       sum(CASE WHEN answered_local_date IS NOT NULL AND answered_local_date <= :asOf THEN answer_delay ELSE 0 END) AS delay_sum,
       sum(answered_local_date IS NOT NULL AND answered_local_date <= :asOf
           AND answer_delay <= CASE WHEN kind = 'update_request' THEN 3 WHEN channel IN ('email', 'web_form') THEN 5 ELSE 10 END) AS met,
       sum((answered_local_date IS NULL OR answered_local_date > :asOf) AND due_date < :asOf) AS overdue,
       sum((answered_local_date IS NULL OR answered_local_date > :asOf) AND due_date >= :asOf) AS pending
  FROM cases
 WHERE organisation_id = :org AND received_local_date BETWEEN :from AND :to AND kind <> 'elected_official_appointment'
 GROUP BY 2, 3, 4, 5, 6
UNION ALL
SELECT 'survey', b.month, NULL, c.surveyed_channel, NULL, NULL, a.question_key, a.value, count(*), 0, 0, 0, 0
  FROM survey_campaigns c
  JOIN survey_answers a ON a.campaign_id = c.id
  JOIN survey_responses r ON r.id = a.response_id
  JOIN bounds b ON r.answered_at >= b.start AND r.answered_at < b.stop
                AND c.starts_on <= b.last_day AND c.ends_on >= b.first_day
 WHERE c.organisation_id = :org AND r.flagged_reason IS NULL
   AND ((c.surveyed_channel = 'digital_access_point' AND a.question_key = 'confidentiality')
     OR (c.surveyed_channel = 'website' AND a.question_key IN (${WEBSITE_RATED.map((k) => `'${k}'`).join(', ')})))
 GROUP BY 2, 4, 7, 8`;

function handSurvey(
  rows: readonly { source: string; month: string; channel: string; value: string; answered: number }[],
  channel: string,
  month: string,
) {
  let numerator = 0;
  let denominator = 0;
  for (const r of rows) {
    if (r.source !== 'survey' || r.channel !== channel || r.month !== month) continue;
    if (r.value === 'very_satisfied' || r.value === 'satisfied') numerator += r.answered;
    if (['very_satisfied', 'satisfied', 'dissatisfied', 'very_dissatisfied'].includes(r.value)) denominator += r.answered;
  }
  return { numerator, denominator };
}

async function oneOrganisation(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-indicators-'));
  try {
    const path = join(dir, 'vigie.sqlite');
    const handle = openDatabase(path);
    await migrateToLatest(handle.db, handle.engine);
    const ctx: AppContext = {
      db: handle.db,
      engine: handle.engine,
      clock: new FixedClock('2027-01-10T09:00:00Z'),
      config: loadConfig({ NODE_ENV: 'test', DATABASE_URL: path }),
    };
    await ensureReferentiel(ctx);
    const organisation = await createOrganisation(
      ctx,
      { slug: 'banc', name: 'Préfecture du Puy-de-Dôme (banc)', department: '63' },
      CLI_ACTOR,
    );
    const org = organisation.id;
    await updatePerimeter(ctx, org, { modules: ['1', '2', '4'], hasCert: 'on' }, CLI_ACTOR);

    let start = performance.now();
    const imported = await importCases(ctx, org, registerCsv(CASES), CLI_ACTOR, { fileName: 'banc-indicateurs.csv' });
    const random = lcg(63);
    for (let i = 0; i < 40; i++) {
      const received = addDays(`${YEAR}-01-05`, i * 9);
      const appointment = await createCase(
        ctx,
        org,
        { kind: 'elected_official_appointment', channel: 'letter', audience: 'local_authority', receivedAt: received },
        CLI_ACTOR,
      );
      if (random() < 0.8) {
        const fixedAt = addDays(received, 1 + Math.floor(random() * 8));
        const heldAt = random() < 0.7 ? addDays(fixedAt, 2 + Math.floor(random() * 15)) : undefined;
        await recordAppointment(ctx, org, appointment.id, heldAt ? { fixedAt, heldAt } : { fixedAt }, CLI_ACTOR);
      }
    }
    const registerMs = performance.now() - start;

    // Enquêtes : chaque canal a quatre campagnes trimestrielles (borne et QR), réponses réparties sur l'année.
    start = performance.now();
    const channels: { channel: SurveyedChannel; template: string }[] = [
      { channel: 'physical_reception', template: 'physical_reception' },
      { channel: 'digital_access_point', template: 'digital_access_point' },
      { channel: 'website', template: 'website' },
    ];
    const surveyRandom = lcg(974);
    let written = 0;
    for (const [c, { channel, template }] of channels.entries()) {
      for (let q = 0; q < 4; q++) {
        const startsOn = `${YEAR}-${pad(q * 3 + 1)}-01`;
        const endsOn = addDays(`${q === 3 ? YEAR + 1 : YEAR}-${pad(q === 3 ? 1 : q * 3 + 4)}-01`, -1);
        const { campaignId } = await insertCampaign(ctx, {
          organisationId: org,
          template,
          name: `${template} T${q + 1}`,
          startsOn,
          endsOn,
        });
        const kiosk = await insertPoint(ctx, { organisationId: org, campaignId, label: 'Borne', mode: 'kiosk' });
        const qr = await insertPoint(ctx, { organisationId: org, campaignId, label: 'Affiche QR', mode: 'qr' });
        const count = Math.floor(RESPONSES / 12) + (c * 4 + q < RESPONSES % 12 ? 1 : 0);
        // Réponses données pendant la campagne (dates locales de Paris), comme la collecte le garantit.
        const from = Date.parse(PARIS_MONTH_STARTS_2026[q * 3] as string);
        const to = Date.parse(PARIS_MONTH_STARTS_2026[q * 3 + 3] as string);
        const make = (): FixtureResponse => ({
          answers: surveyAnswers(channel, surveyRandom),
          answeredAt: new Date(from + Math.floor(surveyRandom() * (to - from))).toISOString(),
          ...(surveyRandom() < 0.01 ? { flaggedReason: 'Réponse en moins de 2 secondes' } : {}),
        });
        const half = Math.floor(count / 2);
        await insertResponses(
          ctx,
          { organisationId: org, campaignId, pointId: kiosk, mode: 'kiosk' },
          Array.from({ length: half }, make),
        );
        await insertResponses(
          ctx,
          { organisationId: org, campaignId, pointId: qr, mode: 'qr' },
          Array.from({ length: count - half }, make),
        );
        written += count;
      }
    }
    const surveyMs = performance.now() - start;

    // Valeurs importées (téléphonie, ANTS), saisies (PAN), une valeur historique, des cibles.
    // Par le vrai import (contrôles, correspondance, tout ou rien), comme un référent.
    const telephony = ['date;appels_recus;appels_aboutis;note'];
    const ants = ['mois;titre;dossiers_traites;delai_moyen_cert_jours'];
    for (let m = 1; m <= 12; m++) {
      const month = `${YEAR}-${pad(m)}`;
      const received = 9000 + m * 37;
      telephony.push(`${month};${received};${received - 900 - m * 11};${m === 4 ? 'problème Memobox' : ''}`);
      ants.push(`${month};CIV;1500;${12 + (m % 5)}`);
    }
    for (const [source, lines] of [
      ['telephony', telephony],
      ['ants', ants],
    ] as const) {
      await importIndicatorFile(
        ctx,
        org,
        { source, year: YEAR, csv: lines.join('\n'), fileName: `${source}-${YEAR}.csv` },
        CLI_ACTOR,
      );
    }
    for (let m = 1; m <= 12; m++) {
      const month = `${YEAR}-${pad(m)}`;
      await recordValue(
        ctx,
        org,
        'PAN_USAGERS',
        m === 8
          ? { month, status: 'not_applicable', note: 'PAN fermé en août' }
          : { month, status: 'measured', value: String(300 + m * 7) },
        CLI_ACTOR,
      );
    }
    await recordValue(
      ctx,
      org,
      'DI_MAIL_5J',
      { month: `${YEAR}-01`, status: 'measured', numerator: '80', denominator: '100', historic: 'on' },
      CLI_ACTOR,
    );
    await setTarget(ctx, { national: true }, 'DI_MAIL_5J', YEAR, { kind: 'min', low: '90' }, CLI_ACTOR);
    await setTarget(ctx, { national: true }, 'TEL_ABOUTIS', YEAR, { kind: 'min', low: '85' }, CLI_ACTOR);
    await setTarget(ctx, { organisationId: org }, 'PAN_SATISF_CONF', YEAR, { kind: 'range', low: '75', high: '80' }, CLI_ACTOR);
    await setTarget(ctx, { organisationId: org }, 'RECL_MAIL_DELAI', YEAR, { kind: 'max', high: '5' }, CLI_ACTOR);

    // Mesures : cinq passages à chaud de chaque calcul, en alternance.
    const table = async () => indicatorYearTable(ctx, org, YEAR, AS_OF);
    const raw = new DatabaseSync(path, { readOnly: true });
    const hand = raw.prepare(HAND_SQLITE);
    const boundParams = PARIS_MONTH_STARTS_2026.slice(0, 12).flatMap((s, i) => [
      `${YEAR}-${pad(i + 1)}`,
      `${YEAR}-${pad(i + 1)}-01`,
      addDays(i === 11 ? `${YEAR + 1}-01-01` : `${YEAR}-${pad(i + 2)}-01`, -1),
      s,
      PARIS_MONTH_STARTS_2026[i + 1] as string,
    ]);
    const runHand = () =>
      hand.all({ asOf: AS_OF, org, from: `${YEAR}-01-01`, to: `${YEAR}-12-31` }, ...boundParams) as unknown as {
        source: string;
        month: string;
        kind: string;
        channel: string;
        audience: string;
        target: string | null;
        value: string;
        answered: number;
        delay_sum: number;
        met: number;
        overdue: number;
        pending: number;
      }[];
    const load = loadavg()
      .map((l) => fr(l))
      .join(' / ');
    let result: IndicatorYearTable = await table();
    let handRows = runHand();
    const tableRuns: number[] = [];
    const handRuns: number[] = [];
    // Temps processeur du processus à côté du temps écoulé : node:sqlite travaille dans ce fil, et ce temps
    // ne compte pas l'attente d'un cœur quand la machine est partagée.
    const tableCpu: number[] = [];
    const handCpu: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    for (let run = 0; run < 5; run++) {
      let cpu = process.cpuUsage();
      start = performance.now();
      result = await table();
      tableRuns.push(performance.now() - start);
      tableCpu.push(cpuMs(cpu));
      cpu = process.cpuUsage();
      start = performance.now();
      handRows = runHand();
      handRuns.push(performance.now() - start);
      handCpu.push(cpuMs(cpu));
    }
    raw.close();

    // Vérification : mêmes numérateurs et dénominateurs, mois par mois, pour quelques indicateurs.
    const groups: HandGroup[] = handRows
      .filter((r) => r.source === 'register')
      .map((r) => ({
        organisation: org,
        month: r.month,
        kind: r.kind,
        channel: r.channel,
        audience: r.audience,
        target: r.target,
        answered: r.answered,
        delaySum: r.delay_sum,
        met: r.met,
        overdue: r.overdue,
        pending: r.pending,
      }));
    let checked = 0;
    const rowOf = (key: string) => {
      const row = result.rows.find((r) => r.indicator.key === key);
      assert.ok(row, `${key} absent du tableau`);
      return row;
    };
    for (const key of Object.keys(CHECKED_REGISTER)) {
      const row = rowOf(key);
      for (let m = 1; m <= 12; m++) {
        const cell = row.months[m - 1];
        assert.ok(cell);
        if (key === 'DI_MAIL_5J' && m === 1) {
          // La valeur historique saisie remplace le calcul de janvier.
          assert.deepEqual([cell.provenance, cell.numerator, cell.denominator], ['historic', 80, 100]);
          continue;
        }
        const expected = handFold(groups, key, `${YEAR}-${pad(m)}`);
        assert.ok(expected.denominator > 0, `${key} ${m} : rien à mesurer dans le jeu généré`);
        assert.deepEqual(
          [cell.numerator, cell.denominator],
          [expected.numerator, expected.denominator],
          `${key} ${YEAR}-${pad(m)}`,
        );
        checked++;
      }
    }
    for (const [key, channel] of [
      ['PAN_SATISF_CONF', 'digital_access_point'],
      ['WEB_SATISFACTION', 'website'],
    ] as const) {
      const row = rowOf(key);
      for (let m = 1; m <= 12; m++) {
        const cell = row.months[m - 1];
        const expected = handSurvey(handRows, channel, `${YEAR}-${pad(m)}`);
        assert.ok(cell && expected.denominator > 0);
        assert.deepEqual(
          [cell.numerator, cell.denominator],
          [expected.numerator, expected.denominator],
          `${key} ${YEAR}-${pad(m)}`,
        );
        checked++;
      }
    }
    assert.equal(rowOf('TEL_ABOUTIS').months[3]?.note, 'problème Memobox');
    assert.equal(rowOf('PAN_USAGERS').months[7]?.status, 'not_applicable');
    assert.equal(rowOf('PAN_SATISF_CONF').target?.scope, 'local');
    assert.ok((rowOf('CT_RDV_FIX_4J').year.denominator ?? 0) > 0, 'rendez-vous d’élus comptés');
    await handle.close();

    const best = Math.min(...tableRuns);
    const handBest = Math.min(...handRuns);
    console.log(
      `(a) Une organisation, SQLite fichier : ${imported.total.toLocaleString('fr-FR')} dossiers importés + 40 rendez-vous (${fr(registerMs / 1000)} s), ${written.toLocaleString('fr-FR')} réponses d'enquête (${fr(surveyMs / 1000)} s), ${result.rows.length} indicateurs au catalogue`,
    );
    console.log(
      `  indicatorYearTable(org, ${YEAR}, '${AS_OF}') : meilleur ${fr(best)} ms, médiane ${fr(median(tableRuns))} ms (5 passages à chaud : ${tableRuns.map((t) => fr(t)).join(' ; ')})`,
    );
    console.log(
      `  agrégat écrit à la main (node:sqlite préparé, registre + enquêtes par mois, ${handRows.length} lignes) : meilleur ${fr(handBest)} ms, médiane ${fr(median(handRuns))} ms — rapport ${fr(best / handBest, 2)}`,
    );
    console.log(
      `  temps processeur (meilleur) : tableau ${fr(Math.min(...tableCpu))} ms, agrégat écrit à la main ${fr(Math.min(...handCpu))} ms`,
    );
    console.log(
      `  vérifié : ${checked} cases (5 indicateurs du registre, 2 d'enquête, 12 mois) identiques à l'agrégat écrit à la main`,
    );
    console.log(
      `  cible < 100 ms : ${best < 100 ? 'atteinte' : 'NON atteinte'} (charge de la machine pendant la mesure : ${load})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- (b) Le niveau national sur PostgreSQL ----------------------------------------------------------

/** Une case du mélange généré : nature, canal, public, cible, délai de réponse en jours ouvrés (ou aucun). */
interface MixSlot {
  kind: CaseKind;
  channel: CaseChannel;
  audience: Audience;
  target: UpdateTarget | null;
  workingDays: number | null;
}

/** 1 000 cases tirées une fois : la requête de génération y renvoie par un indice pseudo-aléatoire. */
function mixSlots(): MixSlot[] {
  const random = lcg(101);
  return Array.from({ length: 1000 }, (_, slot) => {
    if (slot < 2) {
      return {
        kind: 'elected_official_appointment',
        channel: 'letter',
        audience: 'local_authority',
        target: null,
        workingDays: null,
      };
    }
    const kind = pick(KIND_MIX, random());
    const channel = kind === 'update_request' ? 'internal' : (CHANNELS[Math.floor(random() * CHANNELS.length)] ?? 'email');
    const audience: Audience = kind === 'advice_request' || random() < 0.1 ? 'local_authority' : 'public';
    const target: UpdateTarget | null = kind === 'update_request' ? (random() < 0.5 ? 'svi' : 'website') : null;
    return { kind, channel, audience, target, workingDays: answerWorkingDays(kind, channel) };
  });
}

const HAND_POSTGRES = `
SELECT organisation_id, substr(received_local_date, 1, 7) AS month, kind, channel, audience, target,
       count(*) FILTER (WHERE answered_local_date <= $1) AS answered,
       coalesce(sum(answer_delay) FILTER (WHERE answered_local_date <= $1), 0) AS delay_sum,
       count(*) FILTER (WHERE answered_local_date <= $1
                          AND answer_delay <= CASE WHEN kind = 'update_request' THEN 3 WHEN channel IN ('email', 'web_form') THEN 5 ELSE 10 END) AS met,
       count(*) FILTER (WHERE (answered_local_date IS NULL OR answered_local_date > $1) AND due_date < $1) AS overdue,
       count(*) FILTER (WHERE (answered_local_date IS NULL OR answered_local_date > $1) AND due_date >= $1) AS pending
  FROM cases
 WHERE received_local_date BETWEEN $2 AND $3 AND kind <> 'elected_official_appointment'
 GROUP BY 1, 2, 3, 4, 5, 6`;

async function national(): Promise<void> {
  const given = process.env.DATABASE_URL && isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
  const cluster = given ? undefined : startThrowawayCluster();
  const base = given ?? cluster?.url;
  if (!base) {
    console.log(
      '(b) National, PostgreSQL : SAUTÉ — binaires PostgreSQL introuvables (apt-get install postgresql) et DATABASE_URL absent.',
    );
    return;
  }
  // Un schéma jetable : une base fournie par DATABASE_URL n'est jamais touchée en dehors de lui.
  const schema = `bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  // work_mem : 4 Mo par défaut, les deux requêtes (l'application et l'agrégat écrit à la main) trieraient
  // leurs 10 M lignes sur disque ; le même réglage, courant sur un serveur, vaut pour les deux connexions.
  url.searchParams.set('options', `-c search_path=${schema} -c work_mem=${PG_WORK_MEM}`);
  const handle = openDatabase(url.toString());
  try {
    await migrateToLatest(handle.db, handle.engine);
    const ctx: AppContext = {
      db: handle.db,
      engine: handle.engine,
      clock: new FixedClock('2027-01-10T09:00:00Z'),
      config: loadConfig({ NODE_ENV: 'test', DATABASE_URL: url.toString() }),
    };
    await ensureReferentiel(ctx);
    const departments = listDepartments().slice(0, PG_ORGANISATIONS);
    const organisations: { id: string; code: string; calendar: string; module4: boolean }[] = [];
    for (const [i, department] of departments.entries()) {
      const o = await createOrganisation(
        ctx,
        {
          slug: `dep-${department.code.toLowerCase()}`,
          name: `Préfecture ${department.nameWithArticle}`,
          department: department.code,
        },
        CLI_ACTOR,
      );
      // Un tiers des organisations a le module 4 (et donc des rendez-vous d'élus, calculés avec leur calendrier).
      const module4 = i % 3 === 0;
      await updatePerimeter(ctx, o.id, { modules: module4 ? ['1', '4'] : ['1'] }, CLI_ACTOR);
      organisations.push({ id: o.id, code: department.code, calendar: department.holidayCalendar, module4 });
    }

    // Tables d'aide calculées par le calendrier de l'application (chaque calendrier de jours fériés
    // présent) : échéances à 3, 4, 5 et 10 jours ouvrés de chaque jour de réception, date et délai en jours
    // ouvrés d'une réponse 0 à 24 jours plus tard. Les dossiers générés en SQL portent ainsi les mêmes
    // échéances et délais que ceux de l'application (jours fériés compris ; sans jours de fermeture).
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const start0 = performance.now();
    await client.query(`
      CREATE TABLE bench_org (n integer PRIMARY KEY, id text NOT NULL, calendar text NOT NULL, module4 boolean NOT NULL);
      CREATE TABLE bench_mix (slot integer PRIMARY KEY, kind text, channel text, audience text, target text, working_days integer);
      CREATE TABLE bench_cal (calendar text, day integer, received text, due3 text, due4 text, due5 text, due10 text,
                              answered text[], delay integer[], PRIMARY KEY (calendar, day));`);
    await client.query(`INSERT INTO bench_org SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::boolean[])`, [
      organisations.map((_, i) => i + 1),
      organisations.map((o) => o.id),
      organisations.map((o) => o.calendar),
      organisations.map((o) => o.module4),
    ]);
    const slots = mixSlots();
    await client.query(
      `INSERT INTO bench_mix SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])`,
      [
        slots.map((_, i) => i),
        slots.map((s) => s.kind),
        slots.map((s) => s.channel),
        slots.map((s) => s.audience),
        slots.map((s) => s.target),
        slots.map((s) => s.workingDays),
      ],
    );
    // Une ligne par calendrier et par jour de réception : les échéances, puis la date et le délai d'une
    // réponse donnée 0 à 24 jours plus tard (tableaux indexés par ce décalage) — une seule jointure par dossier.
    for (const name of new Set(organisations.map((o) => o.calendar))) {
      assert.ok(isHolidayCalendar(name));
      const calendar = calendarFor(name);
      const rows = Array.from({ length: 365 }, (_, day) => {
        const received = addDays(`${YEAR}-01-01`, day);
        const answered = Array.from({ length: 25 }, (_, lag) => addDays(received, lag));
        return {
          day,
          received,
          dues: [3, 4, 5, 10].map((n) => calendar.dueDate(received, n)),
          answered,
          delay: answered.map((a) => calendar.delay(received, a)),
        };
      });
      await client.query(
        `INSERT INTO bench_cal
         SELECT $1, d.day, d.received, d.due3, d.due4, d.due5, d.due10,
                ARRAY(SELECT jsonb_array_elements_text(d.answered)), ARRAY(SELECT jsonb_array_elements_text(d.delay)::int)
           FROM jsonb_to_recordset($2::jsonb) AS d(day int, received text, due3 text, due4 text, due5 text, due10 text,
                                                  answered jsonb, delay jsonb)`,
        [
          name,
          JSON.stringify(
            rows.map((r) => ({
              day: r.day,
              received: r.received,
              due3: r.dues[0],
              due4: r.dues[1],
              due5: r.dues[2],
              due10: r.dues[3],
              answered: r.answered,
              delay: r.delay,
            })),
          ),
        ],
      );
    }
    // Les index secondaires de `cases` sont retirés pendant le chargement, puis ceux que lit le calcul
    // (`cases_indicators`, `cases_appointments`) sont reconstruits à l'identique ; les déclencheurs
    // des clés étrangères sont suspendus pendant l'écriture quand le compte le permet (les organisations
    // viennent de la table elle-même).
    await client.query(
      'DROP INDEX cases_indicators; DROP INDEX cases_appointments; DROP INDEX cases_queue; DROP INDEX cases_organisation_reference',
    );
    // Tirages déterministes : des suites arithmétiques modulo, décorrélées par des multiplicateurs premiers.
    const generate = (first: number, last: number) => `
      INSERT INTO cases (id, organisation_id, reference, kind, channel, audience, target, service_id, status, received_at,
                         received_local_date, due_date, appointment_fixed_due, appointment_held_due,
                         appointment_fixed_local_date, appointment_held_local_date,
                         answered_at, answered_local_date, answer_delay, created_at, updated_at)
      SELECT lpad(o.n::text, 3, '0') || '-' || lpad(g::text, 7, '0'), o.id, '${YEAR}-' || lpad(g::text, 7, '0'),
             m.kind, m.channel, m.audience, m.target, NULL,
             CASE WHEN m.kind <> 'elected_official_appointment' AND r.answered THEN 'answered' ELSE 'received' END,
             c.received || 'T09:00:00+01:00', c.received,
             CASE m.working_days WHEN 3 THEN c.due3 WHEN 5 THEN c.due5 WHEN 10 THEN c.due10 END,
             CASE WHEN m.kind = 'elected_official_appointment' THEN c.due4 END,
             CASE WHEN m.kind = 'elected_official_appointment' THEN c.due10 END,
             CASE WHEN m.kind = 'elected_official_appointment' THEN c.answered[1 + r.lag % 7] END,
             CASE WHEN m.kind = 'elected_official_appointment' AND r.held THEN c.answered[8 + r.lag % 18] END,
             CASE WHEN m.kind <> 'elected_official_appointment' AND r.answered THEN c.answered[1 + r.lag] || 'T15:00:00+01:00' END,
             CASE WHEN m.kind <> 'elected_official_appointment' AND r.answered THEN c.answered[1 + r.lag] END,
             CASE WHEN m.kind <> 'elected_official_appointment' AND r.answered THEN c.delay[1 + r.lag] END,
             '2027-01-10T09:00:00.000Z', '2027-01-10T09:00:00.000Z'
        FROM bench_org o
       CROSS JOIN generate_series(1, ${PG_CASES_PER_ORG}) g
       CROSS JOIN LATERAL (SELECT (g * 3181 + o.n * 17) % 365 AS day,
                                  (g * 1009 + o.n * 7) % 25 AS lag,
                                  (g * 2399 + o.n * 13) % 100 < 85 AS answered,
                                  (g * 2399 + o.n * 13) % 100 < 70 AS held) r
        JOIN bench_mix m ON m.slot = CASE WHEN o.module4 THEN (g * 7919 + o.n * 104729) % 1000
                                          ELSE 2 + (g * 7919 + o.n * 104729) % 998 END
        JOIN bench_cal c ON c.calendar = o.calendar AND c.day = r.day
       WHERE o.n BETWEEN ${first} AND ${last}`;
    // Deux connexions, une moitié des organisations chacune : les deux cœurs écrivent.
    const half = Math.ceil(organisations.length / 2);
    const second = new pg.Client({ connectionString: url.toString() });
    await second.connect();
    let triggersSuspended = true;
    for (const c of [client, second]) {
      try {
        await c.query('SET session_replication_role = replica');
      } catch {
        triggersSuspended = false;
      }
    }
    let phase = performance.now();
    await Promise.all([client.query(generate(1, half)), second.query(generate(half + 1, organisations.length))]);
    await second.end();
    await client.query('SET session_replication_role = DEFAULT').catch(() => undefined);
    const insertMs = performance.now() - phase;
    phase = performance.now();
    // Les deux index se construisent en même temps (deux connexions ; CREATE INDEX ne bloque pas l'autre).
    const third = new pg.Client({ connectionString: url.toString() });
    await third.connect();
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await Promise.all([
      client.query(`CREATE INDEX cases_indicators ON cases (organisation_id, received_local_date, kind, channel, audience, target,
                            answered_local_date, due_date, answer_delay)`),
      third.query(
        `CREATE INDEX cases_appointments ON cases (organisation_id, received_local_date) WHERE kind = 'elected_official_appointment'`,
      ),
    ]);
    await third.end();
    const indexMs = performance.now() - phase;
    phase = performance.now();
    await client.query('VACUUM ANALYZE cases');
    const vacuumMs = performance.now() - phase;
    const total = Number((await client.query('SELECT count(*) AS n FROM cases')).rows[0]?.n);
    const loadMs = performance.now() - start0;

    // Mesures : un passage de chauffe (l'index lu par les deux calculs passe en mémoire), puis trois
    // passages de chaque calcul en alternance.
    const handParams = [AS_OF, `${YEAR}-01-01`, `${YEAR}-12-31`];
    const runHand = async () => (await client.query(HAND_POSTGRES, handParams)).rows as Record<string, string | number | null>[];
    await nationalRegisterTables(ctx, YEAR, AS_OF);
    const load = loadavg()
      .map((l) => fr(l))
      .join(' / ');
    const nationalRuns: number[] = [];
    const handRuns: number[] = [];
    let result: NationalRegisterTables | undefined;
    let handRows: Record<string, string | number | null>[] = [];
    for (let run = 0; run < 3; run++) {
      let start = performance.now();
      result = await nationalRegisterTables(ctx, YEAR, AS_OF);
      nationalRuns.push(performance.now() - start);
      start = performance.now();
      handRows = await runHand();
      handRuns.push(performance.now() - start);
    }
    assert.ok(result);

    // Vérification : pour chaque organisation, les indicateurs décrits à la main, mois par mois.
    const groups: HandGroup[] = handRows.map((r) => ({
      organisation: String(r.organisation_id),
      month: String(r.month),
      kind: String(r.kind),
      channel: String(r.channel),
      audience: String(r.audience),
      target: r.target === null ? null : String(r.target),
      answered: Number(r.answered),
      delaySum: Number(r.delay_sum),
      met: Number(r.met),
      overdue: Number(r.overdue),
      pending: Number(r.pending),
    }));
    const byOrganisation = new Map<string, HandGroup[]>();
    for (const g of groups) byOrganisation.set(g.organisation, [...(byOrganisation.get(g.organisation) ?? []), g]);
    let checked = 0;
    assert.equal(result.organisations.length, organisations.length);
    for (const o of result.organisations) {
      const own = byOrganisation.get(o.organisationId) ?? [];
      for (const key of Object.keys(CHECKED_REGISTER)) {
        const row = o.rows.find((r) => r.key === key);
        const module4 = organisations.find((x) => x.id === o.organisationId)?.module4;
        if (key === 'CT_MAIL_5J' && !module4) {
          assert.equal(row, undefined);
          continue;
        }
        assert.ok(row, `${o.slug} ${key}`);
        for (let m = 1; m <= 12; m++) {
          const expected = handFold(own, key, `${YEAR}-${pad(m)}`);
          const cell: IndicatorSummary | undefined = row.months[m - 1];
          assert.deepEqual(
            [cell?.numerator, cell?.denominator],
            [expected.numerator, expected.denominator],
            `${o.slug} ${key} ${m}`,
          );
          checked++;
        }
      }
      if (organisations.find((x) => x.id === o.organisationId)?.module4) {
        assert.ok((o.rows.find((r) => r.key === 'CT_RDV_FIX_4J')?.total.denominator ?? 0) > 0, `${o.slug} : rendez-vous`);
      }
    }
    await client.query('DROP TABLE bench_org, bench_mix, bench_cal');
    await client.end();

    const best = Math.min(...nationalRuns);
    const handBest = Math.min(...handRuns);
    const ratio = median(nationalRuns) / median(handRuns);
    console.log(
      `(b) National, PostgreSQL ${given ? '(DATABASE_URL)' : '(grappe jetable)'}, work_mem ${PG_WORK_MEM} : ${organisations.length} organisations × ${PG_CASES_PER_ORG.toLocaleString('fr-FR')} = ${total.toLocaleString('fr-FR')} dossiers générés en ${fr(loadMs / 1000)} s (INSERT … SELECT ${fr(insertMs / 1000)} s${triggersSuspended ? ', déclencheurs suspendus' : ''}, index ${fr(indexMs / 1000)} s, VACUUM ANALYZE ${fr(vacuumMs / 1000)} s)`,
    );
    console.log(
      `  nationalRegisterTables(${YEAR}, '${AS_OF}') : meilleur ${fr(best)} ms, médiane ${fr(median(nationalRuns))} ms (${nationalRuns.map((t) => fr(t)).join(' ; ')})`,
    );
    console.log(
      `  agrégat écrit à la main (une requête, ${handRows.length.toLocaleString('fr-FR')} groupes) : meilleur ${fr(handBest)} ms, médiane ${fr(median(handRuns))} ms (${handRuns.map((t) => fr(t)).join(' ; ')})`,
    );
    console.log(
      `  vérifié : ${checked.toLocaleString('fr-FR')} cases (indicateurs du registre × organisations × mois) identiques à l'agrégat écrit à la main`,
    );
    console.log(
      `  rapport des médianes ${fr(ratio, 2)} (meilleurs : ${fr(best / handBest, 2)}) — cible ≤ 1,5 : ${ratio <= 1.5 ? 'atteinte' : 'NON atteinte'} (charge de la machine : ${load})`,
    );
  } finally {
    await handle.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    cluster?.stop();
  }
}

const started = performance.now();
if (PARTS.includes('a')) await oneOrganisation();
if (PARTS.includes('b')) await national();
console.log(`Durée totale du banc : ${fr((performance.now() - started) / 1000)} s`);
