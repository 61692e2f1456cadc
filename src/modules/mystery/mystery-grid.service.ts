import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { randomToken, sha256 } from '../../shared/ids.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import {
  findEvaluatorByTokenHash,
  findGridCampaign,
  findGridContact,
  findGridEvaluator,
  type GridCampaignRow,
  type GridContactRow,
  listEvaluatorContacts,
  listGridContacts,
  listGridEvaluators,
  setEvaluatorTokenHash,
  updateContactGrid,
} from './mystery-grid.repository.ts';
import {
  checkGridInput,
  type GridAnswers,
  type GridCriterion,
  gridOf,
  type MeasuredEmail,
  type MysteryGrid,
  missingMeasured,
  parseGridAnswers,
  parseMeasured,
} from './mystery-grid.ts';

/**
 * Saisie des grilles : par le référent depuis les pages de la campagne, ou par l'enquêteur depuis son
 * lien personnel (sans compte). Le lien porte un jeton aléatoire montré une seule fois ; seule son
 * empreinte SHA-256 est gardée (`mystery_evaluators.access_token_hash`), comme les jetons d'API.
 *
 * Quand une grille se remplit :
 * - campagne en préparation (`draft`) : jamais (le plan peut encore changer, rien n'est passé) ;
 * - campagne confirmée : le référent et l'enquêteur ;
 * - campagne close : le référent seul (grille tardive ou correction), l'enquêteur la lit.
 * Un contact annulé n'a pas de grille.
 */

/** Jeton du lien personnel : 24 octets aléatoires en base64url (32 caractères). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,100}$/;

export function evaluatorPath(token: string): string {
  return `/mystere/enqueteur/${encodeURIComponent(token)}`;
}

export function adminGridPath(campaignId: string, contactId: string): string {
  return `/mystere/campagnes/${campaignId}/contacts/${contactId}/grille`;
}

export type GridAccess = 'referent' | 'evaluator';

export interface GridPageData {
  campaign: { id: string; name: string; status: string; organisationId: string };
  contact: GridContactRow;
  grid: MysteryGrid;
  answers: GridAnswers;
  measured: MeasuredEmail | null;
  /** Réponses mesurées en lecture seule (un courriel mesuré par Vigie). */
  measuredLocked: boolean;
  /** Mesures encore attendues (courriel : délai de 5 jours ouvrés pas encore écoulé…). */
  pending: GridCriterion[];
  /** Pourquoi la grille ne peut pas être modifiée ; `null` quand elle peut l'être. */
  readOnlyReason: string | null;
}

function readOnlyReason(campaignStatus: string, contactStatus: string, access: GridAccess): string | null {
  if (contactStatus === 'cancelled') return 'Ce contact a été annulé : il n’a pas de grille.';
  if (campaignStatus === 'draft') {
    return 'La campagne est en préparation : les grilles se remplissent une fois le plan confirmé.';
  }
  if (campaignStatus === 'closed' && access === 'evaluator') {
    return 'La campagne est terminée : la grille se lit sans pouvoir être modifiée.';
  }
  return null;
}

function pageData(
  campaign: { id: string; name: string; status: string; organisation_id: string },
  contact: GridContactRow,
  access: GridAccess,
): GridPageData {
  const grid = gridOf(contact.channel);
  const answers = parseGridAnswers(contact.answers_json);
  const measured = contact.channel === 'email' ? parseMeasured(contact.measured_json) : null;
  const measuredLocked = measured !== null;
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status, organisationId: campaign.organisation_id },
    contact,
    grid,
    answers,
    measured,
    measuredLocked,
    pending: measuredLocked ? missingMeasured(grid, answers) : [],
    readOnlyReason: readOnlyReason(campaign.status, contact.status, access),
  };
}

export async function gridCampaign(ctx: AppContext, organisationId: string, campaignId: string): Promise<GridCampaignRow> {
  const campaign = await findGridCampaign(ctx.db, organisationId, campaignId);
  if (!campaign) throw new AppError('not_found', {}, 'Campagne d’enquêtes mystère introuvable.');
  return campaign;
}

export async function referentGrid(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  contactId: string,
): Promise<GridPageData> {
  const campaign = await gridCampaign(ctx, organisationId, campaignId);
  const contact = await findGridContact(ctx.db, campaign.id, contactId);
  if (!contact) throw new AppError('not_found', {}, 'Contact introuvable dans cette campagne.');
  return pageData(campaign, contact, 'referent');
}

/** Les contacts et les enquêteurs d'une campagne, pour la page « Grilles » du référent. */
export async function campaignGrids(ctx: AppContext, organisationId: string, campaignId: string) {
  const campaign = await gridCampaign(ctx, organisationId, campaignId);
  const [contacts, evaluators] = await Promise.all([
    listGridContacts(ctx.db, campaign.id),
    listGridEvaluators(ctx.db, campaign.id),
  ]);
  return {
    campaign,
    contacts,
    evaluators: evaluators.map((e) => ({
      id: e.id,
      label: e.label,
      external: e.external === 1,
      hasLink: e.access_token_hash !== null,
      contacts: contacts.filter((c) => c.evaluator_id === e.id).length,
    })),
  };
}

export interface SavedGrid {
  complete: boolean;
  pending: GridCriterion[];
}

