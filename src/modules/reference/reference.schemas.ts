import { z } from 'zod';

export const divisionSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.number().int(),
  parentCode: z.string().nullable(),
  provinceCode: z.string(),
  isFunctionalZone: z.boolean(),
});
export type Division = z.infer<typeof divisionSchema>;

export const industrySchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.number().int(),
  parentCode: z.string().nullable(),
  sectionCode: z.string(),
});
export type Industry = z.infer<typeof industrySchema>;

export const divisionQuerySchema = z.object({
  parent: z.string().regex(/^[0-9]{6}$/).optional(),
  province: z.string().regex(/^[0-9]{2}$/).optional(),
  level: z.coerce.number().int().min(1).max(3).optional(),
  q: z.string().max(50).optional(),
});

export const industryQuerySchema = z.object({
  q: z.string().max(50).optional(),
  parent: z.string().max(4).optional(),
  level: z.coerce.number().int().min(1).max(4).optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(50),
});

export const GEO_LEVELS = ['provinces', 'cities', 'counties'] as const;
export const geoLevelSchema = z.enum(GEO_LEVELS);
