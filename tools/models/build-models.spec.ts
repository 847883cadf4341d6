import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { modelRepository } from '../../test/support/face-fixtures.js';
import { embedderContractFrom } from '../../src/inference/embedder-contract.js';
import { parseModelConfig, parseProtoText } from '../../src/inference/model-repository.js';
import { checkBatchParity } from './batch-parity.mjs';
import { DEFAULT_FACE_PIPELINE_OPTIONS } from '../../src/faces/face-pipeline.js';
import { builtSha256, MODEL_SPECS, SOURCE_PACKAGE, TRITON_CPU_BUDGET } from './model-specs.mjs';
import { withBatchPreservingReshape, withDynamicBatch } from './onnx-batch-dim.mjs';
import { checkProjectionParity, orthogonalProjection, withAppendedProjection } from './onnx-projection.mjs';
import { extractFromTgz } from './tar-reader.mjs';
import { renderTritonConfig } from './triton-config.mjs';

/** One ustar entry: a 512-byte header (name, octal size, checksum) and the padded contents. */
function tarEntry(name: string, contents: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100);
  header.write(`${contents.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('ustar\0', 257);
  header.fill(' ', 148, 156);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, contents, Buffer.alloc((512 - (contents.length % 512)) % 512)]);
}

/** The pinned source tarball, cached by models:build under the git-ignored .model-cache/. */
const sourceTarball = fileURLToPath(new URL(`../../.model-cache/${SOURCE_PACKAGE.name}-${SOURCE_PACKAGE.version}.tgz`, import.meta.url));
const hasSourceTarball = existsSync(sourceTarball);
if (!hasSourceTarball) {
  console.warn(
    `Skipping the embedder rewrite test: ${sourceTarball} is absent (models:build caches it there; run \`npm run models:build -- --force\`)`,
  );
}

