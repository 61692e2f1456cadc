import { z } from 'zod';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { requiredText, validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { insertThemes, updateTheme } from './case.repository.ts';
import { themesOf } from './case.service.ts';

const labelSchema = z.object({
  label: requiredText('Libellé du thème', 120).refine((v) => !/<\s*[a-zA-Z/!]/.test(v), {
    error: 'Libellé du thème : le balisage HTML (« < ») n’est pas accepté.',
  }),
});

/** Taxonomie des thèmes : l'administrateur ajoute, renomme, archive (un thème archivé reste sur les dossiers). */
export async function addTheme(ctx: AppContext, organisationId: string, input: unknown, actor: Actor) {
  const { label } = validate(labelSchema, input);
  const themes = await themesOf(ctx, organisationId, { includeArchived: true });
  if (themes.some((t) => t.label.toLowerCase() === label.toLowerCase())) {
    throw new AppError('validation_failed', { label: `Le thème « ${label} » existe déjà.` });
  }
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertThemes(trx, [
      { id, organisation_id: organisationId, label, archived_at: null, created_at: ctx.clock.now().toISOString() },
    ]);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'theme.created',
      entityType: 'theme',
      entityId: id,
      summary: `Thème « ${label} » ajouté`,
    });
  });
  return id;
}

export async function renameTheme(ctx: AppContext, organisationId: string, themeId: string, input: unknown, actor: Actor) {
  const { label } = validate(labelSchema, input);
  const themes = await themesOf(ctx, organisationId, { includeArchived: true });
  const theme = themes.find((t) => t.id === themeId);
  if (!theme) throw new AppError('not_found', {}, 'Thème introuvable.');
  if (themes.some((t) => t.id !== themeId && t.label.toLowerCase() === label.toLowerCase())) {
    throw new AppError('validation_failed', { label: `Le thème « ${label} » existe déjà.` });
  }
  await ctx.db.transaction().execute(async (trx) => {
    await updateTheme(trx, organisationId, themeId, { label });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'theme.renamed',
      entityType: 'theme',
      entityId: themeId,
      summary: `Thème « ${theme.label} » renommé « ${label} »`,
      before: { label: theme.label },
      after: { label },
    });
  });
}

export async function toggleThemeArchive(ctx: AppContext, organisationId: string, themeId: string, actor: Actor) {
  const theme = (await themesOf(ctx, organisationId, { includeArchived: true })).find((t) => t.id === themeId);
  if (!theme) throw new AppError('not_found', {}, 'Thème introuvable.');
  const archived = theme.archived_at ? null : ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateTheme(trx, organisationId, themeId, { archived_at: archived });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: archived ? 'theme.archived' : 'theme.restored',
      entityType: 'theme',
      entityId: themeId,
      summary: `Thème « ${theme.label} » ${archived ? 'archivé' : 'rétabli'}`,
    });
  });
  return { label: theme.label, archived: archived !== null };
}
