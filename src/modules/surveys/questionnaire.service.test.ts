import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { AppError } from '../../shared/errors.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { addCollectionPoint, createCampaign } from './campaign.service.ts';
import {
  archiveQuestionnaire,
  copyTemplate,
  getQuestionnaire,
  listOrganisationQuestionnaires,
  questionnaireVersions,
  updateQuestionnaire,
} from './questionnaire.service.ts';
import { questionnaireFormValues } from './views/questionnaires.view.ts';

/** Le formulaire tel que l'écran l'envoie, avec des modifications. */
function formOf(values: Record<string, string | undefined>, changes: Record<string, string | undefined>) {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...values, ...changes })) if (v !== undefined) body[k] = v;
  return body;
}

async function rejected(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error;
  }
  assert.fail('refus attendu');
}

for (const engine of testEngines()) {
  describe(`questionnaires de l’organisation (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let otherId: string;

    before(async () => {
      t = await createTestContext(engine);
      organisationId = (
        await createOrganisation(t.ctx, { slug: 'correze', name: 'Préfecture de la Corrèze', department: '19' }, CLI_ACTOR)
      ).id;
      otherId = (await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '75' }, CLI_ACTOR)).id;
    });
    after(() => t.close());

    it('« Utiliser ce modèle » crée une copie version 1, sans la provenance du modèle, auditée', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'phone', CLI_ACTOR);
      const { row, questionnaire } = await getQuestionnaire(t.ctx, organisationId, id);
      assert.equal(row.version, 1);
      assert.equal(row.previous_id, null);
      assert.equal(row.template_key, 'phone');
      assert.equal(row.surveyed_channel, 'phone');
      assert.equal(questionnaire.source, undefined);
      assert.deepEqual(
        questionnaire.questions.map((q) => q.key),
        ['courtesy', 'plain_language', 'relevant_answer', 'waiting_time'],
      );
      const audit = await t.ctx.db.selectFrom('audit_events').selectAll().where('entity_id', '=', id).execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['survey_questionnaire.created'],
      );
      assert.equal((await rejected(copyTemplate(t.ctx, organisationId, 'inconnu', CLI_ACTOR))).code, 'not_found');
    });

    it('une copie sans réponse est modifiée sur place : libellés, ordre, obligatoire, suppression et ajout', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'physical_reception', CLI_ACTOR);
      const { questionnaire } = await getQuestionnaire(t.ctx, organisationId, id);
      const values = questionnaireFormValues(questionnaire);
      const saved = await updateQuestionnaire(
        t.ctx,
        organisationId,
        id,
        formOf(values, {
          title: 'Accueil de la préfecture de Tulle',
          'questions.1.label': 'Avez-vous été bien orienté ?',
          'questions.1.required': 'on',
          'questions.0.options.0.label': 'Titre de séjour (première demande)',
          // La question des délais passe en tête, celle de la courtoisie est supprimée.
          'questions.0.position': '2',
          'questions.1.position': '3',
          'questions.2.position': '1',
          'questions.3.remove': 'on',
          'new.type': 'yes_no',
          'new.label': 'Les locaux sont-ils bien signalés ?',
          'new.criterion': 'signage',
          'new.engagement': '2',
        }),
        CLI_ACTOR,
      ).catch((error: AppError) => assert.fail(JSON.stringify(error.fields)));
      assert.deepEqual(saved, { id, version: 1, newVersion: false });
      const { row, questionnaire: after } = await getQuestionnaire(t.ctx, organisationId, id);
      assert.equal(row.title, 'Accueil de la préfecture de Tulle');
      assert.equal(after.title, 'Accueil de la préfecture de Tulle');
      assert.deepEqual(
        after.questions.map((q) => q.key),
        ['waiting_time', 'visit_reason', 'orientation', 'confidentiality', 'comment', 'signage'],
      );
      const orientation = after.questions.find((q) => q.key === 'orientation');
      assert.equal(orientation?.label, 'Avez-vous été bien orienté ?');
      assert.equal(orientation?.required, true);
      const reason = after.questions.find((q) => q.key === 'visit_reason');
      assert.ok(reason?.type === 'single_choice');
      assert.equal(reason.options[0]?.label, 'Titre de séjour (première demande)');
      const signage = after.questions.at(-1);
      assert.ok(signage?.type === 'yes_no');
      assert.deepEqual(signage.criterion, { key: 'signage', label: 'Signalétique' });
      assert.deepEqual(signage.engagements, [2]);
      const actions = (await t.ctx.db.selectFrom('audit_events').select('action').where('entity_id', '=', id).execute()).map(
        (a) => a.action,
      );
      assert.ok(actions.includes('survey_questionnaire.updated'));
    });

    it('mauvaise saisie : message rattaché au champ du formulaire, rien d’enregistré', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'physical_reception', CLI_ACTOR);
      const before = await getQuestionnaire(t.ctx, organisationId, id);
      const values = questionnaireFormValues(before.questionnaire);
      const error = await rejected(
        updateQuestionnaire(
          t.ctx,
          organisationId,
          id,
          formOf(values, {
            title: ' ',
            'questions.4.label': '',
            'questions.1.position': 'deux',
            'new.type': 'single_choice',
            'new.label': 'Votre âge',
            'new.options': 'Moins de 30 ans',
          }),
          CLI_ACTOR,
        ),
      );
      assert.equal(error.code, 'validation_failed');
      assert.match(error.fields.title ?? '', /Titre : champ obligatoire/);
      assert.match(error.fields['questions.4.label'] ?? '', /Libellé de la question : champ obligatoire/);
      assert.match(error.fields['questions.1.position'] ?? '', /nombre entier/);
      assert.match(error.fields['new.options'] ?? '', /au moins deux options/);
      assert.equal((await getQuestionnaire(t.ctx, organisationId, id)).row.definition_json, before.row.definition_json);

      // Sans question mesurant un critère, le questionnaire est refusé dans son ensemble.
      const all: Record<string, string> = {};
      before.questionnaire.questions.forEach((q, i) => {
        if (q.type === 'satisfaction_4') all[`questions.${i}.remove`] = 'on';
      });
      const noCriterion = await rejected(updateQuestionnaire(t.ctx, organisationId, id, formOf(values, all), CLI_ACTOR));
      assert.match(noCriterion.fields.questions ?? '', /ne mesure aucun critère/);
    });

    it('une copie qui a des réponses n’est jamais modifiée : l’enregistrement crée la version suivante', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'digital_access_point', CLI_ACTOR);
      const campaign = await createCampaign(
        t.ctx,
        organisationId,
        { name: 'PAN printemps', questionnaireId: id, startsOn: '2026-04-01', endsOn: '2026-06-30' },
        CLI_ACTOR,
      );
      const point = await addCollectionPoint(
        t.ctx,
        organisationId,
        campaign.id,
        { label: 'Borne PAN', mode: 'kiosk' },
        CLI_ACTOR,
      );
      await t.ctx.db
        .insertInto('survey_responses')
        .values({
          id: 'reponse-1',
          organisation_id: organisationId,
          campaign_id: campaign.id,
          collection_point_id: point.id,
          mode: 'kiosk',
          answered_at: '2026-04-02T08:00:00.000Z',
          received_at: '2026-04-02T08:00:01.000Z',
          form_number: null,
          entered_by_user_id: null,
          duration_ms: 40_000,
          flagged_reason: null,
        })
        .execute();
      const original = await getQuestionnaire(t.ctx, organisationId, id);
      const saved = await updateQuestionnaire(
        t.ctx,
        organisationId,
        id,
        formOf(questionnaireFormValues(original.questionnaire), { 'questions.0.label': 'Courtoisie du conseiller numérique' }),
        CLI_ACTOR,
      );
      assert.equal(saved.newVersion, true);
      assert.equal(saved.version, 2);
      assert.notEqual(saved.id, id);
      const next = await getQuestionnaire(t.ctx, organisationId, saved.id);
      assert.equal(next.row.previous_id, id);
      assert.equal(next.questionnaire.questions[0]?.label, 'Courtoisie du conseiller numérique');
      // L'ancienne version et la campagne sont intactes.
      const old = await getQuestionnaire(t.ctx, organisationId, id);
      assert.equal(old.row.definition_json, original.row.definition_json);
      assert.equal(old.row.updated_at, original.row.updated_at);
      const campaignRow = await t.ctx.db
        .selectFrom('survey_campaigns')
        .selectAll()
        .where('id', '=', campaign.id)
        .executeTakeFirstOrThrow();
      assert.equal(campaignRow.questionnaire_id, id);
      assert.deepEqual(
        (await questionnaireVersions(t.ctx, organisationId, id)).map((r) => r.version),
        [2, 1],
      );
      const summaries = await listOrganisationQuestionnaires(t.ctx, organisationId);
      assert.equal(summaries.find((s) => s.row.id === id)?.latest, false);
      assert.equal(summaries.find((s) => s.row.id === id)?.responseCount, 1);
      // L'ancienne version ne se modifie plus : c'est la dernière qu'on modifie.
      const stale = await rejected(
        updateQuestionnaire(t.ctx, organisationId, id, formOf(questionnaireFormValues(original.questionnaire), {}), CLI_ACTOR),
      );
      assert.equal(stale.code, 'questionnaire_superseded');
      // La nouvelle version, sans réponse, se modifie sur place.
      const again = await updateQuestionnaire(
        t.ctx,
        organisationId,
        saved.id,
        formOf(questionnaireFormValues(next.questionnaire), { title: 'PAN 2026' }),
        CLI_ACTOR,
      );
      assert.deepEqual(again, { id: saved.id, version: 2, newVersion: false });
    });

    it('archiver : plus de modification ; une autre organisation ne voit rien', async () => {
      const { id } = await copyTemplate(t.ctx, organisationId, 'website', CLI_ACTOR);
      assert.equal((await rejected(getQuestionnaire(t.ctx, otherId, id))).code, 'not_found');
      assert.equal((await rejected(archiveQuestionnaire(t.ctx, otherId, id, CLI_ACTOR))).code, 'not_found');
      await archiveQuestionnaire(t.ctx, organisationId, id, CLI_ACTOR);
      const { row, questionnaire } = await getQuestionnaire(t.ctx, organisationId, id);
      assert.ok(row.archived_at);
      const error = await rejected(
        updateQuestionnaire(t.ctx, organisationId, id, formOf(questionnaireFormValues(questionnaire), {}), CLI_ACTOR),
      );
      assert.equal(error.code, 'questionnaire_archived');
    });
  });
}
