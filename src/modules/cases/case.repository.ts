import { CompiledQuery, type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { insertRows } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/types.ts';
import { toNumber } from '../../db/types.ts';
import type { CaseAttachmentTable, CaseEventTable, CaseTable, ThemeTable } from './case.table.ts';
import type { CaseChannel, CaseKind, CaseStatus } from './vocabulary.ts';

export type CaseRow = Selectable<CaseTable>;
export type Theme = Selectable<ThemeTable>;

/** Réserve les `count` numéros suivants de l'année (dans la transaction de l'appelant). */
export async function reserveReferences(db: Executor, organisationId: string, year: number, count: number): Promise<number> {
  await db
    .insertInto('case_reference_counters')
    .values({ organisation_id: organisationId, year, last_value: 0 })
    .onConflict((oc) => oc.columns(['organisation_id', 'year']).doNothing())
    .execute();
  await db
    .updateTable('case_reference_counters')
    .set((eb) => ({ last_value: eb('last_value', '+', count) }))
    .where('organisation_id', '=', organisationId)
    .where('year', '=', year)
    .execute();
  const row = await db
    .selectFrom('case_reference_counters')
    .select('last_value')
    .where('organisation_id', '=', organisationId)
    .where('year', '=', year)
    .executeTakeFirstOrThrow();
  return Number(row.last_value) - count + 1;
}

export async function insertCases(db: Executor, rows: Insertable<CaseTable>[], engine: 'sqlite' | 'postgres' = 'postgres') {
  const first = rows[0];
  if (!first) return;
  if (engine === 'sqlite') {
    // SQLite, dans le processus : une instruction préparée une fois puis rejouée ligne à ligne est
    // plus rapide que de compiler de grands INSERT à plusieurs lignes.
    const columns = Object.keys(first) as (keyof CaseTable)[];
    const compiled = db.insertInto('cases').values(first).compile();
    for (const row of rows) {
      await db.executeQuery(
        CompiledQuery.raw(
          compiled.sql,
          columns.map((c) => (row as Record<string, unknown>)[c] ?? null),
        ),
      );
    }
    return;
  }
  // PostgreSQL : par paquets, pour limiter les allers-retours (et le nombre de paramètres).
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('cases')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export async function updateCase(db: Executor, organisationId: string, id: string, changes: Updateable<CaseTable>) {
  await db.updateTable('cases').set(changes).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}

export async function findCase(db: Executor, organisationId: string, id: string) {
  return db.selectFrom('cases').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
}

export async function findCaseByReference(db: Executor, organisationId: string, reference: string) {
  return db
    .selectFrom('cases')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('reference', '=', reference)
    .executeTakeFirst();
}

export async function casesByReferences(db: Executor, organisationId: string, references: string[]) {
  const found: CaseRow[] = [];
  for (let i = 0; i < references.length; i += 500) {
    const chunk = references.slice(i, i + 500);
    if (chunk.length === 0) continue;
    found.push(
      ...(await db
        .selectFrom('cases')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('reference', 'in', chunk)
        .execute()),
    );
  }
  return found;
}

export interface CaseFilters {
  kind?: CaseKind | undefined;
  channel?: CaseChannel | undefined;
  status?: CaseStatus | undefined;
  /** `open` : tout ce qui n'est ni répondu ni clos. */
  open?: boolean | undefined;
  serviceIds?: string[] | undefined;
  themeId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  search?: string | undefined;
  ids?: string[] | undefined;
}

function filtered(db: Executor, organisationId: string, f: CaseFilters) {
  let query = db.selectFrom('cases').where('cases.organisation_id', '=', organisationId);
  if (f.kind) query = query.where('cases.kind', '=', f.kind);
  if (f.channel) query = query.where('cases.channel', '=', f.channel);
  if (f.status) query = query.where('cases.status', '=', f.status);
  if (f.open) query = query.where('cases.status', 'not in', ['answered', 'closed']);
  if (f.serviceIds) query = query.where('cases.service_id', 'in', f.serviceIds.length > 0 ? f.serviceIds : ['']);
  if (f.themeId) {
    const themeId = f.themeId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('case_themes')
          .select('case_themes.case_id')
          .whereRef('case_themes.case_id', '=', 'cases.id')
          .where('case_themes.theme_id', '=', themeId),
      ),
    );
  }
  if (f.from) query = query.where('cases.received_local_date', '>=', f.from);
  if (f.to) query = query.where('cases.received_local_date', '<=', f.to);
  if (f.ids) query = query.where('cases.id', 'in', f.ids.length > 0 ? f.ids : ['']);
  if (f.search) {
    const pattern = `%${f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['cases.reference']), 'like', pattern),
        eb(eb.fn('lower', ['cases.subject']), 'like', pattern),
        eb(eb.fn('lower', ['cases.requester_name']), 'like', pattern),
        eb(eb.fn('lower', ['cases.requester_email']), 'like', pattern),
      ]),
    );
  }
  return query;
}

export async function countCases(db: Executor, organisationId: string, f: CaseFilters): Promise<number> {
  const row = await filtered(db, organisationId, f)
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  return toNumber(row.count);
}

/** Liste triée par échéance (les plus urgentes d'abord), puis par réception. */
export async function listCases(db: Executor, organisationId: string, f: CaseFilters, limit: number, offset: number) {
  return filtered(db, organisationId, f)
    .leftJoin('services', 'services.id', 'cases.service_id')
    .selectAll('cases')
    .select('services.name as service_name')
    .orderBy((eb) => eb.case().when('cases.due_date', 'is', null).then(1).else(0).end())
    .orderBy('cases.due_date')
    .orderBy('cases.received_local_date')
    .orderBy('cases.reference')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Ce que les indicateurs lisent : aucune donnée personnelle. */
const FACT_COLUMNS = [
  'id',
  'reference',
  'kind',
  'channel',
  'audience',
  'target',
  'received_local_date',
  'answered_local_date',
  'appointment_fixed_local_date',
  'appointment_held_local_date',
  'answer_delay',
] as const;

/** Dossiers reçus entre deux dates (toutes natures, ou les seules demandes de rendez-vous d'élus). */
export async function caseFactsBetween(db: Executor, organisationId: string, from: string, to: string, onlyAppointments = false) {
  let query = db
    .selectFrom('cases')
    .select(FACT_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('received_local_date', '>=', from)
    .where('received_local_date', '<=', to);
  if (onlyAppointments) query = query.where('kind', '=', 'elected_official_appointment');
  return query.execute();
}

export async function insertCaseEvents(db: Executor, rows: Insertable<CaseEventTable>[]) {
  await insertRows(db, rows, (part) => db.insertInto('case_events').values(part));
}

export async function listCaseEvents(db: Executor, caseId: string) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('occurred_at').orderBy('id').execute();
}

export async function listThemes(db: Executor, organisationId: string) {
  return db.selectFrom('themes').selectAll().where('organisation_id', '=', organisationId).orderBy('label').execute();
}

export async function insertThemes(db: Executor, rows: Insertable<ThemeTable>[]) {
  if (rows.length === 0) return;
  await db
    .insertInto('themes')
    .values(rows)
    .onConflict((oc) => oc.columns(['organisation_id', 'label']).doNothing())
    .execute();
}

export async function themesOfCases(db: Executor, caseIds: string[]) {
  const rows: { case_id: string; theme_id: string; label: string }[] = [];
  for (let i = 0; i < caseIds.length; i += 500) {
    const chunk = caseIds.slice(i, i + 500);
    if (chunk.length === 0) continue;
    rows.push(
      ...(await db
        .selectFrom('case_themes')
        .innerJoin('themes', 'themes.id', 'case_themes.theme_id')
        .select(['case_themes.case_id', 'case_themes.theme_id', 'themes.label'])
        .where('case_themes.case_id', 'in', chunk)
        .execute()),
    );
  }
  return rows;
}

export async function replaceCaseThemes(db: Executor, caseId: string, themeIds: string[]) {
  await db.deleteFrom('case_themes').where('case_id', '=', caseId).execute();
  if (themeIds.length > 0)
    await db
      .insertInto('case_themes')
      .values(themeIds.map((theme_id) => ({ case_id: caseId, theme_id })))
      .execute();
}

export async function insertCaseThemes(db: Executor, rows: { case_id: string; theme_id: string }[]) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('case_themes')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
}

export async function deleteThemesOfCases(db: Executor, caseIds: string[]) {
  for (let i = 0; i < caseIds.length; i += 500) {
    const chunk = caseIds.slice(i, i + 500);
    if (chunk.length > 0) await db.deleteFrom('case_themes').where('case_id', 'in', chunk).execute();
  }
}

/**
 * Agrégats par mois, nature, canal, public et cible à une date d'arrêté : répondus (et somme des
 * délais), répondus dans le délai de leur nature et canal, sans réponse échus ou en attente.
 * Les rendez-vous d'élus, peu nombreux, sont calculés à part dossier par dossier.
 */
export async function caseGroupsBetween(db: Executor, organisationId: string, from: string, to: string, asOf: string) {
  const answered = sql<boolean>`(answered_local_date is not null and answered_local_date <= ${asOf})`;
  const open = sql<boolean>`(answered_local_date is null or answered_local_date > ${asOf})`;
  const allowed = sql`case when kind = 'update_request' then 3 when channel in ('email', 'web_form') then 5 else 10 end`;
  const rows = await db
    .selectFrom('cases')
    .select([
      'received_local_date',
      'kind',
      'channel',
      'audience',
      'target',
      sql<number>`sum(case when ${answered} then 1 else 0 end)`.as('answered'),
      sql<number>`sum(case when ${answered} then answer_delay else 0 end)`.as('delay_sum'),
      sql<number>`sum(case when ${answered} and answer_delay <= ${allowed} then 1 else 0 end)`.as('met'),
      sql<number>`sum(case when ${open} and due_date < ${asOf} then 1 else 0 end)`.as('overdue'),
      sql<number>`sum(case when ${open} and due_date >= ${asOf} then 1 else 0 end)`.as('pending'),
    ])
    .where('organisation_id', '=', organisationId)
    .where('received_local_date', '>=', from)
    .where('received_local_date', '<=', to)
    .where('kind', '!=', 'elected_official_appointment')
    // Grouper dans l'ordre de l'index couvrant évite un tri : les jours sont repliés en mois ensuite.
    .groupBy(['received_local_date', 'kind', 'channel', 'audience', 'target'])
    .execute();
  return rows.map((r) => ({
    month: r.received_local_date.slice(0, 7),
    kind: r.kind,
    channel: r.channel,
    audience: r.audience,
    target: r.target,
    answered: toNumber(r.answered),
    delaySum: toNumber(r.delay_sum),
    met: toNumber(r.met),
    overdue: toNumber(r.overdue),
    pending: toNumber(r.pending),
  }));
}

/** Délais des réponses dont l'intervalle contient `date` (un jour de fermeture ajouté ou retiré). */
export async function answeredAround(db: Executor, organisationId: string, date: string) {
  return db
    .selectFrom('cases')
    .select(['id', 'received_local_date', 'answered_local_date', 'answer_delay'])
    .where('organisation_id', '=', organisationId)
    .where('answered_local_date', 'is not', null)
    .where('received_local_date', '<', date)
    .where('answered_local_date', '>=', date)
    .execute();
}

export async function findCaseImport(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('case_imports')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

// ——— Pièces jointes ———

export async function insertAttachment(db: Executor, row: Insertable<CaseAttachmentTable>) {
  await db.insertInto('case_attachments').values(row).execute();
}

/** Pièces jointes d'un dossier, sans leur contenu. */
export async function listAttachments(db: Executor, caseId: string) {
  return db
    .selectFrom('case_attachments')
    .select(['id', 'case_id', 'filename', 'content_type', 'size', 'created_at'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function countAttachments(db: Executor, caseId: string): Promise<number> {
  const row = await db
    .selectFrom('case_attachments')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Une pièce jointe avec son contenu, seulement si son dossier appartient à l'organisation. */
export async function findAttachment(db: Executor, organisationId: string, caseId: string, attachmentId: string) {
  return db
    .selectFrom('case_attachments')
    .innerJoin('cases', 'cases.id', 'case_attachments.case_id')
    .select([
      'case_attachments.id',
      'case_attachments.case_id',
      'case_attachments.filename',
      'case_attachments.content_type',
      'case_attachments.size',
      'case_attachments.content',
      'case_attachments.created_at',
    ])
    .where('cases.organisation_id', '=', organisationId)
    .where('case_attachments.case_id', '=', caseId)
    .where('case_attachments.id', '=', attachmentId)
    .executeTakeFirst();
}

export async function deleteAttachment(db: Executor, caseId: string, attachmentId: string) {
  await db.deleteFrom('case_attachments').where('case_id', '=', caseId).where('id', '=', attachmentId).execute();
}

export async function updateTheme(db: Executor, organisationId: string, id: string, changes: Updateable<ThemeTable>) {
  await db.updateTable('themes').set(changes).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
}
