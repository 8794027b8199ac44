/** COPY FROM STDIN text format: escaping of values (used by Db.copyRows callers). */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes one value for COPY text format. */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number') return String(v);
  else if (Array.isArray(v)) s = pgArrayLiteral(v.map((x) => String(x)));
  else if (v instanceof Date) s = v.toISOString();
  else if (typeof v === 'object') s = JSON.stringify(v);
  else s = String(v);
  return COPY_SPECIAL.test(s) ? s.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]) : s;
}

const ARRAY_SPECIAL = /["\\]/;

export function pgArrayLiteral(items: string[]): string {
  let out = '{';
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    out += (i ? ',"' : '"') + (ARRAY_SPECIAL.test(x) ? x.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : x) + '"';
  }
  return out + '}';
}
