/**
 * Writes data/demo/supply-links.json: an ILLUSTRATIVE supply network of the three Beijing vehicle
 * makers named in seed-facts §3 (北京奔驰, 小米汽车, 理想汽车), 2021–2025.
 *
 *   node --import tsx scripts/demo-supply-links.ts
 *
 * The suppliers are real organisations of the demo data (data/demo/organizations.json: 京津冀
 * listed companies and the seed-facts firms; data/demo/national-companies.json: listed companies
 * outside the region), chosen because their published products fit the part. WHO BUYS WHAT, AND
 * EVERY AMOUNT, IS INVENTED: no record is a real purchase. The network is calibrated to the
 * figures of seed-facts §2 (see CALIBRATION below and data/demo/supply-links.README.md).
 * Deterministic: the same inputs give the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEMO = join(ROOT, 'data', 'demo');
const CHAIN = 'nev-icv';

export const SOURCE =
  'ILLUSTRATIVE 示意数据：虚构的采购关系和金额，不是任何企业的真实采购记录；按 seed-facts §2 的公开数字校准（scripts/demo-supply-links.ts） / invented purchases, calibrated to seed-facts §2';

/** [supplier (short name in the demo data), part, node of nev-icv or null, base amount 万元/year] */
type Entry = [string, string, string | null, number];

