import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { Kysely, SqliteDialect } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { openSqlite } from '../src/db/sqlite-adapter.ts';
import { CLI_ACTOR } from '../src/modules/audit/audit.service.ts';
import { pollMailbox } from '../src/modules/mail/intake.service.ts';
import { findMailboxById, insertMailbox } from '../src/modules/mail/mailbox.repository.ts';
import { sealSecret } from '../src/modules/mail/secret-box.ts';
import { addService, createOrganisation } from '../src/modules/organisations/organisation.service.ts';
import { ensureReferentiel } from '../src/modules/referentiel/referentiel.service.ts';
import { FixedClock } from '../src/shared/clock.ts';
import type { AppContext } from '../src/shared/context.ts';
import { dovecotAvailable, startTestMailServer, TEST_MAIL_PASSWORD } from '../test/helpers/mail-server.ts';

/**
 * Relève IMAP à l'échelle : BENCH_MESSAGES messages (2 000 par défaut) remis par LMTP au Dovecot des
 * tests, puis, dans le même processus, la lecture IMAP brute des mêmes messages (fetchAll de la
 * source, par lots d'UID) et la relève complète (analyse, tri, dossier, accusé en file, une
 * transaction par message) dans une base SQLite fichier : synchronous=FULL (le réglage de Vigie),
 * puis NORMAL pour chiffrer l'attente du disque à chaque transaction.
 * Cible : relève ≥ 50 % du débit de la lecture brute.
 */
const COUNT = Number(process.env.BENCH_MESSAGES ?? 2_000);
const ADDRESS = 'pref-banc@example.test';

if (!dovecotAvailable()) {
  console.log('Relève IMAP : Dovecot absent (apt-get install dovecot-imapd dovecot-lmtpd), banc sauté.');
  process.exit(0);
}

function message(i: number): string {
  const id = `<banc-${i}-${Date.now()}@usager.example.test>`;
  const paragraph =
    'Je souhaiterais connaître les pièces à fournir et le délai de traitement de ma demande, ainsi que les horaires d’ouverture du guichet. ';
  const text = `Bonjour,\r\n\r\n${paragraph.repeat(1 + (i % 5))}\r\n\r\nCordialement,\r\nUsager ${i}\r\n`;
  const headers = [
    `From: Usager ${i} <usager${i}@example.test>`,
    `To: ${ADDRESS}`,
    `Subject: =?utf-8?Q?Demande_n=C2=B0_${i}_:_carte_grise?=`,
    'Date: Thu, 02 Apr 2026 09:00:00 +0200',
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
  ];
  if (i % 4 !== 0)
    return [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text].join('\r\n');
  // Un message sur quatre en texte + HTML, comme l'envoient les webmails.
  const html = `<html><body><p>${text.replace(/\r\n/g, '<br>')}</p></body></html>`;
  return [
    ...headers,
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    html,
    '--alt--',
    '',
  ].join('\r\n');
}

const server = await startTestMailServer();
const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-mail-'));

/** Lecture IMAP brute : mêmes messages, mêmes lots d'UID que la relève, rien d'autre. */
async function rawFetch() {
  const client = new ImapFlow({
    host: server.host,
    port: server.imapPort,
    secure: false,
    auth: { user: ADDRESS, pass: TEST_MAIL_PASSWORD },
    logger: false,
    disableAutoIdle: true,
  });
  const began = performance.now();
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  let bytes = 0;
  let count = 0;
  try {
    const uids = (await client.fetchAll('1:*', { uid: true, size: true }, { uid: true })).map((m) => m.uid).sort((a, b) => a - b);
    for (let i = 0; i < uids.length; i += 200) {
      const batch = await client.fetchAll(
        uids.slice(i, i + 200).join(','),
        { uid: true, source: true, internalDate: true },
        { uid: true },
      );
      for (const m of batch) {
        bytes += m.source?.length ?? 0;
        count++;
      }
    }
  } finally {
    lock.release();
    await client.logout();
  }
  return { ms: performance.now() - began, bytes, count };
}

