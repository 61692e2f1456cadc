import { csrfField, errorSummary, lineErrorsPage, selectField, table, textField } from '../../../ui/components.ts';
import { formatInteger } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { IMPORT_SOURCES, type ImportSource } from '../indicator-catalogue.ts';
import type { IndicatorImportSummary, MappingStep, PreviewValue } from '../indicator-import.service.ts';
import { type ColumnMapping, IMPORT_FORMATS } from '../indicator-import.ts';
import { formatNumber } from '../indicator-number.ts';
import { cellText } from './indicator-format.ts';

export const INDICATOR_IMPORT_PATH = '/indicateurs/import';

/** Nom du champ de formulaire qui porte la colonne du fichier associée à une colonne attendue. */
export function mappingFieldName(column: string): string {
  return `colonne_${column}`;
}

const monthName = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

function formatMonth(month: string): string {
  return monthName.format(new Date(`${month}-01T00:00:00Z`));
}

function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatInteger(n)} ${n > 1 ? pluralForm : singular}`;
}

function formatsHelp(): SafeHtml {
  return table(
    'Formats des fichiers, par source',
    [
      { header: 'Source', cell: (f) => f.label },
      { header: 'Une ligne', cell: (f) => f.line },
      {
        header: 'Colonnes obligatoires',
        cell: (f) => f.columns.filter((c) => c.required).map((c, i) => html`${i > 0 ? ', ' : ''}<code>${c.key}</code>`),
      },
      {
        header: 'Colonnes facultatives',
        cell: (f) => f.columns.filter((c) => !c.required).map((c, i) => html`${i > 0 ? ', ' : ''}<code>${c.key}</code>`),
      },
      {
        header: 'Indicateurs',
        cell: (f) =>
          f.source === 'local' ? 'les indicateurs locaux de l’organisation (LOC_…)' : f.indicators.map((i) => i.key).join(', '),
      },
    ],
    IMPORT_SOURCES.map((s) => IMPORT_FORMATS[s]),
    '',
  );
}

export interface IndicatorImportFormView {
  csrfToken: string;
  source?: string | undefined;
  year: string;
  error?: string | undefined;
  fields?: Record<string, string> | undefined;
}

export function indicatorImportFormView(v: IndicatorImportFormView): SafeHtml {
  const fileError = v.fields?.file;
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Importer des indicateurs</h1>
<p>Chiffres mensuels de la téléphonie, des statistiques du site internet, des réseaux sociaux, de l’ANTS et des indicateurs locaux de l’organisation : un fichier CSV (séparateur virgule ou point-virgule, UTF-8) ou un classeur Excel <code>.xlsx</code> (première feuille), 20 Mo au plus. Après l’envoi, vous associez les colonnes du fichier aux colonnes attendues (la correspondance est retenue pour la prochaine fois), puis vous vérifiez l’aperçu avant de confirmer.</p>
<p>L’import est tout ou rien : à la moindre ligne en erreur, rien n’est enregistré. Un mois déjà importé est remplacé. Les formats sont décrits dans la documentation (<code>docs/formats/indicateurs-&lt;source&gt;.md</code>), chacun avec un fichier d’exemple.</p>
${formatsHelp()}
${errorSummary(v.error, v.fields)}
<form method="post" action="${INDICATOR_IMPORT_PATH}" enctype="multipart/form-data" novalidate class="fr-mt-3w">
  ${csrfField(v.csrfToken)}
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-6">
      ${selectField({
        name: 'source',
        label: 'Source des chiffres',
        value: v.source,
        error: v.fields?.source,
        options: IMPORT_SOURCES.map((s: ImportSource) => ({ value: s, label: IMPORT_FORMATS[s].label })),
      })}
    </div>
    <div class="fr-col-12 fr-col-md-3">
      ${textField({
        name: 'year',
        label: 'Année des chiffres',
        hint: 'Tout mois d’une autre année est refusé.',
        type: 'number',
        value: v.year,
        error: v.fields?.year,
      })}
    </div>
  </div>
  <div class="fr-upload-group${fileError ? ' fr-upload-group--error' : ''} fr-mb-3w">
    <label class="fr-label" for="champ-file">Fichier<span class="fr-hint-text" id="champ-file-aide">Formats acceptés : .csv, .xlsx. Taille maximale : 20 Mo.</span></label>
    <input class="fr-upload" type="file" id="champ-file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="champ-file-aide${fileError ? ' champ-file-erreur' : ''}"${fileError ? html` aria-invalid="true"` : ''}>
    ${fileError ? html`<p class="fr-error-text" id="champ-file-erreur">${fileError}</p>` : ''}
  </div>
  <button class="fr-btn" type="submit">Envoyer le fichier</button>
</form>
</div></div>`;
}

