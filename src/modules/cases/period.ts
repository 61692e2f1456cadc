import { daysInMonth, MONTH_NAMES } from '../calendar/civil-date.ts';

/** Période d'un indicateur : un mois (`2026-03`), un trimestre (`2026-Q1`) ou une année (`2026`). */
export interface Period {
  key: string;
  kind: 'month' | 'quarter' | 'year';
  start: string;
  end: string;
  label: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function monthRange(year: number, first: number, last: number): { start: string; end: string } {
  return { start: `${year}-${pad(first)}-01`, end: `${year}-${pad(last)}-${pad(daysInMonth(year, last))}` };
}

export function parsePeriod(text: string): Period | undefined {
  const value = text.trim().toUpperCase();
  let match = /^(\d{4})-(\d{2})$/.exec(value);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    if (year < 2000 || year > 2100 || month < 1 || month > 12) return undefined;
    return { key: value, kind: 'month', ...monthRange(year, month, month), label: `${MONTH_NAMES[month - 1]} ${year}` };
  }
  match = /^(\d{4})-Q([1-4])$/.exec(value);
  if (match) {
    const year = Number(match[1]);
    const quarter = Number(match[2]);
    if (year < 2000 || year > 2100) return undefined;
    return {
      key: value,
      kind: 'quarter',
      ...monthRange(year, quarter * 3 - 2, quarter * 3),
      label: `${quarter}${quarter === 1 ? 'er' : 'e'} trimestre ${year}`,
    };
  }
  match = /^(\d{4})$/.exec(value);
  if (match) {
    const year = Number(match[1]);
    if (year < 2000 || year > 2100) return undefined;
    return { key: value, kind: 'year', ...monthRange(year, 1, 12), label: `année ${year}` };
  }
  return undefined;
}

/** Les mois d'une période, dans l'ordre. */
export function monthsOf(period: Period): Period[] {
  const year = Number(period.start.slice(0, 4));
  const first = Number(period.start.slice(5, 7));
  const last = Number(period.end.slice(5, 7));
  const months: Period[] = [];
  for (let m = first; m <= last; m++) {
    const month = parsePeriod(`${year}-${pad(m)}`);
    if (month) months.push(month);
  }
  return months;
}