/** La relève complète dans une base SQLite neuve, avec le réglage de synchronisation donné. */
async function pollInto(synchronous: 'FULL' | 'NORMAL') {
  const path = join(dir, `vigie-${synchronous}.sqlite`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(path, { synchronous }) }) });
  await migrateToLatest(db, 'sqlite');
  const clock = new FixedClock('2026-04-02T08:00:00Z');
  const ctx: AppContext = { db, engine: 'sqlite', clock, config: loadConfig({ NODE_ENV: 'test', DATABASE_URL: path }) };
  await ensureReferentiel(ctx);
  const organisation = await createOrganisation(ctx, { slug: 'banc', name: 'Préfecture banc', department: '63' }, CLI_ACTOR);
  const service = await addService(ctx, organisation.id, { name: 'Accueil général' }, CLI_ACTOR);
  const now = clock.now().toISOString();
  await insertMailbox(ctx.db, {
    id: 'banc',
    organisation_id: organisation.id,
    service_id: service.id,
    label: 'Banc',
    address: ADDRESS,
    display_name: 'Préfecture banc',
    imap_host: server.host,
    imap_port: server.imapPort,
    imap_tls: 0,
    imap_user: ADDRESS,
    imap_folder: 'INBOX',
    imap_password_encrypted: sealSecret(ctx.config.secretKey, TEST_MAIL_PASSWORD),
    poll_interval_seconds: 60,
    smtp_tls: 0,
    intake_enabled: 1,
    last_uid: 0,
    created_at: now,
    updated_at: now,
  });
  const mailbox = await findMailboxById(ctx.db, 'banc');
  if (!mailbox) throw new Error('boîte absente');
  const began = performance.now();
  const report = await pollMailbox(ctx, mailbox);
  const ms = performance.now() - began;
  if (report.error) throw new Error(report.error);
  const acks = await ctx.db
    .selectFrom('outgoing_mails')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('purpose', '=', 'acknowledgment')
    .executeTakeFirstOrThrow();
  await db.destroy();
  if (report.created !== COUNT || Number(acks.n) !== COUNT)
    throw new Error(`relève incomplète : ${report.created} dossiers, ${acks.n} accusés pour ${COUNT} messages`);
  return { ms, created: report.created };
}

try {
  // Remise par LMTP, quelques connexions en parallèle.
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < COUNT; i = next++) await server.deliver(ADDRESS, message(i));
    }),
  );
  const deliverMs = performance.now() - start;

  await rawFetch(); // à chaud : Dovecot a ses index en mémoire pour toutes les mesures
  const raw = await rawFetch();
  const full = await pollInto('FULL');
  const normal = await pollInto('NORMAL');

  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('fr-FR');
  const ratio = raw.ms / full.ms;
  console.log(
    `Relève IMAP : ${COUNT.toLocaleString('fr-FR')} messages (${(raw.bytes / 1024 / 1024).toFixed(1)} Mo, remis par LMTP en ${(deliverMs / 1000).toFixed(1)} s), SQLite fichier`,
  );
  console.log(
    `  lecture IMAP brute (fetchAll source, lots de 200) : ${rate(raw.count, raw.ms)} messages/s (${raw.ms.toFixed(0)} ms)`,
  );
  console.log(
    `  relève (analyse, tri, dossier, pièces, accusé en file, une transaction par message), synchronous=FULL : ${rate(full.created, full.ms)} dossiers/s (${full.ms.toFixed(0)} ms) — ${(ratio * 100).toFixed(0)} % du brut (cible ≥ 50 % : ${ratio >= 0.5 ? 'atteinte' : 'NON atteinte'})`,
  );
  console.log(
    `  même relève, synchronous=NORMAL (sans attente du disque à chaque transaction) : ${rate(normal.created, normal.ms)} dossiers/s (${normal.ms.toFixed(0)} ms) — ${((raw.ms / normal.ms) * 100).toFixed(0)} % du brut ; attente du disque ≈ ${((full.ms - normal.ms) / COUNT).toFixed(2)} ms par message`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
