import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import {
  chainDetailSchema,
  chainInputSchema,
  chainRowSchema,
  nodeRowSchema,
  segmentSchema,
  chainPatchSchema,
  chainSummarySchema,
  edgeInputSchema,
  edgeSchema,
  linkInputSchema,
  linkPatchSchema,
  nodeInputSchema,
  nodeOrganizationsSchema,
  nodePatchSchema,
  segmentInputSchema,
  segmentPatchSchema,
  chainParamsSchema,
} from './chains.schemas.ts';
import * as uc from './chains.usecases.ts';
import { exportChainWorkbook, importChainWorkbook } from './chains.io.ts';
import { requireActor } from '../accounts/actor.ts';
import { createError } from '../../errors.ts';

const id = z.coerce.number().int().positive();
const okSchema = z.object({ ok: z.literal(true) });

export function registerChainRoutes(app: App, deps: ServerDeps) {
  const tags = ['chains'];
  app.get('/api/chains', { schema: { tags, summary: '产业链列表 / Chains', response: { 200: z.array(chainSummarySchema) } } }, async (req) =>
    uc.listChains(deps, req.actor),
  );
  app.get(
    '/api/chains/:chainId',
    { schema: { tags, summary: '产业链图谱 / Chain map (segments, nodes, edges, counts)', params: chainParamsSchema, response: { 200: chainDetailSchema } } },
    async (req) => uc.getChainDetail(deps, req.actor, await uc.resolveChainId(deps, req.params.chainId)),
  );
  app.post('/api/chains', { schema: { tags, summary: '新建产业链 / Create chain', body: chainInputSchema, response: { 201: chainRowSchema } } }, async (req, reply) =>
    reply.status(201).send(await uc.createChain(deps, req.actor, req.body)),
  );
  app.patch('/api/chains/:chainId', { schema: { tags, summary: '修改产业链 / Update chain', params: chainParamsSchema, body: chainPatchSchema, response: { 200: chainRowSchema } } }, async (req) =>
    uc.updateChain(deps, req.actor, await uc.resolveChainId(deps, req.params.chainId), req.body),
  );
  app.delete('/api/chains/:chainId', { schema: { tags, summary: '删除产业链 / Delete chain', params: chainParamsSchema, response: { 204: z.null() } } }, async (req, reply) => {
    await uc.deleteChain(deps, req.actor, await uc.resolveChainId(deps, req.params.chainId));
    return reply.status(204).send(null);
  });

  app.post(
    '/api/chains/:chainId/segments',
    { schema: { tags, summary: '新增环节 / Add segment', params: chainParamsSchema, body: segmentInputSchema, response: { 201: segmentSchema } } },
    async (req, reply) => reply.status(201).send(await uc.createSegment(deps, req.actor, await uc.resolveChainId(deps, req.params.chainId), req.body)),
  );
  app.patch('/api/segments/:id', { schema: { tags, summary: '修改环节 / Update segment', params: z.object({ id }), body: segmentPatchSchema, response: { 200: segmentSchema } } }, async (req) =>
    uc.updateSegment(deps, req.actor, req.params.id, req.body),
  );
  app.delete('/api/segments/:id', { schema: { tags, summary: '删除环节 / Delete segment', params: z.object({ id }), response: { 204: z.null() } } }, async (req, reply) => {
    await uc.deleteSegment(deps, req.actor, req.params.id);
    return reply.status(204).send(null);
  });

  app.post(
    '/api/chains/:chainId/nodes',
    { schema: { tags, summary: '新增节点 / Add node', params: chainParamsSchema, body: nodeInputSchema, response: { 201: nodeRowSchema } } },
    async (req, reply) => reply.status(201).send(await uc.createNode(deps, req.actor, await uc.resolveChainId(deps, req.params.chainId), req.body)),
  );
  app.patch('/api/nodes/:id', { schema: { tags, summary: '修改、移动节点 / Rename or move node', params: z.object({ id }), body: nodePatchSchema, response: { 200: nodeRowSchema } } }, async (req) =>
    uc.updateNode(deps, req.actor, req.params.id, req.body),
  );
  app.delete('/api/nodes/:id', { schema: { tags, summary: '删除节点 / Delete node', params: z.object({ id }), response: { 204: z.null() } } }, async (req, reply) => {
    await uc.deleteNode(deps, req.actor, req.params.id);
    return reply.status(204).send(null);
  });
  app.get(
    '/api/nodes/:id/organizations',
    {
      schema: {
        tags,
        summary: '节点上的机构 / Organisations attached to a node',
        params: z.object({ id }),
        querystring: z.object({ includeReview: z.enum(['0', '1']).optional() }),
        response: { 200: nodeOrganizationsSchema },
      },
    },
    async (req) => uc.getNodeOrganizations(deps, req.actor, req.params.id, { includeReview: req.query.includeReview === '1' }),
  );

  app.post(
    '/api/chains/:chainId/edges',
    { schema: { tags, summary: '新增供应关系（保持无环）/ Add supply edge (must stay a DAG)', params: chainParamsSchema, body: edgeInputSchema, response: { 201: edgeSchema } } },
    async (req, reply) => reply.status(201).send(await uc.addEdge(deps, req.actor, await uc.resolveChainId(deps, req.params.chainId), req.body)),
  );
  app.delete(
    '/api/chains/:chainId/edges',
    { schema: { tags, summary: '删除供应关系 / Remove supply edge', params: chainParamsSchema, querystring: z.object({ fromNodeId: id, toNodeId: id }), response: { 204: z.null() } } },
    async (req, reply) => {
      await uc.removeEdge(deps, req.actor, await uc.resolveChainId(deps, req.params.chainId), req.query);
      return reply.status(204).send(null);
    },
  );

  app.post('/api/links', { schema: { tags, summary: '挂链 / Attach organisation to node', body: linkInputSchema, response: { 201: z.object({ id: z.number(), status: z.string() }) } } }, async (req, reply) =>
    reply.status(201).send(await uc.createLink(deps, req.actor, req.body)),
  );
  app.patch('/api/links/:id', { schema: { tags, summary: '修改挂链 / Update attachment', params: z.object({ id }), body: linkPatchSchema, response: { 200: z.object({ id: z.number(), status: z.string() }) } } }, async (req) =>
    uc.updateLink(deps, req.actor, req.params.id, req.body),
  );
  app.delete('/api/links/:id', { schema: { tags, summary: '取消挂链 / Remove attachment', params: z.object({ id }), response: { 204: z.null() } } }, async (req, reply) => {
    await uc.deleteLink(deps, req.actor, req.params.id);
    return reply.status(204).send(null);
  });
  void okSchema;

  app.get(
    '/api/chains/:chainId/export.xlsx',
    { schema: { tags, summary: '导出图谱为 xlsx（每个节点一行）/ Export the chain map as xlsx', params: chainParamsSchema } },
    async (req, reply) => {
      requireActor(req.actor);
      const id = await uc.resolveChainId(deps, req.params.chainId);
      const buf = await exportChainWorkbook(deps.db, id);
      const chain = (await uc.getChainDetail(deps, req.actor, id)).code;
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="chain-${chain}.xlsx"`);
      return reply.send(buf);
    },
  );
  app.post(
    '/api/chains/import',
    {
      schema: {
        tags,
        summary: '从 xlsx 导入或更新图谱（请求体为 xlsx 文件）/ Import or update a chain map from xlsx (body: the file)',
        querystring: z.object({ dryRun: z.enum(['0', '1']).optional() }),
        response: { 200: importReportSchema },
      },
    },
    async (req) => {
      if (!Buffer.isBuffer(req.body))
        throw createError({ code: 'chains.invalid_sheet', message: '请上传 xlsx 文件（Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet）/ upload an .xlsx file', status: 400 });
      return importChainWorkbook(deps, req.actor, req.body, { dryRun: req.query.dryRun === '1' });
    },
  );
}

const importReportSchema = z.object({
  chainId: z.number(),
  code: z.string(),
  created: z.boolean(),
  nodes: z.object({ added: z.number(), updated: z.number(), removed: z.number(), removedWithAttachments: z.array(z.object({ name: z.string(), attachments: z.number() })) }),
  edges: z.object({ added: z.number(), removed: z.number() }),
  segments: z.object({ added: z.number(), updated: z.number(), removed: z.number() }),
});
