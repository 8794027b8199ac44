import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';
import { orgKindSchema } from '../organizations/organizations.schemas.ts';

/**
 * Postings (需求 / 供给), pilot-platform lines and open-lab instruments. Shared by the routes
 * (validation + OpenAPI), the seed, tests and — types only — the web app.
 *
 * A posting has a direction (demand | capability) and a kind; its structured `fields` depend on
 * the kind (a discriminated union on `kind`). The same field means "need" on a demand and "offer"
 * on a capability: `quantity` is the quantity wanted, or the capacity offered.
 */

export const DIRECTIONS = ['demand', 'capability'] as const;
export const directionSchema = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof directionSchema>;
export const DIRECTION_NAMES: Record<Direction, { zh: string; en: string }> = {
  demand: { zh: '需求', en: 'Demand' },
  capability: { zh: '供给', en: 'Capability' },
};

export const POSTING_KINDS = ['procurement', 'contract_manufacturing', 'pilot_scale', 'lab_testing', 'rnd_partner', 'licensing', 'financing'] as const;
export const postingKindSchema = z.enum(POSTING_KINDS);
export type PostingKind = z.infer<typeof postingKindSchema>;
export const POSTING_KIND_NAMES: Record<PostingKind, { zh: string; en: string }> = {
  procurement: { zh: '零部件/材料采购', en: 'Procurement of parts or materials' },
  contract_manufacturing: { zh: '委托加工', en: 'Contract manufacturing' },
  pilot_scale: { zh: '中试服务', en: 'Pilot-scale services' },
  lab_testing: { zh: '检验检测与仪器机时', en: 'Lab testing and instrument time' },
  rnd_partner: { zh: '技术研发合作', en: 'Technology / R&D partner' },
  licensing: { zh: '成果转化与技术许可', en: 'Licensing of research results' },
  financing: { zh: '投融资', en: 'Financing' },
};

/** The programme's division of labour: 北京研发 → 天津中试 → 河北量产, plus testing and finance. */
export const MATCH_STAGES = ['rnd', 'pilot', 'production', 'testing', 'finance'] as const;
export const matchStageSchema = z.enum(MATCH_STAGES);
export type MatchStage = z.infer<typeof matchStageSchema>;
export const MATCH_STAGE_NAMES: Record<MatchStage, { zh: string; en: string }> = {
  rnd: { zh: '研发（0→1）', en: 'R&D (0→1)' },
  pilot: { zh: '中试（1→10）', en: 'Pilot scale (1→10)' },
  production: { zh: '量产（10→N）', en: 'Volume production (10→N)' },
  testing: { zh: '检验检测', en: 'Testing' },
  finance: { zh: '投融资', en: 'Finance' },
};

export const GRADES = ['industrial', 'automotive', 'electronic', 'food', 'feed', 'cosmetic', 'pharma', 'pharma_gmp'] as const;
export const gradeSchema = z.enum(GRADES);
export type Grade = z.infer<typeof gradeSchema>;
export const GRADE_NAMES: Record<Grade, string> = {
  industrial: '工业级',
  automotive: '车规级',
  electronic: '电子级',
  food: '食品级',
  feed: '饲料级',
  cosmetic: '化妆品级',
  pharma: '医药级',
  pharma_gmp: '药品GMP级',
};

export const PROCESSES = ['smt', 'machining', 'moulding', 'assembly', 'prototyping', 'first_article', 'sheet_metal', 'welding', 'pcb', 'casting', 'other'] as const;
export const processSchema = z.enum(PROCESSES);
export type Process = z.infer<typeof processSchema>;
export const PROCESS_NAMES: Record<Process, string> = {
  smt: 'SMT贴片',
  machining: '精密加工',
  moulding: '注塑成型',
  assembly: '组装',
  prototyping: '样品试制',
  first_article: '首台套加工',
  sheet_metal: '钣金',
  welding: '焊接',
  pcb: 'PCB制板',
  casting: '铸造',
  other: '其他工艺',
};

