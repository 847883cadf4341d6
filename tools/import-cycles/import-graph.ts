import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Files under src/ and the relative imports between them (`import type` and `import()` included). */
export interface ImportGraph {
  /** Paths relative to the source root, with forward slashes: `faces/face-pipeline.ts`. */
  readonly files: readonly string[];
  readonly imports: ReadonlyMap<string, readonly string[]>;
}

/** Generated code (the Prisma client) is not ours to arrange. */
const IGNORED_DIRECTORIES = new Set(['generated']);

export function readImportGraph(sourceRoot: string): ImportGraph {
  const files = listTypeScript(sourceRoot, '');
  const known = new Set(files);
  const imports = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(sourceRoot, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveSpecifier(sourceRoot, file, specifier))
      .filter((target): target is string => target !== undefined && known.has(target));
    imports.set(file, [...new Set(targets)].sort());
  }
  return { files, imports };
}

function listTypeScript(root: string, relative: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!IGNORED_DIRECTORIES.has(child)) found.push(...listTypeScript(root, child));
    } else if (/\.(m|c)?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      found.push(child);
    }
  }
  return found.sort();
}

/** ESM specifiers name the compiled file (`./x.js`); the source beside it is `./x.ts`. */
function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [base.replace(/\.(m|c)?js$/, (ext) => ext.replace('js', 'ts')), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((candidate) => !candidate.startsWith('..') && existsSync(path.join(root, candidate)));
}

/**
 * Strongly connected components with more than one member (or a file importing itself), by
 * Tarjan's algorithm: each is a set of nodes that all reach one another, i.e. an import cycle.
 */
export function cyclicComponents(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (node: string) => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One concrete cycle through `start` inside its component, for a readable message. */
export function cycleThrough(start: string, component: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/** The top-level folder of a file under src/; files directly in src/ (main.ts, app.module.ts) compose the app and have none. */
export function topFolder(file: string): string | undefined {
  const slash = file.indexOf('/');
  return slash < 0 ? undefined : file.slice(0, slash);
}

/** Folder -> folders it imports, with one example import per pair. */
export function folderGraph(graph: ImportGraph): { folders: string[]; edges: Map<string, string[]>; example: Map<string, string> } {
  const edges = new Map<string, Set<string>>();
  const example = new Map<string, string>();
  for (const [file, targets] of graph.imports) {
    const from = topFolder(file);
    if (!from) continue;
    for (const target of targets) {
      const to = topFolder(target);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
      if (!example.has(`${from}->${to}`)) example.set(`${from}->${to}`, `${file} -> ${target}`);
    }
  }
  const folders = [...new Set(graph.files.map(topFolder).filter((folder): folder is string => folder !== undefined))].sort();
  return { folders, edges: new Map([...edges].map(([from, to]) => [from, [...to].sort()])), example };
}
