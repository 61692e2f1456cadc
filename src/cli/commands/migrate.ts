import { type Command, parseCommand, plural, print } from '../args.ts';
import { withApp } from '../context.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  synopsis: 'migrate',
  summary: 'applique les migrations de la base et charge le référentiel',
  help: `Utilisation : vigie migrate

Met à jour la base désignée par DATABASE_URL : applique les migrations manquantes, puis charge le
référentiel Qual-e-pref. Sans effet sur une base déjà à jour. À lancer avant chaque mise en service
d'une nouvelle version (le serveur le fait aussi à son démarrage).

Options :
  -h, --help   affiche cette aide`,
  async run(argv) {
    parseCommand('migrate', argv, {});
    const applied = await withApp(async (_ctx, _handle, migrations) => migrations);
    const n = applied.length;
    print(`Base à jour (${n} ${plural(n, 'migration')} ${plural(n, 'appliquée')}).`);
    return 0;
  },
};
