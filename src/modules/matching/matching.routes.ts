import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import {
  interestContactsSchema,
  interestDecisionSchema,
  interestInputSchema,
  interestListQuerySchema,
  interestSchema,
  matchProbeSchema,
  matchQuerySchema,
  matchResultSchema,
  noteInputSchema,
  outcomeInputSchema,
  preferenceScopeSchema,
  preferencesListSchema,
  preferencesPutSchema,
  preferencesSchema,
} from './matching.schemas.ts';
import { listPreferences, matchPosting, matchProbe, putPreferences, resetPreferences } from './matching.usecases.ts';
import * as ix from './interests.usecases.ts';
import type { MatchSettings } from './matching.engine.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });

/** /api/matches (撮合结果与理由), /api/interests (意向 → 接受 → 联系方式 → 备注 → 结果), /api/matching/preferences. */
export function registerMatchingRoutes(app: App, deps: ServerDeps) {
  const tags = ['matching'];
  app.get(
    '/api/matches',
    {
      schema: {
        tags,
        summary: '为一条发布撮合：需求 → 供给与机构；供给 → 需求。每条结果附理由 / Ranked matches with explanations',
        querystring: matchQuerySchema,
        response: { 200: matchResultSchema },
      },
    },
    async (req) => matchPosting(deps, req.actor, req.query.postingId, { limit: req.query.limit, type: req.query.type }),
  );
  app.post(
    '/api/matches/preview',
    { schema: { tags, summary: '按未保存的需求/供给试撮合 / Matches for an unsaved posting', body: matchProbeSchema, response: { 200: matchResultSchema } } },
    async (req) => matchProbe(deps, req.actor, req.body.probe, { limit: req.body.limit, type: req.body.type }),
  );

  app.get(
    '/api/matching/preferences',
    { schema: { tags, summary: '撮合偏好（全局与各地区）/ Matching preferences', response: { 200: preferencesListSchema } } },
    async (req) => listPreferences(deps, req.actor),
  );
  app.put(
    '/api/matching/preferences/:scope',
    {
      schema: {
        tags,
        summary: '调整撮合偏好：官员调本地区，管理员调全局 / Tune preferences (officials: own region; admin: global)',
        params: z.object({ scope: preferenceScopeSchema }),
        body: preferencesPutSchema,
        response: { 200: preferencesSchema },
      },
    },
    async (req) => putPreferences(deps, req.actor, req.params.scope, { settings: req.body.settings as MatchSettings, version: req.body.version }),
  );
  app.delete(
    '/api/matching/preferences/:scope',
    { schema: { tags, summary: '恢复默认（继承）/ Reset to inherited', params: z.object({ scope: preferenceScopeSchema }), response: { 204: z.null() } } },
    async (req, reply) => {
      await resetPreferences(deps, req.actor, req.params.scope);
      return reply.status(204).send(null);
    },
  );

  const itags = ['interests'];
  app.get(
    '/api/interests',
    { schema: { tags: itags, summary: '意向列表 / Interests', querystring: interestListQuerySchema, response: { 200: z.array(interestSchema) } } },
    async (req) => ix.listInterests(deps, req.actor, req.query),
  );
  app.get('/api/interests/:id', { schema: { tags: itags, summary: '意向详情 / Interest', params: idParams, response: { 200: interestSchema } } }, async (req) =>
    ix.getInterest(deps, req.actor, req.params.id),
  );
  app.post(
    '/api/interests',
    { schema: { tags: itags, summary: '表达意向 / Express interest', body: interestInputSchema, response: { 201: interestSchema } } },
    async (req, reply) => reply.status(201).send(await ix.createInterest(deps, req.actor, req.body)),
  );
  app.post(
    '/api/interests/:id/decision',
    { schema: { tags: itags, summary: '接受或拒绝（被联系方）/ Accept or decline', params: idParams, body: interestDecisionSchema, response: { 200: interestSchema } } },
    async (req) => ix.decideInterest(deps, req.actor, req.params.id, req.body),
  );
  app.post(
    '/api/interests/:id/withdraw',
    { schema: { tags: itags, summary: '撤回意向（意向方，待处理时）/ Withdraw', params: idParams, response: { 200: interestSchema } } },
    async (req) => ix.withdrawInterest(deps, req.actor, req.params.id),
  );
  app.get(
    '/api/interests/:id/contacts',
    {
      schema: {
        tags: itags,
        summary: '双方联系方式（接受后）；接受前 403 interests.contacts_hidden / Contacts of both sides once accepted',
        params: idParams,
        response: { 200: interestContactsSchema },
      },
    },
    async (req) => ix.interestContacts(deps, req.actor, req.params.id),
  );
  app.post(
    '/api/interests/:id/notes',
    { schema: { tags: itags, summary: '对接备注 / Add a note', params: idParams, body: noteInputSchema, response: { 201: interestSchema } } },
    async (req, reply) => reply.status(201).send(await ix.addNote(deps, req.actor, req.params.id, req.body.body)),
  );
  app.put(
    '/api/interests/:id/outcome',
    { schema: { tags: itags, summary: '登记对接结果（未成交/意向/签约，金额与落地地区）/ Record the outcome', params: idParams, body: outcomeInputSchema, response: { 200: interestSchema } } },
    async (req) => ix.setOutcome(deps, req.actor, req.params.id, req.body),
  );
}
