import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, type CommandGroup, parseCommand, print, required, UsageError } from '../args.ts';
import { withApp } from '../context.ts';
import { casesPurgeCommand } from './cases-purge.ts';

const importCommand: Command = {
  name: 'cases import',
  synopsis: 'cases import --org S FICHIER.csv',
  summary: 'importe des dossiers du registre depuis un CSV (tout ou rien)',
  help: `Utilisation : vigie cases import --org IDENTIFIANT [--dry-run] FICHIER.csv

Importe des dossiers dans le registre de l'organisation. Format (docs/formats/registre.md) : en-tête
reference,kind,channel,received_at,answered_at,service et, au choix, subject,theme,audience,target ;
virgule ou point-virgule ; UTF-8 (avec ou sans BOM) ou Windows-1252. Les services inconnus sont créés.
Une référence déjà importée est mise à jour (réponse, service, thèmes, objet) ; une autre nature, un
autre canal ou une autre réception est une erreur. Tout ou rien : une ligne fautive annule l'import.

Options :
  --org IDENTIFIANT   organisation (identifiant court)
  --dry-run           vérifie et annonce le résultat sans rien écrire
  -h, --help          affiche cette aide

Sortie : « N dossiers importés (C créés, U mis à jour, S inchangés) ».`,
  async run(argv) {
    const { values, positionals } = parseCommand(
      'cases import',
      argv,
      { org: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      true,
    );
    const slug = required(values.org, 'org', 'cases import');
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('indiquez un seul fichier CSV à importer.', 'cases import');
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new UsageError(`fichier illisible ou introuvable : ${file}`, 'cases import');
    }
    const { CLI_ACTOR } = await import('../../modules/audit/audit.service.ts');
    const { getOrganisationBySlug } = await import('../../modules/organisations/organisation.service.ts');
    const { importCases } = await import('../../modules/cases/case-import.service.ts');
    const summary = await withApp(async (ctx) => {
      const organisation = await getOrganisationBySlug(ctx, slug);
      return importCases(ctx, organisation.id, bytes, CLI_ACTOR, {
        dryRun: Boolean(values['dry-run']),
        fileName: basename(file),
      });
    });
    const line = `${summary.total} dossiers ${values['dry-run'] ? 'à importer' : 'importés'} (${summary.created} créés, ${summary.updated} mis à jour, ${summary.unchanged} inchangés)`;
    print(line);
    return 0;
  },
};

export const casesCommands: CommandGroup = {
  name: 'cases',
  summary: 'registre des dossiers',
  subcommands: [importCommand, casesPurgeCommand],
};
