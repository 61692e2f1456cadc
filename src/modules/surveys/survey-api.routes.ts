import type { FastifyInstance } from 'fastify';
import { organisationIdOf } from '../../http/access.ts';
import type { AppContext } from '../../shared/context.ts';
import { COLLECTION_MODES } from './collection-mode.ts';
import { SURVEYED_CHANNELS } from './questionnaire.ts';
import { apiCampaignResults, apiCampaigns, apiChannelResults } from './survey-api.service.ts';

/**
 * API JSON des enquêtes, en lecture seule (jeton d'API ou session) : mêmes rôles que la page des résultats.
 * Une organisation ne lit que ses campagnes : l'organisation vient toujours du compte, jamais de la requête.
 */
const RESULT_READERS = { access: ['admin', 'agent', 'auditor', 'clu_member'] } as const;

const TAGS = ['Enquêtes'];
const SECURITY = [{ bearer: [] }];

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;

const periodParams = {
  from: { ...text, description: 'Début de la période, date locale AAAA-MM-JJ incluse' },
  to: { ...text, description: 'Fin de la période, date locale AAAA-MM-JJ incluse' },
} as const;

const channelParam = { ...text, description: `Canal enquêté : ${SURVEYED_CHANNELS.join(', ')}` } as const;
const modeParam = { ...text, description: `Mode de collecte : ${COLLECTION_MODES.join(', ')}` } as const;

/** Un taux : numérateur, dénominateur (réponses exprimées), proportion, intervalle de Wilson à 95 %, « indicatif ». */
const estimateProperties = {
  status: { type: 'string', enum: ['measured', 'not_applicable'], description: '`not_applicable` : aucune réponse exprimée' },
  numerator: { type: 'integer', description: 'Très satisfaisant + Satisfaisant (ou Oui)' },
  denominator: { type: 'integer', description: 'Réponses exprimées (« Sans avis » et questions vides exclus)' },
  rate: { type: ['number', 'null'], description: 'Proportion dans [0, 1], non arrondie ; null sans réponse exprimée' },
  interval: {
    type: ['object', 'null'],
    description: 'Intervalle de Wilson à 95 %',
    properties: { lower: { type: 'number' }, upper: { type: 'number' } },
  },
  indicative: { type: 'boolean', description: 'Indicatif : moins de 30 réponses exprimées' },
} as const;

const estimateSchema = { type: 'object', properties: estimateProperties } as const;

const criterionCounts = {
  noOpinion: { type: 'integer', description: 'Réponses « Sans avis »' },
  noAnswer: { type: 'integer', description: 'Questions posées laissées vides' },
} as const;

const campaignSummarySchema = {
  type: 'object',
  properties: {
    id: text,
    name: text,
    surveyedChannel: text,
    startsOn: { type: 'string', format: 'date' },
    endsOn: { type: 'string', format: 'date' },
    closedAt: nullableText,
    status: { type: 'string', enum: ['upcoming', 'open', 'finished', 'closed'] },
    questionnaire: { type: 'object', properties: { id: text, title: text, version: { type: 'integer' } } },
    responses: { type: 'integer', description: 'Réponses reçues (signalées comprises)' },
  },
} as const;

export function surveyApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/surveys/campaigns',
    {
      config: RESULT_READERS,
      schema: {
        tags: TAGS,
        summary: 'Campagnes d’enquête de votre organisation, par canal enquêté et période',
        security: SECURITY,
        querystring: { type: 'object', properties: { channel: channelParam, ...periodParams } },
        response: { 200: { type: 'object', properties: { campaigns: { type: 'array', items: campaignSummarySchema } } } },
      },
    },
    async (request) => apiCampaigns(ctx, organisationIdOf(request), request.query),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/surveys/campaigns/:id/results',
    {
      config: RESULT_READERS,
      schema: {
        tags: TAGS,
        summary: 'Résultats d’une campagne par critère (taux, n, intervalle de Wilson, indicatif)',
        security: SECURITY,
        params: { type: 'object', properties: { id: text }, required: ['id'] },
        querystring: {
          type: 'object',
          properties: {
            mode: modeParam,
            point: { ...text, description: 'Identifiant d’un point de collecte de la campagne (ou `mode`)' },
            ...periodParams,
            includeFlagged: { ...text, description: '`true` : compter aussi les réponses signalées (exclues par défaut)' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              campaign: {
                type: 'object',
                properties: {
                  id: text,
                  name: text,
                  surveyedChannel: text,
                  startsOn: { type: 'string', format: 'date' },
                  endsOn: { type: 'string', format: 'date' },
                  closedAt: nullableText,
                  questionnaireId: text,
                },
              },
              filter: {
                type: 'object',
                properties: {
                  mode: nullableText,
                  point: nullableText,
                  from: nullableText,
                  to: nullableText,
                  includeFlagged: { type: 'boolean' },
                },
              },
              responses: { type: 'integer', description: 'Réponses retenues par le filtre' },
              flaggedResponses: { type: 'integer', description: 'Réponses signalées du même périmètre' },
              criteria: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: text,
                    label: text,
                    questionKey: text,
                    questionType: { type: 'string', enum: ['satisfaction_4', 'yes_no'] },
                    engagements: { type: 'array', items: { type: 'integer' } },
                    ...estimateProperties,
                    ...criterionCounts,
                  },
                },
              },
              global: {
                type: 'object',
                properties: {
                  pooled: estimateSchema,
                  meanOfCriterionRates: {
                    type: 'object',
                    properties: {
                      status: text,
                      value: { type: ['number', 'null'] },
                      criteriaMeasured: { type: 'integer' },
                    },
                  },
                },
              },
              collectionPoints: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: text, label: text, mode: text, archived: { type: 'boolean' } },
                },
              },
            },
          },
        },
      },
    },
    async (request) => apiCampaignResults(ctx, organisationIdOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/surveys/results',
    {
      config: RESULT_READERS,
      schema: {
        tags: TAGS,
        summary: 'Résultats d’un canal enquêté sur une période, toutes campagnes additionnées, par critère',
        security: SECURITY,
        querystring: {
          type: 'object',
          properties: {
            channel: { ...channelParam, description: `${channelParam.description} (obligatoire)` },
            mode: modeParam,
            ...periodParams,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              filter: {
                type: 'object',
                properties: { channel: text, mode: nullableText, from: nullableText, to: nullableText },
              },
              campaigns: { type: 'array', items: text, description: 'Campagnes additionnées' },
              responses: { type: 'integer' },
              criteria: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: text,
                    label: text,
                    campaigns: { type: 'integer', description: 'Campagnes qui mesurent ce critère' },
                    ...estimateProperties,
                    ...criterionCounts,
                  },
                },
              },
              pooled: estimateSchema,
            },
          },
        },
      },
    },
    async (request) => apiChannelResults(ctx, organisationIdOf(request), request.query),
  );
}
