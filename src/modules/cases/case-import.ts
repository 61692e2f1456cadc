import { parse } from 'csv-parse/sync';
import {
  AUDIENCES,
  type Audience,
  CASE_CHANNELS,
  CASE_KINDS,
  type CaseChannel,
  type CaseKind,
  isAudience,
  isCaseChannel,
  isCaseKind,
  isUpdateTarget,
  type UpdateTarget,
} from './vocabulary.ts';

/**
 * Format d'import du registre (docs/formats/registre.md) : en-tête obligatoire avec les colonnes
 * `reference,kind,channel,received_at,answered_at,service` et, au choix, `subject,theme,audience,target`
 * (plusieurs thèmes séparés par `|`) ; séparateur virgule ou point-virgule ; UTF-8 avec ou sans BOM, ou
 * Windows-1252 tel qu'Excel l'écrit.
 */
export const REQUIRED_COLUMNS = ['reference', 'kind', 'channel', 'received_at', 'answered_at', 'service'] as const;
export const OPTIONAL_COLUMNS = ['subject', 'theme', 'audience', 'target'] as const;

export interface ImportRow {
  line: number;
  reference: string;
  kind: CaseKind;
  channel: CaseChannel;
  receivedAt: string;
  answeredAt: string | null;
  service: string | null;
  subject: string | null;
  themes: string[];
  audience: Audience;
  target: UpdateTarget | null;
}

export interface LineError {
  line: number;
  message: string;
}

/** UTF-8 (BOM retiré) si le texte en est, sinon Windows-1252. */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const MARKUP = /<\s*[a-zA-Z/!]/;

function clean(value: string | undefined): string {
  return (value ?? '').trim();
}

export function parseCaseCsv(text: string): { rows: ImportRow[]; errors: LineError[] } {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, message: `Fichier CSV illisible : ${(error as Error).message}` }] };
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const errors: LineError[] = [];
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter(
    (c) =>
      c !== '' && !(REQUIRED_COLUMNS as readonly string[]).includes(c) && !(OPTIONAL_COLUMNS as readonly string[]).includes(c),
  );
  if (records.length === 0 || missing.length > 0 || unknown.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`colonnes manquantes : ${missing.join(', ')}`);
    if (unknown.length > 0) parts.push(`colonnes inconnues : ${unknown.join(', ')}`);
    if (records.length === 0) parts.push('fichier vide');
    return {
      rows: [],
      errors: [
        {
          line: 1,
          message: `En-tête invalide (${parts.join(' ; ')}). Attendu : ${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(delimiter)}.`,
        },
      ],
    };
  }
  const index = new Map(header.map((name, i) => [name, i]));
  const cell = (record: string[], name: string) => clean(record[index.get(name) ?? -1]);
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (let r = 1; r < records.length; r++) {
    const record = records[r] ?? [];
    const line = r + 1;
    if (record.every((v) => v.trim() === '')) continue;
    const problems: string[] = [];
    const reference = cell(record, 'reference');
    const kind = cell(record, 'kind');
    const channel = cell(record, 'channel');
    const receivedAt = cell(record, 'received_at');
    const answeredAt = cell(record, 'answered_at');
    const service = cell(record, 'service');
    const subject = cell(record, 'subject');
    const themes = cell(record, 'theme')
      .split('|')
      .map((t) => t.trim())
      .filter(Boolean);
    const audience = cell(record, 'audience') || 'public';
    const target = cell(record, 'target');
    if (!reference) problems.push('reference vide');
    else if (reference.length > 60) problems.push('reference de plus de 60 caractères');
    else if (seen.has(reference)) problems.push(`reference « ${reference} » déjà présente ligne ${seen.get(reference)}`);
    if (!isCaseKind(kind)) problems.push(`kind « ${kind} » inconnu (attendu : ${CASE_KINDS.join(', ')})`);
    if (!isCaseChannel(channel)) problems.push(`channel « ${channel} » inconnu (attendu : ${CASE_CHANNELS.join(', ')})`);
    if (!receivedAt) problems.push('received_at vide');
    if (!isAudience(audience)) problems.push(`audience « ${audience} » inconnue (attendu : ${AUDIENCES.join(', ')})`);
    if (kind === 'update_request' && !isUpdateTarget(target))
      problems.push('target obligatoire pour update_request : svi ou website');
    if (target && !isUpdateTarget(target)) problems.push(`target « ${target} » inconnue (attendu : svi, website)`);
    if (subject.length > 300) problems.push('subject de plus de 300 caractères');
    for (const [name, value] of [
      ['subject', subject],
      ['service', service],
      ['theme', themes.join(' ')],
    ] as const) {
      if (MARKUP.test(value)) problems.push(`${name} : le balisage HTML (« < ») n’est pas accepté`);
    }
    if (service.length > 120) problems.push('service de plus de 120 caractères');
    if (themes.some((t) => t.length > 120)) problems.push('theme de plus de 120 caractères');
    if (problems.length > 0) {
      errors.push({ line, message: problems.join(' ; ') });
      continue;
    }
    seen.set(reference, line);
    rows.push({
      line,
      reference,
      kind: kind as CaseKind,
      channel: channel as CaseChannel,
      receivedAt,
      answeredAt: answeredAt || null,
      service: service || null,
      subject: subject || null,
      themes,
      audience: audience as Audience,
      target: kind === 'update_request' ? (target as UpdateTarget) : null,
    });
  }
  return { rows, errors };
}
