import { type Command, type CommandGroup, parseCommand, print, required } from '../args.ts';
import { withApp } from '../context.ts';

const create: Command = {
  name: 'org create',
  synopsis: 'org create --slug S --name N --department D [--cert]',
  summary: 'crée une organisation (préfecture)',
  help: `Utilisation : vigie org create --slug IDENTIFIANT --name NOM --department CODE [--cert]

Crée une organisation avec son site principal (la préfecture, au chef-lieu) et son périmètre par défaut.

Options :
  --slug IDENTIFIANT   identifiant court : minuscules sans accent, chiffres et tirets (ex. puy-de-dome)
  --name NOM           nom affiché (ex. « Préfecture du Puy-de-Dôme »)
  --department CODE    code du département (ex. 63, 2A, 974)
  --cert               la préfecture a un CERT (le module 2 devient obligatoire)
  -h, --help           affiche cette aide

Exemple :
  vigie org create --slug puy-de-dome --name "Préfecture du Puy-de-Dôme" --department 63 --cert`,
  async run(argv) {
    const { values } = parseCommand('org create', argv, {
      slug: { type: 'string' },
      name: { type: 'string' },
      department: { type: 'string' },
      cert: { type: 'boolean' },
    });
    const input = {
      slug: required(values.slug, 'slug', 'org create'),
      name: required(values.name, 'name', 'org create'),
      department: required(values.department, 'department', 'org create'),
      hasCert: values.cert ? 'true' : '',
    };
    const { CLI_ACTOR } = await import('../../modules/audit/audit.service.ts');
    const { createOrganisation } = await import('../../modules/organisations/organisation.service.ts');
    const { findDepartment } = await import('../../modules/organisations/departments.ts');
    const organisation = await withApp((ctx) => createOrganisation(ctx, input, CLI_ACTOR));
    const department = findDepartment(organisation.department_code);
    print(
      `Organisation « ${organisation.name} » créée (identifiant ${organisation.slug}, département ${organisation.department_code}${
        department ? ` — ${department.name}` : ''
      }${organisation.has_cert ? ', avec CERT' : ''}).`,
    );
    return 0;
  },
};

const list: Command = {
  name: 'org list',
  synopsis: 'org list',
  summary: 'liste les organisations',
  help: `Utilisation : vigie org list

Affiche une ligne par organisation : identifiant, département, nom.

Options :
  -h, --help   affiche cette aide`,
  async run(argv) {
    parseCommand('org list', argv, {});
    const { listOrganisations } = await import('../../modules/organisations/organisation.repository.ts');
    const organisations = await withApp((ctx) => listOrganisations(ctx.db));
    if (organisations.length === 0) {
      print('Aucune organisation. Créez-en une avec « vigie org create ».');
      return 0;
    }
    const width = Math.max(...organisations.map((o) => o.slug.length));
    print(
      ...organisations.map(
        (o) =>
          `${o.slug.padEnd(width)}  ${o.department_code.padEnd(3)}  ${o.name}${Number(o.is_demo) === 1 && !o.name.includes('démonstration') ? ' [démonstration]' : ''}`,
      ),
    );
    return 0;
  },
};

export const orgCommands: CommandGroup = {
  name: 'org',
  summary: 'organisations (préfectures)',
  subcommands: [create, list],
};
