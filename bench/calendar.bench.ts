import { HOLIDAY_CALENDARS, holidaysOf } from '../src/modules/calendar/holidays.ts';
import { type ClosureDay, WorkingCalendar } from '../src/modules/calendar/working-calendar.ts';

/**
 * Débit de `WorkingCalendar.dueDate` (index annuel : une addition et une lecture de tableau) contre
 * une boucle naïve jour par jour écrite ici, dans le même processus et sur les mêmes entrées : les
 * 7 calendriers (avec quelques jours de fermeture), des réceptions réparties sur 2025–2027 et
 * N ∈ {3, 5, 10}. Vérifie que les deux donnent la même échéance pour chaque entrée (code 1 sinon),
 * puis affiche les débits, le rapport et les cibles (≥ 20× la boucle naïve, ≥ 1 M calculs/s).
 */

const INPUTS = 300_000;
const ENGINE_ROUNDS = 10;
const NAIVE_ROUNDS = 2;
const WARM_UP = 50_000;
const TARGET_RATE = 1_000_000;
const TARGET_RATIO = 20;
const YEARS = [2025, 2026, 2027, 2028];
const COUNTS = [3, 5, 10];

/** Générateur pseudo-aléatoire à graine fixe (mulberry32) : les mêmes entrées à chaque exécution. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const monthDays = (y: number, m: number) => (m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] ?? 31));

/** Fermetures réalistes d'une préfecture : ponts de l'Ascension et du 14 juillet, veilles de fêtes. */
function closuresFor(seed: number): ClosureDay[] {
  const next = random(seed);
  const days: ClosureDay[] = [];
  for (const year of YEARS) {
    days.push(
      { date: iso(year, 12, 24), reason: 'Veille de Noël' },
      { date: iso(year, 12, 31), reason: 'Veille du jour de l’an' },
    );
    const ascension = holidaysOf('metropole', year).find((h) => h.name === 'Ascension');
    if (ascension) {
      const [y, m, d] = ascension.date.split('-').map(Number) as [number, number, number];
      days.push({ date: d + 1 <= monthDays(y, m) ? iso(y, m, d + 1) : iso(y, m + 1, 1), reason: 'Pont de l’Ascension' });
    }
    days.push({ date: iso(year, 3 + Math.floor(next() * 6), 1 + Math.floor(next() * 28)), reason: 'Fermeture exceptionnelle' });
  }
  return days;
}

// --- Boucles naïves : un jour après l'autre, en comptant les jours ouvrés jusqu'à N.

interface NaiveCalendar {
  holidays: Set<string>;
  closures: Set<string>;
  /** Mêmes jours, en clés numériques AAAAMMJJ (variante sur entiers). */
  closedKeys: Set<number>;
}

function naiveCalendar(calendar: (typeof HOLIDAY_CALENDARS)[number], closures: ClosureDay[]): NaiveCalendar {
  const holidays = new Set(YEARS.flatMap((year) => holidaysOf(calendar, year).map((h) => h.date)));
  const closureDates = new Set(closures.map((c) => c.date));
  const closedKeys = new Set([...holidays, ...closureDates].map((date) => Number(date.replaceAll('-', ''))));
  return { holidays, closures: closureDates, closedKeys };
}

/** Jour de la semaine, 0 = lundi … 6 = dimanche. */
function weekdayOf(date: string): number {
  return (
    (new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))).getUTCDay() + 6) % 7
  );
}