export const PILOT_SERVICES = ['fermentation', 'process_validation', 'scale_up', 'purification', 'formulation', 'cell_culture', 'synthesis', 'materials_prep', 'other'] as const;
export const pilotServiceSchema = z.enum(PILOT_SERVICES);
export type PilotService = z.infer<typeof pilotServiceSchema>;
export const PILOT_SERVICE_NAMES: Record<PilotService, string> = {
  fermentation: '发酵',
  process_validation: '工艺验证',
  scale_up: '放大生产',
  purification: '分离纯化',
  formulation: '制剂',
  cell_culture: '细胞培养',
  synthesis: '化学合成',
  materials_prep: '材料制备',
  other: '其他中试服务',
};

export const ACCREDITATIONS = ['CMA', 'CNAS', 'GLP', 'GMP'] as const;
export const accreditationSchema = z.enum(ACCREDITATIONS);

export const RND_MODES = ['joint_rnd', 'commissioned', 'consortium', 'open_call'] as const;
export const RND_MODE_NAMES: Record<(typeof RND_MODES)[number], string> = {
  joint_rnd: '联合研发',
  commissioned: '委托研发',
  consortium: '创新联合体',
  open_call: '揭榜挂帅',
};
export const LICENSING_MODES = ['license', 'transfer', 'equity', 'joint'] as const;
export const LICENSING_MODE_NAMES: Record<(typeof LICENSING_MODES)[number], string> = {
  license: '许可',
  transfer: '转让',
  equity: '作价入股',
  joint: '合作转化',
};
export const FINANCING_INSTRUMENTS = ['equity', 'loan', 'grant', 'leasing', 'supply_chain', 'insurance'] as const;
export const FINANCING_INSTRUMENT_NAMES: Record<(typeof FINANCING_INSTRUMENTS)[number], string> = {
  equity: '股权投资',
  loan: '贷款',
  grant: '补助',
  leasing: '融资租赁',
  supply_chain: '供应链金融',
  insurance: '保险',
};

const term = z.string().trim().min(1).max(100);
const terms = (min: number, max = 30) => z.array(term).min(min).max(max);
const posNum = z.number().positive().max(1e12);
const leadTimeDays = z.number().int().min(0).max(3650).optional().describe('供给：交付周期（天） / capability: lead time in days');

/** Structured fields per kind. On a demand a number is the need; on a capability the offer. */
export const procurementFieldsSchema = z.object({
  items: terms(1).describe('零部件或材料名称 / parts or materials'),
  quantity: posNum.optional().describe('需求数量 / 供给月产能 — quantity needed or monthly capacity'),
  unit: z.string().trim().max(20).optional(),
  grades: z.array(gradeSchema).max(8).optional().describe('等级 / grades'),
  leadTimeDays,
  budgetWan: posNum.optional(),
});
export const contractManufacturingFieldsSchema = z.object({
  processes: z.array(processSchema).min(1).max(11),
  product: z.string().trim().max(200).optional().describe('产品 / product to make'),
  quantity: posNum.optional().describe('批量（件） / 供给月产能 — batch size or monthly capacity (pieces)'),
  unit: z.string().trim().max(20).optional(),
  certifications: terms(0, 20).optional().describe('体系认证，如 ISO9001、IATF16949、ISO13485'),
  leadTimeDays,
});
export const pilotScaleFieldsSchema = z.object({
  services: z.array(pilotServiceSchema).min(1).max(9),
  product: z.string().trim().max(200).optional().describe('目标产品，如 透明质酸 / target product'),
  volumeL: posNum.optional().describe('发酵体积（升）：需求 / 最大供给 — fermentation volume in litres'),
  grades: z.array(gradeSchema).max(8).optional(),
  lines: z.number().int().min(1).max(1000).optional().describe('中试线数量 / number of lines'),
  leadTimeDays,
});
export const labTestingFieldsSchema = z.object({
  tests: terms(1).describe('检测项目或仪器，如 扫描电镜、质谱 / tests or instruments'),
  accreditations: z.array(accreditationSchema).max(4).optional(),
  samples: z.number().int().min(1).max(1e6).optional(),
  leadTimeDays,
});
export const rndPartnerFieldsSchema = z.object({
  topics: terms(1).describe('研发方向 / research topics'),
  mode: z.enum(RND_MODES).optional(),
  budgetWan: posNum.optional(),
  durationMonths: z.number().int().min(1).max(240).optional(),
});
export const licensingFieldsSchema = z.object({
  technology: z.string().trim().min(1).max(200),
  patents: terms(0, 50).optional(),
  mode: z.enum(LICENSING_MODES).optional(),
  priceWan: posNum.optional().describe('需求：预算上限；供给：报价 / budget or asking price (万元)'),
});
export const financingFieldsSchema = z.object({
  amountWan: posNum.optional().describe('需求：融资额；供给：单笔可投上限 (万元)'),
  instruments: z.array(z.enum(FINANCING_INSTRUMENTS)).max(6).optional(),
  purpose: z.string().trim().max(500).optional(),
});

