// Removes from a production node_modules what the running app never loads. Run by the Dockerfile's
// runtime stage after `npm ci --omit=dev`, and by deploy/smoke/rehearse-runtime.sh.
//  - ONNX Runtime binaries for other platforms and architectures: the package ships all of them
//    (~245 MB); only bin/napi-v6/<this platform>/<this arch> is ever loaded.
//  - Packages the lockfile marks devOptional: in the production tree only as optional peers of
//    production packages (the Prisma CLI and its closure for @prisma/client, TypeScript for the
//    Swagger plugin), which the compiled app never imports.
// Usage: node tools/image/prune-runtime-modules.mjs [app folder, default: the current one]
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const app = resolve(process.argv[2] ?? '.');
const removed = [];

const onnxBinaries = join(app, 'node_modules/onnxruntime-node/bin/napi-v6');
if (!existsSync(join(onnxBinaries, process.platform, process.arch))) {
  throw new Error(`no ONNX Runtime binary for ${process.platform}/${process.arch} under ${onnxBinaries}: refusing to prune`);
}
for (const platform of readdirSync(onnxBinaries)) {
  for (const arch of readdirSync(join(onnxBinaries, platform))) {
    if (platform === process.platform && arch === process.arch) continue;
    rmSync(join(onnxBinaries, platform, arch), { recursive: true, force: true });
    removed.push(`onnxruntime-node ${platform}/${arch}`);
  }
}

const { packages } = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
let optionalPeers = 0;
for (const [path, entry] of Object.entries(packages)) {
  if (!entry.devOptional || !existsSync(join(app, path))) continue;
  rmSync(join(app, path), { recursive: true, force: true });
  optionalPeers++;
}
removed.push(`${optionalPeers} devOptional packages (the Prisma CLI and its closure, TypeScript)`);
console.log(`pruned: ${removed.join(', ')}`);
