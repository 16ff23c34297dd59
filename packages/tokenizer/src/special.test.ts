import { ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { trainBPE } from './bpe-train.js';
import { TokenizerError } from './errors.js';
import { ENDOFTEXT } from './tokenizer.js';

describe('special-token policy (tiktoken semantics)', () => {
  const tok = trainBPE('hello world <|endoftext|> hello', {
    vocabSize: 270,
    specialTokens: [ENDOFTEXT, '<|user|>', '<|user|>!'],
  });
  const eot = tok.specialTokens.get(ENDOFTEXT)!;
  const user = tok.specialTokens.get('<|user|>')!;
  const userBang = tok.specialTokens.get('<|user|>!')!;
  const text = `hi${ENDOFTEXT}there`;

  it('rejects special tokens in text by default, naming token and offset', () => {
    expect(() => tok.encode(text)).toThrow(TokenizerError);
    expect(() => tok.encode(text)).toThrow(/special token "<\|endoftext\|>" at offset 2/);
  });

  it('encodes allowed special tokens as their ids', () => {
    expect(tok.encode(text, { allowedSpecial: 'all' })).toEqual([
      ...tok.encodeOrdinary('hi'),
      eot,
      ...tok.encodeOrdinary('there'),
    ]);
    expect(tok.encode(text, { allowedSpecial: [ENDOFTEXT] })).toContain(eot);
  });

  it('still rejects the specials that are not allowed', () => {
    expect(() => tok.encode(`${text}<|user|>`, { allowedSpecial: [ENDOFTEXT] })).toThrow(/"<\|user\|>"/);
  });

  it('encodes specials as ordinary text when neither allowed nor disallowed', () => {
    const ids = tok.encode(text, { disallowedSpecial: [] });
    expect(ids).toEqual(tok.encodeOrdinary(text));
    expect(ids).not.toContain(eot);
    expect(tok.decode(ids)).toBe(text);
  });

  it('prefers the longest special token at a position', () => {
    expect(tok.encode('<|user|>!', { allowedSpecial: 'all' })).toEqual([userBang]);
    expect(tok.encode('<|user|>?', { allowedSpecial: ['<|user|>'], disallowedSpecial: [] })).toEqual([
      user,
      ...tok.encodeOrdinary('?'),
    ]);
  });

  it('rejects unknown names and bad policy values with ValueError', () => {
    expect(() => tok.encode('x', { allowedSpecial: ['<|nope|>'] })).toThrow(ValueError);
    expect(() => tok.encode('x', { allowedSpecial: 'none' as 'all' })).toThrow(ValueError);
    expect(() => tok.encode('x', { disallowedSpecial: ['<|nope|>'] })).toThrow(/not a special token/);
  });
});
