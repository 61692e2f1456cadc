import { AGENT_MODES, PUBLIC_MODES } from './collection-mode.ts';

/**
 * Collecte des réponses aux enquêtes : un seul point d'entrée, `submitResponse`, pour tous les modes
 * (formulaire public par lien ou QR code, borne, saisie papier et téléphone par un agent).
 *
 * Décisions :
 * - **Questions conditionnelles** (`showIf`) : une réponse à une question dont la condition n'est pas
 *   remplie est *ignorée* (contrôlée, puis non enregistrée), pas refusée. Le formulaire sans JavaScript
 *   affiche toutes les questions à la fois : refuser obligerait la personne à effacer une réponse qu'elle
 *   a donnée de bonne foi. Une question obligatoire n'est exigée que si elle est affichée.
 * - **Idempotence** : l'identifiant de la réponse est choisi par le client. Le même identifiant renvoyé
 *   avec les mêmes valeurs (même point, mêmes réponses, même numéro de formulaire) est un succès sans
 *   doublon ; avec d'autres valeurs, c'est un rejeu falsifié : refusé (`survey_response_conflict`).
 * - **Abus** : une durée déclarée de moins de 3 s par question répondue, ou plus de
 *   `BURST_LIMIT.responses` réponses d'un même point public en `BURST_LIMIT.windowSeconds` s, *signalent*
 *   la réponse (`flagged_reason`) : elle est enregistrée, jamais écartée en silence ; les résultats
 *   peuvent l'exclure ou la montrer. Le débit d'un point est tenu en mémoire sur SQLite (un seul processus
 *   reçoit les réponses, `burst-window.ts`) et compté en base sur PostgreSQL (plusieurs serveurs possibles).
 * - **Points publics en mémoire courte** (`point-cache.ts`) : relus au plus toutes les 2 s, oubliés dès
 *   qu'une campagne est modifiée ou close, un point archivé ou une borne révoquée dans le processus.
 * - **Audit** : une réponse publique (lien, QR code, borne) n'écrit pas de ligne d'audit — la ligne de
 *   `survey_responses` est elle-même la trace horodatée (point, réception, signalement), et le compte des
 *   réponses d'un point en est le compteur. Une saisie d'agent (papier, téléphone) est auditée, dans la
 *   même transaction que la réponse.
 * - **Période** : la campagne doit être ouverte à la date locale (fuseau du département) du moment de la
 *   réponse (`answeredAt`, horloge de la borne pour une réponse envoyée plus tard, sinon la réception) ; une
 *   campagne close n'accepte plus rien après sa clôture.
 */

