import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { formatBytes, formatDate } from '../../ui/format.ts';
import type { Role } from '../accounts/roles.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { findCase, listThemes } from '../cases/case.repository.ts';
import { organisationContext } from '../cases/case.service.ts';
import { checkAttachment, safeFilename } from '../cases/case-attachment.service.ts';
import { indicatorCatalogue } from '../indicators/indicator.service.ts';
import { MYSTERY_FINDING_REF, mysteryFindingOrigin } from '../mystery/mystery-results.service.ts';
import { listPerimeter, listServices } from '../organisations/organisation.repository.ts';
import { listEngagements } from '../referentiel/referentiel.repository.ts';
import { campaignResults } from '../surveys/results.service.ts';
import { formatRate } from '../surveys/survey-statistics.ts';
import {
  type ActionFilters,
  type ActionRow,
  acceptCluProposal,
  countActions,
  countEvidenceFiles,
  deleteAction,
  deleteEvidenceFile,
  findAction,
  findCluProposal,
  findEvidenceFile,
  insertAction,
  insertEvidenceFile,
  linksOfActions,
  listActions,
  listEvidenceFiles,
  nextActionNumber,
  replaceActionLinks,
  replaceActionServices,
  serviceIdsOfMembership,
  servicesOfActions,
  updateAction,
} from './action.repository.ts';
import {
  type ActionInput,
  actionInputSchema,
  evidenceInputSchema,
  fromOriginSchema,
  statusInputSchema,
} from './action.schemas.ts';
import {
  ACTION_STATUS_LABELS,
  type ActionStatus,
  defaultDueDate,
  doneByOrigin,
  isActionStatus,
  isOpen,
  isOriginKind,
  isOverdue,
  MANUAL_ORIGIN_KINDS,
  ORIGIN_KIND_LABELS,
  type OriginKind,
  type OriginSummary,
} from './action-status.ts';

/** Pièces justificatives par action (comptes rendus, photos de la signalétique…). */
export const MAX_EVIDENCE_FILES = 20;

/** Qui modifie : le référent (tout), l'agent (statut et preuves des actions de ses services). */
export interface ActionEditor {
  role: Role;
  membershipId: string;
  actor: Actor;
}

/** Une action avec ses services acteurs, engagements et indicateurs liés. */
export interface ActionView extends ActionRow {
  services: { id: string; name: string }[];
  engagements: string[];
  indicators: string[];
}

/** Le calendrier et la date du jour locale de l'organisation. */
async function localToday(ctx: AppContext, organisationId: string) {
  const context = await organisationContext(ctx, organisationId);
  return { ...context, today: instantToLocalDate(ctx.clock.now(), context.department.timeZone) };
}

function createdOn(action: Pick<ActionRow, 'created_at'>, timeZone: string): string {
  return instantToLocalDate(new Date(action.created_at), timeZone);
}

async function withRelations(ctx: AppContext, rows: ActionRow[]): Promise<ActionView[]> {
  const ids = rows.map((r) => r.id);
  const [services, links] = await Promise.all([servicesOfActions(ctx.db, ids), linksOfActions(ctx.db, ids)]);
  return rows.map((row) => ({
    ...row,
    number: Number(row.number),
    services: services.filter((s) => s.action_id === row.id).map((s) => ({ id: s.id, name: s.name })),
    engagements: links
      .filter((l) => l.action_id === row.id && l.kind === 'engagement')
      .map((l) => l.code)
      .sort((a, b) => Number(a) - Number(b)),
    indicators: links.filter((l) => l.action_id === row.id && l.kind === 'indicator').map((l) => l.code),
  }));
}

async function existingAction(ctx: AppContext, organisationId: string, actionId: string): Promise<ActionRow> {
  const row = await findAction(ctx.db, organisationId, actionId);
  if (!row) throw new AppError('not_found', {}, 'Action introuvable.');
  return row;
}

