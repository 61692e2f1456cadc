import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { openApp, startApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type GroupCommitStats, groupCommitOf } from '../src/db/group-commit.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { createOrganisation } from '../src/modules/organisations/organisation.service.ts';
import { newOrderedId } from '../src/shared/ids.ts';
import { seedSurvey } from '../test/helpers/survey-response-fixtures.ts';

/**
 * Soumissions publiques d'enquête sous charge, sur le même disque et dans le même passage :
 * (a) une route Fastify nue qui fait un INSERT durable par requête (SQLite fichier, WAL, synchronous=FULL) ;
 * (b) le vrai serveur Vigie (formulaire public `POST /enquete/:token` : CSRF, limite de débit, contrôles du
 *     questionnaire, idempotence, signalement des abus, écriture groupée), base fichier, même réglage.
 * Chaque serveur tourne dans son propre processus ; autocannon charge depuis celui-ci (BENCH_CONNECTIONS
 * connexions, BENCH_SECONDS s). Puis p99 de Vigie à la moitié de son propre pic, et le test kill -9 :
 * chaque identifiant acquitté avant un SIGKILL en pleine charge doit se retrouver après redémarrage.
 * Cibles : Vigie ≥ 1,0 × la route nue ; p99 < 25 ms à mi-pic ; 100 % des acquittés retrouvés.
 * Le temps processeur de chaque serveur par requête acquittée (lu dans /proc, Linux) est affiché à côté du
 * débit : sur une machine partagée, il varie moins que le débit.
 * Sous la p99 à mi-pic, les témoins de la même mesure : la plus longue synchronisation du journal du serveur
 * (une réponse attend au pire la fin de la synchronisation en cours puis celle de son lot : deux attentes du
 * disque), les suspensions des lots pour remettre le journal à zéro (points de reprise), le retard des boucles
 * d'événements du serveur et du client, et le plus grand nombre de requêtes en cours côté client (au-delà du
 * nombre de connexions, des requêtes attendent une connexion libre chez le client).
 * Essayé et non gardé (mesures appariées, p99 pas meilleure) : plusieurs lots en cours de synchronisation en
 * même temps, chacun avec son fdatasync, pour qu'une réponse n'attende le disque qu'une fois ; sur ce disque
 * virtuel, les vidages concurrents ne vont pas plus vite que l'un après l'autre.
 * Identifiants de réponse : UUID v7 tirés au moment de l'envoi, comme ceux de la borne et des formulaires (tirés
 * à l'affichage). Une ligne de plus mesure le même serveur avec des UUID v4 au hasard (client tiers, envoi
 * forgé) : acceptés de même, mais chacun écrit ses pages d'index au hasard.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CSRF = 'banc-csrf-jeton-anonyme-0123456789';
const ANSWERS = 'answers.courtesy=satisfied&answers.website_used=no&answers.visit_reason=titles';

// Processus enfant : un des deux serveurs, qui annonce son port sur la sortie standard.
const [mode, dbPath] = process.argv.slice(2);
if (mode === '--bare' && dbPath) await serveBare(dbPath);
else if (mode === '--vigie' && dbPath) await serveVigie(dbPath);
else await main();

async function serveBare(path: string) {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, point TEXT NOT NULL, received_at TEXT NOT NULL, answers TEXT NOT NULL)',
  );
  const insert = db.prepare('INSERT INTO responses (id, point, received_at, answers) VALUES (?, ?, ?, ?)');
  const app = Fastify({ logger: false });
  app.post<{ Body: { id: string; point: string; answers: Record<string, string> } }>('/reponses', async (request) => {
    insert.run(request.body.id, request.body.point, new Date().toISOString(), JSON.stringify(request.body.answers));
    return { ok: true };
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`PRET ${address}`);
}

function vigieConfig(path: string) {
  return loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: path,
    PORT: '0',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: '0',
    // La limite par adresse est gardée, relevée : le banc envoie tout depuis une seule adresse.
    PUBLIC_SURVEY_RATE_LIMIT: '10000000',
  });
}

/** Retard de la boucle d'événements de ce processus : `read` rend p99 et max depuis le début ou la lecture précédente. */
function loopLag() {
  const resolution = 10;
  const loop = monitorEventLoopDelay({ resolution });
  loop.enable();
  // L'histogramme compte l'intervalle entier entre deux tours de son minuteur : le retard est au-delà.
  const lateMs = (ns: number) => Math.max(0, ns / 1e6 - resolution);
  return {
    read() {
      const lag = { loopP99Ms: lateMs(loop.percentile(99)), loopMaxMs: lateMs(loop.max) };
      loop.reset();
      return lag;
    },
    stop: () => loop.disable(),
  };
}

