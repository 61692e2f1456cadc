import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { testApp } from '../../../test/helpers/http.ts';
import { insertCampaign, insertPoint, insertResponses, times } from '../../../test/helpers/survey-fixtures.ts';
import { createAccount, createApiToken, login, resolveSession } from '../accounts/account.service.ts';
import type { Viewer } from '../accounts/viewer.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';

const PASSWORD = 'Clermont-Ferrand 63000 API';

const round = (value: number | null | undefined) =>
  value === null || value === undefined ? value : Math.round(value * 1e4) / 1e4;

for (const engine of testEngines()) {
  describe(`API des enquêtes (${engine})`, () => {
    let t: TestContext;
    let app: FastifyInstance;
    const tokens: Record<string, string> = {};
    let campaignId: string;
    let panCampaignId: string;
    let otherCampaignId: string;
    let paperPointId: string;
    let otherPointId: string;

    before(async () => {
      t = await createTestContext(engine);
      const own = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      const other = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      for (const [name, email, role, organisationId] of [
        ['admin', 'referent@63.test', 'admin', own],
        ['clu', 'clu@63.test', 'clu_member', own],
        ['other', 'referent@03.test', 'admin', other],
        ['national', 'national@interieur.test', 'national', null],
      ] as const) {
        await createAccount(t.ctx, { email, role, organisationId, password: PASSWORD }, CLI_ACTOR);
        const { sessionToken } = await login(t.ctx, { email, password: PASSWORD });
        const lookup = await resolveSession(t.ctx, sessionToken);
        tokens[name] = await createApiToken(t.ctx, (lookup as { viewer: Viewer }).viewer, { name: 'enquêtes' });
      }

      // Accueil physique, mars 2026 : borne 25 satisfaits le 10, 5 peu satisfaits le 20 ; papier 6 satisfaits et
      // 4 pas du tout satisfaits le 20 mars à 23 h 30 UTC, soit le 21 mars à 0 h 30 à Clermont-Ferrand.
      ({ campaignId } = await insertCampaign(t.ctx, {
        organisationId: own,
        template: 'physical_reception',
        name: 'Accueil printemps 2026',
        startsOn: '2026-03-01',
        endsOn: '2026-03-31',
      }));
      const kiosk = await insertPoint(t.ctx, { organisationId: own, campaignId, label: 'Borne hall', mode: 'kiosk' });
      paperPointId = await insertPoint(t.ctx, { organisationId: own, campaignId, label: 'Papier', mode: 'paper' });
      const kioskTarget = { organisationId: own, campaignId, pointId: kiosk, mode: 'kiosk' as const };
      await insertResponses(
        t.ctx,
        kioskTarget,
        times(25, { answers: { courtesy: 'satisfied' }, answeredAt: '2026-03-10T10:00:00.000Z' }),
      );
      await insertResponses(
        t.ctx,
        kioskTarget,
        times(5, { answers: { courtesy: 'dissatisfied' }, answeredAt: '2026-03-20T10:00:00.000Z' }),
      );
      await insertResponses(t.ctx, kioskTarget, [
        {
          answers: { courtesy: 'very_dissatisfied' },
          answeredAt: '2026-03-10T10:00:00.000Z',
          flaggedReason: 'Réponse trop rapide.',
        },
      ]);
      const paperTarget = { organisationId: own, campaignId, pointId: paperPointId, mode: 'paper' as const };
      await insertResponses(t.ctx, paperTarget, [
        ...times(6, { answers: { courtesy: 'satisfied', waiting_time: 'no_opinion' }, answeredAt: '2026-03-20T23:30:00.000Z' }),
        ...times(4, { answers: { courtesy: 'very_dissatisfied' }, answeredAt: '2026-03-20T23:30:00.000Z' }),
      ]);

      ({ campaignId: panCampaignId } = await insertCampaign(t.ctx, {
        organisationId: own,
        template: 'digital_access_point',
        name: 'PAN 2026',
        startsOn: '2026-05-01',
        endsOn: '2026-05-31',
      }));

      // L'autre organisation : même canal, même période, des réponses qui ne doivent jamais apparaître.
      ({ campaignId: otherCampaignId } = await insertCampaign(t.ctx, {
        organisationId: other,
        template: 'physical_reception',
        name: 'Accueil Allier',
        startsOn: '2026-03-01',
        endsOn: '2026-03-31',
      }));
      otherPointId = await insertPoint(t.ctx, {
        organisationId: other,
        campaignId: otherCampaignId,
        label: 'Borne',
        mode: 'kiosk',
      });
      await insertResponses(
        t.ctx,
        { organisationId: other, campaignId: otherCampaignId, pointId: otherPointId, mode: 'kiosk' },
        times(50, { answers: { courtesy: 'very_dissatisfied' }, answeredAt: '2026-03-12T10:00:00.000Z' }),
      );
      app = await testApp(t.ctx);
    });
    after(async () => {
      await app.close();
      await t.close();
    });

    function get(path: string, token: string | null = 'admin') {
      return app.inject({
        method: 'GET',
        url: `/api/v1/surveys/${path}`,
        headers: token ? { authorization: `Bearer ${tokens[token]}` } : {},
      });
    }

    type Criterion = {
      key: string;
      numerator: number;
      denominator: number;
      rate: number | null;
      interval: { lower: number; upper: number } | null;
      indicative: boolean;
      status: string;
      noOpinion: number;
      noAnswer: number;
    };
    const criterion = (body: { criteria: Criterion[] }, key: string) => {
      const found = body.criteria.find((c) => c.key === key);
      assert.ok(found, `critère ${key} absent`);
      return found;
    };

    it('liste des campagnes de l’organisation du jeton, par canal et période', async () => {
      const all = await get('campaigns');
      assert.equal(all.statusCode, 200);
      assert.deepEqual(
        all.json().campaigns.map((c: { id: string }) => c.id),
        [panCampaignId, campaignId],
      );
      const first = all.json().campaigns[1];
      assert.equal(first.surveyedChannel, 'physical_reception');
      assert.equal(first.responses, 41);
      assert.equal(first.questionnaire.version, 1);
      assert.equal(first.status, 'finished');

      const reception = await get('campaigns?channel=physical_reception');
      assert.deepEqual(
        reception.json().campaigns.map((c: { id: string }) => c.id),
        [campaignId],
      );
      const may = await get('campaigns?from=2026-05-15&to=2026-06-30');
      assert.deepEqual(
        may.json().campaigns.map((c: { id: string }) => c.id),
        [panCampaignId],
      );
      const bad = await get('campaigns?channel=guichet&from=2026-13-01');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.fields.channel, /^Canal enquêté inconnu/);

      // Un autre organisation ne voit que sa campagne.
      const other = await get('campaigns', 'other');
      assert.deepEqual(
        other.json().campaigns.map((c: { id: string }) => c.id),
        [otherCampaignId],
      );
    });

    it('résultats d’une campagne par critère : numérateur, dénominateur, taux, Wilson, indicatif', async () => {
      const response = await get(`campaigns/${campaignId}/results`);
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.campaign.id, campaignId);
      assert.equal(body.responses, 40);
      assert.equal(body.flaggedResponses, 1);
      const courtesy = criterion(body, 'courtesy');
      assert.deepEqual(
        {
          ...courtesy,
          rate: round(courtesy.rate),
          interval: { lower: round(courtesy.interval?.lower), upper: round(courtesy.interval?.upper) },
        },
        {
          key: 'courtesy',
          label: 'Accueil et courtoisie',
          questionKey: 'courtesy',
          questionType: 'satisfaction_4',
          engagements: [2],
          status: 'measured',
          numerator: 31,
          denominator: 40,
          rate: 0.775,
          // Wilson 95 % de 31/40, épinglé.
          interval: { lower: 0.625, upper: 0.8768 },
          indicative: false,
          noOpinion: 0,
          noAnswer: 0,
        },
      );
      // Sans réponse exprimée : sans objet, jamais 0.
      const waiting = criterion(body, 'waiting_time');
      assert.deepEqual([waiting.status, waiting.rate, waiting.interval, waiting.noOpinion], ['not_applicable', null, null, 6]);
      assert.equal(body.global.pooled.numerator, 31);
      assert.equal(body.global.pooled.denominator, 40);
      assert.deepEqual(body.collectionPoints.map((p: { mode: string }) => p.mode).sort(), ['kiosk', 'paper']);

      const flagged = (await get(`campaigns/${campaignId}/results?includeFlagged=true`)).json();
      assert.deepEqual([criterion(flagged, 'courtesy').numerator, criterion(flagged, 'courtesy').denominator], [31, 41]);
    });

    it('filtres : mode de collecte, point, période en dates locales du département', async () => {
      const paper = (await get(`campaigns/${campaignId}/results?mode=paper`)).json();
      assert.deepEqual(paper.filter, { mode: 'paper', point: null, from: null, to: null, includeFlagged: false });
      const paperCourtesy = criterion(paper, 'courtesy');
      assert.deepEqual([paperCourtesy.numerator, paperCourtesy.denominator, paperCourtesy.indicative], [6, 10, true]);
      const byPoint = (await get(`campaigns/${campaignId}/results?point=${paperPointId}`)).json();
      assert.equal(criterion(byPoint, 'courtesy').denominator, 10);

      // Le papier a été rempli le 21 mars à 0 h 30, heure de Clermont-Ferrand (20 mars 23 h 30 UTC).
      const untilTwentieth = (await get(`campaigns/${campaignId}/results?from=2026-03-01&to=2026-03-20`)).json();
      assert.equal(untilTwentieth.responses, 30);
      assert.deepEqual(
        [criterion(untilTwentieth, 'courtesy').numerator, criterion(untilTwentieth, 'courtesy').denominator],
        [25, 30],
      );
      const fromTwentyFirst = (await get(`campaigns/${campaignId}/results?from=2026-03-21`)).json();
      assert.equal(fromTwentyFirst.responses, 10);
      assert.equal(fromTwentyFirst.filter.from, '2026-03-21');

      for (const [query, field] of [
        ['mode=borne', 'mode'],
        ['from=2026-02-30', 'from'],
        ['from=2026-03-21&to=2026-03-01', 'to'],
        [`point=${otherPointId}`, 'point'],
        [`mode=paper&point=${paperPointId}`, 'point'],
        ['includeFlagged=peut-etre', 'includeFlagged'],
      ]) {
        const refused = await get(`campaigns/${campaignId}/results?${query}`);
        assert.equal(refused.statusCode, 400, query);
        assert.equal(refused.json().error.code, 'validation_failed');
        assert.ok(refused.json().error.fields[field as string], `${query} : ${refused.body}`);
      }
    });

    it('résultats d’un canal sur une période : décomptes additionnés, jamais ceux d’une autre organisation', async () => {
      const response = await get('results?channel=physical_reception&from=2026-03-01&to=2026-03-31&mode=kiosk');
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.deepEqual(body.campaigns, [campaignId]);
      assert.equal(body.responses, 30);
      const courtesy = criterion(body, 'courtesy');
      assert.deepEqual([courtesy.numerator, courtesy.denominator, courtesy.indicative], [25, 30, false]);
      assert.deepEqual([body.pooled.numerator, body.pooled.denominator], [25, 30]);
      assert.equal((await get('results?from=2026-03-01')).statusCode, 400);

      const other = (await get('results?channel=physical_reception', 'other')).json();
      assert.deepEqual(other.campaigns, [otherCampaignId]);
      assert.deepEqual([criterion(other, 'courtesy').numerator, criterion(other, 'courtesy').denominator], [0, 50]);
    });

    it('accès : jeton d’une autre organisation refusé (404) ; membre du CLU admis ; national et sans jeton refusés', async () => {
      const foreign = await get(`campaigns/${campaignId}/results`, 'other');
      assert.equal(foreign.statusCode, 404);
      assert.equal(foreign.json().error.code, 'not_found');
      assert.doesNotMatch(foreign.body, /Accueil printemps/);
      assert.equal((await get(`campaigns/${otherCampaignId}/results`)).statusCode, 404);

      assert.equal((await get(`campaigns/${campaignId}/results`, 'clu')).statusCode, 200);
      assert.equal((await get('campaigns', 'clu')).statusCode, 200);
      assert.equal((await get('campaigns', 'national')).statusCode, 403);
      const anonymous = await get('campaigns', null);
      assert.equal(anonymous.statusCode, 401);
      const forged = await app.inject({
        method: 'GET',
        url: '/api/v1/surveys/campaigns',
        headers: { authorization: 'Bearer vigie_faux_jeton' },
      });
      assert.equal(forged.json().error.code, 'invalid_api_token');
    });

    it('décrites dans OpenAPI : rubrique, résumé, authentification par jeton', async () => {
      const spec = (await app.inject({ url: '/api/openapi.json' })).json();
      for (const path of ['/api/v1/surveys/campaigns', '/api/v1/surveys/campaigns/{id}/results', '/api/v1/surveys/results']) {
        const operation = spec.paths[path]?.get;
        assert.ok(operation, `${path} absent`);
        assert.deepEqual(operation.tags, ['Enquêtes']);
        assert.ok(operation.summary);
        assert.deepEqual(operation.security, [{ bearer: [] }]);
      }
    });
  });
}
