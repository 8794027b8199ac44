import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { chainParamsSchema } from '../chains/chains.schemas.ts';
import { resolveChainId } from '../chains/chains.usecases.ts';
import {
  chainListsSchema,
  entryHistorySchema,
  entryInputSchema,
  entryOrgInputSchema,
  entryPatchSchema,
  listEntrySchema,
  listQuerySchema,
  proposalsResultSchema,
  transitionInputSchema,
} from './lists.schemas.ts';
import * as uc from './lists.usecases.ts';
import { runDiagnosticsProposals } from './lists.proposals.ts';
import { buildListsWorkbook } from './lists.xlsx.ts';

const id = z.coerce.number().int().positive();

export function registerListRoutes(app: App, deps: ServerDeps) {
  const tags = ['lists'];
  app.get(
    '/api/chains/:chainId/lists',
    {
      schema: {
        tags,
        summary: '三张清单（卡点、堵点、重点企业）/ The three lists of a chain',
        params: chainParamsSchema,
        querystring: listQuerySchema,
        response: { 200: chainListsSchema },
      },
    },
    async (req) => uc.listChainEntries(deps, req.actor, req.params.chainId, req.query),
  );
  app.get(
    '/api/chains/:chainId/lists.xlsx',
    {
      schema: {
        tags,
        summary: '导出三张清单（xlsx，每张清单一页，可直接打印）/ Export the three lists as a printable workbook',
        params: chainParamsSchema,
        querystring: z.object({ includeDropped: z.enum(['0', '1']).optional() }),
      },
    },
    async (req, reply) => {
      const chainId = await resolveChainId(deps, req.params.chainId);
      const x = await buildListsWorkbook(deps, req.actor, chainId, { includeDropped: req.query.includeDropped === '1' });
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${x.asciiFilename}"; filename*=UTF-8''${encodeURIComponent(x.filename)}`)
        .send(x.buffer);
    },
  );
  app.post(
    '/api/chains/:chainId/diagnostics/proposals',
    {
      schema: {
        tags,
        summary: '重新诊断并更新建议条目（不改动官员已处理的条目）/ Re-run diagnostics proposals (never overwrites decided entries)',
        params: chainParamsSchema,
        response: { 200: proposalsResultSchema },
      },
    },
    async (req) => runDiagnosticsProposals(deps, req.actor, await resolveChainId(deps, req.params.chainId)),
  );
  app.post(
    '/api/list-entries',
    { schema: { tags, summary: '新建清单条目 / Create a list entry', body: entryInputSchema, response: { 201: listEntrySchema } } },
    async (req, reply) => reply.status(201).send(await uc.createEntry(deps, req.actor, req.body)),
  );
  app.get(
    '/api/list-entries/:id',
    { schema: { tags, summary: '清单条目 / List entry', params: z.object({ id }), response: { 200: listEntrySchema } } },
    async (req) => uc.getEntry(deps, req.actor, req.params.id),
  );
  app.patch(
    '/api/list-entries/:id',
    {
      schema: {
        tags,
        summary: '修改清单条目（仅归属地区官员或管理员）/ Edit a list entry (owner region only)',
        params: z.object({ id }),
        body: entryPatchSchema,
        response: { 200: listEntrySchema },
      },
    },
    async (req) => uc.updateEntry(deps, req.actor, req.params.id, req.body),
  );
  app.post(
    '/api/list-entries/:id/transitions',
    {
      schema: {
        tags,
        summary: '变更状态（已提出→已确认→推进中→已解决 / 已放弃）/ Change status along the workflow',
        params: z.object({ id }),
        body: transitionInputSchema,
        response: { 200: listEntrySchema },
      },
    },
    async (req) => uc.transitionEntry(deps, req.actor, req.params.id, req.body),
  );
  app.post(
    '/api/list-entries/:id/organizations',
    {
      schema: {
        tags,
        summary: '关联机构（攻关团队、揭榜单位、招商目标、重点企业）/ Link an organisation to an entry',
        params: z.object({ id }),
        body: entryOrgInputSchema,
        response: { 200: listEntrySchema },
      },
    },
    async (req) => uc.addEntryOrganization(deps, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/api/list-entries/:id/organizations/:organizationId',
    {
      schema: {
        tags,
        summary: '取消关联机构 / Unlink an organisation',
        params: z.object({ id, organizationId: id }),
        response: { 200: listEntrySchema },
      },
    },
    async (req) => uc.removeEntryOrganization(deps, req.actor, req.params.id, req.params.organizationId),
  );
  app.get(
    '/api/list-entries/:id/history',
    { schema: { tags, summary: '条目的全部变更记录（从早到晚）/ Full history of an entry, oldest first', params: z.object({ id }), response: { 200: entryHistorySchema } } },
    async (req) => uc.getEntryHistory(deps, req.actor, req.params.id),
  );
}
