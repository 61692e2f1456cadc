import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { IMPORT_SOURCES } from '../../modules/indicators/indicator-catalogue.ts';
import { type Command, type CommandGroup, parseCommand, print, printError, required, UsageError } from '../args.ts';
import { withApp } from '../context.ts';

const SOURCES: readonly string[] = IMPORT_SOURCES;

const importCommand: Command = {
  name: 'indicators import',
  synopsis: 'indicators import --org S --source telephony|web_analytics|social|ants|local FICHIER',
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
  local           mois, indicateur, valeur | numerateur + denominateur [, statut, note]
                                                → les indicateurs locaux de l'organisation, nommés
                                                  par leur clé LOC_… ou leur libellé
CSV (virgule ou point-virgule, UTF-8 avec ou sans BOM) ou classeur .xlsx (première feuille). Les
colonnes sont associées comme lors du dernier import de la source (page web), sinon par leur nom.
Tout ou rien : une ligne fautive annule l'import ; les erreurs sont écrites ligne par ligne sur la
sortie d'erreur (code de sortie 1). Un mois déjà importé est remplacé. Les indicateurs hors du
périmètre de l'organisation sont ignorés (signalés).

Options :
  --org IDENTIFIANT   organisation (identifiant court)
  --source SOURCE     telephony, web_analytics, social, ants ou local
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

const periodCommand: Command = {
  name: 'indicators',
  synopsis: 'indicators --org S --period P [--as-of D] [--json]',
  summary: 'valeur de chaque indicateur du périmètre pour une période',
  help: `Utilisation : vigie indicators --org IDENTIFIANT --period PÉRIODE [--as-of DATE] [--json]

Donne, pour une période, la valeur de chaque indicateur du périmètre de l'organisation : calculés
(registre, enquêtes), importés, saisis, et indicateurs locaux — la case correspondante du tableau
de l'année, avec sa cible.

Options :
  --org IDENTIFIANT   organisation
  --period PÉRIODE    un mois (2026-03), un trimestre (2026-Q1) ou une année (2026, cumul à la date d'arrêté)
  --as-of DATE        date d'arrêté AAAA-MM-JJ (par défaut : aujourd'hui, dans le fuseau du département)
  --json              sortie JSON : un tableau d'objets { key, code, label, value, unit, source, status,
                      provisional, numerator, denominator, note, target, targetStatus, period, asOf }
  -h, --help          affiche cette aide`,
  async run(argv) {
    const { values } = parseCommand('indicators', argv, {
      org: { type: 'string' },
      period: { type: 'string' },
      'as-of': { type: 'string' },
      json: { type: 'boolean' },
    });
    const slug = required(values.org, 'org', 'indicators');
    const period = required(values.period, 'period', 'indicators');
    const { getOrganisationBySlug } = await import('../../modules/organisations/organisation.service.ts');
    const { indicatorsForPeriod } = await import('../../modules/indicators/indicator.service.ts');
    const { valueText } = await import('../../modules/indicators/indicator-number.ts');
    const rows = await withApp(async (ctx) => {
      const organisation = await getOrganisationBySlug(ctx, slug);
      return indicatorsForPeriod(ctx, organisation.id, period, values['as-of']);
    });
    if (values.json) {
      print(JSON.stringify(rows, null, 2));
      return 0;
    }
    for (const row of rows) {
      const value =
        row.status === 'measured' && row.value !== null
          ? valueText(row.value, row.unit as Parameters<typeof valueText>[1])
          : row.status === 'not_applicable'
            ? 'sans objet'
            : 'non disponible';
      const fraction = row.numerator !== null && row.denominator !== null ? ` (${row.numerator}/${row.denominator})` : '';
      print(
        `${row.key.padEnd(20)} ${value.padEnd(16)}${fraction}${row.provisional ? ' provisoire' : ''}${row.target ? `  cible ${row.target}` : ''}  ${row.label}`,
      );
    }
    return 0;
  },
};

const tableCommand: Command = {
  name: 'indicators table',
  synopsis: 'indicators table --org S --year 2026 (--xlsx FICHIER | --csv FICHIER)',
  summary: 'exporte le tableau de l’année (XLSX mis en forme ou CSV)',
  help: `Utilisation : vigie indicators table --org IDENTIFIANT --year AAAA (--xlsx FICHIER | --csv FICHIER) [--as-of DATE]

Écrit le tableau des indicateurs d'une année, celui des CLU : une ligne par indicateur du périmètre,
sa cible, une colonne par mois, par trimestre et le cumul de l'année. XLSX : mis en forme, cases
colorées selon la cible, note sur chaque case (provisoire, raison d'un « sans objet ») ; CSV : point-virgule,
UTF-8 avec BOM, « sans objet » et « n.d. » écrits en toutes lettres.

Options :
  --org IDENTIFIANT   organisation
  --year AAAA         année du tableau
  --xlsx FICHIER      écrit un classeur XLSX
  --csv FICHIER       écrit un fichier CSV
  --as-of DATE        date d'arrêté AAAA-MM-JJ (par défaut : aujourd'hui)
  -h, --help          affiche cette aide`,
  async run(argv) {
    const command = 'indicators table';
    const { values } = parseCommand(command, argv, {
      org: { type: 'string' },
      year: { type: 'string' },
      xlsx: { type: 'string' },
      csv: { type: 'string' },
      'as-of': { type: 'string' },
    });
    const slug = required(values.org, 'org', command);
    const year = required(values.year, 'year', command);
    if (!values.xlsx === !values.csv) throw new UsageError('indiquez soit --xlsx FICHIER, soit --csv FICHIER.', command);
    const { getOrganisationBySlug } = await import('../../modules/organisations/organisation.service.ts');
    const { indicatorYearTable } = await import('../../modules/indicators/indicator.service.ts');
    const { indicatorTableCsv, indicatorTableXlsx } = await import('../../modules/indicators/indicator-export.ts');
    const { moduleTitles } = await import('../../modules/referentiel/referentiel.service.ts');
    const { bytes, rows } = await withApp(async (ctx) => {
      const organisation = await getOrganisationBySlug(ctx, slug);
      const table = await indicatorYearTable(ctx, organisation.id, year, values['as-of']);
      const modules = await moduleTitles(ctx);
      return {
        bytes: values.xlsx ? await indicatorTableXlsx([table], modules, organisation.name) : indicatorTableCsv(table, modules),
        rows: table.rows.length,
      };
    });
    const out = values.xlsx ?? values.csv ?? '';
    writeFileSync(out, bytes);
    print(`Tableau ${year} écrit : ${out} (${rows} indicateurs)`);
    return 0;
  },
};

/**
 * `vigie indicators` : sans sous-commande, chaque indicateur du périmètre pour une période
 * (`vigie indicators --org S --period P`) ; `import` pour les fichiers, `table` pour le tableau de l'année.
 */
export const indicatorsCommands: CommandGroup = {
  name: 'indicators',
  summary: 'indicateurs',
  default: periodCommand,
  subcommands: [importCommand, tableCommand],
};
