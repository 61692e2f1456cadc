import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { testApp } from '../../test/helpers/http.ts';

describe('documentation de l’API', () => {
  let t: TestContext;
  let app: FastifyInstance;
  before(async () => {
    t = await createTestContext('sqlite');
    app = await testApp(t.ctx);
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  it('décrit en OpenAPI 3 les seules routes de /api/v1, avec l’authentification par jeton', async () => {
    const response = await app.inject({ url: '/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    const spec = response.json();
    assert.match(spec.openapi, /^3\./);
    const paths = Object.keys(spec.paths);
    assert.ok(paths.length >= 4);
    assert.ok(
      paths.every((p) => p.startsWith('/api/v1/')),
      paths.join(', '),
    );
    assert.equal(spec.components.securitySchemes.bearer.scheme, 'bearer');
  });

  it('affiche une page lisible, publique, listant les opérations', async () => {
    const response = await app.inject({ url: '/api/docs' });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<code>\/api\/v1\/organisations\/\{slug\}<\/code>/);
    assert.match(response.body, /Authorization: Bearer/);
  });
});
