import { ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  url: string;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** DATABASE_URL from the benchmark's environment: the server then uses that PostgreSQL instead of an embedded one. */
export const benchDatabaseUrl: string | undefined = process.env.DATABASE_URL || undefined;

/**
 * Starts the compiled service (`npm run build` first) as users run it, on a free port, and resolves
 * once /health/ready answers 200. Its database is a fresh embedded one, or, with DATABASE_URL set,
 * that PostgreSQL (inherited from this environment; a database `bench:scale` filled serves as a seed).
 * `seedDataDir` (a DATA_DIR that `bench:scale --keep-data-dir` filled) is copied first, so the seed
 * itself stays reusable.
 */
export async function startServer(env: Record<string, string> = {}, seedDataDir?: string): Promise<RunningServer> {
  if (seedDataDir && benchDatabaseUrl)
    throw new Error('--prefilled DIR is an embedded database; with DATABASE_URL, fill that database with bench:scale instead');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'face-matrix-bench-'));
  if (seedDataDir) await cp(seedDataDir, dataDir, { recursive: true });
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": profile the server under a benchmark.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, 'dist/src/main.js')], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready within 600 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    pid: child.pid!,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `task` over `items` with at most `concurrency` in flight, keeping order of results. */
export async function mapConcurrent<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** A multipart body with one image, as a browser or curl would send it. */
export function imageForm(image: Buffer, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'photo.jpg');
  return form;
}
