import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/common/paths.js';

/**
 * The service as production runs it: compiled by tsc and started with `node .../src/main.js` in a
 * child process, so tests can send it real signals. Compiled into a private folder under
 * .model-cache/ (inside the checkout, so package.json's "type": "module" and node_modules apply),
 * never into dist/, which other people's builds write. The folder is named by a hash of the
 * sources, so the suites that need a build share one per version of the code (tsc takes tens of
 * seconds); older ones are removed when a new one is made.
 */
export function compileApp(): { mainJs: string; remove(): void } {
  const root = projectRoot();
  const cache = path.join(root, '.model-cache');
  const outDir = path.join(cache, `e2e-build-${sourceHash(root)}`);
  const mainJs = path.join(outDir, 'src/main.js');
  if (!existsSync(mainJs)) {
    const staging = mkdtempSync(path.join(cache, 'e2e-staging-'));
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', staging], {
      cwd: root,
      stdio: 'inherit',
    });
    const proto = 'src/inference/triton/grpc_service.proto';
    cpSync(path.join(root, proto), path.join(staging, proto));
    for (const stale of readdirSync(cache).filter((name) => name.startsWith('e2e-build-')))
      rmSync(path.join(cache, stale), { recursive: true, force: true });
    try {
      renameSync(staging, outDir);
    } catch (error) {
      // Another test run made the same build meanwhile: use theirs.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(mainJs)) throw error;
    }
  }
  // Kept for the next suite; the next change of the sources replaces it.
  return { mainJs, remove: () => undefined };
}

/** sha256 over the paths and contents of what tsc compiles (src/, the tsconfigs). */
function sourceHash(root: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of [...files, path.join(root, 'tsconfig.json'), path.join(root, 'tsconfig.build.json')]) {
    hash.update(path.relative(root, file)).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the compiled app on DATA_DIR and a free port; resolves once /health/ready answers 200
 * (or, with `until: 'listening'`, once it answers at all, ready or not). `cwd`, `uid` and `gid`
 * run it from another folder (an image layout) or as another user.
 */
export async function spawnApp(
  mainJs: string,
  dataDir: string,
  env: Record<string, string> = {},
  { until = 'ready', ...as }: { until?: 'ready' | 'listening'; cwd?: string; uid?: number; gid?: number } = {},
): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [mainJs], {
    cwd: as.cwd ?? projectRoot(),
    uid: as.uid,
    gid: as.gid,
    env: { ...process.env, LOG_LEVEL: 'log', ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`app exited during start:\n${output}`);
    try {
      const ready = await fetch(`${url}/health/ready`);
      if (ready.ok || until === 'listening') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app not ready within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, child, output: () => output, exited };
}

/** A multipart body with one image. */
export function imageForm(image: Buffer, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'photo.jpg');
  return form;
}
