import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { projectRoot } from './paths.js';

const bundles = new Map<string, Promise<URL>>();

/**
 * The script of a worker thread whose source is `source` (a .ts URL beside its caller). Compiled,
 * the worker is the .js file beside it. From TypeScript sources (Jest, tsx) esbuild bundles it,
 * once per process, into .model-cache/: registering tsx in each worker instead took 0.8 s of
 * every app start in the tests.
 */
export async function workerScript(source: URL): Promise<URL> {
  const compiled = new URL(source.href.replace(/\.ts$/, '.js'));
  if (existsSync(fileURLToPath(compiled))) return compiled;
  let bundle = bundles.get(source.href);
  if (!bundle) {
    bundle = bundleFromSources(source);
    bundles.set(source.href, bundle);
  }
  return bundle;
}

async function bundleFromSources(source: URL): Promise<URL> {
  // esbuild is a development dependency (through tsx): the compiled service never gets here.
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [fileURLToPath(source)],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    write: false,
  });
  const code = bundle.outputFiles[0].contents;
  const name = path.basename(fileURLToPath(source), '.ts').replace(/\W+/g, '-');
  // Inside the checkout, so the bundle's package imports resolve from its node_modules.
  const file = path.join(projectRoot(), '.model-cache', `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    const staging = `${file}.${process.pid}.tmp`;
    await writeFile(staging, code);
    await rename(staging, file);
  }
  return pathToFileURL(file);
}
