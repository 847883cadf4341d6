// `npm run models:build`: turns the pinned npm tarballs' model files into a Triton-layout model
// repository (model_repository/<name>/1/model.onnx + config.pbtxt + manifest.json).
// Deterministic: the outputs are the verified source bytes (or, for a batching model, those bytes
// with its batch dimension made dynamic on the wire; for a TFLite model, its conversion to ONNX;
// for the second embedder, the first one's graph with a projection appended; all pinned by hash) and text rendered from model-specs.mjs, so a rebuild gives identical files.
// Skips in milliseconds when every output matches its manifest.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBatchParity, PARITY_BATCHES, PARITY_TOLERANCE } from './batch-parity.mjs';
import { builtSha256, MODEL_SPECS } from './model-specs.mjs';
import { withBatchPreservingReshape, withDynamicBatch } from './onnx-batch-dim.mjs';
import {
  checkProjectionParity,
  orthogonalProjection,
  PROJECTION_PARITY_ROWS,
  PROJECTION_PARITY_TOLERANCE,
  withAppendedProjection,
} from './onnx-projection.mjs';
import { extractFromTgz } from './tar-reader.mjs';
import { checkTfliteParity, TFLITE_PARITY_SAMPLES, TFLITE_PARITY_TOLERANCE } from './tflite-parity.mjs';
import { REFERENCE_PACKAGE } from './tflite-reference.mjs';
import { convertTfliteToOnnx, ONNX_OPSET } from './tflite-to-onnx.mjs';
import { renderTritonConfig } from './triton-config.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const outputRoot = resolve(repoRoot, process.env.MODEL_REPOSITORY ?? 'model_repository');
const cacheDir = join(repoRoot, '.model-cache');
const force = process.argv.includes('--force');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function expectedManifest(spec, configText) {
  return {
    model: spec.name,
    description: spec.description,
    source: {
      package: spec.sourcePackage.name,
      version: spec.sourcePackage.version,
      integrity: spec.sourcePackage.integrity,
      license: spec.sourcePackage.license,
      file: spec.sourceFile,
      sha256: spec.sourceSha256,
    },
    // Absent when the graph is used unchanged; the output hash then equals the input hash.
    transformation: transformationOf(spec),
    output: { file: '1/model.onnx', sha256: builtSha256(spec) },
    config: { file: 'config.pbtxt', sha256: sha256(configText) },
  };
}

function transformationOf(spec) {
  if (spec.projection) {
    const { base, from, dimension, seed } = spec.projection;
    const baseDimension = specNamed(base).outputs[0].dims.at(-1);
    return {
      tool: 'tools/models/onnx-projection.mjs',
      base: `${base}'s served graph (${builtSha256(specNamed(base))}), built as its own manifest says`,
      edits: [
        `MatMul appended: "${from}" [batch, ${baseDimension}] x constant "${spec.outputs[0].name}_projection" [${baseDimension}, ${dimension}] -> graph output "${spec.outputs[0].name}" [batch, ${dimension}], which replaces "${from}" as the output`,
        `the matrix has orthonormal columns: a subsampled randomised Hadamard transform (seed ${seed}), so cosine similarities are approximately kept`,
      ],
      parity: {
        rows: PROJECTION_PARITY_ROWS,
        maxAbsDiff: PROJECTION_PARITY_TOLERANCE,
        against: `${base} run by ONNX Runtime, times the matrix in float64, on deterministic inputs in [-1, 1); and at batch ${PARITY_BATCHES.join(', ')} row by row`,
      },
    };
  }
  if (spec.conversion) {
    return {
      tool: 'tools/models/tflite-to-onnx.mjs',
      edits: [
        `TFLite flatbuffer -> ONNX opset ${ONNX_OPSET}, operator for operator; weights transposed from NHWC/OHWI to NCHW/OIHW, values unchanged`,
        `graph inputs and outputs keep TFLite's shapes, renamed ${Object.entries(spec.conversion.rename)
          .map(([from, to]) => `"${from}" -> "${to}"`)
          .join(', ')}`,
      ],
      parity: {
        samples: TFLITE_PARITY_SAMPLES,
        maxAbsDiff: TFLITE_PARITY_TOLERANCE,
        against: `TFLite itself (${REFERENCE_PACKAGE}, WebAssembly) on deterministic inputs in [-1, 1)`,
      },
    };
  }
  if (!spec.batching) return undefined;
  const { dimParam, finalReshapeOutput } = spec.batching;
  return {
    tool: 'tools/models/onnx-batch-dim.mjs',
    edits: [
      `graph inputs ${spec.inputs.map((t) => `"${t.name}"`).join(', ')} and outputs ${spec.outputs.map((t) => `"${t.name}"`).join(', ')}: first dimension dim_value 1 -> dim_param "${dimParam}"`,
      `Reshape producing "${finalReshapeOutput}": constant shape [1, -1] -> [0, -1] (0 copies the batch dimension)`,
    ],
    unchanged: 'every other byte: weights, nodes, attributes, metadata',
    parity: { batches: PARITY_BATCHES, maxAbsDiff: PARITY_TOLERANCE, against: 'source graph at batch 1, row by row' },
  };
}