// ---------------------------------------------------------------- 京津冀 suppliers (catalogue)
// One default part each; buyers below pick from this list, sometimes with a second part.
const JJJ: Entry[] = [
  // 天津 武清 (seed-facts §3: suppliers of 奔驰 / 理想 / 小米)
  ['海斯坦普', '热成形件', '车身及内外饰', 80000],
  ['新伟祥', '车身冲压件', '车身及内外饰', 60000],
  ['海拉车灯', 'LED大灯总成', '车灯', 50000],
  ['日进汽车', '副车架', '底盘系统', 30000],
  ['达祥', '精密压铸件', '轻量化材料', 25000],
  // 河北
  ['凌云股份', '保险杠总成', '车身及内外饰', 40000],
  ['河钢股份', '汽车用高强钢板', '轻量化材料', 40000],
  ['立中集团', '铝合金车轮', '底盘系统', 25000],
  ['中国动力', '12V启动蓄电池', '车载电源与高压配电', 6000],
  ['通合科技', '车载充电机', '车载电源与高压配电', 6000],
  ['华通线缆', '高压线缆', '汽车线束与连接器', 4000],
  ['科力装备', '汽车玻璃总成组件', '车身及内外饰', 4000],
  ['东利机械', '扭振减振器零件', '底盘系统', 4000],
  ['华密新材', '橡胶减振件', '底盘系统', 3000],
  ['中瓷电子', '碳化硅功率器件', '功率半导体', 3000],
  ['紫光国微', '车规安全芯片', '车规级芯片', 1500],
  ['世昌股份', '塑料燃油箱', '车身及内外饰', 15000],
  // 天津
  ['鹏翎股份', '热管理管路', '热管理系统', 10000],
  ['天汽模', '车身冲压模具', '车身及内外饰', 12000],
  ['锐新科技', '电池托盘铝型材', '轻量化材料', 8000],
  ['荣程集团', '汽车用特钢棒材', '轻量化材料', 9000],
  ['中汽中心', '整车检测认证', '汽车检测认证', 5000],
  ['津荣天宇', '精密冲压件', '汽车电子', 5000],
  ['天津普林', '印制电路板', '汽车电子', 3000],
  ['津亚电子', 'SMT贴片代工', '汽车电子', 2500],
  ['盟固利', '低压锂电池', '车载电源与高压配电', 3000],
  ['经纬辉开', '电机电磁线', '电驱动', 2500],
  ['百利电气', '电磁线', '电驱动', 2000],
  ['唯捷创芯', '射频前端芯片', '车载通信终端', 1500],
  ['中汽数据', '汽车数据合规服务', '汽车数据服务', 1500],
  ['菲特(天津)检测技术', 'AI视觉检测设备', null, 1500],
  ['天津港', '进口零部件港口物流', null, 10000],
  ['中科曙光', '智算服务器', null, 8000],
  ['金桥焊材', '焊接材料', null, 2000],
  ['天纺标', '内饰纺织品检测', '汽车检测认证', 400],
  // 北京
  ['首钢股份', '汽车外板冷轧钢', '轻量化材料', 60000],
  ['京东方A', '车载显示屏', '智能座舱', 40000],
  ['峰璟股份', '外饰件', '车身及内外饰', 25000],
  ['精进电动-UW', '驱动电机', '电驱动', 20000],
  ['中国铝业', '汽车铝合金板', '轻量化材料', 20000],
  ['中科三环', '钕铁硼磁钢', '稀土永磁材料', 15000],
  ['经纬恒润-W', '车身域控制器', '汽车电子', 14000],
  ['四维图新', '导航电子地图', '高精度地图与定位', 10000],
  ['中国联通', '车联网通信服务', '车联网', 9000],
  ['兆易创新', '车规MCU', '车规级芯片', 8000],
  ['中科创达', '智能座舱软件', '汽车基础软件', 7000],
  ['北京君正', '车规存储芯片', '车规级芯片', 6000],
  ['北斗星通', '组合导航模块', '高精度地图与定位', 5000],
  ['软通动力', '汽车软件开发服务', '汽车基础软件', 5000],
  ['动力源', '车载DC/DC', '车载电源与高压配电', 4000],
  ['中石科技', '导热界面材料', '热管理系统', 4000],
  ['圣邦股份', '电源管理芯片', '车规级芯片', 3500],
  ['安泰科技', '电机软磁材料', '电驱动', 3500],
  ['雷科防务', '毫米波雷达', '毫米波雷达', 3000],
  ['燕东微', '车规级功率器件', '功率半导体', 3000],
  ['万集科技', 'C-V2X车载终端', '车载通信终端', 2500],
  ['奇安信-U', '车联网安全服务', '汽车数据服务', 2000],
  ['星网宇达', '惯性导航单元', '高精度地图与定位', 2000],
  ['鸿远电子', '车规MLCC', '汽车电子', 1500],
  ['华力创通', '仿真测试系统', '汽车检测认证', 1500],
  ['美芯晟', '车载无线充电芯片', '车规级芯片', 1200],
  ['富吉瑞', '车载红外夜视', '车载摄像头', 1500],
  ['数字认证', '车联网PKI证书服务', '汽车数据服务', 700],
  ['长久物流', '整车物流', null, 15000],
  ['阿尔特', '整车设计开发服务', null, 8000],
  ['北自科技', '工厂智能物流系统', null, 6000],
  ['中国外运', '国际货运代理', null, 6000],
  ['光环新网', 'IDC及云计算服务', null, 5000],
  ['用友网络', 'ERP软件及服务', null, 2500],
  ['寒武纪-U', 'AI训练加速卡', null, 3000],
  ['凌云光', '机器视觉检测系统', null, 2000],
  ['国检集团', '材料检测', '汽车检测认证', 900],
  ['中机认检', '汽车零部件认证', '汽车检测认证', 700],
  ['钢研纳克', '金属材料检测', '汽车检测认证', 600],
  ['谱尼测试', '车内空气质量检测', '汽车检测认证', 500],
];

