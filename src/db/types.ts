import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** Une connexion ou une transaction : les dépôts acceptent l'une ou l'autre. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** pg renvoie les `bigint` (count, sum) en texte ; SQLite en nombre. */
export function toNumber(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
