import type { Kysely } from 'kysely';

/** Enquêtes de satisfaction : questionnaires versionnés, campagnes, points de collecte, réponses. Types portables (voir 0001). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('survey_questionnaires')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('template_key', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('surveyed_channel', 'text', (c) => c.notNull())
    .addColumn('definition_json', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('previous_id', 'text', (c) => c.references('survey_questionnaires.id').onDelete('set null'))
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('survey_questionnaires_organisation')
    .on('survey_questionnaires')
    .columns(['organisation_id', 'archived_at'])
    .execute();

  await db.schema
    .createTable('survey_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('questionnaire_id', 'text', (c) => c.notNull().references('survey_questionnaires.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('surveyed_channel', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('survey_campaigns_organisation')
    .on('survey_campaigns')
    .columns(['organisation_id', 'surveyed_channel', 'starts_on'])
    .execute();

  await db.schema
    .createTable('survey_collection_points')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('survey_campaigns.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('public_token', 'text', (c) => c.notNull().unique())
    .addColumn('archived_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_collection_points_campaign').on('survey_collection_points').column('campaign_id').execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('survey_campaigns.id').onDelete('cascade'))
    .addColumn('collection_point_id', 'text', (c) => c.notNull().references('survey_collection_points.id'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('form_number', 'text')
    .addColumn('entered_by_user_id', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('flagged_reason', 'text')
    .execute();
  await db.schema
    .createIndex('survey_responses_campaign')
    .on('survey_responses')
    .columns(['campaign_id', 'collection_point_id', 'answered_at'])
    .execute();
  // Un formulaire papier n'est saisi qu'une fois par campagne (la double saisie est un contrôle explicite).
  await db.schema
    .createIndex('survey_responses_form_number')
    .on('survey_responses')
    .columns(['campaign_id', 'form_number'])
    .unique()
    .where('form_number', 'is not', null)
    .execute();

  await db.schema
    .createTable('survey_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('response_id', 'text', (c) => c.notNull().references('survey_responses.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('survey_campaigns.id').onDelete('cascade'))
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  // Les résultats comptent les valeurs par question d'une campagne : index couvrant.
  await db.schema
    .createIndex('survey_answers_campaign')
    .on('survey_answers')
    .columns(['campaign_id', 'question_key', 'value'])
    .execute();
  await db.schema.createIndex('survey_answers_response').on('survey_answers').column('response_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'survey_answers',
    'survey_responses',
    'survey_collection_points',
    'survey_campaigns',
    'survey_questionnaires',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
