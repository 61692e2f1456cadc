import { readFileSync } from 'node:fs';
import { insertRows } from '../../src/db/bulk-insert.ts';
import { type Questionnaire, questionnaireSchema, type SurveyedChannel } from '../../src/modules/surveys/questionnaire.ts';
import type { CollectionMode } from '../../src/modules/surveys/survey.table.ts';
import type { AppContext } from '../../src/shared/context.ts';
import { newId, randomToken } from '../../src/shared/ids.ts';

/**
 * Campagnes d'enquête écrites directement en base pour les tests des résultats (sans passer par la
 * saisie) : questionnaire copié d'un modèle livré, campagne, points de collecte, réponses.
 */

export function templateDefinition(key: string): Questionnaire {
  const file = JSON.parse(
    readFileSync(new URL('../../src/modules/surveys/data/questionnaires.json', import.meta.url), 'utf8'),
  ) as { templates: { key: string }[] };
  const template = file.templates.find((t) => t.key === key);
  if (!template) throw new Error(`Modèle ${key} absent`);
  return questionnaireSchema.parse(template);
}

const STAMP = '2026-01-01T00:00:00.000Z';

export async function insertCampaign(
  ctx: AppContext,
  input: {
    organisationId: string;
    template: string;
    name: string;
    startsOn: string;
    endsOn: string;
    surveyedChannel?: SurveyedChannel;
  },
): Promise<{ campaignId: string; questionnaireId: string }> {
  const definition = templateDefinition(input.template);
  const questionnaireId = newId();
  const campaignId = newId();
  await ctx.db
    .insertInto('survey_questionnaires')
    .values({
      id: questionnaireId,
      organisation_id: input.organisationId,
      template_key: input.template,
      title: definition.title,
      surveyed_channel: input.surveyedChannel ?? definition.surveyedChannel,
      definition_json: JSON.stringify(definition),
      version: 1,
      previous_id: null,
      archived_at: null,
      created_at: STAMP,
      updated_at: STAMP,
    })
    .execute();
  await ctx.db
    .insertInto('survey_campaigns')
    .values({
      id: campaignId,
      organisation_id: input.organisationId,
      questionnaire_id: questionnaireId,
      name: input.name,
      surveyed_channel: input.surveyedChannel ?? definition.surveyedChannel,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      closed_at: null,
      created_at: STAMP,
      updated_at: STAMP,
    })
    .execute();
  return { campaignId, questionnaireId };
}

export async function insertPoint(
  ctx: AppContext,
  input: { organisationId: string; campaignId: string; label: string; mode: CollectionMode },
): Promise<string> {
  const id = newId();
  await ctx.db
    .insertInto('survey_collection_points')
    .values({
      id,
      organisation_id: input.organisationId,
      campaign_id: input.campaignId,
      label: input.label,
      mode: input.mode,
      public_token: randomToken(),
      archived_at: null,
      created_at: STAMP,
    })
    .execute();
  return id;
}

export interface FixtureResponse {
  answers: Record<string, string | string[] | undefined>;
  answeredAt?: string;
  flaggedReason?: string;
}

/** Écrit `count` fois la même réponse (ou chaque réponse d'une liste) sur un point de collecte. */
export async function insertResponses(
  ctx: AppContext,
  point: { organisationId: string; campaignId: string; pointId: string; mode: CollectionMode },
  responses: FixtureResponse[],
): Promise<string[]> {
  const responseRows = [];
  const answerRows = [];
  for (const [index, response] of responses.entries()) {
    const id = newId();
    const at = response.answeredAt ?? new Date(Date.parse('2026-03-02T09:00:00.000Z') + index * 60_000).toISOString();
    responseRows.push({
      id,
      organisation_id: point.organisationId,
      campaign_id: point.campaignId,
      collection_point_id: point.pointId,
      mode: point.mode,
      answered_at: at,
      received_at: at,
      form_number: null,
      entered_by_user_id: null,
      duration_ms: null,
      flagged_reason: response.flaggedReason ?? null,
    });
    for (const [questionKey, value] of Object.entries(response.answers)) {
      for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
        answerRows.push({ id: newId(), response_id: id, campaign_id: point.campaignId, question_key: questionKey, value: v });
      }
    }
  }
  await insertRows(ctx.db, responseRows, (rows) => ctx.db.insertInto('survey_responses').values(rows));
  await insertRows(ctx.db, answerRows, (rows) => ctx.db.insertInto('survey_answers').values(rows));
  return responseRows.map((r) => r.id);
}

