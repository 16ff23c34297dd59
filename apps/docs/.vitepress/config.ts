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
  { text: '13. Tokenizers', link: '/course/tokenizers' },
  { text: '14. Attention', link: '/course/attention' },
  { text: '15. Composing a GPT', link: '/course/composing-a-gpt' },
  { text: '16. Why this matters: when training goes wrong', link: '/course/why-this-matters' },
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
  { text: 'When one machine is not enough', link: '/guide/one-machine-is-not-enough' },
];

/** The API sidebar that scripts/api.mjs writes next to the reference pages. */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
  const items = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[])
    : [];
  return [{ text: 'API reference', link: '/api/', items }];
}

/**
 * Cross-origin isolation: with these two headers a page may share memory with its workers
 * (SharedArrayBuffer), which the capstone's WebAssembly backend needs to compute on several
 * threads. Every resource of the site is same-origin, so `require-corp` blocks nothing. A static
 * host must send the same headers with every file (see README.md, "Deploying").
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  title: 'Dendrite',
  description: 'A TypeScript deep-learning toolkit, and a course from one neuron to a GPT with live demos.',
  lang: 'en-US',
  // README.md is the docs app's contributor notes, not a page of the site.
  srcExclude: ['README.md', 'examples/**'],
  cleanUrls: false,
  lastUpdated: false,
  // Generated API pages link to each other with .md paths; VitePress checks every link at build time.
  // course/why-this-matters links to the tokenizer lesson (course/tokenizers.md), written on another
  // branch: that one link is let through only while the page does not exist here; once it does, the
  // link is checked like every other.
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
    search: {
      provider: 'local',
      options: {
        miniSearch: {
          // A learner searching "ReLU" or "bias" wants the lesson before the API entry: course pages
          // weigh most, then guides, then the reference. (VitePress ships this function's source to
          // the browser, so it must not refer to anything outside itself.)
          searchOptions: {
            boostDocument: (id: string) => (id.startsWith('/course/') ? 8 : id.startsWith('/guide/') ? 3 : 1),
          },
        },
      },
    },
    outline: { level: [2, 3] },
    footer: { message: 'MIT licensed. The course text is the project’s own.' },
  },
  vite: {
    // Workspace packages export their TypeScript sources under this condition: the site builds
    // from sources, so no package needs a build first.
    resolve: { conditions: ['dendrite-source'] },
    ssr: { resolve: { conditions: ['dendrite-source'], externalConditions: ['dendrite-source'] } },
    build: { chunkSizeWarningLimit: 2000 },
    // Module workers: the capstone's training worker and the code samples' runner load the packages
    // lazily, as chunks of their own (code splitting needs the ES format; Vite's default is iife).
    worker: { format: 'es' },
    server: { headers: ISOLATION_HEADERS },
    plugins: [
      {
        // The headers on the dev server's HTML pages too: `server.headers` reaches the modules Vite
        // serves but not the pages VitePress renders, and a page without them is not isolated.
        name: 'dendrite:cross-origin-isolation',
        configureServer(server) {
          server.middlewares.use((_req, res, next) => {
            for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
            next();
          });
        },
      },
    ],
    preview: { headers: ISOLATION_HEADERS },
  },
});
