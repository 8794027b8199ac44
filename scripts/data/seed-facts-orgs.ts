/**
 * Hand-written records for every organisation named in shared/domain/seed-facts.md §3 (plus the
 * bodies named in §1–§2 that the demo needs as kinds: the three industry bureaus and the 天开
 * alliance). Source of every record: "seed-facts §3".
 *
 * Rules followed here:
 * - `name` or `shortName` is the exact form seed-facts uses; other common forms go in `aliases`.
 *   A fuller legal name is used only where it is well known; otherwise the seed-facts form stays.
 * - `divisionCode` is a district only where the location is well known, else the city or province.
 * - No 统一社会信用代码 and no size figures that seed-facts does not give.
 * - `listed`: the record is the same organisation as a 京津冀 listed company and is merged into
 *   that record (the listed record stays; these fields add to it). Such records carry no
 *   industryCode: a listed company's industry comes from Tushare only (blank = held out).
 */
import type { OrgKind } from './schemas.ts';

export interface SeedOrg {
  kind: OrgKind;
  name: string;
  shortName: string | null;
  aliases: string[];
  divisionCode: string;
  industryCode: string | null;
  stockCode?: string;
  products: string[];
  description: string | null;
  tags: string[];
  /** ts_code of the 京津冀 listed company this record merges into. */
  listed?: string;
  /** The words seed-facts uses for it, when none of its names appears there verbatim. */
  mention?: string;
}

const TJ = '120100'; // 天津市 (city level: district not well known)
const BJ = '110100'; // 北京市

