import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { chainParamsSchema } from '../chains/chains.schemas.ts';
import {
  chainPlanSchema,
  decisionInputSchema,
  decisionResultSchema,
  jobSchema,
  reviewPageSchema,
  reviewQuerySchema,
  runInputSchema,
  targetsQuerySchema,
  targetsResponseSchema,
} from './attach.schemas.ts';
import { decideReview, getAttachRun, getReviewQueue, listAttachRuns, startAttachRun } from './attach.usecases.ts';
import { getChainPlan, getEntryTargets, getNodeTargets } from './attach.targets.ts';

const id = z.coerce.number().int().positive();

export function registerAttachRoutes(app: App, deps: ServerDeps) {
  const tags = ['attach'];
  app.post(
    '/api/attach/runs',
    {
      schema: {
        tags,
        summary: '启动自动挂链（后台运行，返回任务；官员、管理员）/ Start a bulk attachment run in the background',
        body: runInputSchema,
        response: { 202: jobSchema },
      },
    },
    async (req, reply) => reply.status(202).send(await startAttachRun(deps, req.actor, req.body)),
  );
  app.get(
    '/api/attach/runs',
    { schema: { tags, summary: '最近的自动挂链任务 / Recent attachment runs', querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }), response: { 200: z.array(jobSchema) } } },
    async (req) => listAttachRuns(deps, req.actor, req.query.limit),
  );
  app.get(
    '/api/attach/runs/:id',
    { schema: { tags, summary: '自动挂链任务进度 / Progress and result of a run', params: z.object({ id }), response: { 200: jobSchema } } },
    async (req) => getAttachRun(deps, req.actor, req.params.id),
  );
  app.get(
    '/api/attach/review',
    {
      schema: {
        tags,
        summary: '挂链审核队列（待审核的建议，附证据）/ Review queue of suggested attachments, with evidence',
        querystring: reviewQuerySchema,
        response: { 200: reviewPageSchema },
      },
    },
    async (req) => getReviewQueue(deps, req.actor, req.query),
  );
  app.post(
    '/api/attach/review/decisions',
    {
      schema: {
        tags,
        summary: '批量审核：接受、拒绝或移到其他节点（全部成功或全部不写入）/ Accept, reject or move suggestions in bulk (all or nothing)',
        body: decisionInputSchema,
        response: { 200: decisionResultSchema },
      },
    },
    async (req) => decideReview(deps, req.actor, req.body),
  );
  app.get(
    '/api/nodes/:id/targets',
    {
      schema: {
        tags,
        summary: '节点的招商线索：京津冀以外的匹配企业，附理由 / Investment targets for a node: organisations outside 京津冀, with reasons',
        params: z.object({ id }),
        querystring: targetsQuerySchema,
        response: { 200: targetsResponseSchema },
      },
    },
    async (req) => getNodeTargets(deps, req.actor, req.params.id, { limit: req.query.limit }),
  );
  app.get(
    '/api/list-entries/:id/targets',
    {
      schema: {
        tags,
        summary: '堵点条目的招商线索（标出已列为招商目标的企业）/ Investment targets for a 堵点 entry',
        params: z.object({ id }),
        querystring: targetsQuerySchema,
        response: { 200: targetsResponseSchema },
      },
    },
    async (req) => getEntryTargets(deps, req.actor, req.params.id, { limit: req.query.limit }),
  );
  app.get(
    '/api/chains/:chainId/plan',
    {
      schema: {
        tags,
        summary: '一链一策：堵点、招商目标与产业布局重点区域 / The chain plan: 堵点 with targets and key regions',
        params: chainParamsSchema,
        response: { 200: chainPlanSchema },
      },
    },
    async (req) => getChainPlan(deps, req.actor, req.params.chainId),
  );
}
