import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { AppError } from '../../shared/errors.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import {
  addCollectionPoint,
  archiveCollectionPoint,
  campaignStatus,
  closeCampaign,
  createCampaign,
  findOpenPointByToken,
  getCampaignDetail,
  updateCampaign,
} from './campaign.service.ts';
import { archiveQuestionnaire, copyTemplate } from './questionnaire.service.ts';

async function rejected(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error;
  }
  assert.fail('refus attendu');
}

describe('statut d’une campagne', () => {
  const campaign = { starts_on: '2026-05-01', ends_on: '2026-05-31', closed_at: null };
  it('se lit dans le fuseau du département', () => {
    // 30 avril 22 h 30 UTC : déjà le 1er mai à Paris, encore le 30 avril en Guadeloupe.
    const at = new Date('2026-04-30T22:30:00Z');
    assert.equal(campaignStatus(campaign, at, 'Europe/Paris'), 'open');
    assert.equal(campaignStatus(campaign, at, 'America/Guadeloupe'), 'upcoming');
    // 31 mai 20 h 30 UTC : 1er juin 0 h 30 à La Réunion (terminée), 22 h 30 le 31 mai à Paris (en cours).
    const end = new Date('2026-05-31T20:30:00Z');
    assert.equal(campaignStatus(campaign, end, 'Indian/Reunion'), 'finished');
    assert.equal(campaignStatus(campaign, end, 'Europe/Paris'), 'open');
    assert.equal(campaignStatus({ ...campaign, closed_at: '2026-05-10T10:00:00Z' }, end, 'Europe/Paris'), 'closed');
  });
});

