/**
 * Small, dependency-free I/O helpers for the data build: CSV and JSON-Lines readers, and writers
 * that produce byte-identical output on every run (stable order, fixed formatting, trailing newline).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends) into objects keyed by
 * the header row. Every cell is a string; a UTF-8 byte-order mark is ignored.
 */
export function readCsv(path: string): Record<string, string>[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw new Error(`${path}: unterminated quoted field`);
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new Error(`${path}: empty CSV`);
  return body.map((r, n) => {
    if (r.length !== header.length) {
      throw new Error(`${path}: data row ${n + 1} has ${r.length} cells, header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h, r[j]]));
  });
}

/** Reads a JSON Lines file (one JSON object per line; blank lines ignored). */
export function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, n) => {
      try {
        return JSON.parse(l) as T;
      } catch (e) {
        throw new Error(`${path}:${n + 1}: ${(e as Error).message}`);
      }
    });
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Code-unit string comparison: unlike localeCompare it does not depend on the machine's locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writes an array of records as JSON with one record per line: compact, yet diffs stay readable.
 * The caller is responsible for sorting; object key order is the order the records were built in.
 * Returns the number of bytes written.
 */
export function writeJsonRecords(path: string, records: readonly unknown[]): number {
  const body = records.length ? `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n` : '[]\n';
  return writeText(path, body);
}

/** Writes a compact JSON document (used for TopoJSON, where size matters). */
export function writeJsonCompact(path: string, value: unknown): number {
  return writeText(path, `${JSON.stringify(value)}\n`);
}

function writeText(path: string, text: string): number {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}
