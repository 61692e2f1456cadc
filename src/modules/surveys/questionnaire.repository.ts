import type { Insertable, Selectable, Updateable } from 'kysely';
import { type Executor, toNumber } from '../../db/types.ts';
import type { SurveyQuestionnaireTable } from './survey.table.ts';

export type QuestionnaireRow = Selectable<SurveyQuestionnaireTable>;

export async function insertQuestionnaire(db: Executor, row: Insertable<SurveyQuestionnaireTable>) {
  await db.insertInto('survey_questionnaires').values(row).execute();
}

export async function updateQuestionnaireRow(
  db: Executor,
  organisationId: string,
  id: string,
  changes: Updateable<SurveyQuestionnaireTable>,
) {
  await db
    .updateTable('survey_questionnaires')
    .set(changes)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

export async function findQuestionnaire(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('survey_questionnaires')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listQuestionnaires(db: Executor, organisationId: string) {
  return db
    .selectFrom('survey_questionnaires')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('title')
    .orderBy('version', 'desc')
    .execute();
}

/** La version qui succède à celle-ci, s'il y en a une. */
export async function findNextVersion(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('survey_questionnaires')
    .select(['id', 'version'])
    .where('organisation_id', '=', organisationId)
    .where('previous_id', '=', id)
    .executeTakeFirst();
}

/** Réponses reçues par les campagnes de ce questionnaire (version précise). */
export async function countResponsesOfQuestionnaire(db: Executor, organisationId: string, questionnaireId: string) {
  const row = await db
    .selectFrom('survey_responses')
    .innerJoin('survey_campaigns', 'survey_campaigns.id', 'survey_responses.campaign_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('survey_campaigns.organisation_id', '=', organisationId)
    .where('survey_campaigns.questionnaire_id', '=', questionnaireId)
    .executeTakeFirst();
  return toNumber(row?.n);
}

/** Nombre de réponses par questionnaire de l'organisation (absents : aucune réponse). */
export async function responseCountsByQuestionnaire(db: Executor, organisationId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('survey_responses')
    .innerJoin('survey_campaigns', 'survey_campaigns.id', 'survey_responses.campaign_id')
    .select(['survey_campaigns.questionnaire_id as questionnaire_id', (eb) => eb.fn.countAll().as('n')])
    .where('survey_campaigns.organisation_id', '=', organisationId)
    .groupBy('survey_campaigns.questionnaire_id')
    .execute();
  return new Map(rows.map((r) => [r.questionnaire_id, toNumber(r.n)]));
}