/** Les listes proposées par le formulaire : services, engagements du périmètre, indicateurs du catalogue. */
export async function actionChoices(ctx: AppContext, organisationId: string) {
  const [services, perimeter, engagements, catalogue] = await Promise.all([
    listServices(ctx.db, organisationId),
    listPerimeter(ctx.db, organisationId),
    listEngagements(ctx.db),
    indicatorCatalogue(ctx, organisationId),
  ]);
  const modules = new Set(perimeter);
  return {
    services: services.map((s) => ({ id: s.id, name: s.name })),
    engagements: engagements
      .filter((e) => modules.has(Number(e.module_number)))
      .map((e) => ({ code: String(e.number), label: e.text, module: Number(e.module_number) }))
      .sort((a, b) => Number(a.code) - Number(b.code)),
    indicators: catalogue.map((i) => ({ key: i.key, label: i.code ? `${i.code} — ${i.label}` : i.label })),
  };
}
export type ActionChoices = Awaited<ReturnType<typeof actionChoices>>;

/** Contrôle les services, engagements et indicateurs choisis contre ceux de l'organisation. */
function checkReferences(input: ActionInput, choices: ActionChoices): void {
  const fields: Record<string, string> = {};
  const services = new Set(choices.services.map((s) => s.id));
  if (input.serviceIds.some((id) => !services.has(id))) {
    fields.serviceIds = 'Acteur(s) : un service choisi n’existe pas dans votre organisation.';
  }
  const engagements = new Set(choices.engagements.map((e) => e.code));
  const unknownEngagement = input.engagements.find((code) => !engagements.has(code));
  if (unknownEngagement !== undefined) {
    fields.engagements = `Engagements : l’engagement ${unknownEngagement} n’est pas dans le périmètre de votre organisation.`;
  }
  const indicators = new Set(choices.indicators.map((i) => i.key));
  const unknownIndicator = input.indicators.find((key) => !indicators.has(key));
  if (unknownIndicator !== undefined) {
    fields.indicators = `Indicateurs : « ${unknownIndicator} » n’est pas un indicateur de votre catalogue.`;
  }
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', fields);
}

function dueDateError(dueDate: string, created: string): AppError {
  return new AppError('validation_failed', {
    dueDate: `Échéance : le ${formatDate(dueDate)} précède la date de création de l’action (${formatDate(created)}). Choisissez une date à partir de celle-ci.`,
  });
}

function links(input: Pick<ActionInput, 'engagements' | 'indicators'>) {
  return [
    ...[...new Set(input.engagements)].map((code) => ({ kind: 'engagement' as const, code })),
    ...[...new Set(input.indicators)].map((code) => ({ kind: 'indicator' as const, code })),
  ];
}

async function insertNewAction(
  trx: Executor,
  ctx: AppContext,
  organisationId: string,
  values: {
    objective: string;
    description: string;
    dueDate: string;
    serviceIds: string[];
    originKind: OriginKind;
    originRef: string | null;
    originLabel: string | null;
    engagements: string[];
    indicators: string[];
    evidenceText: string | null;
  },
  actor: Actor,
): Promise<{ id: string; number: number }> {
  const id = newId();
  const number = await nextActionNumber(trx, organisationId);
  const now = ctx.clock.now().toISOString();
  await insertAction(trx, {
    id,
    organisation_id: organisationId,
    number,
    objective: values.objective,
    description: values.description,
    due_date: values.dueDate,
    status: 'todo',
    abandon_reason: null,
    origin_kind: values.originKind,
    origin_ref: values.originRef,
    origin_label: values.originLabel,
    evidence_text: values.evidenceText,
    completed_on: null,
    reminder_before_sent_at: null,
    reminder_after_sent_at: null,
    created_by_user_id: actor.userId,
    created_at: now,
    updated_at: now,
  });
  await replaceActionServices(trx, id, [...new Set(values.serviceIds)]);
  await replaceActionLinks(trx, id, links(values));
  await recordAudit(trx, ctx.clock, {
    organisationId,
    actor,
    action: 'action.created',
    entityType: 'action',
    entityId: id,
    summary: `Action n° ${number} créée (${ORIGIN_KIND_LABELS[values.originKind]})`,
    after: {
      number,
      objective: values.objective,
      dueDate: values.dueDate,
      originKind: values.originKind,
      originRef: values.originRef,
    },
  });
  return { id, number };
}

