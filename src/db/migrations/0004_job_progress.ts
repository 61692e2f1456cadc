import type { Kysely } from 'kysely';

/** Avancement d'une tâche de fond (import d'un gros registre) : JSON en texte, lu par la page de suivi. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('progress_json', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('progress_json').execute();
}