/** `addDays(date, 1)` à la manière de civil-date.ts : lit la chaîne, avance d'un jour, la réécrit. */
function nextDay(date: string): string {
  let y = Number(date.slice(0, 4));
  let m = Number(date.slice(5, 7));
  let d = Number(date.slice(8, 10)) + 1;
  if (d > monthDays(y, m)) {
    d = 1;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return iso(y, m, d);
}

/** La boucle naïve : dates en chaînes, jours fériés et fermetures en ensembles de chaînes. */
function naiveDueDate(calendar: NaiveCalendar, receipt: string, workingDays: number): string {
  let date = receipt;
  let weekday = weekdayOf(receipt);
  let count = 0;
  while (count < workingDays) {
    date = nextDay(date);
    weekday = weekday === 6 ? 0 : weekday + 1;
    if (weekday < 5 && !calendar.holidays.has(date) && !calendar.closures.has(date)) count++;
  }
  return date;
}

/** Variante exigeante, toujours jour par jour : année, mois, jour en entiers, une seule chaîne à la fin. */
function integerDueDate(calendar: NaiveCalendar, receipt: string, workingDays: number): string {
  let y = Number(receipt.slice(0, 4));
  let m = Number(receipt.slice(5, 7));
  let d = Number(receipt.slice(8, 10));
  let weekday = weekdayOf(receipt);
  let count = 0;
  while (count < workingDays) {
    d++;
    if (d > monthDays(y, m)) {
      d = 1;
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
    }
    weekday = weekday === 6 ? 0 : weekday + 1;
    if (weekday < 5 && !calendar.closedKeys.has(y * 10000 + m * 100 + d)) count++;
  }
  return iso(y, m, d);
}

// --- Entrées.

const calendars = HOLIDAY_CALENDARS.map((name, i) => {
  const closures = closuresFor(i + 1);
  return { name, engine: new WorkingCalendar(name, closures), naive: naiveCalendar(name, closures) };
});

const next = random(2026);
const calendarOf = new Uint8Array(INPUTS);
const receipts: string[] = new Array(INPUTS);
const counts = new Uint8Array(INPUTS);
for (let i = 0; i < INPUTS; i++) {
  calendarOf[i] = Math.floor(next() * calendars.length);
  const y = 2025 + Math.floor(next() * 3);
  const m = 1 + Math.floor(next() * 12);
  receipts[i] = iso(y, m, 1 + Math.floor(next() * monthDays(y, m)));
  counts[i] = COUNTS[Math.floor(next() * COUNTS.length)] ?? 5;
}
const engines = calendars.map((c) => c.engine);
const naives = calendars.map((c) => c.naive);

/** Une boucle par implémentation (appel monomorphe, donc optimisable de la même façon pour chacune). */
type Run = (results: string[], limit: number) => void;

const engine: Run = (results, limit) => {
  for (let i = 0; i < limit; i++) {
    results[i] = (engines[calendarOf[i] as number] as WorkingCalendar).dueDate(receipts[i] as string, counts[i] as number);
  }
};
const naive: Run = (results, limit) => {
  for (let i = 0; i < limit; i++) {
    results[i] = naiveDueDate(naives[calendarOf[i] as number] as NaiveCalendar, receipts[i] as string, counts[i] as number);
  }
};
const integer: Run = (results, limit) => {
  for (let i = 0; i < limit; i++) {
    results[i] = integerDueDate(naives[calendarOf[i] as number] as NaiveCalendar, receipts[i] as string, counts[i] as number);
  }
};

/** Débit (échéances par seconde) sur toutes les entrées, `rounds` fois, après une chauffe ; résultats dans `results`. */
function measure(run: Run, rounds: number, results: string[]): number {
  for (let r = 0; r < 5; r++) run(results, WARM_UP);
  const start = performance.now();
  for (let r = 0; r < rounds; r++) run(results, INPUTS);
  return (INPUTS * rounds * 1000) / (performance.now() - start);
}

const results = { engine: new Array<string>(INPUTS), naive: new Array<string>(INPUTS), integer: new Array<string>(INPUTS) };
const naiveRate = measure(naive, NAIVE_ROUNDS, results.naive);
const integerRate = measure(integer, NAIVE_ROUNDS, results.integer);
const engineRate = measure(engine, ENGINE_ROUNDS, results.engine);

let mismatches = 0;
for (let i = 0; i < INPUTS; i++) {
  const expected = results.engine[i];
  if (results.naive[i] !== expected || results.integer[i] !== expected) {
    if (mismatches < 5) {
      console.error(
        `Écart (${calendars[calendarOf[i] as number]?.name}, réception ${receipts[i]}, N = ${counts[i]}) : moteur ${expected}, boucle naïve ${results.naive[i]}, boucle sur entiers ${results.integer[i]}`,
      );
    }
    mismatches++;
  }
}

const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const times = (ratio: number) => `${ratio.toFixed(1).replace('.', ',')}×`;
const verdict = (ok: boolean) => (ok ? 'atteinte' : 'NON ATTEINTE');

console.log(
  'Calendrier des jours ouvrés : WorkingCalendar.dueDate contre une boucle jour par jour, même processus, mêmes entrées',
);
console.log(
  `  entrées : ${number.format(INPUTS)} (7 calendriers avec fermetures, réceptions 2025–2027, N ∈ {3, 5, 10}), mesurées ${ENGINE_ROUNDS} fois pour le moteur, ${NAIVE_ROUNDS} fois pour les boucles`,
);
console.log(
  `  WorkingCalendar.dueDate         : ${number.format(engineRate)} échéances/s (cible ≥ 1 000 000/s : ${verdict(engineRate >= TARGET_RATE)})`,
);
console.log(
  `  boucle naïve (chaînes, addDays) : ${number.format(naiveRate)} échéances/s — moteur ${times(engineRate / naiveRate)} plus rapide (cible ≥ ${TARGET_RATIO}× : ${verdict(engineRate / naiveRate >= TARGET_RATIO)})`,
);
console.log(
  `  boucle jour par jour sur entiers : ${number.format(integerRate)} échéances/s — moteur ${times(engineRate / integerRate)} plus rapide (référence exigeante, sans cible)`,
);
if (mismatches > 0) {
  console.error(`Échéances différentes pour ${number.format(mismatches)} entrée(s) sur ${number.format(INPUTS)}.`);
  process.exit(1);
}
console.log(`  échéances identiques pour les ${number.format(INPUTS)} entrées`);
