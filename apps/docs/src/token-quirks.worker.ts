/**
 * Trains the "why this matters" page's tokenizer off the main thread (BPE training on the course
 * text takes about half a second, longer on a slow machine: the page must not freeze meanwhile) and
 * posts it back as JSON (`saveTokenizer`), which the page loads with `loadTokenizer`.
 */
import { saveTokenizer } from '@dendrite/tokenizer';
import { courseCorpus } from './corpus.js';
import { trainQuirksTokenizer } from './token-quirks.js';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage: (message: string) => void;
};
scope.onmessage = () => scope.postMessage(saveTokenizer(trainQuirksTokenizer(courseCorpus())));