for (const engine of testEngines()) {
  describe(`campagnes d’enquête (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    let otherId: string;
    let questionnaireId: string;
    let foreignQuestionnaireId: string;

    before(async () => {
      t = await createTestContext(engine);
      t.clock.set('2026-04-15T08:00:00.000Z');
      organisationId = (
        await createOrganisation(
          t.ctx,
          { slug: 'seine-maritime', name: 'Préfecture de la Seine-Maritime', department: '76' },
          CLI_ACTOR,
        )
      ).id;
      otherId = (await createOrganisation(t.ctx, { slug: 'autre', name: 'Autre préfecture', department: '75' }, CLI_ACTOR)).id;
      questionnaireId = (await copyTemplate(t.ctx, organisationId, 'physical_reception', CLI_ACTOR)).id;
      foreignQuestionnaireId = (await copyTemplate(t.ctx, otherId, 'physical_reception', CLI_ACTOR)).id;
    });
    after(() => t.close());

    const valid = { name: 'Accueil printemps', startsOn: '2026-04-01', endsOn: '2026-04-30' };

    it('création : le canal enquêté est celui du questionnaire, audit écrit', async () => {
      const { id } = await createCampaign(t.ctx, organisationId, { ...valid, questionnaireId }, CLI_ACTOR);
      const detail = await getCampaignDetail(t.ctx, organisationId, id);
      assert.equal(detail.campaign.surveyed_channel, 'physical_reception');
      assert.equal(detail.status, 'open');
      assert.equal(detail.questionnaire.row.id, questionnaireId);
      const audit = await t.ctx.db.selectFrom('audit_events').select('action').where('entity_id', '=', id).execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['survey_campaign.created'],
      );
      assert.equal((await rejected(getCampaignDetail(t.ctx, otherId, id))).code, 'not_found');
    });

    it('validation : dates, ordre des dates, questionnaire d’une autre organisation ou archivé, mode inconnu', async () => {
      const bad = await rejected(
        createCampaign(t.ctx, organisationId, { name: '', questionnaireId, startsOn: '2026-02-30', endsOn: 'demain' }, CLI_ACTOR),
      );
      assert.equal(bad.code, 'validation_failed');
      assert.match(bad.fields.name ?? '', /Nom : champ obligatoire/);
      assert.match(bad.fields.startsOn ?? '', /date impossible/);
      assert.match(bad.fields.endsOn ?? '', /date impossible/);
      const reversed = await rejected(
        createCampaign(
          t.ctx,
          organisationId,
          { ...valid, questionnaireId, startsOn: '2026-05-01', endsOn: '2026-04-30' },
          CLI_ACTOR,
        ),
      );
      assert.match(reversed.fields.endsOn ?? '', /finir le jour de son début ou après/);
      const foreign = await rejected(
        createCampaign(t.ctx, organisationId, { ...valid, questionnaireId: foreignQuestionnaireId }, CLI_ACTOR),
      );
      assert.match(foreign.fields.questionnaireId ?? '', /choisissez un questionnaire de la liste/);
      const archived = (await copyTemplate(t.ctx, organisationId, 'phone', CLI_ACTOR)).id;
      await archiveQuestionnaire(t.ctx, organisationId, archived, CLI_ACTOR);
      const archivedError = await rejected(
        createCampaign(t.ctx, organisationId, { ...valid, questionnaireId: archived }, CLI_ACTOR),
      );
      assert.match(archivedError.fields.questionnaireId ?? '', /archivé/);

      const { id } = await createCampaign(t.ctx, organisationId, { ...valid, questionnaireId }, CLI_ACTOR);
      const mode = await rejected(addCollectionPoint(t.ctx, organisationId, id, { label: 'Borne', mode: 'fax' }, CLI_ACTOR));
      assert.match(mode.fields.mode ?? '', /borne, QR code, papier ou téléphone/);
      const label = await rejected(addCollectionPoint(t.ctx, organisationId, id, { label: ' ', mode: 'qr' }, CLI_ACTOR));
      assert.match(label.fields.label ?? '', /Libellé : champ obligatoire/);
      assert.equal(
        (await rejected(addCollectionPoint(t.ctx, otherId, id, { label: 'Borne', mode: 'kiosk' }, CLI_ACTOR))).code,
        'not_found',
      );
      const points = await t.ctx.db.selectFrom('survey_collection_points').selectAll().where('campaign_id', '=', id).execute();
      assert.equal(points.length, 0);
    });

    it('le questionnaire d’une campagne qui a des réponses ne change plus', async () => {
      const { id } = await createCampaign(t.ctx, organisationId, { ...valid, questionnaireId }, CLI_ACTOR);
      const point = await addCollectionPoint(t.ctx, organisationId, id, { label: 'Papier', mode: 'paper' }, CLI_ACTOR);
      await t.ctx.db
        .insertInto('survey_responses')
        .values({
          id: `reponse-${id}`,
          organisation_id: organisationId,
          campaign_id: id,
          collection_point_id: point.id,
          mode: 'paper',
          answered_at: '2026-04-10T09:00:00.000Z',
          received_at: '2026-04-10T09:00:00.000Z',
          form_number: '1',
          entered_by_user_id: null,
          duration_ms: null,
          flagged_reason: null,
        })
        .execute();
      const other = (await copyTemplate(t.ctx, organisationId, 'annual_eleven_criteria', CLI_ACTOR)).id;
      const error = await rejected(updateCampaign(t.ctx, organisationId, id, { ...valid, questionnaireId: other }, CLI_ACTOR));
      assert.match(error.fields.questionnaireId ?? '', /déjà des réponses/);
      await updateCampaign(t.ctx, organisationId, id, { ...valid, name: 'Accueil avril', questionnaireId }, CLI_ACTOR);
      assert.equal((await getCampaignDetail(t.ctx, organisationId, id)).campaign.name, 'Accueil avril');
      assert.equal((await getCampaignDetail(t.ctx, organisationId, id)).responseCount, 1);
    });

    it('findOpenPointByToken : lien inconnu, pas encore ouverte, en cours, terminée, close, point archivé', async () => {
      const { id } = await createCampaign(
        t.ctx,
        organisationId,
        { ...valid, questionnaireId, startsOn: '2026-05-01', endsOn: '2026-05-31' },
        CLI_ACTOR,
      );
      const { id: pointId, token } = await addCollectionPoint(
        t.ctx,
        organisationId,
        id,
        { label: 'Affiche salle d’attente', mode: 'qr' },
        CLI_ACTOR,
      );
      assert.ok(token.length >= 32);
      const detail = await getCampaignDetail(t.ctx, organisationId, id);
      assert.equal(detail.points[0]?.publicUrl, `${t.ctx.config.publicUrl}/enquete/${token}`);

      assert.equal((await rejected(findOpenPointByToken(t.ctx, 'jeton-inconnu'))).code, 'survey_link_unknown');
      assert.equal((await rejected(findOpenPointByToken(t.ctx, ''))).code, 'survey_link_unknown');
      // 30 avril 21 h UTC = 23 h à Rouen : pas encore ouverte.
      t.clock.set('2026-04-30T21:00:00.000Z');
      assert.equal((await rejected(findOpenPointByToken(t.ctx, token))).code, 'survey_not_yet_open');
      // 30 avril 22 h 30 UTC = 1er mai 0 h 30 à Rouen : ouverte.
      t.clock.set('2026-04-30T22:30:00.000Z');
      const open = await findOpenPointByToken(t.ctx, token);
      assert.equal(open.point.id, pointId);
      assert.equal(open.campaign.id, id);
      assert.equal(open.questionnaireRow.id, questionnaireId);
      assert.equal(open.questionnaire.surveyedChannel, 'physical_reception');
      assert.equal(open.timeZone, 'Europe/Paris');
      assert.equal('department_code' in open.point, false);
      // Dernier jour inclus, lendemain refusé.
      t.clock.set('2026-05-31T21:59:00.000Z');
      await findOpenPointByToken(t.ctx, token);
      t.clock.set('2026-05-31T22:00:00.000Z');
      assert.equal((await rejected(findOpenPointByToken(t.ctx, token))).code, 'survey_closed');
      // Clôture anticipée.
      t.clock.set('2026-05-10T08:00:00.000Z');
      await findOpenPointByToken(t.ctx, token);
      await closeCampaign(t.ctx, organisationId, id, CLI_ACTOR);
      const closed = await rejected(findOpenPointByToken(t.ctx, token));
      assert.equal(closed.code, 'survey_closed');
      assert.match(closed.message, /terminée/);
      assert.equal((await getCampaignDetail(t.ctx, organisationId, id)).status, 'closed');
      // Point archivé : son lien ne fonctionne plus.
      const second = await createCampaign(
        t.ctx,
        organisationId,
        { ...valid, questionnaireId, startsOn: '2026-05-01', endsOn: '2026-05-31' },
        CLI_ACTOR,
      );
      const kiosk = await addCollectionPoint(t.ctx, organisationId, second.id, { label: 'Borne', mode: 'kiosk' }, CLI_ACTOR);
      await findOpenPointByToken(t.ctx, kiosk.token);
      await archiveCollectionPoint(t.ctx, organisationId, second.id, kiosk.id, CLI_ACTOR);
      assert.equal((await rejected(findOpenPointByToken(t.ctx, kiosk.token))).code, 'survey_link_unknown');
      t.clock.set('2026-04-15T08:00:00.000Z');
    });
  });
}
