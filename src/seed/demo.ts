import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from '../db/db.ts';
import { createError } from '../errors.ts';
import { systemActor, type Actor } from '../modules/accounts/actor.ts';
import { createUser } from '../modules/accounts/accounts.usecases.ts';
import { chainDefinitionSchema, type LinkRole } from '../modules/chains/chains.schemas.ts';
import { importChainDefinition } from '../modules/chains/chains.usecases.ts';
import { createChainsRepository } from '../modules/chains/chains.repository.ts';
import { organizationInputSchema, type OrganizationInput } from '../modules/organizations/organizations.schemas.ts';
import { prepareOrganizationRows } from '../modules/organizations/organizations.usecases.ts';
import { createOrganizationsRepository } from '../modules/organizations/organizations.repository.ts';
import { runAttach } from '../modules/attach/attach.usecases.ts';
import { seedSupplyLinks } from '../modules/supply/supply.seed.ts';
import { runProposalsForAllChains } from '../modules/lists/lists.proposals.ts';
import { seedPostings } from '../modules/postings/postings.seed.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEMO_DIR = join(ROOT, 'data', 'demo');

export interface SeedResult {
  created: boolean;
  summary: Record<string, number>;
  accounts: Array<{ username: string; password: string; role: string; note: string }>;
}

type Progress = (phase: string, done: number, total: number) => void;

interface DemoOrg extends Record<string, unknown> {
  key: string;
  name: string;
  shortName: string | null;
  aliases: string[];
}