/** The TFLite source converted to ONNX, pinned by hash and, where TFLite is installed, proven equal. */
async function convertedBytes(spec, source) {
  const { rename, outputSha256 } = spec.conversion;
  const converted = convertTfliteToOnnx(source, {
    graphName: spec.name,
    rename,
    doc: `${spec.description}. Converted from ${spec.sourcePackage.name}@${spec.sourcePackage.version} ${spec.sourceFile}`,
  });
  const actual = sha256(converted);
  if (actual !== outputSha256) throw new Error(`models:build: converted ${spec.name} has sha256 ${actual}, expected ${outputSha256}`);
  const diffs = await checkTfliteParity(source, converted, rename);
  if (!diffs) {
    // A production-only install: the pinned hash is the graph that passed this check when it was pinned.
    console.warn(`models:build: ${REFERENCE_PACKAGE} is not installed, so ${spec.name} was not run against TFLite (its sha256 is the pinned one)`);
  } else {
    const figures = Object.entries(diffs).map(([output, diff]) => `${output} ${diff.toExponential(2)}`);
    console.log(`models:build: ${spec.name} parity against TFLite over ${TFLITE_PARITY_SAMPLES} inputs (max abs diff) ${figures.join(', ')}`);
  }
  return converted;
}

const specNamed = (name) => MODEL_SPECS.find((spec) => spec.name === name);

/** The base embedder's graph with the projection appended, pinned by hash and checked against the base times the matrix. */
async function projectedBytes(spec, source) {
  const { base, from, dimension, seed, outputSha256 } = spec.projection;
  const baseBytes = await servedBytes(specNamed(base), source);
  const output = spec.outputs[0].name;
  const matrix = orthogonalProjection(specNamed(base).outputs[0].dims.at(-1), dimension, seed);
  const projected = withAppendedProjection(baseBytes, { from, to: output, matrix, dimension });
  const actual = sha256(projected);
  if (actual !== outputSha256) throw new Error(`models:build: projected ${spec.name} has sha256 ${actual}, expected ${outputSha256}`);
  const rowDims = spec.inputs[0].dims;
  const diff = await checkProjectionParity(baseBytes, projected, {
    input: spec.inputs[0].name,
    baseOutput: from,
    output,
    rowDims,
    matrix,
    dimension,
  });
  const batches = await checkBatchParity(projected, projected, { input: spec.inputs[0].name, output, rowDims });
  const figures = Object.entries(batches).map(([batch, value]) => `batch ${batch}: ${value.toExponential(2)}`);
  console.log(
    `models:build: ${spec.name} parity against ${base} x projection (max abs diff) ${diff.toExponential(2)}; rows by batch ${figures.join(', ')}`,
  );
  return projected;
}