/** Création par le référent : échéance au plus tôt le jour de création, services et liens de l'organisation. */
export async function createAction(ctx: AppContext, organisationId: string, rawInput: unknown, actor: Actor) {
  const input = validate(actionInputSchema, rawInput);
  const [{ today }, choices] = await Promise.all([localToday(ctx, organisationId), actionChoices(ctx, organisationId)]);
  checkReferences(input, choices);
  if (!MANUAL_ORIGIN_KINDS.includes(input.originKind)) {
    throw new AppError('validation_failed', {
      originKind:
        'Origine : une action issue d’un critère d’enquête, d’un thème, d’un dossier ou d’une proposition du CLU se crée depuis sa source (bouton « Créer une action »).',
    });
  }
  if (input.dueDate < today) throw dueDateError(input.dueDate, today);
  return ctx.db.transaction().execute((trx) =>
    insertNewAction(
      trx,
      ctx,
      organisationId,
      {
        ...input,
        originRef: null,
        originLabel: input.originLabel ?? null,
        evidenceText: input.evidenceText ?? null,
      },
      actor,
    ),
  );
}

/**
 * Modification par le référent. L'échéance ne peut précéder la création ; la déplacer réarme les rappels
 * (la nouvelle échéance sera annoncée à son tour).
 */
export async function updateActionDetails(
  ctx: AppContext,
  organisationId: string,
  actionId: string,
  rawInput: unknown,
  actor: Actor,
) {
  const before = await existingAction(ctx, organisationId, actionId);
  const input = validate(actionInputSchema, rawInput);
  const [{ department }, choices] = await Promise.all([localToday(ctx, organisationId), actionChoices(ctx, organisationId)]);
  checkReferences(input, choices);
  const created = createdOn(before, department.timeZone);
  if (input.dueDate < created) throw dueDateError(input.dueDate, created);
  const moved = input.dueDate !== before.due_date;
  await ctx.db.transaction().execute(async (trx) => {
    await updateAction(trx, organisationId, actionId, {
      objective: input.objective,
      description: input.description,
      due_date: input.dueDate,
      origin_kind: input.originKind,
      origin_label: input.originLabel ?? null,
      evidence_text: input.evidenceText ?? null,
      ...(moved ? { reminder_before_sent_at: null, reminder_after_sent_at: null } : {}),
      updated_at: ctx.clock.now().toISOString(),
    });
    await replaceActionServices(trx, actionId, [...new Set(input.serviceIds)]);
    await replaceActionLinks(trx, actionId, links(input));
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'action.updated',
      entityType: 'action',
      entityId: actionId,
      summary: `Action n° ${before.number} modifiée`,
      before: { objective: before.objective, description: before.description, dueDate: before.due_date },
      after: { objective: input.objective, description: input.description, dueDate: input.dueDate },
    });
  });
}

/** Un agent ne touche qu'aux actions dont l'un de ses services est acteur ; le référent à toutes. */
async function checkEditor(ctx: AppContext, actionId: string, editor: ActionEditor): Promise<void> {
  if (editor.role === 'admin') return;
  if (editor.role !== 'agent') throw new AppError('forbidden');
  const [mine, owners] = await Promise.all([
    serviceIdsOfMembership(ctx.db, editor.membershipId),
    servicesOfActions(ctx.db, [actionId]),
  ]);
  if (!owners.some((s) => mine.includes(s.id))) {
    throw new AppError(
      'forbidden',
      {},
      'Cette action n’est pas confiée à l’un de vos services : seul le référent qualité ou un agent d’un service acteur peut la mettre à jour.',
    );
  }
}

/** Ce que ce compte peut faire sur cette action (pour afficher ou non les formulaires). */
export async function canUpdateProgress(ctx: AppContext, action: ActionView, role: Role, membershipId: string): Promise<boolean> {
  if (role === 'admin') return true;
  if (role !== 'agent') return false;
  const mine = await serviceIdsOfMembership(ctx.db, membershipId);
  return action.services.some((s) => mine.includes(s.id));
}

