import { cp, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/common/paths.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

/**
 * Gives `dataDir` the embedded PostgreSQL's data directory as initdb leaves it, copied from a
 * template made once per machine: initdb in WASM takes about 5 s, the copy under 0.1 s. The
 * app then runs its own migrations on it, as on any fresh database.
 */
export async function seedEmbeddedDataDir(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'pgdata'))) return;
  const source = await embeddedTemplate();
  const target = path.join(dataDir, 'pgdata');
  // cp(1) copies the thousand files in a tenth of the time fs.cp takes; fs.cp where there is none.
  await execFileAsync('cp', ['-R', source, target]).catch(() => cp(source, target, { recursive: true }));
}

const execFileAsync = promisify(execFile);

let template: Promise<string> | undefined;

function embeddedTemplate(): Promise<string> {
  template ??= buildTemplate();
  return template;
}

async function buildTemplate(): Promise<string> {
  const versions = await Promise.all(
    ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'].map((name) =>
      readFile(path.join(projectRoot(), 'node_modules', name, 'package.json'), 'utf8'),
    ),
  );
  const key = createHash('sha256')
    .update(versions.map((json) => (JSON.parse(json) as { version: string }).version).join(' '))
    .digest('hex')
    .slice(0, 12);
  const ready = path.join(tmpdir(), `face-matrix-pglite-initdb-${key}`);
  if (existsSync(ready)) return ready;
  // Built aside and renamed into place, so parallel Jest workers never copy a half-made template.
  const building = await mkdtemp(`${ready}-building-`);
  const pglite = await startEmbeddedPostgres(building);
  await pglite.close();
  try {
    await rename(path.join(building, 'pgdata'), ready);
  } catch (error) {
    if (!existsSync(ready)) throw error;
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return ready;
}
