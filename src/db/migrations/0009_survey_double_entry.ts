import type { Kysely } from 'kysely';

/**
 * Double saisie de contrôle des formulaires papier : le contrôle d'une réponse déjà saisie (une ligne par
 * réponse, la dernière seconde saisie) et, tant qu'un écart attend son arbitrage, les valeurs de la seconde
 * saisie. La réponse comptée reste celle de `survey_responses` : le contrôle ne bloque jamais les résultats.
 * Types portables (voir 0001).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('survey_form_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('survey_campaigns.id').onDelete('cascade'))
    .addColumn('response_id', 'text', (c) => c.notNull().unique().references('survey_responses.id').onDelete('cascade'))
    .addColumn('form_number', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('entered_by_user_id', 'text')
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('differences', 'integer', (c) => c.notNull())
    .addColumn('resolved_by_user_id', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('corrected_keys', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Les comptes de la page d'une campagne (vérifiés, en conflit) et la liste de ses écarts.
  await db.schema
    .createIndex('survey_form_checks_campaign')
    .on('survey_form_checks')
    .columns(['campaign_id', 'status', 'form_number'])
    .execute();

  await db.schema
    .createTable('survey_form_check_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('check_id', 'text', (c) => c.notNull().references('survey_form_checks.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('survey_campaigns.id').onDelete('cascade'))
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_form_check_answers_check').on('survey_form_check_answers').column('check_id').execute();
  // La conservation des commentaires efface aussi ceux d'une seconde saisie, par campagne et question.
  await db.schema
    .createIndex('survey_form_check_answers_campaign')
    .on('survey_form_check_answers')
    .columns(['campaign_id', 'question_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('survey_form_check_answers').execute();
  await db.schema.dropTable('survey_form_checks').execute();
}
