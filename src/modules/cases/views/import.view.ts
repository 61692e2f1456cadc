import { csrfField, errorSummary, lineErrorsPage, table } from '../../../ui/components.ts';
import { formatDate, formatInteger } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml } from '../../../ui/html.ts';
import type { ImportSummary } from '../case-import.service.ts';

export const IMPORT_PATH = '/registre/import';

const ACTION_LABELS = { create: 'Création', update: 'Mise à jour', unchanged: 'Inchangé' } as const;

function formatHelp(): SafeHtml {
  return html`<p>Fichier CSV (séparateur virgule ou point-virgule, UTF-8 ou Windows-1252) ou classeur Excel <code>.xlsx</code> (première feuille), 20 Mo au plus. Colonnes obligatoires : <code>reference</code>, <code>kind</code>, <code>channel</code>, <code>received_at</code>, <code>answered_at</code>, <code>service</code> ; facultatives : <code>subject</code>, <code>theme</code>, <code>audience</code>, <code>target</code>. Le format est décrit dans la documentation (<code>docs/formats/registre.md</code>), avec un fichier d’exemple.</p>
<p>Une référence déjà connue met à jour le dossier (réponse, service, thèmes, objet) ; l’import est tout ou rien : à la moindre ligne en erreur, rien n’est enregistré.</p>`;
}

export interface ImportFormView {
  csrfToken: string;
  error?: string;
  fields?: Record<string, string>;
}

export function importFormView(v: ImportFormView): SafeHtml {
  const fileError = v.fields?.file;
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-9">
<h1>Importer le registre</h1>
${formatHelp()}
${errorSummary(v.error, v.fields)}
<form method="post" action="${IMPORT_PATH}" enctype="multipart/form-data" novalidate>
  ${csrfField(v.csrfToken)}
  <div class="fr-upload-group${fileError ? ' fr-upload-group--error' : ''} fr-mb-3w">
    <label class="fr-label" for="champ-file">Fichier du registre<span class="fr-hint-text" id="champ-file-aide">Formats acceptés : .csv, .xlsx. Taille maximale : 20 Mo.</span></label>
    <input class="fr-upload" type="file" id="champ-file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="champ-file-aide${fileError ? ' champ-file-erreur' : ''}"${fileError ? html` aria-invalid="true"` : ''}>
    ${fileError ? html`<p class="fr-error-text" id="champ-file-erreur">${fileError}</p>` : ''}
  </div>
  <button class="fr-btn" type="submit">Prévisualiser l’import</button>
</form>
</div></div>`;
}

function counts(summary: ImportSummary, future: boolean): SafeHtml {
  const verb = (present: string, futureForm: string) => (future ? futureForm : present);
  return html`<ul>
  <li>${formatInteger(summary.created)} dossier${summary.created > 1 ? 's' : ''} ${verb(summary.created > 1 ? 'créés' : 'créé', summary.created > 1 ? 'seront créés' : 'sera créé')}</li>
  <li>${formatInteger(summary.updated)} dossier${summary.updated > 1 ? 's' : ''} ${verb(summary.updated > 1 ? 'mis à jour' : 'mis à jour', summary.updated > 1 ? 'seront mis à jour' : 'sera mis à jour')}</li>
  <li>${formatInteger(summary.unchanged)} dossier${summary.unchanged > 1 ? 's' : ''} inchangé${summary.unchanged > 1 ? 's' : ''}</li>
  <li>${
    summary.servicesCreated.length === 0
      ? 'Aucun service à créer'
      : html`Service${summary.servicesCreated.length > 1 ? 's' : ''} ${future ? 'à créer' : 'créé'}${summary.servicesCreated.length > 1 && !future ? 's' : ''} : ${summary.servicesCreated.join(', ')}`
  }</li>
</ul>`;
}

function previewTable(summary: ImportSummary): SafeHtml {
  return table(
    `Aperçu : ${summary.preview.length} première${summary.preview.length > 1 ? 's' : ''} ligne${summary.preview.length > 1 ? 's' : ''} sur ${formatInteger(summary.total)}`,
    [
      { header: 'Ligne', cell: (r) => String(r.line) },
      { header: 'Référence', cell: (r) => r.reference },
      { header: 'Nature', cell: (r) => r.kind },
      { header: 'Canal', cell: (r) => r.channel },
      { header: 'Réception', cell: (r) => formatDate(r.receivedLocalDate) },
      { header: 'Réponse', cell: (r) => (r.answeredLocalDate ? formatDate(r.answeredLocalDate) : '—') },
      { header: 'Service', cell: (r) => r.service ?? '—' },
      { header: 'Action', cell: (r) => ACTION_LABELS[r.action] },
    ],
    summary.preview,
    'Le fichier ne contient aucune ligne de données.',
  );
}

export interface ImportPreviewView {
  csrfToken: string;
  fileName: string;
  /** Contenu CSV (UTF-8) en base64, renvoyé tel quel à la confirmation. */
  content: string;
  summary: ImportSummary;
}

export function importPreviewView(v: ImportPreviewView): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Prévisualisation de l’import</h1>
<p>Fichier : <strong>${v.fileName}</strong> — ${formatInteger(v.summary.total)} ligne${v.summary.total > 1 ? 's' : ''} valide${v.summary.total > 1 ? 's' : ''}. Rien n’est encore enregistré.</p>
${counts(v.summary, true)}
${previewTable(v.summary)}
<form method="post" action="${IMPORT_PATH}/confirmer" class="fr-mt-3w">
  ${csrfField(v.csrfToken)}
  <input type="hidden" name="fileName" value="${v.fileName}">
  <input type="hidden" name="content" value="${v.content}">
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer l’import</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${IMPORT_PATH}">Choisir un autre fichier</a></li>
  </ul>
</form>
</div></div>`;
}

