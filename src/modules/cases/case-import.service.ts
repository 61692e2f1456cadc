import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId, newOrderedId } from '../../shared/ids.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { toLocalDate } from '../calendar/local-date.ts';
import { CalendarError } from '../calendar/working-calendar.ts';
import { insertService, listServices } from '../organisations/organisation.repository.ts';
import {
  type CaseRow,
  casesByReferences,
  deleteThemesOfCases,
  insertCaseEvents,
  insertCases,
  insertCaseThemes,
  insertThemes,
  listThemes,
  themesOfCases,
  updateCase,
} from './case.repository.ts';
import { organisationContext } from './case.service.ts';
import { decodeCsv, type ImportRow, type LineError, parseCaseCsv } from './case-import.ts';
import { dueDatesFor } from './deadline-rules.ts';
import { CHANNEL_LABELS, KIND_LABELS } from './vocabulary.ts';

export interface ImportSummary {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Dossiers mis à jour et ce qui a changé (réponse, service, thèmes, objet). */
  changes: { reference: string; fields: string[] }[];
  /** Aperçu : les premières lignes telles qu'elles seront enregistrées. */
  preview: {
    line: number;
    reference: string;
    kind: string;
    channel: string;
    receivedLocalDate: string;
    answeredLocalDate: string | null;
    service: string | null;
    action: 'create' | 'update' | 'unchanged';
  }[];
  servicesCreated: string[];
}

/** Fréquence des rappels d'avancement pendant l'écriture (en lignes). */
export const PROGRESS_EVERY = 1000;

/** Erreur d'import : aucune ligne écrite ; chaque ligne fautive avec son numéro et sa raison. */
export function importError(errors: LineError[]): AppError {
  const fields: Record<string, string> = {};
  for (const error of errors.slice(0, 200)) fields[`ligne ${error.line}`] = `ligne ${error.line} : ${error.message}`;
  if (errors.length > 200) fields.suite = `… et ${errors.length - 200} autres lignes en erreur.`;
  return new AppError('import_failed', fields);
}

