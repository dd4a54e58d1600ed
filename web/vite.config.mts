import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The Chorus web app. `npm run build:web` writes web/dist, which the API process serves at `/`.
 * In development `npx vite --config web/vite.config.ts` proxies /v1 to a running API on :3000.
 */
export default defineConfig({
  root,
  plugins: [
    react(),
    VitePWA({
      // The service worker caches the app shell only; API answers (/v1) always go to the network.
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: {
        name: 'Chorus',
        short_name: 'Chorus',
        description: 'Publish, govern, listen and engage across social networks.',
        theme_color: '#3b3bb3',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/v1\//, /^\/docs/, /^\/openapi\.json/, /^\/health/],
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
      },
    }),
  ],
  // The composer counts characters with the server's own rules (contracts/text-rules.ts).
  server: { fs: { allow: [path.resolve(root, '..')] }, proxy: { '/v1': 'http://127.0.0.1:3000' } },
  build: { outDir: path.resolve(root, 'dist'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
});
