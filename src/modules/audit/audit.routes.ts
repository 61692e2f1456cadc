import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { organisationIdOf } from '../../http/access.ts';
import { renderPage } from '../../http/render.ts';
import type { AppContext } from '../../shared/context.ts';
import { validate } from '../../shared/validation.ts';
import { countAuditEvents, listAuditEvents } from './audit.repository.ts';
import { journalView } from './views/journal.view.ts';

const PAGE_SIZE = 50;
const querySchema = z.object({
  page: z.coerce.number({ error: 'Numéro de page invalide.' }).int().min(1).max(100_000).default(1),
});

export function auditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/admin/journal', { config: { access: ['admin', 'auditor'] } }, async (request, reply) => {
    const { page } = validate(querySchema, request.query);
    const organisationId = organisationIdOf(request);
    const total = await countAuditEvents(ctx.db, organisationId);
    const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const rows = await listAuditEvents(ctx.db, organisationId, PAGE_SIZE, (Math.min(page, pageCount) - 1) * PAGE_SIZE);
    return renderPage(request, reply, {
      title: 'Journal d’audit',
      content: journalView(rows, Math.min(page, pageCount), pageCount, total),
    });
  });
}
