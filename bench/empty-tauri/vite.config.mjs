// Built with the product's Vite and React (node_modules is a link to ui/node_modules, made by
// scripts/bench-desktop.sh). EMPTY_PAGE=toolkit builds the toolkit floor (src/toolkit.tsx)
// instead of the bare page (src/main.tsx).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const page = process.env.EMPTY_PAGE === 'toolkit' ? '/src/toolkit.tsx' : '/src/main.tsx';

export default defineConfig({
  base: './',
  plugins: [
    react(),
    {
      name: 'bench-page',
      transformIndexHtml: { order: 'pre', handler: (html) => html.replace('/src/main.tsx', page) },
    },
  ],
  build: { outDir: 'dist', emptyOutDir: true },
});
