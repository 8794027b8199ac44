import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runClassify } from '../../cli/classify.ts';
import { cleanProducts, normalizeCode, parseCompanyIndustries, parseIndustries } from './chainkg.ts';
import {
  loadModel,
  predict,
  rank,
  serializeModel,
  trainClassifier,
  type ItemText,
  type Prediction,
  type TrainingExample,
} from './classifier.ts';

const ex = (id: string, label: string, name: string, products: Array<[string, number]>): TrainingExample => ({
  id,
  label,
  text: { name, products: products.map(([n, weight]) => ({ name: n, weight })) },
});

/** A tiny hand-made taxonomy: batteries, liquor, medical devices. */
const TINY: TrainingExample[] = [
  ex('300750', 'battery', '宁德时代', [['动力电池系统', 0.7], ['储能电池', 0.2], ['锂电池材料', 0.1]]),
  ex('300014', 'battery', '亿纬锂能', [['锂原电池', 0.3], ['动力锂电池', 0.6]]),
  ex('002074', 'battery', '国轩高科', [['动力锂电池', 0.9], ['输配电设备', 0.1]]),
  ex('600519', 'liquor', '贵州茅台', [['茅台酒', 0.9], ['系列酒', 0.1]]),
  ex('000858', 'liquor', '五粮液', [['五粮液酒', 0.8], ['白酒', 0.1], ['塑胶制品', 0.05]]),
  ex('000568', 'liquor', '泸州老窖', [['中高档酒类', 0.9], ['白酒', 0.1]]),
  ex('300760', 'meddev', '迈瑞医疗', [['生命信息与支持', 0.4], ['体外诊断', 0.35], ['医学影像', 0.2]]),
  ex('002223', 'meddev', '鱼跃医疗', [['呼吸制氧', 0.4], ['家用医疗器械', 0.4], ['血压计', 0.2]]),
  ex('300003', 'meddev', '乐普医疗', [['心脏支架', 0.5], ['医疗器械', 0.3]]),
];

function expectWellFormed(preds: Prediction[], k: number): void {
  expect(preds.length).toBeLessThanOrEqual(k);
  expect(new Set(preds.map((p) => p.label)).size).toBe(preds.length);
  for (let i = 0; i < preds.length; i++) {
    expect(preds[i].score).toBeGreaterThanOrEqual(0);
    expect(preds[i].score).toBeLessThanOrEqual(1);
    if (i > 0) expect(preds[i].score).toBeLessThanOrEqual(preds[i - 1].score);
    expect(preds[i].evidence.length).toBeGreaterThan(0);
  }
  expect(preds.reduce((s, p) => s + p.score, 0)).toBeLessThanOrEqual(1 + 1e-9);
}

describe('attach classifier — tiny taxonomy', () => {
  const model = trainClassifier(TINY);

  it('places an unseen company by a distinctive product, with that product as evidence', () => {
    const item: ItemText = { name: '某某新能源', products: [{ name: '动力锂电池模组', weight: 0.8 }, { name: '技术服务', weight: 0.2 }] };
    const preds = predict(model, item, 3);
    expectWellFormed(preds, 3);
    expect(preds[0].label).toBe('battery');
    const ev = preds[0].evidence;
    expect(ev.some((e) => e.signal === 'product' && e.term === '动力锂电池模组')).toBe(true);
    // and the labelled companies it resembles, by name
    const examples = ev.filter((e) => e.signal === 'example');
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(['宁德时代', '亿纬锂能', '国轩高科']).toContain(e.via);
  });

  it('ranks the other labels by their own evidence', () => {
    expect(predict(model, { name: '某酒业', products: [{ name: '浓香型白酒', weight: 0.9 }] }, 1)[0].label).toBe('liquor');
    expect(predict(model, { products: [{ name: '冠脉支架', weight: 0.6 }, { name: '医疗器械', weight: 0.4 }] }, 1)[0].label).toBe('meddev');
  });

  it('returns no label for an item without any matching evidence', () => {
    expect(predict(model, {}, 3)).toEqual([]);
    expect(predict(model, { products: [{ name: 'zzzz', weight: 1 }] }, 3)).toEqual([]);
  });

  it('respects k and keeps scores sorted in [0, 1]', () => {
    const item: ItemText = { name: '综合集团', products: [{ name: '锂电池', weight: 0.4 }, { name: '白酒', weight: 0.3 }, { name: '医疗器械', weight: 0.3 }] };
    const three = predict(model, item, 3);
    expectWellFormed(three, 3);
    expect(three.map((p) => p.label).sort()).toEqual(['battery', 'liquor', 'meddev']);
    expect(predict(model, item, 1)).toHaveLength(1);
    expect(predict(model, item, 0)).toEqual([]);
  });
});

