import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the build works from any folder of a static host.
  base: './',
  build: {
    // One chunk and modern browsers (all of which preload modules): no polyfill needed (~0.4 KB).
    modulePreload: { polyfill: false },
  },
});
