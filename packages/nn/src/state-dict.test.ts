import { Generator, randn } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Block } from './layers/block.js';
import { decodeSafetensors, serializeStateDict, toTensors } from './safetensors/index.js';

describe('state dict round trip through safetensors bytes', () => {
  it('restores a transformer block bit for bit, and its outputs exactly', async () => {
    const a = new Block(16, { nHead: 4, generator: new Generator(1) });
    const b = new Block(16, { nHead: 4, generator: new Generator(2) });
    const bytes = await serializeStateDict(a.stateDict(), { format: 'dendrite' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata.format).toBe('dendrite');
    b.loadStateDict(toTensors({ tensors }));
    for (const [name, p] of Object.entries(a.stateDict())) {
      const q = b.stateDict()[name];
      expect(Array.from(q.dataSync()), name).toEqual(Array.from(p.dataSync()));
    }
    const x = randn([2, 5, 16], { generator: new Generator(3) });
    expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
    // the same weights always give the same bytes
    expect(await serializeStateDict(b.stateDict(), { format: 'dendrite' })).toEqual(bytes);
  });
});
