import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { SurveyFormCheckAnswerTable, SurveyFormCheckTable } from './double-entry.table.ts';
import type { SurveyAnswerTable } from './survey.table.ts';

export type FormCheckRow = Selectable<SurveyFormCheckTable>;

export async function findCheckByResponse(db: Executor, responseId: string): Promise<FormCheckRow | undefined> {
  return db.selectFrom('survey_form_checks').selectAll().where('response_id', '=', responseId).executeTakeFirst();
}

/** Un contrôle de la campagne et de l'organisation : jamais celui d'une autre. */
export async function findCheck(
  db: Executor,
  organisationId: string,
  campaignId: string,
  checkId: string,
): Promise<FormCheckRow | undefined> {
  return db
    .selectFrom('survey_form_checks')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('campaign_id', '=', campaignId)
    .where('id', '=', checkId)
    .executeTakeFirst();
}

export async function insertCheck(db: Executor, row: Insertable<SurveyFormCheckTable>): Promise<void> {
  await db.insertInto('survey_form_checks').values(row).execute();
}

export async function updateCheck(db: Executor, id: string, changes: Updateable<SurveyFormCheckTable>): Promise<void> {
  await db.updateTable('survey_form_checks').set(changes).where('id', '=', id).execute();
}

export async function listCheckAnswers(db: Executor, checkId: string) {
  return db
    .selectFrom('survey_form_check_answers')
    .select(['question_key', 'value'])
    .where('check_id', '=', checkId)
    .orderBy('question_key')
    .orderBy('value')
    .execute();
}

export async function replaceCheckAnswers(
  db: Executor,
  checkId: string,
  rows: Insertable<SurveyFormCheckAnswerTable>[],
): Promise<void> {
  await db.deleteFrom('survey_form_check_answers').where('check_id', '=', checkId).execute();
  if (rows.length > 0) await db.insertInto('survey_form_check_answers').values(rows).execute();
}

/** Remplace les valeurs de ces questions d'une réponse (correction après arbitrage). */
export async function replaceResponseAnswers(
  db: Executor,
  responseId: string,
  questionKeys: readonly string[],
  rows: Insertable<SurveyAnswerTable>[],
): Promise<void> {
  if (questionKeys.length === 0) return;
  await db
    .deleteFrom('survey_answers')
    .where('response_id', '=', responseId)
    .where('question_key', 'in', [...questionKeys])
    .execute();
  if (rows.length > 0) await db.insertInto('survey_answers').values(rows).execute();
}

/** Écarts d'une campagne qui attendent un arbitrage, par numéro de formulaire. */
export async function listConflicts(db: Executor, organisationId: string, campaignId: string) {
  return db
    .selectFrom('survey_form_checks as k')
    .innerJoin('survey_responses as r', 'r.id', 'k.response_id')
    .innerJoin('survey_collection_points as p', 'p.id', 'r.collection_point_id')
    .select([
      'k.id',
      'k.form_number',
      'k.differences',
      'k.entered_at',
      'k.entered_by_user_id',
      'r.entered_by_user_id as first_entered_by_user_id',
      'r.received_at as first_entered_at',
      'p.label as point_label',
    ])
    .where('k.organisation_id', '=', organisationId)
    .where('k.campaign_id', '=', campaignId)
    .where('k.status', '=', 'conflict')
    .orderBy('k.form_number')
    .execute();
}

export interface PaperFormCounts {
  /** Formulaires papier avec un numéro (contrôlables). */
  numbered: number;
  /** Formulaires papier saisis sans numéro : comptés, mais impossibles à contrôler. */
  unnumbered: number;
  verified: number;
  conflict: number;
}

/** Formulaires papier d'une campagne, et leurs contrôles par statut. */
export async function paperFormCounts(db: Executor, organisationId: string, campaignId: string): Promise<PaperFormCounts> {
  const [forms, checks] = await Promise.all([
    db
      .selectFrom('survey_responses')
      .select((eb) => [eb.fn.countAll<number | string>().as('total'), eb.fn.count<number | string>('form_number').as('numbered')])
      .where('organisation_id', '=', organisationId)
      .where('campaign_id', '=', campaignId)
      .where('mode', '=', 'paper')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('survey_form_checks')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .where('organisation_id', '=', organisationId)
      .where('campaign_id', '=', campaignId)
      .groupBy('status')
      .execute(),
  ]);
  const byStatus = new Map(checks.map((c) => [c.status, toNumber(c.n)]));
  const numbered = toNumber(forms.numbered);
  return {
    numbered,
    unnumbered: toNumber(forms.total) - numbered,
    verified: byStatus.get('verified') ?? 0,
    conflict: byStatus.get('conflict') ?? 0,
  };
}
