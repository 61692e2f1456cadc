import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, type CommandGroup, parseCommand, print, printError, required, UsageError } from '../args.ts';
import { withApp } from '../context.ts';
import { indicatorsCommand } from './cases.ts';

const SOURCES = ['telephony', 'web_analytics', 'social', 'ants'];

const importCommand: Command = {
  name: 'indicators import',
  synopsis: 'indicators import --org S --source telephony|web_analytics|social|ants FICHIER',
  summary: 'importe les chiffres d’une source (CSV ou XLSX, tout ou rien)',
  help: `Utilisation : vigie indicators import --org IDENTIFIANT --source SOURCE [--year AAAA] [--dry-run] FICHIER

Importe les chiffres mensuels d'une source dans les indicateurs de l'organisation. Formats
(docs/formats/indicateurs-<source>.md, avec un fichier d'exemple chacun) :
  telephony       date, appels_recus, appels_aboutis [, service, note]      → TEL_ABOUTIS
  web_analytics   mois, visites [, note]                                     → WEB_CONNEXION (IM106)
  social          mois, reseau, engagements, impressions, vues [, connexions, note]
                                                → RS_ENGAGEMENT, RS_VUES_JOUR, RS_CONNEXIONS_MOIS
  ants            mois, titre, dossiers_traites [, dossiers_frauduleux, delai_moyen_cert_jours,
                  delai_median_jours, delai_moyen_delivrance_jours, note]
                                                → CIV_TELEPROC_DELAI, CIV_FRAUDE, PC_DELAI_MEDIAN,
                                                  PC_FRAUDE, TP_CNI_PASS, TP_CIV, TP_PC
CSV (virgule ou point-virgule, UTF-8 avec ou sans BOM) ou classeur .xlsx (première feuille). Les
colonnes sont associées comme lors du dernier import de la source (page web), sinon par leur nom.
Tout ou rien : une ligne fautive annule l'import ; les erreurs sont écrites ligne par ligne sur la
sortie d'erreur (code de sortie 1). Un mois déjà importé est remplacé. Les indicateurs hors du
périmètre de l'organisation sont ignorés (signalés).

Options :
  --org IDENTIFIANT   organisation (identifiant court)
  --source SOURCE     telephony, web_analytics, social ou ants
  --year AAAA         année des chiffres : tout mois d'une autre année est refusé (par défaut :
                      l'année de la première ligne du fichier)
  --dry-run           vérifie et annonce le résultat sans rien écrire
  -h, --help          affiche cette aide

Sortie : « N valeurs importées (M mois, remplace R valeurs) ».`,
  async run(argv) {
    const command = 'indicators import';
    const { values, positionals } = parseCommand(
      command,
      argv,
      { org: { type: 'string' }, source: { type: 'string' }, year: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      true,
    );
    const slug = required(values.org, 'org', command);
    const source = required(values.source, 'source', command);
    if (!SOURCES.includes(source)) throw new UsageError(`source « ${source} » inconnue : ${SOURCES.join(', ')}.`, command);
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('indiquez un seul fichier à importer.', command);
    if (values.year !== undefined && !/^\d{4}$/.test(values.year)) throw new UsageError('--year attend une année AAAA.', command);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new UsageError(`fichier illisible ou introuvable : ${file}`, command);
    }
    const { CLI_ACTOR } = await import('../../modules/audit/audit.service.ts');
    const { getOrganisationBySlug } = await import('../../modules/organisations/organisation.service.ts');
    const { importIndicatorFile, readImportFile, yearOfFirstLine } = await import(
      '../../modules/indicators/indicator-import.service.ts'
    );
    const fileName = basename(file);
    const csv = await readImportFile(bytes, fileName);
    const dryRun = Boolean(values['dry-run']);
    const summary = await withApp(async (ctx) => {
      const organisation = await getOrganisationBySlug(ctx, slug);
      const year = values.year ?? (await yearOfFirstLine(ctx, organisation.id, source, csv));
      return importIndicatorFile(ctx, organisation.id, { source, year, csv, fileName }, CLI_ACTOR, { dryRun });
    });
    for (const ignored of summary.ignored) {
      printError(`Ignoré : ${ignored.indicatorKey} (${ignored.values} valeurs), ${ignored.reason}.`);
    }
    for (const warning of summary.warnings) printError(`Remarque : ligne ${warning.line} : ${warning.message}`);
    const count = summary.values.length;
    print(
      `${count} ${count > 1 ? 'valeurs' : 'valeur'} ${dryRun ? 'à importer' : count > 1 ? 'importées' : 'importée'} (${summary.months.length} mois, remplace ${summary.replaced} ${summary.replaced > 1 ? 'valeurs' : 'valeur'})`,
    );
    return 0;
  },
};

/**
 * `vigie indicators` : sans sous-commande, les indicateurs du registre d'une période (commande
 * d'origine, `vigie indicators --org S --period P`) ; `vigie indicators import` pour les fichiers.
 */
export const indicatorsCommands: CommandGroup = {
  name: 'indicators',
  summary: 'indicateurs',
  default: indicatorsCommand,
  subcommands: [importCommand],
};
