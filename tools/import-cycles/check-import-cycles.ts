// `npm run check:cycles`: fails on any import cycle among src/ files, and on top-level src/ folders
// that import each other (directly or round a longer loop). import-cycles.spec.ts runs the same
// check in `npm test`, so CI catches a new cycle.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cycleThrough, cyclicComponents, folderGraph, readImportGraph } from './import-graph.js';

/**
 * ============================== KNOWN EXCEPTIONS ==============================
 * Folder cycles tolerated for now, each one set of folders. Remove an entry as soon as its cycle
 * is gone: the check then keeps it from coming back (and fails while a stale entry remains).
 * None today: the face gallery, once split between faces/ and users/, lives in gallery/.
 */
export const KNOWN_FOLDER_CYCLES: readonly (readonly string[])[] = [];
/* ============================================================================== */

export interface ImportCycleReport {
  /** Each a concrete file cycle, first file repeated at the end. */
  readonly fileCycles: string[][];
  /** Folder cycles not listed in KNOWN_FOLDER_CYCLES, each with one example import per step. */
  readonly folderCycles: { folders: string[]; steps: string[] }[];
  /** Listed folder cycles that are still there. */
  readonly knownFolderCycles: string[][];
  /** Listed folder cycles that are gone: the entry must be removed. */
  readonly staleExceptions: string[][];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item) => b.includes(item));

export function checkImportCycles(sourceRoot: string, known: readonly (readonly string[])[] = KNOWN_FOLDER_CYCLES): ImportCycleReport {
  const graph = readImportGraph(sourceRoot);
  const fileCycles = cyclicComponents(graph.files, graph.imports).map((component) => cycleThrough(component[0], component, graph.imports));

  const folders = folderGraph(graph);
  const components = cyclicComponents(folders.folders, folders.edges);
  const folderCycles = components
    .filter((component) => !known.some((entry) => sameSet(entry, component)))
    .map((component) => {
      const loop = cycleThrough(component[0], component, folders.edges);
      const steps = loop.slice(1).map((to, i) => folders.example.get(`${loop[i]}->${to}`)!);
      return { folders: component, steps };
    });
  const knownFolderCycles = components.filter((component) => known.some((entry) => sameSet(entry, component)));
  const staleExceptions = known.filter((entry) => !components.some((component) => sameSet(entry, component))).map((entry) => [...entry]);
  return { fileCycles, folderCycles, knownFolderCycles, staleExceptions };
}

export function describeReport(report: ImportCycleReport): { ok: boolean; text: string } {
  const lines: string[] = [];
  for (const cycle of report.fileCycles) lines.push(`import cycle: ${cycle.join(' -> ')}`);
  for (const cycle of report.folderCycles) {
    lines.push(`folders importing each other: ${cycle.folders.join(', ')}`);
    for (const step of cycle.steps) lines.push(`    ${step}`);
  }
  for (const entry of report.staleExceptions)
    lines.push(`stale exception: ${entry.join(' <-> ')} no longer import each other; remove it from KNOWN_FOLDER_CYCLES`);
  const ok = lines.length === 0;
  for (const entry of report.knownFolderCycles) lines.push(`known exception (KNOWN_FOLDER_CYCLES): ${entry.join(' <-> ')}`);
  if (ok) lines.push('no import cycles among src/ files; no other top-level src/ folders import each other');
  return { ok, text: lines.join('\n') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const sourceRoot = fileURLToPath(new URL('../../src', import.meta.url));
  const { ok, text } = describeReport(checkImportCycles(sourceRoot));
  (ok ? console.log : console.error)(text);
  process.exitCode = ok ? 0 : 1;
}
