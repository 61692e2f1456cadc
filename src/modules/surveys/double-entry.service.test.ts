import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { type SeededSurvey, seedSurvey } from '../../../test/helpers/survey-response-fixtures.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { purgeSurveyComments } from './comment-retention.ts';
import { paperFormSummary, resolveFormCheck, submitControlEntry } from './double-entry.service.ts';
import { entryPoint, submitResponse } from './response.service.ts';

const PASSWORD = 'Aurillac 15000 Cantal';
const DAY = 86_400_000;

for (const engine of testEngines()) {
  describe(`double saisie de contrôle : service (${engine})`, () => {
    let t: TestContext;
    let survey: SeededSurvey;
    let organisationId: string;
    let agent: { organisationId: string; actor: { userId: string; label: string } };

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'cantal', name: 'Préfecture du Cantal', department: '15' }, CLI_ACTOR)
      ).id;
      const account = await createAccount(
        t.ctx,
        { email: 'agent@15.test', role: 'agent', organisationId, password: PASSWORD },
        CLI_ACTOR,
      );
      agent = { organisationId, actor: { userId: account.userId, label: 'agent@15.test' } };
      survey = await seedSurvey(t.ctx, organisationId);
    });
    after(async () => {
      await t.close();
    });

    const paperPoint = () => entryPoint(t.ctx, organisationId, survey.campaignId, survey.points.paper.id);

    async function firstEntry(formNumber: string, answers: Record<string, string | string[]>) {
      return submitResponse(
        t.ctx,
        { responseId: crypto.randomUUID(), pointId: survey.points.paper.id, formNumber, answers, enteredBy: agent.actor.userId },
        agent,
      );
    }

    function control(formNumber: string, answers: Record<string, string | string[]>, entryId: string = crypto.randomUUID()) {
      return paperPoint().then((point) => submitControlEntry(t.ctx, point, { entryId, formNumber, answers }, agent));
    }

    it('deux secondes saisies simultanées du même formulaire : un seul contrôle, aucune erreur', async () => {
      await firstEntry('7', { courtesy: 'satisfied' });
      const outcomes = await Promise.all([
        control('7', { courtesy: 'satisfied' }),
        control('7', { courtesy: 'satisfied' }),
        control('7', { courtesy: 'satisfied' }),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['verified', 'verified', 'verified'],
      );
      const checks = await t.ctx.db.selectFrom('survey_form_checks').select('id').where('form_number', '=', '7').execute();
      assert.equal(checks.length, 1);
    });

    it('un numéro saisi en même temps par deux agents en mode contrôle : une première saisie, puis un contrôle', async () => {
      const [a, b] = await Promise.all([control('8', { courtesy: 'satisfied' }), control('8', { courtesy: 'satisfied' })]);
      assert.deepEqual([a.status, b.status].sort(), ['first_entry', 'verified']);
      const responses = await t.ctx.db.selectFrom('survey_responses').select('id').where('form_number', '=', '8').execute();
      assert.equal(responses.length, 1);
    });

    it('comptes de la campagne : vérifiés, en conflit, en attente, sans numéro', async () => {
      await firstEntry('9', { courtesy: 'satisfied' });
      await control('9', { courtesy: 'dissatisfied' });
      await firstEntry('10', { courtesy: 'satisfied' });
      await submitResponse(
        t.ctx,
        { responseId: crypto.randomUUID(), pointId: survey.points.paper.id, answers: { courtesy: 'satisfied' } },
        agent,
      );
      assert.deepEqual(await paperFormSummary(t.ctx, organisationId, survey.campaignId), {
        numbered: 4,
        unnumbered: 1,
        verified: 2,
        conflict: 1,
        pending: 1,
      });
    });

    it('le commentaire d’une seconde saisie en attente suit la conservation des commentaires', async () => {
      await firstEntry('11', { courtesy: 'satisfied', comment: 'Rappelez-moi au 06 12 34 56 78' });
      const outcome = await control('11', { courtesy: 'satisfied', comment: 'Rappelez-moi au 06 12 34 56 79' });
      assert.equal(outcome.status, 'conflict');
      const pending = () =>
        t.ctx.db
          .selectFrom('survey_form_check_answers')
          .innerJoin('survey_form_checks', 'survey_form_checks.id', 'survey_form_check_answers.check_id')
          .select(['survey_form_check_answers.question_key', 'survey_form_check_answers.value'])
          .where('survey_form_checks.form_number', '=', '11')
          .execute();
      assert.ok((await pending()).some((a) => a.question_key === 'comment'));
      const saved = t.clock.now();
      t.clock.set(new Date(Date.parse('2026-04-30T12:00:00Z') + (t.ctx.config.surveyCommentRetentionMonths + 1) * 31 * DAY));
      await purgeSurveyComments(t.ctx);
      t.clock.set(saved);
      assert.deepEqual(
        (await pending()).map((a) => a.question_key),
        ['courtesy'],
      );
    });

    it('campagne close : ni contrôle ni arbitrage, la réponse reste telle quelle', async () => {
      await firstEntry('12', { courtesy: 'satisfied' });
      const outcome = await control('12', { courtesy: 'very_dissatisfied' });
      assert.equal(outcome.status, 'conflict');
      const check = await t.ctx.db
        .selectFrom('survey_form_checks')
        .selectAll()
        .where('form_number', '=', '12')
        .executeTakeFirstOrThrow();
      await t.ctx.db
        .updateTable('survey_campaigns')
        .set({ closed_at: t.clock.now().toISOString() })
        .where('id', '=', survey.campaignId)
        .execute();
      await assert.rejects(control('12', { courtesy: 'satisfied' }), { code: 'survey_closed' });
      await assert.rejects(
        resolveFormCheck(
          t.ctx,
          organisationId,
          survey.campaignId,
          check.id,
          { entryId: check.entry_id, 'choice.courtesy': 'second' },
          agent,
        ),
        { code: 'survey_closed' },
      );
      const stored = await t.ctx.db
        .selectFrom('survey_answers')
        .select('value')
        .where('response_id', '=', check.response_id)
        .execute();
      assert.deepEqual(
        stored.map((r) => r.value),
        ['satisfied'],
      );
    });
  });
}
