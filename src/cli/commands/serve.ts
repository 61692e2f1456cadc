import { type Command, parseCommand } from '../args.ts';

export const serveCommand: Command = {
  name: 'serve',
  synopsis: 'serve',
  summary: 'démarre le serveur web (sans données de démonstration)',
  help: `Utilisation : vigie serve

Démarre Vigie comme en production : migrations, référentiel, serveur HTTP et tâches de fond.
Contrairement à « npm start », ne crée jamais la préfecture de démonstration. En production
(NODE_ENV=production), refuse de démarrer sans VIGIE_SECRET_KEY ni PUBLIC_URL en https.
Configuration : variables d'environnement (voir .env.example). Arrêt propre sur SIGINT ou SIGTERM.

Options :
  -h, --help   affiche cette aide`,
  async run(argv) {
    parseCommand('serve', argv, {});
    const { main } = await import('../../main.ts');
    await main({ demo: false });
    return 'running';
  },
};