// ---------------------------------------------------------------- suppliers outside 京津冀
const OUT: Record<string, Entry> = Object.fromEntries(
  (
    [
      ['宁德时代', '动力电池包', '动力电池', 160000],
      ['比亚迪', '刀片电池', '动力电池', 120000],
      ['欣旺达', '动力电芯', '动力电池', 60000],
      ['宝钢股份', '汽车板', '轻量化材料', 100000],
      ['华域汽车', '仪表板总成', '车身及内外饰', 80000],
      ['均胜电子', '安全气囊及方向盘', '汽车电子', 60000],
      ['福耀玻璃', '汽车玻璃', '车身及内外饰', 50000],
      ['拓普集团', '悬架减震系统', '底盘系统', 50000],
      ['立讯精密', '汽车线束', '汽车线束与连接器', 40000],
      ['宁波华翔', '门内饰板', '车身及内外饰', 40000],
      ['德赛西威', '座舱域控制器', '域控制器与计算平台', 35000],
      ['南山铝业', '汽车铝板', '轻量化材料', 35000],
      ['伯特利', '盘式制动器', '底盘系统', 35000],
      ['玲珑轮胎', '乘用车轮胎', '底盘系统', 30000],
      ['继峰股份', '头枕及座椅扶手', '座椅', 30000],
      ['文灿股份', '一体化压铸件', '轻量化材料', 30000],
      ['汇川技术', '电机控制器', '电驱动', 25000],
      ['万丰奥威', '铝合金轮毂', '底盘系统', 25000],
      ['三花智控', '电子膨胀阀', '热管理系统', 22000],
      ['新泉股份', '门板总成', '车身及内外饰', 22000],
      ['中鼎股份', '橡胶密封系统', '车身及内外饰', 20000],
      ['沪光股份', '高压线束', '汽车线束与连接器', 20000],
      ['银轮股份', '热管理集成模块', '热管理系统', 18000],
      ['爱柯迪', '铝合金压铸件', '轻量化材料', 18000],
      ['斯达半导', 'IGBT模块', '功率半导体', 15000],
      ['中航光电', '高压连接器', '汽车线束与连接器', 15000],
      ['精锻科技', '差速器锥齿轮', '底盘系统', 14000],
      ['时代电气', 'SiC功率模块', '功率半导体', 12000],
      ['豪威集团', 'CMOS图像传感器', '车载摄像头', 12000],
      ['兆丰股份', '轮毂轴承单元', '底盘系统', 12000],
      ['金力永磁', '钕铁硼磁钢', '稀土永磁材料', 12000],
      ['科博达', '照明控制器', '汽车电子', 11000],
      ['华阳集团', '抬头显示', '智能座舱', 10000],
      ['星宇股份', '尾灯总成', '车灯', 9000],
      ['岱美股份', '遮阳板', '车身及内外饰', 9000],
      ['双环传动', '电驱减速器齿轮', '电驱动', 9000],
      ['保隆科技', '胎压监测传感器', '汽车电子', 8000],
      ['移远通信', '5G车载模组', '车载通信终端', 7000],
      ['东山精密', '车载柔性线路板', '汽车电子', 6000],
      ['中国汽研', '碰撞试验', '汽车检测认证', 3000],
    ] as Entry[]
  ).map((e) => [e[0], e]),
);

// ---------------------------------------------------------------- buyers
interface Pick {
  e: Entry;
  from: number;
  to?: number;
  /** multiplies the base amount for this buyer */
  k?: number;
  part?: string;
  node?: string | null;
}
interface Buyer {
  name: string;
  years: number[];
  /** volume index per year (1 = base) */
  volume: Record<number, number>;
  inside: Pick[];
  outside: Pick[];
  /** target share of purchases inside 京津冀 by amount, per year (outside amounts are scaled to hit it) */
  amountShare?: Record<number, number>;
}

const J = new Map(JJJ.map((e) => [e[0], e]));
const j = (name: string, from: number, extra: Partial<Pick> = {}): Pick => {
  const e = J.get(name);
  if (!e) throw new Error(`not in the 京津冀 catalogue: ${name}`);
  return { e, from, ...extra };
};
const o = (name: string, from: number, extra: Partial<Pick> = {}): Pick => {
  const e = OUT[name];
  if (!e) throw new Error(`not in the outside catalogue: ${name}`);
  return { e, from, ...extra };
};

/**
 * 北京奔驰: a long-established maker with a deep local base (武清 suppliers, 河北 steel and
 * wheels). Calibrated: purchases inside 京津冀 = 55% of its purchases by amount in 2025
 * (seed-facts §2 "区域内采购额占到全国55%"), rising from 47% in 2021.
 */
