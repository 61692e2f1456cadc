import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createTestContext, type TestContext, tableCount, testEngines } from '../../../test/helpers/context.ts';
import { type SeededSurvey, seedSurvey } from '../../../test/helpers/survey-response-fixtures.ts';
import { openDatabase } from '../../db/database.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { archiveCollectionPoint, closeCampaign } from './campaign.service.ts';
import { BURST_LIMIT, type EntryAgent, submitResponse } from './response.service.ts';

const START = '2026-04-02T08:30:00.000Z';

/** L'erreur attendue, avec son code et éventuellement le message d'un champ. */
async function rejects(action: Promise<unknown>, code: string, field?: string, pattern?: RegExp) {
  await assert.rejects(action, (error: { code?: string; fields?: Record<string, string> }) => {
    assert.equal(error.code, code);
    if (field) {
      assert.ok(error.fields?.[field], `champ ${field} attendu, reçu ${JSON.stringify(error.fields)}`);
      if (pattern) assert.match(error.fields[field] ?? '', pattern);
    }
    return true;
  });
}

for (const engine of testEngines()) {
  describe(`collecte des réponses aux enquêtes (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let otherOrganisationId: string;
    let survey: SeededSurvey;
    let otherSurvey: SeededSurvey;
    let agent: EntryAgent;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      otherOrganisationId = (
        await createOrganisation(t.ctx, { slug: 'allier', name: 'Préfecture de l’Allier', department: '03' }, CLI_ACTOR)
      ).id;
      survey = await seedSurvey(t.ctx, organisationId);
      otherSurvey = await seedSurvey(t.ctx, otherOrganisationId);
      const account = await createAccount(
        t.ctx,
        { email: 'agent@63.test', role: 'agent', organisationId, password: 'Clermont-Ferrand 63000' },
        CLI_ACTOR,
      );
      agent = { organisationId, actor: { userId: account.userId, label: 'Agent <agent@63.test>' } };
    });
    after(() => t.close());
    beforeEach(() => t.clock.set(START));

    const responses = async () => (await t.ctx.db.selectFrom('survey_responses').select('id').execute()).length;
    const answersOf = async (id: string) =>
      (
        await t.ctx.db
          .selectFrom('survey_answers')
          .select(['question_key', 'value'])
          .where('response_id', '=', id)
          .orderBy('question_key')
          .orderBy('value')
          .execute()
      ).map((a) => `${a.question_key}=${a.value}`);

    it('enregistre une réponse valide par le lien public, valeurs comprises, sans ligne d’audit', async () => {
      const audits = await tableCount(t.ctx, 'audit_events');
      const responseId = randomUUID();
      const result = await submitResponse(t.ctx, {
        responseId,
        pointToken: survey.points.qr.token,
        durationMs: 40_000,
        answers: {
          visit_reason: 'titles',
          services: ['reception', 'counter', 'reception'],
          courtesy: 'very_satisfied',
          website_used: 'no',
          comment: '  Très bon accueil.  ',
        },
      });
      assert.deepEqual(result, {
        status: 'created',
        responseId,
        campaignId: survey.campaignId,
        pointId: survey.points.qr.id,
        mode: 'qr',
        flaggedReason: null,
      });
      const row = await t.ctx.db
        .selectFrom('survey_responses')
        .selectAll()
        .where('id', '=', responseId)
        .executeTakeFirstOrThrow();
      assert.equal(row.mode, 'qr');
      assert.equal(row.received_at, START);
      assert.equal(row.answered_at, START);
      assert.equal(row.duration_ms, 40_000);
      assert.equal(row.entered_by_user_id, null);
      assert.deepEqual(await answersOf(responseId), [
        'comment=Très bon accueil.',
        'courtesy=very_satisfied',
        'services=counter',
        'services=reception',
        'visit_reason=titles',
        'website_used=no',
      ]);
      // Réponse publique : la ligne de la réponse est la trace, pas une ligne d'audit par réponse.
      assert.equal(await tableCount(t.ctx, 'audit_events'), audits);
    });

    it('rejeu identique : succès sans doublon ; rejeu avec d’autres réponses : refusé', async () => {
      const responseId = randomUUID();
      const input = {
        responseId,
        pointToken: survey.points.kiosk.token,
        answers: { courtesy: 'satisfied', services: ['counter'] },
      };
      assert.equal((await submitResponse(t.ctx, input)).status, 'created');
      const count = await responses();
      const again = await submitResponse(t.ctx, { ...input, answers: { services: ['counter'], courtesy: 'satisfied' } });
      assert.equal(again.status, 'duplicate');
      assert.equal(await responses(), count);
      await rejects(submitResponse(t.ctx, { ...input, answers: { courtesy: 'very_dissatisfied' } }), 'survey_response_conflict');
      // Même identifiant rejoué sur un autre point : refusé aussi.
      await rejects(submitResponse(t.ctx, { ...input, pointToken: survey.points.qr.token }), 'survey_response_conflict');
      assert.equal(await responses(), count);
      assert.deepEqual(await answersOf(responseId), ['courtesy=satisfied', 'services=counter']);
    });

    it('refuse une option inexistante, une question inconnue, deux valeurs en choix unique, un champ en trop', async () => {
      const count = await responses();
      const base = { responseId: randomUUID(), pointToken: survey.points.qr.token };
      await rejects(
        submitResponse(t.ctx, { ...base, answers: { courtesy: 'enchanted' } }),
        'validation_failed',
        'answers.courtesy',
        /n’est pas proposée/,
      );
      await rejects(
        submitResponse(t.ctx, { ...base, answers: { courtesy: 'satisfied', favourite_colour: 'blue' } }),
        'validation_failed',
        'answers.favourite_colour',
        /inconnue/,
      );
      await rejects(
        submitResponse(t.ctx, { ...base, answers: { courtesy: ['satisfied', 'dissatisfied'] } }),
        'validation_failed',
        'answers.courtesy',
        /une seule réponse/,
      );
      await rejects(
        submitResponse(t.ctx, { ...base, answers: { courtesy: 'satisfied' }, isAdmin: true }),
        'validation_failed',
        '_',
        /Champ inattendu/,
      );
      await rejects(
        submitResponse(t.ctx, { ...base, responseId: 'pas-un-uuid', answers: { courtesy: 'satisfied' } }),
        'validation_failed',
        'responseId',
      );
      assert.equal(await responses(), count);
    });

    it('obligatoire manquante refusée ; une question conditionnelle n’est exigée, et gardée, que si elle est affichée', async () => {
      const token = survey.points.qr.token;
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: token, answers: { visit_reason: 'titles' } }),
        'validation_failed',
        'answers.courtesy',
        /choisissez une réponse/,
      );
      await rejects(
        submitResponse(t.ctx, {
          responseId: randomUUID(),
          pointToken: token,
          answers: { courtesy: 'satisfied', website_used: 'yes' },
        }),
        'validation_failed',
        'answers.website_access',
      );
      // « Non » au site : la réponse à la question qui en dépend est ignorée, pas refusée.
      const responseId = randomUUID();
      await submitResponse(t.ctx, {
        responseId,
        pointToken: token,
        answers: { courtesy: 'satisfied', website_used: 'no', website_access: 'dissatisfied' },
      });
      assert.deepEqual(await answersOf(responseId), ['courtesy=satisfied', 'website_used=no']);
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: token, answers: {} }),
        'validation_failed',
        'answers.courtesy',
      );
    });

    it('un commentaire d’un mégaoctet est refusé avec un message aimable, rien n’est écrit', async () => {
      const count = await responses();
      await rejects(
        submitResponse(t.ctx, {
          responseId: randomUUID(),
          pointToken: survey.points.qr.token,
          answers: { courtesy: 'satisfied', comment: 'x'.repeat(1024 * 1024) },
        }),
        'validation_failed',
        'answers.comment',
        /Votre commentaire est trop long : 500 caractères au plus \(vous en avez écrit 1\s048\s576 caractères\)/,
      );
      assert.equal(await responses(), count);
    });

    it('campagne pas encore ouverte, terminée ou close, point archivé, jeton inconnu : refusés', async () => {
      const answers = { courtesy: 'satisfied' };
      const token = survey.points.qr.token;
      // 31 mars 23 h 30 à Clermont-Ferrand : la veille de l'ouverture (date locale, pas UTC).
      t.clock.set('2026-03-31T21:30:00.000Z');
      await rejects(submitResponse(t.ctx, { responseId: randomUUID(), pointToken: token, answers }), 'survey_not_yet_open');
      // 1er avril 0 h 30 à Paris, encore le 31 mars en UTC : ouverte.
      t.clock.set('2026-03-31T22:30:00.000Z');
      assert.equal((await submitResponse(t.ctx, { responseId: randomUUID(), pointToken: token, answers })).status, 'created');
      t.clock.set('2026-04-30T22:30:00.000Z');
      await rejects(submitResponse(t.ctx, { responseId: randomUUID(), pointToken: token, answers }), 'survey_closed');
      // Réponse faite sur la borne pendant la campagne, envoyée le lendemain de la fin : acceptée.
      assert.equal(
        (
          await submitResponse(t.ctx, {
            responseId: randomUUID(),
            pointToken: survey.points.kiosk.token,
            answeredAt: '2026-04-30T18:00:00+02:00',
            answers,
          })
        ).status,
        'created',
      );
      t.clock.set(START);
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: token, answeredAt: '2026-04-03T10:00:00+02:00', answers }),
        'validation_failed',
        'answeredAt',
      );

      const closed = await seedSurvey(t.ctx, organisationId, { name: 'Close' });
      await t.ctx.db
        .updateTable('survey_campaigns')
        .set({ closed_at: '2026-04-02T08:00:00.000Z' })
        .where('id', '=', closed.campaignId)
        .execute();
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: closed.points.qr.token, answers }),
        'survey_closed',
      );

      const archived = await seedSurvey(t.ctx, organisationId, { name: 'Point archivé' });
      await t.ctx.db
        .updateTable('survey_collection_points')
        .set({ archived_at: '2026-04-01T08:00:00.000Z' })
        .where('id', '=', archived.points.qr.id)
        .execute();
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: archived.points.qr.token, answers }),
        'survey_closed',
      );

      await rejects(submitResponse(t.ctx, { responseId: randomUUID(), pointToken: 'inconnu', answers }), 'survey_link_unknown');
      // Le jeton d'un point papier ne s'ouvre pas au public.
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: survey.points.paper.token, answers }),
        'survey_link_unknown',
      );
    });

    it('réponse trop rapide et débit anormal : enregistrées et signalées, jamais écartées', async () => {
      const fast = await submitResponse(t.ctx, {
        responseId: randomUUID(),
        pointToken: survey.points.qr.token,
        durationMs: 2500,
        answers: { courtesy: 'satisfied', website_used: 'no' },
      });
      assert.equal(fast.status, 'created');
      assert.match(fast.flaggedReason ?? '', /Réponse trop rapide : 2,5 s pour 2 questions/);
      const row = await t.ctx.db
        .selectFrom('survey_responses')
        .select('flagged_reason')
        .where('id', '=', fast.responseId)
        .executeTakeFirstOrThrow();
      assert.equal(row.flagged_reason, fast.flaggedReason);

      const burst = await seedSurvey(t.ctx, organisationId, { name: 'Rafale' });
      const results = [];
      for (let i = 0; i <= BURST_LIMIT.responses; i++) {
        results.push(
          await submitResponse(t.ctx, {
            responseId: randomUUID(),
            pointToken: burst.points.kiosk.token,
            answers: { courtesy: 'satisfied' },
          }),
        );
      }
      assert.ok(results.slice(0, BURST_LIMIT.responses).every((r) => r.flaggedReason === null));
      assert.match(results.at(-1)?.flaggedReason ?? '', /Débit anormal : 31 réponses ou plus de ce point en 60 s/);
    });

    it('débit d’un point tenu en mémoire : retrouvé après un redémarrage (relu en base), puis la fenêtre passe', async () => {
      const burst = await seedSurvey(t.ctx, organisationId, { name: 'Rafale avant redémarrage' });
      const send = (ctx: typeof t.ctx) =>
        submitResponse(ctx, { responseId: randomUUID(), pointToken: burst.points.qr.token, answers: { courtesy: 'satisfied' } });
      for (let i = 0; i < BURST_LIMIT.responses; i++) assert.equal((await send(t.ctx)).flaggedReason, null);
      // Un autre processus sur la même base (un redémarrage) : sa mémoire du point part de la base.
      const handle = openDatabase(t.database.url);
      try {
        const restarted = { ...t.ctx, db: handle.db };
        const next = await send(restarted);
        assert.equal(next.status, 'created');
        assert.match(next.flaggedReason ?? '', /Débit anormal : 31 réponses ou plus de ce point en 60 s/);
        t.clock.set(new Date(Date.parse(START) + (BURST_LIMIT.windowSeconds + 1) * 1000).toISOString());
        assert.equal((await send(restarted)).flaggedReason, null);
      } finally {
        await handle.close();
      }
    });

    it('point gardé en mémoire courte : clôture de la campagne et archivage du point valent dès l’envoi suivant', async () => {
      const answers = { courtesy: 'satisfied' };
      const closing = await seedSurvey(t.ctx, organisationId, { name: 'Close en cours de collecte' });
      const archiving = await seedSurvey(t.ctx, organisationId, { name: 'Point archivé en cours de collecte' });
      for (const token of [closing.points.qr.token, archiving.points.qr.token]) {
        assert.equal((await submitResponse(t.ctx, { responseId: randomUUID(), pointToken: token, answers })).status, 'created');
      }
      await closeCampaign(t.ctx, organisationId, closing.campaignId, CLI_ACTOR);
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: closing.points.qr.token, answers }),
        'survey_closed',
      );
      await archiveCollectionPoint(t.ctx, organisationId, archiving.campaignId, archiving.points.qr.id, CLI_ACTOR);
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointToken: archiving.points.qr.token, answers }),
        'survey_closed',
      );
    });

    it('saisie papier par un agent : auditée, numéro unique par campagne, double saisie refusée', async () => {
      const audits = await tableCount(t.ctx, 'audit_events');
      const input = {
        responseId: randomUUID(),
        pointId: survey.points.paper.id,
        formNumber: 'P-001',
        answers: { courtesy: 'dissatisfied' },
      };
      const saved = await submitResponse(t.ctx, input, agent);
      assert.equal(saved.mode, 'paper');
      const row = await t.ctx.db
        .selectFrom('survey_responses')
        .selectAll()
        .where('id', '=', saved.responseId)
        .executeTakeFirstOrThrow();
      assert.equal(row.form_number, 'P-001');
      assert.equal(row.entered_by_user_id, agent.actor.userId);
      assert.equal(await tableCount(t.ctx, 'audit_events'), audits + 1);
      const audit = await t.ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('entity_id', '=', saved.responseId)
        .executeTakeFirstOrThrow();
      assert.equal(audit.action, 'survey_response.entered');
      assert.match(audit.summary ?? '', /Formulaire papier n° P-001 saisi/);

      // Double saisie : un autre formulaire sous le même numéro est refusé, rien n'est écrit.
      const count = await responses();
      await rejects(
        submitResponse(t.ctx, { ...input, responseId: randomUUID(), answers: { courtesy: 'satisfied' } }, agent),
        'survey_form_number_taken',
        'formNumber',
      );
      assert.equal(await responses(), count);
      // Double clic sur « Enregistrer » (même identifiant, mêmes réponses) : succès sans doublon.
      assert.equal((await submitResponse(t.ctx, input, agent)).status, 'duplicate');
      assert.equal(await tableCount(t.ctx, 'audit_events'), audits + 1);

      // Téléphone : sans numéro de formulaire.
      await rejects(
        submitResponse(t.ctx, { ...input, responseId: randomUUID(), pointId: survey.points.phone.id, formNumber: 'T-1' }, agent),
        'validation_failed',
        'formNumber',
      );
      const phone = await submitResponse(
        t.ctx,
        {
          responseId: randomUUID(),
          pointId: survey.points.phone.id,
          answers: { courtesy: 'satisfied' },
          enteredBy: agent.actor.userId,
        },
        agent,
      );
      assert.equal(phone.mode, 'phone');
    });

    it('saisie d’agent : jamais sur le point d’une autre organisation, ni sans agent, ni au nom d’un autre', async () => {
      const answers = { courtesy: 'satisfied' };
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointId: otherSurvey.points.paper.id, answers }, agent),
        'not_found',
      );
      await rejects(submitResponse(t.ctx, { responseId: randomUUID(), pointId: survey.points.paper.id, answers }), 'not_found');
      // Un point public ne se saisit pas par identifiant.
      await rejects(
        submitResponse(t.ctx, { responseId: randomUUID(), pointId: survey.points.qr.id, answers }, agent),
        'not_found',
      );
      await rejects(
        submitResponse(
          t.ctx,
          { responseId: randomUUID(), pointId: survey.points.paper.id, answers, enteredBy: randomUUID() },
          agent,
        ),
        'validation_failed',
        'enteredBy',
      );
    });
    it('envois simultanés groupés : chacun écrit une fois, même identifiant sans doublon, erreur isolée', async () => {
      const before = await responses();
      const answers = { courtesy: 'satisfied', website_used: 'no' };
      const ids = Array.from({ length: 40 }, () => randomUUID());
      const twice = ids[0] ?? '';
      const paper = { pointId: survey.points.paper.id, answers };
      const outcomes = await Promise.allSettled([
        ...ids.map((responseId) => submitResponse(t.ctx, { responseId, pointToken: survey.points.kiosk.token, answers })),
        // Même identifiant, mêmes réponses, dans le même lot : un succès sans doublon.
        submitResponse(t.ctx, { responseId: twice, pointToken: survey.points.kiosk.token, answers }),
        // Deux formulaires papier de même numéro dans le même lot : le second est refusé, seul.
        submitResponse(t.ctx, { ...paper, responseId: randomUUID(), formNumber: 'G-1' }, agent),
        submitResponse(t.ctx, { ...paper, responseId: randomUUID(), formNumber: 'G-1' }, agent),
      ]);
      const statuses = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.status : (o.reason as { code: string }).code));
      assert.deepEqual(statuses.slice(0, 40), Array(40).fill('created'));
      assert.equal(statuses[40], 'duplicate');
      assert.deepEqual(statuses.slice(41).sort(), ['created', 'survey_form_number_taken']);
      assert.equal(await responses(), before + 41);
      assert.deepEqual(await answersOf(twice), ['courtesy=satisfied', 'website_used=no']);
    });
  });
}
