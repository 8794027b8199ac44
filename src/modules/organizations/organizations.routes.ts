import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import {
  organizationInputSchema,
  organizationListQuerySchema,
  organizationListSchema,
  organizationPatchSchema,
  organizationSchema,
  organizationStatsSchema,
} from './organizations.schemas.ts';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  organizationStats,
  updateOrganization,
} from './organizations.usecases.ts';
import { requireActor } from '../accounts/actor.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });

export function registerOrganizationRoutes(app: App, deps: ServerDeps) {
  app.get(
    '/api/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: '搜索机构 / Search organisations (Chinese name or product words; filters)',
        querystring: organizationListQuerySchema,
        response: { 200: organizationListSchema },
      },
    },
    async (req) => listOrganizations(deps, req.actor, req.query),
  );
  app.get(
    '/api/organizations/stats',
    { schema: { tags: ['organizations'], summary: '按地区、类型统计 / Counts by region and kind', response: { 200: organizationStatsSchema } } },
    async (req) => {
      requireActor(req.actor);
      return organizationStats(deps);
    },
  );
  app.get(
    '/api/organizations/:id',
    { schema: { tags: ['organizations'], summary: '机构详情 / Organisation', params: idParams, response: { 200: organizationSchema } } },
    async (req) => getOrganization(deps, req.actor, req.params.id),
  );
  app.post(
    '/api/organizations',
    { schema: { tags: ['organizations'], summary: '新建机构 / Create organisation', body: organizationInputSchema, response: { 201: organizationSchema } } },
    async (req, reply) => reply.status(201).send(await createOrganization(deps, req.actor, req.body)),
  );
  app.patch(
    '/api/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: '修改机构 / Update organisation',
        params: idParams,
        body: organizationPatchSchema,
        response: { 200: organizationSchema },
      },
    },
    async (req) => updateOrganization(deps, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/api/organizations/:id',
    { schema: { tags: ['organizations'], summary: '删除机构 / Delete organisation', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await deleteOrganization(deps, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
