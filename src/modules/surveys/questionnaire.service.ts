import type { AppContext } from '../../shared/context.ts';
import { AppError, type FieldErrors } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { readReferentielFile } from '../referentiel/referentiel.data.ts';
import { listEngagements } from '../referentiel/referentiel.repository.ts';
import { forgetCollectionPoints } from './point-cache.ts';
import {
  countResponsesOfQuestionnaire,
  findNextVersion,
  findQuestionnaire,
  insertQuestionnaire,
  listQuestionnaires,
  type QuestionnaireRow,
  responseCountsByQuestionnaire,
  updateQuestionnaireRow,
} from './questionnaire.repository.ts';
import {
  QUESTION_TYPES,
  type Question,
  type Questionnaire,
  questionnaireProblems,
  questionnaireSchema,
  readQuestionnaireTemplates,
  STANDARD_CRITERIA,
} from './questionnaire.ts';
import { parseQuestionnaireJson } from './questionnaire-json.ts';

/** Numéros des engagements du référentiel chargé en base ; le fichier livré tant que la base est vide. */
export async function knownEngagementNumbers(ctx: Pick<AppContext, 'db'>): Promise<number[]> {
  const rows = await listEngagements(ctx.db);
  if (rows.length > 0) return rows.map((r) => r.number);
  return readReferentielFile().data.engagements.map((e) => e.number);
}

/** Modèles livrés, contrôlés avec les engagements du référentiel. */
export async function listQuestionnaireTemplates(ctx: Pick<AppContext, 'db'>): Promise<Questionnaire[]> {
  return readQuestionnaireTemplates(await knownEngagementNumbers(ctx));
}

export interface LoadedQuestionnaire {
  row: QuestionnaireRow;
  questionnaire: Questionnaire;
}

/**
 * Un questionnaire de l'organisation, avec sa définition analysée. Seule la structure est relue : une
 * copie enregistrée reste lisible même si le référentiel a changé depuis.
 */
export async function getQuestionnaire(ctx: AppContext, organisationId: string, id: string): Promise<LoadedQuestionnaire> {
  const row = await findQuestionnaire(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Questionnaire introuvable.');
  return { row, questionnaire: questionnaireSchema.parse(JSON.parse(row.definition_json)) };
}

export interface QuestionnaireSummary {
  row: QuestionnaireRow;
  questionCount: number;
  responseCount: number;
  /** Vrai quand aucune version plus récente n'existe. */
  latest: boolean;
}

export async function listOrganisationQuestionnaires(ctx: AppContext, organisationId: string): Promise<QuestionnaireSummary[]> {
  const [rows, counts] = await Promise.all([
    listQuestionnaires(ctx.db, organisationId),
    responseCountsByQuestionnaire(ctx.db, organisationId),
  ]);
  const superseded = new Set(rows.map((r) => r.previous_id).filter((id): id is string => id !== null));
  return rows.map((row) => ({
    row,
    questionCount: questionnaireSchema.parse(JSON.parse(row.definition_json)).questions.length,
    responseCount: counts.get(row.id) ?? 0,
    latest: !superseded.has(row.id),
  }));
}

/** Historique des versions d'un questionnaire, de la plus récente à la plus ancienne. */
export async function questionnaireVersions(ctx: AppContext, organisationId: string, id: string): Promise<QuestionnaireRow[]> {
  const rows = await listQuestionnaires(ctx.db, organisationId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  // Remonte jusqu'à la première version, puis redescend par les successeurs.
  let first = byId.get(id);
  while (first?.previous_id && byId.has(first.previous_id)) first = byId.get(first.previous_id);
  const chain: QuestionnaireRow[] = [];
  for (let current = first; current; current = rows.find((r) => r.previous_id === current?.id)) chain.push(current);
  return chain.reverse();
}

/** « Utiliser ce modèle » : copie du modèle livré dans l'organisation, version 1. */
export async function copyTemplate(
  ctx: AppContext,
  organisationId: string,
  templateKey: unknown,
  actor: Actor,
): Promise<{ id: string }> {
  const template = (await listQuestionnaireTemplates(ctx)).find((t) => t.key === templateKey);
  if (!template) throw new AppError('not_found', {}, 'Modèle de questionnaire introuvable.');
  // La provenance décrit le modèle livré, pas la copie de l'organisation.
  const { source: _source, inferred: _inferred, ...copy } = template;
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertQuestionnaire(trx, {
      id,
      organisation_id: organisationId,
      template_key: template.key,
      title: copy.title,
      surveyed_channel: copy.surveyedChannel,
      definition_json: JSON.stringify(copy),
      version: 1,
      previous_id: null,
      archived_at: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'survey_questionnaire.created',
      entityType: 'survey_questionnaire',
      entityId: id,
      summary: `Questionnaire « ${copy.title} » créé depuis le modèle ${template.key}`,
      after: { templateKey: template.key, version: 1 },
    });
  });
  return { id };
}