export const POSTING_FIELDS_SCHEMAS = {
  procurement: procurementFieldsSchema,
  contract_manufacturing: contractManufacturingFieldsSchema,
  pilot_scale: pilotScaleFieldsSchema,
  lab_testing: labTestingFieldsSchema,
  rnd_partner: rndPartnerFieldsSchema,
  licensing: licensingFieldsSchema,
  financing: financingFieldsSchema,
} as const;
export type PostingFields = {
  procurement: z.infer<typeof procurementFieldsSchema>;
  contract_manufacturing: z.infer<typeof contractManufacturingFieldsSchema>;
  pilot_scale: z.infer<typeof pilotScaleFieldsSchema>;
  lab_testing: z.infer<typeof labTestingFieldsSchema>;
  rnd_partner: z.infer<typeof rndPartnerFieldsSchema>;
  licensing: z.infer<typeof licensingFieldsSchema>;
  financing: z.infer<typeof financingFieldsSchema>;
};
export type AnyPostingFields = PostingFields[PostingKind];

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式 YYYY-MM-DD / date as YYYY-MM-DD');

/** What every posting has, whatever its kind. */
export const postingCommonSchema = z.object({
  organizationId: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('发布机构；机构用户省略时为本机构，官员代发时必填 / owner (defaults to the caller’s organisation)'),
  direction: directionSchema,
  title: z.string().trim().min(4, '标题至少 4 个字 / title is too short').max(200),
  description: z.string().trim().max(5000).default(''),
  stage: matchStageSchema.nullable().optional().describe('阶段；省略时由类型推断 / stage; derived from the kind when omitted'),
  nodeIds: z.array(z.number().int().positive()).max(20).default([]).describe('所涉产业链节点 / chain nodes'),
  regionsWanted: z.array(regionSchema).max(3).default([]).describe('期望地区 / regions wanted'),
  deadline: dateSchema.nullable().optional(),
  expiresAt: z.string().datetime({ offset: true }).optional().describe('下架时间；默认 90 天后或截止日 / leaves the pool at'),
});

const variant = <K extends PostingKind>(kind: K) =>
  postingCommonSchema.extend({ kind: z.literal(kind), fields: POSTING_FIELDS_SCHEMAS[kind] });

/** New posting: a discriminated union on `kind`, so `fields` is checked against the kind. */
export const postingInputSchema = z.discriminatedUnion('kind', [
  variant('procurement'),
  variant('contract_manufacturing'),
  variant('pilot_scale'),
  variant('lab_testing'),
  variant('rnd_partner'),
  variant('licensing'),
  variant('financing'),
]);
export type PostingInput = z.infer<typeof postingInputSchema>;

/** Change of a posting. Kind, direction and owner stay; `fields` is checked against the kind. */
export const postingPatchSchema = z.object({
  title: postingCommonSchema.shape.title.optional(),
  description: z.string().trim().max(5000).optional(),
  stage: matchStageSchema.nullable().optional(),
  nodeIds: z.array(z.number().int().positive()).max(20).optional(),
  regionsWanted: z.array(regionSchema).max(3).optional(),
  deadline: dateSchema.nullable().optional(),
  expiresAt: z.string().datetime({ offset: true }).optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(['open', 'closed']).optional(),
  closedReason: z.string().trim().max(500).nullable().optional(),
  version: z.number().int().positive().optional(),
});
export type PostingPatch = z.infer<typeof postingPatchSchema>;

export const POSTING_STATUSES = ['open', 'closed', 'expired'] as const;

export const postingOrgSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  kind: orgKindSchema,
  region: regionSchema.nullable(),
});