/** The bytes to serve: the source, or the source converted, rewritten or projected and proven equal. */
async function servedBytes(spec, source) {
  if (spec.projection) return projectedBytes(spec, source);
  if (spec.conversion) return convertedBytes(spec, source);
  if (!spec.batching) return source;
  const names = (tensors) => tensors.map((tensor) => tensor.name);
  const rewritten = withBatchPreservingReshape(
    withDynamicBatch(source, { inputs: names(spec.inputs), outputs: names(spec.outputs), dimParam: spec.batching.dimParam }),
    spec.batching.finalReshapeOutput,
  );
  const actual = sha256(rewritten);
  if (actual !== spec.batching.outputSha256) {
    throw new Error(`models:build: rewritten ${spec.name} has sha256 ${actual}, expected ${spec.batching.outputSha256}`);
  }
  const diffs = await checkBatchParity(source, rewritten, { input: spec.inputs[0].name, output: spec.outputs[0].name, rowDims: spec.inputs[0].dims });
  const figures = Object.entries(diffs).map(([batch, diff]) => `batch ${batch}: ${diff.toExponential(2)}`);
  console.log(`models:build: ${spec.name} batch parity against the source graph (max abs diff) ${figures.join(', ')}`);
  return rewritten;
}

function manifestText(spec) {
  return `${JSON.stringify(expectedManifest(spec, renderTritonConfig(spec)), null, 2)}\n`;
}

function isUpToDate(spec) {
  const dir = join(outputRoot, spec.name);
  const paths = ['manifest.json', 'config.pbtxt', '1/model.onnx'].map((file) => join(dir, file));
  if (!paths.every((path) => existsSync(path))) return false;
  return (
    readFileSync(paths[0], 'utf8') === manifestText(spec) &&
    readFileSync(paths[1], 'utf8') === renderTritonConfig(spec) &&
    sha256(readFileSync(paths[2])) === builtSha256(spec)
  );
}

function integrityOf(bytes) {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** A pinned tarball, from the cache when it is there and intact, else fetched with `npm pack`. */
function sourceTarball(pkg) {
  mkdirSync(cacheDir, { recursive: true });
  const fileName = `${pkg.name}-${pkg.version}.tgz`;
  const cached = join(cacheDir, fileName);
  if (!existsSync(cached) || integrityOf(readFileSync(cached)) !== pkg.integrity) {
    console.log(`models:build: fetching ${pkg.name}@${pkg.version} with npm pack`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', cacheDir, '--loglevel', 'warn'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const bytes = readFileSync(cached);
  const actual = integrityOf(bytes);
  if (actual !== pkg.integrity) {
    throw new Error(`models:build: ${fileName} has integrity ${actual}, expected ${pkg.integrity}`);
  }
  return bytes;
}

/** Writes through a temporary name so an interrupted build never leaves a half-written model. */
function writeAtomically(path, bytes) {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

async function build() {
  const stale = MODEL_SPECS.filter((spec) => force || !isUpToDate(spec));
  if (stale.length === 0) {
    console.log(`models:build: ${MODEL_SPECS.length} models up to date in ${outputRoot}`);
    return;
  }
  const files = new Map();
  for (const pkg of new Set(stale.map((spec) => spec.sourcePackage))) {
    const wanted = stale.filter((spec) => spec.sourcePackage === pkg).map((spec) => spec.sourceFile);
    files.set(pkg, extractFromTgz(sourceTarball(pkg), wanted));
  }
  for (const spec of stale) {
    const bytes = files.get(spec.sourcePackage).get(spec.sourceFile);
    if (!bytes) throw new Error(`models:build: ${spec.sourceFile} is missing from ${spec.sourcePackage.name}@${spec.sourcePackage.version}`);
    const actual = sha256(bytes);
    if (actual !== spec.sourceSha256) {
      throw new Error(`models:build: ${spec.sourceFile} has sha256 ${actual}, expected ${spec.sourceSha256}`);
    }
    const served = await servedBytes(spec, bytes);
    const dir = join(outputRoot, spec.name);
    mkdirSync(join(dir, '1'), { recursive: true });
    writeAtomically(join(dir, '1', 'model.onnx'), served);
    writeAtomically(join(dir, 'config.pbtxt'), renderTritonConfig(spec));
    writeAtomically(join(dir, 'manifest.json'), manifestText(spec));
    console.log(`models:build: wrote ${spec.name} (${served.length} bytes)`);
  }
  const unknown = readdirSync(outputRoot).filter(
    (entry) => !entry.startsWith('.') && entry !== 'README.md' && !MODEL_SPECS.some((spec) => spec.name === entry),
  );
  if (unknown.length > 0) console.warn(`models:build: left alone, not built by this tool: ${unknown.join(', ')}`);
}

try {
  await build();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
