import { z } from 'zod';

/**
 * Configuration is read once at boot from the environment, validated with zod, and passed down.
 * Nothing else in the code reads process.env.
 */
export const configSchema = z.object({
  CHAINATLAS_DATA_DIR: z.string().min(1).default('./var/data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  CHAINATLAS_DEMO: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  CHAINATLAS_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  CHAINATLAS_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  CHAINATLAS_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  CHAINATLAS_LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  CHAINATLAS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CHAINATLAS_WEB_DIR: z.string().default('./dist/web'),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  port: number;
  host: string;
  demo: boolean;
  cookieSecure: 'auto' | boolean;
  sessionHours: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  logLevel: RawConfig['CHAINATLAS_LOG_LEVEL'];
  webDir: string;
}

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    dataDir: c.CHAINATLAS_DATA_DIR,
    databaseUrl: c.DATABASE_URL,
    port: c.PORT,
    host: c.HOST,
    demo: c.CHAINATLAS_DEMO,
    cookieSecure: c.CHAINATLAS_COOKIE_SECURE === 'auto' ? 'auto' : c.CHAINATLAS_COOKIE_SECURE === 'true',
    sessionHours: c.CHAINATLAS_SESSION_HOURS,
    loginMaxFailures: c.CHAINATLAS_LOGIN_MAX_FAILURES,
    loginWindowMinutes: c.CHAINATLAS_LOGIN_WINDOW_MINUTES,
    logLevel: c.CHAINATLAS_LOG_LEVEL,
    webDir: c.CHAINATLAS_WEB_DIR,
    ...overrides,
  };
}