// ——— Formulaire de modification ———

function formString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function checked(body: Record<string, unknown>, name: string): boolean {
  const value = formString(body, name);
  return value === 'on' || value === '1' || value === 'true';
}

/** Clé stable tirée d'un libellé : « Raison de la venue » → `raison_de_la_venue`. */
function keyFromLabel(label: string, fallback: string): string {
  const slug = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  if (!slug) return fallback;
  return /^[a-z]/.test(slug) ? slug : `q_${slug}`;
}

function uniqueKey(wanted: string, taken: Set<string>): string {
  let key = wanted;
  for (let n = 2; taken.has(key); n++) key = `${wanted}_${n}`;
  taken.add(key);
  return key;
}

export interface QuestionnaireForm {
  /** Définition construite, à contrôler par `questionnaireProblems`. */
  definition: Record<string, unknown>;
  /** Pour chaque question construite, son rang d'origine dans le formulaire, ou `new` pour l'ajout. */
  origins: (number | 'new')[];
  errors: FieldErrors;
}

/**
 * Saisie du formulaire simple → définition : titre, libellés des questions et des options, ordre
 * (numéro de position), question obligatoire, suppression et ajout d'une question. Les champs sont
 * nommés comme les chemins des erreurs (`questions.2.label`) pour rattacher chaque message à son champ.
 */
export function questionnaireFromForm(current: Questionnaire, body: Record<string, unknown>): QuestionnaireForm {
  const errors: FieldErrors = {};
  const kept: { question: Record<string, unknown>; position: number; origin: number }[] = [];
  current.questions.forEach((question, index) => {
    const at = `questions.${index}`;
    if (checked(body, `${at}.remove`)) return;
    const rawPosition = formString(body, `${at}.position`)?.trim() ?? '';
    let position = index + 1;
    if (rawPosition !== '') {
      const parsed = Number(rawPosition);
      if (Number.isInteger(parsed) && parsed >= 1 && parsed <= 999) position = parsed;
      else errors[`${at}.position`] = `Position de la question ${index + 1} : un nombre entier de 1 à 999.`;
    }
    const next: Record<string, unknown> = {
      ...question,
      label: formString(body, `${at}.label`) ?? question.label,
      required: checked(body, `${at}.required`),
    };
    if (question.type === 'single_choice' || question.type === 'multiple_choice') {
      next.options = question.options.map((option, optionIndex) => ({
        ...option,
        label: formString(body, `${at}.options.${optionIndex}.label`) ?? option.label,
      }));
    }
    kept.push({ question: next, position, origin: index });
  });
  kept.sort((a, b) => a.position - b.position || a.origin - b.origin);
  const questions: Record<string, unknown>[] = kept.map((k) => k.question);
  const origins: (number | 'new')[] = kept.map((k) => k.origin);

  const type = formString(body, 'new.type')?.trim() ?? '';
  if (type !== '') {
    const added = addedQuestion(body, type, new Set(questions.map((q) => String(q.key))), errors);
    if (added) {
      questions.push(added);
      origins.push('new');
    }
  }
  return { definition: { ...current, title: formString(body, 'title') ?? current.title, questions }, origins, errors };
}

