import type { FastifyInstance, FastifyRequest } from 'fastify';
import { viewerOf } from '../../http/access.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError } from '../../shared/errors.ts';
import { computeDelay, computeDueDate, listHolidays } from './calendar.service.ts';

/**
 * API JSON du calendrier des jours ouvrés : échéance, délai d'une réponse, jours fériés d'une année,
 * pour un département ou pour une organisation (dont les jours de fermeture comptent alors).
 *
 * La validation est celle du service (schémas zod, messages français par champ) : le schéma OpenAPI
 * ne fait que décrire les paramètres, tous des chaînes, aucun imposé.
 */

const AUTHENTICATED = { access: 'authenticated' } as const;

/** Chaîne libre : la validation fine est celle du service. */
const text = { type: 'string' } as const;

const targetParams = {
  department: { ...text, description: 'Code du département (63, 67, 2A, 971…) ; ou `org`' },
  org: { ...text, description: 'Identifiant court de votre organisation (ses jours de fermeture comptent) ; ou `department`' },
} as const;

const momentDescription = 'Date AAAA-MM-JJ ou horodatage ISO 8601 (converti en date locale du département)';

const holidaySchema = {
  type: 'object',
  properties: { date: { type: 'string', format: 'date' }, name: { type: 'string' } },
} as const;

/**
 * Paramètres de la requête : une valeur vide vaut absence (`workingDays=` ne devient pas 0), et
 * département et organisation s'excluent.
 */
function queryOf(request: FastifyRequest): Record<string, string> {
  const query = Object.fromEntries(
    Object.entries((request.query ?? {}) as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '',
    ),
  );
  if (query.department !== undefined && query.org !== undefined) {
    throw new AppError('validation_failed', { org: 'Indiquez un département ou une organisation, pas les deux.' });
  }
  return query;
}

/** Un compte ne lit que sa propre organisation ; le niveau national les lit toutes. */
function allowedOrganisationOf(request: FastifyRequest): string | null {
  const viewer = viewerOf(request);
  if (viewer.role === 'national') return null;
  // Un rôle d'organisation a toujours une organisation ; à défaut, aucune n'est lisible.
  return viewer.organisationId ?? '';
}

export function calendarApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/calendar/due',
    {
      config: AUTHENTICATED,
      schema: {
        tags: ['Calendrier'],
        summary: 'Échéance : le N-ième jour ouvré après la réception (N = 0 : la réception elle-même)',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: {
            ...targetParams,
            received: { ...text, description: `Réception : ${momentDescription}` },
            workingDays: { ...text, description: 'Nombre de jours ouvrés, entier de 0 à 365' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              department: { type: 'string' },
              calendar: { type: 'string' },
              receivedLocalDate: { type: 'string', format: 'date' },
              workingDays: { type: 'integer' },
              dueDate: { type: 'string', format: 'date' },
              organisation: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => computeDueDate(ctx, queryOf(request), allowedOrganisationOf(request)),
  );

  app.get(
    '/api/v1/calendar/delay',
    {
      config: AUTHENTICATED,
      schema: {
        tags: ['Calendrier'],
        summary: 'Délai d’une réponse en jours ouvrés (réception < jour ≤ réponse)',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: {
            ...targetParams,
            received: { ...text, description: `Réception : ${momentDescription}` },
            answered: { ...text, description: `Réponse : ${momentDescription}` },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              department: { type: 'string' },
              calendar: { type: 'string' },
              receivedLocalDate: { type: 'string', format: 'date' },
              answeredLocalDate: { type: 'string', format: 'date' },
              delay: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request) => computeDelay(ctx, queryOf(request), allowedOrganisationOf(request)),
  );

  app.get(
    '/api/v1/calendar/holidays',
    {
      config: AUTHENTICATED,
      schema: {
        tags: ['Calendrier'],
        summary: 'Jours fériés légaux d’une année selon le calendrier du département',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: { ...targetParams, year: { ...text, description: 'Année, de 2000 à 2100' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              department: { type: 'string' },
              calendar: { type: 'string' },
              year: { type: 'integer' },
              holidays: { type: 'array', items: holidaySchema },
            },
          },
        },
      },
    },
    async (request) => listHolidays(ctx, queryOf(request), allowedOrganisationOf(request)),
  );
}
