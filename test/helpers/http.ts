import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/server.ts';
import type { AppContext } from '../../src/shared/context.ts';

/** Navigateur minimal pour `inject` : garde les cookies et lit le jeton CSRF des formulaires. */
export class TestBrowser {
  readonly app: FastifyInstance;
  readonly cookies = new Map<string, string>();

  constructor(app: FastifyInstance) {
    this.app = app;
  }

  #remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.value === '' || cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now());
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.#cookieHeader(), ...headers } });
    this.#remember(response);
    return response;
  }

  /** Envoie un formulaire ; `_csrf` est ajouté depuis la dernière page lue, sauf s'il est fourni. */
  async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.#cookieHeader(), ...headers },
    });
    this.#remember(response);
    return response;
  }

  /** Lit le jeton CSRF d'une page (champ caché `_csrf`). */
  async csrfFrom(url: string): Promise<string> {
    const page = await this.get(url);
    const match = page.body.match(/name="_csrf" value="([^"]+)"/);
    if (!match?.[1]) throw new Error(`Pas de jeton CSRF sur ${url} (statut ${page.statusCode})`);
    return match[1];
  }

  async login(email: string, password: string) {
    const csrf = await this.csrfFrom('/connexion');
    return this.post('/connexion', { _csrf: csrf, email, password });
  }
}

/** Un navigateur déjà connecté avec ce compte. */
export async function signedIn(app: FastifyInstance, email: string, password: string): Promise<TestBrowser> {
  const browser = new TestBrowser(app);
  await browser.login(email, password);
  return browser;
}

export async function testApp(ctx: AppContext): Promise<FastifyInstance> {
  return buildServer(ctx);
}

/** Corps multipart/form-data écrit à la main (champs texte puis un fichier). */
export function multipart(fields: Record<string, string>, file?: { filename: string; type: string; content: Buffer }) {
  const boundary = `----vigie-test-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