/** `count` copies d'une réponse. */
export function times(count: number, response: FixtureResponse): FixtureResponse[] {
  return Array.from({ length: count }, () => ({ ...response }));
}

export interface PhysicalReceptionScenario {
  previousId: string;
  currentId: string;
  kioskPointId: string;
  paperPointId: string;
}

/**
 * Deux campagnes « accueil physique » construites à la main (chiffres attendus dans les tests) :
 * - précédente (octobre 2025, borne, 100 réponses) : courtoisie 60/100, orientation 80/100, attente 100/100 ;
 * - actuelle (mars 2026) : borne 60 réponses + papier 47 + 1 réponse signalée (borne) ;
 *   courtoisie 81 satisfaits sur 100 exprimés + 7 « sans avis » (borne 50/60, papier 31/40),
 *   orientation 84/107, attente 107/107, confidentialité sans objet (7 « sans avis » seulement),
 *   trois commentaires (une adresse électronique, un téléphone).
 */
export async function physicalReceptionScenario(ctx: AppContext, organisationId: string): Promise<PhysicalReceptionScenario> {
  const previous = await insertCampaign(ctx, {
    organisationId,
    template: 'physical_reception',
    name: 'Accueil automne 2025',
    startsOn: '2025-10-01',
    endsOn: '2025-10-31',
  });
  const previousKiosk = await insertPoint(ctx, {
    organisationId,
    campaignId: previous.campaignId,
    label: 'Borne hall',
    mode: 'kiosk',
  });
  await insertResponses(
    ctx,
    { organisationId, campaignId: previous.campaignId, pointId: previousKiosk, mode: 'kiosk' },
    Array.from({ length: 100 }, (_, i) => ({
      answers: {
        courtesy: i < 60 ? 'satisfied' : 'dissatisfied',
        orientation: i < 80 ? 'satisfied' : 'dissatisfied',
        waiting_time: 'satisfied',
      },
      answeredAt: `2025-10-15T09:${String(i % 60).padStart(2, '0')}:00.000Z`,
    })),
  );

  const current = await insertCampaign(ctx, {
    organisationId,
    template: 'physical_reception',
    name: 'Accueil printemps 2026',
    startsOn: '2026-03-01',
    endsOn: '2026-03-31',
  });
  const kioskPointId = await insertPoint(ctx, {
    organisationId,
    campaignId: current.campaignId,
    label: 'Borne accueil général',
    mode: 'kiosk',
  });
  const paperPointId = await insertPoint(ctx, {
    organisationId,
    campaignId: current.campaignId,
    label: 'Formulaires papier',
    mode: 'paper',
  });
  await insertResponses(
    ctx,
    { organisationId, campaignId: current.campaignId, pointId: kioskPointId, mode: 'kiosk' },
    Array.from({ length: 60 }, (_, i) => ({
      answers: {
        visit_reason: 'foreigners',
        courtesy: i < 50 ? 'very_satisfied' : 'very_dissatisfied',
        orientation: i < 48 ? 'satisfied' : 'dissatisfied',
        waiting_time: 'very_satisfied',
        comment: i === 0 ? 'Attente trop longue au guichet, écrivez-moi à jean.dupont@example.fr' : undefined,
      },
    })),
  );
  await insertResponses(
    ctx,
    { organisationId, campaignId: current.campaignId, pointId: paperPointId, mode: 'paper' },
    Array.from({ length: 47 }, (_, i) => ({
      answers: {
        visit_reason: i < 40 ? 'counter' : undefined,
        courtesy: i < 31 ? 'satisfied' : i < 40 ? 'dissatisfied' : 'no_opinion',
        orientation: i < 36 ? 'satisfied' : 'dissatisfied',
        waiting_time: 'very_satisfied',
        confidentiality: i >= 40 ? 'no_opinion' : undefined,
        comment: i === 0 ? 'Rappelez-moi au 06 12 34 56 78 svp' : i === 1 ? 'Agents très aimables' : undefined,
      },
      answeredAt: `2026-03-10T10:${String(i).padStart(2, '0')}:00.000Z`,
    })),
  );
  await insertResponses(ctx, { organisationId, campaignId: current.campaignId, pointId: kioskPointId, mode: 'kiosk' }, [
    {
      answers: { courtesy: 'very_dissatisfied', orientation: 'very_dissatisfied', waiting_time: 'very_dissatisfied' },
      flaggedReason: 'Réponse en moins de 2 secondes',
    },
  ]);
  return { previousId: previous.campaignId, currentId: current.campaignId, kioskPointId, paperPointId };
}
