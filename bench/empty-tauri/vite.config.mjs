// Built with the product's Vite and React (node_modules is a link to ui/node_modules, made by
// scripts/bench-desktop.sh).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
});