/** Ce qui passe d'une étape à l'autre, dans des champs cachés (aucun état côté serveur). */
export interface CarriedFile {
  source: ImportSource;
  year: number;
  fileName: string;
  /** Texte CSV (UTF-8) en base64. */
  content: string;
}

function carried(file: CarriedFile): SafeHtml {
  return html`<input type="hidden" name="source" value="${file.source}">
  <input type="hidden" name="year" value="${String(file.year)}">
  <input type="hidden" name="fileName" value="${file.fileName}">
  <input type="hidden" name="content" value="${file.content}">`;
}

export interface IndicatorMappingView {
  csrfToken: string;
  file: CarriedFile;
  step: MappingStep;
  error?: string | undefined;
  fields?: Record<string, string> | undefined;
}

export function indicatorMappingView(v: IndicatorMappingView): SafeHtml {
  const format = IMPORT_FORMATS[v.file.source];
  const headerOptions = v.step.headers
    .filter((h) => h !== '')
    .map((h) => {
      const samples = v.step.samples[h] ?? [];
      return { value: h, label: samples.length > 0 ? `${h} (ex. : ${samples.join(' ; ')})` : h };
    });
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-9">
<h1>Correspondance des colonnes</h1>
<p>Fichier : <strong>${v.file.fileName}</strong> — source ${format.label}, année ${String(v.file.year)}, ${plural(v.step.lineCount, 'ligne')} de données.</p>
<p>${
    v.step.remembered
      ? 'La correspondance retenue lors du dernier import de cette source est proposée.'
      : 'La correspondance est proposée d’après les intitulés des colonnes.'
  } Vérifiez-la : pour chaque colonne attendue, choisissez la colonne du fichier qui la contient. Elle sera retenue pour le prochain import de cette source.</p>
${errorSummary(v.error, v.fields)}
<form method="post" action="${INDICATOR_IMPORT_PATH}/apercu" novalidate>
  ${csrfField(v.csrfToken)}
  ${carried(v.file)}
  ${format.columns.map((column) =>
    selectField({
      name: mappingFieldName(column.key),
      label: `${column.key}${column.required ? ' (obligatoire)' : ' (facultative)'}`,
      hint: column.description,
      value: v.step.mapping[column.key] ?? '',
      error: v.fields?.[mappingFieldName(column.key)],
      placeholder: column.required ? '— choisissez une colonne —' : '— absente du fichier —',
      options: headerOptions,
    }),
  )}
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
    <li><button class="fr-btn" type="submit">Prévisualiser l’import</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${INDICATOR_IMPORT_PATH}">Choisir un autre fichier</a></li>
  </ul>
</form>
</div></div>`;
}

function valuesTable(values: PreviewValue[], caption: string): SafeHtml {
  return table(
    caption,
    [
      { header: 'Indicateur', cell: (r) => html`${r.code ? html`<strong>${r.code}</strong> ` : ''}${r.label}` },
      { header: 'Mois', cell: (r) => formatMonth(r.month) },
      { header: 'Réseau', cell: (r) => r.breakdown || '—' },
      {
        header: 'Valeur',
        cell: (r) => (r.status === 'not_applicable' ? html`Sans objet${r.note ? html` (${r.note})` : ''}` : cellText(r, r.unit)),
      },
      {
        header: 'Numérateur / dénominateur',
        cell: (r) =>
          r.numerator !== null && r.denominator !== null ? `${formatNumber(r.numerator)} / ${formatNumber(r.denominator)}` : '—',
      },
      { header: 'Note', cell: (r) => (r.status === 'measured' ? (r.note ?? '—') : '—') },
    ],
    values,
    'Aucune valeur à enregistrer.',
  );
}

/** « Remplace N valeurs déjà enregistrées pour ces mois » : ce qu'un import efface, saisies à la main comprises. */
function replacedText(s: IndicatorImportSummary, future: boolean): string {
  if (s.replaced === 0) return 'Aucune valeur déjà enregistrée pour ces mois';
  const values = `${plural(s.replaced, 'valeur')} déjà enregistrée${s.replaced > 1 ? 's' : ''} pour ces mois`;
  const typed = s.replacedTyped > 0 ? `, dont ${plural(s.replacedTyped, 'saisie')} à la main` : '';
  return future ? `Remplace ${values}${typed}` : `Valeurs remplacées : ${values}${typed}`;
}

function summaryList(s: IndicatorImportSummary, future: boolean): SafeHtml {
  const months =
    s.months.length === 0
      ? ''
      : s.months.length === 1
        ? formatMonth(s.months[0] ?? '')
        : `${formatMonth(s.months[0] ?? '')} à ${formatMonth(s.months.at(-1) ?? '')}`;
  return html`<ul>
  <li>${plural(s.lineCount, 'ligne')} de données ${future ? 'contrôlée' : 'importée'}${s.lineCount > 1 ? 's' : ''}</li>
  <li>${plural(s.values.length, 'valeur')} mensuelle${s.values.length > 1 ? 's' : ''} ${future ? (s.values.length > 1 ? 'seront enregistrées' : 'sera enregistrée') : s.values.length > 1 ? 'enregistrées' : 'enregistrée'}${months ? ` (${months})` : ''}</li>
  <li><strong>${replacedText(s, future)}</strong></li>
</ul>`;
}

function ignoredAndWarnings(s: IndicatorImportSummary): SafeHtml {
  return html`${
    s.ignored.length > 0
      ? html`<div class="fr-alert fr-alert--info fr-mb-3w">
  <h2 class="fr-alert__title">Indicateurs ignorés</h2>
  <ul>${s.ignored.map((i) => html`<li><strong>${i.indicatorKey}</strong> — ${i.label} : ${plural(i.values, 'valeur')}, ${i.reason}.</li>`)}</ul>
</div>`
      : ''
  }${
    s.warnings.length > 0
      ? html`<div class="fr-alert fr-alert--warning fr-mb-3w">
  <h2 class="fr-alert__title">Remarques</h2>
  <ul>${s.warnings.slice(0, 50).map((w) => html`<li>ligne ${String(w.line)} : ${w.message}</li>`)}</ul>
</div>`
      : ''
  }`;
}

export interface IndicatorPreviewView {
  csrfToken: string;
  file: CarriedFile;
  mapping: ColumnMapping;
  summary: IndicatorImportSummary;
  background: boolean;
}

export function indicatorPreviewView(v: IndicatorPreviewView): SafeHtml {
  const s = v.summary;
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Prévisualisation de l’import</h1>
<p>Fichier : <strong>${s.fileName}</strong> — ${s.sourceLabel}, année ${String(s.year)}. Rien n’est encore enregistré.</p>
${summaryList(s, true)}
${ignoredAndWarnings(s)}
${valuesTable(s.values, `Valeurs à enregistrer (${formatInteger(s.values.length)})`)}
${
  s.values.length > 0
    ? html`<form method="post" action="${INDICATOR_IMPORT_PATH}/confirmer" class="fr-mt-3w">
  ${csrfField(v.csrfToken)}
  ${carried(v.file)}
  ${Object.entries(v.mapping).map(([column, header]) => html`<input type="hidden" name="${mappingFieldName(column)}" value="${header}">`)}
  ${v.background ? html`<p>Gros fichier : l’import se fera en tâche de fond, avec une page de suivi.</p>` : ''}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer l’import</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${INDICATOR_IMPORT_PATH}">Choisir un autre fichier</a></li>
  </ul>
</form>`
    : html`<p class="fr-mt-3w">Aucune valeur à enregistrer : rien ne peut être importé. <a href="${INDICATOR_IMPORT_PATH}">Choisir un autre fichier</a></p>`
}
</div></div>`;
}

