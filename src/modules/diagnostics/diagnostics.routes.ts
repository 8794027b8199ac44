import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { chainParamsSchema } from '../chains/chains.schemas.ts';
import { resolveChainId } from '../chains/chains.usecases.ts';
import { chainDiagnosticsSchema, diagnosticRulesPatchSchema, nodeDiagnosticsSchema, rulesResponseSchema } from './diagnostics.schemas.ts';
import * as uc from './diagnostics.usecases.ts';

/**
 * The chain diagnostics of a large chain are a big, deeply nested object (500 nodes ≈ 1 MB) built by
 * typed code: validating it against the zod schema on every response cost more than computing it.
 * The schema still documents the route (OpenAPI); the body is serialised with JSON.stringify.
 */
const plainJson = () => (data: unknown) => JSON.stringify(data);


export function registerDiagnosticsRoutes(app: App, deps: ServerDeps) {
  const tags = ['diagnostics'];
  app.get(
    '/api/chains/:chainId/diagnostics',
    {
      schema: {
        tags,
        summary: '产业链诊断：每个节点在北京、天津、河北和京津冀合计的强/弱/缺失 / Chain diagnostics per node × region',
        params: chainParamsSchema,
        response: { 200: chainDiagnosticsSchema },
      },
      serializerCompiler: plainJson,
    },
    async (req) => uc.getChainDiagnostics(deps, req.actor, await resolveChainId(deps, req.params.chainId)),
  );
  app.get(
    '/api/chains/:chainId/diagnostics/rules',
    { schema: { tags, summary: '诊断规则（含默认值和文字说明）/ Diagnostic rules, defaults and explanation', params: chainParamsSchema, response: { 200: rulesResponseSchema } } },
    async (req) => uc.getDiagnosticRules(deps, req.actor, await resolveChainId(deps, req.params.chainId)),
  );
  app.put(
    '/api/chains/:chainId/diagnostics/rules',
    {
      schema: {
        tags,
        summary: '修改诊断规则（牵头地区官员或管理员；可只给出要改的部分，reset=true 恢复默认）/ Change the rules (owner region only; partial)',
        params: chainParamsSchema,
        body: diagnosticRulesPatchSchema,
        response: { 200: rulesResponseSchema },
      },
    },
    async (req) => uc.updateDiagnosticRules(deps, req.actor, await resolveChainId(deps, req.params.chainId), req.body),
  );
  app.get(
    '/api/nodes/:id/diagnostics',
    {
      schema: {
        tags,
        summary: '节点诊断面板：三地并列、机构及县区分布 / Node panel: three regions side by side, organisations and counties',
        params: z.object({ id: z.coerce.number().int().positive() }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500) }),
        response: { 200: nodeDiagnosticsSchema },
      },
    },
    async (req) => uc.getNodeDiagnostics(deps, req.actor, req.params.id, { limit: req.query.limit }),
  );
}