export const postingNodeSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  chainId: z.number().int(),
  chainName: z.string(),
});

/** A posting as shown to any signed-in user. Never carries contact details. */
export const postingSchema = z.object({
  id: z.number().int(),
  organization: postingOrgSchema,
  direction: directionSchema,
  kind: postingKindSchema,
  title: z.string(),
  description: z.string(),
  fields: z.record(z.string(), z.unknown()),
  stage: matchStageSchema,
  stageSource: z.enum(['kind', 'posting']),
  nodes: z.array(postingNodeSchema),
  regionsWanted: z.array(regionSchema),
  deadline: z.string().nullable(),
  expiresAt: z.string(),
  status: z.enum(POSTING_STATUSES).describe('expired = 已过下架时间，自动离开撮合池'),
  closedReason: z.string().nullable(),
  source: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  canEdit: z.boolean(),
});
export type Posting = z.infer<typeof postingSchema>;

export const postingListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  direction: directionSchema.optional(),
  kind: postingKindSchema.optional(),
  region: regionSchema.optional(),
  organizationId: z.coerce.number().int().positive().optional(),
  nodeId: z.coerce.number().int().positive().optional(),
  status: z.enum(['open', 'closed', 'expired', 'all']).default('open').describe('默认只列撮合池中的（未过期）/ default: the live pool'),
  mine: z.enum(['0', '1']).optional().describe('1 = 本机构的 / my organisation’s'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type PostingListQuery = z.infer<typeof postingListQuerySchema>;

export const postingListSchema = z.object({
  items: z.array(postingSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

// ------------------------------------------------------------------ pilot platforms and lines

export const PILOT_LINE_CATEGORIES = ['fermentation', 'purification', 'formulation', 'cell_culture', 'chemical_synthesis', 'materials', 'electronics', 'other'] as const;
export const PILOT_LINE_CATEGORY_NAMES: Record<(typeof PILOT_LINE_CATEGORIES)[number], string> = {
  fermentation: '发酵',
  purification: '分离纯化',
  formulation: '制剂',
  cell_culture: '细胞培养',
  chemical_synthesis: '化学合成',
  materials: '材料制备',
  electronics: '电子制造',
  other: '其他',
};
export const PILOT_LINE_STATUSES = ['available', 'busy', 'maintenance', 'retired'] as const;

export const serviceItemSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).optional(),
  priceNote: z.string().trim().max(200).optional(),
});

export const pilotPlatformProfileInputSchema = z.object({
  rating: z.string().trim().max(50).nullable().optional().describe('评级，如 工信部五星 / rating'),
  areaM2: z.number().min(0).max(1e8).nullable().optional(),
  grades: z.array(gradeSchema).max(8).default([]),
  serviceCatalogue: z.array(serviceItemSchema).max(100).default([]),
  description: z.string().trim().max(5000).nullable().optional(),
  source: z.string().trim().min(1).max(300).default('manual'),
  version: z.number().int().positive().optional(),
});
export type PilotPlatformProfileInput = z.infer<typeof pilotPlatformProfileInputSchema>;

export const pilotLineInputSchema = z.object({
  organizationId: z.number().int().positive().optional(),
  name: z.string().trim().min(2).max(100),
  category: z.enum(PILOT_LINE_CATEGORIES),
  volumeL: z.number().min(0).max(1e9).nullable().optional().describe('发酵罐等体积（升）/ volume in litres'),
  capacity: z.string().trim().max(200).nullable().optional(),
  grades: z.array(gradeSchema).max(8).default([]),
  areaM2: z.number().min(0).max(1e7).nullable().optional(),
  services: z.array(pilotServiceSchema).max(9).default([]),
  description: z.string().trim().max(2000).nullable().optional(),
  status: z.enum(PILOT_LINE_STATUSES).default('available'),
  source: z.string().trim().min(1).max(300).default('manual'),
});
export type PilotLineInput = z.infer<typeof pilotLineInputSchema>;
export const pilotLinePatchSchema = pilotLineInputSchema.omit({ organizationId: true, source: true }).partial();

export const pilotLineSchema = z.object({
  id: z.number().int(),
  organization: postingOrgSchema,
  name: z.string(),
  category: z.enum(PILOT_LINE_CATEGORIES),
  volumeL: z.number().nullable(),
  capacity: z.string().nullable(),
  grades: z.array(gradeSchema),
  areaM2: z.number().nullable(),
  services: z.array(pilotServiceSchema),
  description: z.string().nullable(),
  status: z.enum(PILOT_LINE_STATUSES),
  source: z.string(),
  canEdit: z.boolean(),
});
export type PilotLine = z.infer<typeof pilotLineSchema>;

export const pilotPlatformSchema = z.object({
  organization: postingOrgSchema,
  rating: z.string().nullable(),
  areaM2: z.number().nullable(),
  grades: z.array(gradeSchema),
  serviceCatalogue: z.array(serviceItemSchema),
  description: z.string().nullable(),
  source: z.string().nullable(),
  version: z.number().int(),
  lines: z.array(pilotLineSchema),
  canEdit: z.boolean(),
});
export type PilotPlatform = z.infer<typeof pilotPlatformSchema>;

export const pilotLineListQuerySchema = z.object({
  organizationId: z.coerce.number().int().positive().optional(),
  category: z.enum(PILOT_LINE_CATEGORIES).optional(),
  region: regionSchema.optional(),
  grade: gradeSchema.optional(),
  minVolumeL: z.coerce.number().min(0).optional(),
});

// ------------------------------------------------------------------ instruments, slots, bookings

export const instrumentInputSchema = z.object({
  organizationId: z.number().int().positive().optional(),
  name: z.string().trim().min(2).max(100),
  model: z.string().trim().max(100).nullable().optional(),
  category: z.string().trim().max(50).nullable().optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  location: z.string().trim().max(200).nullable().optional(),
  accreditations: z.array(accreditationSchema).max(4).default([]),
  priceNote: z.string().trim().max(200).nullable().optional(),
  status: z.enum(['active', 'retired']).default('active'),
  source: z.string().trim().min(1).max(300).default('manual'),
});
export type InstrumentInput = z.infer<typeof instrumentInputSchema>;
export const instrumentPatchSchema = instrumentInputSchema.omit({ organizationId: true, source: true }).partial();

export const instrumentSchema = z.object({
  id: z.number().int(),
  organization: postingOrgSchema,
  name: z.string(),
  model: z.string().nullable(),
  category: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  accreditations: z.array(z.string()),
  priceNote: z.string().nullable(),
  status: z.enum(['active', 'retired']),
  source: z.string(),
  freeSlots: z.number().int().describe('未来可预约时段数 / free future slots'),
  canEdit: z.boolean(),
});
export type Instrument = z.infer<typeof instrumentSchema>;

export const instrumentListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  organizationId: z.coerce.number().int().positive().optional(),
  region: regionSchema.optional(),
});

