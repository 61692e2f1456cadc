import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { listEntityEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { findUserByEmail } from './account.repository.ts';
import {
  createAccount,
  createApiToken,
  LOCK_MINUTES,
  login,
  MAX_FAILED_LOGINS,
  removeMember,
  resolveApiToken,
  resolveSession,
  revokeApiToken,
} from './account.service.ts';
import type { Viewer } from './viewer.ts';

const PASSWORD = 'Clermont-Ferrand 63000';

for (const engine of testEngines()) {
  describe(`comptes (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
    });
    after(() => t.close());

    async function sessionViewer(email: string, password = PASSWORD): Promise<Viewer> {
      const { sessionToken } = await login(t.ctx, { email, password });
      const lookup = await resolveSession(t.ctx, sessionToken);
      assert.equal(lookup.status, 'valid');
      return (lookup as { viewer: Viewer }).viewer;
    }

    it('crée un compte avec un mot de passe provisoire à changer, haché en base', async () => {
      const created = await createAccount(t.ctx, { email: ' Agent@Allier.gouv.fr ', role: 'agent', organisationId }, CLI_ACTOR);
      assert.equal(created.email, 'agent@allier.gouv.fr');
      assert.ok(created.oneTimePassword);
      const user = await findUserByEmail(t.ctx.db, 'agent@allier.gouv.fr');
      assert.equal(user?.must_change_password, 1);
      assert.doesNotMatch(user?.password_hash ?? '', new RegExp(created.oneTimePassword ?? ''));
      const result = await login(t.ctx, { email: 'agent@allier.gouv.fr', password: created.oneTimePassword });
      assert.equal(result.mustChangePassword, true);
    });

    it('refuse un mot de passe faible, un rôle inconnu, le rôle national rattaché à une organisation', async () => {
      await assert.rejects(
        createAccount(t.ctx, { email: 'x@allier.gouv.fr', role: 'admin', organisationId, password: 'court' }, CLI_ACTOR),
        {
          code: 'weak_password',
        },
      );
      await assert.rejects(
        createAccount(t.ctx, { email: 'x@allier.gouv.fr', role: 'chef' as 'admin', organisationId }, CLI_ACTOR),
        {
          code: 'invalid_role',
        },
      );
      await assert.rejects(createAccount(t.ctx, { email: 'n@interieur.gouv.fr', role: 'national', organisationId }, CLI_ACTOR), {
        code: 'national_has_no_organisation',
      });
      await assert.rejects(createAccount(t.ctx, { email: 'x@allier.gouv.fr', role: 'admin', organisationId: null }, CLI_ACTOR), {
        code: 'organisation_required',
      });
      assert.equal(await findUserByEmail(t.ctx.db, 'x@allier.gouv.fr'), undefined);
    });

    it('verrouille le compte après 5 échecs, 15 minutes, même avec le bon mot de passe', async () => {
      await createAccount(t.ctx, { email: 'admin@allier.gouv.fr', role: 'admin', organisationId, password: PASSWORD }, CLI_ACTOR);
      for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
        await assert.rejects(login(t.ctx, { email: 'admin@allier.gouv.fr', password: 'mauvais mot de passe 1' }), {
          code: 'invalid_credentials',
        });
      }
      await assert.rejects(login(t.ctx, { email: 'admin@allier.gouv.fr', password: 'mauvais mot de passe 1' }), {
        code: 'account_locked',
      });
      await assert.rejects(
        login(t.ctx, { email: 'admin@allier.gouv.fr', password: PASSWORD }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'account_locked');
          assert.match(error.message, /verrouillé pendant 15 minutes/);
          return true;
        },
      );
      t.clock.advance(LOCK_MINUTES * 60_000 + 1000);
      await sessionViewer('admin@allier.gouv.fr');
    });

    it('un e-mail inconnu reçoit le même message qu’un mauvais mot de passe', async () => {
      await assert.rejects(login(t.ctx, { email: 'inconnu@allier.gouv.fr', password: PASSWORD }), {
        code: 'invalid_credentials',
      });
    });

    it('expire la session après l’inactivité configurée et après la durée maximale', async () => {
      const { sessionToken } = await login(t.ctx, { email: 'admin@allier.gouv.fr', password: PASSWORD });
      t.clock.advance((t.ctx.config.sessionIdleMinutes - 1) * 60_000);
      assert.equal((await resolveSession(t.ctx, sessionToken)).status, 'valid');
      t.clock.advance((t.ctx.config.sessionIdleMinutes + 1) * 60_000);
      assert.equal((await resolveSession(t.ctx, sessionToken)).status, 'expired');
      assert.equal((await resolveSession(t.ctx, sessionToken)).status, 'unknown');
      const second = await login(t.ctx, { email: 'admin@allier.gouv.fr', password: PASSWORD });
      for (let h = 0; h < t.ctx.config.sessionMaxHours * 2; h++) {
        t.clock.advance(30 * 60_000);
        const status = (await resolveSession(t.ctx, second.sessionToken)).status;
        if (status !== 'valid') {
          assert.equal(status, 'expired');
          assert.ok(h >= t.ctx.config.sessionMaxHours * 2 - 1);
        }
      }
    });

    it('un jeton d’API est stocké en empreinte, donne les droits de son titulaire et se révoque', async () => {
      const viewer = await sessionViewer('admin@allier.gouv.fr');
      const token = await createApiToken(t.ctx, viewer, { name: 'Import téléphonie' });
      assert.match(token, /^vigie_[\w-]+_[\w-]{40,}$/);
      const row = await t.ctx.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
      assert.notEqual(row.token_hash, token);
      const apiViewer = await resolveApiToken(t.ctx, token);
      assert.equal(apiViewer?.role, 'admin');
      assert.equal(apiViewer?.organisationId, organisationId);
      assert.equal(apiViewer?.csrfToken, null);
      await revokeApiToken(t.ctx, viewer, row.id);
      assert.equal(await resolveApiToken(t.ctx, token), undefined);
      assert.equal(await resolveApiToken(t.ctx, 'vigie_faux_jeton'), undefined);
    });

    it('retirer le dernier rôle supprime le compte et efface ses données du journal d’audit', async () => {
      const admin = await sessionViewer('admin@allier.gouv.fr');
      const created = await createAccount(
        t.ctx,
        { email: 'partant@allier.gouv.fr', role: 'clu_member', organisationId, password: PASSWORD },
        CLI_ACTOR,
      );
      const before = await listEntityEvents(t.ctx.db, 'user', created.userId);
      assert.match(before[0]?.after_json ?? '', /partant@allier\.gouv\.fr/);
      await removeMember(t.ctx, admin, created.membershipId);
      assert.equal(await findUserByEmail(t.ctx.db, 'partant@allier.gouv.fr'), undefined);
      const events = await listEntityEvents(t.ctx.db, 'user', created.userId);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.after_json, null);
      assert.equal(events[0]?.summary, null);
      assert.ok(events[0]?.personal_data_erased_at);
      const all = await t.ctx.db
        .selectFrom('audit_events')
        .select(['summary', 'after_json', 'before_json', 'actor_label'])
        .execute();
      assert.equal(JSON.stringify(all).includes('partant@'), false);
    });
  });
}
