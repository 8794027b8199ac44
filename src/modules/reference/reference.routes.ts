import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { createReferenceRepository, REFERENCE_DIR } from './reference.repository.ts';
import { divisionQuerySchema, divisionSchema, geoLevelSchema, industryQuerySchema, industrySchema } from './reference.schemas.ts';

export function registerReferenceRoutes(app: App, deps: ServerDeps) {
  const repo = createReferenceRepository(deps.db);
  app.get(
    '/api/reference/divisions',
    { schema: { tags: ['reference'], summary: '行政区划 (GB/T 2260) / Divisions', querystring: divisionQuerySchema, response: { 200: z.array(divisionSchema) } } },
    async (req) => repo.listDivisions(req.query),
  );
  app.get(
    '/api/reference/industries',
    { schema: { tags: ['reference'], summary: '国民经济行业分类 (GB/T 4754-2017) / Industries', querystring: industryQuerySchema, response: { 200: z.array(industrySchema) } } },
    async (req) => repo.listIndustries(req.query),
  );
  const geoCache = new Map<string, string>();
  app.get(
    '/api/reference/geo/:level',
    { schema: { tags: ['reference'], summary: '京津冀地图 TopoJSON / Map of the region (TopoJSON)', params: z.object({ level: geoLevelSchema }) } },
    async (req, reply) => {
      const file = `jjj-${req.params.level}.topo.json`;
      let body = geoCache.get(file);
      if (!body) {
        body = readFileSync(join(REFERENCE_DIR, 'geo', file), 'utf8');
        geoCache.set(file, body);
      }
      reply.header('cache-control', 'public, max-age=86400').type('application/json');
      return reply.send(body);
    },
  );
}
