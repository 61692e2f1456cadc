import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { testApp } from '../../../test/helpers/http.ts';
import { createAccount, createApiToken, login, resolveSession } from '../accounts/account.service.ts';
import type { Viewer } from '../accounts/viewer.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addClosureDay, createOrganisation } from '../organisations/organisation.service.ts';

const PASSWORD = 'Strasbourg 67000 cathédrale';

for (const engine of testEngines()) {
  describe(`API du calendrier des jours ouvrés (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    const tokens: Record<string, string> = {};

    before(async () => {
      t = await createTestContext(engine);
      const own = await createOrganisation(
        t.ctx,
        { slug: 'bas-rhin', name: 'Préfecture du Bas-Rhin', department: '67' },
        CLI_ACTOR,
      );
      const other = await createOrganisation(
        t.ctx,
        { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' },
        CLI_ACTOR,
      );
      await addClosureDay(t.ctx, own.id, { date: '2026-04-08', reason: 'Pont préfectoral' }, CLI_ACTOR);
      await addClosureDay(t.ctx, other.id, { date: '2026-04-09', reason: 'Déménagement' }, CLI_ACTOR);
      for (const [email, role, organisationId] of [
        ['agent@bas-rhin.test', 'agent', own.id],
        ['national@interieur.test', 'national', null],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId, password: PASSWORD }, CLI_ACTOR);
        const { sessionToken } = await login(t.ctx, { email, password: PASSWORD });
        const lookup = await resolveSession(t.ctx, sessionToken);
        tokens[role] = await createApiToken(t.ctx, (lookup as { viewer: Viewer }).viewer, { name: 'calendrier' });
      }
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    function get(path: string, query: Record<string, string>, role: 'agent' | 'national' | null = 'agent') {
      return app.inject({
        method: 'GET',
        url: `/api/v1/calendar/${path}?${new URLSearchParams(query)}`,
        headers: role ? { authorization: `Bearer ${tokens[role]}` } : {},
      });
    }

    async function assertBadRequest(path: string, query: Record<string, string>, field: string, code?: string) {
      const response = await get(path, query);
      assert.equal(response.statusCode, 400, `${path} ${JSON.stringify(query)} : ${response.body}`);
      const { error } = response.json();
      if (code) assert.equal(error.code, code);
      assert.ok(typeof error.message === 'string' && error.message.length > 0);
      assert.deepEqual(Object.keys(error.fields), [field], `${JSON.stringify(query)} : ${response.body}`);
      assert.ok(error.fields[field].length > 0);
    }

    it('calcule l’échéance d’un département (exemple 67 : 5 jours ouvrés après le 2 avril 2026)', async () => {
      const response = await get('due', { department: '67', received: '2026-04-02', workingDays: '5' });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), {
        department: '67',
        calendar: 'alsace-moselle',
        receivedLocalDate: '2026-04-02',
        workingDays: 5,
        dueDate: '2026-04-13',
      });
    });

    it('convertit un horodatage en date locale du département ; N = 0 donne la réception', async () => {
      const response = await get('due', { department: '971', received: '2026-03-02T02:30:00Z', workingDays: '5' });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().receivedLocalDate, '2026-03-01');
      assert.equal(response.json().dueDate, '2026-03-06');
      const zero = await get('due', { department: '67', received: '2026-04-02', workingDays: '0' });
      assert.equal(zero.json().dueDate, '2026-04-02');
    });

    it('calcule le délai d’une réponse', async () => {
      const response = await get('delay', { department: '67', received: '2026-04-02', answered: '2026-04-07' });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), {
        department: '67',
        calendar: 'alsace-moselle',
        receivedLocalDate: '2026-04-02',
        answeredLocalDate: '2026-04-07',
        delay: 1,
      });
    });

    it('liste les jours fériés de la Guadeloupe en 2026', async () => {
      const response = await get('holidays', { department: '971', year: '2026' });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.department, '971');
      assert.equal(body.calendar, 'guadeloupe');
      assert.equal(body.year, 2026);
      assert.equal(body.holidays.length, 12);
      assert.deepEqual(body.holidays[0], { date: '2026-01-01', name: "Jour de l'an" });
      assert.ok(body.holidays.some((h: { date: string; name: string }) => h.date === '2026-05-27'));
      assert.ok(!body.holidays.some((h: { name: string }) => h.name === 'Vendredi saint'));
    });

    it('avec l’organisation du compte, ses jours de fermeture décalent l’échéance et le délai', async () => {
      const due = await get('due', { org: 'bas-rhin', received: '2026-04-02', workingDays: '5' });
      assert.equal(due.statusCode, 200, due.body);
      assert.deepEqual(due.json(), {
        department: '67',
        calendar: 'alsace-moselle',
        receivedLocalDate: '2026-04-02',
        workingDays: 5,
        dueDate: '2026-04-14',
        organisation: 'bas-rhin',
      });
      const delay = await get('delay', { org: 'bas-rhin', received: '2026-04-02', answered: '2026-04-08' });
      assert.equal(delay.json().delay, 1);
      const holidays = await get('holidays', { org: 'bas-rhin', year: '2026' });
      assert.equal(holidays.statusCode, 200);
      assert.ok(holidays.json().holidays.some((h: { date: string }) => h.date === '2026-04-03'));
    });

    it('refuse l’organisation d’un autre (404), que le niveau national peut lire', async () => {
      for (const path of ['due', 'delay', 'holidays']) {
        const query = { org: 'puy-de-dome', received: '2026-04-02', workingDays: '5', answered: '2026-04-10', year: '2026' };
        const response = await get(path, query);
        assert.equal(response.statusCode, 404, response.body);
        assert.equal(response.json().error.code, 'organisation_not_found');
        assert.deepEqual(Object.keys(response.json().error.fields), ['org']);
      }
      const unknown = await get('due', { org: 'nulle-part', received: '2026-04-02', workingDays: '5' });
      assert.equal(unknown.statusCode, 404);
      const national = await get('due', { org: 'puy-de-dome', received: '2026-04-02', workingDays: '5' }, 'national');
      assert.equal(national.statusCode, 200, national.body);
      // Métropole : Lundi de Pâques le 6 avril, fermeture le 9 avril.
      assert.equal(national.json().dueDate, '2026-04-13');
      assert.equal(national.json().department, '63');
    });

    it('exige un compte ou un jeton (401)', async () => {
      for (const path of ['due', 'delay', 'holidays']) {
        const response = await get(path, { department: '67', received: '2026-04-02', workingDays: '5', year: '2026' }, null);
        assert.equal(response.statusCode, 401);
        assert.equal(response.json().error.code, 'authentication_required');
      }
      const forged = await app.inject({
        url: '/api/v1/calendar/due?department=67&received=2026-04-02&workingDays=5',
        headers: { authorization: 'Bearer vigie_faux_jeton' },
      });
      assert.equal(forged.statusCode, 401);
      assert.equal(forged.json().error.code, 'invalid_api_token');
    });

    it('refuse chaque saisie invalide (400) en nommant le champ', async () => {
      const due = { department: '67', received: '2026-04-02', workingDays: '5' };
      await assertBadRequest('due', { ...due, received: '2026-02-30' }, 'received', 'invalid_date');
      await assertBadRequest('due', { ...due, received: 'hier' }, 'received', 'invalid_date');
      await assertBadRequest('due', { department: '67', workingDays: '5' }, 'received', 'validation_failed');
      await assertBadRequest('due', { ...due, workingDays: '-1' }, 'workingDays', 'validation_failed');
      await assertBadRequest('due', { ...due, workingDays: '366' }, 'workingDays', 'validation_failed');
      await assertBadRequest('due', { ...due, workingDays: 'cinq' }, 'workingDays', 'validation_failed');
      await assertBadRequest('due', { ...due, workingDays: '2.5' }, 'workingDays', 'validation_failed');
      await assertBadRequest('due', { ...due, workingDays: '' }, 'workingDays', 'validation_failed');
      await assertBadRequest('due', { ...due, department: '99' }, 'department', 'unknown_department');
      await assertBadRequest('due', { received: '2026-04-02', workingDays: '5' }, 'department', 'calendar_target_required');
      await assertBadRequest('due', { ...due, org: 'bas-rhin' }, 'org', 'validation_failed');
      const delay = { department: '67', received: '2026-04-07', answered: '2026-04-02' };
      await assertBadRequest('delay', delay, 'answered', 'answer_before_receipt');
      await assertBadRequest('delay', { ...delay, answered: '2026-04-31' }, 'answered', 'invalid_date');
      await assertBadRequest('delay', { department: '67', received: '2026-04-07' }, 'answered', 'validation_failed');
      await assertBadRequest('holidays', { department: '67', year: '1999' }, 'year', 'validation_failed');
      await assertBadRequest('holidays', { department: '67', year: '2101' }, 'year', 'validation_failed');
      await assertBadRequest('holidays', { department: '67', year: 'deux mille' }, 'year', 'validation_failed');
      await assertBadRequest('holidays', { department: '67' }, 'year', 'validation_failed');
      await assertBadRequest('holidays', { department: '2C', year: '2026' }, 'department', 'unknown_department');
    });

    it('figure dans la description OpenAPI, rubrique « Calendrier »', async () => {
      const spec = (await app.inject({ url: '/api/openapi.json' })).json();
      for (const path of ['/api/v1/calendar/due', '/api/v1/calendar/delay', '/api/v1/calendar/holidays']) {
        const operation = spec.paths[path]?.get;
        assert.ok(operation, path);
        assert.deepEqual(operation.tags, ['Calendrier']);
        assert.deepEqual(operation.security, [{ bearer: [] }]);
        assert.ok(operation.parameters.every((p: { in: string; required?: boolean }) => p.in === 'query' && !p.required));
      }
    });
  });
}