/** Changement de statut : motif obligatoire pour abandonner ; « réalisée » date la réalisation (aujourd'hui par défaut). */
export async function changeActionStatus(
  ctx: AppContext,
  organisationId: string,
  actionId: string,
  rawInput: unknown,
  editor: ActionEditor,
) {
  const before = await existingAction(ctx, organisationId, actionId);
  await checkEditor(ctx, actionId, editor);
  const input = validate(statusInputSchema, rawInput);
  const { department, today } = await localToday(ctx, organisationId);
  let completedOn: string | null = null;
  if (input.status === 'done') {
    completedOn = input.completedOn ?? today;
    if (completedOn > today)
      throw new AppError('validation_failed', { completedOn: 'Réalisée le : la date ne peut pas être dans le futur.' });
    const created = createdOn(before, department.timeZone);
    if (completedOn < created) {
      throw new AppError('validation_failed', {
        completedOn: `Réalisée le : la date précède la création de l’action (${formatDate(created)}).`,
      });
    }
  }
  const abandonReason = input.status === 'abandoned' ? (input.abandonReason ?? null) : null;
  await ctx.db.transaction().execute(async (trx) => {
    await updateAction(trx, organisationId, actionId, {
      status: input.status,
      abandon_reason: abandonReason,
      completed_on: completedOn,
      updated_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor: editor.actor,
      action: 'action.status_changed',
      entityType: 'action',
      entityId: actionId,
      summary: `Action n° ${before.number} : ${ACTION_STATUS_LABELS[input.status]}`,
      before: { status: before.status, completedOn: before.completed_on, abandonReason: before.abandon_reason },
      after: { status: input.status, completedOn, abandonReason },
    });
  });
  return { number: Number(before.number), status: input.status };
}

/** Texte de la preuve (compte rendu, lien vers la page mise à jour…). */
export async function updateEvidenceText(
  ctx: AppContext,
  organisationId: string,
  actionId: string,
  rawInput: unknown,
  editor: ActionEditor,
) {
  const before = await existingAction(ctx, organisationId, actionId);
  await checkEditor(ctx, actionId, editor);
  const input = validate(evidenceInputSchema, rawInput);
  await ctx.db.transaction().execute(async (trx) => {
    await updateAction(trx, organisationId, actionId, {
      evidence_text: input.evidenceText ?? null,
      updated_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor: editor.actor,
      action: 'action.evidence_updated',
      entityType: 'action',
      entityId: actionId,
      summary: `Preuve de l’action n° ${before.number} mise à jour`,
    });
  });
}

export interface EvidenceFileInput {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

/** Pièce justificative : mêmes règles que les pièces jointes du registre (type lu dans les octets, 10 Mo). */
export async function addEvidenceFile(
  ctx: AppContext,
  organisationId: string,
  actionId: string,
  input: EvidenceFileInput,
  editor: ActionEditor,
) {
  const action = await existingAction(ctx, organisationId, actionId);
  await checkEditor(ctx, actionId, editor);
  const check = checkAttachment(input.bytes, input.contentType);
  if (!check.ok) throw new AppError(check.code, { file: check.message });
  if ((await countEvidenceFiles(ctx.db, actionId)) >= MAX_EVIDENCE_FILES) {
    throw new AppError(
      'attachment_limit_reached',
      { file: `Preuve : ${MAX_EVIDENCE_FILES} fichiers au plus par action ; supprimez-en un d’abord.` },
      `Cette action a déjà le nombre maximal de pièces justificatives (${MAX_EVIDENCE_FILES}).`,
    );
  }
  const filename = safeFilename(input.filename);
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertEvidenceFile(trx, {
      id,
      action_id: actionId,
      filename,
      content_type: check.type,
      size: input.bytes.length,
      content: input.bytes,
      created_at: ctx.clock.now().toISOString(),
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor: editor.actor,
      action: 'action.evidence_file_added',
      entityType: 'action',
      entityId: actionId,
      summary: `Pièce justificative ajoutée à l’action n° ${action.number} : ${filename} (${formatBytes(input.bytes.length)})`,
      after: { fileId: id, filename, contentType: check.type, size: input.bytes.length },
    });
  });
  return { id, filename };
}

