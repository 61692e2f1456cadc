import { openDatabase } from '../../src/db/database.ts';
import { pollMailbox } from '../../src/modules/mail/intake.service.ts';
import { findMailboxById } from '../../src/modules/mail/mailbox.repository.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import type { AppContext } from '../../src/shared/context.ts';
import { testConfig } from './context.ts';

/**
 * Processus enfant des tests de reprise : relève une boîte dans une base SQLite fichier, comme le
 * ferait le serveur, pour être tué (SIGKILL) au milieu d'un lot.
 * Usage : node test/helpers/poll-mailbox.child.ts <fichier SQLite> <identifiant de boîte> <heure ISO>
 */
const [path, mailboxId, now] = process.argv.slice(2);
if (!path || !mailboxId || !now) throw new Error('usage : poll-mailbox.child.ts <base> <boîte> <heure>');
const handle = openDatabase(path);
const ctx: AppContext = { db: handle.db, engine: handle.engine, clock: new FixedClock(now), config: testConfig(path) };
const mailbox = await findMailboxById(ctx.db, mailboxId);
if (!mailbox) throw new Error(`boîte ${mailboxId} introuvable`);
process.stdout.write(`${JSON.stringify(await pollMailbox(ctx, mailbox))}\n`);
await handle.close();
