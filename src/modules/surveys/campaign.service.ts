import type { Config } from '../../config.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId, randomToken } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { departmentTimeZone } from '../organisations/departments.ts';
import { findOrganisationById } from '../organisations/organisation.repository.ts';
import {
  archiveCollectionPointRow,
  type CampaignRow,
  type CollectionPointRow,
  countResponsesOfCampaign,
  findCampaign,
  findCollectionPoint,
  findCollectionPointByToken,
  insertCampaign,
  insertCollectionPoint,
  listCampaigns,
  listCollectionPoints,
  responseCountsByCampaign,
  responseCountsByPoint,
  updateCampaignRow,
} from './campaign.repository.ts';
import { type CampaignInput, campaignSchema, collectionPointSchema } from './campaign.schemas.ts';
import { COLLECTION_MODE_LABELS } from './collection-mode.ts';
import { forgetCollectionPoints } from './point-cache.ts';
import { findQuestionnaire, type QuestionnaireRow } from './questionnaire.repository.ts';
import { getQuestionnaire, type LoadedQuestionnaire } from './questionnaire.service.ts';
import type { Questionnaire } from './questionnaire.ts';

/**
 * Statut d'une campagne, calculé (jamais enregistré) : à venir, en cours, terminée (période passée) ou
 * close (clôture anticipée).
 */
export type CampaignStatus = 'upcoming' | 'open' | 'finished' | 'closed';

export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  upcoming: 'À venir',
  open: 'En cours',
  finished: 'Terminée',
  closed: 'Close',
};

/** La période est en dates locales du département : « aujourd'hui » se lit dans son fuseau. */
export function campaignStatus(
  campaign: Pick<CampaignRow, 'starts_on' | 'ends_on' | 'closed_at'>,
  now: Date,
  timeZone: string,
): CampaignStatus {
  if (campaign.closed_at) return 'closed';
  const today = instantToLocalDate(now, timeZone);
  if (today < campaign.starts_on) return 'upcoming';
  if (today > campaign.ends_on) return 'finished';
  return 'open';
}

export async function organisationTimeZone(ctx: AppContext, organisationId: string): Promise<string> {
  return departmentTimeZone((await findOrganisationById(ctx.db, organisationId))?.department_code);
}

/** Adresse publique d'un point de collecte (lien du QR code, page de la borne). */
export function publicSurveyUrl(config: Pick<Config, 'publicUrl'>, token: string): string {
  return `${config.publicUrl}/enquete/${token}`;
}

type CampaignListRow = Awaited<ReturnType<typeof listCampaigns>>[number];

export interface CampaignSummary extends CampaignListRow {
  status: CampaignStatus;
  responseCount: number;
}

export async function listCampaignSummaries(ctx: AppContext, organisationId: string): Promise<CampaignSummary[]> {
  const [rows, counts, timeZone] = await Promise.all([
    listCampaigns(ctx.db, organisationId),
    responseCountsByCampaign(ctx.db, organisationId),
    organisationTimeZone(ctx, organisationId),
  ]);
  const now = ctx.clock.now();
  return rows.map((row) => ({ ...row, status: campaignStatus(row, now, timeZone), responseCount: counts.get(row.id) ?? 0 }));
}

export interface CollectionPointSummary extends CollectionPointRow {
  publicUrl: string;
  responseCount: number;
}

export interface CampaignDetail {
  campaign: CampaignRow;
  status: CampaignStatus;
  questionnaire: LoadedQuestionnaire;
  points: CollectionPointSummary[];
  responseCount: number;
  timeZone: string;
}

