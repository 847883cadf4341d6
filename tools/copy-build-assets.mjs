// tsc compiles only TypeScript; the gRPC client loads its .proto at run time from beside the
// compiled code, so `npm run build` copies every src/**/*.proto into dist/src/.
import { cpSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src');
const target = join(root, 'dist', 'src');

const protos = readdirSync(source, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.proto'))
  .map((entry) => join(entry.parentPath, entry.name));
for (const proto of protos) {
  const destination = join(target, relative(source, proto));
  cpSync(proto, destination);
  console.log(`copied ${relative(root, proto)} -> ${relative(root, destination)}`);
}
if (protos.length === 0) throw new Error('copy-build-assets: no .proto under src/');
