import type { AppContext } from '../../shared/context.ts';

/** Jours pendant lesquels l'admin voit l'expéditeur et l'objet d'un message relevé qui n'a pas fait de dossier. */
export const UNLINKED_MAIL_RETENTION_DAYS = 30;

/**
 * Conservation du courrier sans dossier : les récapitulatifs envoyés (ou abandonnés) sont supprimés,
 * l'expéditeur et l'objet des messages ignorés, signalés ou rejetés sont effacés — la ligne reste,
 * car son Message-ID empêche de relever deux fois le même message. Le courrier lié à un dossier
 * suit la conservation du dossier (`purgeCasePersonalData`).
 */
export async function purgeUnlinkedMail(ctx: AppContext): Promise<{ outgoingDeleted: number; inboundErased: number }> {
  const before = new Date(ctx.clock.now().getTime() - UNLINKED_MAIL_RETENTION_DAYS * 86_400_000).toISOString();
  const deleted = await ctx.db
    .deleteFrom('outgoing_mails')
    .where('case_id', 'is', null)
    .where('status', 'in', ['sent', 'failed'])
    .where('updated_at', '<', before)
    .executeTakeFirst();
  const erased = await ctx.db
    .updateTable('inbound_messages')
    .set({ from_address: null, subject: null })
    .where('case_id', 'is', null)
    .where('created_at', '<', before)
    .where((eb) => eb.or([eb('from_address', 'is not', null), eb('subject', 'is not', null)]))
    .executeTakeFirst();
  return { outgoingDeleted: Number(deleted.numDeletedRows), inboundErased: Number(erased.numUpdatedRows) };
}
