import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/common/paths.js';

/**
 * The service as production runs it: compiled by tsc and started with `node .../src/main.js` in a
 * child process, so tests can send it real signals. Compiled into a private folder under
 * .model-cache/ (inside the checkout, so package.json's "type": "module" and node_modules apply),
 * never into dist/, which other people's builds write.
 */
export function compileApp(): { mainJs: string; remove(): void } {
  const root = projectRoot();
  const outDir = mkdtempSync(path.join(root, '.model-cache', 'e2e-build-'));
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  const proto = 'src/inference/triton/grpc_service.proto';
  cpSync(path.join(root, proto), path.join(outDir, proto));
  return { mainJs: path.join(outDir, 'src/main.js'), remove: () => rmSync(outDir, { recursive: true, force: true }) };
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
 * Starts the compiled app on DATA_DIR and a free port; resolves once /health/ready answers 200.
 * `as` runs it from another folder (an image layout) or as another user.
 */
export async function spawnApp(
  mainJs: string,
  dataDir: string,
  env: Record<string, string> = {},
  as: { cwd?: string; uid?: number; gid?: number } = {},
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
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`app exited during start:\n${output}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
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
