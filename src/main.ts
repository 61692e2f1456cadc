import './shared/runtime-guard.ts';
import { openApp, startApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SLUG, ensureDemo } from './modules/demo/demo.service.ts';
import { findOrganisationBySlug, listOrganisations } from './modules/organisations/organisation.repository.ts';

/**
 * Démarre Vigie. En mode démonstration (`npm start` hors production), une base vide reçoit la
 * préfecture de démonstration ; `vigie serve` et la production n'en créent jamais.
 */
export async function main(options: { demo: boolean }): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const demo = options.demo && config.env !== 'production';
  const { ctx, handle } = await openApp(config);
  let demoCreated = false;
  if (demo && (await listOrganisations(ctx.db)).length === 0) {
    demoCreated = (await ensureDemo(ctx)).created;
  }
  const running = await startApp(ctx, handle);
  const lines = [
    `Vigie est prêt : ${running.url}`,
    `Base de données : ${handle.engine === 'sqlite' ? handle.sqlitePath : 'PostgreSQL'}`,
  ];
  if (config.secretKeyIsDevelopment)
    lines.push('Attention : VIGIE_SECRET_KEY absente, clé de développement utilisée (interdit en production).');
  if (demo && (await findOrganisationBySlug(ctx.db, DEMO_SLUG))) {
    lines.push(demoCreated ? 'Préfecture de démonstration créée.' : 'Mode démonstration.');
    lines.push(`Comptes de démonstration (mot de passe « ${DEMO_PASSWORD} ») :`);
    for (const account of DEMO_ACCOUNTS) lines.push(`  - ${account.email} (${account.role})`);
  } else if (demo) {
    lines.push('Base existante sans préfecture de démonstration : « npx vigie demo » l’ajoute.');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const shutdown = async () => {
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (import.meta.main) {
  await main({ demo: true });
}
