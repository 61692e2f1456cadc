import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Engine } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { Clock } from './clock.ts';

/** Ce dont un cas d'usage a besoin : la base, l'heure, la configuration. Rien de global. */
export interface AppContext {
  db: Kysely<Database>;
  engine: Engine;
  clock: Clock;
  config: Config;
}