async function serveVigie(path: string) {
  const { ctx, handle } = await openApp(vigieConfig(path));
  const running = await startApp(ctx, handle);
  // Témoins côté serveur, remis à zéro à chaque SIGUSR2 : retard de sa boucle d'événements (ramasse-miettes,
  // travail synchrone) et attente du disque (synchronisations du journal) depuis le signal précédent.
  const lag = loopLag();
  process.on('SIGUSR2', () => {
    const { stats } = groupCommitOf(ctx.db);
    const { slowestSyncMs, slowSyncs, pauses, longestPauseMs } = stats;
    const witness = { ...lag.read(), slowestSyncMs, slowSyncs, pauses, longestPauseMs };
    Object.assign(stats, { slowestSyncMs: 0, slowSyncs: 0, pauses: 0, longestPauseMs: 0 });
    console.log(`TEMOINS ${JSON.stringify(witness)}`);
  });
  // Arrêt propre sur SIGTERM (et écriture du profil CPU s'il est demandé).
  process.once('SIGTERM', () => {
    const { stats } = groupCommitOf(ctx.db);
    void running.stop().then(() => {
      console.log(`LOTS ${JSON.stringify(stats)}`);
      process.exit(0);
    });
  });
  console.log(`PRET ${running.url}`);
}

interface Child {
  child: ChildProcess;
  url: string;
  /** Sortie standard reçue jusqu'ici (statistiques des lots à l'arrêt). */
  output: () => string;
}

function startChild(flag: string, path: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE_DIR : profil CPU du serveur Vigie (--cpu-prof), pour chercher où passe le temps.
    const profile =
      process.env.BENCH_PROFILE_DIR && flag === '--vigie'
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : [];
    const child = spawn(process.execPath, [...profile, import.meta.filename, flag, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PRET (\S+)/.exec(out);
      if (match?.[1]) resolve({ child, url: match[1], output: () => out });
    });
    child.once('exit', (code) => reject(new Error(`serveur ${flag} arrêté (code ${code})`)));
  });
}

interface ServerWitness {
  loopP99Ms: number;
  loopMaxMs: number;
  slowestSyncMs: number;
  slowSyncs: number;
  pauses: number;
  longestPauseMs: number;
}

/** Les témoins du serveur depuis la demande précédente (SIGUSR2), remis à zéro. */
async function serverWitness(server: Child): Promise<ServerWitness> {
  const seen = server.output().split('TEMOINS ').length;
  server.child.kill('SIGUSR2');
  for (;;) {
    const parts = server.output().split('TEMOINS ');
    const line = parts.length > seen ? parts[seen]?.split('\n') : undefined;
    if (line && line.length > 1) return JSON.parse(line[0] as string) as ServerWitness;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Temps processeur (utilisateur + système) consommé par un processus, en ms ; absent hors Linux. */
function cpuMs(child: ChildProcess): number | undefined {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Temps processeur du serveur par requête acquittée pendant `run`, en µs. */
async function measured<T extends { ok: number }>(child: ChildProcess, run: () => Promise<T>): Promise<T & { cpuUs?: number }> {
  const before = cpuMs(child);
  const result = await run();
  const after = cpuMs(child);
  return before === undefined || after === undefined || result.ok === 0
    ? result
    : { ...result, cpuUs: (1000 * (after - before)) / result.ok };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    // « close » : après la fin de sa sortie standard (les statistiques écrites juste avant de sortir).
    child.once('close', () => resolve());
    child.kill(signal);
  });
}

interface Load {
  rps: number;
  p99: number;
  p50: number;
  ok: number;
  failed: number;
}

async function load(target: { url: string; headers: Record<string, string>; body: () => string }, rate?: number): Promise<Load> {
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        headers: target.headers,
        setupRequest: (request) => ({ ...request, body: target.body() }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Charge ouverte à rythme régulier : une requête toutes les 1000/rate ms (par pas de 2 ms), sans attendre
 * les réponses. Le mode `overallRate` d'autocannon envoie tout le quota de la seconde d'un coup en début de
 * seconde : sa p99 mesure alors la file de cette rafale, pas la latence à ce débit.
 */
async function paced(
  target: { url: string; headers: Record<string, string>; body: () => string },
  rate: number,
  seconds = SECONDS,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let failed = 0;
  const send = () =>
    new Promise<void>((resolve) => {
      const body = target.body();
      const began = performance.now();
      const request = httpRequest(
        target.url,
        { method: 'POST', agent, headers: { ...target.headers, 'content-length': Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode === 200) latencies.push(performance.now() - began);
            else failed++;
            resolve();
          });
        },
      );
      request.on('error', () => {
        failed++;
        resolve();
      });
      request.end(body);
    });
  // Un compte des requêtes en cours plutôt que la liste de leurs promesses : le client garde peu d'objets
  // vivants, ses ramasse-miettes ne retardent pas la lecture des réponses.
  let inFlight = 0;
  let peakInFlight = 0;
  let drained: (() => void) | null = null;
  const settled = () => {
    inFlight--;
    if (inFlight === 0) drained?.();
  };
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) {
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      void send().then(settled);
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), failed, peakInFlight };
}

