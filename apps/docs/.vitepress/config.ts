import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

/** The course, in reading order: each page is one concept with a live demo. */
export const COURSE: DefaultTheme.SidebarItem[] = [
  { text: 'Overview', link: '/course/' },
  { text: '1. What a neural network is', link: '/course/what-is-a-neural-network' },
  { text: '2. The neuron', link: '/course/the-neuron' },
  { text: '3. Weights and biases', link: '/course/weights-and-biases' },
  { text: '4. Activation functions', link: '/course/activation-functions' },
  { text: '5. Layers', link: '/course/layers' },
  { text: '6. The forward pass', link: '/course/forward-pass' },
  { text: '7. Loss: cross-entropy', link: '/course/loss' },
  { text: '8. Backpropagation', link: '/course/backpropagation' },
  { text: '9. Gradient descent', link: '/course/gradient-descent' },
  { text: '10. One update step', link: '/course/update-step' },
  { text: '11. AdamW', link: '/course/adamw' },
  { text: '12. Counting parameters', link: '/course/counting-parameters' },
  { text: '13. Composing a GPT', link: '/course/composing-a-gpt' },
  { text: 'Capstone: train a GPT here', link: '/course/train-a-gpt' },
];

export const GUIDES: DefaultTheme.SidebarItem[] = [
  { text: 'Installation', link: '/guide/installation' },
  { text: 'Tensors', link: '/guide/tensors' },
  { text: 'Autograd', link: '/guide/autograd' },
  { text: 'Building a model', link: '/guide/building-a-model' },
  { text: 'The training loop', link: '/guide/training-loop' },
  { text: 'Saving and loading', link: '/guide/saving-and-loading' },
  { text: 'Tokenizers', link: '/guide/tokenizers' },
  { text: 'Backends and gpu.js', link: '/guide/gpu-backend' },
  { text: 'The fast CPU backend (WebAssembly)', link: '/guide/fast-cpu-backend' },
  { text: 'The tiny-gpt CLI', link: '/guide/tiny-gpt-cli' },
];

/** The API sidebar that scripts/api.mjs writes next to the reference pages. */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
  const items = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[])
    : [];
  return [{ text: 'API reference', link: '/api/', items }];
}

export default defineConfig({
  title: 'Dendrite',
  description: 'A TypeScript deep-learning toolkit, and a course from one neuron to a GPT with live demos.',
  lang: 'en-US',
  cleanUrls: false,
  lastUpdated: false,
  // Generated API pages link to each other with .md paths; VitePress checks every link at build time.
  ignoreDeadLinks: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  themeConfig: {
    logo: '/favicon.svg',
    nav: [
      { text: 'Course', link: '/course/', activeMatch: '^/course/(?!train-a-gpt)' },
      { text: 'Train a GPT', link: '/course/train-a-gpt' },
      { text: 'Guides', link: '/guide/installation', activeMatch: '^/guide/' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
    ],
    sidebar: {
      '/course/': [{ text: 'The course', items: COURSE }],
      '/guide/': [{ text: 'Guides', items: GUIDES }],
      '/api/': apiSidebar(),
    },
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    footer: { message: 'MIT licensed. The course text is the project’s own.' },
  },
  vite: {
    // Workspace packages export their TypeScript sources under this condition: the site builds
    // from sources, so no package needs a build first.
    resolve: { conditions: ['dendrite-source'] },
    ssr: { resolve: { conditions: ['dendrite-source'], externalConditions: ['dendrite-source'] } },
    build: { chunkSizeWarningLimit: 2000 },
    // The code samples' runner is a module worker (src/runnable.worker.ts) that loads each package
    // it runs as its own chunk: code splitting needs the ES format (Vite's default is iife).
    worker: { format: 'es' },
    // Keep class and function names through minification: Module.toString() and error names read
    // `constructor.name`, and a sample run in the page must print `Linear(…)`, not a mangled name.
    esbuild: { keepNames: true },
  },
});