/** Le fichier à télécharger ; 404 pour une action ou un fichier d'une autre organisation. */
export async function evidenceFileContent(ctx: AppContext, organisationId: string, actionId: string, fileId: string) {
  const file = await findEvidenceFile(ctx.db, organisationId, actionId, fileId);
  if (!file) throw new AppError('not_found', {}, 'Pièce justificative introuvable.');
  return file;
}

export async function removeEvidenceFile(
  ctx: AppContext,
  organisationId: string,
  actionId: string,
  fileId: string,
  editor: ActionEditor,
) {
  const action = await existingAction(ctx, organisationId, actionId);
  const file = await evidenceFileContent(ctx, organisationId, actionId, fileId);
  await checkEditor(ctx, actionId, editor);
  await ctx.db.transaction().execute(async (trx) => {
    await deleteEvidenceFile(trx, actionId, fileId);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor: editor.actor,
      action: 'action.evidence_file_removed',
      entityType: 'action',
      entityId: actionId,
      summary: `Pièce justificative retirée de l’action n° ${action.number} : ${file.filename}`,
      before: { fileId, filename: file.filename, size: Number(file.size) },
    });
  });
}

/** Suppression (référent) : l'action, ses liens et ses preuves ; une proposition du CLU liée perd son lien. */
export async function removeAction(ctx: AppContext, organisationId: string, actionId: string, actor: Actor) {
  const action = await existingAction(ctx, organisationId, actionId);
  await ctx.db.transaction().execute(async (trx) => {
    await deleteAction(trx, organisationId, actionId);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'action.deleted',
      entityType: 'action',
      entityId: actionId,
      summary: `Action n° ${action.number} supprimée`,
      before: {
        number: Number(action.number),
        objective: action.objective,
        description: action.description,
        status: action.status,
      },
    });
  });
  return { number: Number(action.number) };
}

export async function actionDetail(ctx: AppContext, organisationId: string, actionId: string) {
  const row = await existingAction(ctx, organisationId, actionId);
  const [[action], files, { department, today }] = await Promise.all([
    withRelations(ctx, [row]),
    listEvidenceFiles(ctx.db, actionId),
    localToday(ctx, organisationId),
  ]);
  if (!action) throw new AppError('not_found', {}, 'Action introuvable.');
  return {
    action,
    files: files.map((f) => ({ ...f, size: Number(f.size) })),
    today,
    timeZone: department.timeZone,
    createdOn: createdOn(row, department.timeZone),
  };
}

/** Une page de la liste filtrée. */
export async function searchActions(
  ctx: AppContext,
  organisationId: string,
  filters: ActionFilters,
  page: number,
  pageSize: number,
) {
  const total = await countActions(ctx.db, organisationId, filters);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = await listActions(ctx.db, organisationId, filters, pageSize, (current - 1) * pageSize);
  return { rows: await withRelations(ctx, rows), total, page: current, pageCount };
}

/** Toute la sélection (exports, vues par statut, par origine, calendrier). */
export async function allActions(ctx: AppContext, organisationId: string, filters: ActionFilters = {}) {
  return withRelations(ctx, await listActions(ctx.db, organisationId, filters, null));
}

export async function organisationToday(ctx: AppContext, organisationId: string) {
  const { today, department } = await localToday(ctx, organisationId);
  return { today, timeZone: department.timeZone };
}

// ——— Création en un clic depuis une origine ———

interface ResolvedOrigin {
  originRef: string | null;
  originLabel: string;
  objective: string;
  engagements: string[];
  /** Services acteurs évidents (le service du dossier). */
  serviceIds?: string[];
  /** Proposition du CLU à marquer retenue dans la même transaction. */
  proposalId?: string;
}

