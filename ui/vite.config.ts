/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `base: './'` because Tauri serves the bundle from its own protocol, not from a web root.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  // The core's texts (i18n/catalogue-*.ts) as object literals: JavaScriptCore reads them quicker
  // than a JSON.parse of the same text (measured with WebKitGTK 2.50's jsc: 2.0 ms against 3.4).
  json: { stringify: false },
  // `npm run dev` in a browser talks to the real core: start `mb-http --port 5174` first
  // (`./dev ui`), or set MB_HTTP_URL to where it listens.
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/api': process.env.MB_HTTP_URL ?? 'http://127.0.0.1:5174' },
    // The app's own folder, and the core's texts, which i18n/catalogue-*.ts import.
    fs: { allow: ['.', '../crates/text/messages'] },
  },
  preview: { host: '127.0.0.1', port: 4173 },
  test: {
    environment: 'jsdom',
    setupFiles: ['./test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    server: { deps: { inline: [/@gravity-ui\//] } },
    testTimeout: 60000,
  },
});