const BENZ: Buyer = {
  name: '北京奔驰',
  years: [2021, 2022, 2023, 2024, 2025],
  volume: { 2021: 1.0, 2022: 0.95, 2023: 1.02, 2024: 1.0, 2025: 0.97 },
  amountShare: { 2021: 0.47, 2022: 0.5, 2023: 0.52, 2024: 0.54, 2025: 0.55 },
  inside: [
    j('海斯坦普', 2021, { k: 2.2 }),
    j('海斯坦普', 2021, { part: '白车身结构件', k: 1.2 }),
    j('新伟祥', 2021, { k: 2 }),
    j('海拉车灯', 2021, { k: 2.2 }),
    j('海拉车灯', 2021, { part: '尾灯总成', k: 0.8 }),
    j('日进汽车', 2021, { k: 2 }),
    j('达祥', 2021, { part: '转向节', node: '底盘系统', k: 1.8 }),
    j('凌云股份', 2021, { k: 1.8 }),
    j('凌云股份', 2022, { part: '车门防撞梁', k: 0.8 }),
    j('河钢股份', 2021, { k: 2.1 }),
    j('首钢股份', 2021, { k: 1.8 }),
    j('立中集团', 2021, { k: 2 }),
    j('世昌股份', 2021, { k: 1.6 }),
    j('鹏翎股份', 2021, { k: 1.8 }),
    j('鹏翎股份', 2021, { part: '车门密封条', node: '车身及内外饰', k: 1.4 }),
    j('天汽模', 2021, { k: 1.8 }),
    j('津荣天宇', 2021, { k: 1.8 }),
    j('锐新科技', 2022, { k: 1.5 }),
    j('荣程集团', 2021, { k: 1.6 }),
    j('金桥焊材', 2021, { k: 1.5 }),
    j('科力装备', 2021, { k: 2 }),
    j('东利机械', 2021, { k: 1.8 }),
    j('华密新材', 2021, { k: 2 }),
    j('中国动力', 2021, { k: 2.6 }),
    j('峰璟股份', 2021, { k: 1.5 }),
    j('京东方A', 2022, { k: 1.1 }),
    j('四维图新', 2021, { k: 1.6 }),
    j('北斗星通', 2023),
    j('中科创达', 2022, { k: 1.3 }),
    j('经纬恒润-W', 2021, { k: 1.5 }),
    j('中国联通', 2021, { k: 1.3 }),
    j('中石科技', 2023),
    j('中汽中心', 2021, { k: 1.6 }),
    j('中汽数据', 2023, { k: 1.6 }),
    j('菲特(天津)检测技术', 2024, { k: 1.2 }),
    j('天纺标', 2021, { k: 1.5 }),
    j('长久物流', 2021, { k: 1.7 }),
    j('天津港', 2021, { k: 1.4 }),
    j('中国外运', 2021, { k: 1.5 }),
    j('软通动力', 2022),
    j('国检集团', 2021, { k: 1.3 }),
  ],
  outside: [
    o('宁德时代', 2022),
    o('宝钢股份', 2021),
    o('华域汽车', 2021),
    o('均胜电子', 2021),
    o('福耀玻璃', 2021),
    o('拓普集团', 2021),
    o('立讯精密', 2021),
    o('宁波华翔', 2021),
    o('南山铝业', 2021),
    o('伯特利', 2021),
    o('玲珑轮胎', 2021),
    o('继峰股份', 2021),
    o('万丰奥威', 2021),
    o('三花智控', 2021),
    o('新泉股份', 2021),
    o('中鼎股份', 2021),
    o('沪光股份', 2022),
    o('爱柯迪', 2021),
    o('斯达半导', 2022),
    o('中航光电', 2022),
    o('精锻科技', 2021),
    o('豪威集团', 2021),
    o('兆丰股份', 2021),
    o('科博达', 2021),
    o('岱美股份', 2021),
    o('保隆科技', 2021),
    o('移远通信', 2023),
    o('德赛西威', 2023),
    o('汇川技术', 2023),
    o('中国汽研', 2021),
  ],
};

/**
 * 小米汽车: deliveries from 2024 (SU7), volume ×2.6 in 2025 (YU7). Calibrated: 45 designated
 * suppliers in 京津冀 (distinct suppliers inside the region, 2025).
 */