async function resolveOrigin(
  ctx: AppContext,
  organisationId: string,
  kind: OriginKind,
  ref: string,
  perimeterEngagements: Set<string>,
): Promise<ResolvedOrigin> {
  switch (kind) {
    case 'survey_criterion': {
      const separator = ref.indexOf(':');
      const campaignId = separator > 0 ? ref.slice(0, separator) : '';
      const criterionKey = separator > 0 ? ref.slice(separator + 1) : '';
      if (!campaignId || !criterionKey) throw new AppError('not_found', {}, 'Critère d’enquête introuvable.');
      // Campagne d'une autre organisation : campaignResults répond 404.
      const results = await campaignResults(ctx, organisationId, campaignId);
      const criterion = results.criteria.find((c) => c.criterion.key === criterionKey);
      if (!criterion) throw new AppError('not_found', {}, 'Critère d’enquête introuvable dans cette campagne.');
      return {
        originRef: `${campaignId}:${criterionKey}`,
        originLabel: `Enquête ${results.campaign.name} — critère ${criterion.criterion.label} (${formatRate(criterion.estimate)})`,
        objective: `Améliorer la satisfaction : ${criterion.criterion.label}`,
        engagements: criterion.question.engagements.map(String).filter((code) => perimeterEngagements.has(code)),
      };
    }
    case 'complaint_theme': {
      const theme = (await listThemes(ctx.db, organisationId)).find((t) => t.id === ref);
      if (!theme) throw new AppError('not_found', {}, 'Thème introuvable.');
      return {
        originRef: theme.id,
        originLabel: theme.label,
        objective: `Réduire les réclamations : ${theme.label}`,
        engagements: [],
      };
    }
    case 'case': {
      const row = await findCase(ctx.db, organisationId, ref);
      if (!row) throw new AppError('not_found', {}, 'Dossier introuvable.');
      const label = row.subject ? `${row.reference} — ${row.subject}` : row.reference;
      return {
        originRef: row.id,
        originLabel: label,
        objective: `Donner suite au dossier ${label}`,
        engagements: [],
        serviceIds: row.service_id ? [row.service_id] : [],
      };
    }
    case 'clu_proposal': {
      const proposal = await findCluProposal(ctx.db, organisationId, ref);
      if (!proposal) throw new AppError('not_found', {}, 'Proposition du comité introuvable.');
      if (proposal.action_id) {
        throw new AppError(
          'validation_failed',
          { origin_ref: 'Cette proposition est déjà suivie par une action du plan.' },
          'Cette proposition est déjà suivie par une action du plan.',
        );
      }
      return {
        originRef: proposal.id,
        originLabel: proposal.text,
        objective: `Donner suite à la proposition du CLU : ${proposal.text.length > 200 ? `${proposal.text.slice(0, 199)}…` : proposal.text}`,
        engagements: [],
        proposalId: proposal.id,
      };
    }
    case 'mystery_finding': {
      // Point de vigilance d'une campagne (`<campagne>:<critère>`) : libellé et engagements lus dans ses résultats.
      const match = MYSTERY_FINDING_REF.exec(ref);
      if (match) {
        const origin = await mysteryFindingOrigin(ctx, organisationId, match[1] as string, match[2] as string);
        return { ...origin, engagements: origin.engagements.filter((code) => perimeterEngagements.has(code)) };
      }
      return { originRef: null, originLabel: ref, objective: ref.length > 300 ? `${ref.slice(0, 299)}…` : ref, engagements: [] };
    }
    default:
      // Constat d'enquête mystère, d'audit, origine libre : la référence est le libellé du constat.
      return { originRef: null, originLabel: ref, objective: ref.length > 300 ? `${ref.slice(0, 299)}…` : ref, engagements: [] };
  }
}

/**
 * Crée une action « à faire » depuis sa source, en un clic : origine vérifiée dans la même organisation
 * (sinon 404), objectif pré-rempli, échéance dans 3 mois (jour ouvré), engagement du critère quand il est
 * évident. Une proposition du CLU devient « retenue » et pointe vers l'action, dans la même transaction.
 * Les services acteurs restent à choisir : le référent est renvoyé vers le formulaire pour compléter.
 */
