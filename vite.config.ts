import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const OUT_DIR = resolve(import.meta.dirname, 'dist', 'web');

/**
 * Writes `.gz` and `.br` beside every text asset of the build, so that the server (@fastify/static
 * with `preCompressed`) sends compressed files without compressing on each request.
 */
function precompress(): Plugin {
  let outDir = OUT_DIR;
  return {
    name: 'chainatlas-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((f) => {
          const p = join(dir, f);
          return statSync(p).isDirectory() ? walk(p) : [p];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|json|svg|txt|map)$/.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
      }
    },
  };
}

/**
 * The web app lives in web/ and is built into dist/web, which the server serves (CHAINATLAS_WEB_DIR).
 * In development run the platform (`npm run dev`, port 3000) and `npx vite` beside it: /api is proxied.
 */
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    manifest: true,
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.CHAINATLAS_API ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
