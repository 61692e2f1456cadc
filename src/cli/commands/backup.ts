import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { type Command, parseCommand, print, printError, UsageError } from '../args.ts';
import { currentConfig } from '../context.ts';

const COMMAND = 'backup';

/** « 1,4 Mo » */
function formatSize(bytes: number): string {
  const units = ['octets', 'Ko', 'Mo', 'Go'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

function shellQuote(value: string): string {
  return /^[\w./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export const backupCommand: Command = {
  name: COMMAND,
  synopsis: 'backup FICHIER',
  summary: 'sauvegarde la base SQLite dans un fichier (PostgreSQL : pg_dump)',
  help: `Utilisation : vigie backup FICHIER

SQLite : copie cohérente de la base dans FICHIER, même serveur en marche (sauvegarde en ligne).
FICHIER ne doit pas exister. La copie est vérifiée (PRAGMA integrity_check) et lisible par son seul
propriétaire. La base n'est pas migrée avant la copie : c'est son état exact qui est sauvegardé.
Restauration : arrêter Vigie, remplacer le fichier de la base par la copie (en supprimant les
fichiers -wal et -shm éventuels à côté), redémarrer.

PostgreSQL : la commande indique comment sauvegarder avec pg_dump (code de sortie 2).

Options :
  -h, --help   affiche cette aide

Exemple :
  vigie backup /var/backups/vigie/vigie-$(date +%F).sqlite`,
  async run(argv) {
    const { positionals } = parseCommand(COMMAND, argv, {}, true);
    const [file, ...extra] = positionals;
    if (file === undefined || file === '')
      throw new UsageError('Indiquez le fichier de sauvegarde : vigie backup FICHIER.', COMMAND);
    if (extra.length > 0) throw new UsageError(`Un seul fichier attendu (reçu aussi « ${extra.join(' ')} »).`, COMMAND);
    const config = await currentConfig();
    const { isPostgresUrl } = await import('../../db/database.ts');
    if (isPostgresUrl(config.databaseUrl)) {
      printError(
        'Avec PostgreSQL, la sauvegarde se fait avec les outils de PostgreSQL, pas avec vigie backup :',
        `  pg_dump --format=custom --file ${shellQuote(file)} "$DATABASE_URL"`,
        'Pour restaurer (base vide ou à écraser), Vigie arrêté :',
        `  pg_restore --clean --if-exists --dbname "$DATABASE_URL" ${shellQuote(file)}`,
      );
      return 2;
    }
    const source = config.databaseUrl.startsWith('file:') ? config.databaseUrl.slice('file:'.length) : config.databaseUrl;
    if (source === ':memory:') throw new UsageError('Une base en mémoire (:memory:) ne se sauvegarde pas.', COMMAND);
    if (!existsSync(source)) throw new UsageError(`Base SQLite introuvable : ${resolve(source)} (DATABASE_URL).`, COMMAND);
    const target = resolve(file);
    if (existsSync(target)) throw new UsageError(`Le fichier ${target} existe déjà : choisissez un autre nom.`, COMMAND);
    if (!existsSync(dirname(target))) throw new UsageError(`Le dossier ${dirname(target)} n’existe pas.`, COMMAND);

    // Connexion en lecture seule : la copie page à page est cohérente même si le serveur écrit.
    const database = new DatabaseSync(source, { readOnly: true });
    try {
      await backup(database, target);
    } finally {
      database.close();
    }
    chmodSync(target, 0o600);
    // La copie devient un fichier autonome (sans journal WAL), puis on vérifie son intégrité.
    const copy = new DatabaseSync(target);
    let integrity: string[];
    try {
      copy.exec('PRAGMA journal_mode = DELETE');
      integrity = copy
        .prepare('PRAGMA integrity_check')
        .all()
        .map((row) => String(row.integrity_check));
    } finally {
      copy.close();
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      printError(
        `Erreur : la copie ${target} ne passe pas le contrôle d’intégrité :`,
        ...integrity.slice(0, 10).map((line) => `  - ${line}`),
        'Ne comptez pas sur cette sauvegarde ; vérifiez la base d’origine.',
      );
      return 1;
    }
    print(`Sauvegarde écrite : ${target} (${formatSize(statSync(target).size)}), intégrité vérifiée.`);
    return 0;
  },
};
