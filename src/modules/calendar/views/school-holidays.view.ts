import { badge, csrfField, errorSummary, table, textField } from '../../../ui/components.ts';
import { formatDate } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { SchoolHoliday, SchoolYearCoverage } from '../school-holiday.service.ts';
import {
  type CoverageStatus,
  IMPORT_COLUMNS,
  type ImportError,
  type ImportRow,
  isMetropolitanZone,
  METROPOLITAN_BREAKS,
  periodsOverlap,
} from '../school-holidays.ts';

export const SCHOOL_HOLIDAYS_PATH = '/calendrier/vacances-scolaires';

export interface SchoolHolidaysPageView {
  department: { code: string; name: string };
  zone: string;
  coverage: SchoolYearCoverage[];
  periods: SchoolHoliday[];
  canEdit: boolean;
  csrfToken: string;
  /** Formulaire en erreur : lequel, le message, les champs, la saisie. */
  form?: { name: 'period' | 'import'; error: string; fields: Record<string, string>; values: Record<string, unknown> };
}

const STATUS: Record<CoverageStatus, { label: string; kind: 'success' | 'warning' | 'error' }> = {
  complete: { label: 'complète', kind: 'success' },
  partial: { label: 'partielle', kind: 'warning' },
  missing: { label: 'manquante', kind: 'error' },
};

function value(v: SchoolHolidaysPageView, form: 'period' | 'import', name: string): string | undefined {
  if (v.form?.name !== form) return undefined;
  const raw = v.form.values[name];
  return typeof raw === 'string' ? raw : undefined;
}

function errorsOf(v: SchoolHolidaysPageView, form: 'period' | 'import'): Record<string, string> {
  return v.form?.name === form ? v.form.fields : {};
}

/** Zone de texte DSFR pour coller un CSV (pas de composant commun : seul écran à en avoir besoin). */
function csvTextarea(o: { value?: string | undefined; error?: string | undefined }): SafeHtml {
  const id = 'champ-csv';
  return html`<div class="fr-input-group${o.error ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${id}">Texte CSV <span class="fr-hint-text fr-text--xs vigie-inline">(obligatoire)</span><span class="fr-hint-text" id="${id}-aide">Collez le contenu du fichier, en-tête compris : ${IMPORT_COLUMNS.join(';')} (séparateur « ; » ou « , », dates AAAA-MM-JJ ou JJ/MM/AAAA, « fin » = jour de reprise des cours). Seules les périodes de votre zone sont acceptées.</span></label>
  <textarea class="fr-input${o.error ? ' fr-input--error' : ''}" id="${id}" name="csv" rows="10" spellcheck="false"${o.error ? html` aria-invalid="true"` : ''} aria-describedby="${id}-aide${o.error ? ` ${id}-erreur` : ''}">${o.value ?? ''}</textarea>
  ${o.error ? html`<p class="fr-error-text" id="${id}-erreur">${o.error}</p>` : ''}
</div>`;
}

function importForm(csrfToken: string, csv: string | undefined, error: string | undefined): SafeHtml {
  return html`<form method="post" action="${SCHOOL_HOLIDAYS_PATH}/import" novalidate>
  ${csrfField(csrfToken)}
  ${csvTextarea({ value: csv, error })}
  <button class="fr-btn fr-btn--secondary" type="submit">Prévisualiser</button>
</form>`;
}

function coverageDetail(c: SchoolYearCoverage, zone: string): HtmlValue {
  if (c.status === 'missing') return 'Calendrier non publié ou pas encore chargé : rien n’est supposé.';
  if (c.status === 'complete') return '—';
  if (c.missing.length > 0) return `Manque : ${c.missing.join(', ')}`;
  return isMetropolitanZone(zone)
    ? '—'
    : `${c.periods.length} période${c.periods.length > 1 ? 's' : ''} connue${c.periods.length > 1 ? 's' : ''} (4 au moins attendues)`;
}

/** Ligne livrée qui ne repose que sur une source secondaire (signalée dans la note du fichier). */
function singleSource(p: SchoolHoliday): boolean {
  return /single (secondary )?source/.test(p.note ?? '');
}

