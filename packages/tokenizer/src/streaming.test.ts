import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainBPE } from './bpe-train.js';
import { GPT2_PATTERN } from './pretokenize.js';
import { decodeStream, Utf8StreamDecoder } from './streaming.js';

// Bytes only (no merges): every multi-byte character is split across tokens.
const bytesOnly = trainBPE('', { vocabSize: 256, pattern: GPT2_PATTERN });

describe('streaming decode', () => {
  it('holds back a partial character until it completes', () => {
    const d = bytesOnly.createDecoder();
    const ids = bytesOnly.encode('a😀');
    expect(ids).toEqual([97, 0xf0, 0x9f, 0x98, 0x80]);
    expect(ids.map((id) => d.push(id))).toEqual(['a', '', '', '', '😀']);
    expect(d.flush()).toBe('');
  });

  it('flushes an unfinished character as U+FFFD and resets', () => {
    const d = bytesOnly.createDecoder();
    expect(d.push(0xe2)).toBe('');
    expect(d.flush()).toBe('\ufffd');
    expect(d.push(0x61)).toBe('a');
  });

  it('emits exactly decode(ids) in total, never a lone half', () => {
    const tok = trainBPE('naïve café 😀😀 日本語 日本 👍🏽👍🏽 e\u0301e\u0301', {
      vocabSize: 290,
      minFrequency: 1,
    });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        for (const t of [tok, bytesOnly]) {
          const ids = t.encode(s);
          const d = t.createDecoder();
          const chunks = ids.map((id) => d.push(id));
          chunks.push(d.flush());
          expect(chunks.join('')).toBe(t.decode(ids));
          if (!s.includes('\ufffd')) for (const c of chunks) expect(c.includes('\ufffd')).toBe(false);
        }
      }),
    );
  });

  it('decodeStream turns an async id stream into text chunks', async () => {
    async function* ids() {
      for (const id of bytesOnly.encode('hé😀')) yield id;
    }
    const out: string[] = [];
    for await (const chunk of decodeStream(bytesOnly, ids())) out.push(chunk);
    expect(out).toEqual(['h', 'é', '😀']);
  });

  it('Utf8StreamDecoder works from any bytes-of-token function', () => {
    const d = new Utf8StreamDecoder((id) => new Uint8Array([id]));
    expect(d.push(0xc3) + d.push(0xa9)).toBe('é');
  });
});
