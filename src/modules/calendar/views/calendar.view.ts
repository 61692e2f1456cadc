import { csrfField, errorSummary, table, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { daysInMonth, MONTH_NAMES } from '../civil-date.ts';
import { CALENDAR_LABELS, type HolidayCalendar } from '../holidays.ts';
import type { WorkingCalendar } from '../working-calendar.ts';

const WEEKDAYS: [string, string][] = [
  ['Lu', 'lundi'],
  ['Ma', 'mardi'],
  ['Me', 'mercredi'],
  ['Je', 'jeudi'],
  ['Ve', 'vendredi'],
  ['Sa', 'samedi'],
  ['Di', 'dimanche'],
];

export interface SchoolPeriod {
  name: string;
  start_date: string;
  end_date: string;
}

export interface CalendarPageView {
  year: number;
  calendar: WorkingCalendar;
  calendarName: HolidayCalendar;
  departmentLabel: string;
  schoolZone: string;
  schoolPeriods: SchoolPeriod[];
  closures: { id: string; date: string; reason: string }[];
  canEdit: boolean;
  csrfToken: string;
  workingDayCount: number;
  form?: { error: string; fields: Record<string, string>; values: Record<string, unknown> };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Vacances scolaires : du premier jour sans classe à la veille de la reprise (`end_date`). */
function schoolPeriodOf(periods: SchoolPeriod[], date: string): SchoolPeriod | undefined {
  return periods.find((p) => p.start_date <= date && date < p.end_date);
}

function monthTable(v: CalendarPageView, month: number): SafeHtml {
  const days = daysInMonth(v.year, month);
  const first = (new Date(Date.UTC(v.year, month - 1, 1)).getUTCDay() + 6) % 7;
  const cells: SafeHtml[] = [];
  const notes: SafeHtml[] = [];
  for (let i = 0; i < first; i++) cells.push(html`<td></td>`);
  for (let day = 1; day <= days; day++) {
    const date = `${v.year}-${pad(month)}-${pad(day)}`;
    const info = v.calendar.describe(date);
    const school = schoolPeriodOf(v.schoolPeriods, date);
    const classes = [
      info.kind === 'weekend' ? 'vigie-day--weekend' : '',
      school && info.kind !== 'holiday' && info.kind !== 'closure' ? 'vigie-day--school' : '',
      info.kind === 'holiday' ? 'vigie-day--holiday' : '',
      info.kind === 'closure' ? 'vigie-day--closure' : '',
    ]
      .filter(Boolean)
      .join(' ');
    if (info.kind === 'holiday') notes.push(html`<li>${day} : férié — ${info.label}</li>`);
    if (info.kind === 'closure') notes.push(html`<li>${day} : fermeture — ${info.label}</li>`);
    cells.push(html`<td${classes ? html` class="${classes}"` : ''}>${day}</td>`);
  }
  const rows: SafeHtml[] = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(html`<tr>${cells.slice(i, i + 7)}</tr>`);
  const schoolInMonth = v.schoolPeriods.filter(
    (p) => p.start_date <= `${v.year}-${pad(month)}-${pad(days)}` && p.end_date > `${v.year}-${pad(month)}-01`,
  );
  for (const period of schoolInMonth) {
    notes.push(
      html`<li>Vacances scolaires (${period.name}) : du ${formatDate(period.start_date)} à la reprise le ${formatDate(period.end_date)}</li>`,
    );
  }
  return html`<div class="vigie-month">
  <table>
    <caption>${MONTH_NAMES[month - 1]} ${v.year}</caption>
    <thead><tr>${WEEKDAYS.map(([short, long]) => html`<th scope="col"><abbr title="${long}">${short}</abbr></th>`)}</tr></thead>
    <tbody>${rows}</tbody>
  </table>
  ${notes.length > 0 ? html`<ul>${notes}</ul>` : ''}
</div>`;
}

export function calendarView(v: CalendarPageView): SafeHtml {
  const values = v.form?.values ?? {};
  const value = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  return html`<h1>Calendrier ${v.year}</h1>
<p>Jours ouvrés de la préfecture : du lundi au vendredi, hors jours fériés du calendrier « ${CALENDAR_LABELS[v.calendarName]} » (${v.departmentLabel}) et hors jours de fermeture. Toutes les échéances de Vigie (5 jours ouvrés pour un courriel, 10 pour un courrier ou l’urne, 3 pour une mise à jour du site ou du serveur vocal) se comptent sur ce calendrier. ${v.year} compte <strong>${v.workingDayCount} jours ouvrés</strong>.</p>
<nav class="fr-mb-3w" aria-label="Autres années et vacances scolaires">
  <ul class="fr-links-group">
    ${v.year > 2000 ? html`<li><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/calendrier?annee=${v.year - 1}">Calendrier ${v.year - 1}</a></li>` : ''}
    ${v.year < 2100 ? html`<li><a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="/calendrier?annee=${v.year + 1}">Calendrier ${v.year + 1}</a></li>` : ''}
    <li><a class="fr-link" href="/calendrier/vacances-scolaires">Vacances scolaires de la zone ${v.schoolZone}</a></li>
  </ul>
</nav>
<p class="fr-text--sm">Légende :
  <span class="vigie-legend vigie-day--holiday" aria-hidden="true"></span> jour férié (souligné)
  <span class="vigie-legend vigie-day--closure" aria-hidden="true"></span> fermeture de la préfecture (souligné en pointillé)
  <span class="vigie-legend vigie-day--school" aria-hidden="true"></span> vacances scolaires, zone ${v.schoolZone}
  <span class="vigie-legend vigie-day--weekend" aria-hidden="true"></span> week-end.
  Chaque mois liste aussi ses jours particuliers en texte.</p>
${v.schoolPeriods.length === 0 ? html`<div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w"><p>Aucune période de vacances scolaires connue pour la zone ${v.schoolZone} sur cette année : elles ne sont jamais devinées. Ajoutez-les depuis la page « Vacances scolaires ».</p></div>` : ''}
<div class="vigie-months fr-mb-6w">${Array.from({ length: 12 }, (_, i) => monthTable(v, i + 1))}</div>

<h2 id="fermetures">Jours de fermeture</h2>
<p>Un jour de fermeture (pont, fermeture exceptionnelle) n’est pas ouvré : les échéances qui le traversent sont reportées d’un jour. Les jours contestés — Vendredi saint et 21 juillet en Guadeloupe et en Martinique — ne sont pas fériés par défaut : ajoutez-les ici si la préfecture ferme.</p>
${table(
  'Jours de fermeture',
  [
    { header: 'Date', cell: (c: CalendarPageView['closures'][number]) => formatDate(c.date) },
    { header: 'Motif', cell: (c: CalendarPageView['closures'][number]) => c.reason },
    ...(v.canEdit
      ? [
          {
            header: 'Action',
            cell: (c: CalendarPageView['closures'][number]) =>
              html`<form method="post" action="/calendrier/fermetures/${c.id}/supprimer">${csrfField(v.csrfToken)}<input type="hidden" name="annee" value="${v.year}"><button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Supprimer<span class="fr-sr-only"> la fermeture du ${formatDate(c.date)}</span></button></form>`,
          },
        ]
      : []),
  ],
  v.closures,
  `Aucun jour de fermeture en ${v.year}.`,
)}
${
  v.canEdit
    ? html`<h3 class="fr-mt-4w">Ajouter un jour de fermeture</h3>
${v.form ? errorSummary(v.form.error, v.form.fields) : ''}
<form method="post" action="/calendrier/fermetures" novalidate>
  ${csrfField(v.csrfToken)}
  ${textField({ name: 'date', label: 'Date', type: 'date', hint: 'Format AAAA-MM-JJ.', value: value('date'), error: v.form?.fields.date, required: true })}
  ${textField({ name: 'reason', label: 'Motif', hint: 'Par exemple « Pont de l’Ascension ».', value: value('reason'), error: v.form?.fields.reason, required: true })}
  <button class="fr-btn" type="submit">Ajouter</button>
</form>`
    : ''
}`;
}
