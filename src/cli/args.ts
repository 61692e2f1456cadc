import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/**
 * Outils communs des commandes `vigie` : lecture stricte des options (`node:util` parseArgs) avec des
 * messages français, et l'erreur d'utilisation qui renvoie vers l'aide de la commande.
 */

/** Erreur de saisie sur la ligne de commande : message français, code de sortie 1, jamais de pile. */
export class UsageError extends Error {
  /** La commande dont l'aide est suggérée (`vigie <command> --help`) ; vide pour l'aide générale. */
  readonly command: string;
  constructor(message: string, command: string) {
    super(message);
    this.command = command;
  }
}

/** Une commande exécutable ; `run` rend le code de sortie, ou `'running'` si le processus doit rester actif. */
export interface Command {
  /** Chemin complet : « migrate », « org create »… */
  name: string;
  /** Forme courte affichée dans l'aide générale : « backup FICHIER ». */
  synopsis: string;
  summary: string;
  help: string;
  run(argv: string[]): Promise<number | 'running'>;
}

/** Un groupe de sous-commandes : `vigie org create`, `vigie org list`. */
export interface CommandGroup {
  name: string;
  summary: string;
  /** Commande exécutée quand aucune sous-commande n'est nommée (`vigie indicators --org …`). */
  default?: Command;
  subcommands: Command[];
}

/** `--help` ou `-h` avant un éventuel `--` : l'aide passe avant toute autre vérification. */
export function wantsHelp(argv: string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

function optionName(message: string): string {
  return /'(-[^' ]+)/.exec(message)?.[1] ?? '';
}

function translate(error: unknown, command: string): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  const name = optionName(error.message);
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`Option inconnue ${name}.`, command);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const value = /'([^']*)'/.exec(error.message)?.[1] ?? '';
      return new UsageError(`Argument inattendu « ${value} ».`, command);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (error.message.includes('does not take an argument')) {
        return new UsageError(`L’option ${name} ne prend pas de valeur.`, command);
      }
      if (error.message.includes('ambiguous')) {
        return new UsageError(
          `L’option ${name} attend une valeur (pour une valeur commençant par un tiret, écrivez ${name}=-valeur).`,
          command,
        );
      }
      return new UsageError(`L’option ${name} attend une valeur.`, command);
    default:
      return error;
  }
}

/** parseArgs en mode strict ; ses erreurs deviennent des `UsageError` en français. */
export function parseCommand<const O extends ParseArgsOptionsConfig>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw translate(error, command);
  }
}

/** Valeur d'une option obligatoire (`--slug`…). */
export function required(value: string | undefined, option: string, command: string): string {
  if (value === undefined) throw new UsageError(`Option --${option} obligatoire.`, command);
  return value;
}

/** Écrit des lignes sur la sortie standard. */
export function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Écrit des lignes sur la sortie d'erreur. */
export function printError(...lines: string[]): void {
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** « 1 migration appliquée », « 2 migrations appliquées ». */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return count > 1 ? pluralForm : singular;
}