interface NationalCompany {
  code: string;
  name: string;
  fullName: string;
  province: string;
  provinceCode: string;
  products: string[];
  swIndustry: string | null;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Loads the demo data set once (chains, organisations, attachments, accounts). Idempotent. */
export async function seedDemo(db: Db, opts: { onProgress?: Progress; withAccounts?: boolean } = {}): Promise<SeedResult> {
  const seeded = await db.query(`select value from app_meta where key = 'demo_seeded'`);
  if (seeded.length) return { created: false, summary: {}, accounts: [] };
  const p = opts.onProgress ?? (() => undefined);
  const actor = systemActor('seed');
  const summary: Record<string, number> = {};

  await db.transaction(async (tx) => {
    // 1. chain maps
    const chainDir = join(DEMO_DIR, 'chains');
    const files = readdirSync(chainDir).filter((f) => f.endsWith('.json')).sort();
    let i = 0;
    for (const f of files) {
      const parsed = chainDefinitionSchema.safeParse(readJson(join(chainDir, f)));
      if (!parsed.success) throw new Error(`data/demo/chains/${f}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      await importChainDefinition(tx, actor, parsed.data);
      p('产业链 chains', ++i, files.length);
    }
    summary.chains = files.length;

    // 2. organisations of 京津冀 (listed companies + seed-facts) and national companies (investment targets)
    const orgs = readJson<DemoOrg[]>(join(DEMO_DIR, 'organizations.json'));
    const inputs: OrganizationInput[] = orgs.map((o) => {
      const { key, ...rest } = o;
      const r = organizationInputSchema.safeParse({ ...rest, sourceRef: (rest as any).sourceRef ?? key });
      if (!r.success) throw new Error(`data/demo/organizations.json ${key}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      return r.data;
    });
    const nationalFile = join(DEMO_DIR, 'national-companies.json');
    const national = existsSync(nationalFile) ? readJson<NationalCompany[]>(nationalFile) : [];
    for (const c of national) {
      inputs.push({
        kind: 'enterprise',
        name: c.fullName || c.name,
        shortName: c.name,
        aliases: [],
        divisionCode: `${c.provinceCode}0000`,
        stockCode: /^\d{6}\.(SH|SZ|BJ)$/.test(c.code) ? c.code : null,
        products: c.products,
        tags: ['全国上市公司', ...(c.swIndustry ? [`申万:${c.swIndustry}`] : [])],
        source: 'chain-kg (ChainKnowledgeGraph) + listed-companies/chainkg_company_region.csv',
        sourceRef: c.code,
      });
    }
    const { rows, problems } = await prepareOrganizationRows(tx, inputs);
    if (problems.length)
      throw createError({
        code: 'seed.invalid_data',
        message: problems
          .slice(0, 10)
          .map((x) => `${inputs[x.index].name}: ${x.field} ${x.message}`)
          .join('; '),
      });
    const repo = createOrganizationsRepository(tx);
    const batch = 500;
    let done = 0;
    async function* batches() {
      for (let j = 0; j < rows.length; j += batch) {
        yield rows.slice(j, j + batch);
        done = Math.min(rows.length, j + batch);
        p('机构 organisations', done, rows.length);
      }
    }
    await repo.copyInsert(batches());
    await tx.query(
      `insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region, summary, after)
       select null, 'seed', 'seed', 'organization', id::text, region, '演示数据导入（来源：' || source || '）', jsonb_build_object('source', source, 'sourceRef', source_ref)
         from organizations`,
    );
    summary.organizations = orgs.length;
    summary.nationalCompanies = national.length;

    // 3. attachments named in the data (seed-facts organisations), then keyword-based ones
    const explicit = await seedExplicitAttachments(tx, actor);
    summary.explicitAttachments = explicit;
    const auto = await runAttach({ db: tx }, actor, { onProgress: (d, t) => p('挂链 attach', d, t) });
    summary.autoAttachments = auto.totals.confirmed;
    summary.autoReview = auto.totals.review;

    // 4a. illustrative postings, pilot lines, instruments and slots (精准对接)
    const mp = await seedPostings(tx);
    summary.postings = mp.postings;
    summary.instruments = mp.instruments;

    // 4b. illustrative supply network of the Beijing automakers (区域配套率)
    const supply = await seedSupplyLinks(tx);
    summary.supplyLinks = supply.links;
    p('配套 supply links', 1, 1);

    await tx.query(`insert into app_meta (key, value) values ('demo_seeded', now()::text)`);
  });

  // 5. the three lists: proposals from the diagnostics of every chain (officials then decide)
  const proposals = await runProposalsForAllChains(db, systemActor('diagnostics'));
  summary.listProposals = proposals.reduce((n, r) => n + r.created, 0);

  const accounts = opts.withAccounts === false ? [] : await createDemoAccounts(db);
  summary.accounts = accounts.length;
  return { created: true, summary, accounts };
}

async function findOrg(tx: Queryable, name: string): Promise<{ id: number; region: string | null } | null> {
  const rows = await tx.query(
    `select id, region from organizations where name = $1 or short_name = $1 or $1 = any(aliases)
      order by (name = $1) desc, (region is not null) desc, id limit 1`,
    [name],
  );
  return (rows[0] as any) ?? null;
}

async function seedExplicitAttachments(tx: Queryable, actor: Actor): Promise<number> {
  const file = join(DEMO_DIR, 'seed-attachments.json');
  if (!existsSync(file)) return 0;
  const list = readJson<Array<{ org: string; chain: string; node: string; role: LinkRole; note?: string }>>(file);
  const repo = createChainsRepository(tx);
  let n = 0;
  const missing: string[] = [];
  for (const a of list) {
    const org = await findOrg(tx, a.org);
    const chain = await repo.getChain(a.chain);
    const node = chain ? (await tx.query(`select id from chain_nodes where chain_id = $1 and name = $2`, [chain.id, a.node]))[0] : null;
    if (!org || !chain || !node) {
      missing.push(`${a.org} → ${a.chain}/${a.node}`);
      continue;
    }
    await repo.upsertLink({
      organizationId: org.id,
      nodeId: node.id,
      chainId: chain.id,
      role: a.role,
      status: 'confirmed',
      origin: 'seed',
      evidence: a.note ? { note: a.note } : null,
      source: 'seed-facts §3 (data/demo/seed-attachments.json)',
    });
    n++;
  }
  if (missing.length) throw new Error(`seed-attachments.json refers to unknown organisations or nodes: ${missing.join('; ')}`);
  void actor;
  return n;
}

export const DEMO_ACCOUNTS: Array<{ username: string; displayName: string; role: 'admin' | 'official' | 'enterprise' | 'provider'; region?: 'BJ' | 'TJ' | 'HE'; org?: string; note: string }> = [
  { username: 'admin', displayName: '平台管理员', role: 'admin', note: '平台管理员 platform admin' },
  { username: 'bj_official', displayName: '北京市经信局 演示', role: 'official', region: 'BJ', note: '北京官员 Beijing official' },
  { username: 'tj_official', displayName: '天津市工信局 演示', role: 'official', region: 'TJ', note: '天津官员 Tianjin official' },
  { username: 'he_official', displayName: '河北省工信厅 演示', role: 'official', region: 'HE', note: '河北官员 Hebei official' },
  { username: 'jinya', displayName: '津亚电子 演示', role: 'enterprise', org: '津亚电子', note: '企业用户 enterprise (津亚电子)' },
  { username: 'startup', displayName: '天开有仪 演示', role: 'enterprise', org: '天开有仪', note: '天开园初创企业 start-up (天开有仪)' },
  { username: 'tib_pilot', displayName: '天津工业生物所 中试平台 演示', role: 'provider', org: '中国科学院天津工业生物技术研究所', note: '服务机构 provider (pilot platform)' },
];

async function createDemoAccounts(db: Db) {
  const out: SeedResult['accounts'] = [];
  for (const a of DEMO_ACCOUNTS) {
    const org = a.org ? await findOrg(db, a.org) : null;
    if (a.org && !org) continue;
    const password = randomBytes(9).toString('base64url');
    await createUser(
      { db },
      systemActor('seed'),
      { username: a.username, displayName: a.displayName, password, role: a.role, region: a.region ?? null, organizationId: org?.id ?? null },
      { isDemo: true },
    );
    out.push({ username: a.username, password, role: a.role + (a.region ? ` ${a.region}` : ''), note: a.note });
  }
  return out;
}
