import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('config', () => {
  it('defaults to the embedded database in ./var/data', () => {
    const c = parseConfig({});
    expect(c.dataDir).toBe('./var/data');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.port).toBe(3000);
  });
  it('fails fast naming the bad variable', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