export function schoolHolidaysView(v: SchoolHolidaysPageView): SafeHtml {
  const shipped = v.periods.filter((p) => p.shipped);
  const metropolitan = isMetropolitanZone(v.zone);
  return html`<h1>Vacances scolaires</h1>
<p>Les campagnes d’appels et de courriels mystères se planifient hors des vacances scolaires du département. Vigie connaît les calendriers publiés par le ministère de l’Éducation nationale et les rectorats (données livrées avec l’application, sourcées) ; vous pouvez compléter une année qui manque dès que son calendrier est publié.</p>
<div class="fr-callout fr-mb-3w"><p class="fr-callout__text">Une année scolaire dont le calendrier n’est pas connu est signalée « manquante », jamais devinée : tant qu’elle l’est, les dates de vacances de cette année ne sont pas prises en compte.</p></div>
<ul class="fr-tags-group fr-mb-3w">
  <li><p class="fr-tag">Département ${v.department.code} — ${v.department.name}</p></li>
  <li><p class="fr-tag">Zone ${v.zone}</p></li>
</ul>

<h2 id="couverture">Années scolaires connues</h2>
${table<SchoolYearCoverage>(
  `Couverture des vacances scolaires, zone ${v.zone}`,
  [
    { header: 'Année scolaire', cell: (c) => c.schoolYear },
    { header: 'Calendrier', cell: (c) => badge(STATUS[c.status].label, STATUS[c.status].kind) },
    { header: 'Périodes connues', cell: (c) => (c.periods.length > 0 ? c.periods.map((p) => p.name).join(', ') : '—') },
    { header: 'À compléter', cell: (c) => coverageDetail(c, v.zone) },
  ],
  v.coverage,
  'Aucune année scolaire.',
)}
<p class="fr-text--sm">${
    metropolitan
      ? `Une année est complète en zone ${v.zone} avec les cinq vacances : ${METROPOLITAN_BREAKS.join(', ')}.`
      : `Une année est complète en zone ${v.zone} avec au moins quatre périodes, dont les grandes vacances (« Été… »).`
  }</p>

<h2 class="fr-mt-5w" id="periodes">Périodes</h2>
<p>« Premier jour » : premier jour de vacances tel que publié (en général le samedi où les cours s’arrêtent) ; « Reprise » : jour de reprise des cours, qui n’est pas un jour de vacances. ${shipped.length} période${shipped.length > 1 ? 's' : ''} livrée${shipped.length > 1 ? 's' : ''} avec Vigie pour cette zone.</p>
${table<SchoolHoliday>(
  `Périodes de vacances scolaires, zone ${v.zone}`,
  [
    { header: 'Année scolaire', cell: (p) => p.schoolYear },
    { header: 'Période', cell: (p) => p.name },
    { header: 'Premier jour', cell: (p) => formatDate(p.startDate) },
    { header: 'Reprise', cell: (p) => formatDate(p.endDate) },
    {
      header: 'Origine',
      cell: (p) =>
        p.shipped
          ? html`${badge('données livrées', 'info')}${singleSource(p) ? html`<br>${badge('source unique : à vérifier', 'warning')}` : ''}`
          : html`${badge('ajoutée par la préfecture', 'new')}${p.source ? html`<br><span class="fr-text--xs">${p.source}</span>` : ''}${
              shipped.some((s) => periodsOverlap(s, p)) ? html`<br>${badge('chevauche les données livrées', 'warning')}` : ''
            }`,
    },
    ...(v.canEdit
      ? [
          {
            header: 'Action',
            cell: (p: SchoolHoliday) =>
              p.shipped
                ? '—'
                : html`<form class="vigie-inline-form" method="post" action="${SCHOOL_HOLIDAYS_PATH}/periodes/${p.id}/supprimer">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Supprimer<span class="fr-sr-only"> la période ${p.name} ${p.schoolYear}</span></button></form>`,
          },
        ]
      : []),
  ],
  v.periods,
  `Aucune période connue pour la zone ${v.zone}.`,
)}
${
  v.canEdit
    ? html`<h2 class="fr-mt-5w" id="ajouter">Ajouter une période</h2>
<details class="fr-mb-3w"${v.form?.name === 'period' ? html` open` : ''}><summary>Saisir une période de vacances (zone ${v.zone})</summary>
${v.form?.name === 'period' ? errorSummary(v.form.error, v.form.fields) : ''}
<form method="post" action="${SCHOOL_HOLIDAYS_PATH}/periodes" novalidate>
  ${csrfField(v.csrfToken)}
  <p class="fr-text--sm">Zone : ${v.zone} (celle du département, non modifiable).</p>
  ${textField({ name: 'schoolYear', label: 'Année scolaire', hint: 'Par exemple 2028-2029 (de septembre à août).', value: value(v, 'period', 'schoolYear'), error: errorsOf(v, 'period').schoolYear, required: true })}
  ${textField({
    name: 'name',
    label: 'Nom de la période',
    hint: metropolitan
      ? 'Toussaint, Noël, Hiver, Printemps, Pont de l’Ascension ou Été.'
      : 'Le nom publié par le rectorat : Toussaint, Noël, Carnaval, Pâques, Été austral…',
    value: value(v, 'period', 'name'),
    error: errorsOf(v, 'period').name,
    required: true,
  })}
  ${textField({ name: 'startDate', label: 'Premier jour de vacances', type: 'date', hint: 'Tel que publié : en général le samedi où les cours s’arrêtent.', value: value(v, 'period', 'startDate'), error: errorsOf(v, 'period').startDate, required: true })}
  ${textField({ name: 'endDate', label: 'Jour de reprise des cours', type: 'date', value: value(v, 'period', 'endDate'), error: errorsOf(v, 'period').endDate, required: true })}
  ${textField({ name: 'source', label: 'Source', hint: 'Facultatif : arrêté, calendrier du rectorat…', value: value(v, 'period', 'source'), error: errorsOf(v, 'period').source })}
  <button class="fr-btn fr-btn--secondary" type="submit">Ajouter la période</button>
</form></details>

<h2 class="fr-mt-5w" id="importer">Importer des périodes</h2>
<p>Collez un tableau CSV : Vigie le vérifie ligne par ligne et montre ce qui serait importé avant tout enregistrement. L’import est entier ou nul : à la moindre erreur, rien n’est enregistré.</p>
${v.form?.name === 'import' ? errorSummary(v.form.error, v.form.fields) : ''}
${importForm(v.csrfToken, value(v, 'import', 'csv'), errorsOf(v, 'import').csv)}`
    : ''
}`;
}

