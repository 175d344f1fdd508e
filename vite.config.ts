import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The page is built into dist/web, served by `torque serve` with @fastify/static.
export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // The page may not run inline script (CSP): keep every module a file.
    assetsInlineLimit: 0,
  },
});
