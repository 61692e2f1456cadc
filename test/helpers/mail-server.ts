import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

/**
 * Vrai serveur de courrier pour les tests, sur la boucle locale : Dovecot de Debian (IMAP + LMTP)
 * lancé au premier plan avec une configuration jetable, et un serveur SMTP (`smtp-server`) qui
 * remet chaque message à Dovecot par LMTP. Tout compte `*@example.test` existe, mot de passe
 * `TEST_MAIL_PASSWORD`. Aucune simulation : Vigie parle IMAP et SMTP comme en production.
 */
export const TEST_MAIL_PASSWORD = 'mot-de-passe-de-test';
export const TEST_MAIL_DOMAIN = 'example.test';

export interface TestMailServer {
  host: string;
  imapPort: number;
  smtpPort: number;
  lmtpPort: number;
  /**
   * Remet un message brut (RFC 5322) dans la boîte de `to` par LMTP, sans passer par le SMTP.
   * `envelopeFrom` devient le Return-Path (chaîne vide : `<>`, celui des rebonds).
   */
  deliver(to: string, raw: string | Buffer, options?: { envelopeFrom?: string }): Promise<void>;
  /** Dépose des messages par IMAP APPEND dans un dossier (créé au besoin), avec leur date interne. */
  append(user: string, folder: string, messages: { raw: string | Buffer; internalDate?: Date }[]): Promise<void>;
  /** Supprime puis recrée un dossier IMAP : il reçoit un nouvel UIDVALIDITY. */
  recreateFolder(user: string, folder: string): Promise<void>;
  /** Les messages d'une boîte (dossier INBOX par défaut), du plus ancien au plus récent. */
  messages(user: string, folder?: string): Promise<{ uid: number; source: Buffer; internalDate: Date }[]>;
  /** Panne du relais SMTP (refus de connexion), puis rétablissement sur le même port. */
  stopSmtp(): Promise<void>;
  startSmtp(): Promise<void>;
  /** Panne du serveur IMAP (Dovecot arrêté : IMAP et LMTP refusent), puis redémarrage sur les mêmes ports, boîtes intactes. */
  stopImap(): Promise<void>;
  startImap(): Promise<void>;
  stop(): Promise<void>;
}

export function dovecotAvailable(): boolean {
  return existsSync('/usr/sbin/dovecot') && existsSync('/usr/lib/dovecot/lmtp');
}

/**
 * Sans Dovecot, les tests de courrier sont sautés avec un avis visible ; en CI (CI=true), son
 * absence est une erreur : ces tests n'y sont jamais sautés.
 */
export function mailServerSkipReason(): string | false {
  if (dovecotAvailable()) return false;
  if (process.env.CI) throw new Error('Dovecot introuvable en CI : apt-get install dovecot-imapd dovecot-lmtpd');
  return 'Dovecot absent (apt-get install dovecot-imapd dovecot-lmtpd) : tests du courrier sautés';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Le port ${port} n'a pas ouvert à temps`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function dovecotConfig(dir: string, imapPort: number, lmtpPort: number): string {
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'nobody' : (process.env.USER ?? 'nobody');
  const group = asRoot ? 'nogroup' : user;
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = vigie-test-${imapPort}
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${dir}/dovecot.log
default_login_user = ${asRoot ? 'dovenull' : user}
default_internal_user = ${asRoot ? 'dovecot' : user}
default_internal_group = ${asRoot ? 'dovecot' : group}
passdb {
  driver = static
  args = password=${TEST_MAIL_PASSWORD}
}
userdb {
  driver = static
  args = uid=${user} gid=${group} home=${dir}/users/%u
}
mail_location = maildir:~/Maildir
lmtp_save_to_detail_mailbox = no
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
service imap {
  process_limit = 256
}
protocol imap {
  mail_max_userip_connections = 100
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
}

export async function startTestMailServer(): Promise<TestMailServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-mail-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'users']) mkdirSync(join(dir, sub));
  if (process.getuid?.() === 0) execFileSync('chown', ['nobody:nogroup', join(dir, 'users')]);
  const [imapPort, lmtpPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, 'dovecot.conf');
  writeFileSync(config, dovecotConfig(dir, imapPort, lmtpPort));
  let dovecot: ChildProcess | undefined;
  const startDovecot = async () => {
    dovecot = spawn('/usr/sbin/dovecot', ['-F', '-c', config], { stdio: 'ignore' });
    await Promise.all([waitForPort(imapPort), waitForPort(lmtpPort)]);
  };
  const stopDovecot = async () => {
    const running = dovecot;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    try {
      execFileSync('/usr/bin/doveadm', ['-c', config, 'stop'], { stdio: 'ignore' });
    } catch {
      running.kill('SIGTERM');
    }
    await exited;
    dovecot = undefined;
  };
  await startDovecot();
  const imapClient = async (user: string) => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: imapPort,
      secure: false,
      auth: { user, pass: TEST_MAIL_PASSWORD },
      logger: false,
    });
    await client.connect();
    return client;
  };

  const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: lmtpPort, lmtp: true, secure: false, ignoreTLS: true });

  // Relais SMTP réel : accepte tout (authentifié ou non) et remet à Dovecot par LMTP.
  let smtp: SMTPServer | undefined;
  const startSmtp = async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 40 * 1024 * 1024,
      onAuth(_auth, _session, callback) {
        callback(null, { user: 'relais' });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          lmtp
            .sendMail({
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: recipients },
              raw,
            })
            .then(() => callback())
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp?.once('error', reject);
      smtp?.listen(smtpPort, '127.0.0.1', () => resolve());
    });
  };
  await startSmtp();

  return {
    host: '127.0.0.1',
    imapPort,
    smtpPort,
    lmtpPort,
    async deliver(to, raw, options = {}) {
      const from = options.envelopeFrom ?? `expediteur@${TEST_MAIL_DOMAIN}`;
      await lmtp.sendMail({ envelope: { from, to: [to] }, raw });
    },
    async append(user, folder, messages) {
      const client = await imapClient(user);
      try {
        if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
        for (const message of messages) await client.append(folder, message.raw, [], message.internalDate);
      } finally {
        await client.logout().catch(() => undefined);
      }
    },
    async recreateFolder(user, folder) {
      const client = await imapClient(user);
      try {
        await client.mailboxDelete(folder).catch(() => undefined);
        await client.mailboxCreate(folder);
      } finally {
        await client.logout().catch(() => undefined);
      }
    },
    async messages(user, folder = 'INBOX') {
      const client = await imapClient(user);
      try {
        const lock = await client.getMailboxLock(folder);
        try {
          const all = await client.fetchAll('1:*', { uid: true, source: true, internalDate: true }).catch(() => []);
          return all.map((m) => ({
            uid: m.uid,
            source: m.source ?? Buffer.alloc(0),
            internalDate: new Date(m.internalDate ?? 0),
          }));
        } finally {
          lock.release();
        }
      } finally {
        await client.logout().catch(() => undefined);
      }
    },
    async stopSmtp() {
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
      smtp = undefined;
    },
    startSmtp,
    stopImap: stopDovecot,
    startImap: startDovecot,
    async stop() {
      await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
      lmtp.close();
      await stopDovecot();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
