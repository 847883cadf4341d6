// Jest on Node 20 cannot require() an ES module, and Nest 12 ships ESM only; @nestjs/throttler 6
// is still CommonJS and require()s @nestjs/common, which plain Node 20.19+ allows but Jest does not.
// This transform serves such a package to Jest as one ES module: esbuild bundles its CommonJS files,
// every external require() becomes a static import (so Jest's single @nestjs/common instance is used),
// and the package's exports are re-exported by name. jest.config.js maps the package to a
// placeholder .mjs file whose first line names the package.
const { buildSync } = require('esbuild');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

function packageOf(placeholderSource) {
  const match = /^\/\/ package: (\S+)/.exec(placeholderSource);
  if (!match) throw new Error('cjs-package-as-esm: the placeholder must start with "// package: <name>"');
  return match[1];
}

function bundle(packageName) {
  const entry = require.resolve(packageName);
  const { outputFiles } = buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const imports = new Map();
  let code = outputFiles[0].text.replace(/__require\("([^"]+)"\)/g, (_, specifier) => {
    if (!imports.has(specifier)) imports.set(specifier, `__external_${imports.size}`);
    return imports.get(specifier);
  });
  // Node itself can load the package (require(esm)), which tells us its export names.
  const names = Object.keys(require(packageName)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
  code = code.replace(
    /export default (require_\w+)\(\);\s*$/,
    (_, init) => `const __package = ${init}();\nexport default __package;\nexport const { ${names.join(', ')} } = __package;\n`,
  );
  const header = [...imports].map(([specifier, local]) => `import * as ${local} from ${JSON.stringify(specifier)};`).join('\n');
  return `${header}\n${code}`;
}

module.exports = {
  process(source) {
    return { code: bundle(packageOf(source)) };
  },
  getCacheKey(source) {
    const name = packageOf(source);
    const version = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
    return createHash('sha256').update(`v1 ${name}@${version} ${source}`).digest('hex');
  },
};
