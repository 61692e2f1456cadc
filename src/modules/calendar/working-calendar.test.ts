import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { addDays, formatCivilDate, parseCivilDate, weekday } from './civil-date.ts';
import { HOLIDAY_CALENDARS, type HolidayCalendar, holidaysOf } from './holidays.ts';
import { toLocalDate } from './local-date.ts';
import { type CalendarError, calendarFor, WorkingCalendar } from './working-calendar.ts';

interface Example {
  description: string;
  holidayCalendar: HolidayCalendar;
  ianaTimeZone: string;
  receivedAt: string;
  receiptLocalDate: string;
  workingDays: number;
  dueDate: string;
  answerDate?: string;
  delayWorkingDays?: number;
  met?: boolean;
}

const deadlines = JSON.parse(readFileSync(new URL('./data/deadlines.json', import.meta.url), 'utf8')) as { examples: Example[] };
const rules = JSON.parse(readFileSync(new URL('./data/holidays.json', import.meta.url), 'utf8')) as {
  national: { fixed: { month: number; day: number }[]; easterRelative: { offset: number }[] };
  calendars: Record<HolidayCalendar, { extraFixed: { month: number; day: number }[]; extraEasterRelative: { offset: number }[] }>;
  expanded: Record<string, Record<string, { date: string; name: string }[]>>;
};

/** Dimanche de Pâques, algorithme anonyme grégorien (Meeus/Jones/Butcher), indépendant de la bibliothèque. */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Jours fériés d'après les règles du référentiel (holidays.json), sans la bibliothèque. */
function holidaysFromRules(calendar: HolidayCalendar, year: number): string[] {
  const easter = easterSunday(year);
  const fixed = [...rules.national.fixed, ...rules.calendars[calendar].extraFixed].map(
    (f) => `${year}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`,
  );
  const relative = [...rules.national.easterRelative, ...rules.calendars[calendar].extraEasterRelative].map((r) =>
    addDays(easter, r.offset),
  );
  return [...new Set([...fixed, ...relative])].sort();
}

/** Boucle naïve jour par jour : la définition même, pour vérifier le calcul indexé. */
function naiveDue(calendar: WorkingCalendar, receipt: string, n: number): string {
  let date = receipt;
  let count = 0;
  while (count < n) {
    date = addDays(date, 1);
    if (calendar.isWorkingDay(date)) count++;
  }
  return date;
}

function randomDate(random: () => number, fromYear = 2001, toYear = 2098): string {
  const year = fromYear + Math.floor(random() * (toYear - fromYear + 1));
  const day = Math.floor(random() * 365);
  return formatCivilDate(year, day);
}

