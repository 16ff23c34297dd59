// Loads a tiny-gpt checkpoint over HTTP and streams generated text; Stop aborts generation.
// `generate` yields to the event loop before every token, so the Stop click (an AbortSignal) is seen
// within one token, and the page stays responsive while it writes.
import { generate } from '@dendrite/tokenizer';
import { loadCheckpoint } from './checkpoint.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const form = $<HTMLFormElement>('#controls');
const prompt = $<HTMLInputElement>('input[name=prompt]');
const generateButton = $<HTMLButtonElement>('#generate');
const stopButton = $<HTMLButtonElement>('#stop');
const status = $('#status');
const output = $('#output');

// The run folder: ./run/ beside the page, or ?ckpt=<url of a folder>.
const ckpt = new URL(new URLSearchParams(location.search).get('ckpt') ?? 'run/', location.href);
if (!ckpt.pathname.endsWith('/')) ckpt.pathname += '/';
$('#ckpt').textContent = ckpt.href;

/** The page's state, as the `data-state` attribute a test (or a script) can wait for. */
function setState(state: 'ready' | 'generating' | 'stopped' | 'done' | 'error', text: string): void {
  status.dataset.state = state;
  status.textContent = text;
  generateButton.disabled = state === 'generating' || state === 'error';
  stopButton.disabled = state !== 'generating';
}

let tokens = 0; // tokens written into the output so far, over every run
let controller: AbortController | null = null;

async function main(): Promise<void> {
  const { model, tokenizer } = await loadCheckpoint(ckpt);
  setState(
    'ready',
    `Loaded: ${model.numParameters().toLocaleString()} parameters, ${tokenizer.vocabSize} tokens.`,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (controller) return; // one generation at a time
    controller = new AbortController();
    // Each run records how many tokens the text had when it started.
    output.dataset.run = String(Number(output.dataset.run) + 1);
    output.dataset.runStartTokens = String(tokens);
    if (tokens === 0) output.textContent = prompt.value;
    setState('generating', 'Generating…');
    const ids = tokenizer.encodeOrdinary(output.textContent || '\n');
    const decoder = tokenizer.createDecoder();
    const stream = generate(model, ids, {
      maxTokens: 100_000, // Stop ends it long before
      temperature: 0.8,
      seed: Number(output.dataset.run),
      signal: controller.signal,
    });
    try {
      for (;;) {
        const next = await stream.next();
        if (next.done) {
          output.textContent += decoder.flush();
          setState(
            next.value === 'abort' ? 'stopped' : 'done',
            `${next.value === 'abort' ? 'Stopped' : 'Done'} after ${tokens} tokens.`,
          );
          break;
        }
        output.textContent += decoder.push(next.value);
        output.dataset.tokens = String(++tokens);
      }
    } catch (err) {
      setState('error', `Generation failed: ${String(err)}`);
      console.error(err);
    } finally {
      controller = null;
    }
  });
  stopButton.addEventListener('click', () => controller?.abort());
}

main().catch((err: unknown) => {
  setState('error', `Could not load ${ckpt.href}: ${String(err)}`);
  console.error(err);
});
