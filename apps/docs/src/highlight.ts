/**
 * A small TypeScript highlighter for the sample editor (RunnableCode.vue draws these tokens under a
 * transparent textarea): comments, strings and template literals, numbers, keywords, and names that
 * are called. It only colours; it never changes the text — the tokens joined are the source.
 */

export type TokenKind = 'comment' | 'string' | 'number' | 'keyword' | 'call' | 'plain';

export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(
  (
    'as async await break case catch class const continue default delete do else export extends ' +
    'false finally for from function if import in instanceof interface let new null of return ' +
    'static super switch this throw true try type typeof undefined var void while yield'
  ).split(' '),
);

// One alternative per kind, tried at each position: a comment, a string (', ", or a template
// literal without nested templates), a number, or a word.
const TOKEN =
  /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?|`(?:[^`\\]|\\[\s\S])*`?)|(\b\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?n?\b|\.\d+(?:[eE][+-]?\d+)?\b)|([A-Za-z_$][\w$]*)/g;

/** A call follows a name: `tensor(`, `x.mul (`. */
const CALL = /\s*\(/y;

/** The source as coloured tokens, in order; `tokens.map((t) => t.text).join('')` is the source. */
export function highlight(source: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = tokens.at(-1);
    if (last && last.kind === kind && kind === 'plain') last.text += text;
    else if (text !== '') tokens.push({ kind, text });
  };
  let at = 0;
  for (const m of source.matchAll(TOKEN)) {
    const start = m.index ?? 0;
    push('plain', source.slice(at, start));
    const [text, comment, string, number, word] = m;
    if (comment !== undefined) push('comment', text);
    else if (string !== undefined) push('string', text);
    else if (number !== undefined) push('number', text);
    else if (word !== undefined) {
      if (KEYWORDS.has(word)) push('keyword', text);
      else {
        CALL.lastIndex = start + text.length;
        push(CALL.test(source) ? 'call' : 'plain', text);
      }
    }
    at = start + text.length;
  }
  push('plain', source.slice(at));
  return tokens;
}