/**
 * Témoin pendant une mesure, pour lire une p99 manquée : le retard de la boucle d'événements du client (un
 * client en retard compte dans la latence du temps que le serveur n'a pas pris). Un témoin du disque (un
 * fdatasync de 4 Ko toutes les 100 ms) a été essayé : il dégradait lui-même la p99 du serveur (journal du
 * système de fichiers partagé), il n'est pas gardé.
 */
async function withClientLag<T>(run: () => Promise<T>) {
  const lag = loopLag();
  try {
    return { result: await run(), ...lag.read() };
  } finally {
    lag.stop();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-survey-'));
  const children: ChildProcess[] = [];
  try {
    // Base Vigie : migrée, une organisation, une campagne ouverte et son point QR code.
    const vigiePath = join(dir, 'vigie.sqlite');
    const setup = await openApp(vigieConfig(vigiePath));
    const organisation = await createOrganisation(
      setup.ctx,
      { slug: 'banc', name: 'Préfecture banc', department: '63' },
      CLI_ACTOR,
    );
    const survey = await seedSurvey(setup.ctx, organisation.id, { startsOn: '2000-01-01', endsOn: '2999-12-31' });
    await setup.handle.close();
    const token = survey.points.qr.token;

    const bare = await startChild('--bare', join(dir, 'nue.sqlite'));
    children.push(bare.child);
    const bareTarget = {
      url: `${bare.url}/reponses`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify({ id: randomUUID(), point: token, answers: { courtesy: 'satisfied', website_used: 'no' } }),
    };
    const vigie = await startChild('--vigie', vigiePath);
    children.push(vigie.child);
    const shownAt = new Date(Date.now() - 60_000).toISOString();
    const submission = (id: string) => `_csrf=${CSRF}&responseId=${id}&shownAt=${encodeURIComponent(shownAt)}&${ANSWERS}`;
    const vigieTarget = {
      url: `${vigie.url}/enquete/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vigie_csrf=${CSRF}` },
      body: () => submission(newOrderedId()),
    };

    // Chauffe courte de chaque serveur (JIT), puis mesures dans le même passage.
    await load({ ...bareTarget }, 500);
    await load({ ...vigieTarget }, 500);
    const bareRun = await measured(bare.child, () => load(bareTarget));
    const vigieRun = await measured(vigie.child, () => load(vigieTarget));
    const halfRate = Math.max(1, Math.round(vigieRun.rps / 2));
    // Mise en régime au même rythme (3 s, non mesurées) : la p99 est celle de ce débit tenu, pas celle de la
    // transition depuis le pic (file et points de reprise laissés par la mesure précédente).
    await paced(vigieTarget, halfRate, 3);
    await serverWitness(vigie);
    const { result: half, ...lag } = await withClientLag(() => paced(vigieTarget, halfRate));
    const server = await serverWitness(vigie);
    const burst = await load(vigieTarget, halfRate);
    const randomIds = await measured(vigie.child, () => load({ ...vigieTarget, body: () => submission(randomUUID()) }));
    await stopChild(vigie.child);
    await stopChild(bare.child);
    const lots = JSON.parse(/LOTS (\{.*\})/.exec(vigie.output())?.[1] ?? '{}') as Partial<GroupCommitStats>;

    const db = new DatabaseSync(vigiePath, { readOnly: true });
    const stored = Number((db.prepare('SELECT count(*) AS n FROM survey_responses').get() as { n: number }).n);
    db.close();

    const fmt = (n: number) => Math.round(n).toLocaleString('fr-FR');
    const cpu = (run: { cpuUs?: number }) =>
      run.cpuUs === undefined ? '' : `, processeur du serveur ${fmt(run.cpuUs)} µs/requête`;
    const ratio = vigieRun.rps / bareRun.rps;
    console.log(
      `Enquêtes, soumissions publiques : ${CONNECTIONS} connexions, ${SECONDS} s par mesure, SQLite fichier WAL synchronous=FULL`,
    );
    console.log(
      `  route nue (un INSERT durable par requête) : ${fmt(bareRun.rps)} req/s, p50 ${bareRun.p50} ms, p99 ${bareRun.p99} ms (${fmt(bareRun.ok)} acquittées, ${bareRun.failed} échecs${cpu(bareRun)})`,
    );
    console.log(
      `  Vigie POST /enquete/:token (CSRF, limite, contrôles, idempotence, signalement, écriture groupée) : ${fmt(vigieRun.rps)} req/s, p50 ${vigieRun.p50} ms, p99 ${vigieRun.p99} ms (${fmt(vigieRun.ok)} acquittées, ${vigieRun.failed} échecs${cpu(vigieRun)})`,
    );
    console.log(`  ratio Vigie / route nue : ${ratio.toFixed(2)} × (cible ≥ 1,0 : ${ratio >= 1 ? 'atteinte' : 'NON atteinte'})`);
    console.log(
      `  Vigie à mi-pic, rythme régulier (${fmt(halfRate)} req/s demandées, après 3 s de mise en régime non mesurées) : ${fmt(half.rps)} req/s, p50 ${half.p50.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms (cible < 25 ms : ${half.p99 < 25 ? 'atteinte' : 'NON atteinte'}) ; ${half.failed} échecs ; requêtes en cours au plus ${half.peakInFlight} (pour ${CONNECTIONS} connexions)`,
    );
    console.log(
      `    pendant cette mesure : synchronisations du journal du serveur, la plus longue ${server.slowestSyncMs.toFixed(1)} ms (${server.slowSyncs} de plus de 25 ms), ${server.pauses} suspension(s) des lots pour remettre le journal à zéro (la plus longue ${server.longestPauseMs.toFixed(1)} ms) ; retard de la boucle d'événements du serveur p99 ${server.loopP99Ms.toFixed(1)} ms, max ${server.loopMaxMs.toFixed(1)} ms ; du client (compté dans les latences mesurées) p99 ${lag.loopP99Ms.toFixed(1)} ms, max ${lag.loopMaxMs.toFixed(1)} ms`,
    );
    console.log(
      `  même débit en rafales d'autocannon (overallRate : tout le quota en début de seconde) : p50 ${burst.p50} ms, p99 ${burst.p99} ms`,
    );
    console.log(
      `  Vigie avec des identifiants UUID v4 au hasard (client tiers ou envoi forgé) : ${fmt(randomIds.rps)} req/s, p99 ${randomIds.p99} ms, soit ${(randomIds.rps / bareRun.rps).toFixed(2)} × la route nue${cpu(randomIds)}`,
    );
    console.log(
      `  réponses en base Vigie après les mesures : ${fmt(stored)} ; écriture groupée : ${fmt(lots.writes ?? 0)} écritures en ${fmt(lots.batches ?? 0)} transactions (${((lots.writes ?? 0) / Math.max(1, lots.batches ?? 0)).toFixed(1)} par lot en moyenne, ${lots.largestBatch ?? 0} au plus, ${lots.replays ?? 0} lots rejoués)`,
    );

    // kill -9 en pleine charge : chaque identifiant acquitté (page « Merci ») doit survivre.
    const killed = await startChild('--vigie', vigiePath);
    children.push(killed.child);
    const acknowledged: string[] = [];
    let sent = 0;
    let stop = false;
    const url = `${killed.url}/enquete/${token}`;
    const worker = async () => {
      while (!stop) {
        const id = newOrderedId();
        sent++;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: vigieTarget.headers,
            body: submission(id),
          });
          const html = await response.text();
          if (response.status === 200 && html.includes('Merci')) acknowledged.push(id);
        } catch {
          // Connexion coupée par le SIGKILL : réponse non acquittée, rien à exiger.
        }
      }
    };
    const workers = Array.from({ length: CONNECTIONS }, worker);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const ackedBeforeKill = acknowledged.length;
    killed.child.kill('SIGKILL');
    await new Promise((resolve) => killed.child.once('exit', resolve));
    stop = true;
    await Promise.all(workers);
    const ackedTotal = acknowledged.length;

    // Redémarrage du serveur sur la même base (récupération du journal WAL), puis recherche de chaque identifiant.
    const restarted = await startChild('--vigie', vigiePath);
    children.push(restarted.child);
    await stopChild(restarted.child);
    const after = new DatabaseSync(vigiePath, { readOnly: true });
    const find = after.prepare('SELECT 1 AS found FROM survey_responses WHERE id = ?');
    const found = acknowledged.filter((id) => find.get(id) !== undefined).length;
    after.close();
    console.log(
      `  kill -9 en pleine charge (${CONNECTIONS} clients, 3 s) : ${fmt(sent)} envois, ${fmt(ackedTotal)} acquittés (${fmt(ackedBeforeKill)} avant le signal), ${fmt(found)} retrouvés après redémarrage — ${found === ackedTotal ? 'aucune perte' : `${ackedTotal - found} PERDUS`}`,
    );
    if (found !== ackedTotal) process.exitCode = 1;
  } finally {
    for (const child of children) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
