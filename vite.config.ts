import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    // No inline scripts or modulepreload polyfill: script-src 'self' must hold.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