export interface ImportPreviewPageView {
  zone: string;
  csv: string;
  rows: ImportRow[];
  errors: ImportError[];
  csrfToken: string;
  /** L'import confirmé a échoué (le contenu a changé entre la prévisualisation et la confirmation). */
  refused?: string;
}

export function schoolHolidayImportPreviewView(v: ImportPreviewPageView): SafeHtml {
  const n = v.errors.length;
  const ready = n === 0 && v.rows.length > 0;
  return html`<h1>Import de vacances scolaires : prévisualisation</h1>
<p>Zone de la préfecture : ${v.zone}. Rien n’est encore enregistré.</p>
${
  n > 0
    ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">${v.refused ?? `${n} erreur${n > 1 ? 's' : ''} : rien ne sera importé`}</h2>
  <p>Corrigez le texte ci-dessous puis prévisualisez de nouveau. L’import est entier ou nul.</p>
</div>
${table<ImportError>(
  'Erreurs par ligne',
  [
    { header: 'Ligne', cell: (e) => e.line },
    { header: 'Erreur', cell: (e) => e.message },
  ],
  v.errors,
  'Aucune erreur.',
)}`
    : ''
}
${
  ready
    ? html`<div class="fr-alert fr-alert--info fr-mb-3w"><h2 class="fr-alert__title">${v.rows.length} période${v.rows.length > 1 ? 's' : ''} prête${v.rows.length > 1 ? 's' : ''} à être importée${v.rows.length > 1 ? 's' : ''}</h2><p>Vérifiez les dates, puis confirmez.</p></div>`
    : ''
}
<h2 class="fr-mt-3w">Lignes valides</h2>
${table<ImportRow>(
  'Périodes lues dans le texte',
  [
    { header: 'Ligne', cell: (r) => r.line },
    { header: 'Année scolaire', cell: (r) => r.schoolYear },
    { header: 'Zone', cell: (r) => r.zone },
    { header: 'Période', cell: (r) => r.name },
    { header: 'Premier jour', cell: (r) => formatDate(r.startDate) },
    { header: 'Reprise', cell: (r) => formatDate(r.endDate) },
  ],
  v.rows,
  'Aucune ligne valide.',
)}
${
  ready
    ? html`<form method="post" action="${SCHOOL_HOLIDAYS_PATH}/import">
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="csv" value="${v.csv}">
  <input type="hidden" name="confirm" value="1">
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer l’import</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${SCHOOL_HOLIDAYS_PATH}">Annuler</a></li>
  </ul>
</form>`
    : ''
}
<h2 class="fr-mt-5w">${ready ? 'Modifier le texte' : 'Corriger le texte'}</h2>
${importForm(v.csrfToken, v.csv, undefined)}
<p class="fr-mt-3w"><a class="fr-link" href="${SCHOOL_HOLIDAYS_PATH}">Retour aux vacances scolaires</a></p>`;
}
