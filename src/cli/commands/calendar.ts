import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { type Command, type CommandGroup, parseCommand, print, UsageError } from '../args.ts';
import { withApp } from '../context.ts';

/**
 * `vigie calendar …` : échéances, délais et jours fériés en jours ouvrés, par département ou par
 * organisation. Avec `--department` seul, aucune base n'est ouverte (le calendrier d'un département
 * ne dépend que du référentiel embarqué) ; avec `--org`, les jours de fermeture de l'organisation
 * comptent aussi, lus dans la base de DATABASE_URL.
 */

type Target = { department?: string; org?: string };

/** Option de la ligne de commande correspondant à chaque champ des erreurs du service. */
const OPTIONS: Record<string, string> = {
  department: '--department',
  org: '--org',
  received: '--received',
  answered: '--answered',
  workingDays: '--working-days',
  year: '--year',
};

const TARGET_HELP = `  --department CODE    code du département (ex. 63, 67, 2A, 971) : son calendrier de jours fériés
  --org IDENTIFIANT    ou une organisation : le calendrier de son département, plus ses jours de
                       fermeture (lit la base de DATABASE_URL)`;

const MOMENT_HELP = `Une date est AAAA-MM-JJ, ou un horodatage ISO 8601 (2026-03-02T02:30:00Z, 2026-03-02T09:00+04:00),
converti d'abord en date locale du département (fuseau de la préfecture).`;

function target(command: string, values: { department?: string | undefined; org?: string | undefined }): Target {
  if (values.department !== undefined && values.org !== undefined) {
    throw new UsageError('indiquez --department ou --org, pas les deux.', command);
  }
  if (values.department !== undefined) return { department: values.department };
  if (values.org !== undefined) return { org: values.org };
  throw new UsageError('option --department (ou --org) obligatoire.', command);
}

function requiredOption(value: string | undefined, option: string, command: string): string {
  if (value === undefined) throw new UsageError(`option --${option} obligatoire.`, command);
  return value;
}

/** Un entier écrit en chiffres (le service refuse ensuite les valeurs hors bornes). */
function integerOption(value: string, option: string, expected: string, command: string): string {
  if (!/^\s*[+-]?\d{1,9}\s*$/.test(value)) {
    throw new UsageError(`l’option --${option} attend ${expected} (reçu « ${value} »).`, command);
  }
  return value.trim();
}

/**
 * Exécute un calcul du service : sans base pour un département, dans la base pour une organisation
 * (toutes les organisations sont lisibles en ligne de commande). Les champs en erreur sont suivis de
 * l'option à corriger.
 */
async function compute<T>(
  options: string[],
  target: Target,
  action: (ctx: Pick<AppContext, 'db'>, allowedOrganisationId: null) => Promise<T>,
): Promise<T> {
  try {
    // Le service ne lit ctx.db que pour une organisation (resolveCalendar) : pour un département, la
    // base n'est ni ouverte ni créée.
    if (target.org === undefined) return await action({ db: undefined as never }, null);
    return await withApp((ctx) => action(ctx, null));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const fields = Object.fromEntries(
      Object.entries(error.fields).map(([field, message]) => {
        const option = OPTIONS[field];
        if (!option || !options.includes(option)) return [field, message];
        return [field, message.endsWith('.') ? `${message.slice(0, -1)} (option ${option}).` : `${message} (option ${option})`];
      }),
    );
    throw new AppError(error.code, fields, error.message);
  }
}

const due: Command = {
  name: 'calendar due',
  synopsis: 'calendar due --department D|--org S --received DATE --working-days N',
  summary: 'échéance : le N-ième jour ouvré après la réception',
  help: `Utilisation : vigie calendar due (--department CODE | --org IDENTIFIANT) --received DATE --working-days N

Affiche l'échéance (AAAA-MM-JJ) : le N-ième jour ouvré strictement après la date locale de réception.
Les jours ouvrés vont du lundi au vendredi, hors jours fériés du département (et jours de fermeture
de l'organisation avec --org). N = 0 donne la date de réception elle-même.

Options :
${TARGET_HELP}
  --received DATE      date (ou horodatage) de réception
  --working-days N     nombre de jours ouvrés, de 0 à 365
  -h, --help           affiche cette aide

${MOMENT_HELP}

Exemple :
  vigie calendar due --department 67 --received 2026-04-02 --working-days 5     (affiche 2026-04-13)`,
  async run(argv) {
    const { values } = parseCommand('calendar due', argv, {
      department: { type: 'string' },
      org: { type: 'string' },
      received: { type: 'string' },
      'working-days': { type: 'string' },
    });
    const where = target('calendar due', values);
    const received = requiredOption(values.received, 'received', 'calendar due');
    const workingDays = integerOption(
      requiredOption(values['working-days'], 'working-days', 'calendar due'),
      'working-days',
      'un nombre entier de jours ouvrés, de 0 à 365',
      'calendar due',
    );
    const { computeDueDate } = await import('../../modules/calendar/calendar.service.ts');
    const result = await compute(['--department', '--org', '--received', '--working-days'], where, (ctx, allowed) =>
      computeDueDate(ctx, { ...where, received, workingDays }, allowed),
    );
    print(result.dueDate);
    return 0;
  },
};

