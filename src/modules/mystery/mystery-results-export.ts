import ExcelJS from 'exceljs';
import { round2 } from '../cases/register-indicators.ts';
import { NOT_COMPUTABLE_LABELS } from '../surveys/survey-statistics.ts';
import { criterionAnswer, GRID_ANSWER_LABELS, gridOf, parseGridAnswers } from './mystery-grid.ts';
import { HALF_DAY_LABELS, type HalfDay } from './mystery-plan.ts';
import type { CampaignResults } from './mystery-results.service.ts';
import { CHANNEL_TITLES, FINDING_KIND_LABELS } from './mystery-results.ts';

/**
 * Export XLSX des résultats d'une campagne d'enquêtes mystère, trois feuilles :
 * - « Contacts » : une ligne par contact, une colonne par critère (Oui, Non, Sans objet) et les sonneries ;
 * - « Résultats » : une ligne par critère et par canal (conformes, n, part, comparaison) ;
 * - « Points » : points forts et points de vigilance (ceux enregistrés, sinon ceux générés).
 * Les nombres restent des nombres (parts en pourcentage à 2 décimales).
 */

const STATUS_LABELS: Record<string, string> = {
  planned: 'À faire',
  sent: 'Courriel envoyé',
  done: 'Grille complète',
  cancelled: 'Annulé',
};

function header(sheet: ExcelJS.Worksheet, columns: string[]) {
  sheet.addRow(columns).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

function percent(value: number | null): number | null {
  return value === null ? null : round2(value * 100);
}

export async function mysteryResultsXlsx(results: CampaignResults): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Vigie';

  const contacts = workbook.addWorksheet('Contacts');
  const callGrid = gridOf('call');
  const emailGrid = gridOf('email');
  const criteria = [
    ...(results.channels.includes('call') ? callGrid.criteria : []),
    ...(results.channels.includes('email') ? emailGrid.criteria : []),
  ];
  header(contacts, [
    'N°',
    'Canal',
    'Date',
    'Demi-journée',
    'Cible',
    'Enquêteur',
    'État',
    ...(results.channels.includes('call') ? ['Sonneries'] : []),
    ...criteria.map((c) => `${c.label}${results.channels.length > 1 ? ` (${c.key})` : ''}`),
    'Notes',
  ]);
  for (const c of results.contacts) {
    const answers = parseGridAnswers(c.answers_json);
    const rings = answers.rings;
    contacts.addRow([
      c.rank,
      c.channel === 'email' ? 'Courriel' : 'Appel',
      c.date,
      HALF_DAY_LABELS[c.half_day as HalfDay] ?? c.half_day,
      c.target_label,
      c.evaluator_label ?? '',
      STATUS_LABELS[c.status] ?? c.status,
      ...(results.channels.includes('call') ? [typeof rings === 'number' ? rings : null] : []),
      ...criteria.map((criterion) => {
        if (gridOf(c.channel).criteria.every((x) => x !== criterion)) return null;
        const answer = criterionAnswer(answers, criterion.key);
        return answer ? GRID_ANSWER_LABELS[answer] : null;
      }),
      c.notes ?? '',
    ]);
  }

  const table = workbook.addWorksheet('Résultats');
  header(table, [
    'Canal',
    'Critère',
    'Clé',
    'Conformes (Oui)',
    'Non conformes (Non)',
    'Sans objet',
    'n',
    'Part (%)',
    'Campagne précédente',
    'Part précédente (%)',
    'Écart (points)',
    'p',
    'Comparaison',
  ]);
  for (const block of results.results) {
    for (const c of block.criteria) {
      const cmp = c.comparison;
      table.addRow([
        CHANNEL_TITLES[block.channel].title,
        c.criterion.label,
        c.criterion.key,
        c.tally.yes,
        c.tally.no,
        c.tally.na,
        c.estimate.n,
        percent(c.estimate.rate),
        results.previous[block.channel] ?? '',
        cmp ? percent(cmp.previous.rate) : null,
        cmp && cmp.difference !== null ? round2(cmp.difference * 100) : null,
        cmp && cmp.status === 'computed' ? Number(cmp.pValue.toPrecision(3)) : null,
        !cmp
          ? 'Pas de campagne précédente'
          : cmp.status === 'computed'
            ? cmp.significant
              ? 'Évolution significative (p < 0,05)'
              : 'Évolution non significative'
            : NOT_COMPUTABLE_LABELS[cmp.reason],
      ]);
    }
    if (block.rings && block.rings.average !== null) {
      table.addRow([
        CHANNEL_TITLES[block.channel].title,
        'Nombre moyen de sonneries',
        'rings',
        null,
        null,
        null,
        block.rings.n,
        null,
        '',
        null,
        null,
        null,
        round2(block.rings.average),
      ]);
    }
    if (block.emails && block.emails.n > 0) {
      const m = block.emails;
      table.addRow([
        CHANNEL_TITLES[block.channel].title,
        `Réponses : ${m.inTime} dans les 5 jours ouvrés, ${m.late} hors délai (dont ${m.lateAfterReminders} après relance), ${m.never} sans réponse ; ${m.reminders} relance${m.reminders > 1 ? 's' : ''}`,
        'answers',
        m.inTime,
        m.late + m.never + m.unmeasuredMissed,
        null,
        m.n,
        null,
        '',
        null,
        null,
        null,
        '',
      ]);
    }
  }

  const points = workbook.addWorksheet('Points');
  header(points, ['Sorte', 'Canal', 'Critère', 'Texte']);
  for (const f of results.findings) {
    points.addRow([
      FINDING_KIND_LABELS[f.kind],
      CHANNEL_TITLES[f.channel].title,
      f.criterionKey ? (gridOf(f.channel).criteria.find((c) => c.key === f.criterionKey)?.label ?? f.criterionKey) : '',
      f.text,
    ]);
  }
  for (const sheet of [contacts, table, points]) {
    sheet.columns.forEach((column) => {
      column.width = 18;
    });
  }
  points.getColumn(4).width = 100;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