import { groupCommitOf } from '../../db/group-commit.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError, type FieldErrors } from '../../shared/errors.ts';
import { newOrderedId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { forgetPublicReceipt, recordPublicReceipt } from './burst-window.ts';
import { pointCacheOf } from './point-cache.ts';
import { answerOptions, type Question, type Questionnaire, questionnaireSchema } from './questionnaire.ts';
import {
  type CollectionTarget,
  countPointResponses,
  countPointResponsesSince,
  findCampaignOfOrganisation,
  findResponse,
  findResponseByFormNumber,
  findTargetByPointId,
  findTargetByToken,
  findUserLabel,
  insertAnswers,
  insertResponses,
  listCampaignPoints,
  listResponseAnswers,
  responseExists,
  type SurveyResponseRow,
} from './response.repository.ts';
import { submitResponseSchema } from './response.schemas.ts';
import type { CollectionMode } from './survey.table.ts';

/** Durée minimale plausible par question répondue. */
export const MIN_MS_PER_QUESTION = 3000;
/** Débit anormal d'un point public (borne, QR code). */
export const BURST_LIMIT = { responses: 30, windowSeconds: 60 } as const;
/** Avance tolérée de l'horloge d'un appareil sur celle du serveur. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Un agent qui saisit (papier, téléphone) : le point doit appartenir à son organisation. */
export interface EntryAgent {
  organisationId: string;
  actor: Actor;
}

export interface SubmitResult {
  status: 'created' | 'duplicate';
  responseId: string;
  campaignId: string;
  pointId: string;
  mode: CollectionMode;
  flaggedReason: string | null;
}

export interface CollectionPoint {
  target: CollectionTarget;
  questionnaire: Questionnaire;
  timeZone: string;
}

// Un questionnaire sans réponse peut encore être modifié sur place : la clé inclut sa date de mise à jour.
const parsedQuestionnaires = new Map<string, Questionnaire>();

function questionnaireOf(target: CollectionTarget): Questionnaire {
  const key = `${target.questionnaire_id}@${target.questionnaire_updated_at}`;
  let parsed = parsedQuestionnaires.get(key);
  if (!parsed) {
    parsed = questionnaireSchema.parse(JSON.parse(target.definition_json));
    if (parsedQuestionnaires.size > 200) parsedQuestionnaires.clear();
    parsedQuestionnaires.set(key, parsed);
  }
  return parsed;
}

function pointOf(target: CollectionTarget): CollectionPoint {
  return { target, questionnaire: questionnaireOf(target), timeZone: departmentTimeZone(target.department_code) };
}

/** Le point public d'une cible déjà lue (formulaire en ligne, borne) ; absente, ou saisie par les agents : introuvable. */
export function publicPointOf(target: CollectionTarget | undefined): CollectionPoint {
  if (!target || !PUBLIC_MODES.includes(target.point_mode)) throw new AppError('survey_link_unknown');
  return pointOf(target);
}

/**
 * Le point public d'un jeton (formulaire en ligne, borne) ; inconnu, ou saisi par les agents : introuvable.
 * Gardé en mémoire courte (voir les décisions en tête du fichier).
 */
export async function publicPointByToken(ctx: AppContext, token: string): Promise<CollectionPoint> {
  const point = await pointCacheOf(ctx.db).get(`token:${token}`, async () => {
    const target = await findTargetByToken(ctx.db, token);
    return target && pointOf(target);
  });
  if (!point || !PUBLIC_MODES.includes(point.target.point_mode)) throw new AppError('survey_link_unknown');
  return point;
}

/** Un point de l'organisation de l'agent, pour la saisie papier ou téléphone. */
export async function entryPoint(ctx: AppContext, organisationId: string, campaignId: string, pointId: string) {
  const target = await findTargetByPointId(ctx.db, organisationId, pointId);
  if (!target || target.campaign_id !== campaignId || !AGENT_MODES.includes(target.point_mode)) {
    throw new AppError(
      'not_found',
      {},
      'Point de collecte introuvable : seuls les points « papier » et « téléphone » de la campagne se saisissent ici.',
    );
  }
  return pointOf(target);
}

export async function campaignForEntry(ctx: AppContext, organisationId: string, campaignId: string) {
  const campaign = await findCampaignOfOrganisation(ctx.db, organisationId, campaignId);
  if (!campaign) throw new AppError('not_found', {}, 'Campagne introuvable.');
  const points = (await listCampaignPoints(ctx.db, organisationId, campaignId)).filter(
    (p) => AGENT_MODES.includes(p.mode) && p.archived_at === null,
  );
  return { campaign, points };
}

export async function pointResponseCount(ctx: AppContext, pointId: string): Promise<number> {
  return countPointResponses(ctx.db, pointId);
}

// Date locale de la dernière minute vue, par fuseau : les décalages horaires sont des minutes entières (hors
// heures solaires locales d'avant 1912, sans objet ici), la date locale ne change donc pas au sein d'une
// minute UTC : une conversion Intl par minute, pas par réponse.
const localDays = new Map<string, { minute: number; day: string }>();

function localDay(at: Date, timeZone: string): string {
  const minute = Math.floor(at.getTime() / 60_000);
  const last = localDays.get(timeZone);
  if (last?.minute === minute) return last.day;
  const day = instantToLocalDate(at, timeZone);
  localDays.set(timeZone, { minute, day });
  return day;
}

/** Ouverte, pas encore ouverte ou terminée, à la date locale de `at`. */
export function availability(point: CollectionPoint, at: Date): 'open' | 'not_open' | 'closed' {
  const { target } = point;
  if (target.point_archived_at !== null) return 'closed';
  if (target.closed_at !== null && at.toISOString() >= target.closed_at) return 'closed';
  const day = localDay(at, point.timeZone);
  if (day < target.starts_on) return 'not_open';
  if (day > target.ends_on) return 'closed';
  return 'open';
}

/** Les questions affichées compte tenu des réponses (une condition porte toujours sur une question antérieure). */
export function shownQuestions(questionnaire: Questionnaire, answers: ReadonlyMap<string, readonly string[]>): Set<string> {
  const shown = new Set<string>();
  for (const question of questionnaire.questions) {
    const condition = question.showIf;
    if (!condition || (shown.has(condition.question) && (answers.get(condition.question) ?? []).includes(condition.answer))) {
      shown.add(question.key);
    }
  }
  return shown;
}

function answerCount(n: number): string {
  return `${n.toLocaleString('fr-FR')} caractère${n > 1 ? 's' : ''}`;
}

// Questions par clé et options admises, calculées une fois par questionnaire lu (chemin de chaque soumission).
const questionsByKey = new WeakMap<Questionnaire, Map<string, Question>>();
const allowedOptions = new WeakMap<Question, Set<string>>();

/** Contrôle les réponses contre le questionnaire ; rend les valeurs à enregistrer, par question. */
export function checkAnswers(questionnaire: Questionnaire, raw: Record<string, string | string[]>): Map<string, string[]> {
  const errors: FieldErrors = {};
  let byKey = questionsByKey.get(questionnaire);
  if (!byKey) {
    byKey = new Map(questionnaire.questions.map((q) => [q.key, q]));
    questionsByKey.set(questionnaire, byKey);
  }
  const values = new Map<string, string[]>();
  for (const [key, value] of Object.entries(raw)) {
    const field = `answers.${key}`;
    const question = byKey.get(key);
    if (!question) {
      errors[field] = `Question « ${key} » inconnue de ce questionnaire.`;
      continue;
    }
    const list = (Array.isArray(value) ? value : [value])
      .map((v) => (question.type === 'comment' ? v.trim() : v))
      .filter((v) => v !== '');
    if (list.length === 0) continue;
    const problem = valueProblem(question, list);
    if (problem) errors[field] = problem;
    else values.set(key, question.type === 'multiple_choice' ? [...new Set(list)] : list);
  }
  const shown = shownQuestions(questionnaire, values);
  for (const question of questionnaire.questions) {
    if (!shown.has(question.key)) values.delete(question.key);
    else if (question.required && !values.has(question.key) && !errors[`answers.${question.key}`]) {
      errors[`answers.${question.key}`] =
        question.type === 'multiple_choice' || question.type === 'comment'
          ? `« ${question.label} » : cette réponse est obligatoire.`
          : `« ${question.label} » : choisissez une réponse.`;
    }
  }
  if (Object.keys(errors).length > 0) throw new AppError('validation_failed', errors);
  return values;
}

function valueProblem(question: Question, list: string[]): string | undefined {
  if (question.type === 'comment') {
    if (list.length > 1) return 'Commentaire : un seul texte attendu.';
    const length = [...(list[0] ?? '')].length;
    if (length > question.maxLength) {
      return `Votre commentaire est trop long : ${answerCount(question.maxLength)} au plus (vous en avez écrit ${answerCount(length)}). Raccourcissez-le, merci.`;
    }
    return undefined;
  }
  if (question.type !== 'multiple_choice' && list.length > 1) return `« ${question.label} » : une seule réponse possible.`;
  let allowed = allowedOptions.get(question);
  if (!allowed) {
    allowed = new Set(answerOptions(question).map((o) => o.key));
    allowedOptions.set(question, allowed);
  }
  if (list.some((v) => !allowed.has(v))) return `« ${question.label} » : cette réponse n’est pas proposée par le questionnaire.`;
  return undefined;
}

function answerPairs(values: ReadonlyMap<string, readonly string[]>): string[] {
  return [...values].flatMap(([key, list]) => list.map((v) => `${key}\u0000${v}`)).sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Le même identifiant déjà enregistré : identique = succès sans doublon ; différent = rejeu refusé. */
async function replayOf(
  ctx: AppContext,
  existing: SurveyResponseRow,
  point: CollectionPoint,
  values: ReadonlyMap<string, readonly string[]>,
  formNumber: string | null,
): Promise<SubmitResult> {
  const stored = (await listResponseAnswers(ctx.db, existing.id)).map((a) => `${a.question_key}\u0000${a.value}`).sort();
  const same =
    existing.collection_point_id === point.target.point_id &&
    existing.form_number === formNumber &&
    sameList(stored, answerPairs(values));
  if (!same) throw new AppError('survey_response_conflict');
  // La première écriture peut être validée sans être encore sur le disque : le renvoi attend comme elle.
  await groupCommitOf(ctx.db).durable();
  return {
    status: 'duplicate',
    responseId: existing.id,
    campaignId: existing.campaign_id,
    pointId: existing.collection_point_id,
    mode: existing.mode,
    flaggedReason: existing.flagged_reason,
  };
}

function tooFast(durationMs: number | undefined, answered: number): string | null {
  if (durationMs === undefined || answered === 0) return null;
  if (durationMs >= MIN_MS_PER_QUESTION * answered) return null;
  const seconds = (durationMs / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 });
  return `Réponse trop rapide : ${seconds} s pour ${answered} question${answered > 1 ? 's' : ''} (${MIN_MS_PER_QUESTION / 1000} s au moins par question).`;
}

/**
 * Enregistre une réponse (voir les décisions en tête du fichier). Par jeton (`pointToken`) : points publics
 * (borne, QR code). Par identifiant (`pointId`) : saisie d'un agent (`agent` obligatoire), points papier et
 * téléphone de son organisation. Réponse et valeurs sont écrites dans une seule transaction.
 */
export async function submitResponse(
  ctx: AppContext,
  input: unknown,
  agent?: EntryAgent,
  /** Le point que l'appelant vient de lire pour ce même jeton (formulaire public, borne) : pas de seconde lecture. */
  loaded?: CollectionPoint,
): Promise<SubmitResult> {
  const data = validate(submitResponseSchema, input);
  let point: CollectionPoint;
  if (data.pointToken !== undefined) {
    point = loaded && loaded.target.point_token === data.pointToken ? loaded : await publicPointByToken(ctx, data.pointToken);
  } else {
    const target = agent ? await findTargetByPointId(ctx.db, agent.organisationId, data.pointId ?? '') : undefined;
    if (!target || !AGENT_MODES.includes(target.point_mode))
      throw new AppError('not_found', {}, 'Point de collecte introuvable.');
    point = pointOf(target);
  }
  const { target } = point;
  if (data.enteredBy !== undefined && data.enteredBy !== agent?.actor.userId) {
    throw new AppError('validation_failed', { enteredBy: 'Saisi par : seul l’agent connecté peut être indiqué.' });
  }
  const formNumber = data.formNumber ?? null;
  if (formNumber !== null && target.point_mode !== 'paper') {
    throw new AppError('validation_failed', { formNumber: 'Numéro du formulaire : seulement pour un formulaire papier.' });
  }

  const now = ctx.clock.now();
  const answeredAt = data.answeredAt ? new Date(data.answeredAt) : now;
  if (answeredAt.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new AppError('validation_failed', { answeredAt: 'Date de réponse : elle ne peut pas être dans le futur.' });
  }
  const state = availability(point, answeredAt);
  // Clôture anticipée : plus rien n'est accepté après elle, même une réponse plus ancienne envoyée tard.
  if (target.closed_at !== null && now.toISOString() >= target.closed_at) throw new AppError('survey_closed');
  if (state === 'closed') throw new AppError('survey_closed');
  if (state === 'not_open') throw new AppError('survey_not_yet_open');

  const values = checkAnswers(point.questionnaire, data.answers);
  if (values.size === 0) throw new AppError('validation_failed', { answers: 'Répondez au moins à une question.' });

  // Le cas courant (identifiant neuf) ne lit que l'index ; la ligne entière seulement pour un renvoi.
  const existing = (await responseExists(ctx.db, data.responseId)) ? await findResponse(ctx.db, data.responseId) : undefined;
  if (existing) return replayOf(ctx, existing, point, values, formNumber);

  const isPublic = PUBLIC_MODES.includes(target.point_mode);
  const receivedAt = now.toISOString();
  const fast = tooFast(data.durationMs, values.size);
  const burstInMemory = isPublic && ctx.engine === 'sqlite';
  const burstRule = { limit: BURST_LIMIT.responses, windowMs: BURST_LIMIT.windowSeconds * 1000 };
  const burstInWindow =
    burstInMemory &&
    (await recordPublicReceipt(
      ctx.db,
      burstRule,
      { campaignId: target.campaign_id, pointId: target.point_id },
      data.responseId,
      now,
    ));
  let flaggedReason: string | null;
  try {
    // Écriture groupée : les réponses concurrentes partagent une transaction (une attente du disque pour
    // tout le lot) et leurs lignes un INSERT par table ; l'appel ne revient qu'une fois la transaction
    // validée. Rejouable : tout l'effet est ici.
    flaggedReason = await groupCommitOf(ctx.db).submit(async (trx, batch) => {
      if (formNumber !== null && (await findResponseByFormNumber(trx, target.campaign_id, formNumber))) {
        throw new AppError('survey_form_number_taken', { formNumber: `Le formulaire n° ${formNumber} a déjà été saisi.` });
      }
      const reasons = [fast];
      let burst = burstInWindow;
      if (isPublic && !burstInMemory) {
        const since = new Date(now.getTime() - burstRule.windowMs).toISOString();
        // Compte plafonné : au-delà du seuil, le nombre exact ne change rien et coûterait une lecture par
        // réponse déjà reçue dans la fenêtre.
        const recent = await countPointResponsesSince(trx, target.campaign_id, target.point_id, since, BURST_LIMIT.responses);
        burst = recent >= BURST_LIMIT.responses;
      }
      if (burst) {
        reasons.push(
          `Débit anormal : ${BURST_LIMIT.responses + 1} réponses ou plus de ce point en ${BURST_LIMIT.windowSeconds} s (${BURST_LIMIT.responses} au plus attendues).`,
        );
      }
      const flagged = reasons.filter((r) => r !== null).join(' ') || null;
      const response = {
        id: data.responseId,
        organisation_id: target.organisation_id,
        campaign_id: target.campaign_id,
        collection_point_id: target.point_id,
        mode: target.point_mode,
        answered_at: answeredAt.toISOString(),
        received_at: receivedAt,
        form_number: formNumber,
        entered_by_user_id: agent?.actor.userId ?? null,
        duration_ms: data.durationMs ?? null,
        flagged_reason: flagged,
      };
      // Identifiants ordonnés dans le temps : l'index des valeurs croît à droite (moins de pages écrites).
      const answers = [...values].flatMap(([key, list]) =>
        list.map((value) => ({
          id: newOrderedId(),
          response_id: data.responseId,
          campaign_id: target.campaign_id,
          question_key: key,
          value,
        })),
      );
      batch.append('survey_responses', [response], (t, rows) => insertResponses(t, rows, ctx.db));
      batch.append('survey_answers', answers, (t, rows) => insertAnswers(t, rows, ctx.db));
      if (agent) {
        const what =
          target.point_mode === 'paper' ? `Formulaire papier${formNumber ? ` n° ${formNumber}` : ''}` : 'Réponse par téléphone';
        await recordAudit(trx, ctx.clock, {
          organisationId: target.organisation_id,
          actor: agent.actor,
          action: 'survey_response.entered',
          entityType: 'survey_response',
          entityId: data.responseId,
          // Ni réponses ni commentaire dans le journal : le commentaire peut contenir une donnée personnelle.
          summary: `${what} saisi — ${target.campaign_name}, ${target.point_label}`,
        });
      }
      return flagged;
    });
  } catch (error) {
    if (burstInMemory) forgetPublicReceipt(ctx.db, target.point_id, data.responseId);
    if (error instanceof AppError) throw error;
    // Deux envois simultanés du même identifiant ou du même formulaire : la contrainte d'unicité tranche.
    const raced = await findResponse(ctx.db, data.responseId);
    if (raced) return replayOf(ctx, raced, point, values, formNumber);
    if (formNumber !== null && (await findResponseByFormNumber(ctx.db, target.campaign_id, formNumber))) {
      throw new AppError('survey_form_number_taken', { formNumber: `Le formulaire n° ${formNumber} a déjà été saisi.` });
    }
    throw error;
  }
  return {
    status: 'created',
    responseId: data.responseId,
    campaignId: target.campaign_id,
    pointId: target.point_id,
    mode: target.point_mode,
    flaggedReason,
  };
}

/** Un formulaire papier déjà saisi (double saisie) : quand, par qui, avec quelles réponses. */
export async function enteredForm(ctx: AppContext, organisationId: string, campaignId: string, formNumber: string) {
  const campaign = await findCampaignOfOrganisation(ctx.db, organisationId, campaignId);
  if (!campaign) return undefined;
  const row = await findResponseByFormNumber(ctx.db, campaignId, formNumber);
  if (!row) return undefined;
  const answers = await listResponseAnswers(ctx.db, row.id);
  const enteredBy = row.entered_by_user_id ? await findUserLabel(ctx.db, row.entered_by_user_id) : undefined;
  return { response: row, answers, enteredBy: enteredBy ?? null };
}
