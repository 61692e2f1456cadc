import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { round2 } from '../cases/register-indicators.ts';
import { maskComment } from './comment-masking.ts';
import type { Questionnaire } from './questionnaire.ts';
import type { ExportResponseRow } from './results.repository.ts';
import type { CampaignResults } from './results.service.ts';
import { NOT_COMPUTABLE_LABELS } from './survey-statistics.ts';

/**
 * Exports d'une campagne, en CSV (UTF-8 avec BOM, point-virgule, comme le registre) et en XLSX :
 * - les résultats : une ligne par critère ;
 * - les réponses : une ligne par réponse, une colonne par question (clés des options ; plusieurs choix
 *   séparés par « | » ; commentaire masqué).
 * Les nombres décimaux du CSV sont écrits avec une virgule (Excel en français) ; le XLSX garde des nombres.
 */

type Cell = string | number | null;
export type ExportTable = { columns: string[]; rows: Cell[][] };

export const RESULT_COLUMNS = [
  'criterion',
  'criterion_label',
  'question',
  'question_type',
  'status',
  'rate_percent',
  'satisfied',
  'n',
  'ci_lower_percent',
  'ci_upper_percent',
  'indicative',
  'very_satisfied',
  'satisfied_level',
  'dissatisfied',
  'very_dissatisfied',
  'no_opinion',
  'yes',
  'no',
  'no_answer',
  'previous_rate_percent',
  'difference_points',
  'p_value',
  'comparison',
] as const;

function percent(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : round2(value * 100);
}

/** Une ligne par critère : taux, n, intervalle de Wilson, décomptes et comparaison avec la campagne précédente. */
export function resultsTable(results: CampaignResults): ExportTable {
  const rows = results.criteria.map((c): Cell[] => {
    const t = c.tally;
    const scale = t.kind === 'satisfaction_4' ? t : null;
    const yesNo = t.kind === 'yes_no' ? t : null;
    let previousRate: number | null = null;
    let difference: number | null = null;
    let pValue: number | null = null;
    let comparison = '';
    if (c.comparison?.status === 'absent') comparison = c.comparison.reason;
    else if (c.comparison?.status === 'compared') {
      const cmp = c.comparison.comparison;
      previousRate = percent(cmp.previous.rate);
      difference = cmp.difference === null ? null : round2(cmp.difference * 100);
      if (cmp.status === 'computed') {
        pValue = Number(cmp.pValue.toPrecision(3));
        comparison = cmp.significant ? 'significatif' : 'non significatif';
      } else comparison = NOT_COMPUTABLE_LABELS[cmp.reason];
    }
    return [
      c.criterion.key,
      c.criterion.label,
      c.question.key,
      c.question.type,
      c.estimate.status,
      percent(c.estimate.rate),
      c.estimate.successes,
      c.estimate.n,
      percent(c.estimate.interval?.lower),
      percent(c.estimate.interval?.upper),
      c.estimate.indicative ? 'oui' : 'non',
      scale?.very_satisfied ?? null,
      scale?.satisfied ?? null,
      scale?.dissatisfied ?? null,
      scale?.very_dissatisfied ?? null,
      scale?.no_opinion ?? null,
      yesNo?.yes ?? null,
      yesNo?.no ?? null,
      t.no_answer,
      previousRate,
      difference,
      pValue,
      comparison,
    ];
  });
  return { columns: [...RESULT_COLUMNS], rows };
}

export const RESPONSE_FIXED_COLUMNS = [
  'response_id',
  'answered_at',
  'mode',
  'collection_point',
  'form_number',
  'flagged_reason',
] as const;

/** Une ligne par réponse, une colonne par question du questionnaire (dans son ordre). */
export function responsesTable(
  questionnaire: Questionnaire,
  responses: readonly ExportResponseRow[],
  answers: readonly { response_id: string; question_key: string; value: string }[],
): ExportTable {
  const byResponse = new Map<string, Map<string, string[]>>();
  for (const a of answers) {
    const values = byResponse.get(a.response_id) ?? new Map<string, string[]>();
    byResponse.set(a.response_id, values);
    const list = values.get(a.question_key);
    if (list) list.push(a.value);
    else values.set(a.question_key, [a.value]);
  }
  const rows = responses.map((r): Cell[] => {
    const values = byResponse.get(r.id);
    return [
      r.id,
      r.answered_at,
      r.mode,
      r.collection_point_label,
      r.form_number,
      r.flagged_reason,
      ...questionnaire.questions.map((q) => {
        const chosen = values?.get(q.key);
        if (!chosen || chosen.length === 0) return null;
        // Le commentaire est le seul texte libre : il n'est exporté que masqué.
        return q.type === 'comment' ? maskComment(chosen.join('\n')) : chosen.join('|');
      }),
    ];
  });
  return { columns: [...RESPONSE_FIXED_COLUMNS, ...questionnaire.questions.map((q) => q.key)], rows };
}

const csvNumber = new Intl.NumberFormat('fr-FR', { useGrouping: false, maximumFractionDigits: 6 });

/** CSV pour Excel en français : UTF-8 avec BOM, point-virgule, virgule décimale. */
export function tableCsv(table: ExportTable): Buffer {
  const text = stringify(
    table.rows.map((row) => row.map((cell) => (cell === null ? '' : typeof cell === 'number' ? csvNumber.format(cell) : cell))),
    { header: true, columns: table.columns, delimiter: ';', bom: true, record_delimiter: 'windows' },
  );
  return Buffer.from(text, 'utf8');
}

/** Classeur XLSX d'une feuille, en-têtes en gras et figés. */
export async function tableXlsx(table: ExportTable, sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Vigie';
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = table.columns.map((c) => ({ header: c, key: c, width: Math.max(12, Math.min(40, c.length + 4)) }));
  for (const row of table.rows) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
