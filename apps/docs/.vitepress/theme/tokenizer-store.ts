import type { BPETokenizer } from '@dendrite/tokenizer';
import { shallowRef } from 'vue';

/**
 * What the tokenizer lesson's demos share on the page: the BPE the learner trained in the
 * step-by-step trainer, and a tokenizer file the learner loaded (GPT-2's, typically).
 */
export const learnerBPE = shallowRef<{ tokenizer: BPETokenizer; merges: number } | null>(null);
export const loadedTokenizer = shallowRef<{ tokenizer: BPETokenizer; description: string } | null>(null);