export const SEED_ORGS: SeedOrg[] = [
  // ------------------------------------------------------------------ 中试平台 (pilot platforms)
  {
    kind: 'pilot_platform',
    name: '中国科学院天津工业生物技术研究所',
    shortName: '天津工业生物所',
    aliases: ['中科院天津工业生物所', '天津工业生物技术研究所', '中国科学院天津工业生物技术研究所生物制造中试平台'],
    divisionCode: '120116', // 天津空港经济区, 滨海新区
    industryCode: '731',
    products: ['人工合成淀粉', '二氧化碳合成淀粉', '合成生物', '生物制造', '生物制造中试', '聚丙烯生物降解'],
    description:
      '中国科学院所属研究所，工业和信息化部评定的五星级生物制造中试平台；实现以二氧化碳人工合成淀粉；2024 年以来技术许可 60 余项、金额 2.5 亿元以上；开展聚丙烯生物降解研究。',
    tags: ['中试平台', '五星级中试平台', '生物制造', '合成生物', '研究机构'],
  },
  {
    kind: 'pilot_platform',
    name: '华熙生物科技(天津)有限公司',
    shortName: '华熙生物',
    aliases: ['华熙生物天津', '华熙生物(天津)'],
    divisionCode: '120116', // 滨海新区
    industryCode: '27',
    products: ['透明质酸', '化妆品级透明质酸', '食品级透明质酸', '医药级透明质酸', '生物制造中试'],
    description:
      '五星级生物制造中试平台；4.4 万平方米，建有化妆品级、食品级、医药级生产线，64 条中试线。母公司华熙生物科技股份有限公司（688363.SH）注册地在山东，不在京津冀上市公司名单中。',
    tags: ['中试平台', '五星级中试平台', '生物制造', '生物医药', '企业'],
  },
  {
    kind: 'pilot_platform',
    name: '天津大学合成生物前沿研究院',
    shortName: null,
    aliases: ['天大合成生物前沿研究院'],
    divisionCode: TJ,
    industryCode: '731',
    products: ['合成生物', '生物制造中试'],
    description: '四星级生物制造中试平台（工业和信息化部评定），依托天津大学。',
    tags: ['中试平台', '四星级中试平台', '生物制造', '合成生物'],
  },
  {
    kind: 'pilot_platform',
    name: '北化院天津基地化工材料中试平台',
    shortName: null,
    aliases: ['北京化工研究院天津基地化工材料中试平台'],
    divisionCode: TJ,
    industryCode: '732',
    products: ['化工材料中试', '化工新材料'],
    description: '国家中试平台建设试点；北化院（北京化工研究院）天津基地的化工材料中试平台。',
    tags: ['中试平台', '国家中试平台试点', '化工新材料'],
  },
  {
    kind: 'pilot_platform',
    name: '细胞与基因治疗中试平台',
    shortName: null,
    aliases: [],
    divisionCode: TJ,
    industryCode: '734',
    products: ['细胞治疗', '基因治疗', '细胞与基因治疗中试'],
    description: '国家中试平台建设试点（天津）。',
    tags: ['中试平台', '国家中试平台试点', '生物医药'],
  },
  {
    kind: 'pilot_platform',
    name: '纤维新材料制备中试平台与转化中试平台',
    shortName: null,
    aliases: ['纤维新材料制备中试平台', '纤维新材料转化中试平台'],
    divisionCode: TJ,
    industryCode: '732',
    products: ['纤维新材料', '纤维新材料制备中试'],
    description: '国家中试平台建设试点（天津）。',
    tags: ['中试平台', '国家中试平台试点', '新材料'],
  },
  {
    kind: 'pilot_platform',
    name: '智能生物制造中试平台',
    shortName: null,
    aliases: [],
    divisionCode: TJ,
    industryCode: '732',
    products: ['智能生物制造', '生物制造中试'],
    description: '国家中试平台建设试点（天津）。',
    tags: ['中试平台', '国家中试平台试点', '生物制造'],
  },

  // ------------------------------------------------------------------ 天津企业 (enterprises)
  {
    listed: '688185.SH',
    kind: 'enterprise',
    name: '康希诺生物股份公司',
    shortName: '康希诺',
    aliases: ['康希诺生物'],
    divisionCode: '120116', // 天津经济技术开发区 (TEDA), 滨海新区
    industryCode: null,
    products: ['疫苗'],
    description: '天津生物医药企业，疫苗研发与生产。',
    tags: ['生物医药'],
  },
  {
    listed: '002821.SZ',
    kind: 'enterprise',
    name: '凯莱英医药集团(天津)股份有限公司',
    shortName: '凯莱英',
    aliases: [],
    divisionCode: '120116', // TEDA, 滨海新区
    industryCode: null,
    products: ['医药CDMO'],
    description: '天津生物医药企业，医药合同研发生产（CDMO）。',
    tags: ['生物医药'],
  },
  {
    kind: 'enterprise',
    name: '诺和诺德(中国)制药有限公司',
    shortName: '诺和诺德',
    aliases: ['诺和诺德天津工厂', '诺和诺德天津生产基地'],
    divisionCode: '120116', // TEDA, 滨海新区
    industryCode: '276',
    products: ['胰岛素'],
    description: '诺和诺德在天津的生产基地（天津工厂）。',
    tags: ['生物医药', '外资企业'],
  },
  {
    listed: '300119.SZ',
    kind: 'enterprise',
    name: '天津瑞普生物技术股份有限公司',
    shortName: '瑞普生物',
    aliases: [],
    divisionCode: '120000',
    industryCode: null,
    products: ['兽用生物制品', '动物疫苗'],
    description: '动物保健（兽用生物制品）企业；生物医药产业链链主企业。',
    tags: ['链主企业', '生物医药'],
  },
  {
    kind: 'enterprise',
    name: '合源生物科技(天津)有限公司',
    shortName: '合源生物',
    aliases: [],
    divisionCode: TJ,
    industryCode: '276',
    products: ['CAR-T细胞治疗', '细胞治疗'],
    description: '天津细胞治疗（CAR-T）企业。',
    tags: ['生物医药', '细胞与基因治疗'],
  },
  {
    kind: 'enterprise',
    name: '金桥焊材',
    shortName: null,
    aliases: ['天津金桥焊材', '金桥焊材集团'],
    divisionCode: TJ,
    industryCode: '339',
    products: ['焊接材料', '焊条', '焊丝'],
    description: '焊接产业链链主企业，牵头焊接产业链创新联合体（终端用户：中车、中石油）。',
    tags: ['链主企业', '产业链创新联合体', '焊接'],
  },
  {
    kind: 'enterprise',
    name: '天地伟业技术有限公司',
    shortName: '天地伟业',
    aliases: ['Tiandy'],
    divisionCode: TJ,
    industryCode: '39',
    products: ['视频监控', '安防设备'],
    description: '天津安防（视频监控）企业；链主企业。',
    tags: ['链主企业', '信创'],
  },
  {
    kind: 'enterprise',
    name: '卓朗科技',
    shortName: null,
    aliases: ['天津卓朗科技'],
    divisionCode: TJ,
    industryCode: '65',
    products: [],
    description: '天津信息技术企业（seed-facts §3 所列企业）。',
    tags: ['信创'],
  },
  {
    kind: 'enterprise',
    name: '天发水电',
    shortName: null,
    aliases: ['天津天发'],
    divisionCode: TJ,
    industryCode: '341',
    products: ['水电装备'],
    description: '天津水电装备企业（seed-facts §3 所列企业）。',
    tags: ['高端装备'],
  },
  {
    kind: 'enterprise',
    name: '天津百利机械装备集团有限公司',
    shortName: '天津百利机械装备集团',
    aliases: ['百利集团', '百利装备集团'],
    divisionCode: TJ,
    industryCode: '38',
    products: ['电气装备', '水电装备', '安全应急装备'],
    description: '参与安全应急、水电装备、电气装备 3 个产业链创新联合体。',
    tags: ['产业链创新联合体', '高端装备', '安全应急装备'],
  },
  {
    kind: 'enterprise',
    name: '津亚电子',
    shortName: null,
    aliases: ['天津津亚电子'],
    divisionCode: TJ,
    industryCode: '39',
    products: ['SMT贴片', '精密加工', '注塑成型', '组装', '样品试制', '首台套加工'],
    description:
      '电子产品代工制造企业，30 年经验；为缺少本地制造伙伴的初创企业提供 SMT 贴片、精密加工、注塑成型、组装、样品试制和首台套加工。',
    tags: ['代工制造', '电子制造'],
  },
  {
    kind: 'enterprise',
    name: '菲特(天津)检测技术有限公司',
    shortName: '菲特(天津)检测技术',
    aliases: ['菲特检测', '菲特'],
    divisionCode: TJ,
    industryCode: '745',
    products: ['AI光学检测', '机器视觉检测'],
    description: '人工智能光学检测企业。',
    tags: ['检验检测', '人工智能'],
  },
  {
    listed: '601686.SH',
    kind: 'enterprise',
    name: '天津友发钢管集团股份有限公司',
    shortName: '友发集团',
    aliases: ['天津友发钢管集团', '友发钢管'],
    divisionCode: '120118', // 静海区 (大邱庄)
    industryCode: null,
    products: ['焊接钢管'],
    description: '焊接钢管企业。',
    tags: ['钢铁'],
  },
  {
    kind: 'enterprise',
    name: '中电云脑(天津)',
    shortName: null,
    aliases: ['中电云脑'],
    divisionCode: TJ,
    industryCode: null,
    products: ['脑机接口'],
    description: '脑机接口企业。',
    tags: ['脑机接口'],
  },
  {
    kind: 'enterprise',
    name: '联恒工业',
    shortName: null,
    aliases: [],
    divisionCode: TJ,
    industryCode: null,
    products: [],
    description: '天津企业（seed-facts §3 所列企业）。',
    tags: [],
  },
  {
    kind: 'enterprise',
    name: '天津常兴储能科技',
    shortName: null,
    aliases: ['常兴储能'],
    divisionCode: TJ,
    industryCode: '384',
    products: ['储能'],
    description: '储能企业。',
    tags: ['新能源', '储能'],
  },
  {
    kind: 'enterprise',
    name: '天津荣程联合钢铁集团有限公司',
    shortName: '荣程集团',
    aliases: ['荣程钢铁'],
    divisionCode: '120112', // 津南区 (葛沽)
    industryCode: '31',
    products: ['钢铁'],
    description: '天津钢铁企业集团。',
    tags: ['钢铁'],
  },
  {
    kind: 'enterprise',
    name: '中船(天津)船舶制造有限公司',
    shortName: '中船(天津)船舶制造',
    aliases: ['中船天津'],
    divisionCode: '120116', // 临港经济区, 滨海新区
    industryCode: '373',
    products: ['船舶制造'],
    description: '中国船舶集团在天津的造船企业。',
    tags: ['高端装备', '船舶'],
  },
  // 天开园 start-ups: seed-facts names them only; their business is not given.
  ...['大地机器人', '天开有仪', '咏智智能', '小波智联', '瀚同科技'].map(
    (name): SeedOrg => ({
      kind: 'enterprise',
      name,
      shortName: null,
      aliases: [],
      divisionCode: TJ,
      industryCode: null,
      products: [],
      description: '天开高教科创园（天开园）入驻初创企业。',
      tags: ['初创', '天开园'],
    }),
  ),

  // ------------------------------------------------------------------ 汽车 (automotive)
  {
    kind: 'enterprise',
    name: '北京奔驰汽车有限公司',
    shortName: '北京奔驰',
    aliases: ['Beijing Benz'],
    divisionCode: '110115', // 北京经济技术开发区 → 大兴区
    industryCode: '361',
    products: ['乘用车', '梅赛德斯-奔驰乘用车'],
    description: '整车企业；零部件在京津冀区域内的采购额占其全国采购额的 55%。',
    tags: ['汽车', '整车', '链主企业'],
  },
  {
    kind: 'enterprise',
    name: '小米汽车科技有限公司',
    shortName: '小米汽车',
    aliases: ['Xiaomi Auto'],
    divisionCode: '110115', // 北京经济技术开发区 → 大兴区
    industryCode: '361',
    products: ['智能电动汽车'],
    description: '整车企业；在京津冀有 45 家定点供应商。',
    tags: ['汽车', '整车', '新能源汽车'],
  },
  {
    kind: 'enterprise',
    name: '理想汽车',
    shortName: null,
    aliases: ['Li Auto'],
    divisionCode: BJ,
    industryCode: '361',
    products: ['智能电动汽车', '增程式电动汽车'],
    description: '整车企业；在京津冀有 70 家定点供应商。',
    tags: ['汽车', '整车', '新能源汽车'],
  },
  ...(
    [
      ['新伟祥', ['汽车零部件']],
      ['达祥', ['汽车零部件']],
      ['日进汽车', ['汽车零部件']],
      ['海斯坦普', ['汽车车身零部件', '汽车零部件']],
      ['海拉车灯', ['汽车车灯', '汽车零部件']],
    ] as const
  ).map(
    ([name, products]): SeedOrg => ({
      kind: 'enterprise',
      name,
      shortName: null,
      aliases: [],
      divisionCode: '120114', // 武清区
      industryCode: '367',
      products: [...products],
      description: '武清区汽车零部件供应商，服务北京整车企业（奔驰、理想、小米）。',
      tags: ['汽车', '汽车零部件', '武清'],
    }),
  ),
  {
    kind: 'institute',
    name: '中国汽车技术研究中心有限公司',
    shortName: '中汽中心',
    aliases: ['CATARC'],
    divisionCode: '120110', // 东丽区
    industryCode: '732',
    products: ['汽车检测认证', '汽车标准研究'],
    description: '汽车行业技术研究与检测认证机构；新能源汽车数据融合等产业链创新联合体成员。',
    tags: ['汽车', '研究机构', '检验检测'],
  },
  {
    kind: 'institute',
    name: '中汽数据有限公司',
    shortName: '中汽数据',
    aliases: [],
    divisionCode: TJ,
    industryCode: '65',
    products: ['汽车数据服务'],
    description: '中汽中心所属汽车数据机构。',
    tags: ['汽车', '数据'],
  },
  {
    kind: 'enterprise',
    name: '特变电工股份有限公司',
    shortName: '特变电工',
    aliases: [],
    divisionCode: '652300', // 新疆 昌吉回族自治州 (outside the region)
    industryCode: '382',
    stockCode: '600089.SH',
    products: ['变压器', '输变电装备'],
    description: '产业链创新联合体成员（京津冀以外企业）。',
    tags: ['产业链创新联合体', '京津冀外'],
  },
  {
    kind: 'enterprise',
    name: '吉利汽车',
    shortName: null,
    aliases: ['吉利'],
    divisionCode: '330100', // 浙江 杭州市 (outside the region)
    industryCode: '361',
    products: ['汽车'],
    description: '产业链创新联合体成员（京津冀以外企业）。',
    tags: ['汽车', '产业链创新联合体', '京津冀外'],
  },
  // End users of the 焊接 consortium: both are Beijing listed companies.
  {
    listed: '601766.SH',
    kind: 'enterprise',
    name: '中国中车股份有限公司',
    shortName: '中国中车',
    aliases: ['中车'],
    divisionCode: '110000',
    industryCode: null,
    products: [],
    description: '焊接产业链创新联合体的终端用户。',
    tags: ['产业链创新联合体'],
  },
  {
    listed: '601857.SH',
    kind: 'enterprise',
    name: '中国石油天然气股份有限公司',
    shortName: '中国石油',
    aliases: ['中石油'],
    divisionCode: '110000',
    industryCode: null,
    products: [],
    description: '焊接产业链创新联合体的终端用户。',
    tags: ['产业链创新联合体'],
  },

  // ------------------------------------------------------------------ 研究机构与实验室
  {
    kind: 'open_lab',
    name: '合成生物学海河实验室',
    shortName: null,
    aliases: [],
    divisionCode: TJ,
    industryCode: '731',
    products: ['合成生物'],
    description: '天津海河实验室之一。',
    tags: ['海河实验室', '合成生物', '生物制造'],
  },
  {
    kind: 'open_lab',
    name: '信创海河实验室',
    shortName: null,
    aliases: ['先进计算与关键软件(信创)海河实验室'],
    divisionCode: TJ,
    industryCode: '732',
    products: ['信创', '先进计算', '关键软件'],
    description: '天津海河实验室之一。',
    tags: ['海河实验室', '信创'],
  },
  {
    kind: 'open_lab',
    name: '脑机交互与人机共融海河实验室',
    shortName: null,
    aliases: [],
    divisionCode: TJ,
    industryCode: '732',
    products: ['脑机交互', '人机共融'],
    description: '天津海河实验室之一。',
    tags: ['海河实验室', '脑机接口'],
  },
  {
    kind: 'open_lab',
    name: '物创海河实验室',
    shortName: null,
    aliases: ['物质绿色创造与制造海河实验室'],
    divisionCode: TJ,
    industryCode: '731',
    products: ['物质绿色创造与制造'],
    description: '天津海河实验室之一。',
    tags: ['海河实验室', '新材料'],
  },
  {
    kind: 'institute',
    name: '国际生物医药联合研究院',
    shortName: null,
    aliases: ['天津国际生物医药联合研究院'],
    divisionCode: '120116', // TEDA, 滨海新区
    industryCode: '734',
    products: ['生物医药研发'],
    description: '天津生物医药研发机构。',
    tags: ['生物医药', '研究机构'],
  },
  {
    kind: 'institute',
    name: '津药联合院',
    shortName: null,
    aliases: [],
    divisionCode: TJ,
    industryCode: '734',
    products: ['药物研发'],
    description: '天津医药研发机构（seed-facts 与国际生物医药联合研究院并列）。',
    tags: ['生物医药', '研究机构'],
  },
  {
    listed: '920753.BJ',
    kind: 'enterprise',
    name: '天纺标检测认证股份有限公司',
    shortName: '天纺标',
    aliases: [],
    divisionCode: '120000',
    industryCode: null,
    products: ['纺织品检测', '检验检测认证'],
    description: '检验检测认证机构。',
    tags: ['检验检测'],
  },
  {
    kind: 'institute',
    name: '天津大学精馏技术国家工程研究中心',
    shortName: null,
    aliases: ['精馏技术国家工程研究中心'],
    divisionCode: TJ,
    industryCode: '732',
    products: ['精馏技术', '化工分离'],
    description: '依托天津大学的国家工程研究中心。',
    tags: ['研究机构', '绿色石化'],
  },
  {
    kind: 'institute',
    name: '中国医学科学院血液病医院',
    shortName: '血液病医院',
    aliases: ['中国医学科学院', '中国医学科学院血液学研究所'],
    divisionCode: '120101', // 和平区
    industryCode: '841',
    products: ['血液病诊疗', '血液学研究'],
    description: '中国医学科学院在天津的血液病医院（血液学研究所）。',
    tags: ['生物医药', '研究机构', '医院'],
  },

  // ------------------------------------------------------------------ 高校 (universities)
  {
    kind: 'university',
    name: '天津大学',
    shortName: null,
    aliases: ['天大'],
    divisionCode: '120104', // 南开区
    industryCode: '834',
    products: [],
    description: '首批 17 个产业链创新联合体中参与 12 个。',
    tags: ['高校', '产业链创新联合体'],
  },
  {
    kind: 'university',
    name: '南开大学',
    shortName: null,
    aliases: ['南开'],
    divisionCode: '120104', // 南开区
    industryCode: '834',
    products: [],
    description: '首批 17 个产业链创新联合体中参与 6 个。',
    tags: ['高校', '产业链创新联合体'],
  },
  ...(
    [
      ['北京工业大学', ['北工大'], '110105'], // 朝阳区
      ['北京石油化工学院', [], '110115'], // 大兴区
      ['北京航空航天大学', ['北航'], '110108'], // 海淀区
      ['北京大学', ['北大'], '110108'], // 海淀区
    ] as const
  ).map(
    ([name, aliases, divisionCode]): SeedOrg => ({
      kind: 'university',
      name,
      shortName: null,
      aliases: [...aliases],
      divisionCode,
      industryCode: '834',
      products: [],
      description: '产业链创新联合体的高校成员。',
      tags: ['高校'],
    }),
  ),
  {
    // Listed among the universities in seed-facts, but it is a research institute.
    kind: 'institute',
    name: '北京交通发展研究院',
    shortName: null,
    aliases: [],
    divisionCode: BJ,
    industryCode: '732',
    products: ['交通规划研究'],
    description: '北京交通研究机构；产业链创新联合体成员。',
    tags: ['研究机构'],
  },
  {
    kind: 'university',
    name: '河北工业大学',
    shortName: null,
    aliases: ['河工大'],
    divisionCode: TJ, // a Hebei university whose campuses are in Tianjin
    industryCode: '834',
    products: [],
    description: '河北省所属高校，校区位于天津。',
    tags: ['高校', '河北省属'],
  },
  {
    kind: 'university',
    name: '国防科技大学',
    shortName: null,
    aliases: [],
    divisionCode: '430000', // 湖南 (outside the region)
    industryCode: '834',
    products: [],
    description: '产业链创新联合体的高校成员（京津冀以外）。',
    tags: ['高校', '京津冀外'],
  },
  {
    kind: 'university',
    name: '西安交通大学',
    shortName: null,
    aliases: ['西安交大'],
    divisionCode: '610000', // 陕西 (outside the region)
    industryCode: '834',
    products: [],
    description: '产业链创新联合体的高校成员（京津冀以外）。',
    tags: ['高校', '京津冀外'],
  },

  // ------------------------------------------------------------------ 联盟与政府 (§1–§2)
  {
    kind: 'association',
    name: '天开实验室创新发展联盟',
    shortName: null,
    aliases: [],
    divisionCode: TJ,
    industryCode: '952',
    products: [],
    description:
      '成员单位 447 家（国家级、海河及市级重点实验室，金融和服务机构）；能源领域专场组织 16 家实验室对接 20 余家企业。',
    tags: ['联盟', '天开园'],
  },
  ...(
    [
      ['北京市经济和信息化局', ['北京市经信局'], '110000'],
      ['天津市工业和信息化局', ['天津市工信局'], '120000'],
      ['河北省工业和信息化厅', ['河北省工信厅'], '130000'],
    ] as const
  ).map(
    ([name, aliases, divisionCode]): SeedOrg => ({
      mention: '工信部门', // §1: "the three regions' industry bureaus (工信部门)"
      kind: 'government',
      name,
      shortName: null,
      aliases: [...aliases],
      divisionCode,
      industryCode: '922',
      products: [],
      description: '京津冀三地工信部门联合工作组成员（轮值组长制）；共同绘制六条重点产业链图谱。',
      tags: ['工信部门'],
    }),
  ),
];
