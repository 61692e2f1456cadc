/**
 * Bornes d'enquête : appairage (référent qualité, puis tablette), page de la borne, fichiers statiques
 * (script, feuille de style, service worker) et réception des réponses en JSON.
 *
 * CSRF de `POST /borne/reponses` (JSON envoyé par le script de la borne, y compris longtemps après, depuis
 * sa file hors connexion) :
 * - le contrôle commun s'applique : en-tête `X-CSRF-Token` égal au cookie CSRF anonyme (ou au jeton de la
 *   session). Un en-tête personnalisé ne peut pas être envoyé d'une autre origine sans pré-vérification CORS,
 *   que Vigie n'accorde jamais ; si le cookie a disparu (navigateur redémarré hors connexion), le script
 *   redemande un jeton (`GET /borne/jeton`) puis renvoie ;
 * - en plus, la route exige l'origine identique : `Sec-Fetch-Site: same-origin` quand le navigateur l'envoie,
 *   et un en-tête `Origin` (toujours envoyé par `fetch` en POST) égal à celui du serveur ;
 * - le cookie de l'appareil est `SameSite=Strict`, limité à `/borne` et `HttpOnly`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationIdOf, publicCsrfToken, viewerOf } from '../../http/access.ts';
import { formBody, text } from '../../http/forms.ts';
import { redirectWithFlash, renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { AppError, isAppError } from '../../shared/errors.ts';
import { actorOf } from '../accounts/viewer.ts';
import { organisationTimeZone } from './campaign.service.ts';
import {
  createPairingCode,
  formatPairingCode,
  KIOSK_COOKIE_MAX_AGE_S,
  type KioskSession,
  kioskSession,
  listKioskDevices,
  pairKiosk,
  revokeKioskDevice,
  submitKioskResponse,
} from './kiosk.service.ts';
import { availability } from './response.service.ts';
import {
  KIOSK_PAGE_PATH,
  KIOSK_PAIRING_PATH,
  type KioskAssets,
  kioskAdminView,
  kioskConfig,
  kioskDocument,
  kioskMessageView,
  kioskPairingView,
  kioskQuestionnaireView,
} from './views/kiosk.view.ts';

export const KIOSK_COOKIE = 'vigie_borne';
/** Saisies du code d'appairage par adresse : un code de 8 caractères ne se devine pas à ce rythme. */
export const KIOSK_PAIRING_RATE_LIMIT = { max: 10, timeWindow: '15 minutes' } as const;
/** Une réponse de borne pèse moins de 2 Ko ; un commentaire de 5 000 caractères accentués tient dans 16 Ko. */
export const KIOSK_RESPONSE_BODY_LIMIT = 16 * 1024;

const PUBLIC = { access: 'public' } as const;
const ADMIN = { access: ['admin'] } as const;
const PAIRING_BANNER = 'Borne d’enquête de satisfaction';

const REVOKED_NOTICE = {
  title: 'Cette borne a été retirée',
  message:
    'Le référent qualité a révoqué cette borne : elle n’enregistre plus de réponses. Pour la remettre en service, saisissez un nouveau code d’appairage.',
};

type WithPoint = { Params: { id: string; pointId: string } };

function readStatic(name: string): Buffer {
  return readFileSync(new URL(`./static/${name}`, import.meta.url));
}

function version(...parts: Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 12);
}

