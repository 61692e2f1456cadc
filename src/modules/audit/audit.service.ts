import type { Executor } from '../../db/types.ts';
import type { Clock } from '../../shared/clock.ts';
import { newOrderedId } from '../../shared/ids.ts';
import { insertAuditEvent, insertAuditEvents } from './audit.repository.ts';

/** Qui agit : un compte, ou le système (tâche de fond, ligne de commande). */
export interface Actor {
  userId: string | null;
  label: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'Système' };
export const CLI_ACTOR: Actor = { userId: null, label: 'Ligne de commande' };
/** L'auteur des données de la préfecture de démonstration (`npm start`). */
export const DEMO_ACTOR: Actor = { userId: null, label: 'Données de démonstration' };

export interface AuditInput {
  organisationId: string | null;
  actor: Actor;
  action: string;
  entityType: string;
  entityId?: string | null;
  summary?: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Écrit l'événement d'audit dans la transaction de la modification : les deux sont validés ou annulés
 * ensemble. Un import en masse écrit un seul événement qui le résume.
 */
export async function recordAudit(trx: Executor, clock: Clock, input: AuditInput): Promise<void> {
  await insertAuditEvent(trx, auditRow(clock, input));
}

/** Plusieurs événements d'audit écrits ensemble, dans la même transaction que leurs modifications. */
export async function recordAudits(trx: Executor, clock: Clock, inputs: AuditInput[]): Promise<void> {
  if (inputs.length > 0)
    await insertAuditEvents(
      trx,
      inputs.map((input) => auditRow(clock, input)),
    );
}

function auditRow(clock: Clock, input: AuditInput) {
  return {
    id: newOrderedId(),
    organisation_id: input.organisationId,
    actor_user_id: input.actor.userId,
    actor_label: input.actor.label,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId ?? null,
    summary: input.summary ?? null,
    before_json: input.before === undefined ? null : JSON.stringify(input.before),
    after_json: input.after === undefined ? null : JSON.stringify(input.after),
    occurred_at: clock.now().toISOString(),
    personal_data_erased_at: null,
  };
}