describe('attach classifier — keyword prior', () => {
  it('works with zero examples: keyword-defined labels only', () => {
    const model = trainClassifier([], {
      keywordPrior: {
        制氢: ['碱性电解槽', '电解水制氢', 'PEM电解槽'],
        储运: ['储氢瓶', '加氢站', '液氢'],
        光伏: ['光伏组件', '单晶硅片'],
      },
    });
    const preds = predict(model, { name: '某氢能装备', products: [{ name: '碱性电解槽' }, { name: '纯化设备' }] }, 3);
    expectWellFormed(preds, 3);
    expect(preds[0].label).toBe('制氢');
    expect(preds[0].evidence.some((e) => e.signal === 'product' && e.term === '碱性电解槽' && e.via === 'keyword:碱性电解槽')).toBe(true);
    // a keyword found in the business scope counts, with the scope signal
    const byScope = predict(model, { name: '某公司', scope: '许可项目：加氢站经营；危险化学品经营' }, 1);
    expect(byScope[0].label).toBe('储运');
    expect(byScope[0].evidence.some((e) => e.signal === 'scope')).toBe(true);
    // ASCII keywords match whole words only
    expect(predict(model, { products: [{ name: 'PEM电解槽' }] }, 1)[0].label).toBe('制氢');
  });

  it('merges keyword labels with example-trained labels', () => {
    const model = trainClassifier(TINY, { keywordPrior: { hydrogen: ['储氢瓶', '电解槽'], liquor: ['酱香型'] } });
    expect(model.data.labels).toContain('hydrogen');
    const h = predict(model, { name: '某装备', products: [{ name: '车载储氢瓶', weight: 0.9 }] }, 2);
    expect(h[0].label).toBe('hydrogen');
    const l = predict(model, { name: '某酒厂', products: [{ name: '酱香型', weight: 0.9 }] }, 1);
    expect(l[0].label).toBe('liquor');
  });
});

/** Deterministic synthetic companies, enough for the stacked re-ranker (≥ 60 examples). */
function synthetic(n: number): TrainingExample[] {
  const vocab: Record<string, string[]> = {
    电池: ['动力电池', '储能电池', '锂电池', '电芯', '电池模组', '正极材料', '负极材料', '电解液'],
    白酒: ['白酒', '浓香型白酒', '酱香型白酒', '基酒', '系列酒', '果酒', '黄酒', '酒类销售'],
    器械: ['医疗器械', '体外诊断试剂', '监护仪', '心脏支架', '超声设备', '血压计', '呼吸机', '手术器械'],
    软件: ['应用软件', '系统集成', '软件开发', '信息技术服务', '云计算服务', '数据库', '运维服务', '软件授权'],
  };
  const noise = ['技术服务', '租赁', '贸易', '物业管理', '材料销售'];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const labels = Object.keys(vocab);
  const out: TrainingExample[] = [];
  for (let i = 0; i < n; i++) {
    const label = labels[i % labels.length];
    const words = vocab[label];
    const products = [0, 1, 2].map((j) => ({ name: words[Math.floor(rnd() * words.length)] + (j === 0 ? '' : '产品'), weight: j === 0 ? 0.6 : 0.2 }));
    // some companies carry a line of another label (diversified groups)
    if (rnd() < 0.3) {
      const other = vocab[labels[(i + 1) % labels.length]];
      products.push({ name: other[Math.floor(rnd() * other.length)], weight: 0.1 });
    }
    products.push({ name: noise[Math.floor(rnd() * noise.length)], weight: 0.001 });
    out.push({ id: `S${i}`, label, text: { name: `样本${i}${label}公司`, products } });
  }
  return out;
}

describe('attach classifier — serialisation and the re-ranked model', () => {
  const train = synthetic(120);
  const model = trainClassifier(train);
  const items: ItemText[] = [
    { name: '新公司', products: [{ name: '动力电池', weight: 0.7 }, { name: '租赁', weight: 0.3 }] },
    { name: '某酒', products: [{ name: '酱香型白酒', weight: 1 }] },
    { name: '某医疗', products: [{ name: '监护仪', weight: 0.5 }, { name: '呼吸机', weight: 0.5 }] },
    { name: '某软件', scope: '软件开发；信息技术服务；数据库', products: [] },
    { name: '综合', products: [{ name: '电池模组', weight: 0.5 }, { name: '系统集成', weight: 0.5 }] },
  ];

  it('fits the re-ranker and classifies the synthetic labels', () => {
    expect(model.data.reranker).not.toBeNull();
    expect(predict(model, items[0], 1)[0].label).toBe('电池');
    expect(predict(model, items[1], 1)[0].label).toBe('白酒');
    expect(predict(model, items[2], 1)[0].label).toBe('器械');
    expect(predict(model, items[3], 1)[0].label).toBe('软件');
    for (const it of items) expectWellFormed(predict(model, it, 3), 3);
  });

  it('gives identical predictions after a JSON round trip', () => {
    const json = JSON.stringify(serializeModel(model));
    const loaded = loadModel(JSON.parse(json));
    const fromText = loadModel(json);
    for (const it of items) {
      const a = predict(model, it, 3);
      expect(predict(loaded, it, 3)).toEqual(a);
      expect(predict(fromText, it, 3)).toEqual(a);
      expect(rank(loaded, it, 3)).toEqual(rank(model, it, 3));
    }
    expect(() => loadModel({ format: 'something else' } as never)).toThrow(/not a chainatlas/);
  });

  it('is deterministic', () => {
    const again = trainClassifier(train);
    expect(JSON.stringify(serializeModel(again))).toBe(JSON.stringify(serializeModel(model)));
  });

  it('scores a confident match higher than an ambiguous one', () => {
    const clear = predict(model, items[1], 1)[0].score;
    const mixed = predict(model, items[4], 1)[0].score;
    expect(clear).toBeGreaterThan(mixed);
  });
});

