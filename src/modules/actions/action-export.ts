import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ActionView } from './action.service.ts';
import { ACTION_STATUS_LABELS, isActionStatus, isOriginKind, ORIGIN_KIND_LABELS } from './action-status.ts';

/**
 * Export du plan d'actions filtré : les colonnes des plans des seeds (objectif, action, acteur(s),
 * échéance) puis le suivi. En-têtes en français : le fichier est fait pour être relu et présenté, pas
 * réimporté. Aucune donnée personnelle.
 */
export const ACTION_EXPORT_COLUMNS = [
  'N°',
  'Objectif',
  'Action',
  'Acteur(s)',
  'Échéance',
  'Statut',
  'Réalisée le',
  'Motif d’abandon',
  'Origine',
  'Libellé de l’origine',
  'Engagements',
  'Indicateurs',
  'Preuve',
  'Créée le',
] as const;

type Cell = string | number | null;

export function exportRow(a: ActionView): Cell[] {
  return [
    Number(a.number),
    a.objective,
    a.description,
    a.services.map((s) => s.name).join(' | '),
    a.due_date,
    isActionStatus(a.status) ? ACTION_STATUS_LABELS[a.status] : a.status,
    a.completed_on,
    a.abandon_reason,
    isOriginKind(a.origin_kind) ? ORIGIN_KIND_LABELS[a.origin_kind] : a.origin_kind,
    a.origin_label,
    a.engagements.join(' | '),
    a.indicators.join(' | '),
    a.evidence_text,
    a.created_at.slice(0, 10),
  ];
}

/** CSV pour Excel en français : UTF-8 avec BOM, point-virgule, fins de ligne Windows (comme le registre). */
export function actionsCsv(actions: ActionView[]): Buffer {
  const text = stringify(
    actions.map((a) => exportRow(a).map((c) => c ?? '')),
    { header: true, columns: [...ACTION_EXPORT_COLUMNS], delimiter: ';', bom: true, record_delimiter: 'windows' },
  );
  return Buffer.from(text, 'utf8');
}

/** Classeur XLSX, une feuille « Plan d'actions ». */
export async function actionsXlsx(actions: ActionView[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Vigie';
  const sheet = workbook.addWorksheet('Plan d’actions');
  const wide = new Set(['Objectif', 'Action', 'Libellé de l’origine', 'Preuve']);
  sheet.columns = ACTION_EXPORT_COLUMNS.map((c) => ({ header: c, key: c, width: wide.has(c) ? 40 : 16 }));
  for (const action of actions) sheet.addRow(exportRow(action));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