interface PlannedRow {
  row: ImportRow;
  received: string;
  answered: string | null;
  existing: CaseRow | undefined;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/**
 * Importe un fichier du registre, tout ou rien. Une référence déjà connue est mise à jour pour ce qui
 * peut changer (réponse, service, thèmes, objet) ; si sa nature, son canal ou sa réception diffèrent,
 * c'est une erreur. Un seul événement d'audit résume l'import. `dryRun` : le plan sans écrire.
 */
export async function importCases(
  ctx: AppContext,
  organisationId: string,
  input: Uint8Array | string,
  actor: Actor,
  options: {
    dryRun?: boolean;
    fileName?: string;
    /**
     * Avancement de l'écriture : appelé avec 0 avant la transaction, puis environ toutes les
     * `PROGRESS_EVERY` lignes pendant l'écriture (dans la transaction : sur SQLite, le rappel ne doit
     * pas interroger la base, qui n'a qu'une connexion).
     */
    onProgress?: (done: number, total: number) => void | Promise<void>;
  } = {},
): Promise<ImportSummary> {
  const text = typeof input === 'string' ? input : decodeCsv(input);
  const parsed = parseCaseCsv(text);
  const errors: LineError[] = [...parsed.errors];
  const { department, calendar } = await organisationContext(ctx, organisationId);
  const existing = new Map(
    (
      await casesByReferences(
        ctx.db,
        organisationId,
        parsed.rows.map((r) => r.reference),
      )
    ).map((c) => [c.reference, c]),
  );
  const existingThemes = new Map<string, string[]>();
  for (const t of await themesOfCases(
    ctx.db,
    [...existing.values()].map((c) => c.id),
  )) {
    existingThemes.set(t.case_id, [...(existingThemes.get(t.case_id) ?? []), t.label]);
  }
  const services = await listServices(ctx.db, organisationId);
  const serviceByName = new Map(services.map((s) => [s.name.toLowerCase(), s]));
  const planned: PlannedRow[] = [];
  for (const row of parsed.rows) {
    const received = toLocalDate(row.receivedAt, department.timeZone);
    const answered = row.answeredAt ? toLocalDate(row.answeredAt, department.timeZone) : null;
    const problems: string[] = [];
    if (!received.ok)
      problems.push(`received_at « ${row.receivedAt} » : date impossible ou mal formée (AAAA-MM-JJ ou horodatage ISO 8601)`);
    if (answered && !answered.ok)
      problems.push(`answered_at « ${row.answeredAt} » : date impossible ou mal formée (AAAA-MM-JJ ou horodatage ISO 8601)`);
    if (received.ok && answered?.ok && answered.date < received.date) {
      problems.push(`answered_at (${answered.date}) précède received_at (${received.date})`);
    }
    if (received.ok && (received.date < '2000-01-01' || received.date > '2100-11-30'))
      problems.push(`received_at hors de la période prise en charge (2000–2100)`);
    const known = existing.get(row.reference);
    if (known && received.ok) {
      const differences = [
        known.kind !== row.kind ? `kind ${known.kind} → ${row.kind}` : '',
        known.channel !== row.channel ? `channel ${known.channel} → ${row.channel}` : '',
        known.received_local_date !== received.date ? `received_at ${known.received_local_date} → ${received.date}` : '',
      ].filter(Boolean);
      if (differences.length > 0) {
        problems.push(
          `reference « ${row.reference} » déjà enregistrée avec une autre nature, un autre canal ou une autre réception (${differences.join(', ')}) : requalifiez le dossier dans Vigie`,
        );
      }
    }
    if (problems.length > 0) errors.push({ line: row.line, message: problems.join(' ; ') });
    else if (received.ok)
      planned.push({ row, received: received.date, answered: answered?.ok ? answered.date : null, existing: known });
  }
  if (errors.length > 0) throw importError(errors.sort((a, b) => a.line - b.line));

  const now = ctx.clock.now().toISOString();
  const newServices = [
    ...new Set(planned.map((p) => p.row.service).filter((s): s is string => s !== null && !serviceByName.has(s.toLowerCase()))),
  ];
  const summary: ImportSummary = {
    total: planned.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    changes: [],
    preview: [],
    servicesCreated: newServices,
  };
  const creates: PlannedRow[] = [];
  const updates: { plan: PlannedRow; fields: string[] }[] = [];
  for (const plan of planned) {
    let action: 'create' | 'update' | 'unchanged' = 'create';
    if (!plan.existing) creates.push(plan);
    else {
      const current = plan.existing;
      const currentService = services.find((s) => s.id === current.service_id)?.name ?? null;
      const fields = [
        (current.answered_local_date ?? null) !== plan.answered ? 'réponse' : '',
        (currentService ?? '').toLowerCase() !== (plan.row.service ?? '').toLowerCase() ? 'service' : '',
        !sameList(existingThemes.get(current.id) ?? [], plan.row.themes) ? 'thèmes' : '',
        (current.subject ?? null) !== plan.row.subject ? 'objet' : '',
      ].filter(Boolean);
      if (fields.length > 0) {
        updates.push({ plan, fields });
        summary.changes.push({ reference: plan.row.reference, fields });
        action = 'update';
      } else action = 'unchanged';
    }
    if (summary.preview.length < 20) {
      summary.preview.push({
        line: plan.row.line,
        reference: plan.row.reference,
        kind: KIND_LABELS[plan.row.kind],
        channel: CHANNEL_LABELS[plan.row.channel],
        receivedLocalDate: plan.received,
        answeredLocalDate: plan.answered,
        service: plan.row.service,
        action,
      });
    }
  }
  summary.created = creates.length;
  summary.updated = updates.length;
  summary.unchanged = planned.length - creates.length - updates.length;
  if (options.dryRun) return summary;

  const onProgress = options.onProgress;
  const toWrite = creates.length + updates.length;
  let written = 0;
  await onProgress?.(0, toWrite);
  const importId = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('case_imports')
      .values({
        id: importId,
        organisation_id: organisationId,
        file_name: options.fileName ?? null,
        actor_user_id: actor.userId,
        actor_label: actor.label,
        created_count: creates.length,
        updated_count: updates.length,
        occurred_at: now,
      })
      .execute();
    for (const name of newServices) {
      const service = {
        id: newId(),
        organisation_id: organisationId,
        site_id: null,
        name,
        mailbox_address: null,
        created_at: now,
      };
      await insertService(trx, service);
      serviceByName.set(name.toLowerCase(), { ...service, site_name: null });
    }
    const themeNames = [...new Set(planned.flatMap((p) => p.row.themes))];
    const knownThemes = new Map((await listThemes(trx, organisationId)).map((t) => [t.label.toLowerCase(), t.id]));
    await insertThemes(
      trx,
      themeNames
        .filter((name) => !knownThemes.has(name.toLowerCase()))
        .map((label) => ({ id: newId(), organisation_id: organisationId, label, archived_at: null, created_at: now })),
    );
    const themeIds = new Map((await listThemes(trx, organisationId)).map((t) => [t.label.toLowerCase(), t.id]));
    const themeRows: { case_id: string; theme_id: string }[] = [];
    const caseRows: CaseRow[] = [];
    const events = [];
    for (const { row, received, answered } of creates) {
      const id = newOrderedId();
      let dues: ReturnType<typeof dueDatesFor>;
      try {
        dues = dueDatesFor(row.kind, row.channel, received, (r, n) => calendar.dueDate(r, n));
      } catch (error) {
        if (error instanceof CalendarError) throw importError([{ line: row.line, message: error.message }]);
        throw error;
      }
      caseRows.push({
        id,
        organisation_id: organisationId,
        reference: row.reference,
        kind: row.kind,
        channel: row.channel,
        audience: row.audience,
        target: row.target,
        service_id: row.service ? (serviceByName.get(row.service.toLowerCase())?.id ?? null) : null,
        status: answered ? 'answered' : 'received',
        received_at: row.receivedAt,
        received_local_date: received,
        deposit_local_date: null,
        due_date: dues.answer,
        appointment_fixed_due: dues.appointmentFixed,
        appointment_held_due: dues.appointmentHeld,
        appointment_fixed_local_date: null,
        appointment_held_local_date: null,
        requester_name: null,
        requester_email: null,
        requester_address: null,
        subject: row.subject,
        body: null,
        answered_at: row.answeredAt,
        answered_local_date: answered,
        answer_delay: answered ? calendar.delay(received, answered) : null,
        answer_channel: null,
        answer_text: null,
        follow_up: null,
        import_id: importId,
        closed_at: null,
        personal_data_erased_at: null,
        mystery_contact_id: null,
        created_at: now,
        updated_at: now,
      });
      for (const theme of row.themes) {
        const themeId = themeIds.get(theme.toLowerCase());
        if (themeId) themeRows.push({ case_id: id, theme_id: themeId });
      }
    }
    for (let i = 0; i < caseRows.length; i += PROGRESS_EVERY) {
      const chunk = caseRows.slice(i, i + PROGRESS_EVERY);
      await insertCases(trx, chunk, ctx.engine);
      written += chunk.length;
      await onProgress?.(written, toWrite);
    }
    await insertCaseThemes(trx, themeRows);
    await deleteThemesOfCases(
      trx,
      updates.filter((u) => u.fields.includes('thèmes')).map((u) => u.plan.existing?.id ?? ''),
    );
    const updatedThemes: { case_id: string; theme_id: string }[] = [];
    for (const { plan, fields } of updates) {
      const current = plan.existing;
      if (!current) continue;
      await updateCase(trx, organisationId, current.id, {
        answered_at: plan.row.answeredAt,
        answered_local_date: plan.answered,
        answer_delay: plan.answered ? calendar.delay(plan.received, plan.answered) : null,
        status: plan.answered
          ? current.status === 'closed'
            ? 'closed'
            : 'answered'
          : current.status === 'answered'
            ? 'received'
            : current.status,
        service_id: plan.row.service ? (serviceByName.get(plan.row.service.toLowerCase())?.id ?? null) : null,
        subject: plan.row.subject,
        updated_at: now,
      });
      if (fields.includes('thèmes')) {
        for (const theme of plan.row.themes) {
          const themeId = themeIds.get(theme.toLowerCase());
          if (themeId) updatedThemes.push({ case_id: current.id, theme_id: themeId });
        }
      }
      events.push({
        id: newId(),
        case_id: current.id,
        type: 'import_updated',
        actor_user_id: actor.userId,
        actor_label: actor.label,
        summary: `Mis à jour par import${options.fileName ? ` depuis ${options.fileName}` : ''} : ${fields.join(', ')}`,
        data_json: null,
        occurred_at: now,
      });
      written++;
      if (written % PROGRESS_EVERY === 0) await onProgress?.(written, toWrite);
    }
    await insertCaseThemes(trx, updatedThemes);
    await insertCaseEvents(trx, events);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'cases.imported',
      entityType: 'case_import',
      summary: `Import du registre${options.fileName ? ` (${options.fileName})` : ''} : ${summary.total} dossiers (${summary.created} créés, ${summary.updated} mis à jour, ${summary.unchanged} inchangés)`,
      after: { created: summary.created, updated: summary.updated, unchanged: summary.unchanged, servicesCreated: newServices },
    });
  });
  return summary;
}
