import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { AppContext } from '../shared/context.ts';

/*
 * Les modules de l'application sont chargés à la demande (import dynamique) dans toute la ligne de
 * commande : l'aide et les erreurs de saisie restent immédiates, sans charger Fastify, Kysely ni pg.
 */

/** La configuration de l'environnement (DATABASE_URL…) ; une `ConfigError` si elle est invalide. */
export async function currentConfig(): Promise<Config> {
  const { loadConfig } = await import('../config.ts');
  return loadConfig();
}

/**
 * Ouvre la base de DATABASE_URL (migrations et référentiel compris, comme au démarrage du serveur),
 * exécute `action`, puis ferme la base dans tous les cas.
 */
export async function withApp<T>(
  action: (ctx: AppContext, handle: DatabaseHandle, migrations: string[]) => Promise<T>,
  config?: Config,
): Promise<T> {
  const resolved = config ?? (await currentConfig());
  const { openApp } = await import('../app.ts');
  const { ctx, handle, migrations } = await openApp(resolved);
  try {
    return await action(ctx, handle, migrations);
  } finally {
    await handle.close();
  }
}