async function saveGrid(ctx: AppContext, data: GridPageData, body: Record<string, unknown>, actor: Actor): Promise<SavedGrid> {
  if (data.readOnlyReason) throw new AppError('validation_failed', {}, data.readOnlyReason);
  const values: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!name.startsWith('answers.')) continue;
    const first = Array.isArray(value) ? value[0] : value;
    values[name.slice('answers.'.length)] = typeof first === 'string' ? first : undefined;
  }
  const notes = typeof body.notes === 'string' ? body.notes : undefined;
  const checked = checkGridInput(data.contact.channel, { values, notes }, data.answers, { measuredLocked: data.measuredLocked });
  if (Object.keys(checked.errors).length > 0) {
    throw new AppError('validation_failed', checked.errors, 'La grille n’est pas complète : corrigez les réponses signalées.');
  }
  const now = ctx.clock.now().toISOString();
  const wasDone = data.contact.status === 'done';
  const status = checked.complete ? 'done' : wasDone ? (data.contact.sent_at ? 'sent' : 'planned') : data.contact.status;
  await ctx.db.transaction().execute(async (trx) => {
    await updateContactGrid(trx, data.campaign.id, data.contact.id, {
      answers_json: JSON.stringify(checked.answers),
      notes: checked.notes,
      status,
      completed_at: checked.complete ? now : null,
      completed_by_name: checked.complete ? actor.label : null,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId: data.campaign.organisationId,
      actor,
      action: 'mystery.grid_saved',
      entityType: 'mystery_contact',
      entityId: data.contact.id,
      summary: `Grille du contact n° ${data.contact.rank} (${data.campaign.name}) ${checked.complete ? 'complétée' : 'enregistrée, mesures en attente'}`,
      before: { status: data.contact.status, answers: data.answers },
      after: { status, answers: checked.answers },
    });
  });
  return { complete: checked.complete, pending: checked.complete ? [] : missingMeasured(data.grid, checked.answers) };
}

export async function saveReferentGrid(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  contactId: string,
  body: Record<string, unknown>,
  actor: Actor,
): Promise<SavedGrid> {
  return saveGrid(ctx, await referentGrid(ctx, organisationId, campaignId, contactId), body, actor);
}

// --- Lien personnel de l'enquêteur -------------------------------------------------------------------

/**
 * Crée (ou remplace) le lien personnel d'un enquêteur : le jeton est rendu une seule fois, l'ancien lien
 * cesse de fonctionner. Rend le chemin à transmettre à l'enquêteur.
 */
export async function issueEvaluatorLink(
  ctx: AppContext,
  organisationId: string,
  campaignId: string,
  evaluatorId: string,
  actor: Actor,
): Promise<{ token: string; path: string; evaluatorLabel: string; replaced: boolean }> {
  const campaign = await gridCampaign(ctx, organisationId, campaignId);
  const evaluator = await findGridEvaluator(ctx.db, campaign.id, evaluatorId);
  if (!evaluator) throw new AppError('not_found', {}, 'Enquêteur introuvable dans cette campagne.');
  const token = randomToken(24);
  await ctx.db.transaction().execute(async (trx) => {
    await setEvaluatorTokenHash(trx, campaign.id, evaluator.id, sha256(token));
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: evaluator.access_token_hash ? 'mystery.evaluator_link_replaced' : 'mystery.evaluator_link_created',
      entityType: 'mystery_evaluator',
      entityId: evaluator.id,
      summary: `Lien personnel de l’enquêteur « ${evaluator.label} » (${campaign.name}) ${evaluator.access_token_hash ? 'remplacé' : 'créé'}`,
    });
  });
  return { token, path: evaluatorPath(token), evaluatorLabel: evaluator.label, replaced: evaluator.access_token_hash !== null };
}

const UNKNOWN_LINK = 'Ce lien d’enquêteur n’existe pas ou a été remplacé : demandez le nouveau lien au référent qualité.';

async function evaluatorOf(ctx: AppContext, token: string) {
  if (!TOKEN_PATTERN.test(token)) throw new AppError('not_found', {}, UNKNOWN_LINK);
  const found = await findEvaluatorByTokenHash(ctx.db, sha256(token));
  if (!found) throw new AppError('not_found', {}, UNKNOWN_LINK);
  return found;
}

export function evaluatorActor(label: string): Actor {
  return { userId: null, label: `Enquêteur ${label}` };
}

/** La page d'accueil du lien : l'enquêteur, sa campagne et SES contacts (rien d'autre). */
export async function evaluatorHome(ctx: AppContext, token: string) {
  const evaluator = await evaluatorOf(ctx, token);
  const contacts =
    evaluator.campaign_status === 'draft'
      ? []
      : await listEvaluatorContacts(ctx.db, evaluator.campaign_id, evaluator.evaluator_id);
  return { evaluator, contacts: contacts.filter((c) => c.status !== 'cancelled') };
}

/** La grille d'un contact de l'enquêteur ; un contact d'un autre enquêteur ou d'une autre campagne : 404. */
export async function evaluatorGrid(
  ctx: AppContext,
  token: string,
  contactId: string,
): Promise<GridPageData & { evaluatorLabel: string }> {
  const evaluator = await evaluatorOf(ctx, token);
  const contact = await findGridContact(ctx.db, evaluator.campaign_id, contactId);
  if (!contact || contact.evaluator_id !== evaluator.evaluator_id || evaluator.campaign_status === 'draft') {
    throw new AppError('not_found', {}, 'Ce contact ne fait pas partie de vos contacts pour cette campagne.');
  }
  return {
    ...pageData(
      {
        id: evaluator.campaign_id,
        name: evaluator.campaign_name,
        status: evaluator.campaign_status,
        organisation_id: evaluator.organisation_id,
      },
      contact,
      'evaluator',
    ),
    evaluatorLabel: evaluator.evaluator_label,
  };
}

export async function saveEvaluatorGrid(
  ctx: AppContext,
  token: string,
  contactId: string,
  body: Record<string, unknown>,
): Promise<SavedGrid> {
  const data = await evaluatorGrid(ctx, token, contactId);
  return saveGrid(ctx, data, body, evaluatorActor(data.evaluatorLabel));
}
