import { hostname } from 'node:os';
import type { AppContext } from '../../shared/context.ts';
import { newId } from '../../shared/ids.ts';
import { releaseLease } from '../jobs/job.repository.ts';
import { holdLease } from '../jobs/job.service.ts';
import { PeriodicLoop } from '../jobs/periodic.ts';
import { type PollReport, pollMailbox } from './intake.service.ts';
import type { MailboxRow } from './mailbox.repository.ts';
import { listIntakeMailboxes } from './mailbox.repository.ts';
import { flushOutbox } from './outbox.service.ts';

const LEASE_NAME = 'mail-worker';
// Un processus arrêté net garde le bail jusqu'à son expiration : une minute de relève perdue au plus.
const LEASE_MS = 60_000;

/** Une boîte est à relever quand son intervalle est écoulé depuis le dernier passage (ou jamais relevée). */
export function isPollDue(mailbox: Pick<MailboxRow, 'last_polled_at' | 'last_error_at' | 'poll_interval_seconds'>, now: Date) {
  const last = [mailbox.last_polled_at, mailbox.last_error_at]
    .filter((v): v is string => v !== null)
    .sort()
    .at(-1);
  if (!last) return true;
  return now.getTime() - new Date(last).getTime() >= mailbox.poll_interval_seconds * 1000;
}

/**
 * Le courrier dans le processus serveur : à chaque passage, relève les boîtes dues puis envoie la
 * file sortante — un accusé part donc dans les secondes qui suivent la relève. Un bail en base
 * réserve ce travail à un seul processus quand plusieurs serveurs partagent la base ; l'idempotence
 * de la relève et de la file protège de toute façon contre un doublon.
 */
export class MailWorker {
  readonly holder = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
  readonly #ctx: AppContext;
  readonly #loop = new PeriodicLoop('Relève et envoi du courrier', () => this.tick());

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  async tick(): Promise<{
    leader: boolean;
    polled: { mailboxId: string; report: PollReport }[];
    outbox?: Awaited<ReturnType<typeof flushOutbox>>;
  }> {
    const ctx = this.#ctx;
    const leader = await holdLease(ctx, LEASE_NAME, this.holder, LEASE_MS);
    if (!leader) return { leader, polled: [] };
    const polled: { mailboxId: string; report: PollReport }[] = [];
    for (const mailbox of await listIntakeMailboxes(ctx.db)) {
      if (!isPollDue(mailbox, ctx.clock.now())) continue;
      polled.push({ mailboxId: mailbox.id, report: await pollMailbox(ctx, mailbox) });
    }
    const outbox = await flushOutbox(ctx);
    return { leader, polled, outbox };
  }

  start(intervalMs = 5_000): void {
    this.#loop.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    await releaseLease(this.#ctx.db, LEASE_NAME, this.holder).catch(() => undefined);
  }
}
