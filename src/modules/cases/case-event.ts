import type { Insertable } from 'kysely';
import { newOrderedId } from '../../shared/ids.ts';
import type { Actor } from '../audit/audit.service.ts';
import type { CaseEventTable } from './case.table.ts';

/**
 * Une ligne de l'historique d'un dossier. `summary` reste après l'effacement des données
 * personnelles : il ne doit nommer personne ; `data` (JSON) est effacé avec elles.
 */
export function caseEvent(
  caseId: string,
  type: string,
  actor: Actor,
  summary: string,
  at: string,
  data?: unknown,
): Insertable<CaseEventTable> {
  return {
    id: newOrderedId(),
    case_id: caseId,
    type,
    actor_user_id: actor.userId,
    actor_label: actor.label,
    summary,
    data_json: data === undefined || data === null ? null : JSON.stringify(data),
    occurred_at: at,
  };
}
