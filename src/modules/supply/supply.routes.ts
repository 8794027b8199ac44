import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { createError } from '../../errors.ts';
import {
  outsideNodesSchema,
  supplierListQuerySchema,
  supplierMapSchema,
  supplyImportQuerySchema,
  supplyImportReportSchema,
  supplyLinkInputSchema,
  supplyLinkListQuerySchema,
  supplyLinkListSchema,
  supplyLinkPatchSchema,
  supplyLinkSchema,
  supplyRateQuerySchema,
  supplyRateSchema,
  supplyYearQuerySchema,
  supplyBuyersQuerySchema,
  supplyBuyersSchema,
} from './supply.schemas.ts';
import {
  createSupplyLink,
  deleteSupplyLink,
  getOutsideNodes,
  getSupplierMap,
  getSupplyLink,
  getSupplyRate,
  listSupplyLinks,
  listSupplyBuyers,
  updateSupplyLink,
} from './supply.usecases.ts';
import { importSupplyLinks } from './supply.io.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const yes = (v: string | undefined) => v === '1' || v === 'true';

export function registerSupplyRoutes(app: App, deps: ServerDeps) {
  const tags = ['supply'];
  app.get(
    '/api/supply/rate',
    {
      schema: {
        tags,
        summary: '区域配套率：按供应商所在省份，按条数、供应商数和金额，逐年 / Regional supporting rate of a buyer, chain or buyer region',
        querystring: supplyRateQuerySchema,
        response: { 200: supplyRateSchema },
      },
    },
    async (req) => getSupplyRate(deps, req.actor, req.query),
  );
  app.get(
    '/api/supply/suppliers',
    {
      schema: {
        tags,
        summary: '供应商分布（地图）/ Suppliers with their division, for the map',
        querystring: supplierListQuerySchema,
        response: { 200: supplierMapSchema },
      },
    },
    async (req) => getSupplierMap(deps, req.actor, req.query),
  );
  app.get(
    '/api/supply/outside-nodes',
    {
      schema: {
        tags,
        summary: '仍从京津冀外采购的产业链节点（撮合、堵点候选）/ Chain nodes still bought from outside 京津冀',
        querystring: supplyYearQuerySchema,
        response: { 200: outsideNodesSchema },
      },
    },
    async (req) => getOutsideNodes(deps, req.actor, req.query),
  );

  app.get(
    '/api/supply/buyers',
    { schema: { tags, summary: '有供应关系的采购方 / Buyers with supply links', querystring: supplyBuyersQuerySchema, response: { 200: supplyBuyersSchema } } },
    async (req) => listSupplyBuyers(deps, req.actor, req.query),
  );
  app.get(
    '/api/supply/links',
    { schema: { tags, summary: '供应关系列表 / Supply links', querystring: supplyLinkListQuerySchema, response: { 200: supplyLinkListSchema } } },
    async (req) => listSupplyLinks(deps, req.actor, req.query),
  );
  app.get(
    '/api/supply/links/:id',
    { schema: { tags, summary: '供应关系 / Supply link', params: idParams, response: { 200: supplyLinkSchema } } },
    async (req) => getSupplyLink(deps, req.actor, req.params.id),
  );
  app.post(
    '/api/supply/links',
    { schema: { tags, summary: '新增供应关系 / Add supply link', body: supplyLinkInputSchema, response: { 201: supplyLinkSchema } } },
    async (req, reply) => reply.status(201).send(await createSupplyLink(deps, req.actor, req.body)),
  );
  app.patch(
    '/api/supply/links/:id',
    { schema: { tags, summary: '修改供应关系 / Update supply link', params: idParams, body: supplyLinkPatchSchema, response: { 200: supplyLinkSchema } } },
    async (req) => updateSupplyLink(deps, req.actor, req.params.id, req.body),
  );
  app.delete(
    '/api/supply/links/:id',
    { schema: { tags, summary: '删除供应关系 / Delete supply link', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await deleteSupplyLink(deps, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/supply/links/import',
    {
      schema: {
        tags,
        summary:
          '导入供应关系（.xlsx / .csv 原始文件作为请求体；全部成功才写入，除非 partial=1）/ Import supply links: send the file as the raw body (Content-Type xlsx, text/csv or octet-stream)',
        querystring: supplyImportQuerySchema,
        response: { 200: supplyImportReportSchema },
      },
    },
    async (req) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || !body.length)
        throw createError({
          code: 'import.empty_file',
          message: '请求体应为 .xlsx 或 .csv 文件内容 / send the file content as the request body',
          status: 400,
        });
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim();
      const format =
        req.query.format ?? (type === XLSX_MIME ? 'xlsx' : type === 'text/csv' ? 'csv' : body.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv');
      return importSupplyLinks(
        deps,
        req.actor,
        { buffer: body, name: req.query.fileName ?? `upload.${format}`, format },
        { partial: yes(req.query.partial), dryRun: yes(req.query.dryRun) },
      );
    },
  );
}
