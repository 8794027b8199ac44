import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./child-entry.ts', import.meta.url));

export interface ChildResult<T> {
  result: T;
  /** Kernel high-water mark of the child's resident set (whole process, all threads), bytes. */
  maxRss: number;
}

/**
 * Runs `fn(args)` exported by `module` in a fresh Node process, so that every measurement starts
 * cold and its peak memory is its own (PGlite's WASM heap never shrinks, and neither does V8's
 * much). The child inherits this process's loader flags (tsx).
 */
export function runInChild<T>(module: string, fn: string, args: unknown, opts: { heapMb?: number } = {}): Promise<ChildResult<T>> {
  return new Promise((resolve, reject) => {
    const execArgv = [...process.execArgv];
    if (opts.heapMb) execArgv.push(`--max-old-space-size=${opts.heapMb}`);
    const child = fork(ENTRY, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', (m: any) => {
      if (m?.type === 'log') return process.stderr.write(m.text);
      settled = true;
      if (m.ok) resolve({ result: m.result as T, maxRss: m.maxRssKb * 1024 });
      else reject(Object.assign(new Error(m.error), { stack: m.stack }));
    });
    child.on('exit', (code, signal) => {
      if (!settled) reject(new Error(`benchmark child exited (${signal ?? code}) before reporting — out of memory?`));
    });
    child.send({ module, fn, args });
  });
}

/** In the child: a progress line on the parent's stderr. */
export function childLog(text: string) {
  if (process.send) process.send({ type: 'log', text });
  else process.stderr.write(text);
}

/** Samples process RSS every `ms` (the main thread may be busy: maxRSS is the true peak). */
export function rssSampler(ms = 50) {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    const r = process.memoryUsage().rss;
    if (r > peak) peak = r;
  }, ms);
  t.unref();
  return {
    stop() {
      clearInterval(t);
      const r = process.memoryUsage().rss;
      return Math.max(peak, r);
    },
  };
}