describe('models:build', () => {
  it('renders config.pbtxt that the service parses back to the same names and dims', () => {
    for (const spec of MODEL_SPECS) {
      const config = parseModelConfig(renderTritonConfig(spec));
      expect(config.name).toBe(spec.name);
      expect(config.platform).toBe('onnxruntime_onnx');
      expect(config.maxBatchSize).toBe(spec.maxBatchSize);
      expect(config.inputs.map((t) => [t.name, t.dataType, t.dims])).toEqual(spec.inputs.map((t) => [t.name, 'TYPE_FP32', t.dims]));
      expect(config.outputs.map((t) => [t.name, t.dataType, t.dims])).toEqual(spec.outputs.map((t) => [t.name, 'TYPE_FP32', t.dims]));
    }
  });

  it("sets each model's Triton instances and ONNX Runtime threads, within the CPU budget together", () => {
    let threads = 0;
    for (const spec of MODEL_SPECS) {
      const config = parseProtoText(readFileSync(join(modelRepository, spec.name, 'config.pbtxt'), 'utf8'));
      const groups = config.instance_group as Record<string, unknown[]>[];
      expect(groups).toHaveLength(1);
      // No kind: KIND_AUTO, so a GPU node still gets the models on its GPU.
      expect(groups[0].kind).toBeUndefined();
      const count = Number(groups[0].count[0]);
      const parameters = config.parameters as Record<string, any[]>[];
      const intraOp = parameters.find((entry) => entry.key[0] === 'intra_op_thread_count');
      const intraOpThreads = Number(intraOp?.value[0].string_value[0]);
      expect([count, intraOpThreads]).toEqual([spec.triton.instances, spec.triton.intraOpThreads]);
      expect(count).toBeGreaterThanOrEqual(1);
      expect(intraOpThreads).toBeGreaterThanOrEqual(1);
      if (!spec.triton.idle) threads += count * intraOpThreads;
    }
    expect(threads).toBeLessThanOrEqual(TRITON_CPU_BUDGET);
    // Only a model the shipped pipeline does not run may idle outside the budget: the other alignment's
    // landmarks, and the second embedder, which runs only in the shipped one's place (EMBEDDER_MODEL), with its instances.
    expect(MODEL_SPECS.filter((spec) => spec.triton.idle).map((spec) => spec.name)).toEqual([
      DEFAULT_FACE_PIPELINE_OPTIONS.onetAlignment ? 'face_landmarks' : 'face_landmarks5',
      'face_embedder_256',
    ]);
    const instancesOf = (name: string) => MODEL_SPECS.find((spec) => spec.name === name)!.triton;
    expect({ ...instancesOf('face_embedder_256'), idle: false }).toEqual({ ...instancesOf('face_embedder'), idle: false });
  });

  it('is deterministic: the built repository holds exactly what the specs render and pin', () => {
    for (const spec of MODEL_SPECS) {
      const dir = join(modelRepository, spec.name);
      expect(readFileSync(join(dir, 'config.pbtxt'), 'utf8')).toBe(renderTritonConfig(spec));
      expect(
        createHash('sha256')
          .update(readFileSync(join(dir, '1', 'model.onnx')))
          .digest('hex'),
      ).toBe(builtSha256(spec));
    }
  });

  (hasSourceTarball ? it : it.skip)(
    'rewrites the embedder from the pinned source to the pinned batched graph, equal row by row at batch 1, 2 and 8',
    async () => {
      const spec = MODEL_SPECS.find((entry) => entry.batching !== undefined)!;
      const source = extractFromTgz(readFileSync(sourceTarball), [spec.sourceFile]).get(spec.sourceFile)!;
      expect(createHash('sha256').update(source).digest('hex')).toBe(spec.sourceSha256);
      const names = { inputs: spec.inputs.map((t) => t.name), outputs: spec.outputs.map((t) => t.name), dimParam: spec.batching!.dimParam };
      const rewritten = withBatchPreservingReshape(withDynamicBatch(source, names), spec.batching!.finalReshapeOutput);
      expect(createHash('sha256').update(rewritten).digest('hex')).toBe(spec.batching!.outputSha256);
      // Without the Reshape edit the graph folds a batch of 2 into one row of 1024: the parity check catches it.
      await expect(
        checkBatchParity(source, withDynamicBatch(source, names), { input: 'input', output: 'output', rowDims: spec.inputs[0].dims }),
      ).rejects.toThrow(/batch 2: output "output" has shape \[1, 1024\]/);
      const diffs = await checkBatchParity(source, rewritten, { input: 'input', output: 'output', rowDims: spec.inputs[0].dims });
      for (const diff of Object.values(diffs)) expect(diff).toBeLessThanOrEqual(1e-5);
    },
  );

  it("declares each embedder's preprocessing in config.pbtxt, as the service reads it", () => {
    const embedders = MODEL_SPECS.filter((spec) => spec.embedding !== undefined);
    expect(embedders.map((spec) => spec.name)).toEqual(['face_embedder', 'face_embedder_256']);
    for (const spec of embedders) {
      const embedder = embedderContractFrom(parseModelConfig(renderTritonConfig(spec)), builtSha256(spec));
      expect(embedder.preprocessing).toEqual(spec.embedding);
      expect(embedder.dimension).toBe(spec.outputs[0].dims.at(-1));
    }
  });

  it('projects with a matrix of orthonormal columns, the same on every build', () => {
    const matrix = orthogonalProjection(512, 256, 20261216);
    expect(orthogonalProjection(512, 256, 20261216)).toEqual(matrix);
    expect(orthogonalProjection(512, 256, 7)).not.toEqual(matrix);
    let worst = 0;
    for (let a = 0; a < 256; a += 5) {
      for (let b = 0; b < 256; b++) {
        let dot = 0;
        for (let i = 0; i < 512; i++) dot += matrix[i * 256 + a] * matrix[i * 256 + b];
        worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  (hasSourceTarball ? it : it.skip)(
    'builds face_embedder_256 from the pinned source to the pinned graph: the shipped one times the matrix, row by row at every batch',
    async () => {
      const spec = MODEL_SPECS.find((entry) => entry.name === 'face_embedder_256')!;
      const base = MODEL_SPECS.find((entry) => entry.name === spec.projection!.base)!;
      const source = extractFromTgz(readFileSync(sourceTarball), [base.sourceFile]).get(base.sourceFile)!;
      const names = { inputs: base.inputs.map((t) => t.name), outputs: base.outputs.map((t) => t.name), dimParam: base.batching!.dimParam };
      const baseGraph = withBatchPreservingReshape(withDynamicBatch(source, names), base.batching!.finalReshapeOutput);
      const { from, dimension, seed } = spec.projection!;
      const matrix = orthogonalProjection(512, dimension, seed);
      const projected = withAppendedProjection(baseGraph, { from, to: 'embedding', matrix, dimension });
      expect(createHash('sha256').update(projected).digest('hex')).toBe(spec.projection!.outputSha256);
      const io = { input: 'input', baseOutput: from, output: 'embedding', rowDims: spec.inputs[0].dims, matrix, dimension };
      expect(await checkProjectionParity(baseGraph, projected, io)).toBeLessThanOrEqual(1e-5);
      for (const diff of Object.values(
        await checkBatchParity(projected, projected, { input: 'input', output: 'embedding', rowDims: spec.inputs[0].dims }),
      ))
        expect(diff).toBe(0);
      // The check has teeth: the graph built with one weight changed fails against the declared matrix.
      const altered = Float32Array.from(matrix);
      altered[3 * dimension + 17] += 0.05;
      const wrong = withAppendedProjection(baseGraph, { from, to: 'embedding', matrix: altered, dimension });
      await expect(checkProjectionParity(baseGraph, wrong, io)).rejects.toThrow(/projection parity: max abs diff/);
      expect(() => withAppendedProjection(baseGraph, { from: 'no_such_output', to: 'embedding', matrix, dimension })).toThrow(
        /exactly one output, "no_such_output" \(found output\)/,
      );
    },
  );

  it('extracts only the wanted files from a gzipped tarball', () => {
    const tgz = gzipSync(
      Buffer.concat([
        tarEntry('package/README.md', Buffer.from('hello')),
        tarEntry('package/model/a.onnx', Buffer.alloc(700, 1)),
        Buffer.alloc(1024),
      ]),
    );
    const files = extractFromTgz(tgz, ['package/model/a.onnx', 'package/missing.onnx']);
    expect([...files.keys()]).toEqual(['package/model/a.onnx']);
    expect(files.get('package/model/a.onnx')).toEqual(Buffer.alloc(700, 1));
  });
});