/** Générateur pseudo-aléatoire déterministe (mulberry32) : des propriétés rejouables. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('jours fériés', () => {
  it('concordent avec les règles du référentiel pour les 7 calendriers, de 2000 à 2100', () => {
    for (const calendar of HOLIDAY_CALENDARS) {
      for (let year = 2000; year <= 2100; year++) {
        const library = holidaysOf(calendar, year).map((h) => h.date);
        assert.deepEqual(library, holidaysFromRules(calendar, year), `${calendar} ${year}`);
      }
    }
  });

  it('concordent avec les listes développées 2025-2027 de holidays.json, noms compris', () => {
    for (const [calendar, years] of Object.entries(rules.expanded)) {
      for (const [year, list] of Object.entries(years)) {
        assert.deepEqual(holidaysOf(calendar as HolidayCalendar, Number(year)), list, `${calendar} ${year}`);
      }
    }
  });

  it('n’inventent pas les jours contestés : ni Vendredi saint ni 21 juillet aux Antilles', () => {
    for (const calendar of ['guadeloupe', 'martinique'] as const) {
      const dates = holidaysOf(calendar, 2026).map((h) => h.date);
      assert.ok(!dates.includes('2026-04-03'), `${calendar} : Vendredi saint`);
      assert.ok(!dates.includes('2026-07-21'), `${calendar} : 21 juillet`);
    }
    assert.ok(holidaysOf('alsace-moselle', 2026).some((h) => h.date === '2026-04-03' && h.name === 'Vendredi saint'));
    assert.ok(holidaysOf('alsace-moselle', 2026).some((h) => h.date === '2026-12-26'));
  });

  it('ajoutent le jour de l’abolition de l’esclavage de chaque DROM', () => {
    const abolition: Record<string, string> = {
      guadeloupe: '2026-05-27',
      martinique: '2026-05-22',
      guyane: '2026-06-10',
      reunion: '2026-12-20',
      mayotte: '2026-04-27',
    };
    for (const [calendar, date] of Object.entries(abolition)) {
      const holiday = holidaysOf(calendar as HolidayCalendar, 2026).find((h) => h.date === date);
      assert.equal(holiday?.name, "Abolition de l'esclavage", calendar);
      assert.ok(!holidaysOf('metropole', 2026).some((h) => h.date === date));
    }
  });
});

describe('échéances et délais : exemples de deadlines.json', () => {
  for (const example of deadlines.examples) {
    it(example.description, () => {
      const local = toLocalDate(example.receivedAt, example.ianaTimeZone);
      assert.deepEqual(local, { ok: true, date: example.receiptLocalDate });
      const calendar = calendarFor(example.holidayCalendar);
      assert.equal(calendar.dueDate(example.receiptLocalDate, example.workingDays), example.dueDate);
      if (example.answerDate !== undefined) {
        const delay = calendar.delay(example.receiptLocalDate, example.answerDate);
        assert.equal(delay, example.delayWorkingDays);
        assert.equal(delay <= example.workingDays, example.met);
      }
    });
  }
});

describe('échéances et délais : exemples travaillés', () => {
  const metropole = calendarFor('metropole');
  const alsace = calendarFor('alsace-moselle');

  it('exemple de la ligne de commande : Bas-Rhin, reçu le jeudi 2 avril 2026, 5 jours → lundi 13 avril', () => {
    // 3 avril Vendredi saint et 6 avril lundi de Pâques ne comptent pas en Alsace-Moselle.
    assert.equal(alsace.dueDate('2026-04-02', 5), '2026-04-13');
    assert.equal(metropole.dueDate('2026-04-02', 5), '2026-04-10');
    assert.equal(alsace.delay('2026-04-02', '2026-04-07'), 1);
    assert.equal(metropole.delay('2026-04-02', '2026-04-07'), 2);
  });

  it('N = 0 donne la date de réception, même un samedi ou un jour férié', () => {
    assert.equal(metropole.dueDate('2026-01-10', 0), '2026-01-10');
    assert.equal(metropole.dueDate('2026-12-25', 0), '2026-12-25');
  });

  it('une réception le week-end ou un jour férié compte à partir du jour ouvré suivant', () => {
    assert.equal(metropole.dueDate('2026-01-10', 1), '2026-01-12');
    assert.equal(metropole.dueDate('2026-01-11', 1), '2026-01-12');
    assert.equal(metropole.dueDate('2026-05-01', 1), '2026-05-04');
    assert.equal(metropole.delay('2026-01-10', '2026-01-11'), 0);
    assert.equal(metropole.delay('2026-01-10', '2026-01-12'), 1);
  });

  it('passe la fin d’année : Noël, Saint-Étienne en Alsace, jour de l’an', () => {
    assert.equal(metropole.dueDate('2026-12-24', 1), '2026-12-28');
    assert.equal(alsace.dueDate('2026-12-24', 1), '2026-12-28');
    assert.equal(metropole.dueDate('2027-12-24', 1), '2027-12-27');
    assert.equal(alsace.dueDate('2027-12-24', 1), '2027-12-27');
    assert.equal(metropole.dueDate('2027-12-23', 2), '2027-12-27');
    assert.equal(metropole.dueDate('2027-12-31', 1), '2028-01-03');
    assert.equal(metropole.dueDate('2025-12-31', 1), '2026-01-02');
    assert.equal(metropole.delay('2025-12-31', '2026-01-02'), 1);
    assert.equal(alsace.delay('2025-12-24', '2025-12-29'), 1);
    assert.equal(metropole.delay('2025-12-24', '2025-12-29'), 2);
  });

  it('saute le jour de l’abolition dans chaque DROM, pas en métropole', () => {
    assert.equal(calendarFor('guadeloupe').dueDate('2026-05-26', 1), '2026-05-28');
    // 22 mai (abolition) puis lundi 25 mai (Pentecôte) : le premier jour ouvré est le 26.
    assert.equal(calendarFor('martinique').dueDate('2026-05-21', 1), '2026-05-26');
    assert.equal(calendarFor('guyane').dueDate('2026-06-09', 1), '2026-06-11');
    assert.equal(calendarFor('reunion').dueDate('2027-12-17', 1), '2027-12-21');
    assert.equal(calendarFor('mayotte').dueDate('2026-04-24', 1), '2026-04-28');
    assert.equal(metropole.dueDate('2026-04-24', 1), '2026-04-27');
  });

  it('les jours de fermeture d’une organisation reportent l’échéance', () => {
    const withBridge = new WorkingCalendar('metropole', [{ date: '2026-05-15', reason: 'Pont de l’Ascension' }]);
    assert.equal(metropole.dueDate('2026-05-13', 2), '2026-05-18');
    assert.equal(withBridge.dueDate('2026-05-13', 2), '2026-05-19');
    assert.equal(withBridge.isWorkingDay('2026-05-15'), false);
    assert.deepEqual(withBridge.describe('2026-05-15'), { kind: 'closure', label: 'Pont de l’Ascension' });
    assert.deepEqual(withBridge.describe('2026-05-14'), { kind: 'holiday', label: 'Ascension' });
    assert.deepEqual(withBridge.describe('2026-05-16'), { kind: 'weekend' });
    // Un compte sans fermeture n'en hérite pas : le calendrier partagé reste intact.
    assert.equal(metropole.isWorkingDay('2026-05-15'), true);
  });

  it('compte les jours ouvrés entre deux dates, dans les deux sens', () => {
    // 261 jours de semaine en 2026, dont 9 fériés.
    assert.equal(metropole.workingDaysBetween('2026-01-01', '2026-12-31'), 252);
    assert.equal(metropole.workingDaysBetween('2026-12-31', '2026-01-01'), -252);
    assert.equal(metropole.workingDaysBetween('2026-03-02', '2026-03-02'), 0);
  });

  it('refuse une date impossible, une réponse avant la réception, un N absurde, une année hors période', () => {
    assert.throws(
      () => metropole.dueDate('2026-02-30', 5),
      (e: CalendarError) => e.field === 'date' && /2026-02-30/.test(e.message),
    );
    assert.throws(
      () => metropole.dueDate('2026-03-02', -1),
      (e: CalendarError) => e.field === 'workingDays',
    );
    assert.throws(
      () => metropole.dueDate('2026-03-02', 366),
      (e: CalendarError) => e.field === 'workingDays',
    );
    assert.throws(
      () => metropole.dueDate('2026-03-02', 1.5),
      (e: CalendarError) => e.field === 'workingDays',
    );
    assert.throws(
      () => metropole.delay('2026-03-10', '2026-03-09'),
      (e: CalendarError) => e.field === 'date' && /précède/.test(e.message),
    );
    assert.throws(
      () => metropole.dueDate('1999-12-31', 1),
      (e: CalendarError) => e.field === 'year',
    );
    assert.throws(
      () => metropole.dueDate('2100-12-30', 5),
      (e: CalendarError) => e.field === 'year',
    );
    assert.doesNotThrow(() => metropole.dueDate('2100-12-01', 5));
  });
});

describe('dates locales selon le fuseau du département', () => {
  const zones: [string, string, string][] = [
    // [fuseau, instant juste avant minuit local, date locale attendue]
    ['Europe/Paris', '2026-01-05T22:59:59Z', '2026-01-05'],
    ['Europe/Paris', '2026-01-05T23:00:00Z', '2026-01-06'],
    ['Europe/Paris', '2026-07-05T21:59:59Z', '2026-07-05'],
    ['Europe/Paris', '2026-07-05T22:00:00Z', '2026-07-06'],
    ['America/Guadeloupe', '2026-03-02T03:59:59Z', '2026-03-01'],
    ['America/Guadeloupe', '2026-03-02T04:00:00Z', '2026-03-02'],
    ['America/Martinique', '2026-03-02T03:59:00Z', '2026-03-01'],
    ['America/Cayenne', '2026-03-02T02:59:00Z', '2026-03-01'],
    ['America/Cayenne', '2026-03-02T03:00:00Z', '2026-03-02'],
    ['Indian/Reunion', '2026-03-01T19:59:59Z', '2026-03-01'],
    ['Indian/Reunion', '2026-03-01T20:00:00Z', '2026-03-02'],
    ['Indian/Mayotte', '2026-03-01T20:59:59Z', '2026-03-01'],
    ['Indian/Mayotte', '2026-03-01T21:00:00Z', '2026-03-02'],
  ];
  for (const [zone, instant, expected] of zones) {
    it(`${instant} est le ${expected} à ${zone}`, () => {
      assert.deepEqual(toLocalDate(instant, zone), { ok: true, date: expected });
    });
  }

  it('lit un décalage explicite, avec ou sans deux-points, et l’heure locale sans décalage', () => {
    assert.deepEqual(toLocalDate('2026-03-01T23:30:00-04:00', 'Europe/Paris'), { ok: true, date: '2026-03-02' });
    assert.deepEqual(toLocalDate('2026-03-01T23:30:00-0400', 'America/Guadeloupe'), { ok: true, date: '2026-03-01' });
    assert.deepEqual(toLocalDate('2026-03-01T23:30:00', 'Indian/Reunion'), { ok: true, date: '2026-03-01' });
    assert.deepEqual(toLocalDate('2026-03-01 08:15', 'Europe/Paris'), { ok: true, date: '2026-03-01' });
    assert.deepEqual(toLocalDate('2026-03-01T10:00:00.123Z', 'Europe/Paris'), { ok: true, date: '2026-03-01' });
  });

  it('refuse les dates impossibles et les formes inconnues', () => {
    assert.deepEqual(toLocalDate('2026-02-30', 'Europe/Paris'), { ok: false, reason: 'impossible_date' });
    assert.deepEqual(toLocalDate('2026-02-28T25:00:00Z', 'Europe/Paris'), { ok: false, reason: 'impossible_date' });
    assert.deepEqual(toLocalDate('02/03/2026', 'Europe/Paris'), { ok: false, reason: 'format' });
    assert.deepEqual(toLocalDate('', 'Europe/Paris'), { ok: false, reason: 'format' });
  });
});

describe('propriétés (tirages déterministes)', () => {
  it('dates civiles : lecture et écriture réciproques, jours de la semaine cohérents avec Date', () => {
    const random = seeded(1);
    for (let i = 0; i < 2000; i++) {
      const date = randomDate(random);
      const parsed = parseCivilDate(date);
      assert.ok(parsed);
      assert.equal(formatCivilDate(parsed.year, parsed.dayOfYear), date);
      assert.equal(weekday(parsed.year, parsed.dayOfYear), (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7);
    }
  });

  it('delay(r, dueDate(r, n)) = n, l’échéance est un jour ouvré, et vaut la boucle naïve', () => {
    const random = seeded(42);
    for (const name of HOLIDAY_CALENDARS) {
      const calendar = new WorkingCalendar(name, [
        { date: '2026-05-15', reason: 'Pont' },
        { date: '2040-12-24', reason: 'Fermeture' },
      ]);
      for (let i = 0; i < 400; i++) {
        const receipt = randomDate(random);
        const n = Math.floor(random() * 40);
        const due = calendar.dueDate(receipt, n);
        assert.equal(calendar.delay(receipt, due), n, `${name} ${receipt} +${n}`);
        assert.equal(due, naiveDue(calendar, receipt, n), `${name} ${receipt} +${n}`);
        if (n > 0) {
          assert.ok(calendar.isWorkingDay(due));
          assert.equal(calendar.delay(receipt, addDays(due, -1)), n - 1);
        }
      }
    }
  });

  it('l’échéance croît avec N et avec la date de réception', () => {
    const random = seeded(7);
    const calendar = calendarFor('reunion');
    for (let i = 0; i < 500; i++) {
      const receipt = randomDate(random);
      const n = Math.floor(random() * 30);
      assert.ok(calendar.dueDate(receipt, n) <= calendar.dueDate(receipt, n + 1));
      assert.ok(calendar.dueDate(receipt, n) <= calendar.dueDate(addDays(receipt, 1), n));
    }
  });

  it('le délai se décompose : delay(a, c) = delay(a, b) + delay(b, c)', () => {
    const random = seeded(9);
    const calendar = calendarFor('alsace-moselle');
    for (let i = 0; i < 500; i++) {
      const [a, b, c] = [randomDate(random), randomDate(random), randomDate(random)].sort();
      assert.equal(calendar.delay(a ?? '', c ?? ''), calendar.delay(a ?? '', b ?? '') + calendar.delay(b ?? '', c ?? ''));
    }
  });
});
