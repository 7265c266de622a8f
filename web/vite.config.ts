// Two entry points: the page (index.html, served at /track/ and /track/<waybill>) and the
// embed script, whose URL must stay the same across builds (/track/embed.js); everything else
// is content-hashed under /track/assets/ and cached for a year.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  base: '/track/',
  build: {
    outDir: here('../api/static/track'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    rollupOptions: {
      input: { index: here('index.html'), embed: here('src/embed.ts') },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'embed' ? 'embed.js' : 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