export function kioskRoutes(app: FastifyInstance, ctx: AppContext): void {
  const secure = ctx.config.secureCookies;
  const js = readStatic('borne.js');
  const css = readStatic('borne.css');
  const assetsVersion = version(js, css);
  const assets: KioskAssets = {
    coreCss: '/dsfr/core/core.min.css',
    css: `/borne/borne.css?v=${assetsVersion}`,
    js: `/borne/borne.js?v=${assetsVersion}`,
  };
  // Le service worker porte la version des fichiers : changer le script ou le style renouvelle son cache.
  const serviceWorker = readStatic('sw.js')
    .toString('utf8')
    .replace('__VERSION__', assetsVersion)
    .replace('__ASSETS__', JSON.stringify([KIOSK_PAGE_PATH, assets.coreCss, assets.css, assets.js]));

  function csrfFor(request: FastifyRequest, reply: FastifyReply): string {
    return request.viewer?.csrfToken ?? publicCsrfToken(request, reply, secure);
  }

  function sendKiosk(reply: FastifyReply, status: number, document: string) {
    return reply.status(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(document);
  }

  function pairingPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    form: Omit<Parameters<typeof kioskPairingView>[0], 'csrfToken'> = {},
  ) {
    return sendKiosk(
      reply,
      status,
      kioskDocument({
        title: 'Appairer la borne',
        organisationName: PAIRING_BANNER,
        assets,
        content: kioskPairingView({ ...form, csrfToken: csrfFor(request, reply) }),
      }),
    );
  }

  function setDeviceCookie(reply: FastifyReply, token: string) {
    reply.setCookie(KIOSK_COOKIE, token, {
      path: '/borne',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: KIOSK_COOKIE_MAX_AGE_S,
    });
  }

  /** La borne de la requête ; sinon rend la réponse adaptée (appairage, borne révoquée). */
  async function sessionOrPairing(request: FastifyRequest, reply: FastifyReply): Promise<KioskSession | undefined> {
    try {
      return await kioskSession(ctx, request.cookies[KIOSK_COOKIE]);
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'kiosk_revoked') {
        reply.clearCookie(KIOSK_COOKIE, { path: '/borne' });
        await pairingPage(request, reply, 403, { notice: REVOKED_NOTICE });
        return undefined;
      }
      if (error.code === 'kiosk_not_paired' || error.code === 'survey_link_unknown') {
        reply.clearCookie(KIOSK_COOKIE, { path: '/borne' });
        await reply.redirect(KIOSK_PAIRING_PATH, 303);
        return undefined;
      }
      throw error;
    }
  }

  // ——— Fichiers de la borne (même origine : la CSP n'admet que les scripts de Vigie) ———

  app.get('/borne/borne.js', { config: PUBLIC }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=86400').send(js),
  );
  app.get('/borne/borne.css', { config: PUBLIC }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=86400').send(css),
  );
  // À la racine de la portée `/borne/` ; toujours revalidé, pour que les mises à jour arrivent.
  app.get('/borne/sw.js', { config: PUBLIC }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(serviceWorker),
  );

  // ——— Tablette ———

  app.get(KIOSK_PAIRING_PATH, { config: PUBLIC }, async (request, reply) => {
    const token = request.cookies[KIOSK_COOKIE];
    if (token) {
      try {
        await kioskSession(ctx, token);
        return reply.redirect(KIOSK_PAGE_PATH, 303);
      } catch (error) {
        if (!isAppError(error)) throw error;
        reply.clearCookie(KIOSK_COOKIE, { path: '/borne' });
        if (error.code === 'kiosk_revoked') return pairingPage(request, reply, 200, { notice: REVOKED_NOTICE });
      }
    }
    return pairingPage(request, reply, 200);
  });

  app.post(
    KIOSK_PAIRING_PATH,
    { config: { access: 'public', rateLimit: { ...KIOSK_PAIRING_RATE_LIMIT } } },
    async (request, reply) => {
      const body = formBody(request.body);
      const values = { code: text(body, 'code') ?? '', label: text(body, 'label') ?? '' };
      try {
        const { token, device } = await pairKiosk(ctx, values);
        request.log.info({ device: device.id, point: device.collection_point_id }, 'borne appairée');
        setDeviceCookie(reply, token);
        return reply.redirect(KIOSK_PAGE_PATH, 303);
      } catch (error) {
        if (!isAppError(error) || error.status >= 500) throw error;
        request.log.info({ code: error.code }, 'borne : appairage refusé');
        return pairingPage(request, reply, 400, {
          values,
          error: error.message,
          fields: Object.keys(error.fields).length > 0 ? error.fields : { code: error.message },
        });
      }
    },
  );

  app.get(KIOSK_PAGE_PATH, { config: PUBLIC }, async (request, reply) => {
    const session = await sessionOrPairing(request, reply);
    if (!session) return reply;
    const { point } = session;
    const organisationName = point.target.organisation_name;
    const state = availability(point, ctx.clock.now());
    if (state !== 'open') {
      const message =
        state === 'closed'
          ? { title: 'Cette enquête est terminée', message: 'Merci de l’intérêt que vous portez à la qualité de notre accueil.' }
          : { title: 'Cette enquête n’a pas encore commencé', message: 'Elle s’ouvrira bientôt. Merci de votre intérêt.' };
      return sendKiosk(
        reply,
        200,
        kioskDocument({ title: message.title, organisationName, assets, content: kioskMessageView(message) }),
      );
    }
    // Cookie glissant : une borne en service ne perd jamais son appairage par expiration.
    setDeviceCookie(reply, request.cookies[KIOSK_COOKIE] ?? '');
    const config = kioskConfig(point.questionnaire, {
      csrfToken: csrfFor(request, reply),
      submitUrl: '/borne/reponses',
      tokenUrl: '/borne/jeton',
      pairingUrl: KIOSK_PAIRING_PATH,
      idleSeconds: 90,
      thanksSeconds: 8,
      retrySeconds: 15,
    });
    return sendKiosk(
      reply,
      200,
      kioskDocument({
        title: point.questionnaire.title,
        organisationName,
        assets,
        content: kioskQuestionnaireView({ title: point.questionnaire.title }),
        config,
        script: true,
      }),
    );
  });

  /** Nouveau jeton CSRF pour la file de la borne (cookie CSRF perdu au redémarrage du navigateur). */
  app.get('/borne/jeton', { config: PUBLIC }, async (request, reply) =>
    reply.header('Cache-Control', 'no-store').send({ csrfToken: csrfFor(request, reply) }),
  );

  app.post('/borne/reponses', { bodyLimit: KIOSK_RESPONSE_BODY_LIMIT, config: PUBLIC }, async (request, reply) => {
    try {
      assertSameOrigin(request);
      const result = await submitKioskResponse(ctx, request.cookies[KIOSK_COOKIE], request.body);
      return reply
        .status(result.status === 'created' ? 201 : 200)
        .send({ status: result.status, responseId: result.responseId, flagged: result.flaggedReason !== null });
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      request.log.info({ code: error.code }, 'borne : réponse refusée');
      if (error.code === 'kiosk_revoked' || error.code === 'kiosk_not_paired')
        reply.clearCookie(KIOSK_COOKIE, { path: '/borne' });
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, fields: error.fields } });
    }
  });

  // ——— Référent qualité : bornes d'un point de collecte ———

  async function adminPage(
    request: FastifyRequest<WithPoint>,
    reply: FastifyReply,
    newCode?: { code: string; expiresAt: string },
  ) {
    const organisationId = organisationIdOf(request);
    const { campaign, point, devices } = await listKioskDevices(ctx, organisationId, request.params.id, request.params.pointId);
    return renderPage(request, reply, {
      title: `Bornes — ${point.label}`,
      breadcrumb: [
        { label: 'Enquêtes', href: '/enquetes' },
        { label: campaign.name, href: `/enquetes/campagnes/${campaign.id}` },
      ],
      content: kioskAdminView({
        campaignId: campaign.id,
        campaignName: campaign.name,
        pointId: point.id,
        pointLabel: point.label,
        pointArchived: point.archived_at !== null,
        devices,
        csrfToken: viewerOf(request).csrfToken ?? '',
        timeZone: await organisationTimeZone(ctx, organisationId),
        pairingUrl: `${ctx.config.publicUrl}${KIOSK_PAIRING_PATH}`,
        ...(newCode ? { newCode } : {}),
      }),
    });
  }

  app.get<WithPoint>('/enquetes/campagnes/:id/points/:pointId/borne', { config: ADMIN }, async (request, reply) =>
    adminPage(request, reply),
  );

  app.post<WithPoint>('/enquetes/campagnes/:id/points/:pointId/borne/code', { config: ADMIN }, async (request, reply) => {
    const { code, expiresAt } = await createPairingCode(
      ctx,
      organisationIdOf(request),
      request.params.id,
      request.params.pointId,
      actorOf(viewerOf(request)),
    );
    // Affiché une seule fois, dans la réponse même (jamais dans une adresse ni un message flash).
    return adminPage(request, reply, { code: formatPairingCode(code), expiresAt });
  });

  app.post<{ Params: { id: string; pointId: string; deviceId: string } }>(
    '/enquetes/campagnes/:id/points/:pointId/borne/:deviceId/revoquer',
    { config: ADMIN },
    async (request, reply) => {
      const { id, pointId, deviceId } = request.params;
      const device = await revokeKioskDevice(ctx, organisationIdOf(request), id, pointId, deviceId, actorOf(viewerOf(request)));
      return redirectWithFlash(reply, `/enquetes/campagnes/${id}/points/${pointId}/borne`, {
        type: 'success',
        message: `Borne « ${device.label} » révoquée : elle n’enregistre plus de réponses.`,
      });
    },
  );
}

/** Origine identique exigée pour l'envoi JSON (voir l'en-tête du fichier). */
function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin') throw new AppError('csrf_invalid');
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin !== `${request.protocol}://${request.host}`) throw new AppError('csrf_invalid');
}
