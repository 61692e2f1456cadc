import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS } from '../modules/accounts/roles.ts';
import { organisationBrand } from '../modules/organisations/organisation.service.ts';
import type { SafeHtml } from '../ui/html.ts';
import { type Flash, type NavItem, page } from '../ui/layout.ts';
import { navigationFor } from '../ui/navigation.ts';

const FLASH_COOKIE = 'vigie_flash';

export interface RenderOptions {
  title: string;
  content: SafeHtml;
  breadcrumb?: NavItem[];
  status?: number;
  refreshSeconds?: number;
}

/** Message affiché une fois, après une redirection (« Compte créé », « Périmètre enregistré »…). */
export function setFlash(reply: FastifyReply, flash: Flash): void {
  reply.setCookie(FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 60,
  });
}

function takeFlash(request: FastifyRequest, reply: FastifyReply): Flash | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Flash;
    if (['success', 'info', 'warning', 'error'].includes(value.type) && typeof value.message === 'string') return value;
  } catch {
    // Un cookie illisible est simplement ignoré.
  }
  return undefined;
}

export function redirectWithFlash(reply: FastifyReply, location: string, flash: Flash) {
  setFlash(reply, flash);
  return reply.redirect(location, 303);
}

export function renderPage(request: FastifyRequest, reply: FastifyReply, options: RenderOptions) {
  const viewer = request.viewer;
  const organisation = viewer?.organisation;
  const autoRefresh = Boolean(options.refreshSeconds) && (request.query as { auto?: string } | undefined)?.auto !== '0';
  const body = page({
    title: options.title,
    brand: organisation ? organisationBrand({ department_code: organisation.departmentCode }) : 'République française',
    organisationName: organisation?.name,
    isDemo: organisation?.isDemo,
    viewer:
      viewer && viewer.via === 'session' && viewer.csrfToken
        ? { displayName: viewer.displayName, roleLabel: ROLE_LABELS[viewer.role], csrfToken: viewer.csrfToken }
        : undefined,
    nav: navigationFor(viewer?.role),
    currentPath: request.url.split('?')[0] ?? '/',
    flash: takeFlash(request, reply),
    breadcrumb: options.breadcrumb,
    content: options.content,
    refreshSeconds: autoRefresh ? options.refreshSeconds : undefined,
  });
  if (autoRefresh) reply.header('Refresh', String(options.refreshSeconds));
  return reply
    .status(options.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(body);
}