describe('attach classifier — linear scorer (logistic regression)', () => {
  // separable toy problem: each label has its own product words; names carry nothing
  const words: Record<string, string[]> = {
    battery: ['动力电池', '储能电池', '锂电池', '电芯'],
    liquor: ['浓香型白酒', '酱香型白酒', '黄酒', '基酒'],
    meddev: ['监护仪', '心脏支架', '呼吸机', '血压计'],
  };
  const toy: TrainingExample[] = [];
  Object.entries(words).forEach(([label, ws]) => {
    for (let i = 0; i < 12; i++) {
      toy.push(ex(`${label}${i}`, label, `公司${label}${i}`, [[ws[i % ws.length], 0.7], [ws[(i + 1) % ws.length], 0.3]]));
    }
  });
  const items: Array<[ItemText, string]> = [
    [{ name: '某公司', products: [{ name: '锂电池', weight: 1 }] }, 'battery'],
    [{ name: '某公司', products: [{ name: '黄酒', weight: 0.6 }, { name: '基酒', weight: 0.4 }] }, 'liquor'],
    [{ name: '某公司', products: [{ name: '呼吸机', weight: 1 }] }, 'meddev'],
  ];

  it('is off by default', () => {
    expect(trainClassifier(toy).data.linear ?? null).toBeNull();
  });

  it('learns a separable problem on its own and survives a JSON round trip', () => {
    // the other base scorers (almost) silenced: the ranking is the linear scorer's
    const model = trainClassifier(toy, { linear: true, linearWeight: 1, knnWeight: 0, centroidWeight: 1e-9, keywordWeight: 0 });
    const lin = model.data.linear;
    expect(lin).toBeTruthy();
    expect(lin?.fit.top1).toBe(1);
    for (const [item, label] of items) {
      const preds = predict(model, item, 3);
      expectWellFormed(preds, 3);
      expect(preds[0].label).toBe(label);
      expect(preds[0].score).toBeGreaterThan(0.5);
    }
    const loaded = loadModel(JSON.stringify(serializeModel(model)));
    for (const [item] of items) expect(predict(loaded, item, 3)).toEqual(predict(model, item, 3));
  });

  it('feeds the re-ranker, which is fitted on out-of-fold linear scores, and survives a JSON round trip', () => {
    const train = synthetic(120);
    const model = trainClassifier(train, { linear: true, linearWeight: 0.3 });
    expect(model.data.linear).toBeTruthy();
    expect(model.data.reranker?.featureNames).toContain('lin_p');
    const probe: ItemText[] = [
      { name: '新公司', products: [{ name: '动力电池', weight: 0.7 }, { name: '租赁', weight: 0.3 }] },
      { name: '某医疗', products: [{ name: '监护仪', weight: 0.5 }, { name: '呼吸机', weight: 0.5 }] },
    ];
    expect(predict(model, probe[0], 1)[0].label).toBe('电池');
    expect(predict(model, probe[1], 1)[0].label).toBe('器械');
    const loaded = loadModel(JSON.parse(JSON.stringify(serializeModel(model))));
    for (const it of probe) {
      expectWellFormed(predict(model, it, 3), 3);
      expect(predict(loaded, it, 3)).toEqual(predict(model, it, 3));
      expect(rank(loaded, it, 4)).toEqual(rank(model, it, 4));
    }
    expect(JSON.stringify(serializeModel(trainClassifier(train, { linear: true, linearWeight: 0.3 })))).toBe(JSON.stringify(serializeModel(model)));
  });
});

