import type { Executor } from '../../db/types.ts';
import { withMembershipServices } from '../accounts/account.repository.ts';

/** Comptes actifs d'une organisation qui veulent le récapitulatif (agents et référents), avec leurs services. */
export async function listReminderRecipients(db: Executor, organisationId: string) {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['memberships.id as membership_id', 'memberships.role', 'users.id as user_id', 'users.email', 'users.display_name'])
    .where('memberships.organisation_id', '=', organisationId)
    .where('memberships.role', 'in', ['admin', 'agent'])
    .where('users.disabled_at', 'is', null)
    .where('users.reminder_digest', '=', 1)
    .orderBy('users.email')
    .execute();
  return withMembershipServices(db, organisationId, rows);
}

/** Les clés de récapitulatif déjà en file (ou parties) parmi celles-ci. */
export async function existingUniqueKeys(db: Executor, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('outgoing_mails').select('unique_key').where('unique_key', 'in', keys).execute();
  return new Set(rows.map((r) => r.unique_key).filter((k): k is string => k !== null));
}

/** Dossiers ouverts (ni répondus ni clos) dont une échéance tombe avant `before` (exclu). */
export async function listReminderCases(db: Executor, organisationId: string, before: string) {
  return db
    .selectFrom('cases')
    .leftJoin('services', 'services.id', 'cases.service_id')
    .select([
      'cases.id',
      'cases.reference',
      'cases.kind',
      'cases.status',
      'cases.subject',
      'cases.service_id',
      'services.name as service_name',
      'cases.due_date',
      'cases.appointment_fixed_due',
      'cases.appointment_held_due',
      'cases.appointment_fixed_local_date',
      'cases.appointment_held_local_date',
    ])
    .where('cases.organisation_id', '=', organisationId)
    .where('cases.status', 'not in', ['answered', 'closed'])
    .where((eb) =>
      eb.or([
        eb('cases.due_date', '<', before),
        eb('cases.appointment_fixed_due', '<', before),
        eb('cases.appointment_held_due', '<', before),
      ]),
    )
    .orderBy('cases.reference')
    .execute();
}
