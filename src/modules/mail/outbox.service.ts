import type { Executor } from '../../db/types.ts';
import type { AppContext } from '../../shared/context.ts';
import { newId } from '../../shared/ids.ts';
import type { OutgoingPurpose } from './mail.table.ts';
import { insertOutgoingMail } from './outgoing-mail.repository.ts';

export interface OutgoingMailInput {
  organisationId: string;
  caseId?: string | null;
  mailboxId: string | null;
  purpose: OutgoingPurpose;
  /** Une seule mise en file par clé (« acknowledgment:<dossier> ») : jamais deux envois. */
  uniqueKey?: string | null;
  to: { address: string; name?: string | null };
  subject: string;
  bodyText: string;
  inReplyTo?: string | null;
  references?: string | null;
  attachments?: { filename: string; contentType: string; contentBase64: string }[];
  createdByUserId?: string | null;
}

/** Domaine des Message-ID : celui de l'adresse d'expédition, sinon celui de l'adresse publique de Vigie. */
export function messageIdDomain(ctx: AppContext, fromAddress: string | null): string {
  const fromDomain = fromAddress?.split('@')[1];
  return fromDomain || new URL(ctx.config.publicUrl).hostname || 'vigie.invalid';
}

/**
 * Met un courriel en file, dans la transaction de l'appelant (le dossier et son accusé sont écrits
 * ensemble). Le Message-ID est fixé ici : chaque nouvel essai renvoie le même message.
 */
export async function enqueueOutgoingMail(
  db: Executor,
  ctx: AppContext,
  input: OutgoingMailInput,
  fromAddress: string | null,
): Promise<{ id: string; messageId: string; queued: boolean }> {
  const id = newId();
  const now = ctx.clock.now().toISOString();
  const messageId = `<${id}@${messageIdDomain(ctx, fromAddress)}>`;
  const queued = await insertOutgoingMail(db, {
    id,
    organisation_id: input.organisationId,
    case_id: input.caseId ?? null,
    mailbox_id: input.mailboxId,
    purpose: input.purpose,
    unique_key: input.uniqueKey ?? null,
    to_address: input.to.address,
    to_name: input.to.name ?? null,
    subject: input.subject,
    body_text: input.bodyText,
    message_id: messageId,
    in_reply_to: input.inReplyTo ?? null,
    references_header: input.references ?? null,
    attachments_json: input.attachments && input.attachments.length > 0 ? JSON.stringify(input.attachments) : null,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    sent_at: null,
    created_by_user_id: input.createdByUserId ?? null,
    created_at: now,
    updated_at: now,
  });
  return { id, messageId, queued };
}
