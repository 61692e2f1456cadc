import type { Kysely } from 'kysely';

/**
 * Le Message-ID d'un courriel de Vigie est `<identifiant@domaine>` depuis la première migration du courrier :
 * le retrouver (réponse d'un demandeur, rebond) passe par la clé primaire, son identifiant, vérifié contre le
 * Message-ID entier. L'index du Message-ID ne servait que cette recherche ; chaque accusé mis en file par la
 * relève le payait (un index de moins sur la table la plus écrite de la relève).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outgoing_mails_message_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('outgoing_mails_message_id').on('outgoing_mails').column('message_id').execute();
}