const XIAOMI_INSIDE_2024 = [
  '海斯坦普', '新伟祥', '海拉车灯', '日进汽车', '达祥', '凌云股份', '河钢股份', '立中集团', '首钢股份', '京东方A', '峰璟股份',
  '中科三环', '经纬恒润-W', '四维图新', '中国联通', '兆易创新', '中科创达', '北京君正', '北斗星通', '软通动力', '中石科技',
  '圣邦股份', '鹏翎股份', '天汽模', '锐新科技', '中汽中心', '津荣天宇', '天津普林', '中汽数据', '长久物流', '光环新网', '奇安信-U',
];
const XIAOMI_INSIDE_2025 = ['中国动力', '科力装备', '华密新材', '鸿远电子', '美芯晟', '安泰科技', '数字认证', '津亚电子', '唯捷创芯', '紫光国微', '通合科技', '动力源', '菲特(天津)检测技术'];
const XIAOMI: Buyer = {
  name: '小米汽车',
  years: [2024, 2025],
  volume: { 2024: 1.0, 2025: 2.6 },
  inside: [
    ...XIAOMI_INSIDE_2024.map((n) => j(n, 2024, { k: 0.8 })),
    ...XIAOMI_INSIDE_2025.map((n) => j(n, 2025, { k: 0.8 })),
    j('凌云股份', 2024, { part: '电池包壳体', node: '动力电池', k: 0.6 }),
    j('京东方A', 2025, { part: '后排娱乐屏', k: 0.3 }),
  ],
  outside: [
    o('宁德时代', 2024, { k: 1.8 }),
    o('比亚迪', 2024, { k: 1.2 }),
    o('汇川技术', 2024, { k: 1.4 }),
    o('德赛西威', 2024, { part: '智驾域控制器', k: 1.1 }),
    o('文灿股份', 2024),
    o('继峰股份', 2024, { part: '汽车座椅', k: 1.2 }),
    o('拓普集团', 2024, { part: '空气悬架', node: '线控底盘' }),
    o('立讯精密', 2024, { k: 0.7 }),
    o('三花智控', 2024, { part: '热管理集成模块', k: 0.9 }),
    o('福耀玻璃', 2024, { k: 0.5 }),
    o('华域汽车', 2024, { k: 0.3 }),
    o('新泉股份', 2024, { part: '仪表板', k: 0.8 }),
    o('伯特利', 2024, { part: '线控制动', node: '线控底盘', k: 0.5 }),
    o('均胜电子', 2024, { k: 0.3 }),
    o('斯达半导', 2024, { part: 'SiC功率模块', k: 1.0 }),
    o('豪威集团', 2024, { k: 0.7 }),
    o('星宇股份', 2024),
    o('中航光电', 2024, { k: 0.6 }),
    o('移远通信', 2024, { k: 0.9 }),
    o('金力永磁', 2024),
    o('保隆科技', 2025, { k: 0.6 }),
    o('双环传动', 2025),
  ],
};

/**
 * 理想汽车 (Beijing plant and R&D): volume grows from 2022. Calibrated: 70 designated suppliers in
 * 京津冀 (distinct suppliers inside the region, 2025).
 */
