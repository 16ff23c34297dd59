// The README examples, as a user copies them: code blocks pulled out of each package README,
// typechecked against the installed packages' published types, and run with Node.
//
// Which blocks are programs. A README mixes runnable examples with fragments (a signature, a line
// that continues the previous block). A TypeScript/JavaScript block is a program when it imports a
// @dendrite package and declares every name it uses: the typechecker says which blocks refer to
// names they never declare ("Cannot find name"), and those are reported as fragments, not run.
// Every other error in a program (a wrong import, a changed signature) is a failure, and so is a
// README with no program at all (each package README has an example that runs).
import ts from 'typescript';

const CODE_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'mts']);
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);
/** "Cannot find name 'x'" and its "did you mean" variants. */
const UNDECLARED = new Set([2304, 2552, 2582, 2583, 2584]);

/**
 * Fenced code blocks of a Markdown file.
 * @param {string} markdown
 * @returns {{ lang: string, code: string, line: number }[]}
 */
export function codeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, pad, fence, lang] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence))
      body.push(lines[j++].slice(pad.length));
    blocks.push({ lang: lang.toLowerCase(), code: `${body.join('\n')}\n`, line: i + 1 });
    i = j;
  }
  return blocks;
}

/** TypeScript / JavaScript blocks that import a package of the scope. */
export function candidatePrograms(markdown, scope = '@dendrite/') {
  const importRe = new RegExp(`^\\s*import\\b[^;]*?['"]${scope.replace(/[/]/g, '\\/')}`, 'm');
  return codeBlocks(markdown).filter((b) => CODE_LANGS.has(b.lang) && importRe.test(b.code));
}

/**
 * The scoped packages a README tells the user to install (`npm i …` / `npm install …` lines).
 * @param {string} markdown
 * @param {string} [scope]
 */
export function installedByReadme(markdown, scope = '@dendrite/') {
  const names = new Set();
  for (const b of codeBlocks(markdown)) {
    if (!SHELL_LANGS.has(b.lang)) continue;
    for (const line of b.code.split('\n')) {
      const m = /^\s*\$?\s*npm\s+(?:i|install|add)\s+(.+)$/.exec(line);
      if (!m) continue;
      for (const word of m[1].replace(/#.*$/, '').trim().split(/\s+/))
        if (word.startsWith(scope)) names.add(word.replace(/(.)@[^/]*$/, '$1'));
    }
  }
  return [...names];
}

/**
 * Typechecks program candidates, each against the packages installed beside it (one TypeScript
 * program over all of them: each file resolves imports from its own folder's node_modules).
 * @param {string[]} files absolute paths of .mts files
 * @param {{ typeRoots: string[] }} options where @types/node is
 * @returns {Map<string, { kind: 'program' | 'fragment', errors: string[], undeclared: string[] }>}
 */
export function classifyAndTypecheck(files, { typeRoots }) {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    typeRoots,
  });
  const out = new Map();
  for (const file of files) {
    const sf = program.getSourceFile(file);
    const diags = sf ? ts.getPreEmitDiagnostics(program, sf) : [];
    const text = (d) => {
      const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return msg;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `line ${line + 1}: ${msg}`;
    };
    const undeclared = diags.filter((d) => UNDECLARED.has(d.code)).map(text);
    const errors = diags.filter((d) => !UNDECLARED.has(d.code)).map(text);
    out.set(
      file,
      undeclared.length > 0
        ? { kind: 'fragment', errors, undeclared }
        : { kind: 'program', errors, undeclared },
    );
  }
  return out;
}

/**
 * TypeScript → JavaScript (types stripped, imports kept), for Node to run.
 * @param {string} code
 */
export function toJavaScript(code) {
  return ts.transpileModule(code, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: false,
    },
  }).outputText;
}
