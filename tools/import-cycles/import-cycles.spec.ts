import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkImportCycles, describeReport } from './check-import-cycles.js';

const sourceRoot = fileURLToPath(new URL('../../src', import.meta.url));

/** A throwaway src/ tree: file path -> contents. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'import-cycles-'));
  for (const [file, contents] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), contents);
  }
  return root;
}

describe('import cycles in src/', () => {
  it('has none, and no top-level folders import each other beyond the known exceptions', () => {
    const report = checkImportCycles(sourceRoot);
    const { ok, text } = describeReport(report);
    if (!ok) throw new Error(`npm run check:cycles fails:\n${text}`);
    expect(report.fileCycles).toEqual([]);
    expect(report.folderCycles).toEqual([]);
    expect(report.staleExceptions).toEqual([]);
  });
});

describe('the import-cycle check', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  const check = (files: Record<string, string>, known: string[][] = []) => {
    const root = tree(files);
    roots.push(root);
    return checkImportCycles(root, known);
  };

  it('finds a file cycle made of type-only imports and dynamic imports', () => {
    const report = check({
      'a/one.ts': "import type { Two } from './two.js';\nexport type One = Two;",
      'a/two.ts': "export type Two = string;\nexport const load = () => import('./three.js');",
      'a/three.ts': "import { load } from './two.js';\nexport const again = load;",
    });
    expect(report.fileCycles).toEqual([['a/three.ts', 'a/two.ts', 'a/three.ts']]);
  });

  it('finds folders that import each other, round a longer loop too, with one import per step', () => {
    const report = check({
      // No file cycle: each folder's importing file is not the one imported.
      'x/a.ts': "import { b } from '../y/b.js';\nexport const a = b;",
      'x/leaf.ts': 'export const leaf = 1;',
      'y/b.ts': 'export const b = 2;',
      'y/b2.ts': "import { c } from '../z/c.js';\nexport const b2 = c;",
      'z/c.ts': 'export const c = 3;',
      'z/c2.ts': "import type { leaf } from '../x/leaf.js';\nexport type C2 = typeof leaf;",
      'main.ts': "import { a } from './x/a.js';\nimport { b2 } from './y/b2.js';\nexport const all = [a, b2];",
    });
    expect(report.fileCycles).toEqual([]);
    expect(report.folderCycles).toEqual([{ folders: ['x', 'y', 'z'], steps: ['x/a.ts -> y/b.ts', 'y/b2.ts -> z/c.ts', 'z/c2.ts -> x/leaf.ts'] }]);
  });

  it('tolerates a listed folder cycle, and flags the entry once the cycle is gone', () => {
    const mutual = { 'p/a.ts': "import '../q/b.js';", 'q/b.ts': "import '../p/a.js';" };
    // The two files also form a file cycle: files import each other across the folders.
    expect(check(mutual, [['q', 'p']])).toMatchObject({ folderCycles: [], knownFolderCycles: [['p', 'q']], staleExceptions: [] });
    expect(check({ 'p/a.ts': "import '../q/b.js';", 'q/b.ts': '' }, [['p', 'q']]).staleExceptions).toEqual([['p', 'q']]);
  });
});