async function existingCampaign(ctx: AppContext, organisationId: string, id: string): Promise<CampaignRow> {
  const row = await findCampaign(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Campagne introuvable.');
  return row;
}

export async function getCampaignDetail(ctx: AppContext, organisationId: string, id: string): Promise<CampaignDetail> {
  const campaign = await existingCampaign(ctx, organisationId, id);
  const [questionnaire, points, counts, timeZone] = await Promise.all([
    getQuestionnaire(ctx, organisationId, campaign.questionnaire_id),
    listCollectionPoints(ctx.db, organisationId, id),
    responseCountsByPoint(ctx.db, id),
    organisationTimeZone(ctx, organisationId),
  ]);
  return {
    campaign,
    status: campaignStatus(campaign, ctx.clock.now(), timeZone),
    questionnaire,
    points: points.map((p) => ({
      ...p,
      publicUrl: publicSurveyUrl(ctx.config, p.public_token),
      responseCount: counts.get(p.id) ?? 0,
    })),
    responseCount: [...counts.values()].reduce((a, b) => a + b, 0),
    timeZone,
  };
}

/** Le questionnaire choisi : de l'organisation et non archivé, sinon une erreur sur le champ. */
async function chosenQuestionnaire(
  ctx: AppContext,
  organisationId: string,
  data: CampaignInput,
  keepId?: string,
): Promise<QuestionnaireRow> {
  const row = await findQuestionnaire(ctx.db, organisationId, data.questionnaireId);
  if (!row) {
    throw new AppError('validation_failed', { questionnaireId: 'Questionnaire : choisissez un questionnaire de la liste.' });
  }
  // Une campagne garde le questionnaire qu'elle utilise, même archivé depuis.
  if (row.archived_at && row.id !== keepId) {
    throw new AppError('validation_failed', {
      questionnaireId: 'Questionnaire : ce questionnaire est archivé, choisissez-en un autre.',
    });
  }
  return row;
}

function campaignSnapshot(c: Pick<CampaignRow, 'name' | 'questionnaire_id' | 'surveyed_channel' | 'starts_on' | 'ends_on'>) {
  return {
    name: c.name,
    questionnaireId: c.questionnaire_id,
    surveyedChannel: c.surveyed_channel,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
  };
}

export async function createCampaign(
  ctx: AppContext,
  organisationId: string,
  input: unknown,
  actor: Actor,
): Promise<{ id: string }> {
  const data = validate(campaignSchema, input);
  const questionnaire = await chosenQuestionnaire(ctx, organisationId, data);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  const columns = {
    name: data.name,
    questionnaire_id: questionnaire.id,
    // Le canal enquêté est celui du questionnaire : une campagne ne mélange pas deux canaux.
    surveyed_channel: questionnaire.surveyed_channel,
    starts_on: data.startsOn,
    ends_on: data.endsOn,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await insertCampaign(trx, {
      id,
      organisation_id: organisationId,
      ...columns,
      closed_at: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'survey_campaign.created',
      entityType: 'survey_campaign',
      entityId: id,
      summary: `Campagne d’enquête « ${data.name} » créée (${data.startsOn} → ${data.endsOn})`,
      after: campaignSnapshot(columns),
    });
  });
  return { id };
}

/** Nom et période modifiables ; le questionnaire seulement tant que la campagne n'a reçu aucune réponse. */
export async function updateCampaign(ctx: AppContext, organisationId: string, id: string, input: unknown, actor: Actor) {
  const existing = await existingCampaign(ctx, organisationId, id);
  const data = validate(campaignSchema, input);
  const questionnaire = await chosenQuestionnaire(ctx, organisationId, data, existing.questionnaire_id);
  const now = ctx.clock.now().toISOString();
  const columns = {
    name: data.name,
    questionnaire_id: questionnaire.id,
    surveyed_channel: questionnaire.surveyed_channel,
    starts_on: data.startsOn,
    ends_on: data.endsOn,
  };
  await ctx.db.transaction().execute(async (trx) => {
    if (questionnaire.id !== existing.questionnaire_id && (await countResponsesOfCampaign(trx, id)) > 0) {
      throw new AppError('validation_failed', {
        questionnaireId:
          'Questionnaire : cette campagne a déjà des réponses, elle garde son questionnaire. Créez une nouvelle campagne pour l’autre version.',
      });
    }
    await updateCampaignRow(trx, organisationId, id, { ...columns, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'survey_campaign.updated',
      entityType: 'survey_campaign',
      entityId: id,
      summary: `Campagne d’enquête « ${data.name} » modifiée`,
      before: campaignSnapshot(existing),
      after: campaignSnapshot(columns),
    });
  });
  forgetCollectionPoints(ctx);
}

