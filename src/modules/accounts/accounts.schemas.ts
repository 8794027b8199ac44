import { z } from 'zod';

export const REGIONS = ['BJ', 'TJ', 'HE'] as const;
export const regionSchema = z.enum(REGIONS);
export type Region = z.infer<typeof regionSchema>;

export const REGION_NAMES: Record<Region, { zh: string; en: string; provinceCode: string }> = {
  BJ: { zh: '北京', en: 'Beijing', provinceCode: '11' },
  TJ: { zh: '天津', en: 'Tianjin', provinceCode: '12' },
  HE: { zh: '河北', en: 'Hebei', provinceCode: '13' },
};

export function regionOfProvince(provinceCode: string | null | undefined): Region | null {
  if (provinceCode === '11') return 'BJ';
  if (provinceCode === '12') return 'TJ';
  if (provinceCode === '13') return 'HE';
  return null;
}

export const ROLES = ['admin', 'official', 'enterprise', 'provider'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  region: regionSchema.nullable(),
  organizationId: z.number().int().nullable(),
  isDemo: z.boolean(),
});
export type User = z.infer<typeof userSchema>;

export const loginBodySchema = z.object({
  username: z.string().trim().min(1, '请输入用户名 / username is required').max(64),
  password: z.string().min(1, '请输入密码 / password is required').max(256),
});

export const sessionInfoSchema = z.object({
  user: userSchema,
  csrfToken: z.string(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const createUserBodySchema = z
  .object({
    username: z.string().regex(/^[a-zA-Z0-9_.@-]{3,64}$/, '3–64 位字母、数字或 _ . @ - / 3–64 letters, digits or _.@-'),
    displayName: z.string().trim().min(1).max(100),
    password: z.string().min(10, '密码至少 10 位 / at least 10 characters').max(256),
    role: roleSchema,
    region: regionSchema.nullable().default(null),
    organizationId: z.number().int().positive().nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if (v.role === 'official' && !v.region)
      ctx.addIssue({ code: 'custom', path: ['region'], message: '官员账号必须属于一个地区 / an official needs a region' });
    if (v.role !== 'official' && v.region)
      ctx.addIssue({ code: 'custom', path: ['region'], message: '只有官员账号有地区 / only officials have a region' });
    if ((v.role === 'enterprise' || v.role === 'provider') && !v.organizationId)
      ctx.addIssue({ code: 'custom', path: ['organizationId'], message: '需要绑定机构 / must be bound to an organisation' });
    if ((v.role === 'admin' || v.role === 'official') && v.organizationId)
      ctx.addIssue({ code: 'custom', path: ['organizationId'], message: '此角色不绑定机构 / this role has no organisation' });
  });
export type CreateUserInput = z.infer<typeof createUserBodySchema>;