export async function createActionFromOrigin(
  ctx: AppContext,
  organisationId: string,
  kindInput: unknown,
  refInput: unknown,
  actor: Actor,
) {
  const { origin_kind: kind, origin_ref: ref } = validate(fromOriginSchema, { origin_kind: kindInput, origin_ref: refInput });
  const [{ today, calendar }, choices] = await Promise.all([localToday(ctx, organisationId), actionChoices(ctx, organisationId)]);
  const origin = await resolveOrigin(ctx, organisationId, kind, ref, new Set(choices.engagements.map((e) => e.code)));
  const dueDate = defaultDueDate(today, calendar);
  const created = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await insertNewAction(
      trx,
      ctx,
      organisationId,
      {
        objective: origin.objective,
        description: `À préciser : action décidée à la suite de « ${origin.originLabel.length > 200 ? `${origin.originLabel.slice(0, 199)}…` : origin.originLabel} ».`,
        dueDate,
        serviceIds: origin.serviceIds ?? [],
        originKind: kind,
        originRef: origin.originRef,
        originLabel: origin.originLabel,
        engagements: origin.engagements,
        indicators: [],
        evidenceText: null,
      },
      actor,
    );
    if (origin.proposalId)
      await acceptCluProposal(trx, organisationId, origin.proposalId, inserted.id, ctx.clock.now().toISOString());
    return inserted;
  });
  return { ...created, originKind: kind, originLabel: origin.originLabel, kindLabel: ORIGIN_KIND_LABELS[kind] };
}

// ——— Bilan pour le support du CLU ———

export interface ActionSummaryItem {
  number: number;
  objective: string;
  description: string;
  services: string[];
  dueDate: string;
  status: ActionStatus;
  statusLabel: string;
  originKind: OriginKind;
  /** Libellé français de la sorte d'origine (« Critère d'enquête »…). */
  originLabel: string;
  /** Libellé de l'origine précise (le critère, le dossier, la proposition…), s'il y en a un. */
  originDetail: string | null;
  /** Ouverte et échéance dépassée à la date du bilan. */
  overdue: boolean;
}

export interface ActionPlanSummary {
  /** Réalisées dans la période (date de réalisation incluse dans [from, to]). */
  done: ActionSummaryItem[];
  /** À faire ou en cours, créées au plus tard à la fin de la période (`overdue` signale le retard). */
  inProgress: ActionSummaryItem[];
  /** Créées dans la période (date locale de création), quel que soit leur statut. */
  created: ActionSummaryItem[];
  /** « N actions mises en place » par origine (origines sans action réalisée omises). */
  byOrigin: OriginSummary[];
}

/**
 * Le plan d'actions d'une période, pour le support du CLU : réalisées, en cours, nouvelles, et le bilan
 * par origine. Le retard est apprécié à la date du jour (ou à la fin de la période si elle est passée).
 */
export async function actionPlanSummary(
  ctx: AppContext,
  organisationId: string,
  period: { from: string; to: string },
): Promise<ActionPlanSummary> {
  const { department, today } = await localToday(ctx, organisationId);
  const asOf = period.to < today ? period.to : today;
  const actions = await allActions(ctx, organisationId);
  const item = (a: ActionView): ActionSummaryItem => {
    const status = isActionStatus(a.status) ? a.status : 'todo';
    const originKind = isOriginKind(a.origin_kind) ? a.origin_kind : 'free';
    return {
      number: Number(a.number),
      objective: a.objective,
      description: a.description,
      services: a.services.map((s) => s.name),
      dueDate: a.due_date,
      status,
      statusLabel: ACTION_STATUS_LABELS[status],
      originKind,
      originLabel: ORIGIN_KIND_LABELS[originKind],
      originDetail: a.origin_label,
      overdue: isOverdue(a, asOf),
    };
  };
  const byNumber = (a: ActionSummaryItem, b: ActionSummaryItem) => a.number - b.number;
  const inPeriod = (date: string | null) => date !== null && date >= period.from && date <= period.to;
  return {
    done: actions
      .filter((a) => a.status === 'done' && inPeriod(a.completed_on))
      .map(item)
      .sort(byNumber),
    inProgress: actions
      .filter((a) => isOpen(a.status) && createdOn(a, department.timeZone) <= period.to)
      .map(item)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number - b.number),
    created: actions
      .filter((a) => inPeriod(createdOn(a, department.timeZone)))
      .map(item)
      .sort(byNumber),
    byOrigin: doneByOrigin(actions, period.from, period.to),
  };
}