export function importResultView(v: { fileName: string; summary: ImportSummary }): SafeHtml {
  const progress: HtmlValue = html`<div class="fr-mb-3w">
  <label class="fr-label" for="progression-import">Progression de l’import : terminé</label>
  <progress id="progression-import" max="100" value="100">100 %</progress>
</div>`;
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Import terminé</h1>
${progress}
<div class="fr-alert fr-alert--success fr-mb-3w">
  <h2 class="fr-alert__title">Registre importé depuis ${v.fileName}</h2>
  <p>${formatInteger(v.summary.total)} ligne${v.summary.total > 1 ? 's' : ''} traitée${v.summary.total > 1 ? 's' : ''}.</p>
</div>
${counts(v.summary, false)}
${previewTable(v.summary)}
<ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
  <li><a class="fr-btn" href="/registre">Voir le registre</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="${IMPORT_PATH}">Importer un autre fichier</a></li>
</ul>
</div></div>`;
}

export interface ImportJobView {
  fileName: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  total: number;
  result?: Omit<ImportSummary, 'changes'> | undefined;
  error?: { message: string; fields: Record<string, string> } | undefined;
}

/** Suivi d'un import en tâche de fond : la page se recharge seule tant qu'il n'est pas terminé. */
export function importJobView(v: ImportJobView): SafeHtml {
  if (v.result) return importResultView({ fileName: v.fileName, summary: { ...v.result, changes: [] } });
  if (v.error)
    return lineErrorsPage({
      title: 'Prévisualisation de l’import',
      fileName: v.fileName,
      message: v.error.message,
      fields: v.error.fields,
      retryHref: IMPORT_PATH,
    });
  if (v.status === 'failed' || v.status === 'done') {
    return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Import interrompu</h1>
<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">L’import de ${v.fileName} n’a pas pu aboutir</h2>
  <p>Aucune ligne n’a été enregistrée. Réessayez ; si le problème persiste, l’équipe technique le retrouvera dans les journaux.</p>
</div>
<p><a class="fr-btn" href="${IMPORT_PATH}">Importer de nouveau</a></p>
</div></div>`;
  }
  const max = Math.max(v.total, 1);
  const value = Math.min(v.done, max);
  return html`<div class="fr-grid-row"><div class="fr-col-12">
<h1>Import en cours</h1>
<p>Fichier : <strong>${v.fileName}</strong>. ${v.status === 'queued' ? 'L’import va commencer.' : 'Les dossiers sont en cours d’enregistrement.'} Cette page se met à jour toutes les 2 secondes ; vous pouvez la quitter, l’import continue.</p>
<div class="fr-mb-3w">
  <label class="fr-label" for="progression-import">Progression de l’import</label>
  <progress id="progression-import" max="${String(max)}" value="${String(value)}">${formatInteger(v.done)} / ${formatInteger(v.total)}</progress>
  <p role="status">${formatInteger(v.done)} / ${formatInteger(v.total)} dossiers</p>
</div>
</div></div>`;
}