describe('chain-kg loaders', () => {
  it('normalises company codes', () => {
    expect(normalizeCode('301079')).toBe('301079.SZ');
    expect(normalizeCode('600373.sh')).toBe('600373.SH');
    expect(normalizeCode('000001.sz')).toBe('000001.SZ');
    expect(normalizeCode('900901')).toBe('900901.SH');
    expect(normalizeCode('abc')).toBe('');
  });

  it('drops accounting lines, one-character names and duplicates', () => {
    const out = cleanProducts([
      { name: '平衡项目', weight: 0 },
      { name: '分部间抵销', weight: -0.2 },
      { name: '调整项目', weight: 0.1 },
      { name: '内部抵销数', weight: -0.1 },
      { name: '合计', weight: 1 },
      { name: '硼', weight: 0.2 },
      { name: '锂电池', weight: 0.3 },
      { name: '锂电池', weight: 0.5 },
      { name: '平衡车', weight: 0.1 },
    ]);
    expect(out).toEqual([
      { name: '锂电池', weight: 0.5 },
      { name: '平衡车', weight: 0.1 },
    ]);
  });

  it('maps labels by industry name, with the two README aliases', () => {
    const table = parseIndustries([
      { code: '640000', name: '机械设备' },
      { code: '640100', name: '通用设备' },
      { code: '640108', name: '金属制品' },
      { code: '610303', name: '其他建材' },
      { code: '630306', name: '其他电源设备Ⅲ' },
    ]);
    const { labels, resolvedByName } = parseCompanyIndustries(
      [
        { company_code: '000001.sz', industry_code: '640401', industry_name: '金属制品', company_name: 'A' },
        { company_code: '600001.SH', industry_code: '610303', industry_name: '其他建材Ⅲ', company_name: 'B' },
        { company_code: '300001.SZ', industry_code: '630306', industry_name: '其他能源设备Ⅲ', company_name: 'C' },
      ],
      table,
    );
    expect(labels.get('000001.SZ')?.industryCode).toBe('640108');
    expect(labels.get('600001.SH')?.industryCode).toBe('610303');
    expect(labels.get('300001.SZ')?.industryCode).toBe('630306');
    expect(resolvedByName).toBe(1);
  });
});

describe('runClassify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'classify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

  it('writes three predictions for every unlabelled company, code as written, one line per code', async () => {
    const companies = [
      ...TINY.map((e) => ({ name: e.text.name, fullname: `${e.text.name}股份有限公司`, code: `${e.id}.${e.id.startsWith('6') ? 'SH' : 'SZ'}` })),
      { name: '新锂电', fullname: '某新锂电股份有限公司', code: '301999' },
      { name: '新锂电', fullname: '某新锂电科技股份有限公司', code: '301999' },
      { name: '空壳', fullname: '某空壳股份有限公司', code: '688999.SH' },
    ];
    const products = [
      ...TINY.flatMap((e) => (e.text.products ?? []).map((p) => ({ company_code: e.id, product_name: p.name, rel_weight: p.weight }))),
      { company_code: '301999.SZ', product_name: '动力锂电池', rel_weight: 0.9 },
      { company_code: '301999.SZ', product_name: '平衡项目', rel_weight: 0 },
    ];
    const code3 = { battery: '630701', liquor: '340501', meddev: '370402' } as Record<string, string>;
    const names3: Record<string, string> = { '630701': '锂电池', '340501': '白酒Ⅲ', '370402': '医疗设备' };
    const labels = TINY.map((e) => ({ company_code: e.id, industry_code: code3[e.label], industry_name: names3[code3[e.label]], company_name: e.text.name }));
    const industries = Object.entries(names3).map(([code, name]) => ({ code, name }));
    const paths = {
      companies: join(dir, 'company.json'),
      products: join(dir, 'company_product.json'),
      labels: join(dir, 'company_industry.json'),
      industries: join(dir, 'industry.json'),
      out: join(dir, 'predictions.jsonl'),
    };
    writeFileSync(paths.companies, jsonl(companies));
    writeFileSync(paths.products, jsonl(products));
    writeFileSync(paths.labels, jsonl(labels));
    writeFileSync(paths.industries, jsonl(industries));
    const progress: number[] = [];
    const res = await runClassify({ ...paths, onProgress: (done) => progress.push(done) });
    expect(res.labelled).toBe(TINY.length);
    expect(res.written).toBe(2);
    expect(res.duplicateRows).toBe(1);
    expect(progress.at(-1)).toBe(2);
    const lines = readFileSync(paths.out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.company_code)).toEqual(['301999', '688999.SH']);
    for (const l of lines) {
      expect(l.predictions).toHaveLength(3);
      for (const p of l.predictions) {
        expect(Object.keys(p).sort()).toEqual(['industry_code', 'industry_name', 'score']);
        expect(p.score).toBeGreaterThanOrEqual(0);
        expect(p.score).toBeLessThanOrEqual(1);
      }
    }
    expect(lines[0].predictions[0]).toMatchObject({ industry_code: '630701', industry_name: '锂电池' });
  });
});