function progressBar(done: number, total: number, finished: boolean): SafeHtml {
  const max = Math.max(total, 1);
  const value = finished ? max : Math.min(done, max);
  return html`<div class="fr-mb-3w">
  <label class="fr-label" for="progression-import">Progression de l’import${finished ? ' : terminé' : ''}</label>
  <progress id="progression-import" max="${String(max)}" value="${String(value)}">${formatInteger(value)} / ${formatInteger(max)}</progress>
  ${finished ? '' : html`<p role="status">${formatInteger(done)} / ${formatInteger(total)} lignes contrôlées</p>`}
</div>`;
}

export function indicatorImportResultView(v: { summary: IndicatorImportSummary }): SafeHtml {
  const s = v.summary;
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Import terminé</h1>
${progressBar(s.lineCount, s.lineCount, true)}
<div class="fr-alert fr-alert--success fr-mb-3w">
  <h2 class="fr-alert__title">${s.sourceLabel} ${String(s.year)} importé depuis ${s.fileName}</h2>
  <p>${plural(s.values.length, 'valeur')} enregistrée${s.values.length > 1 ? 's' : ''}. La correspondance des colonnes est retenue pour le prochain import.</p>
</div>
${summaryList(s, false)}
${ignoredAndWarnings(s)}
${valuesTable(s.values, `Valeurs enregistrées (${formatInteger(s.values.length)})`)}
<ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
  <li><a class="fr-btn" href="/indicateurs/tableau?annee=${String(s.year)}">Voir le tableau ${String(s.year)}</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="${INDICATOR_IMPORT_PATH}">Importer un autre fichier</a></li>
</ul>
</div></div>`;
}

export interface IndicatorImportJobView {
  fileName: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  total: number;
  result?: IndicatorImportSummary | undefined;
  error?: { message: string; fields: Record<string, string> } | undefined;
}

/** Suivi d'un import en tâche de fond : la page se recharge seule tant qu'il n'est pas terminé. */
export function indicatorImportJobView(v: IndicatorImportJobView): SafeHtml {
  if (v.result) return indicatorImportResultView({ summary: v.result });
  if (v.error)
    return lineErrorsPage({
      title: 'Import refusé',
      fileName: v.fileName,
      message: v.error.message,
      fields: v.error.fields,
      retryHref: INDICATOR_IMPORT_PATH,
    });
  if (v.status === 'failed' || v.status === 'done') {
    return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Import interrompu</h1>
<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">L’import de ${v.fileName} n’a pas pu aboutir</h2>
  <p>Aucune valeur n’a été enregistrée. Réessayez ; si le problème persiste, l’équipe technique le retrouvera dans les journaux.</p>
</div>
<p><a class="fr-btn" href="${INDICATOR_IMPORT_PATH}">Importer de nouveau</a></p>
</div></div>`;
  }
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Import en cours</h1>
<p>Fichier : <strong>${v.fileName}</strong>. ${v.status === 'queued' ? 'L’import va commencer.' : 'Les lignes sont en cours de contrôle et d’enregistrement.'} Cette page se met à jour toutes les 2 secondes ; vous pouvez la quitter, l’import continue.</p>
${progressBar(v.done, v.total, false)}
</div></div>`;
}
