import { CompiledQuery, type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { insertRows } from '../../db/bulk-insert.ts';
import type { Executor } from '../../db/types.ts';
import { toNumber } from '../../db/types.ts';
import type { CaseAttachmentTable, CaseEventTable, CaseTable, ThemeTable } from './case.table.ts';
import type { Audience, CaseChannel, CaseKind, CaseStatus, UpdateTarget } from './vocabulary.ts';

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
    const columns = Object.keys(first) as (keyof CaseTable)[];
    // Lignes de même forme (la saisie, la relève) : INSERT à plusieurs lignes compilé une fois
    // (`insertRows`), le plus rapide. Sinon, une instruction préparée une fois puis rejouée ligne à
    // ligne, plutôt que de compiler de grands INSERT à chaque paquet.
    const uniform = rows.every((row) => {
      const keys = Object.keys(row);
      return keys.length === columns.length && keys.every((k, i) => k === columns[i] && row[k as keyof CaseTable] !== undefined);
    });
    if (uniform) {
      await insertRows(db, rows, (part) => db.insertInto('cases').values(part));
      return;
    }
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

/**
 * Dossiers reçus entre deux dates (toutes natures, ou les seules demandes de rendez-vous d'élus), hors
 * dossiers nés d'un courriel mystère : ils ne comptent pas dans les indicateurs de production.
 */
export async function caseFactsBetween(db: Executor, organisationId: string, from: string, to: string, onlyAppointments = false) {
  let query = db
    .selectFrom('cases')
    .select(FACT_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('received_local_date', '>=', from)
    .where('received_local_date', '<=', to)
    .where('mystery_contact_id', 'is', null);
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

/** Les organisations d'une lecture : une, une liste, ou toutes (`null`, niveau national). */
export type OrganisationScope = string | readonly string[] | null;

/**
 * Deux comptes dans une seule somme SQL : l'un en unités, l'autre en multiples de PACK (2^26). Un groupe
 * (une organisation, un mois, une nature, un canal…) compte bien moins de 67 millions de dossiers : les
 * deux parts restent séparables et la somme (< 2^52) exacte en nombre JavaScript. Trois sommes par ligne
 * au lieu de cinq : 10 à 20 % de temps en moins sur la requête du tableau (SQLite, 100 000 dossiers).
 */
const PACK = 2 ** 26;

/** Un groupe de dossiers d'une organisation (mois, nature, canal, public, cible) et ses comptes. */
export interface CaseGroupRow {
  organisationId: string;
  month: string;
  kind: CaseKind;
  channel: CaseChannel;
  audience: Audience;
  target: UpdateTarget | null;
  answered: number;
  delaySum: number;
  met: number;
  overdue: number;
  pending: number;
}

/**
 * Agrégats par organisation, mois, nature, canal, public et cible à une date d'arrêté : répondus (et
 * somme des délais), répondus dans le délai de leur nature et canal, sans réponse échus ou en attente.
 * Une seule requête groupée, pour une organisation comme pour toutes. Les rendez-vous d'élus, peu
 * nombreux, sont calculés à part dossier par dossier (`appointmentFactsBetween`). Les dossiers nés d'un
 * courriel mystère sont retranchés : agrégés à part par l'index partiel `cases_mystery` (quelques
 * dizaines), pour que l'agrégat principal reste dans l'index couvrant (un filtre sur la colonne ferait
 * lire la table à chaque dossier, six fois plus lent sur SQLite).
 */
export async function caseGroupsBetween(
  db: Executor,
  organisations: OrganisationScope,
  from: string,
  to: string,
  asOf: string,
): Promise<CaseGroupRow[]> {
  // Répondu à la date d'arrêté ; une date nulle rend la comparaison nulle, donc fausse dans un `case when`.
  const answered = sql<boolean>`answered_local_date <= ${asOf}`;
  const allowed = sql`case when kind = 'update_request' then 3 when channel in ('email', 'web_form') then 5 else 10 end`;
  // Une organisation (le tableau de l'année) : grouper par jour, dans l'ordre de l'index couvrant, évite
  // un tri sur SQLite ; les jours sont repliés en mois ci-dessous. Plusieurs (le niveau national) : grouper
  // directement par mois, la requête qu'on écrirait à la main (essayé sur PostgreSQL : regrouper d'abord
  // par jour, ~30 fois plus de groupes, n'est plus rapide qu'à 10 M de dossiers et 2,5 fois plus lent à 2 M).
  const oneOrganisation = typeof organisations === 'string';
  const period = oneOrganisation ? sql<string>`received_local_date` : sql<string>`substr(received_local_date, 1, 7)`;
  if (typeof organisations !== 'string' && organisations !== null && organisations.length === 0) return [];
  const aggregate = (onlyMystery: boolean) => {
    let query = db
      .selectFrom('cases')
      .select([
        'organisation_id',
        period.as('period'),
        'kind',
        'channel',
        'audience',
        'target',
        // Répondus (unités) et, parmi eux, répondus dans le délai (multiples de PACK).
        sql<number>`sum(case when ${answered} then case when answer_delay <= ${allowed} then ${sql.lit(PACK + 1)} else 1 end else 0 end)`.as(
          'answered_met',
        ),
        sql<number>`sum(case when ${answered} then answer_delay else 0 end)`.as('delay_sum'),
        // Sans réponse à la date d'arrêté (le premier `when` écarte les répondus) : échus (unités), pas encore
        // échus (multiples de PACK).
        sql<number>`sum(case when ${answered} then 0 when due_date < ${asOf} then 1 when due_date >= ${asOf} then ${sql.lit(PACK)} else 0 end)`.as(
          'overdue_pending',
        ),
      ])
      .where('received_local_date', '>=', from)
      .where('received_local_date', '<=', to)
      .where('kind', '!=', 'elected_official_appointment');
    if (onlyMystery) query = query.where('mystery_contact_id', 'is not', null);
    if (typeof organisations === 'string') query = query.where('organisation_id', '=', organisations);
    else if (organisations !== null) query = query.where('organisation_id', 'in', [...organisations]);
    return query.groupBy(['organisation_id', period, 'kind', 'channel', 'audience', 'target']).execute();
  };
  const [all, mystery] = await Promise.all([aggregate(false), aggregate(true)]);
  const rows = [...all.map((r) => ({ r, sign: 1 })), ...mystery.map((r) => ({ r, sign: -1 }))];
  // Repli des jours en mois (déjà fait par la base pour plusieurs organisations) : les calculs qui suivent
  // parcourent ces groupes pour chaque indicateur et chaque période, autant qu'ils soient trente fois moins.
  const groups = new Map<string, CaseGroupRow>();
  for (const { r, sign } of rows) {
    const month = r.period.slice(0, 7);
    const key = `${r.organisation_id}|${month}|${r.kind}|${r.channel}|${r.audience}|${r.target ?? ''}`;
    const answeredMet = toNumber(r.answered_met);
    const overduePending = toNumber(r.overdue_pending);
    let group = groups.get(key);
    if (!group) {
      group = {
        organisationId: r.organisation_id,
        month,
        kind: r.kind,
        channel: r.channel,
        audience: r.audience,
        target: r.target,
        answered: 0,
        delaySum: 0,
        met: 0,
        overdue: 0,
        pending: 0,
      };
      groups.set(key, group);
    }
    group.answered += sign * (answeredMet % PACK);
    group.met += sign * Math.floor(answeredMet / PACK);
    group.delaySum += sign * toNumber(r.delay_sum);
    group.overdue += sign * (overduePending % PACK);
    group.pending += sign * Math.floor(overduePending / PACK);
  }
  return [...groups.values()];
}

/** Demandes de rendez-vous d'élus reçues entre deux dates, de plusieurs organisations (ou de toutes), hors enquêtes mystère. */
export async function appointmentFactsBetween(db: Executor, organisations: OrganisationScope, from: string, to: string) {
  let query = db
    .selectFrom('cases')
    .select(['organisation_id', ...FACT_COLUMNS])
    .where('kind', '=', 'elected_official_appointment')
    .where('received_local_date', '>=', from)
    .where('received_local_date', '<=', to)
    .where('mystery_contact_id', 'is', null);
  if (typeof organisations === 'string') query = query.where('organisation_id', '=', organisations);
  else if (organisations !== null) {
    if (organisations.length === 0) return [];
    query = query.where('organisation_id', 'in', [...organisations]);
  }
  return query.execute();
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
