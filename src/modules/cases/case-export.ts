import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { CaseRow } from './case.repository.ts';

/**
 * Export du registre : les colonnes du format d'import (docs/formats/registre.md), plus le statut,
 * l'échéance et le délai. Aucune donnée personnelle : ni nom, ni adresse, ni texte de la demande.
 */
export const EXPORT_COLUMNS = [
  'reference',
  'kind',
  'channel',
  'received_at',
  'answered_at',
  'service',
  'subject',
  'theme',
  'audience',
  'target',
  'status',
  'due_date',
  'delay',
] as const;

export type ExportRecord = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

export interface ExportSource extends CaseRow {
  service_name: string | null;
}

export function exportRecord(row: ExportSource, themes: string[], delay: number | null): ExportRecord {
  return {
    reference: row.reference,
    kind: row.kind,
    channel: row.channel,
    received_at: row.received_at,
    answered_at: row.answered_at ?? row.answered_local_date,
    service: row.service_name,
    subject: row.subject,
    theme: themes.join('|'),
    audience: row.audience,
    target: row.target,
    status: row.status,
    due_date: row.due_date ?? row.appointment_held_due,
    delay,
  };
}

/** CSV pour Excel en français : UTF-8 avec BOM, séparateur point-virgule, guillemets au besoin. */
export function registerCsv(records: ExportRecord[]): Buffer {
  const text = stringify(
    records.map((r) => EXPORT_COLUMNS.map((c) => r[c] ?? '')),
    { header: true, columns: [...EXPORT_COLUMNS], delimiter: ';', bom: true, record_delimiter: 'windows' },
  );
  return Buffer.from(text, 'utf8');
}

/** Classeur XLSX, une feuille « Registre ». */
export async function registerXlsx(records: ExportRecord[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Vigie';
  const sheet = workbook.addWorksheet('Registre');
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'subject' ? 40 : 16 }));
  for (const record of records) sheet.addRow(EXPORT_COLUMNS.map((c) => record[c] ?? null));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
