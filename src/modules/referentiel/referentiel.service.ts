import type { AppContext } from '../../shared/context.ts';
import type { ModuleRule } from '../organisations/perimeter.ts';
import { readReferentielFile } from './referentiel.data.ts';
import {
  findReferentielVersion,
  listCriteria,
  listEngagements,
  listIndicators,
  listModules,
  replaceReferentiel,
} from './referentiel.repository.ts';

/**
 * Charge le référentiel livré avec Vigie quand la base n'a pas encore cette version exacte (empreinte
 * du fichier). Idempotent : appelé à chaque démarrage et par `vigie migrate`.
 */
export async function ensureReferentiel(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<'loaded' | 'up_to_date'> {
  const { data, hash } = readReferentielFile();
  const current = await findReferentielVersion(ctx.db, data.referentiel.key);
  if (current?.data_hash === hash) return 'up_to_date';
  await ctx.db.transaction().execute(async (trx) => {
    await replaceReferentiel(
      trx,
      {
        key: data.referentiel.key,
        name: data.referentiel.name,
        short_name: data.referentiel.shortName,
        version: data.referentiel.version,
        issuer: data.referentiel.issuer,
        data_hash: hash,
        loaded_at: ctx.clock.now().toISOString(),
      },
      data.modules.map((m) => ({
        number: m.number,
        title: m.title,
        mandatory: m.mandatory,
        scope: m.scope ?? null,
        sources_json: JSON.stringify(m.sources ?? []),
      })),
      data.engagements.map((e) => ({
        number: e.number,
        module_number: e.module,
        text: e.text,
        category: e.category ?? null,
        source: e.source ?? null,
      })),
      data.engagements.flatMap((e) => e.criteria.map((c) => ({ number: c.number, engagement_number: e.number, text: c.text }))),
      data.indicators.map((i, position) => ({
        key: i.key,
        code: i.code,
        label: i.label,
        module_number: i.module,
        engagements_json: JSON.stringify(i.engagements),
        unit: i.unit,
        direction: i.direction,
        period: i.period,
        source: i.source,
        formula: i.formula ?? null,
        position,
      })),
    );
  });
  return 'loaded';
}

export async function moduleRules(ctx: Pick<AppContext, 'db'>): Promise<ModuleRule[]> {
  const modules = await listModules(ctx.db);
  return modules.map((m) => ({ number: Number(m.number), mandatory: m.mandatory }));
}

/** Numéro et titre de chaque module, pour grouper tableaux et cartes. */
export async function moduleTitles(ctx: Pick<AppContext, 'db'>): Promise<{ number: number; title: string }[]> {
  return (await listModules(ctx.db)).map((m) => ({ number: Number(m.number), title: m.title }));
}

export interface ReferentielTree {
  version: { name: string; shortName: string; version: string; issuer: string } | undefined;
  modules: {
    number: number;
    title: string;
    mandatory: 'always' | 'if_cert' | 'optional';
    scope: string | null;
    engagements: {
      number: number;
      text: string;
      category: string | null;
      criteria: { number: string; text: string }[];
      indicators: { key: string; code: string | null; label: string; unit: string; period: string; source: string }[];
    }[];
    /** Indicateurs du module qui ne sont rattachés à aucun engagement connu. */
    otherIndicators: { key: string; code: string | null; label: string; unit: string; period: string; source: string }[];
  }[];
}

export async function referentielTree(ctx: Pick<AppContext, 'db'>): Promise<ReferentielTree> {
  const [version, modules, engagements, criteria, indicators] = await Promise.all([
    findReferentielVersion(ctx.db, 'qualepref'),
    listModules(ctx.db),
    listEngagements(ctx.db),
    listCriteria(ctx.db),
    listIndicators(ctx.db),
  ]);
  const indicatorView = (i: (typeof indicators)[number]) => ({
    key: i.key,
    code: i.code,
    label: i.label,
    unit: i.unit,
    period: i.period,
    source: i.source,
  });
  return {
    version: version && {
      name: version.name,
      shortName: version.short_name,
      version: version.version,
      issuer: version.issuer,
    },
    modules: modules.map((m) => {
      const moduleEngagements = engagements.filter((e) => Number(e.module_number) === Number(m.number));
      const engagementNumbers = new Set(moduleEngagements.map((e) => Number(e.number)));
      const moduleIndicators = indicators.filter((i) => Number(i.module_number) === Number(m.number));
      return {
        number: Number(m.number),
        title: m.title,
        mandatory: m.mandatory,
        scope: m.scope,
        engagements: moduleEngagements.map((e) => ({
          number: Number(e.number),
          text: e.text,
          category: e.category,
          criteria: criteria
            .filter((c) => Number(c.engagement_number) === Number(e.number))
            .map((c) => ({ number: c.number, text: c.text })),
          indicators: moduleIndicators
            .filter((i) => (JSON.parse(i.engagements_json) as number[]).includes(Number(e.number)))
            .map(indicatorView),
        })),
        otherIndicators: moduleIndicators
          .filter((i) => !(JSON.parse(i.engagements_json) as number[]).some((n) => engagementNumbers.has(n)))
          .map(indicatorView),
      };
    }),
  };
}
