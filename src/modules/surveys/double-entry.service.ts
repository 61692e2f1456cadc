/**
 * Double saisie de contrôle des formulaires papier (facultative) : un agent ressaisit un formulaire déjà
 * saisi, par son numéro ; identique → le formulaire est vérifié ; différent → les écarts sont gardés,
 * question par question, jusqu'à ce qu'un agent choisisse la bonne valeur (la réponse enregistrée est alors
 * corrigée, avec audit).
 *
 * Décisions :
 * - c'est un contrôle, jamais un frein : un formulaire saisi une seule fois compte normalement, un écart
 *   non arbitré aussi (avec sa première saisie) ; seule la correction change les résultats ;
 * - en mode contrôle, un numéro encore inconnu est une première saisie ordinaire (`submitResponse`) : la
 *   pile peut mêler formulaires neufs et formulaires à contrôler ;
 * - la seconde saisie peut venir du même agent ou d'un autre ; elle a son propre identifiant, choisi à
 *   l'affichage : renvoyée deux fois (double clic), elle n'est comptée qu'une fois ;
 * - un seul contrôle par réponse, le dernier : une troisième saisie refait la comparaison avec la réponse
 *   telle qu'elle est enregistrée (corrigée ou non) ;
 * - les valeurs de la seconde saisie ne sont gardées que tant que l'écart attend son arbitrage ; leur
 *   commentaire suit la conservation des commentaires (comment-retention.ts) ;
 * - comme la saisie, le contrôle et la correction exigent une campagne ouverte : les résultats d'une
 *   campagne close ne bougent plus.
 */
