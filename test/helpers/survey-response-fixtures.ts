/**
 * Jeu d'essai des tests de la collecte : un questionnaire qui couvre tous les types de question (dont une
 * condition `showIf`), une campagne et ses points, écrits directement en base.
 */

import { type Questionnaire, questionnaireSchema } from '../../src/modules/surveys/questionnaire.ts';
import type { CollectionMode } from '../../src/modules/surveys/survey.table.ts';
import type { AppContext } from '../../src/shared/context.ts';
import { newId, randomToken } from '../../src/shared/ids.ts';

export const TEST_QUESTIONNAIRE: Questionnaire = questionnaireSchema.parse({
  key: 'test_reception',
  title: 'Votre avis sur l’accueil',
  surveyedChannel: 'physical_reception',
  questions: [
    {
      key: 'visit_reason',
      type: 'single_choice',
      label: 'Raison de votre venue',
      options: [
        { key: 'titles', label: 'Titres' },
        { key: 'foreigners', label: 'Étrangers' },
      ],
    },
    {
      key: 'services',
      type: 'multiple_choice',
      label: 'Services rencontrés',
      options: [
        { key: 'reception', label: 'Accueil' },
        { key: 'counter', label: 'Guichet' },
        { key: 'cashier', label: 'Régie' },
      ],
    },
    {
      key: 'courtesy',
      type: 'satisfaction_4',
      label: 'Accueil et courtoisie',
      required: true,
      engagements: [3],
      criterion: { key: 'courtesy', label: 'Accueil et courtoisie' },
    },
    { key: 'website_used', type: 'yes_no', label: 'Avez-vous utilisé le site internet ?' },
    {
      key: 'website_access',
      type: 'satisfaction_4',
      label: 'Facilité d’accès au site internet',
      required: true,
      engagements: [3],
      criterion: { key: 'website_access', label: 'Facilité d’accès au site internet' },
      showIf: { question: 'website_used', answer: 'yes' },
    },
    { key: 'comment', type: 'comment', label: 'Votre commentaire', maxLength: 500 },
  ],
});

export interface SeededSurvey {
  campaignId: string;
  points: Record<CollectionMode, { id: string; token: string }>;
}

export async function seedSurvey(
  ctx: AppContext,
  organisationId: string,
  options: { startsOn?: string; endsOn?: string; name?: string } = {},
): Promise<SeededSurvey> {
  const now = ctx.clock.now().toISOString();
  const questionnaireId = newId();
  await ctx.db
    .insertInto('survey_questionnaires')
    .values({
      id: questionnaireId,
      organisation_id: organisationId,
      template_key: null,
      title: TEST_QUESTIONNAIRE.title,
      surveyed_channel: 'physical_reception',
      definition_json: JSON.stringify(TEST_QUESTIONNAIRE),
      version: 1,
      previous_id: null,
      archived_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const campaignId = newId();
  await ctx.db
    .insertInto('survey_campaigns')
    .values({
      id: campaignId,
      organisation_id: organisationId,
      questionnaire_id: questionnaireId,
      name: options.name ?? 'Accueil physique — avril 2026',
      surveyed_channel: 'physical_reception',
      starts_on: options.startsOn ?? '2026-04-01',
      ends_on: options.endsOn ?? '2026-04-30',
      closed_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const points = {} as SeededSurvey['points'];
  const labels: Record<CollectionMode, string> = {
    kiosk: 'Borne accueil général',
    qr: 'Affiche QR salle d’attente',
    paper: 'Formulaires papier',
    phone: 'Standard téléphonique',
  };
  for (const mode of ['kiosk', 'qr', 'paper', 'phone'] as const) {
    const point = { id: newId(), token: randomToken(18) };
    await ctx.db
      .insertInto('survey_collection_points')
      .values({
        id: point.id,
        organisation_id: organisationId,
        campaign_id: campaignId,
        label: labels[mode],
        mode,
        public_token: point.token,
        archived_at: null,
        created_at: now,
      })
      .execute();
    points[mode] = point;
  }
  return { campaignId, points };
}
