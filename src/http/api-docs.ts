import type { FastifyInstance } from 'fastify';
import { html } from '../ui/html.ts';
import { renderPage } from './render.ts';

interface OpenApiOperation {
  summary?: string;
  tags?: string[];
}

/** Documentation de l'API : la description OpenAPI brute, et sa lecture en page DSFR accessible. */
export function apiDocsRoutes(app: FastifyInstance): void {
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const spec = app.swagger() as {
      info: { title: string; version: string };
      paths?: Record<string, Record<string, OpenApiOperation>>;
    };
    const operations = Object.entries(spec.paths ?? {}).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
    );
    return renderPage(request, reply, {
      title: 'API',
      content: html`<h1>API JSON de Vigie</h1>
<p>L’API se trouve sous <code>/api/v1</code>. Chaque appel s’authentifie avec un jeton personnel, créé depuis la page <a href="/compte#jetons">Mon compte</a>, dans l’en-tête <code>Authorization: Bearer vigie_…</code>. Un jeton donne exactement les droits de son titulaire dans son organisation.</p>
<p>Description OpenAPI 3 complète : <a href="/api/openapi.json">/api/openapi.json</a> (version ${spec.info.version}).</p>
<p>Les erreurs ont toujours la forme <code>{ "error": { "code": "…", "message": "…", "fields": { … } } }</code> : un code anglais stable et un message en français.</p>
<div class="fr-table"><div class="fr-table__wrapper"><div class="fr-table__container" tabindex="0"><div class="fr-table__content"><table>
<caption>Opérations disponibles</caption>
<thead><tr><th scope="col">Méthode</th><th scope="col">Chemin</th><th scope="col">Rubrique</th><th scope="col">Description</th></tr></thead>
<tbody>${operations.map((o) => html`<tr><td><code>${o.method}</code></td><td><code>${o.path}</code></td><td>${o.operation.tags?.join(', ') ?? ''}</td><td>${o.operation.summary ?? ''}</td></tr>`)}</tbody>
</table></div></div></div></div>`,
    });
  });
}