export const slotsInputSchema = z.object({
  slots: z
    .array(
      z.object({
        startsAt: z.string().datetime({ offset: true }),
        endsAt: z.string().datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(500),
});

export const slotSchema = z.object({
  id: z.number().int(),
  instrumentId: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  booked: z.boolean(),
  /** Shown to the lab, to the booker and to officials/admin; others only see "booked". */
  booking: z
    .object({
      id: z.number().int(),
      organizationId: z.number().int(),
      organizationName: z.string(),
      purpose: z.string().nullable(),
    })
    .nullable(),
});
export type Slot = z.infer<typeof slotSchema>;

export const slotListQuerySchema = z.object({
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  onlyFree: z.enum(['0', '1']).optional(),
});

export const bookingInputSchema = z.object({
  organizationId: z.number().int().positive().optional().describe('预约机构；机构用户省略 / booking organisation (officials booking on behalf)'),
  purpose: z.string().trim().max(500).optional(),
});

export const bookingSchema = z.object({
  id: z.number().int(),
  slotId: z.number().int(),
  instrumentId: z.number().int(),
  instrumentName: z.string(),
  labOrganizationId: z.number().int(),
  organizationId: z.number().int(),
  organizationName: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  purpose: z.string().nullable(),
  status: z.enum(['booked', 'cancelled']),
  createdAt: z.string(),
});
export type Booking = z.infer<typeof bookingSchema>;
