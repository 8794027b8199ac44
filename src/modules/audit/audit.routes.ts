import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { requireActor } from '../accounts/actor.ts';
import { listAudit } from './audit.repository.ts';
import { auditEntrySchema, auditQuerySchema } from './audit.schemas.ts';

export function registerAuditRoutes(app: App, deps: ServerDeps) {
  app.get(
    '/api/audit',
    { schema: { tags: ['audit'], summary: '记录的修改历史 / Change history of a record', querystring: auditQuerySchema, response: { 200: z.array(auditEntrySchema) } } },
    async (req) => {
      requireActor(req.actor);
      return listAudit(deps.db, req.query.entityType, req.query.entityId, req.query.limit);
    },
  );
}