const LI_ORDER = [
  // 2022: 35
  '海斯坦普', '新伟祥', '海拉车灯', '日进汽车', '达祥', '凌云股份', '河钢股份', '立中集团', '首钢股份', '世昌股份', '京东方A', '峰璟股份',
  '精进电动-UW', '经纬恒润-W', '四维图新', '中国联通', '兆易创新', '中科创达', '北京君正', '北斗星通', '鹏翎股份', '天汽模', '锐新科技',
  '中汽中心', '津荣天宇', '天津普林', '长久物流', '阿尔特', '光环新网', '用友网络', '中国动力', '科力装备', '东利机械', '华密新材', '软通动力',
  // 2023: +13 = 48
  '中科三环', '中石科技', '圣邦股份', '动力源', '雷科防务', '万集科技', '奇安信-U', '中汽数据', '北自科技', '中科曙光', '通合科技', '华通线缆', '荣程集团',
  // 2024: +12 = 60
  '中国铝业', '安泰科技', '燕东微', '星网宇达', '鸿远电子', '华力创通', '津亚电子', '盟固利', '经纬辉开', '中瓷电子', '寒武纪-U', '凌云光',
  // 2025: +10 = 70
  '紫光国微', '唯捷创芯', '百利电气', '数字认证', '菲特(天津)检测技术', '金桥焊材', '国检集团', '中机认检', '钢研纳克', '谱尼测试',
];
const LI: Buyer = {
  name: '理想汽车',
  years: [2022, 2023, 2024, 2025],
  volume: { 2022: 1.0, 2023: 1.8, 2024: 2.0, 2025: 1.8 },
  inside: [
    ...LI_ORDER.map((n, i) => j(n, i < 35 ? 2022 : i < 48 ? 2023 : i < 60 ? 2024 : 2025, { k: 0.9 })),
    j('世昌股份', 2022, { part: '增程器燃油箱总成', k: 0.4 }),
    j('京东方A', 2023, { part: '后排娱乐屏', k: 0.4 }),
  ],
  outside: [
    o('宁德时代', 2022, { k: 1.5 }),
    o('欣旺达', 2023),
    o('汇川技术', 2022),
    o('德赛西威', 2022, { part: '智驾域控制器' }),
    o('华阳集团', 2022),
    o('三花智控', 2022),
    o('银轮股份', 2022),
    o('拓普集团', 2022, { part: '空气悬架', node: '线控底盘' }),
    o('伯特利', 2022, { part: '线控制动', node: '线控底盘', k: 0.6 }),
    o('福耀玻璃', 2022, { k: 0.6 }),
    o('继峰股份', 2022, { part: '汽车座椅', k: 1.1 }),
    o('豪威集团', 2022, { k: 0.8 }),
    o('立讯精密', 2022, { k: 0.6 }),
    o('沪光股份', 2022),
    o('中航光电', 2022, { k: 0.6 }),
    o('宁波华翔', 2022, { k: 0.5 }),
    o('新泉股份', 2022, { part: '仪表板' }),
    o('岱美股份', 2022, { k: 0.6 }),
    o('星宇股份', 2022, { part: '贯穿式尾灯' }),
    o('均胜电子', 2022, { k: 0.4 }),
    o('斯达半导', 2022),
    o('时代电气', 2023),
    o('移远通信', 2022),
    o('金力永磁', 2022),
    o('保隆科技', 2023, { part: '空气弹簧', node: '线控底盘', k: 0.7 }),
    o('科博达', 2023, { k: 0.6 }),
    o('东山精密', 2023),
    o('双环传动', 2022),
    o('中国汽研', 2022),
  ],
};

// ---------------------------------------------------------------- generation

