import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { MONTH_NAMES } from '../calendar/civil-date.ts';
import type { CellWithStatus, IndicatorYearRow, IndicatorYearTable } from './indicator.service.ts';
import { UNIT_LABELS } from './indicator-catalogue.ts';
import { TARGET_STATUS_LABELS } from './target.ts';
import { groupLabel, type ModuleTitle } from './views/indicator-table.view.ts';

/**
 * Exports du tableau des indicateurs : CSV (une ligne par indicateur, une colonne par mois, trimestre et
 * l'année) et XLSX mis en forme, une feuille par année, cases colorées selon la cible.
 */
const PERIOD_HEADERS = [...MONTH_NAMES, 'T1', 'T2', 'T3', 'T4', 'Année (cumul)'];

function periodCells(row: IndicatorYearRow): (CellWithStatus | null)[] {
  return [...row.months, ...row.quarters, row.yearToDate];
}

/** Texte d'une case pour le CSV : nombre à virgule, « sans objet », « n.d. », mois à venir vide. */
function csvText(cell: CellWithStatus | null): string {
  if (!cell) return '';
  if (cell.status === 'not_applicable') return 'sans objet';
  if (cell.status === 'not_available' || cell.value === null) return 'n.d.';
  return `${String(cell.value).replace('.', ',')}${cell.provisional ? ' (p)' : ''}`;
}

export function indicatorTableCsv(table: IndicatorYearTable, modules: ModuleTitle[]): Buffer {
  const header = ['module', 'engagement', 'code', 'cle', 'indicateur', 'unite', 'cible', ...PERIOD_HEADERS];
  const lines = table.rows.map((row) => [
    groupLabel(row, modules),
    row.indicator.engagements.join(' '),
    row.indicator.code ?? '',
    row.indicator.key,
    row.indicator.label,
    UNIT_LABELS[row.indicator.unit],
    row.target?.label ?? '',
    ...periodCells(row).map(csvText),
  ]);
  return Buffer.from(stringify([header, ...lines], { delimiter: ';', bom: true, record_delimiter: 'windows' }), 'utf8');
}

const FILLS: Record<string, string> = {
  met: 'FFB8FEC9',
  not_met: 'FFFFE9E9',
  on_track: 'FFE8EDFF',
  behind: 'FFFEECC2',
};

function numberFormat(row: IndicatorYearRow): string {
  switch (row.indicator.unit) {
    case 'percent':
      return '0.00" %"';
    case 'per_mille':
      return '0.00" ‰"';
    case 'count':
      return '# ##0';
    default:
      return '0.00';
  }
}

/** Un classeur, une feuille par année ; chaque case porte sa note (provisoire, raison du « sans objet »). */
export async function indicatorTableXlsx(
  tables: IndicatorYearTable[],
  modules: ModuleTitle[],
  organisationName: string,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Vigie';
  for (const table of tables) {
    const sheet = workbook.addWorksheet(String(table.year), { views: [{ state: 'frozen', xSplit: 5, ySplit: 3 }] });
    sheet.addRow([`${organisationName} — indicateurs ${table.year}, arrêtés au ${table.asOf}`]).font = { bold: true, size: 13 };
    sheet.addRow([]);
    const header = sheet.addRow(['Module', 'Engagement', 'Code', 'Indicateur', 'Cible', ...PERIOD_HEADERS]);
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
      cell.border = { bottom: { style: 'thin' } };
    });
    for (const row of table.rows) {
      const cells = periodCells(row);
      const line = sheet.addRow([
        groupLabel(row, modules),
        row.indicator.engagements.join(', '),
        row.indicator.code ?? row.indicator.key,
        row.indicator.label,
        row.target?.label ?? '',
        ...cells.map((c) =>
          c === null ? null : c.status === 'measured' ? c.value : c.status === 'not_applicable' ? '—' : 'n.d.',
        ),
      ]);
      cells.forEach((c, i) => {
        if (!c) return;
        const cell = line.getCell(6 + i);
        if (c.status === 'measured') cell.numFmt = numberFormat(row);
        const notes = [
          c.status === 'not_applicable' ? `Sans objet${c.note ? ` : ${c.note}` : ''}` : c.note,
          c.provisional ? 'provisoire' : null,
          c.provenance === 'historic' ? 'valeur historique' : null,
          c.target ? TARGET_STATUS_LABELS[c.target] : null,
        ].filter(Boolean);
        if (notes.length > 0) cell.note = notes.join(' ; ');
        const fill = c.target ? FILLS[c.target] : undefined;
        if (fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
      });
    }
    sheet.getColumn(1).width = 34;
    sheet.getColumn(2).width = 11;
    sheet.getColumn(3).width = 18;
    sheet.getColumn(4).width = 60;
    sheet.getColumn(5).width = 12;
    for (let i = 6; i < 6 + PERIOD_HEADERS.length; i++) sheet.getColumn(i).width = 11;
    sheet.getColumn(4).alignment = { wrapText: true, vertical: 'top' };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
