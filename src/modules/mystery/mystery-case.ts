import type { Executor } from '../../db/types.ts';
import type { MailboxRow } from '../mail/mailbox.repository.ts';
import {
  campaignStatusOfContacts,
  contactsBySentMessageIds,
  mysteryMailboxAddresses,
  sentContactsOfMailbox,
} from './mystery-mail.repository.ts';
import { matchContact } from './mystery-mail.ts';

/**
 * Les courriels mystère dans le registre : la relève d'une boîte fonctionnelle reconnaît le dossier né
 * d'un courriel mystère (il est traité comme tout autre, mais porte son contact et sort des indicateurs
 * de production), et la marque « Enquête mystère » n'est montrée qu'à qui peut la voir.
 */

/** Courriel venu d'une boîte mystère dont le contact n'a pas été retrouvé : le dossier reste hors des indicateurs. */
export const UNMATCHED_MYSTERY_CONTACT = 'unmatched';

/** Ce qu'une relève garde pour son passage : les adresses des boîtes mystère de l'organisation. */
export interface MysteryIntakeCache {
  addresses?: Map<string, string> | undefined;
}

/**
 * Le contact mystère de chaque message d'un lot de la relève (ou null) : le contact dont le Message-ID
 * est celui du message ; sinon, pour un message venu d'une boîte mystère, le contact de même objet qui
 * vise la boîte relevée ; sinon `unmatched`. Une requête par lot pour les Message-ID.
 */
export async function mysteryContactsOfLot(
  db: Executor,
  intakeMailbox: Pick<MailboxRow, 'organisation_id' | 'address'>,
  items: readonly {
    headerMessageId: string | null;
    from: { address: string } | null;
    subject: string | null;
    receivedAt: string;
  }[],
  cache: MysteryIntakeCache,
): Promise<(string | null)[]> {
  const organisationId = intakeMailbox.organisation_id;
  cache.addresses ??= await mysteryMailboxAddresses(db, organisationId);
  const addresses = cache.addresses;
  // Sans boîte mystère, aucun courriel mystère n'a pu partir : rien à chercher.
  if (addresses.size === 0) return items.map(() => null);
  const ids = items.map((i) => i.headerMessageId).filter((id): id is string => id !== null);
  const byId = await contactsBySentMessageIds(db, organisationId, ids);
  const target = intakeMailbox.address.toLowerCase();
  const result: (string | null)[] = [];
  for (const item of items) {
    const known = item.headerMessageId ? byId.get(item.headerMessageId) : undefined;
    if (known) {
      result.push(known);
      continue;
    }
    const mysteryMailboxId = item.from ? addresses.get(item.from.address.toLowerCase()) : undefined;
    if (!mysteryMailboxId) {
      result.push(null);
      continue;
    }
    const sent = (await sentContactsOfMailbox(db, mysteryMailboxId)).filter((c) => c.target_address?.toLowerCase() === target);
    const match = matchContact(
      { inReplyTo: [], references: [], subject: item.subject, from: null, at: item.receivedAt },
      sent.map((c) => ({
        contactId: c.id,
        messageIds: [],
        subject: c.scenario_subject,
        targetAddress: null,
        sentAt: c.sent_at ?? c.scheduled_at,
      })),
    );
    result.push(match?.contactId ?? UNMATCHED_MYSTERY_CONTACT);
  }
  return result;
}

/**
 * Dossiers à marquer « Enquête mystère » pour ce lecteur : tous pour le référent ; pour les autres
 * rôles, seulement ceux d'une campagne close (pendant la campagne, le service ne doit rien savoir).
 */
export async function mysteryCaseMarks(
  db: Executor,
  organisationId: string,
  role: string | null | undefined,
  cases: readonly { id: string; mystery_contact_id: string | null }[],
): Promise<Set<string>> {
  const flagged = cases.filter((c) => c.mystery_contact_id !== null);
  if (flagged.length === 0) return new Set();
  if (role === 'admin') return new Set(flagged.map((c) => c.id));
  const statuses = await campaignStatusOfContacts(
    db,
    organisationId,
    flagged.map((c) => c.mystery_contact_id ?? ''),
  );
  return new Set(flagged.filter((c) => statuses.get(c.mystery_contact_id ?? '') === 'closed').map((c) => c.id));
}
