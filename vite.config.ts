import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app lives in web/ and is built into dist/web, which the server serves (CHAINATLAS_WEB_DIR).
 * In development run the platform (`npm run dev`, port 3000) and `npx vite` beside it: /api is proxied.
 */
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
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
