import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { type SeededSurvey, seedSurvey } from '../../../test/helpers/survey-response-fixtures.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { runRetention } from '../jobs/retention.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { submitResponse } from './response.service.ts';

const DAY = 86_400_000;

for (const engine of testEngines()) {
  describe(`conservation des commentaires d’enquête (${engine})`, () => {
    let t: TestContext;
    let survey: SeededSurvey;

    before(async () => {
      t = await createTestContext(engine);
      t.clock.set('2026-04-15T08:00:00.000Z');
      const organisationId = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      survey = await seedSurvey(t.ctx, organisationId);
      await submitResponse(t.ctx, {
        responseId: crypto.randomUUID(),
        pointToken: survey.points.qr.token,
        answers: { courtesy: 'satisfied', comment: 'Écrivez-moi à camille@exemple.fr' },
      });
    });
    after(async () => {
      await t.close();
    });

    const answers = () =>
      t.ctx.db
        .selectFrom('survey_answers')
        .select(['question_key', 'value'])
        .where('campaign_id', '=', survey.campaignId)
        .execute();

    it('garde le commentaire pendant la durée configurée après la fin de la campagne', async () => {
      t.clock.set(new Date(Date.parse('2026-04-30T12:00:00Z') + 23 * 31 * DAY));
      await runRetention(t.ctx);
      assert.ok((await answers()).some((a) => a.question_key === 'comment'));
    });

    it('au-delà, efface les commentaires et garde les réponses notées pour les taux', async () => {
      t.clock.set(new Date(Date.parse('2026-04-30T12:00:00Z') + (t.ctx.config.surveyCommentRetentionMonths + 1) * 31 * DAY));
      const result = await runRetention(t.ctx);
      assert.equal(result.surveyCommentsErased, 1);
      const rows = await answers();
      assert.ok(!rows.some((a) => a.question_key === 'comment'));
      assert.deepEqual(
        rows.map((a) => `${a.question_key}=${a.value}`),
        ['courtesy=satisfied'],
      );
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .select('summary')
        .where('action', '=', 'survey.comments_purged')
        .execute();
      assert.equal(audit.length, 1);
      // Un second passage ne trouve plus rien.
      assert.equal((await runRetention(t.ctx)).surveyCommentsErased, 0);
    });
  });
}