/** Clôture anticipée : plus aucune réponse acceptée, quelle que soit la période. */
export async function closeCampaign(ctx: AppContext, organisationId: string, id: string, actor: Actor): Promise<void> {
  const campaign = await existingCampaign(ctx, organisationId, id);
  if (campaign.closed_at) return;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateCampaignRow(trx, organisationId, id, { closed_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'survey_campaign.closed',
      entityType: 'survey_campaign',
      entityId: id,
      summary: `Campagne d’enquête « ${campaign.name} » close`,
    });
  });
  // Les soumissions publiques gardent leur point en mémoire courte : la clôture vaut dès la réponse suivante.
  forgetCollectionPoints(ctx);
}

export async function addCollectionPoint(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  input: unknown,
  actor: Actor,
): Promise<{ id: string; token: string }> {
  const campaign = await existingCampaign(ctx, organisationId, campaignId);
  const data = validate(collectionPointSchema, input);
  const id = newId();
  const token = randomToken(24);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertCollectionPoint(trx, {
      id,
      organisation_id: organisationId,
      campaign_id: campaignId,
      label: data.label,
      mode: data.mode,
      public_token: token,
      archived_at: null,
      created_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'survey_collection_point.created',
      entityType: 'survey_collection_point',
      entityId: id,
      summary: `Point de collecte « ${data.label} » (${COLLECTION_MODE_LABELS[data.mode]}) ajouté à la campagne « ${campaign.name} »`,
      // Le jeton est un secret d'accès : l'audit ne le garde pas.
      after: { campaignId, label: data.label, mode: data.mode },
    });
  });
  return { id, token };
}

export async function getCollectionPoint(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  pointId: string,
): Promise<{ campaign: CampaignRow; point: CollectionPointRow }> {
  const campaign = await existingCampaign(ctx, organisationId, campaignId);
  const point = await findCollectionPoint(ctx.db, organisationId, campaignId, pointId);
  if (!point) throw new AppError('not_found', {}, 'Point de collecte introuvable.');
  return { campaign, point };
}

/** Archiver un point : son lien public cesse de fonctionner, ses réponses restent comptées. */
export async function archiveCollectionPoint(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  pointId: string,
  actor: Actor,
): Promise<void> {
  const { campaign, point } = await getCollectionPoint(ctx, organisationId, campaignId, pointId);
  if (point.archived_at) return;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await archiveCollectionPointRow(trx, organisationId, pointId, now);
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'survey_collection_point.archived',
      entityType: 'survey_collection_point',
      entityId: pointId,
      summary: `Point de collecte « ${point.label} » de la campagne « ${campaign.name} » archivé`,
    });
  });
  forgetCollectionPoints(ctx);
}

export interface OpenPoint {
  point: CollectionPointRow;
  campaign: CampaignRow;
  questionnaire: Questionnaire;
  questionnaireRow: QuestionnaireRow;
  /** Fuseau du département : la date de réponse se lit dans ce fuseau. */
  timeZone: string;
}

/**
 * Le point de collecte d'un lien public, s'il reçoit des réponses maintenant. Erreurs distinctes :
 * `survey_link_unknown` (jeton inconnu ou point archivé), `survey_not_yet_open` (avant le début),
 * `survey_closed` (période passée ou clôture anticipée).
 */
export async function findOpenPointByToken(ctx: AppContext, token: string): Promise<OpenPoint> {
  const found = typeof token === 'string' && token !== '' ? await findCollectionPointByToken(ctx.db, token) : undefined;
  if (!found || found.archived_at) throw new AppError('survey_link_unknown');
  const { department_code, ...point } = found;
  const campaign = await existingCampaign(ctx, point.organisation_id, point.campaign_id);
  const timeZone = departmentTimeZone(department_code);
  const status = campaignStatus(campaign, ctx.clock.now(), timeZone);
  if (status === 'upcoming') throw new AppError('survey_not_yet_open');
  if (status !== 'open') throw new AppError('survey_closed');
  const { row, questionnaire } = await getQuestionnaire(ctx, point.organisation_id, campaign.questionnaire_id);
  return { point, campaign, questionnaire, questionnaireRow: row, timeZone };
}
