import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import {
  mailServerSkipReason,
  startTestMailServer,
  TEST_MAIL_PASSWORD,
  type TestMailServer,
} from '../../../test/helpers/mail-server.ts';
import { listEntityEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addService, createOrganisation } from '../organisations/organisation.service.ts';
import { findMailbox, updateMailbox as updateMailboxRow } from './mailbox.repository.ts';
import {
  createMailbox,
  deleteMailbox,
  getMailboxSummary,
  listMailboxSummaries,
  testMailboxConnection,
  updateMailbox,
} from './mailbox.service.ts';
import { mailboxCredentials } from './mailbox-credentials.ts';

const SECRET_IN_ENV = 'mot-de-passe-dans-l-environnement';
const TYPED_PASSWORD = 'Mot de passe saisi 2026 !';

/** Un port sur lequel personne n'écoute. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

for (const engine of testEngines()) {
  describe(`boîtes fonctionnelles : configuration (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let serviceId: string;

    const valid = (overrides: Record<string, string> = {}) => ({
      serviceId,
      label: 'Accueil général',
      address: 'Pref-Public@Puy-de-Dome.gouv.fr',
      displayName: 'Préfecture du Puy-de-Dôme',
      imapHost: 'imap.interieur.gouv.fr',
      imapPort: '993',
      imapTls: 'on',
      imapUser: 'pref-public',
      imapFolder: 'INBOX',
      imapPassword: TYPED_PASSWORD,
      pollIntervalSeconds: '60',
      intakeEnabled: 'on',
      smtpHost: 'smtp.interieur.gouv.fr',
      smtpPort: '587',
      ...overrides,
    });

    before(async () => {
      t = await createTestContext(engine, { config: { mailSecrets: { VIGIE_MAIL_SECRET_PREF_PUBLIC: SECRET_IN_ENV } } });
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil général' }, CLI_ACTOR)).id;
    });
    after(() => t.close());

    it('refuse un port, une adresse, un intervalle ou une variable invalides, avec un message par champ', async () => {
      const cases: [Record<string, string>, string, RegExp][] = [
        [{ imapPort: '70000' }, 'imapPort', /Port IMAP : un nombre entier de 1 à 65535/],
        [{ smtpPort: 'vingt-cinq' }, 'smtpPort', /Port SMTP : un nombre entier de 1 à 65535/],
        [{ address: 'pref-public@' }, 'address', /Adresse d’expédition invalide/],
        [{ pollIntervalSeconds: '10' }, 'pollIntervalSeconds', /au moins 30 secondes/],
        [{ imapPassword: '', imapSecretEnv: 'MON_SECRET' }, 'imapSecretEnv', /doit commencer par VIGIE_MAIL_SECRET_/],
        [
          { imapPassword: '', imapSecretEnv: 'VIGIE_MAIL_SECRET_ABSENTE' },
          'imapSecretEnv',
          /VIGIE_MAIL_SECRET_ABSENTE n’est pas définie sur le serveur/,
        ],
        [{ imapSecretEnv: 'VIGIE_MAIL_SECRET_PREF_PUBLIC' }, 'imapPassword', /pas les deux/],
        [{ imapUser: '' }, 'imapUser', /Utilisateur IMAP : champ obligatoire/],
        [{ imapPassword: '' }, 'imapPassword', /Mot de passe IMAP : saisissez-le/],
        [{ imapHost: '', smtpHost: '' }, 'imapHost', /au moins la relève/],
        [{ imapHost: 'imaps://imap.exemple.fr/' }, 'imapHost', /sans « imap:\/\/ »/],
        [{ serviceId: 'inconnu' }, 'serviceId', /choisissez un service de la liste/],
        [{ smtpUser: 'relais' }, 'smtpPassword', /Mot de passe SMTP/],
      ];
      for (const [overrides, field, message] of cases) {
        await assert.rejects(
          createMailbox(t.ctx, organisationId, valid(overrides), CLI_ACTOR),
          (error: { code: string; fields: Record<string, string> }) => {
            assert.equal(error.code, 'validation_failed', JSON.stringify(overrides));
            assert.match(error.fields[field] ?? '', message, `${JSON.stringify(overrides)} → ${JSON.stringify(error.fields)}`);
            return true;
          },
        );
      }
      assert.deepEqual(await listMailboxSummaries(t.ctx, organisationId), []);
    });

    it('chiffre le mot de passe saisi, ne le rend jamais, ne l’écrit pas dans l’audit ; vide = inchangé', async () => {
      const { id } = await createMailbox(t.ctx, organisationId, valid(), CLI_ACTOR);
      const row = await findMailbox(t.ctx.db, organisationId, id);
      assert.ok(row?.imap_password_encrypted);
      assert.ok(!row.imap_password_encrypted.includes(TYPED_PASSWORD));
      assert.equal(row.address, 'pref-public@puy-de-dome.gouv.fr');
      assert.equal(mailboxCredentials(t.ctx.config, row).imapPassword, TYPED_PASSWORD);

      const summary = await getMailboxSummary(t.ctx, organisationId, id);
      assert.equal(summary.imap_password_source, 'stored');
      assert.ok(!JSON.stringify(summary).includes(row.imap_password_encrypted));
      assert.ok(!JSON.stringify(summary).includes(TYPED_PASSWORD));

      // Modification sans mot de passe : celui enregistré est gardé.
      await updateMailbox(t.ctx, organisationId, id, valid({ imapPassword: '', label: 'Accueil' }), CLI_ACTOR);
      const kept = await findMailbox(t.ctx.db, organisationId, id);
      assert.equal(kept?.imap_password_encrypted, row.imap_password_encrypted);
      assert.equal(kept?.label, 'Accueil');

      // Passage à la variable d'environnement : le mot de passe chiffré est effacé.
      await updateMailbox(
        t.ctx,
        organisationId,
        id,
        valid({ imapPassword: '', imapSecretEnv: 'VIGIE_MAIL_SECRET_PREF_PUBLIC' }),
        CLI_ACTOR,
      );
      const viaEnv = await findMailbox(t.ctx.db, organisationId, id);
      assert.equal(viaEnv?.imap_password_encrypted, null);
      assert.equal(viaEnv?.imap_secret_env, 'VIGIE_MAIL_SECRET_PREF_PUBLIC');
      assert.equal(viaEnv && mailboxCredentials(t.ctx.config, viaEnv).imapPassword, SECRET_IN_ENV);

      const audit = await listEntityEvents(t.ctx.db, 'mailbox', id);
      assert.deepEqual(
        audit.map((e) => e.action),
        ['mailbox.created', 'mailbox.updated', 'mailbox.updated'],
      );
      const written = JSON.stringify(audit);
      assert.ok(!written.includes(TYPED_PASSWORD));
      assert.ok(!written.includes(row.imap_password_encrypted));
      assert.match(written, /imapPasswordStored/);

      await assert.rejects(createMailbox(t.ctx, organisationId, valid(), CLI_ACTOR), { code: 'duplicate_mailbox_address' });
      await deleteMailbox(t.ctx, organisationId, id, CLI_ACTOR);
    });

    it('signale une variable qui a disparu du serveur', async () => {
      const { id } = await createMailbox(
        t.ctx,
        organisationId,
        valid({ address: 'pref-env@puy-de-dome.gouv.fr', imapPassword: '', imapSecretEnv: 'VIGIE_MAIL_SECRET_PREF_PUBLIC' }),
        CLI_ACTOR,
      );
      await updateMailboxRow(t.ctx.db, organisationId, id, { imap_secret_env: 'VIGIE_MAIL_SECRET_RETIREE' });
      const summary = await getMailboxSummary(t.ctx, organisationId, id);
      assert.match(summary.warnings.join(' '), /VIGIE_MAIL_SECRET_RETIREE n’est pas définie sur le serveur/);
      await deleteMailbox(t.ctx, organisationId, id, CLI_ACTOR);
    });

    it('un autre dossier IMAP remet la relève à zéro ; une boîte qui a relevé des messages ne se supprime pas', async () => {
      const { id } = await createMailbox(t.ctx, organisationId, valid({ address: 'pref-releve@puy-de-dome.gouv.fr' }), CLI_ACTOR);
      await updateMailboxRow(t.ctx.db, organisationId, id, { uid_validity: '1700', last_uid: 42 });
      await updateMailbox(
        t.ctx,
        organisationId,
        id,
        valid({ address: 'pref-releve@puy-de-dome.gouv.fr', imapPassword: '', label: 'Relève' }),
        CLI_ACTOR,
      );
      assert.equal((await findMailbox(t.ctx.db, organisationId, id))?.last_uid, 42);
      await updateMailbox(
        t.ctx,
        organisationId,
        id,
        valid({ address: 'pref-releve@puy-de-dome.gouv.fr', imapPassword: '', imapFolder: 'Demandes' }),
        CLI_ACTOR,
      );
      const moved = await findMailbox(t.ctx.db, organisationId, id);
      assert.equal(moved?.last_uid, 0);
      assert.equal(moved?.uid_validity, null);

      await t.ctx.db
        .insertInto('inbound_messages')
        .values({
          id: 'releve-1',
          organisation_id: organisationId,
          mailbox_id: id,
          uid_validity: '1',
          uid: 1,
          message_id: '<m1@example.test>',
          from_address: 'usager@example.test',
          subject: 'Question',
          received_at: '2026-04-02T08:00:00.000Z',
          outcome: 'ignored',
          reason: 'Réponse automatique',
          case_id: null,
          created_at: '2026-04-02T08:00:00.000Z',
        })
        .execute();
      await assert.rejects(deleteMailbox(t.ctx, organisationId, id, CLI_ACTOR), { code: 'mailbox_has_messages' });
      await assert.rejects(deleteMailbox(t.ctx, 'autre', id, CLI_ACTOR), { code: 'not_found' });
    });
  });

  describe(`boîtes fonctionnelles : test de connexion (${engine})`, { skip: mailServerSkipReason() }, () => {
    let t: TestContext;
    let server: TestMailServer;
    let organisationId: string;
    let serviceId: string;

    before(async () => {
      server = await startTestMailServer();
      t = await createTestContext(engine, { config: { mailSecrets: { VIGIE_MAIL_SECRET_TEST: TEST_MAIL_PASSWORD } } });
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      serviceId = (await addService(t.ctx, organisationId, { name: 'Accueil' }, CLI_ACTOR)).id;
    });
    after(async () => {
      await t.close();
      await server.stop();
    });

    const form = (overrides: Record<string, string>) => ({
      serviceId,
      label: 'Accueil',
      address: `${engine}-connexion@example.test`,
      displayName: 'Préfecture du Cantal',
      imapHost: server.host,
      imapPort: String(server.imapPort),
      imapUser: `${engine}-connexion@example.test`,
      imapSecretEnv: 'VIGIE_MAIL_SECRET_TEST',
      pollIntervalSeconds: '60',
      intakeEnabled: 'on',
      smtpHost: server.host,
      smtpPort: String(server.smtpPort),
      smtpUser: 'relais',
      smtpPassword: 'peu importe',
      ...overrides,
    });

    it('réussit contre le vrai Dovecot et le vrai relais SMTP', async () => {
      const { id } = await createMailbox(t.ctx, organisationId, form({}), CLI_ACTOR);
      const result = await testMailboxConnection(t.ctx, organisationId, id);
      assert.equal(result.imap?.ok, true, result.imap?.message);
      assert.match(result.imap?.message ?? '', /Connexion IMAP réussie .*dossier « INBOX »/);
      assert.equal(result.smtp?.ok, true, result.smtp?.message);
      assert.match(result.smtp?.message ?? '', /authentification de relais acceptée/);
    });

    it('échoue clairement contre un port fermé, un dossier absent ou un mauvais mot de passe', async () => {
      const port = String(await closedPort());
      const { id } = await createMailbox(
        t.ctx,
        organisationId,
        form({ address: 'ferme@example.test', imapPort: port, smtpPort: port }),
        CLI_ACTOR,
      );
      const closed = await testMailboxConnection(t.ctx, organisationId, id);
      assert.equal(closed.imap?.ok, false);
      assert.match(closed.imap?.message ?? '', /^Serveur IMAP injoignable : connexion refusée.*ECONNREFUSED/);
      assert.equal(closed.smtp?.ok, false);
      assert.match(closed.smtp?.message ?? '', /^Relais SMTP injoignable : connexion refusée/);

      const folder = await createMailbox(
        t.ctx,
        organisationId,
        form({ address: 'dossier@example.test', imapFolder: 'Inexistant', smtpHost: '' }),
        CLI_ACTOR,
      );
      const missing = await testMailboxConnection(t.ctx, organisationId, folder.id);
      assert.equal(missing.imap?.ok, false);
      assert.match(missing.imap?.message ?? '', /le dossier « Inexistant » est introuvable/);
      assert.equal(missing.smtp, null);

      const wrong = await createMailbox(
        t.ctx,
        organisationId,
        form({ address: 'faux@example.test', imapSecretEnv: '', imapPassword: 'mauvais', smtpHost: '' }),
        CLI_ACTOR,
      );
      const refused = await testMailboxConnection(t.ctx, organisationId, wrong.id);
      assert.equal(refused.imap?.ok, false);
      assert.match(refused.imap?.message ?? '', /^Identifiants IMAP refusés/);
    });
  });
}
