import { type Kysely, sql } from 'kysely';

/**
 * Index du tableau des indicateurs (mesurés par bench/indicators.bench.ts, 100 000 dossiers et 20 000
 * réponses, SQLite, machine partagée : le tableau de l'année passe d'environ 120 à 90 ms) :
 * - les valeurs d'enquête portent aussi leur réponse : les comptes par mois de réponse lisent l'index seul,
 *   sans la table (`survey_answers_campaign`, dont il prolonge les colonnes, devient inutile) ;
 * - les demandes de rendez-vous d'élus d'une organisation (quelques dizaines) se trouvent sans parcourir
 *   tous ses dossiers de l'année. Index partiel : seules ces demandes y entrent, l'écriture des autres
 *   dossiers (import de 100 000 lignes) n'en paie rien.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('survey_answers_campaign_response')
    .on('survey_answers')
    .columns(['campaign_id', 'question_key', 'value', 'response_id'])
    .execute();
  await db.schema.dropIndex('survey_answers_campaign').execute();
  await db.schema
    .createIndex('cases_appointments')
    .on('cases')
    .columns(['organisation_id', 'received_local_date'])
    .where(sql.ref('kind'), '=', 'elected_official_appointment')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_appointments').execute();
  await db.schema
    .createIndex('survey_answers_campaign')
    .on('survey_answers')
    .columns(['campaign_id', 'question_key', 'value'])
    .execute();
  await db.schema.dropIndex('survey_answers_campaign_response').execute();
}
