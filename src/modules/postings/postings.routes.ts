import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { regionSchema } from '../accounts/accounts.schemas.ts';
import {
  bookingInputSchema,
  bookingSchema,
  instrumentInputSchema,
  instrumentListQuerySchema,
  instrumentPatchSchema,
  instrumentSchema,
  pilotLineInputSchema,
  pilotLineListQuerySchema,
  pilotLinePatchSchema,
  pilotLineSchema,
  pilotPlatformProfileInputSchema,
  pilotPlatformSchema,
  postingInputSchema,
  postingListQuerySchema,
  postingListSchema,
  postingPatchSchema,
  postingSchema,
  slotListQuerySchema,
  slotSchema,
  slotsInputSchema,
} from './postings.schemas.ts';
import { createPosting, deletePosting, getPosting, listPostings, updatePosting } from './postings.usecases.ts';
import * as fac from './facilities.usecases.ts';

const id = z.coerce.number().int().positive();
const idParams = z.object({ id });

/** /api/postings (需求与供给), /api/pilot-lines (中试平台与中试线), /api/instruments (共享仪器与预约). */
export function registerPostingRoutes(app: App, deps: ServerDeps) {
  const tags = ['postings'];
  app.get(
    '/api/postings',
    { schema: { tags, summary: '需求与供给列表（默认只含撮合池中未过期的）/ Postings (the live pool by default)', querystring: postingListQuerySchema, response: { 200: postingListSchema } } },
    async (req) => listPostings(deps, req.actor, req.query),
  );
  app.get('/api/postings/:id', { schema: { tags, summary: '发布详情 / Posting', params: idParams, response: { 200: postingSchema } } }, async (req) =>
    getPosting(deps, req.actor, req.params.id),
  );
  app.post(
    '/api/postings',
    { schema: { tags, summary: '发布需求或供给 / Publish a demand or capability', body: postingInputSchema, response: { 201: postingSchema } } },
    async (req, reply) => reply.status(201).send(await createPosting(deps, req.actor, req.body)),
  );
  app.patch(
    '/api/postings/:id',
    { schema: { tags, summary: '修改、关闭或重新开放发布 / Update, close or reopen', params: idParams, body: postingPatchSchema, response: { 200: postingSchema } } },
    async (req) => updatePosting(deps, req.actor, req.params.id, req.body),
  );
  app.delete('/api/postings/:id', { schema: { tags, summary: '删除发布（无意向时）/ Delete a posting without interests', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    await deletePosting(deps, req.actor, req.params.id);
    return reply.status(204).send(null);
  });

  // ---------------------------------------------------------------- pilot platforms and lines
  const ptags = ['pilot-lines'];
  app.get(
    '/api/pilot-lines',
    { schema: { tags: ptags, summary: '中试线 / Pilot lines', querystring: pilotLineListQuerySchema, response: { 200: z.array(pilotLineSchema) } } },
    async (req) => fac.listPilotLines(deps, req.actor, req.query),
  );
  app.get(
    '/api/pilot-lines/platforms',
    { schema: { tags: ptags, summary: '中试平台（资料与中试线）/ Pilot platforms', querystring: z.object({ region: regionSchema.optional() }), response: { 200: z.array(pilotPlatformSchema) } } },
    async (req) => fac.listPilotPlatforms(deps, req.actor, req.query.region),
  );
  app.get(
    '/api/pilot-lines/platforms/:id',
    { schema: { tags: ptags, summary: '中试平台详情 / Pilot platform', params: idParams, response: { 200: pilotPlatformSchema } } },
    async (req) => fac.getPilotPlatform(deps, req.actor, req.params.id),
  );
  app.put(
    '/api/pilot-lines/platforms/:id',
    { schema: { tags: ptags, summary: '修改中试平台资料（面积、等级、服务目录）/ Update platform profile', params: idParams, body: pilotPlatformProfileInputSchema, response: { 200: pilotPlatformSchema } } },
    async (req) => fac.putPilotPlatformProfile(deps, req.actor, req.params.id, req.body),
  );
  app.post(
    '/api/pilot-lines',
    { schema: { tags: ptags, summary: '新增中试线 / Add a pilot line', body: pilotLineInputSchema, response: { 201: pilotLineSchema } } },
    async (req, reply) => reply.status(201).send(await fac.createPilotLine(deps, req.actor, req.body)),
  );
  app.patch(
    '/api/pilot-lines/:id',
    { schema: { tags: ptags, summary: '修改中试线 / Update a pilot line', params: idParams, body: pilotLinePatchSchema, response: { 200: pilotLineSchema } } },
    async (req) => fac.updatePilotLine(deps, req.actor, req.params.id, req.body),
  );
  app.delete('/api/pilot-lines/:id', { schema: { tags: ptags, summary: '删除中试线 / Delete a pilot line', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    await fac.deletePilotLine(deps, req.actor, req.params.id);
    return reply.status(204).send(null);
  });

  // ---------------------------------------------------------------- instruments, slots, bookings
  const itags = ['instruments'];
  app.get(
    '/api/instruments',
    { schema: { tags: itags, summary: '开放共享仪器 / Open-lab instruments', querystring: instrumentListQuerySchema, response: { 200: z.array(instrumentSchema) } } },
    async (req) => fac.listInstruments(deps, req.actor, req.query),
  );
  app.get(
    '/api/instruments/bookings',
    {
      schema: {
        tags: itags,
        summary: '预约记录：mine 本机构的预约；lab 本实验室仪器被预约；all 全部（官员、管理员）/ Bookings',
        querystring: z.object({ box: z.enum(['mine', 'lab', 'all']).default('mine'), instrumentId: id.optional() }),
        response: { 200: z.array(bookingSchema) },
      },
    },
    async (req) => fac.listBookings(deps, req.actor, req.query),
  );
  app.get('/api/instruments/:id', { schema: { tags: itags, summary: '仪器详情 / Instrument', params: idParams, response: { 200: instrumentSchema } } }, async (req) =>
    fac.getInstrument(deps, req.actor, req.params.id),
  );
  app.post(
    '/api/instruments',
    { schema: { tags: itags, summary: '登记共享仪器 / Register an instrument', body: instrumentInputSchema, response: { 201: instrumentSchema } } },
    async (req, reply) => reply.status(201).send(await fac.createInstrument(deps, req.actor, req.body)),
  );
  app.patch(
    '/api/instruments/:id',
    { schema: { tags: itags, summary: '修改仪器 / Update an instrument', params: idParams, body: instrumentPatchSchema, response: { 200: instrumentSchema } } },
    async (req) => fac.updateInstrument(deps, req.actor, req.params.id, req.body),
  );
  app.delete('/api/instruments/:id', { schema: { tags: itags, summary: '删除仪器 / Delete an instrument', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    await fac.deleteInstrument(deps, req.actor, req.params.id);
    return reply.status(204).send(null);
  });
  app.get(
    '/api/instruments/:id/slots',
    { schema: { tags: itags, summary: '可预约时段 / Slots', params: idParams, querystring: slotListQuerySchema, response: { 200: z.array(slotSchema) } } },
    async (req) => fac.listSlots(deps, req.actor, req.params.id, req.query),
  );
  app.post(
    '/api/instruments/:id/slots',
    { schema: { tags: itags, summary: '开放预约时段（不得重叠）/ Open slots (never overlapping)', params: idParams, body: slotsInputSchema, response: { 201: z.array(slotSchema) } } },
    async (req, reply) => reply.status(201).send(await fac.addSlots(deps, req.actor, req.params.id, req.body.slots)),
  );
  app.delete('/api/instruments/slots/:id', { schema: { tags: itags, summary: '撤下未被预约的时段 / Remove a free slot', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    await fac.deleteSlot(deps, req.actor, req.params.id);
    return reply.status(204).send(null);
  });
  app.post(
    '/api/instruments/slots/:id/bookings',
    {
      schema: {
        tags: itags,
        summary: '预约时段；已被预约时返回 409 instruments.slot_taken / Book a slot (a second booking is refused)',
        params: idParams,
        body: bookingInputSchema,
        response: { 201: bookingSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await fac.bookSlot(deps, req.actor, req.params.id, req.body ?? {})),
  );
  app.post(
    '/api/instruments/bookings/:id/cancel',
    { schema: { tags: itags, summary: '取消预约（预约方或实验室）/ Cancel a booking', params: idParams, response: { 200: bookingSchema } } },
    async (req) => fac.cancelBooking(deps, req.actor, req.params.id),
  );
}