function addedQuestion(
  body: Record<string, unknown>,
  type: string,
  taken: Set<string>,
  errors: FieldErrors,
): Record<string, unknown> | undefined {
  if (!(QUESTION_TYPES as readonly string[]).includes(type)) {
    errors['new.type'] = 'Type de la nouvelle question : choisissez un type de la liste.';
    return undefined;
  }
  const label = formString(body, 'new.label') ?? '';
  const added: Record<string, unknown> = { type, label, required: checked(body, 'new.required') };
  const criterionKey = formString(body, 'new.criterion')?.trim() ?? '';
  const criterionLabel = (STANDARD_CRITERIA as Record<string, string>)[criterionKey];
  if (type === 'satisfaction_4' || type === 'yes_no') {
    if (criterionKey !== '' && !criterionLabel) errors['new.criterion'] = 'Critère : choisissez un critère de la liste.';
    if (criterionLabel) added.criterion = { key: criterionKey, label: criterionLabel };
    const engagement = formString(body, 'new.engagement')?.trim() ?? '';
    if (engagement !== '') {
      const number = Number(engagement);
      if (Number.isInteger(number)) added.engagements = [number];
      else errors['new.engagement'] = 'Engagement : choisissez un engagement de la liste.';
    }
  }
  if (type === 'single_choice' || type === 'multiple_choice') {
    const optionKeys = new Set<string>();
    added.options = (formString(body, 'new.options') ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((optionLabel, index) => ({
        key: uniqueKey(keyFromLabel(optionLabel, `option_${index + 1}`), optionKeys),
        label: optionLabel,
      }));
  }
  added.key = uniqueKey(
    criterionLabel && (type === 'satisfaction_4' || type === 'yes_no')
      ? criterionKey
      : keyFromLabel(label, `question_${taken.size + 1}`),
    taken,
  );
  return added;
}

/** Chemin d'une erreur de la définition → nom du champ du formulaire qui l'a produite. */
function formFieldOf(path: string, origins: (number | 'new')[]): string {
  const match = /^questions\.(\d+)(?:\.(.*))?$/.exec(path);
  if (!match) return path;
  const origin = origins[Number(match[1])];
  const rest = match[2] ?? '';
  if (origin === undefined) return 'questions';
  if (origin === 'new') {
    if (rest === 'label' || rest === 'key') return 'new.label';
    if (rest.startsWith('criterion')) return 'new.criterion';
    if (rest.startsWith('engagements')) return 'new.engagement';
    if (rest.startsWith('options')) return 'new.options';
    return 'new.type';
  }
  if (rest === 'label' || /^options\.\d+\.label$/.test(rest)) return `questions.${origin}.${rest}`;
  // Erreur sans champ propre (critère, condition…) : rattachée au bloc de la question.
  return `questions.${origin}`;
}

export interface SavedQuestionnaire {
  id: string;
  version: number;
  /** Vrai quand l'enregistrement a créé une nouvelle version (l'ancienne avait des réponses). */
  newVersion: boolean;
}

/** Modification par le formulaire simple ; erreurs rattachées aux champs du formulaire. */
export async function updateQuestionnaire(
  ctx: AppContext,
  organisationId: string,
  id: string,
  body: Record<string, unknown>,
  actor: Actor,
): Promise<SavedQuestionnaire> {
  const { row, questionnaire } = await editable(ctx, organisationId, id);
  const form = questionnaireFromForm(questionnaire, body);
  const { questionnaire: checkedDefinition, errors } = questionnaireProblems(form.definition, await knownEngagementNumbers(ctx));
  const fields: FieldErrors = { ...form.errors };
  for (const [path, message] of Object.entries(errors)) fields[formFieldOf(path, form.origins)] ??= message;
  if (!checkedDefinition || Object.keys(fields).length > 0) throw new AppError('validation_failed', fields);
  return saveDefinition(ctx, row, checkedDefinition, actor);
}

/** Remplacement de la définition complète (JSON) : pour les cas que le formulaire simple ne couvre pas. */
export async function replaceQuestionnaireDefinition(
  ctx: AppContext,
  organisationId: string,
  id: string,
  definition: unknown,
  actor: Actor,
): Promise<SavedQuestionnaire> {
  const { row } = await editable(ctx, organisationId, id);
  const { questionnaire, errors } = questionnaireProblems(definition, await knownEngagementNumbers(ctx));
  if (questionnaire && questionnaire.surveyedChannel !== row.surveyed_channel) {
    errors.surveyedChannel ??=
      'Canal enquêté : une copie garde son canal (les campagnes en dépendent) ; partez d’un autre modèle pour un autre canal.';
  }
  if (!questionnaire || Object.keys(errors).length > 0) throw new AppError('validation_failed', errors);
  return saveDefinition(ctx, row, questionnaire, actor);
}

const QUESTION_FIELD_ORDER = [
  'key',
  'type',
  'label',
  'hint',
  'required',
  'engagements',
  'criterion',
  'showIf',
  'options',
  'maxLength',
];

/**
 * Texte JSON d'une définition, tel que l'écran « JSON » le propose à la modification : indenté, chaque
 * question dans l'ordre de lecture de la documentation (clé, type, libellé…) plutôt que celui du schéma.
 */
export function questionnaireJson(questionnaire: Questionnaire): string {
  const rank = (field: string) => {
    const index = QUESTION_FIELD_ORDER.indexOf(field);
    return index === -1 ? QUESTION_FIELD_ORDER.length : index;
  };
  const questions = questionnaire.questions.map((question) =>
    Object.fromEntries(Object.entries(question).sort(([a], [b]) => rank(a) - rank(b))),
  );
  return JSON.stringify({ ...questionnaire, questions }, null, 2);
}

/**
 * Écran « JSON » : le texte saisi par l'administrateur remplace la définition complète. Erreur de syntaxe :
 * champ `definition` avec la ligne et la colonne ; erreur de validation : une par chemin (`questions.2.label`).
 */
export async function replaceQuestionnaireJson(
  ctx: AppContext,
  organisationId: string,
  id: string,
  text: unknown,
  actor: Actor,
): Promise<SavedQuestionnaire> {
  // Un questionnaire d'une autre organisation, archivé ou remplacé est refusé avant de lire le texte.
  await editable(ctx, organisationId, id);
  const definition = parseQuestionnaireJson(typeof text === 'string' ? text : '');
  return replaceQuestionnaireDefinition(ctx, organisationId, id, definition, actor);
}

async function editable(ctx: AppContext, organisationId: string, id: string): Promise<LoadedQuestionnaire> {
  const loaded = await getQuestionnaire(ctx, organisationId, id);
  if (loaded.row.archived_at) throw new AppError('questionnaire_archived');
  if (await findNextVersion(ctx.db, organisationId, id)) throw new AppError('questionnaire_superseded');
  return loaded;
}

/**
 * Une version qui a des réponses n'est jamais modifiée : l'enregistrement crée la version suivante et
 * les campagnes existantes gardent la leur. Le compte des réponses est lu dans la transaction.
 */
async function saveDefinition(
  ctx: AppContext,
  row: QuestionnaireRow,
  questionnaire: Questionnaire,
  actor: Actor,
): Promise<SavedQuestionnaire> {
  const now = ctx.clock.now().toISOString();
  const definitionJson = JSON.stringify(questionnaire);
  const before = questionnaireSchema.parse(JSON.parse(row.definition_json));
  const saved = await ctx.db.transaction().execute(async (trx) => {
    const responses = await countResponsesOfQuestionnaire(trx, row.organisation_id, row.id);
    if (responses === 0) {
      await updateQuestionnaireRow(trx, row.organisation_id, row.id, {
        title: questionnaire.title,
        definition_json: definitionJson,
        updated_at: now,
      });
      await recordAudit(trx, ctx.clock, {
        organisationId: row.organisation_id,
        actor,
        action: 'survey_questionnaire.updated',
        entityType: 'survey_questionnaire',
        entityId: row.id,
        summary: `Questionnaire « ${questionnaire.title} » (version ${row.version}) modifié`,
        before: auditSnapshot(before),
        after: auditSnapshot(questionnaire),
      });
      return { id: row.id, version: row.version, newVersion: false };
    }
    const id = newId();
    const version = row.version + 1;
    await insertQuestionnaire(trx, {
      id,
      organisation_id: row.organisation_id,
      template_key: row.template_key,
      title: questionnaire.title,
      surveyed_channel: row.surveyed_channel,
      definition_json: definitionJson,
      version,
      previous_id: row.id,
      archived_at: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId: row.organisation_id,
      actor,
      action: 'survey_questionnaire.versioned',
      entityType: 'survey_questionnaire',
      entityId: id,
      summary: `Questionnaire « ${questionnaire.title} » : version ${version} créée (la version ${row.version} a ${responses} réponse${responses > 1 ? 's' : ''})`,
      before: { id: row.id, version: row.version, ...auditSnapshot(before) },
      after: { id, version, ...auditSnapshot(questionnaire) },
    });
    return { id, version, newVersion: true };
  });
  // Un questionnaire modifié sans réponse encore : les formulaires publics en cache le relisent aussitôt.
  forgetCollectionPoints(ctx);
  return saved;
}

/** Ce que l'audit garde : titre et questions (clé, type, libellé, obligatoire). */
function auditSnapshot(questionnaire: Questionnaire) {
  return {
    title: questionnaire.title,
    questions: questionnaire.questions.map((q: Question) => ({ key: q.key, type: q.type, label: q.label, required: q.required })),
  };
}

export async function archiveQuestionnaire(ctx: AppContext, organisationId: string, id: string, actor: Actor): Promise<void> {
  const { row } = await getQuestionnaire(ctx, organisationId, id);
  if (row.archived_at) return;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateQuestionnaireRow(trx, organisationId, id, { archived_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'survey_questionnaire.archived',
      entityType: 'survey_questionnaire',
      entityId: id,
      summary: `Questionnaire « ${row.title} » (version ${row.version}) archivé`,
    });
  });
}
