import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.ts';
import type { Db } from '../../src/db/db.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { createOrganization } from '../../src/modules/organizations/organizations.usecases.ts';
import { seedPostings, slotTimes } from '../../src/modules/postings/postings.seed.ts';
import { matchPosting } from '../../src/modules/matching/matching.usecases.ts';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  const a = systemActor('test');
  for (const o of [
    { kind: 'enterprise', name: '津亚电子', divisionCode: '120100', products: ['SMT贴片', '精密加工', '注塑成型', '样品试制', '首台套加工'] },
    { kind: 'enterprise', name: '小波智联', divisionCode: '120100', products: ['智能硬件'] },
    { kind: 'pilot_platform', name: '华熙生物科技(天津)有限公司', shortName: '华熙生物', divisionCode: '120116', products: ['透明质酸'] },
    { kind: 'open_lab', name: '物创海河实验室', divisionCode: '120100', products: [] },
  ])
    await createOrganization({ db }, a, { aliases: [], tags: [], source: 'test', ...o } as any);
});
afterAll(async () => cleanup?.());

describe(`demo postings seed (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('loads data/demo/postings.json for the organisations present, skips and names the others', async () => {
    const r = await db.transaction((tx) => seedPostings(tx, { now: new Date('2030-03-04T02:00:00Z') }));
    expect(r.postings).toBe(3); // 津亚 capability, 小波 demand, 华熙 capability
    expect(r.platforms).toBe(1);
    expect(r.pilotLines).toBe(3);
    expect(r.instruments).toBe(1);
    expect(r.slots).toBeGreaterThan(10);
    expect(r.skipped.join('\n')).toContain('凯莱英');
    const rows = await db.query<{ title: string; source: string }>(`select title, source from postings order by id`);
    expect(rows.every((x) => x.source.includes('illustrative'))).toBe(true);
    const audits = await db.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'seed' and entity_type = 'posting'`);
    expect(audits[0].n).toBe(3);
  });

  it('the seeded SMT demand finds 津亚电子 first', async () => {
    const d = await db.query<{ id: number }>(`select id from postings where direction = 'demand' and title like '%SMT%'`);
    const m = await matchPosting({ db }, systemActor(), d[0].id, { limit: 5, type: 'all' });
    expect(m.items[0].organization.name).toBe('津亚电子');
    expect(m.items[0].explanation.terms.exact).toEqual(expect.arrayContaining(['SMT贴片', '样品试制']));
  });

  it('slots fall on weekdays at the given Beijing hours', () => {
    const s = slotTimes({ days: 7, startHours: [9], hours: 2 }, new Date('2030-03-04T02:00:00Z')); // a Monday in Beijing
    expect(s).toHaveLength(5); // Tue–Fri and the next Monday; Sat and Sun skipped
    for (const x of s) {
      const bj = new Date(Date.parse(x.startsAt) + 8 * 3600000);
      expect(bj.getUTCHours()).toBe(9);
      expect([0, 6]).not.toContain(bj.getUTCDay());
      expect(Date.parse(x.endsAt) - Date.parse(x.startsAt)).toBe(2 * 3600000);
    }
  });
});
