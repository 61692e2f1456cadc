import type { Executor } from '../../db/types.ts';
import { toNumber } from '../../db/types.ts';

/** Chiffres de la page « Courrier » : boîtes (et celles en erreur), file sortante par statut, modèles actifs. */
export async function mailOverview(db: Executor, organisationId: string) {
  const mailboxes = await db
    .selectFrom('mailboxes')
    .select(['id', 'label', 'address', 'last_error', 'last_polled_at', 'intake_enabled', 'imap_host', 'smtp_host'])
    .where('organisation_id', '=', organisationId)
    .orderBy('label')
    .execute();
  const outbox = await db
    .selectFrom('outgoing_mails')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .where('organisation_id', '=', organisationId)
    .groupBy('status')
    .execute();
  const templates = await db
    .selectFrom('mail_templates')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  const byStatus = Object.fromEntries(outbox.map((r) => [r.status, toNumber(r.n)]));
  return {
    mailboxes,
    outbox: {
      pending: (byStatus.pending ?? 0) + (byStatus.sending ?? 0),
      sent: byStatus.sent ?? 0,
      failed: byStatus.failed ?? 0,
    },
    templates: toNumber(templates?.n),
  };
}