const delay: Command = {
  name: 'calendar delay',
  synopsis: 'calendar delay --department D|--org S --received DATE --answered DATE',
  summary: 'délai d’une réponse, en jours ouvrés',
  help: `Utilisation : vigie calendar delay (--department CODE | --org IDENTIFIANT) --received DATE --answered DATE

Affiche le délai d'une réponse en jours ouvrés : le nombre de jours ouvrés d tels que
réception < d ≤ réponse (0 pour une réponse le jour même). Une réponse datée avant la réception
est refusée.

Options :
${TARGET_HELP}
  --received DATE      date (ou horodatage) de réception
  --answered DATE      date (ou horodatage) de la réponse
  -h, --help           affiche cette aide

${MOMENT_HELP}

Exemple :
  vigie calendar delay --department 67 --received 2026-04-02 --answered 2026-04-07     (affiche 1)`,
  async run(argv) {
    const { values } = parseCommand('calendar delay', argv, {
      department: { type: 'string' },
      org: { type: 'string' },
      received: { type: 'string' },
      answered: { type: 'string' },
    });
    const where = target('calendar delay', values);
    const received = requiredOption(values.received, 'received', 'calendar delay');
    const answered = requiredOption(values.answered, 'answered', 'calendar delay');
    const { computeDelay } = await import('../../modules/calendar/calendar.service.ts');
    const result = await compute(['--department', '--org', '--received', '--answered'], where, (ctx, allowed) =>
      computeDelay(ctx, { ...where, received, answered }, allowed),
    );
    print(String(result.delay));
    return 0;
  },
};

const holidays: Command = {
  name: 'calendar holidays',
  synopsis: 'calendar holidays --department D|--org S --year A [--json]',
  summary: 'jours fériés d’une année',
  help: `Utilisation : vigie calendar holidays (--department CODE | --org IDENTIFIANT) --year ANNÉE [--json]

Affiche les jours fériés légaux d'une année selon le calendrier du département (métropole,
Alsace-Moselle, Guadeloupe, Martinique, Guyane, La Réunion ou Mayotte) : une ligne par jour,
« AAAA-MM-JJ<tabulation>nom ». Les jours de fermeture d'une organisation n'y figurent pas.

Options :
${TARGET_HELP}
  --year ANNÉE         année, de 2000 à 2100
  --json               écrit un tableau JSON [{ "date", "name" }] au lieu des lignes
  -h, --help           affiche cette aide

Exemple :
  vigie calendar holidays --department 971 --year 2026`,
  async run(argv) {
    const { values } = parseCommand('calendar holidays', argv, {
      department: { type: 'string' },
      org: { type: 'string' },
      year: { type: 'string' },
      json: { type: 'boolean' },
    });
    const where = target('calendar holidays', values);
    const year = integerOption(
      requiredOption(values.year, 'year', 'calendar holidays'),
      'year',
      'une année en chiffres, de 2000 à 2100',
      'calendar holidays',
    );
    const { listHolidays } = await import('../../modules/calendar/calendar.service.ts');
    const result = await compute(['--department', '--org', '--year'], where, (ctx, allowed) =>
      listHolidays(ctx, { ...where, year }, allowed),
    );
    if (values.json) print(JSON.stringify(result.holidays));
    else print(...result.holidays.map((h) => `${h.date}\t${h.name}`));
    return 0;
  },
};

export const calendarCommands: CommandGroup = {
  name: 'calendar',
  summary: 'calendrier des jours ouvrés (échéances, délais, jours fériés)',
  subcommands: [due, delay, holidays],
};
