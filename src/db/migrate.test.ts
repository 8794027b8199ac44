import { describe, expect, it } from 'vitest';
import { splitSql, listMigrations } from './migrate.ts';
import { openPglite } from './db.ts';
import { migrate } from './migrate.ts';

describe('migrations', () => {
  it('splits statements, ignoring semicolons in comments, strings and $$ bodies', () => {
    expect(splitSql(`create table a (x text); -- a comment; with a semicolon\ninsert into a values ('x;y');\ndo $$ begin perform 1; end $$;`)).toEqual([
      'create table a (x text)',
      "insert into a values ('x;y')",
      'do $$ begin perform 1; end $$',
    ]);
  });

  it('applies every prefix of the migration list, and re-running applies nothing', async () => {
    const all = listMigrations();
    expect(all.length).toBeGreaterThan(0);
    for (let n = 1; n <= all.length; n++) {
      const db = await openPglite({ dataDir: null });
      expect(await migrate(db, all.slice(0, n))).toEqual(all.slice(0, n).map((m) => m.id));
      expect(await migrate(db, all.slice(0, n))).toEqual([]);
      if (n < all.length) expect(await migrate(db, all)).toEqual(all.slice(n).map((m) => m.id));
      await db.close();
    }
  }, 120_000);
});
