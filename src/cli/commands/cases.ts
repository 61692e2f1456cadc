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

const indicatorsCommand: Command = {
  name: 'indicators',
  synopsis: 'indicators --org S --period P [--as-of D] [--json]',
  summary: 'indicateurs du registre d’une période',
  help: `Utilisation : vigie indicators --org IDENTIFIANT --period PÉRIODE [--as-of DATE] [--json]

Calcule les indicateurs du registre du périmètre de l'organisation (module 1, et module 4 s'il en
fait partie) pour une période, à une date d'arrêté.

Options :
  --org IDENTIFIANT   organisation
  --period PÉRIODE    un mois (2026-03), un trimestre (2026-Q1) ou une année (2026)
  --as-of DATE        date d'arrêté AAAA-MM-JJ (par défaut : aujourd'hui, dans le fuseau du département)
  --json              sortie JSON : un tableau d'objets { key, label, value, unit, status,
                      provisional, numerator, denominator }
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
    const { registerIndicators } = await import('../../modules/cases/case.service.ts');
    const { departmentTimeZone } = await import('../../modules/organisations/departments.ts');
    const { instantToLocalDate } = await import('../../modules/calendar/local-date.ts');
    const results = await withApp(async (ctx) => {
      const organisation = await getOrganisationBySlug(ctx, slug);
      const timeZone = departmentTimeZone(organisation.department_code);
      const asOf = values['as-of'] ?? instantToLocalDate(ctx.clock.now(), timeZone);
      return registerIndicators(ctx, organisation.id, period, asOf);
    });
    const rows = results.map((r) => ({
      key: r.key,
      label: r.label,
      value: r.status === 'measured' ? r.value : null,
      unit: r.unit,
      status: r.status,
      provisional: r.provisional,
      numerator: r.numerator,
      denominator: r.denominator,
      period: r.period,
      asOf: r.asOf,
      pending: r.cases.pending.length,
    }));
    if (values.json) {
      print(JSON.stringify(rows, null, 2));
      return 0;
    }
    const format = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
    for (const row of rows) {
      const value =
        row.status === 'measured'
          ? `${format.format(row.value ?? 0)}${row.unit === 'percent' ? ' %' : ' j ouvrés'}`
          : 'sans objet';
      print(
        `${row.key.padEnd(18)} ${value.padEnd(14)} (${row.numerator}/${row.denominator})${row.provisional ? ' provisoire' : ''}  ${row.label}`,
      );
    }
    return 0;
  },
};

export const casesCommands: CommandGroup = {
  name: 'cases',
  summary: 'registre des dossiers',
  subcommands: [importCommand, casesPurgeCommand],
};

export { indicatorsCommand };