import { z } from 'zod';
import type { AppContext } from '../../shared/context.ts';
import { AppError, type FieldErrors, isAppError } from '../../shared/errors.ts';
import { newId, newOrderedId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { recordAudit } from '../audit/audit.service.ts';
import {
  type FormCheckRow,
  findCheck,
  findCheckByResponse,
  insertCheck,
  listCheckAnswers,
  listConflicts,
  type PaperFormCounts,
  paperFormCounts,
  replaceCheckAnswers,
  replaceResponseAnswers,
  updateCheck,
} from './double-entry.repository.ts';
import { changedKeys, compareEntries, type EntryDifference, entryValuesOf, resolvedValues } from './double-entry.ts';
import type { Questionnaire } from './questionnaire.ts';
import {
  findCampaignOfOrganisation,
  findResponse,
  findResponseByFormNumber,
  findUserLabel,
  listResponseAnswers,
  type SurveyResponseRow,
} from './response.repository.ts';
import {
  availability,
  type CollectionPoint,
  checkAnswers,
  type EntryAgent,
  entryPoint,
  submitResponse,
} from './response.service.ts';

const controlEntrySchema = z.object({
  entryId: z.uuid({ error: 'Identifiant de saisie : rechargez la page puis recommencez.' }),
  formNumber: z
    .string({ error: 'Numéro du formulaire : obligatoire en double saisie de contrôle.' })
    .trim()
    .min(1, {
      error: 'Numéro du formulaire : obligatoire en double saisie de contrôle (c’est lui qui retrouve la première saisie).',
    })
    .max(40, { error: 'Numéro du formulaire : 40 caractères au plus.' }),
});

export type ControlOutcome =
  /** Numéro encore inconnu : enregistré comme première saisie (`duplicate` : le même envoi déjà reçu). */
  | { status: 'first_entry'; responseId: string; duplicate: boolean }
  | { status: 'verified'; checkId: string; responseId: string }
  | { status: 'conflict'; checkId: string; responseId: string; differences: number };

/** Une campagne close ou hors période ne reçoit ni saisie, ni contrôle, ni correction. */
function assertOpen(ctx: AppContext, point: CollectionPoint): void {
  const now = ctx.clock.now();
  if (point.target.closed_at !== null && now.toISOString() >= point.target.closed_at) throw new AppError('survey_closed');
  const state = availability(point, now);
  if (state === 'closed') throw new AppError('survey_closed');
  if (state === 'not_open') throw new AppError('survey_not_yet_open');
}

function outcomeOf(check: FormCheckRow): ControlOutcome {
  return check.status === 'verified'
    ? { status: 'verified', checkId: check.id, responseId: check.response_id }
    : { status: 'conflict', checkId: check.id, responseId: check.response_id, differences: check.differences };
}

function questionLabel(questionnaire: Questionnaire, key: string): string {
  return questionnaire.questions.find((q) => q.key === key)?.label ?? key;
}

function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${(error as { code?: unknown }).code ?? ''}` : '';
  return /UNIQUE|unique|23505/.test(text);
}

/**
 * Une saisie en mode « double saisie de contrôle » sur un point papier : première saisie si le numéro est
 * inconnu, sinon comparaison avec la réponse enregistrée sous ce numéro (voir les décisions en tête).
 */
export async function submitControlEntry(
  ctx: AppContext,
  point: CollectionPoint,
  input: { entryId: unknown; formNumber: unknown; answers: Record<string, string | string[]> },
  agent: EntryAgent,
): Promise<ControlOutcome> {
  const { target } = point;
  if (target.point_mode !== 'paper' || target.organisation_id !== agent.organisationId) {
    throw new AppError(
      'not_found',
      {},
      'Point de collecte introuvable : la double saisie ne concerne que les formulaires papier.',
    );
  }
  const { entryId, formNumber } = validate(controlEntrySchema, { entryId: input.entryId, formNumber: input.formNumber });
  assertOpen(ctx, point);
  const second = checkAnswers(point.questionnaire, input.answers);
  if (second.size === 0) throw new AppError('validation_failed', { answers: 'Répondez au moins à une question.' });

  for (let attempt = 0; ; attempt++) {
    const existing = await findResponseByFormNumber(ctx.db, target.campaign_id, formNumber);
    if (!existing || existing.id === entryId) {
      try {
        const saved = await submitResponse(
          ctx,
          {
            responseId: entryId,
            pointId: target.point_id,
            answers: input.answers,
            formNumber,
            enteredBy: agent.actor.userId ?? undefined,
          },
          agent,
        );
        return { status: 'first_entry', responseId: saved.responseId, duplicate: saved.status === 'duplicate' };
      } catch (error) {
        // Un autre agent vient de saisir ce numéro : c'est désormais une seconde saisie.
        if (attempt === 0 && isAppError(error) && error.code === 'survey_form_number_taken') continue;
        throw error;
      }
    }
    try {
      return await compareWithFirstEntry(ctx, point, existing, { entryId, formNumber, second }, agent);
    } catch (error) {
      // Deux secondes saisies simultanées du même formulaire : la contrainte d'unicité tranche, on relit.
      if (attempt === 0 && !isAppError(error) && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

async function compareWithFirstEntry(
  ctx: AppContext,
  point: CollectionPoint,
  response: SurveyResponseRow,
  entry: { entryId: string; formNumber: string; second: Map<string, string[]> },
  agent: EntryAgent,
): Promise<ControlOutcome> {
  const previous = await findCheckByResponse(ctx.db, response.id);
  if (previous?.entry_id === entry.entryId) return outcomeOf(previous);
  const first = entryValuesOf(await listResponseAnswers(ctx.db, response.id));
  const differences = compareEntries(point.questionnaire, first, entry.second);
  const status = differences.length === 0 ? 'verified' : 'conflict';
  const now = ctx.clock.now().toISOString();
  const { target } = point;
  return ctx.db.transaction().execute(async (trx) => {
    const current = await findCheckByResponse(trx, response.id);
    if (current?.entry_id === entry.entryId) return outcomeOf(current);
    const row = {
      status,
      entry_id: entry.entryId,
      entered_by_user_id: agent.actor.userId,
      entered_at: now,
      differences: differences.length,
      resolved_by_user_id: null,
      resolved_at: null,
      corrected_keys: null,
      updated_at: now,
    } as const;
    const checkId = current?.id ?? newId();
    if (current) await updateCheck(trx, checkId, row);
    else {
      await insertCheck(trx, {
        id: checkId,
        organisation_id: target.organisation_id,
        campaign_id: target.campaign_id,
        response_id: response.id,
        form_number: entry.formNumber,
        ...row,
      });
    }
    await replaceCheckAnswers(
      trx,
      checkId,
      status === 'verified'
        ? []
        : [...entry.second].flatMap(([key, list]) =>
            list.map((value) => ({ id: newId(), check_id: checkId, campaign_id: target.campaign_id, question_key: key, value })),
          ),
    );
    await recordAudit(trx, ctx.clock, {
      organisationId: target.organisation_id,
      actor: agent.actor,
      action: status === 'verified' ? 'survey_form_check.verified' : 'survey_form_check.conflict',
      entityType: 'survey_response',
      entityId: response.id,
      // Les questions en écart, jamais leurs valeurs : le commentaire peut contenir une donnée personnelle.
      summary:
        status === 'verified'
          ? `Formulaire papier n° ${entry.formNumber} vérifié (seconde saisie identique) — ${target.campaign_name}`
          : `Formulaire papier n° ${entry.formNumber} : ${differences.length} écart${differences.length > 1 ? 's' : ''} de double saisie (${differences.map((d) => questionLabel(point.questionnaire, d.key)).join(', ')}) — ${target.campaign_name}`,
    });
    return status === 'verified'
      ? { status: 'verified', checkId, responseId: response.id }
      : { status: 'conflict', checkId, responseId: response.id, differences: differences.length };
  });
}

export interface FormCheckDetail {
  check: FormCheckRow;
  point: CollectionPoint;
  response: SurveyResponseRow;
  first: Map<string, string[]>;
  second: Map<string, string[]>;
  differences: EntryDifference[];
  firstEnteredBy: string | null;
  secondEnteredBy: string | null;
}

/** Un contrôle de la campagne (jamais d'une autre organisation), avec les deux saisies et leurs écarts. */
export async function formCheckDetail(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  checkId: string,
): Promise<FormCheckDetail> {
  const check = await findCheck(ctx.db, organisationId, campaignId, checkId);
  const response = check ? await findResponse(ctx.db, check.response_id) : undefined;
  if (!check || !response) throw new AppError('not_found', {}, 'Contrôle de double saisie introuvable.');
  const point = await entryPoint(ctx, organisationId, campaignId, response.collection_point_id);
  const [firstRows, secondRows, firstEnteredBy, secondEnteredBy] = await Promise.all([
    listResponseAnswers(ctx.db, response.id),
    listCheckAnswers(ctx.db, check.id),
    response.entered_by_user_id ? findUserLabel(ctx.db, response.entered_by_user_id) : undefined,
    check.entered_by_user_id ? findUserLabel(ctx.db, check.entered_by_user_id) : undefined,
  ]);
  const first = entryValuesOf(firstRows);
  const second = entryValuesOf(secondRows);
  return {
    check,
    point,
    response,
    first,
    second,
    differences: check.status === 'conflict' ? compareEntries(point.questionnaire, first, second) : [],
    firstEnteredBy: firstEnteredBy ?? null,
    secondEnteredBy: secondEnteredBy ?? null,
  };
}

function formString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Nom du champ de choix d'une question en écart (`choice.<clé>`). */
export function choiceField(key: string): string {
  return `choice.${key}`;
}

/**
 * Arbitrage d'un écart : pour chaque question en écart, la première ou la seconde saisie (`choice.<clé>`).
 * La réponse enregistrée est corrigée là où la seconde saisie est retenue, dans une transaction avec le
 * contrôle (vérifié) et l'audit. `entryId` est celui de la seconde saisie affichée : si une autre est
 * arrivée entre-temps, l'arbitrage est refusé plutôt qu'appliqué à des écarts que l'agent n'a pas vus.
 */
export async function resolveFormCheck(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  checkId: string,
  body: Record<string, unknown>,
  agent: EntryAgent,
): Promise<{ formNumber: string; corrected: string[] }> {
  const detail = await formCheckDetail(ctx, organisationId, campaignId, checkId);
  const { check, point, response } = detail;
  if (check.status !== 'conflict') throw new AppError('survey_form_check_resolved');
  if (formString(body, 'entryId') !== check.entry_id) throw new AppError('survey_form_check_stale');
  assertOpen(ctx, point);
  const { questionnaire } = point;

  const choices = Object.fromEntries(detail.differences.map((d) => [d.key, formString(body, choiceField(d.key))]));
  const { values, missing } = resolvedValues(detail.first, detail.second, detail.differences, choices);
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      Object.fromEntries(
        missing.map((key) => [
          choiceField(key),
          `« ${questionLabel(questionnaire, key)} » : choisissez la première ou la seconde saisie, d’après le formulaire papier.`,
        ]),
      ),
    );
  }
  let kept: Map<string, string[]>;
  try {
    kept = checkAnswers(questionnaire, Object.fromEntries(values));
  } catch (error) {
    if (!isAppError(error) || error.code !== 'validation_failed') throw error;
    // Des choix pris dans l'une et l'autre saisie peuvent se contredire (question conditionnelle).
    const fields: FieldErrors = {};
    for (const [field, message] of Object.entries(error.fields)) {
      const key = field.startsWith('answers.') ? field.slice('answers.'.length) : field;
      const at = detail.differences.some((d) => d.key === key) ? choiceField(key) : 'choices';
      fields[at] ??= `Ces choix se contredisent : ${message}`;
    }
    throw new AppError('validation_failed', fields);
  }
  const corrected = changedKeys(questionnaire, detail.first, kept);
  const now = ctx.clock.now().toISOString();
  const { target } = point;

  await ctx.db.transaction().execute(async (trx) => {
    const current = await findCheck(trx, organisationId, campaignId, checkId);
    if (current?.status !== 'conflict') throw new AppError('survey_form_check_resolved');
    if (current.entry_id !== check.entry_id) throw new AppError('survey_form_check_stale');
    await replaceResponseAnswers(
      trx,
      response.id,
      corrected,
      corrected.flatMap((key) =>
        (kept.get(key) ?? []).map((value) => ({
          id: newOrderedId(),
          response_id: response.id,
          campaign_id: response.campaign_id,
          question_key: key,
          value,
        })),
      ),
    );
    await updateCheck(trx, check.id, {
      status: 'verified',
      resolved_by_user_id: agent.actor.userId,
      resolved_at: now,
      corrected_keys: corrected.length > 0 ? JSON.stringify(corrected) : null,
      updated_at: now,
    });
    await replaceCheckAnswers(trx, check.id, []);
    const auditValues = (source: ReadonlyMap<string, readonly string[]>) =>
      Object.fromEntries(
        corrected.map((key) => [
          key,
          // Le texte d'un commentaire n'entre pas dans le journal (donnée personnelle possible).
          questionnaire.questions.find((q) => q.key === key)?.type === 'comment' ? '(commentaire)' : [...(source.get(key) ?? [])],
        ]),
      );
    await recordAudit(trx, ctx.clock, {
      organisationId: target.organisation_id,
      actor: agent.actor,
      action: corrected.length > 0 ? 'survey_response.corrected' : 'survey_form_check.resolved',
      entityType: 'survey_response',
      entityId: response.id,
      summary:
        corrected.length > 0
          ? `Formulaire papier n° ${check.form_number} corrigé après double saisie (${corrected.map((k) => questionLabel(questionnaire, k)).join(', ')}) — ${target.campaign_name}`
          : `Formulaire papier n° ${check.form_number} : écart arbitré, première saisie confirmée — ${target.campaign_name}`,
      ...(corrected.length > 0 ? { before: auditValues(detail.first), after: auditValues(kept) } : {}),
    });
  });
  return { formNumber: check.form_number, corrected };
}

export interface PaperFormSummary extends PaperFormCounts {
  /** Formulaires numérotés sans seconde saisie. */
  pending: number;
}

/** Où en est la double saisie des formulaires papier d'une campagne (page de la campagne, saisie). */
export async function paperFormSummary(ctx: AppContext, organisationId: string, campaignId: string): Promise<PaperFormSummary> {
  const counts = await paperFormCounts(ctx.db, organisationId, campaignId);
  return { ...counts, pending: Math.max(0, counts.numbered - counts.verified - counts.conflict) };
}

/** Écarts de la campagne qui attendent un arbitrage. */
export async function campaignConflicts(ctx: AppContext, organisationId: string, campaignId: string) {
  const campaign = await findCampaignOfOrganisation(ctx.db, organisationId, campaignId);
  if (!campaign) throw new AppError('not_found', {}, 'Campagne introuvable.');
  const rows = await listConflicts(ctx.db, organisationId, campaignId);
  const users = new Map<string, string | undefined>();
  for (const id of rows.flatMap((r) => [r.entered_by_user_id, r.first_entered_by_user_id])) {
    if (id && !users.has(id)) users.set(id, await findUserLabel(ctx.db, id));
  }
  return {
    campaign,
    summary: await paperFormSummary(ctx, organisationId, campaignId),
    conflicts: rows.map((r) => ({
      ...r,
      firstEnteredBy: (r.first_entered_by_user_id && users.get(r.first_entered_by_user_id)) || null,
      secondEnteredBy: (r.entered_by_user_id && users.get(r.entered_by_user_id)) || null,
    })),
  };
}
