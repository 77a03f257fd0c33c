import { defineConfig } from 'vite';

// The API process serves this build under /app/ (api/coordinator-app.ts); `npm run build` writes it to lib/app.
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  build: {
    outDir: '../lib/app',
    emptyOutDir: true,
    // No inline scripts or styles: the app's Content-Security-Policy allows only its own files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
