import { type Command, parseCommand, print } from '../args.ts';
import { withApp } from '../context.ts';

/**
 * `vigie cases purge [--dry-run]` : efface tout de suite les données personnelles des dossiers clos
 * depuis plus de CASE_PERSONAL_DATA_RETENTION_MONTHS mois (la tâche quotidienne de conservation fait
 * de même). À ajouter aux sous-commandes du groupe `cases` (src/cli/commands/cases.ts).
 */
export const casesPurgeCommand: Command = {
  name: 'cases purge',
  synopsis: 'cases purge [--dry-run]',
  summary: 'efface les données personnelles des dossiers clos au-delà de la durée de conservation',
  help: `Utilisation : vigie cases purge [--dry-run]

Efface les données personnelles des dossiers du registre clos depuis plus de
CASE_PERSONAL_DATA_RETENTION_MONTHS mois (24 par défaut) : nom, adresses électronique et postale du
demandeur, objet, texte, réponse, suites données, pièces jointes et copies dans le journal d'audit.
La nature, le canal, le public, les dates, le service et les thèmes restent pour les indicateurs.
La tâche quotidienne de conservation fait la même chose ; cette commande l'exécute tout de suite.

Options :
  --dry-run    liste les dossiers concernés (une ligne par dossier) sans rien modifier
  -h, --help   affiche cette aide`,
  async run(argv) {
    const { values } = parseCommand('cases purge', argv, { 'dry-run': { type: 'boolean' } });
    const dryRun = values['dry-run'] ?? false;
    const { CLI_ACTOR } = await import('../../modules/audit/audit.service.ts');
    const { purgeCasePersonalData } = await import('../../modules/cases/case-retention.ts');
    const result = await withApp((ctx) => purgeCasePersonalData(ctx, { dryRun, actor: CLI_ACTOR }));
    const count = result.cases.length;
    const limit = result.closedBefore.slice(0, 10);
    if (dryRun) {
      for (const c of result.cases) print(`${c.reference}  clos le ${c.closedAt.slice(0, 10)}`);
      print(
        count === 0
          ? `Simulation : aucun dossier clos avant le ${limit} à effacer.`
          : `Simulation : ${count} dossier${count > 1 ? 's' : ''} clos avant le ${limit} ${count > 1 ? 'seraient effacés' : 'serait effacé'} (rien n’a été modifié).`,
      );
    } else {
      print(
        count === 0
          ? `Aucun dossier clos avant le ${limit} à effacer.`
          : `Données personnelles effacées dans ${count} dossier${count > 1 ? 's' : ''} clos avant le ${limit}.`,
      );
    }
    return 0;
  },
};