/** Small deterministic PRNG (mulberry32) seeded from a string. */
function rng(seed: string) {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoSupplyRecord {
  buyer: string;
  supplier: string;
  part: string;
  node: string | null;
  amountsWan: Record<string, number>;
  source: string;
}

function generate(b: Buyer): DemoSupplyRecord[] {
  const recs: Array<DemoSupplyRecord & { inside: boolean }> = [];
  for (const [side, picks] of [
    ['inside', b.inside],
    ['outside', b.outside],
  ] as const) {
    for (const p of picks) {
      const [supplier, part0, node0, base] = p.e;
      const part = p.part ?? part0;
      const node = p.node !== undefined ? p.node : node0;
      const r = rng(`${b.name}|${supplier}|${part}`);
      const amountsWan: Record<string, number> = {};
      for (const y of b.years) {
        if (y < p.from || (p.to !== undefined && y > p.to)) continue;
        const noise = 0.9 + r() * 0.2; // ±10% year to year
        // 燃油箱 and similar ICE parts fade as the mix turns electric.
        const ice = /燃油箱|启动蓄电池/.test(part) ? 1 - (y - b.years[0]) * 0.06 : 1;
        amountsWan[String(y)] = Math.max(1, Math.round(base * (p.k ?? 1) * b.volume[y] * noise * ice));
      }
      if (Object.keys(amountsWan).length)
        recs.push({ buyer: b.name, supplier, part, node: node ? `${CHAIN}/${node}` : null, amountsWan, source: SOURCE, inside: side === 'inside' });
    }
  }
  // Calibrate: scale the outside amounts of each year so that inside ÷ total = the target share.
  if (b.amountShare)
    for (const [y, t] of Object.entries(b.amountShare)) {
      const inside = recs.filter((r) => r.inside).reduce((s, r) => s + (r.amountsWan[y] ?? 0), 0);
      const outside = recs.filter((r) => !r.inside).reduce((s, r) => s + (r.amountsWan[y] ?? 0), 0);
      const k = (inside * (1 - t)) / (t * outside);
      for (const r of recs) if (!r.inside && r.amountsWan[y] !== undefined) r.amountsWan[y] = Math.max(1, Math.round(r.amountsWan[y] * k));
    }
  return recs.map(({ inside: _i, ...r }) => r);
}

function checkAgainstDemoData(records: DemoSupplyRecord[]) {
  const orgs = JSON.parse(readFileSync(join(DEMO, 'organizations.json'), 'utf8')) as Array<{ name: string; shortName: string | null; aliases?: string[]; divisionCode: string }>;
  const national = JSON.parse(readFileSync(join(DEMO, 'national-companies.json'), 'utf8')) as Array<{ name: string; fullName: string | null; provinceCode: string }>;
  const chain = JSON.parse(readFileSync(join(DEMO, 'chains', `${CHAIN}.json`), 'utf8')) as { segments: Array<{ nodes: Array<{ name: string }> }> };
  const nodes = new Set(chain.segments.flatMap((s) => s.nodes.map((n) => n.name)));
  const region = new Map<string, string>();
  for (const x of orgs) for (const k of [x.name, x.shortName, ...(x.aliases ?? [])]) if (k) region.set(k, x.divisionCode.slice(0, 2));
  for (const c of national) for (const k of [c.name, c.fullName]) if (k && !region.has(k)) region.set(k, c.provinceCode);
  const problems: string[] = [];
  for (const r of records) {
    for (const n of [r.buyer, r.supplier]) if (!region.has(n)) problems.push(`organisation not in the demo data: ${n}`);
    if (r.node && !nodes.has(r.node.split('/')[1])) problems.push(`node not in ${CHAIN}: ${r.node}`);
  }
  if (problems.length) throw new Error([...new Set(problems)].join('\n'));
  return region;
}

function summarise(records: DemoSupplyRecord[], region: Map<string, string>) {
  const out: Record<string, Record<string, { links: number; insideSuppliers: number; suppliers: number; amountShareInside: number; amountWan: number }>> = {};
  for (const buyer of [...new Set(records.map((r) => r.buyer))]) {
    out[buyer] = {};
    const mine = records.filter((r) => r.buyer === buyer);
    const years = [...new Set(mine.flatMap((r) => Object.keys(r.amountsWan)))].sort();
    for (const y of years) {
      const rs = mine.filter((r) => r.amountsWan[y] !== undefined);
      const isIn = (r: DemoSupplyRecord) => ['11', '12', '13'].includes(region.get(r.supplier)!);
      const total = rs.reduce((s, r) => s + r.amountsWan[y], 0);
      const inside = rs.filter(isIn).reduce((s, r) => s + r.amountsWan[y], 0);
      out[buyer][y] = {
        links: rs.length,
        suppliers: new Set(rs.map((r) => r.supplier)).size,
        insideSuppliers: new Set(rs.filter(isIn).map((r) => r.supplier)).size,
        amountWan: total,
        amountShareInside: Math.round((inside / total) * 10000) / 10000,
      };
    }
  }
  return out;
}

const records = [BENZ, XIAOMI, LI].flatMap(generate);
const region = checkAgainstDemoData(records);
const summary = summarise(records, region);
const tjToBeijingMakers = new Set(records.filter((r) => region.get(r.supplier) === '12').map((r) => r.supplier)).size;
const file = {
  illustrative: true,
  note:
    'ILLUSTRATIVE 示意数据。采购方、供应商是演示数据中的真实机构，但谁向谁采购什么、金额多少均为虚构，不代表任何企业的真实采购。按 seed-facts §2 校准：北京奔驰 2025 年京津冀区域内采购额占 55%；小米汽车 2025 年京津冀供应商 45 家；理想汽车 2025 年京津冀供应商 70 家。见 supply-links.README.md。 / Invented purchases between real demo organisations, calibrated to seed-facts §2.',
  chain: CHAIN,
  generatedBy: 'scripts/demo-supply-links.ts',
  summary,
  tianjinSuppliersToBeijingMakers: tjToBeijingMakers,
  links: records,
};
writeFileSync(join(DEMO, 'supply-links.json'), JSON.stringify(file, null, 1) + '\n');
console.log(`wrote data/demo/supply-links.json: ${records.length} records, ${records.reduce((s, r) => s + Object.keys(r.amountsWan).length, 0)} links`);
console.table(Object.entries(summary).flatMap(([b, ys]) => Object.entries(ys).map(([y, v]) => ({ buyer: b, year: y, ...v }))));
console.log(`distinct Tianjin suppliers of the three Beijing makers: ${tjToBeijingMakers}`);
