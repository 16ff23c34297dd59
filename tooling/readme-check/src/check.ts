/**
 * Typechecks README blocks the way a user's project would see them — each block its own ES module,
 * `strict`, TypeScript's default `lib` for ES2022, the @dendrite packages resolved by name through
 * node_modules to their built dist/ (their `types` for `import`; never the `dendrite-source`
 * condition) — under both module resolutions a user may choose: `nodenext` (Node) and `bundler`
 * (Vite, esbuild). Programs are then run with Node.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { Block } from './blocks.js';

/** "Cannot find name 'x'" and its variants: the names a fragment leaves to the text around it. */
export const UNDECLARED = new Set([2304, 2552, 2580, 2581, 2582, 2583, 2584]);

export interface Workspace {
  dir: string;
  /** The file written for each block (same order). */
  files: string[];
}

/**
 * Writes each block to `dir` as a module (`.mts` / `.mjs`), and links `dir/node_modules` to
 * `nodeModules` (a folder holding the @dendrite packages and @types/node), so both TypeScript and
 * Node resolve the packages from there.
 */
export function writeBlocks(blocks: Block[], dir: string, nodeModules: string): Workspace {
  mkdirSync(dir, { recursive: true });
  symlinkSync(nodeModules, join(dir, 'node_modules'), 'dir');
  const files = blocks.map((b) => {
    const name = `${b.readme.replace(/\/README\.md$/, '').replace(/[^\w]+/g, '-')}-line-${b.line}`;
    const file = join(dir, `${name}.${b.lang === 'ts' ? 'mts' : 'mjs'}`);
    // `export {}` makes even a block without imports a module (its own scope, top-level await).
    writeFileSync(file, `${b.code}export {};\n`);
    return file;
  });
  return { dir, files };
}

export interface Diagnostic {
  code: number;
  line: number;
  message: string;
}

export const RESOLUTIONS = {
  nodenext: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
} as const;

/** One TypeScript program over all the block files; returns each file's diagnostics. */
export function typecheck(
  files: string[],
  resolution: keyof typeof RESOLUTIONS,
  typeRoots: string[],
): Map<string, Diagnostic[]> {
  const program = ts.createProgram(files, {
    ...RESOLUTIONS[resolution],
    strict: true,
    target: ts.ScriptTarget.ES2022, // no `lib`: TypeScript's default for the target (DOM included)
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots,
  });
  const result = new Map<string, Diagnostic[]>();
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`typescript did not load ${file}`);
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    result.set(
      file,
      diagnostics.map((d) => ({
        code: d.code,
        line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      })),
    );
  }
  return result;
}

/** A block's TypeScript as the JavaScript Node runs (types stripped, imports kept). */
export function toJavaScript(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
}

/** Runs a program with Node in its folder; bounded by the caller's timeout, never a time of its own. */
export function runProgram(file: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
