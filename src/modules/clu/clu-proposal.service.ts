import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validate } from '../../shared/validation.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { findMeeting } from './clu-meeting.repository.ts';
import { findMemberOrganisation } from './clu-member.repository.ts';
import { findProposal, insertProposal, updateProposal } from './clu-proposal.repository.ts';
import { PROPOSAL_STATUS_LABELS, type ProposalStatus, proposalFollowUpSchema, proposalSchema } from './clu-proposal.schemas.ts';

async function checkMemberOrganisation(ctx: AppContext, organisationId: string, memberOrganisationId: string | null) {
  if (memberOrganisationId && !(await findMemberOrganisation(ctx.db, organisationId, memberOrganisationId))) {
    throw new AppError('validation_failed', { memberOrganisationId: 'Organisme : choisissez un organisme de la liste.' });
  }
}

export async function getProposal(ctx: AppContext, organisationId: string, id: string) {
  const row = await findProposal(ctx.db, organisationId, id);
  if (!row) throw new AppError('not_found', {}, 'Proposition introuvable.');
  return row;
}

/** Proposition formulée pendant (ou après) la réunion, à suivre jusqu'au comité suivant. */
export async function addProposal(ctx: AppContext, organisationId: string, meetingId: string, input: unknown, actor: Actor) {
  const meeting = await findMeeting(ctx.db, organisationId, meetingId);
  if (!meeting) throw new AppError('not_found', {}, 'Réunion introuvable.');
  const data = validate(proposalSchema, input);
  await checkMemberOrganisation(ctx, organisationId, data.memberOrganisationId);
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await insertProposal(trx, {
      id,
      organisation_id: organisationId,
      meeting_id: meetingId,
      member_organisation_id: data.memberOrganisationId,
      text: data.text,
      status: data.status,
      follow_up: data.followUp,
      action_id: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_proposal.created',
      entityType: 'clu_proposal',
      entityId: id,
      summary: `Proposition ajoutée au comité du ${meeting.starts_at.slice(0, 10)}`,
      after: { text: data.text, status: data.status },
    });
  });
  return id;
}

/**
 * Modifie une proposition. Depuis sa réunion, tout change (texte, organisme, statut, réponse) ; depuis
 * la réunion suivante (`followUpOnly`), seuls le statut et la réponse apportée : c'est le bilan.
 */
export async function editProposal(
  ctx: AppContext,
  organisationId: string,
  id: string,
  input: unknown,
  actor: Actor,
  options: { followUpOnly?: boolean } = {},
) {
  const current = await getProposal(ctx, organisationId, id);
  let changes: { status: ProposalStatus; followUp: string | null; text?: string; memberOrganisationId?: string | null };
  if (options.followUpOnly) {
    changes = validate(proposalFollowUpSchema, input);
  } else {
    changes = validate(proposalSchema, input);
    await checkMemberOrganisation(ctx, organisationId, changes.memberOrganisationId ?? null);
  }
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await updateProposal(trx, organisationId, id, {
      ...(changes.text === undefined ? {} : { text: changes.text, member_organisation_id: changes.memberOrganisationId ?? null }),
      status: changes.status,
      follow_up: changes.followUp,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor,
      action: 'clu_proposal.updated',
      entityType: 'clu_proposal',
      entityId: id,
      summary: `Proposition du comité : ${PROPOSAL_STATUS_LABELS[changes.status].toLowerCase()}`,
      before: { status: current.status, followUp: current.follow_up },
      after: { status: changes.status, followUp: changes.followUp },
    });
  });
  return current;
}
