import { type Command, parseCommand, print, UsageError } from '../args.ts';
import { currentConfig, withApp } from '../context.ts';

export const demoCommand: Command = {
  name: 'demo',
  synopsis: 'demo [--force]',
  summary: 'crée ou complète la préfecture de démonstration',
  help: `Utilisation : vigie demo [--force]

Crée la préfecture de démonstration (identifiant demo) et ses comptes, ou complète ce qui manque
si elle existe déjà : la commande peut être relancée sans risque. Les comptes de démonstration
partagent un mot de passe connu : refusé en production (NODE_ENV=production) sauf avec --force.

Options :
  --force      accepte de créer les données de démonstration en production
  -h, --help   affiche cette aide`,
  async run(argv) {
    const { values } = parseCommand('demo', argv, { force: { type: 'boolean' } });
    const config = await currentConfig();
    if (config.env === 'production' && !values.force) {
      throw new UsageError(
        'Données de démonstration refusées en production (mot de passe public). Ajoutez --force si c’est voulu.',
        'demo',
      );
    }
    const { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SLUG, ensureDemo } = await import('../../modules/demo/demo.service.ts');
    const { created } = await withApp((ctx) => ensureDemo(ctx), config);
    print(
      created
        ? `Préfecture de démonstration créée (identifiant ${DEMO_SLUG}).`
        : `Préfecture de démonstration déjà présente (identifiant ${DEMO_SLUG}), complétée si nécessaire.`,
      `Comptes de démonstration (mot de passe « ${DEMO_PASSWORD} ») :`,
      ...DEMO_ACCOUNTS.map((account) => `  - ${account.email} (${account.role})`),
    );
    return 0;
  },
};
