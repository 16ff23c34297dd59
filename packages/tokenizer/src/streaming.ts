/**
 * Streaming decode. A byte-level token can end in the middle of a character (an emoji is four
 * bytes and GPT-2 often splits it over two or three tokens), so printing `decode([id])` per token
 * would show replacement characters. A stream decoder holds back the bytes of an unfinished
 * character until the token that completes it arrives.
 */
import type { Tokenizer } from './tokenizer.js';

/** Turns token ids into text incrementally, never emitting half a UTF-8 character. */
export interface StreamDecoder {
  /** Feeds one token; returns the text that is now complete (often '', never half a character). */
  push(id: number): string;
  /**
   * Ends the stream: returns what is still held back (an incomplete character comes out as
   * U+FFFD) and resets the decoder for reuse.
   */
  flush(): string;
}

/**
 * A {@link StreamDecoder} over token bytes, built on `TextDecoder`'s streaming mode.
 * The concatenation of everything it emits equals `tokenizer.decode(allIds)`.
 */
export class Utf8StreamDecoder implements StreamDecoder {
  private decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /** @param bytesOf the UTF-8 bytes of a token (validates the id). */
  constructor(private readonly bytesOf: (id: number) => Uint8Array) {}

  /** {@inheritDoc StreamDecoder.push} */
  push(id: number): string {
    return this.decoder.decode(this.bytesOf(id), { stream: true });
  }

  /** {@inheritDoc StreamDecoder.flush} */
  flush(): string {
    const rest = this.decoder.decode();
    this.decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    return rest;
  }
}

/**
 * Decodes a stream of ids (for example the tokens `generate` yields) into text chunks as they
 * complete. Empty chunks are not yielded.
 *
 * @example for await (const text of decodeStream(tok, generate(model, ids, opts))) process.stdout.write(text);
 */
export async function* decodeStream(
  tokenizer: Pick<Tokenizer, 'createDecoder'>,
  ids: AsyncIterable<number> | Iterable<number>,
): AsyncGenerator<string, void, undefined> {
  const decoder = tokenizer.createDecoder();
  for await (const id of ids) {
    const text = decoder.push(id);
    if (text.length > 0) yield text;
  }
  const rest = decoder.flush();
  if (rest.length > 0) yield rest;
}
