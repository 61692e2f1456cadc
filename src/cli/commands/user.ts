import { createInterface } from 'node:readline/promises';
import { isRole, ROLE_LABELS, ROLES } from '../../modules/accounts/roles.ts';
import { type Command, type CommandGroup, parseCommand, print, printError, required, UsageError } from '../args.ts';
import { withApp } from '../context.ts';

async function parseEmail(value: string, command: string): Promise<string> {
  const { emailField } = await import('../../shared/validation.ts');
  const result = emailField.safeParse(value);
  if (!result.success) throw new UsageError(result.error.issues[0]?.message ?? 'Adresse électronique invalide.', command);
  return result.data;
}

/**
 * Mot de passe lu sur l'entrée standard (`echo "…" | vigie user create … --password-stdin`) : il
 * n'apparaît ni dans l'historique du shell ni dans la liste des processus. Seul le saut de ligne final
 * est retiré.
 */
async function readPassword(command: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
    process.stderr.write('Mot de passe : ');
    password = await rl.question('');
    rl.close();
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    password = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (password === '') throw new UsageError('Aucun mot de passe reçu sur l’entrée standard.', command);
  return password;
}

function oneTimePasswordLines(password: string): string[] {
  return [
    'Mot de passe provisoire, à transmettre par un canal sûr (il devra être changé à la première connexion) :',
    `  ${password}`,
  ];
}

const create: Command = {
  name: 'user create',
  synopsis: 'user create --email E --role R [--org S] [--name N] [--password-stdin]',
  summary: 'crée un compte (ou ajoute un rôle à un compte existant)',
  help: `Utilisation : vigie user create --email ADRESSE --role RÔLE [--org IDENTIFIANT] [--name NOM] [--password-stdin]

Crée un compte avec un rôle dans une organisation. Sans --password-stdin, un mot de passe provisoire
est affiché une seule fois ; il devra être changé à la première connexion. Si l'adresse a déjà un
compte, le rôle lui est ajouté et son mot de passe reste inchangé.

Options :
  --email ADRESSE      adresse électronique du compte (identifiant de connexion)
  --role RÔLE          ${ROLES.join(', ')}
  --org IDENTIFIANT    organisation du compte (voir « vigie org list ») ; obligatoire, sauf pour
                       le rôle national qui n'en a aucune
  --name NOM           nom affiché (par défaut : la partie de l'adresse avant @)
  --password-stdin     lit le mot de passe définitif sur l'entrée standard (au moins 12 caractères,
                       lettres et au moins un chiffre ou un symbole)
  -h, --help           affiche cette aide

Rôles :
${ROLES.map((role) => `  ${role.padEnd(11)} ${ROLE_LABELS[role]}`).join('\n')}

Exemples :
  vigie user create --org puy-de-dome --email claire.martin@interieur.gouv.fr --role admin --name "Claire Martin"
  vigie user create --email pilotage@interieur.gouv.fr --role national
  printf '%s\\n' "$MOT_DE_PASSE" | vigie user create --org puy-de-dome --email a@b.fr --role agent --password-stdin`,
  async run(argv) {
    const command = 'user create';
    const { values } = parseCommand(command, argv, {
      org: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    });
    const email = await parseEmail(required(values.email, 'email', command), command);
    const role = required(values.role, 'role', command);
    if (!isRole(role)) throw new UsageError(`Rôle « ${role} » inconnu : ${ROLES.join(', ')}.`, command);
    if (role === 'national' && values.org !== undefined) {
      throw new UsageError('Le rôle national ne se rattache à aucune organisation : retirez --org.', command);
    }
    if (role !== 'national' && values.org === undefined) {
      throw new UsageError(`Option --org obligatoire pour le rôle ${role} (identifiant de l’organisation).`, command);
    }
    const password = values['password-stdin'] ? await readPassword(command) : undefined;
    const { createAccount } = await import('../../modules/accounts/account.service.ts');
    const { CLI_ACTOR } = await import('../../modules/audit/audit.service.ts');
    const { getOrganisationBySlug } = await import('../../modules/organisations/organisation.service.ts');
    const { account, organisationName } = await withApp(async (ctx) => {
      const organisation = values.org === undefined ? null : await getOrganisationBySlug(ctx, values.org);
      const created = await createAccount(
        ctx,
        { email, role, displayName: values.name, organisationId: organisation?.id ?? null, password },
        CLI_ACTOR,
      );
      return { account: created, organisationName: organisation?.name };
    });
    const where = organisationName ? ` dans « ${organisationName} »` : '';
    if (account.userExisted) {
      print(`Compte ${account.email} existant : rôle ${ROLE_LABELS[role]} ajouté${where}.`);
      print('Son mot de passe est inchangé.');
      if (password !== undefined) printError('Attention : le mot de passe reçu sur l’entrée standard a été ignoré.');
      return 0;
    }
    print(`Compte ${account.email} créé : ${ROLE_LABELS[role]}${where}.`);
    if (account.oneTimePassword) print(...oneTimePasswordLines(account.oneTimePassword));
    else print('Mot de passe défini depuis l’entrée standard.');
    return 0;
  },
};

const resetPassword: Command = {
  name: 'user reset-password',
  synopsis: 'user reset-password --email E',
  summary: 'donne un nouveau mot de passe provisoire à un compte (et le déverrouille)',
  help: `Utilisation : vigie user reset-password --email ADRESSE

Remplace le mot de passe du compte par un mot de passe provisoire, affiché une seule fois et à changer
à la première connexion. Lève le verrouillage après trop d'échecs et ferme les sessions ouvertes.
C'est le recours pour un référent qualité ou un compte national qui ne peut plus se connecter.

Options :
  --email ADRESSE   adresse électronique du compte
  -h, --help        affiche cette aide`,
  async run(argv) {
    const command = 'user reset-password';
    const { values } = parseCommand(command, argv, { email: { type: 'string' } });
    const email = await parseEmail(required(values.email, 'email', command), command);
    const { resetPasswordByOperator } = await import('../../modules/accounts/account.service.ts');
    const { CLI_ACTOR } = await import('../../modules/audit/audit.service.ts');
    const result = await withApp((ctx) => resetPasswordByOperator(ctx, email, CLI_ACTOR));
    print(`Mot de passe de ${result.email} réinitialisé : compte déverrouillé, sessions fermées.`);
    print(...oneTimePasswordLines(result.oneTimePassword));
    if (result.disabled) printError('Attention : ce compte est désactivé, il ne pourra pas se connecter pour autant.');
    return 0;
  },
};

export const userCommands: CommandGroup = {
  name: 'user',
  summary: 'comptes',
  subcommands: [create, resetPassword],
};
