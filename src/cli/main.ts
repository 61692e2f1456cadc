import '../shared/runtime-guard.ts';
import { isAppError } from '../shared/errors.ts';
import { type Command, type CommandGroup, print, printError, UsageError, wantsHelp } from './args.ts';
import { backupCommand } from './commands/backup.ts';
import { calendarCommands } from './commands/calendar.ts';
import { casesCommands } from './commands/cases.ts';
import { demoCommand } from './commands/demo.ts';
import { indicatorsCommands } from './commands/indicators.ts';
import { migrateCommand } from './commands/migrate.ts';
import { orgCommands } from './commands/org.ts';
import { serveCommand } from './commands/serve.ts';
import { userCommands } from './commands/user.ts';

/**
 * `vigie` : la ligne de commande d'exploitation (bin/vigie.js, `npm run vigie -- …`). Codes de sortie :
 * 0 succès, 1 erreur (saisie, règle métier, configuration), 2 opération à faire autrement (sauvegarde
 * PostgreSQL). Les erreurs attendues s'affichent en une ou quelques lignes françaises, sans pile.
 */
const ENTRIES: (Command | CommandGroup)[] = [
  migrateCommand,
  serveCommand,
  orgCommands,
  userCommands,
  calendarCommands,
  casesCommands,
  indicatorsCommands,
  demoCommand,
  backupCommand,
];

function isGroup(entry: Command | CommandGroup): entry is CommandGroup {
  return 'subcommands' in entry;
}

function commandLines(commands: Command[]): string[] {
  return commands.flatMap((command) => [`  vigie ${command.synopsis}`, `      ${command.summary}`]);
}

function globalHelp(): string {
  const commands = ENTRIES.flatMap((entry) =>
    isGroup(entry) ? [...(entry.default ? [entry.default] : []), ...entry.subcommands] : [entry],
  );
  return [
    'Vigie — ligne de commande d’exploitation.',
    '',
    'Utilisation : vigie <commande> [options]',
    '',
    'Commandes :',
    ...commandLines(commands),
    '  vigie help [commande]',
    '      affiche l’aide générale ou celle d’une commande',
    '',
    'La base est celle de DATABASE_URL : un chemin de fichier SQLite (par défaut ./data/vigie.sqlite) ou',
    'une URL PostgreSQL (postgres://…). Les autres variables sont décrites dans .env.example.',
    'Les commandes calendar avec --department n’ouvrent aucune base.',
    'Aide d’une commande : vigie <commande> --help',
  ].join('\n');
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

function groupHelp(group: CommandGroup): string {
  return [
    `Utilisation : vigie ${group.name} <sous-commande> [options]`,
    '',
    `${capitalise(group.summary)} :`,
    ...commandLines([...(group.default ? [group.default] : []), ...group.subcommands]),
    '',
    `Aide d’une sous-commande : vigie ${group.name} <sous-commande> --help`,
  ].join('\n');
}

async function runCommand(command: Command, argv: string[]): Promise<number | 'running'> {
  if (wantsHelp(argv)) {
    print(command.help);
    return 0;
  }
  return command.run(argv);
}

async function dispatch(argv: string[]): Promise<number | 'running'> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('indiquez une commande.', '');
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    print(globalHelp());
    return 0;
  }
  // `vigie help org create` : l'aide de `vigie org create`.
  if (name === 'help') return dispatch([...rest, '--help']);
  if (name.startsWith('-')) throw new UsageError(`option inconnue ${name} (placez les options après la commande).`, '');
  const entry = ENTRIES.find((e) => e.name === name);
  if (!entry) throw new UsageError(`commande inconnue « ${name} ».`, '');
  if (!isGroup(entry)) return runCommand(entry, rest);

  const [sub, ...subArgs] = rest;
  // Sans sous-commande nommée (options seulement), la commande par défaut du groupe.
  if (entry.default && (sub === undefined || (sub.startsWith('-') && sub !== '--help' && sub !== '-h'))) {
    return runCommand(entry.default, rest);
  }
  const names = entry.subcommands.map((c) => c.name.slice(entry.name.length + 1)).join(', ');
  if (sub === undefined) throw new UsageError(`indiquez une sous-commande : ${names}.`, entry.name);
  if (sub === '--help' || sub === '-h') {
    print(groupHelp(entry));
    return 0;
  }
  const command = entry.subcommands.find((c) => c.name === `${entry.name} ${sub}`);
  if (!command) throw new UsageError(`sous-commande inconnue « ${entry.name} ${sub} » : ${names}.`, entry.name);
  return runCommand(command, subArgs);
}

/** Traduit une erreur en message pour l'exploitant ; rend le code de sortie. */
async function report(error: unknown): Promise<number> {
  if (error instanceof UsageError) {
    printError(`Erreur : ${capitalise(error.message)}`, `Aide : vigie ${error.command ? `${error.command} ` : ''}--help`);
    return 1;
  }
  // config.ts est déjà chargé si c'est lui qui a levé l'erreur.
  const { ConfigError } = await import('../config.ts');
  if (error instanceof ConfigError) {
    printError(`Erreur : ${error.message}`);
    return 1;
  }
  if (isAppError(error)) {
    const lines = [`Erreur : ${error.message}`];
    for (const message of Object.values(error.fields)) if (message !== error.message) lines.push(`  - ${message}`);
    if (error.code === 'organisation_not_found') lines.push('Organisations existantes : vigie org list');
    printError(...lines);
    return 1;
  }
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', '28P01', '3D000'].includes(code)) {
    printError(`Erreur : base de données injoignable ou accès refusé (${message || code}). Vérifiez DATABASE_URL.`);
    return 1;
  }
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    printError(`Erreur : écoute impossible (${message}). Vérifiez PORT et HOST.`);
    return 1;
  }
  // Imprévue : la pile aide l'équipe technique.
  printError(`Erreur inattendue : ${message}`, ...(error instanceof Error && error.stack ? [error.stack] : []));
  return 1;
}

let outcome: number | 'running';
try {
  outcome = await dispatch(process.argv.slice(2));
} catch (error) {
  outcome = await report(error);
}
// Pas de process.exit : le processus se termine une fois la base fermée et les sorties écrites.
if (outcome !== 'running') process.exitCode = outcome;
